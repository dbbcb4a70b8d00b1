"""Democratic support (and admins) record sources, recommendations and the executive's
responses in the app: who may, where new recommendations go, the response rules at their
boundaries, no lost updates, and bad input refused with a message next to the field."""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from actionplans.kernel.concurrency import EditConflict
from actionplans.kernel.forms import conflict_summary
from partners.access import DEMOCRATIC_SUPPORT_GROUP
from recommendations import rules, services
from recommendations.forms import CONFLICT, REAL_DATE
from recommendations.models import Recommendation, ResponseDecision, Source, SourceKind
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MeetingFactory,
    PersonFactory,
    PlanFactory,
    RecommendationFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><b>bold</b>'


# --- People -------------------------------------------------------------------------------


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def democratic_support(username, name):
    """Another login in the democratic support group, for two managers editing at once."""
    user = UserFactory(username=username)
    PersonFactory(user=user, name=name)
    user.groups.add(Group.objects.get_or_create(name=DEMOCRATIC_SUPPORT_GROUP)[0])
    return user


@pytest.fixture
def panel(world):
    return world["panel"]


@pytest.fixture
def source(panel):
    meeting = MeetingFactory(body=panel, date=datetime.date(2021, 6, 17))
    return SourceFactory(title="Children's APA Scrutiny Inquiry", reference="CYP-2021", made_by=panel, meeting=meeting)


@pytest.fixture
def recommendation(source):
    return RecommendationFactory(source=source, position=1, label="a)", text="Improve the front door.")


# The roles (tests/conftest.py): support_client and admin_client may change a source;
# panel_client (Councillor Bell, on the panel that made it) and plan_officer read it but may
# not change it; outsider_client (Bob Brown, of the police) may not learn it exists.


@pytest.fixture
def plan_officer(world, source, officer_client):
    """Sue Allan, who reads the source because a plan she works on uses it; may not change it."""
    plan = PlanFactory()
    plan.sources.add(source)
    ActionFactory(plan=plan, lead=world["sue"], recommendation=None)
    return officer_client


# --- Helpers ------------------------------------------------------------------------------


def source_data(**overrides):
    data = {
        "kind": SourceKind.SCRUTINY_INQUIRY,
        "reference": "CYP-2022",
        "title": "Early Help Scrutiny Inquiry",
        "made_by": "",
        "meeting": "",
        "date": "17/06/2022",
        "summary": "",
    }
    return {**data, **overrides}


def recommendation_data(**overrides):
    data = {
        "parent": "",
        "label": "",
        "group": "",
        "text": "Review the thresholds.",
        "current_activity": "",
        "lead": "",
    }
    return {**data, **overrides}


def response_data(**overrides):
    data = {
        "response_decision": ResponseDecision.ACCEPTED,
        "response_text": "Agreed by Cabinet.",
        "responding_body": "",
        "response_date": "01/10/2021",
        "response_due_date": "",
    }
    return {**data, **overrides}


def hidden_value(response, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no hidden {name} in the form"
    return match.group(1)


def field_error(response, field: str) -> str:
    """The error message shown next to a field (GOV.UK markup), as text."""
    match = re.search(
        rf'<p id="id_{field}-error" class="govuk-error-message">(.*?)</p>', response.content.decode(), re.S
    )
    assert match, f"no error message next to {field}"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()


def snapshot(model, pk):
    return model.objects.values().get(pk=pk)


def edit_urls(source, recommendation):
    """Every page of this feature that changes something, with a valid POST for it."""
    return {
        "source_create": (reverse("source_create"), source_data(made_by=source.made_by_id)),
        "source_edit": (
            reverse("source_edit", args=[source.pk]),
            source_data(reference=source.reference, made_by=source.made_by_id),
        ),
        "source_delete": (reverse("source_delete", args=[source.pk]), {}),
        "recommendation_create": (reverse("recommendation_create", args=[source.pk]), recommendation_data()),
        "recommendation_edit": (
            reverse("recommendation_edit", args=[recommendation.pk]),
            recommendation_data(opened_version=recommendation.version),
        ),
        "recommendation_response": (
            reverse("recommendation_response", args=[recommendation.pk]),
            response_data(opened_version=recommendation.version),
        ),
        "recommendation_delete": (reverse("recommendation_delete", args=[recommendation.pk]), {}),
    }


PAGES = [
    "source_create",
    "source_edit",
    "source_delete",
    "recommendation_create",
    "recommendation_edit",
    "recommendation_response",
    "recommendation_delete",
]
OBJECT_PAGES = [page for page in PAGES if page != "source_create"]


# --- Who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["support_client", "admin_client"])
@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_for_democratic_support_and_admin(request, source, recommendation, role, page):
    client = request.getfixturevalue(role)
    url, _ = edit_urls(source, recommendation)[page]
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in content
    assert "<title>Error:" not in content


@pytest.mark.parametrize("role", ["support_client", "admin_client"])
@pytest.mark.parametrize("page", PAGES)
def test_each_page_saves_for_democratic_support_and_admin(request, source, recommendation, role, page):
    client = request.getfixturevalue(role)
    url, data = edit_urls(source, recommendation)[page]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    assert "govuk-notification-banner--success" in follow.content.decode()


@pytest.mark.parametrize("role", ["panel_client", "plan_officer"])
@pytest.mark.parametrize("page", PAGES)
def test_someone_who_may_read_but_not_change_gets_403(request, source, recommendation, role, page):
    client = request.getfixturevalue(role)
    url, data = edit_urls(source, recommendation)[page]
    before = (snapshot(Source, source.pk), snapshot(Recommendation, recommendation.pk), Source.objects.count())
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert (snapshot(Source, source.pk), snapshot(Recommendation, recommendation.pk), Source.objects.count()) == before


@pytest.mark.parametrize("role", ["panel_client", "plan_officer"])
def test_someone_who_may_read_sees_the_pages_without_the_edit_links(request, source, recommendation, role):
    client = request.getfixturevalue(role)
    for url in [source.get_absolute_url(), recommendation.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert "/edit/" not in content and "/delete/" not in content
        assert "Add a recommendation" not in content and "Record the response" not in content


@pytest.mark.parametrize("role", ["support_client", "admin_client"])
def test_democratic_support_and_admin_see_the_edit_links(request, source, recommendation, role):
    client = request.getfixturevalue(role)
    content = client.get(source.get_absolute_url()).content.decode()
    assert reverse("source_edit", args=[source.pk]) in content
    assert reverse("source_delete", args=[source.pk]) in content
    assert f'href="{reverse("recommendation_create", args=[source.pk])}"' in content
    assert ">Add a recommendation</a>" in content
    content = client.get(recommendation.get_absolute_url()).content.decode()
    assert reverse("recommendation_edit", args=[recommendation.pk]) in content
    assert reverse("recommendation_delete", args=[recommendation.pk]) in content
    assert ">Record the response</a>" in content


@pytest.mark.parametrize("page", OBJECT_PAGES)
def test_an_outsider_gets_404(outsider_client, source, recommendation, page):
    url, data = edit_urls(source, recommendation)[page]
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, data).status_code == 404
    assert Source.objects.filter(pk=source.pk).exists() and Recommendation.objects.filter(pk=recommendation.pk).exists()


def test_an_outsider_cannot_see_the_source_or_recommendation_pages(outsider_client, source, recommendation):
    assert outsider_client.get(source.get_absolute_url()).status_code == 404
    assert outsider_client.get(recommendation.get_absolute_url()).status_code == 404


def test_an_outsider_may_not_add_a_source(outsider_client):
    assert outsider_client.get(reverse("source_create")).status_code == 403
    assert outsider_client.post(reverse("source_create"), source_data(made_by=BodyFactory().pk)).status_code == 403
    assert not Source.objects.exists()


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, source, recommendation, page):
    url, data = edit_urls(source, recommendation)[page]
    for response in [client.get(url), client.post(url, data)]:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("page", OBJECT_PAGES)
def test_a_missing_object_is_not_found(support_client, page):
    name = page
    assert support_client.get(reverse(name, args=[999999])).status_code == 404


# --- Sources ------------------------------------------------------------------------------


def test_adding_a_source_records_every_field(support_client, panel):
    meeting = MeetingFactory(body=panel, date=datetime.date(2022, 6, 1))
    data = source_data(made_by=panel.pk, meeting=meeting.pk, summary="Why early help matters.")
    response = support_client.post(reverse("source_create"), data)
    source = Source.objects.get(reference="CYP-2022")
    assert response.status_code == 302 and response["Location"] == source.get_absolute_url()
    assert (source.kind, source.title, source.made_by, source.meeting) == (
        SourceKind.SCRUTINY_INQUIRY,
        "Early Help Scrutiny Inquiry",
        panel,
        meeting,
    )
    assert source.date == datetime.date(2022, 6, 17) and source.summary == "Why early help matters."


def test_editing_a_source_changes_it(support_client, source):
    other = BodyFactory(name="Children's Trust Board")
    data = source_data(reference="CYP-2021-R", title="Renamed", made_by=other.pk, kind=SourceKind.REVIEW)
    response = support_client.post(reverse("source_edit", args=[source.pk]), data)
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.reference, source.title, source.made_by, source.meeting, source.kind) == (
        "CYP-2021-R",
        "Renamed",
        other,
        None,
        SourceKind.REVIEW,
    )


def test_edit_form_shows_the_source_as_it_is(support_client, source):
    content = support_client.get(reverse("source_edit", args=[source.pk])).content.decode()
    assert 'value="CYP-2021"' in content
    assert 'value="17/06/2021"' in content
    assert f'<option value="{source.made_by_id}" selected>' in content
    assert 'value="scrutiny_inquiry" checked' in content


def test_the_meeting_must_be_a_meeting_of_the_body_that_made_the_recommendations(support_client, panel):
    elsewhere = MeetingFactory(body=BodyFactory())
    response = support_client.post(reverse("source_create"), source_data(made_by=panel.pk, meeting=elsewhere.pk))
    assert response.status_code == 400
    assert field_error(response, "meeting") == rules.MEETING_OF_ANOTHER_BODY
    assert not Source.objects.exists()


def test_a_reference_already_used_is_refused(support_client, source):
    response = support_client.post(
        reverse("source_create"), source_data(reference="CYP-2021", made_by=source.made_by_id)
    )
    assert response.status_code == 400
    assert field_error(response, "reference") == "Another source already has this reference: enter a different one"


def test_deleting_a_source_asks_first_then_deletes_it_with_its_recommendations(support_client, source, recommendation):
    plan = PlanFactory(title="APA action plan")
    plan.sources.add(source)
    url = reverse("source_delete", args=[source.pk])
    content = support_client.get(url).content.decode()
    assert "Are you sure you want to delete this source?" in content
    assert "Its 1 recommendation and their responses will be deleted too." in content
    assert "APA action plan" in content
    assert Source.objects.filter(pk=source.pk).exists()
    response = support_client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not Source.objects.filter(pk=source.pk).exists()
    assert not Recommendation.objects.filter(pk=recommendation.pk).exists()
    assert not plan.sources.exists()


def test_a_source_whose_recommendations_have_actions_is_not_deleted(support_client, source, recommendation):
    child = RecommendationFactory(source=source, parent=recommendation, position=2)
    ActionFactory(recommendation=child)
    url = reverse("source_delete", args=[source.pk])
    content = support_client.get(url).content.decode()
    assert "You cannot delete this source" in content
    assert "because 1 action answers its recommendations" in content
    assert "Delete the source</button>" not in content
    response = support_client.post(url)
    assert response.status_code == 409
    assert "because 1 action answers its recommendations" in response.content.decode()
    assert Recommendation.objects.filter(source=source).count() == 2


# --- Recommendations: where they go -------------------------------------------------------


def add(client, source, **data):
    response = client.post(reverse("recommendation_create", args=[source.pk]), recommendation_data(**data))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Recommendation.objects.latest("pk")


def printed_order(source) -> list[str]:
    return [r.label for r in source.recommendations.order_by("position")]


def test_a_recommendation_goes_at_the_end_of_the_source(support_client, source):
    first = add(support_client, source, label="a)")
    second = add(support_client, source, label="b)")
    assert (first.position, second.position) == (1, 2)
    assert printed_order(source) == ["a)", "b)"]


def test_a_sub_item_goes_after_the_last_part_of_its_parent(support_client, source):
    a = add(support_client, source, label="a)")
    b = add(support_client, source, label="b)")
    c = add(support_client, source, label="c)")
    add(support_client, source, label="i)", parent=a.pk)
    a_ii = add(support_client, source, label="ii)", parent=a.pk)
    add(support_client, source, label="x)", parent=a_ii.pk)
    add(support_client, source, label="iii)", parent=a.pk)
    add(support_client, source, label="i)", parent=c.pk)
    add(support_client, source, label="d)")
    assert printed_order(source) == ["a)", "i)", "ii)", "x)", "iii)", "b)", "c)", "i)", "d)"]
    positions = list(source.recommendations.values_list("position", flat=True))
    assert len(set(positions)) == len(positions)
    b.refresh_from_db()
    assert b.version == 1  # moved down, not edited: an open edit form of it still saves


def test_adding_records_every_field_and_ignores_fields_the_form_does_not_declare(
    support_client, source, recommendation
):
    lead = PersonFactory(name="Alison Alexander")
    elsewhere = SourceFactory()
    data = recommendation_data(
        label="b)",
        group="Medium term",
        text="Review later.",
        current_activity="A review is planned.",
        lead=lead.pk,
        source=elsewhere.pk,
        position=1,
        version=99,
        id=4242,
        response_decision=ResponseDecision.REJECTED,
    )
    response = support_client.post(reverse("recommendation_create", args=[source.pk]), data)
    added = Recommendation.objects.get(label="b)")
    assert response["Location"] == f"{source.get_absolute_url()}#recommendation-{added.pk}"
    assert (added.source, added.position, added.version, added.response_decision) == (
        source,
        2,
        1,
        ResponseDecision.PENDING,
    )
    assert added.pk != 4242
    assert (added.group, added.text, added.current_activity, added.lead) == (
        "Medium term",
        "Review later.",
        "A review is planned.",
        lead,
    )


def test_the_parent_must_be_a_recommendation_of_the_same_source(support_client, source):
    elsewhere = RecommendationFactory()
    response = support_client.post(
        reverse("recommendation_create", args=[source.pk]), recommendation_data(parent=elsewhere.pk)
    )
    assert response.status_code == 400
    assert field_error(response, "parent") == "Choose a recommendation of this source from the list"
    assert not source.recommendations.exists()


def test_a_recommendation_cannot_become_part_of_its_own_part(support_client, source, recommendation):
    part = RecommendationFactory(source=source, parent=recommendation, position=2, label="i)")
    url = reverse("recommendation_edit", args=[recommendation.pk])
    content = support_client.get(url).content.decode()
    parent_select = re.search(r'<select name="parent".*?</select>', content, re.S).group(0)
    assert f'<option value="{part.pk}"' not in parent_select
    assert f'<option value="{recommendation.pk}"' not in parent_select
    for parent in [part, recommendation]:
        response = support_client.post(url, recommendation_data(parent=parent.pk, opened_version=1))
        assert response.status_code == 400
        assert field_error(response, "parent") == "Choose a recommendation of this source from the list"
    recommendation.refresh_from_db()
    assert recommendation.parent is None and recommendation.version == 1


def test_the_parent_rules_hold_in_the_service_too(source, recommendation):
    part = RecommendationFactory(source=source, parent=recommendation, position=2)
    with pytest.raises(ValidationError) as error:
        services.recommendation_update(
            recommendation=recommendation, expected_version=1, parent=part, text="Loop", label="a)"
        )
    assert error.value.message_dict == {"parent": [rules.PARENT_IS_A_PART]}
    with pytest.raises(ValidationError) as error:
        services.recommendation_create(source=source, parent=RecommendationFactory(), text="Elsewhere")
    assert error.value.message_dict == {"parent": [rules.PARENT_IN_ANOTHER_SOURCE]}


def test_many_recommendations_at_once_follow_the_last_in_their_order(source, recommendation):
    services.recommendations_create_bulk(
        source=source,
        new=[Recommendation(label=" b) ", text=" Publish thresholds. "), Recommendation(label="c)", text="Audit.")],
    )
    assert [(r.position, r.label, r.text, r.response_due_date) for r in source.recommendations.all()] == [
        (1, "a)", "Improve the front door.", None),
        (2, "b)", "Publish thresholds.", datetime.date(2021, 8, 17)),  # TRACKER_RESPONSE_DUE_MONTHS after the meeting
        (3, "c)", "Audit.", datetime.date(2021, 8, 17)),
    ]


def test_editing_a_recommendation_saves_it(support_client, source, recommendation):
    lead = PersonFactory()
    url = reverse("recommendation_edit", args=[recommendation.pk])
    assert hidden_value(support_client.get(url), "opened_version") == "1"
    data = recommendation_data(
        label="A)", group="Now", text="Improve it.", current_activity="Started.", lead=lead.pk, opened_version=1
    )
    response = support_client.post(url, data)
    assert response.status_code == 302 and response["Location"] == recommendation.get_absolute_url()
    recommendation.refresh_from_db()
    assert (recommendation.label, recommendation.group, recommendation.text, recommendation.lead) == (
        "A)",
        "Now",
        "Improve it.",
        lead,
    )
    assert (recommendation.current_activity, recommendation.version, recommendation.position) == ("Started.", 2, 1)


def test_giving_a_recommendation_a_new_parent_moves_it_with_its_parts(support_client, source):
    a = add(support_client, source, label="a)")
    b = add(support_client, source, label="b)")
    add(support_client, source, label="i)", parent=b.pk)
    add(support_client, source, label="c)")
    add(support_client, source, label="i)", parent=a.pk)
    assert printed_order(source) == ["a)", "i)", "b)", "i)", "c)"]
    data = recommendation_data(label="ii)", text=b.text, parent=a.pk, opened_version=1)
    assert support_client.post(reverse("recommendation_edit", args=[b.pk]), data).status_code == 302
    assert printed_order(source) == ["a)", "i)", "ii)", "i)", "c)"]
    b.refresh_from_db()
    assert b.parent == a and b.version == 2
    data = recommendation_data(label="e)", text=b.text, parent="", opened_version=2)
    assert support_client.post(reverse("recommendation_edit", args=[b.pk]), data).status_code == 302
    assert printed_order(source) == ["a)", "i)", "c)", "e)", "i)"]


def test_editing_ignores_fields_the_form_does_not_declare(support_client, source, recommendation):
    elsewhere = SourceFactory()
    data = recommendation_data(
        text="Edited.", opened_version=1, version=99, source=elsewhere.pk, position=7, id=4242, response_text="X"
    )
    assert support_client.post(reverse("recommendation_edit", args=[recommendation.pk]), data).status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.text, recommendation.version, recommendation.source, recommendation.position) == (
        "Edited.",
        2,
        source,
        1,
    )
    assert recommendation.response_text == "" and not Recommendation.objects.filter(pk=4242).exists()


def test_deleting_a_recommendation_asks_first_then_deletes_it_with_its_parts(support_client, source, recommendation):
    part = RecommendationFactory(source=source, parent=recommendation, position=2)
    url = reverse("recommendation_delete", args=[recommendation.pk])
    content = support_client.get(url).content.decode()
    assert "Are you sure you want to delete recommendation a)?" in content
    assert "so will its 1 part and their responses" in content
    response = support_client.post(url)
    assert response.status_code == 302 and response["Location"] == source.get_absolute_url()
    assert not Recommendation.objects.filter(pk__in=[recommendation.pk, part.pk]).exists()


def test_a_recommendation_whose_part_has_actions_is_not_deleted(support_client, source, recommendation):
    part = RecommendationFactory(source=source, parent=recommendation, position=2)
    ActionFactory(recommendation=part)
    ActionFactory(recommendation=part)
    url = reverse("recommendation_delete", args=[recommendation.pk])
    assert "You cannot delete this recommendation" in support_client.get(url).content.decode()
    response = support_client.post(url)
    assert response.status_code == 409
    assert "because 2 actions answer it or its parts" in response.content.decode()
    assert Recommendation.objects.filter(pk__in=[recommendation.pk, part.pk]).count() == 2
    # the part itself is refused too
    response = support_client.post(reverse("recommendation_delete", args=[part.pk]))
    assert response.status_code == 409 and "because 2 actions answer it." in response.content.decode()


# --- The executive's response ------------------------------------------------------------


def test_recording_a_response_saves_every_field(support_client, recommendation):
    cabinet = BodyFactory(name="Cabinet")
    data = response_data(
        response_decision=ResponseDecision.PARTIALLY_ACCEPTED,
        response_text="Agreed in part: no budget for the rest.",
        responding_body=cabinet.pk,
        response_date="1/10/2021",
        response_due_date="30/09/2021",
        opened_version=1,
        text="Changed?",
        version=50,
    )
    response = support_client.post(reverse("recommendation_response", args=[recommendation.pk]), data)
    assert response.status_code == 302 and response["Location"] == recommendation.get_absolute_url()
    recommendation.refresh_from_db()
    assert recommendation.response_decision == ResponseDecision.PARTIALLY_ACCEPTED
    assert recommendation.response_text == "Agreed in part: no budget for the rest."
    assert recommendation.responding_body == cabinet
    assert recommendation.response_date == datetime.date(2021, 10, 1)
    assert recommendation.response_due_date == datetime.date(2021, 9, 30)
    assert (recommendation.text, recommendation.version) == ("Improve the front door.", 2)


def test_the_response_form_explains_the_rules_next_to_the_fields(support_client, recommendation):
    content = support_client.get(reverse("recommendation_response", args=[recommendation.pk])).content.decode()
    assert "If the recommendation was rejected or only partially accepted, give the reasons." in content
    assert 'aria-describedby="id_response_text-hint"' in content
    assert "Leave blank while the decision is pending." in content
    assert 'value="pending" checked' in content


@pytest.mark.parametrize(
    ("decision", "text", "date", "errors"),
    [
        (ResponseDecision.REJECTED, "", "", {"response_text": "Give the reasons the recommendation was rejected"}),
        (ResponseDecision.REJECTED, "   ", "", {"response_text": "Give the reasons the recommendation was rejected"}),
        (ResponseDecision.REJECTED, "No money.", "01/10/2021", {}),
        (
            ResponseDecision.PARTIALLY_ACCEPTED,
            "",
            "01/10/2021",
            {"response_text": "Give the reasons the recommendation was only partially accepted"},
        ),
        (ResponseDecision.PARTIALLY_ACCEPTED, "Only the first part.", "", {}),
        (ResponseDecision.ACCEPTED, "", "01/10/2021", {}),
        (ResponseDecision.NOTED, "", "", {}),
        (ResponseDecision.PENDING, "", "", {}),
        (ResponseDecision.PENDING, "Expected in March.", "", {}),
        (ResponseDecision.PENDING, "", "01/10/2021", {"response_date": rules.PENDING_HAS_NO_RESPONSE_DATE}),
        (
            ResponseDecision.REJECTED,
            "",
            "bad",
            {"response_text": "Give the reasons the recommendation was rejected", "response_date": REAL_DATE},
        ),
    ],
)
def test_response_rules_at_their_boundaries(support_client, recommendation, decision, text, date, errors):
    url = reverse("recommendation_response", args=[recommendation.pk])
    before = snapshot(Recommendation, recommendation.pk)
    data = response_data(response_decision=decision, response_text=text, response_date=date, opened_version=1)
    response = support_client.post(url, data)
    if not errors:
        assert response.status_code == 302
        recommendation.refresh_from_db()
        assert (recommendation.response_decision, recommendation.response_text) == (decision, text.strip())
        return
    assert response.status_code == 400
    assert "<title>Error: " in response.content.decode()
    for field, message in errors.items():
        assert field_error(response, field) == message
        assert f'<a href="#id_{field}">{html.escape(message)}</a>' in response.content.decode()
    assert snapshot(Recommendation, recommendation.pk) == before


def test_response_rules_in_one_function():
    assert set(rules.REASONS_NEEDED) == set(ResponseDecision.needing_reasons())
    assert rules.PENDING == ResponseDecision.PENDING
    day = datetime.date(2021, 10, 1)
    assert rules.response_errors(decision="rejected", response_text="", response_date=None) == {
        "response_text": ["Give the reasons the recommendation was rejected"]
    }
    assert rules.response_errors(decision="rejected", response_text="x", response_date=day) == {}
    assert rules.response_errors(decision="pending", response_text="", response_date=day) == {
        "response_date": [rules.PENDING_HAS_NO_RESPONSE_DATE]
    }
    assert rules.response_errors(decision="accepted", response_text="", response_date=day) == {}


def test_the_response_service_refuses_what_the_form_refuses(recommendation):
    with pytest.raises(ValidationError) as error:
        services.recommendation_response_record(
            recommendation=recommendation, expected_version=1, decision=ResponseDecision.REJECTED
        )
    assert error.value.message_dict == {"response_text": ["Give the reasons the recommendation was rejected"]}
    recommendation.refresh_from_db()
    assert recommendation.version == 1


# --- No lost updates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "first", "second", "field", "yours", "theirs"),
    [
        (
            "recommendation_edit",
            recommendation_data(text="Alice's wording.", label="a)"),
            recommendation_data(text="Bob's wording.", label="A."),
            "text",
            "Bob's wording.",
            "Alice's wording.",
        ),
        (
            "recommendation_response",
            response_data(response_decision=ResponseDecision.ACCEPTED, response_text="Alice's response."),
            response_data(response_decision=ResponseDecision.REJECTED, response_text="Bob's reasons."),
            "response_text",
            "Bob's reasons.",
            "Alice's response.",
        ),
    ],
)
def test_the_second_of_two_concurrent_edits_sees_the_first_and_loses_nothing(
    source, recommendation, name, first, second, field, yours, theirs
):
    alice = signed_in(democratic_support("alice", "Alice Smith"))
    bob = signed_in(democratic_support("bob", "Bob Jones"))
    url = reverse(name, args=[recommendation.pk])
    assert hidden_value(alice.get(url), "opened_version") == hidden_value(bob.get(url), "opened_version") == "1"

    assert alice.post(url, {**first, "opened_version": "1"}).status_code == 302
    after_alice = snapshot(Recommendation, recommendation.pk)
    assert after_alice[field] == theirs and after_alice["version"] == 2

    response = bob.post(url, {**second, "opened_version": "1"})
    assert response.status_code == 409
    content = response.content.decode()
    assert "<title>Error: " in content
    assert f">{CONFLICT}</a>" in content
    assert html.escape(yours) in content  # Bob's typing is kept in the form
    table = content[content.index('id="edit-conflict"') :]
    assert "What Alice Smith changed" in table and html.escape(theirs) in table
    assert snapshot(Recommendation, recommendation.pk) == after_alice  # nothing of Alice's overwritten
    assert hidden_value(response, "opened_version") == "2"

    response = bob.post(url, {**second, "opened_version": hidden_value(response, "opened_version")})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert getattr(recommendation, field) == yours and recommendation.version == 3


def test_a_form_without_its_version_is_refused(support_client, recommendation):
    url = reverse("recommendation_edit", args=[recommendation.pk])
    for version in ["", "abc", "0"]:
        response = support_client.post(url, recommendation_data(text="Sneaky.", opened_version=version))
        assert response.status_code == 400
        assert "This form is out of date" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.text == "Improve the front door." and recommendation.version == 1


def test_the_conflict_lists_related_objects_and_choices_in_words(recommendation):
    cabinet = BodyFactory(name="Cabinet")
    services.recommendation_response_record(
        recommendation=recommendation,
        expected_version=1,
        decision=ResponseDecision.ACCEPTED,
        responding_body=cabinet,
        response_date=datetime.date(2021, 10, 1),
    )
    stale = Recommendation.objects.get(pk=recommendation.pk)
    with pytest.raises(EditConflict) as conflict:
        services.recommendation_response_record(
            recommendation=stale, expected_version=1, decision=ResponseDecision.NOTED
        )
    summary = conflict_summary(conflict=conflict.value)
    rows = {change.label: (change.was, change.now) for change in summary.changes}
    assert rows["Response decision"] == ("Decision pending", "Accepted")
    assert rows["Responding body"] == ("Blank", "Cabinet")
    assert rows["Response date"] == ("Blank", "1 October 2021")


# --- Bad input -------------------------------------------------------------------------------


BAD_SOURCE_INPUT = [
    ("title", "x" * 301, "The title must be 300 characters or fewer"),
    ("title", "", "Enter the title"),
    ("reference", "x" * 61, "The reference must be 60 characters or fewer"),
    ("reference", "  ", "Enter a reference"),
    ("summary", "x" * 10_001, "The summary must be 10,000 characters or fewer"),
    ("date", "31/02/2021", REAL_DATE),
    ("date", "next Tuesday", REAL_DATE),
    ("kind", "manifesto", "Choose one of the kinds of source"),
    ("kind", "", "Choose the kind of source"),
    ("made_by", "999999", "Choose a body from the list"),
    ("made_by", "not-a-number", "Choose a body from the list"),
    ("made_by", "", "Choose the body that made the recommendations"),
    ("meeting", "999999", "Choose a meeting from the list"),
]
BAD_RECOMMENDATION_INPUT = [
    ("label", "x" * 31, "The label must be 30 characters or fewer"),
    ("group", "x" * 201, "The group or timeframe must be 200 characters or fewer"),
    ("text", "x" * 10_001, "The recommendation must be 10,000 characters or fewer"),
    ("text", "", "Enter the recommendation"),
    ("current_activity", "x" * 10_001, "The current activity must be 10,000 characters or fewer"),
    ("parent", "999999", "Choose a recommendation of this source from the list"),
    ("lead", "999999", "Choose a person from the list"),
]
BAD_RESPONSE_INPUT = [
    ("response_text", "x" * 10_001, "The response must be 10,000 characters or fewer"),
    ("response_decision", "maybe", "Choose one of the decisions"),
    ("response_decision", "", "Choose the decision"),
    ("responding_body", "999999", "Choose a body from the list"),
    ("response_date", "31/02/2021", REAL_DATE),
    ("response_due_date", "29/02/2021", REAL_DATE),
    ("response_due_date", "2021-13-01", REAL_DATE),
]


def bad_input_cases():
    for field, value, message in BAD_SOURCE_INPUT:
        yield pytest.param("source_create", field, value, message, id=f"source_create-{field}-{value[:12]}")
        yield pytest.param("source_edit", field, value, message, id=f"source_edit-{field}-{value[:12]}")
    for field, value, message in BAD_RECOMMENDATION_INPUT:
        for page in ["recommendation_create", "recommendation_edit"]:
            yield pytest.param(page, field, value, message, id=f"{page}-{field}-{value[:12]}")
    for field, value, message in BAD_RESPONSE_INPUT:
        yield pytest.param("recommendation_response", field, value, message, id=f"response-{field}-{value[:12]}")


@pytest.mark.parametrize(("page", "field", "value", "message"), list(bad_input_cases()))
def test_bad_input_gets_a_message_next_to_the_field_and_changes_nothing(
    support_client, source, recommendation, page, field, value, message
):
    url, data = edit_urls(source, recommendation)[page]
    before = (
        list(Source.objects.values().order_by("pk")),
        list(Recommendation.objects.values().order_by("pk")),
    )
    response = support_client.post(url, {**data, field: value})
    assert response.status_code == 400
    content = response.content.decode()
    assert field_error(response, field) == message
    assert "govuk-error-summary" in content and "<title>Error: " in content
    assert (
        f'aria-describedby="id_{field}-error"' in content
        or f'aria-describedby="id_{field}-hint id_{field}-error"' in content
    )
    after = (list(Source.objects.values().order_by("pk")), list(Recommendation.objects.values().order_by("pk")))
    assert after == before


@pytest.mark.parametrize(
    ("page", "field"),
    [
        ("source_create", "title"),
        ("source_create", "summary"),
        ("source_edit", "title"),
        ("recommendation_create", "text"),
        ("recommendation_create", "label"),
        ("recommendation_create", "current_activity"),
        ("recommendation_edit", "group"),
        ("recommendation_response", "response_text"),
    ],
)
def test_html_is_stored_as_typed_and_shown_escaped(support_client, source, recommendation, page, field):
    url, data = edit_urls(source, recommendation)[page]
    value = SCRIPT[: 30 if field == "label" else None]
    response = support_client.post(url, {**data, field: value})
    assert response.status_code == 302
    model = Source if page.startswith("source") else Recommendation
    saved = model.objects.filter(**{field: value})
    assert saved.exists()
    obj = saved.get()
    content = support_client.get(obj.get_absolute_url()).content.decode()
    assert html.escape(value) in content
    pages = [obj.get_absolute_url()] + ([obj.source.get_absolute_url()] if model is Recommendation else [])
    for url_to_check in pages:
        content = support_client.get(url_to_check).content.decode()
        assert "<script>alert(" not in content and "<b>bold</b>" not in content


def test_the_edit_form_shows_html_escaped_in_its_fields(support_client, source):
    rec = RecommendationFactory(source=source, position=5, text=SCRIPT, label='"><b>')
    content = support_client.get(reverse("recommendation_edit", args=[rec.pk])).content.decode()
    assert "<script>alert(" not in content and '"><b>' not in content
    assert html.escape(SCRIPT) in content


# --- CSRF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_a_post_without_the_csrf_token_is_refused(support_user, source, recommendation, page):
    client = signed_in(support_user, enforce_csrf_checks=True)
    url, data = edit_urls(source, recommendation)[page]
    before = (list(Source.objects.values().order_by("pk")), list(Recommendation.objects.values().order_by("pk")))
    assert client.post(url, data).status_code == 403
    client.get(url)  # sets the CSRF cookie
    assert client.post(url, {**data, "csrfmiddlewaretoken": "x" * 64}).status_code == 403
    after = (list(Source.objects.values().order_by("pk")), list(Recommendation.objects.values().order_by("pk")))
    assert after == before


def test_a_post_with_the_csrf_token_from_the_form_is_accepted(support_user, source, recommendation):
    client = signed_in(support_user, enforce_csrf_checks=True)
    url = reverse("recommendation_edit", args=[recommendation.pk])
    token = hidden_value(client.get(url), "csrfmiddlewaretoken")
    data = recommendation_data(text="With a token.", opened_version=1, csrfmiddlewaretoken=token)
    assert client.post(url, data).status_code == 302


# --- Done when: the whole journey through the pages ------------------------------------------


def test_democratic_support_record_a_source_its_recommendations_and_the_responses(panel, support_client):
    client = support_client
    cabinet = BodyFactory(name="Cabinet")
    meeting = MeetingFactory(body=panel, date=datetime.date(2022, 3, 3))

    response = client.post(
        reverse("source_create"),
        source_data(
            reference="EH-2022",
            title="Early Help Scrutiny Inquiry",
            made_by=panel.pk,
            meeting=meeting.pk,
            date="3/3/2022",
        ),
    )
    assert response.status_code == 302
    source = Source.objects.get(reference="EH-2022")
    assert "Now add its recommendations." in client.get(response["Location"]).content.decode()

    new = reverse("recommendation_create", args=[source.pk])
    assert client.post(new, recommendation_data(label="a)", text="Publish the thresholds.")).status_code == 302
    a = Recommendation.objects.get(source=source, label="a)")
    assert client.post(new, recommendation_data(label="b)", text="Train the front door staff.")).status_code == 302
    b = Recommendation.objects.get(source=source, label="b)")
    data = recommendation_data(label="i)", text="Include partners in the training.", parent=b.pk)
    assert client.post(new, data).status_code == 302
    b_i = Recommendation.objects.get(source=source, label="i)")

    accepted = response_data(
        response_decision=ResponseDecision.ACCEPTED,
        response_text="Agreed.",
        responding_body=cabinet.pk,
        response_date="10/04/2022",
        opened_version=1,
    )
    assert client.post(reverse("recommendation_response", args=[a.pk]), accepted).status_code == 302
    rejected = response_data(
        response_decision=ResponseDecision.REJECTED,
        response_text="",
        responding_body=cabinet.pk,
        response_date="10/04/2022",
        opened_version=1,
    )
    refused = client.post(reverse("recommendation_response", args=[b.pk]), rejected)
    assert field_error(refused, "response_text") == "Give the reasons the recommendation was rejected"
    rejected["response_text"] = "The training budget is committed for this year."
    assert client.post(reverse("recommendation_response", args=[b.pk]), rejected).status_code == 302

    content = client.get(source.get_absolute_url()).content.decode()
    order = [content.index(f'id="recommendation-{rec.pk}"') for rec in [a, b, b_i]]
    assert order == sorted(order)
    assert f'app-recommendation--depth-0" id="recommendation-{a.pk}"' in content
    assert f'app-recommendation--depth-0" id="recommendation-{b.pk}"' in content
    assert f'app-recommendation--depth-1" id="recommendation-{b_i.pk}"' in content
    assert "<strong>Response:</strong> Accepted by Cabinet, 10 April 2022" in content
    assert "<strong>Response:</strong> Rejected by Cabinet, 10 April 2022" in content
    assert "The training budget is committed for this year." in content
    assert [(r.label, r.position, r.parent_id) for r in source.recommendations.order_by("position")] == [
        ("a)", 1, None),
        ("b)", 2, None),
        ("i)", 3, b.pk),
    ]
