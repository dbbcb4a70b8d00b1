"""The server-rendered pages: they render, need a login, escape what people typed, and fetch
what they show in a number of queries that does not grow with the rows."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.plans import selectors
from actionplans.plans.rag import Rag
from partners.models import AttendanceStatus, MembershipRole
from recommendations.models import ResponseDecision
from tests.factories import (
    TEST_PASSWORD,
    ActionFactory,
    AttendanceFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    UserFactory,
)


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


@pytest.fixture
def logged_in_client(support_client):
    """These tests are about what pages show, so they sign in as democratic support, who may
    read everything; what each role may see is pinned in tests/project/test_permissions.py."""
    return support_client


@pytest.fixture
def world(world, db, as_at):
    """A small plan as a paper prints it: a source with nested, grouped recommendations,
    actions answering them, an action agreed in minutes, and the people and bodies around it.
    Here Sue Allan is the PCT's, helping the council's Alison Alexander, and Alison has no login
    (the person page's query count below is for a person without one)."""
    council, nhs, panel, board = world["council"], world["pct"], world["panel"], world["board"]
    meeting = MeetingFactory(body=panel, date=datetime.date(2021, 9, 30), venue="Civic Centre")
    lead = PersonFactory(name="Alison Alexander", job_title="Executive Director", organisation=council)
    helper = PersonFactory(name="Sue Allan", job_title="Head of Commissioning", organisation=nhs)
    MembershipFactory(body=panel, person=lead, role=MembershipRole.CHAIR, representing="Cabinet Member")
    AttendanceFactory(meeting=meeting, person=lead, status=AttendanceStatus.PRESENT)
    AttendanceFactory(meeting=meeting, person=helper, status=AttendanceStatus.APOLOGIES)
    source = SourceFactory(title="Children's APA Scrutiny Inquiry", made_by=panel, meeting=meeting)
    parent = RecommendationFactory(
        source=source,
        position=1,
        label="a)",
        group="For immediate action",
        text="Improve the front door.",
        response_decision=ResponseDecision.ACCEPTED,
        response_text="Agreed by Cabinet.",
        responding_body=board,
        response_date=datetime.date(2021, 10, 1),
    )
    child = RecommendationFactory(source=source, position=2, parent=parent, label="i)", text="Publish thresholds.")
    later = RecommendationFactory(source=source, position=3, label="b)", group="Medium term", text="Review later.")
    plan = PlanFactory(title="APA action plan", owning_body=board, lead=lead)
    plan.sources.add(source)
    on_track = ActionFactory(
        plan=plan,
        recommendation=child,
        reference="1.1",
        description="Publish the thresholds document",
        lead=lead,
        target_date=datetime.date(2022, 3, 31),
        target_date_text="End March 2022",
        milestones="Draft by January\nPublish by March",
    )
    on_track.supporting_officers.add(helper)
    on_track.partners.add(nhs)
    ProgressUpdateFactory(
        action=on_track,
        author=helper,
        reported_at=at_noon(datetime.date(2021, 9, 1)),
        rag=Rag.AMBER,
        narrative="First draft written.",
    )
    ProgressUpdateFactory(
        action=on_track,
        author=lead,
        reported_at=at_noon(datetime.date(2021, 10, 20)),
        rag=Rag.GREEN,
        narrative="Consulted partners.\nSecond draft written.",
        evidence_url="https://example.org/thresholds",
    )
    overdue = ActionFactory(
        plan=plan,
        recommendation=later,
        reference="2.1",
        description="Commission the review",
        lead=helper,
        target_date=datetime.date(2021, 10, 31),
        target_date_text="October 2021",
    )
    minuted = ActionFactory(
        plan=plan,
        recommendation=None,
        reference="M1",
        description="Report back to the Board in the new year",
        lead=lead,
        target_date=None,
        target_date_text="ongoing",
    )
    world |= {
        "council": council,
        "panel": panel,
        "board": board,
        "meeting": meeting,
        "lead": lead,
        "helper": helper,
        "source": source,
        "parent": parent,
        "child": child,
        "later": later,
        "plan": plan,
        "on_track": on_track,
        "overdue": overdue,
        "minuted": minuted,
    }
    return world


def page_urls(world):
    """Every page, with text it must show."""
    return {
        "home": (reverse("home"), ["APA action plan", "Children&#x27;s Trust Board"]),
        "plan": (world["plan"].get_absolute_url(), ["Publish the thresholds document", "Report back to the Board"]),
        "action": (world["on_track"].get_absolute_url(), ["Publish the thresholds document", "Consulted partners."]),
        "person": (world["lead"].get_absolute_url(), ["Alison Alexander", "Executive Director"]),
        "source": (
            world["source"].get_absolute_url(),
            ["Children&#x27;s APA Scrutiny Inquiry", "Improve the front door."],
        ),
        "recommendation": (world["parent"].get_absolute_url(), ["Improve the front door.", "Publish thresholds."]),
        "body": (world["panel"].get_absolute_url(), ["Children and Young People Scrutiny Panel", "Alison Alexander"]),
        "meeting": (world["meeting"].get_absolute_url(), ["30 September 2021", "Civic Centre", "Apologies"]),
    }


PAGES = ["home", "plan", "action", "person", "source", "recommendation", "body", "meeting"]


# --- Every page renders, and only for someone signed in ----------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_for_a_signed_in_user_with_its_content(logged_in_client, world, page):
    url, texts = page_urls(world)[page]
    response = logged_in_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    for text in texts:
        assert text in content
    assert 'lang="en-GB"' in content
    assert "Sign out" in content


@pytest.mark.parametrize("page", PAGES)
def test_page_redirects_an_anonymous_visitor_to_the_login_page(client, world, page):
    url, _ = page_urls(world)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    "name",
    [
        "plan_detail",
        "action_detail",
        "person_detail",
        "source_detail",
        "recommendation_detail",
        "body_detail",
        "meeting_detail",
    ],
)
def test_a_missing_object_is_not_found(logged_in_client, name):
    assert logged_in_client.get(reverse(name, args=[999999])).status_code == 404


def test_login_page_renders_for_an_anonymous_visitor(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in content
    assert 'class="govuk-input"' in content
    assert "GOV.UK" not in content


def test_login_with_a_wrong_password_shows_the_error_summary(client, world):
    response = client.post(reverse("login"), {"username": world["sue"].user.username, "password": "wrong"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter a correct username and password." in content
    assert "<title>Error: Sign in" in content


def test_login_signs_in_and_sign_out_signs_out(client, world):
    response = client.post(reverse("login"), {"username": world["sue"].user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_login_field_errors_are_linked_to_their_inputs(client, db):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    content = response.content.decode()
    assert '<a href="#id_username">Enter your username</a>' in content
    assert '<a href="#id_password">Enter your password</a>' in content
    assert 'id="id_username-error"' in content
    assert 'aria-describedby="id_username-error"' in content
    assert "govuk-form-group--error" in content


@pytest.mark.parametrize("name", ["password_reset", "password_reset_done", "password_reset_complete"])
def test_password_reset_pages_render_for_an_anonymous_visitor(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "govuk-heading-l" in response.content.decode() or "govuk-panel" in response.content.decode()


def test_password_reset_asks_for_an_email_address_in_the_right_format(client, db):
    content = client.post(reverse("password_reset"), {"email": "not an address"}).content.decode()
    assert "Enter an email address in the correct format" in content


def test_password_reset_sends_the_link(client, world, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": world["sue"].user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


# --- What the pages say -------------------------------------------------------------------


def test_rag_is_shown_as_words_with_its_colour(logged_in_client, world):
    content = logged_in_client.get(world["plan"].get_absolute_url()).content.decode()
    assert '<strong class="govuk-tag rag rag--green">Green: On track</strong>' in content
    assert '<strong class="govuk-tag rag rag--red">Red: Off track</strong>' in content
    assert '<strong class="govuk-tag rag rag--none">Not yet reported</strong>' in content


def test_plan_page_nests_recommendations_as_printed(logged_in_client, world):
    content = logged_in_client.get(world["plan"].get_absolute_url()).content.decode()
    assert content.count("For immediate action") == 1
    assert content.index("For immediate action") < content.index("Improve the front door.")
    assert content.index("Improve the front door.") < content.index("Publish thresholds.")
    assert content.index("Publish thresholds.") < content.index("Medium term") < content.index("Review later.")
    assert f'app-recommendation--depth-1" id="recommendation-{world["child"].pk}"' in content
    assert "Agreed by Cabinet." in content
    assert "Actions agreed without a recommendation" in content
    assert "31 March 2022" in content
    assert "As printed: “End March 2022”" in content


def test_plan_page_counts_actions_by_rag(logged_in_client, world):
    response = logged_in_client.get(world["plan"].get_absolute_url())
    summary = response.context["page"].summary
    assert summary.counts == {"blue": 0, "green": 1, "amber": 0, "red": 1, "": 1}
    assert summary.overdue == 1


def test_home_counts_each_plans_actions_by_rag(logged_in_client, world):
    other = PlanFactory(title="Empty plan")
    rows = {row.plan: row.summary for row in logged_in_client.get(reverse("home")).context["rows"]}
    assert rows[world["plan"]].counts == {"blue": 0, "green": 1, "amber": 0, "red": 1, "": 1}
    assert rows[world["plan"]].overdue == 1
    assert rows[other].total == 0


def test_action_page_explains_an_overdue_action(logged_in_client, world):
    ProgressUpdateFactory(action=world["overdue"], reported_at=at_noon(datetime.date(2021, 6, 1)), rag=Rag.GREEN)
    content = logged_in_client.get(world["overdue"].get_absolute_url()).content.decode()
    assert "Red: Off track" in content
    assert "the target date, 31 October 2021, has passed" in content
    assert "the latest update reported Green: On track" in content
    assert "Update due:" in content


def test_action_page_shows_the_full_history_newest_first(logged_in_client, world):
    content = logged_in_client.get(world["on_track"].get_absolute_url()).content.decode()
    assert content.index("20 October 2021") < content.index("1 September 2021")
    assert "Consulted partners.<br>Second draft written." in content
    assert "Draft by January<br>Publish by March" in content
    assert 'href="https://example.org/thresholds"' in content
    assert "Sue Allan" in content and "Southampton City PCT" in content


def test_action_page_says_not_yet_reported(logged_in_client, world):
    content = logged_in_client.get(world["minuted"].get_absolute_url()).content.decode()
    assert "Not yet reported:" in content
    assert "None: agreed in a meeting's minutes" in content


def test_person_page_lists_actions_as_lead_and_as_further_responsible(logged_in_client, world):
    content = logged_in_client.get(world["helper"].get_absolute_url()).content.decode()
    assert "Commission the review" in content
    assert "Further responsible" in content


def test_text_people_typed_is_escaped(logged_in_client, world):
    action = world["on_track"]
    action.description = '<script>alert("x")</script> & more'
    action.save()
    for url in [world["plan"].get_absolute_url(), action.get_absolute_url(), world["lead"].get_absolute_url()]:
        content = logged_in_client.get(url).content.decode()
        assert "<script>alert" not in content
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in content


def test_banner_says_the_date_the_tracker_is_viewed_as_at(logged_in_client, world):
    content = logged_in_client.get(reverse("home")).content.decode()
    assert "You are viewing the tracker as at 4 November 2021" in content


def test_no_banner_when_the_tracker_shows_today(logged_in_client, settings, db):
    settings.TRACKER_AS_AT = None
    assert "You are viewing the tracker as at" not in logged_in_client.get(reverse("home")).content.decode()


# --- Query counts do not grow with the rows --------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def add_actions(plan, count, *, recommendation=None, person=None):
    partner = OrganisationFactory()
    for _ in range(count):
        action = ActionFactory(plan=plan, recommendation=recommendation, lead=person or PersonFactory())
        action.supporting_officers.add(PersonFactory())
        action.partners.add(partner)
        ProgressUpdateFactory(action=action, rag=Rag.AMBER)


# Every signed-in page starts with: 1 session, 1 user, 1 the user's person and how many of their jobs are
# in progress (the header and the menu's "Jobs": actionplans/context_processors.py).
BASE_QUERIES = 3


def test_plan_page_query_count_does_not_grow_with_actions(logged_in_client, world, django_assert_num_queries):
    plan = world["plan"]
    add_actions(plan, 5, recommendation=world["later"])
    # access check: the plan with its body and lead, the viewer's groups; then its sources, every
    # recommendation's place and the actions counted by RAG for each (to cut the pages and count
    # the plan's RAGs), the page's recommendations, its actions with RAG and lead, their further
    # people; 11 for the change history of the plan and its actions (records, previous records
    # and links of each, names of related objects; the actions' links: people, partners and
    # owning groups)
    with django_assert_num_queries(BASE_QUERIES + 19):
        logged_in_client.get(plan.get_absolute_url())
    for _ in range(10):
        add_actions(plan, 5, recommendation=RecommendationFactory(source=world["source"]))
    add_actions(plan, 5)
    with django_assert_num_queries(BASE_QUERIES + 19):
        response = logged_in_client.get(plan.get_absolute_url())
    with django_assert_num_queries(BASE_QUERIES + 19):
        logged_in_client.get(plan.get_absolute_url() + "?page=2")
    assert response.context["page"].summary.total == 3 + 5 + 50 + 5  # the whole plan's, on every page
    assert response.context["page"].page.paginator.num_pages == 2


# --- A long plan, a page at a time --------------------------------------------------------


@pytest.fixture
def long_plan(world, monkeypatch):
    """The APA plan's source with eight more top-level recommendations of three actions each,
    and four more actions agreed without a recommendation; pages of about five actions."""
    monkeypatch.setattr(selectors, "PLAN_PAGE_ACTIONS", 5)
    plan = world["plan"]
    for _ in range(8):
        add_actions(plan, 3, recommendation=RecommendationFactory(source=world["source"]))
    add_actions(plan, 4)
    return plan


def shown(page) -> list:
    actions = [action for section in page.sections for row in section.rows for action in row.actions]
    return actions + page.unlinked_actions


def test_every_action_is_on_one_page_and_a_recommendation_is_never_split(long_plan, world):
    whole = selectors.plan_page(plan=long_plan)
    first = selectors.plan_page(plan=long_plan, number=1)
    pages = [selectors.plan_page(plan=long_plan, number=n) for n in range(1, first.page.paginator.num_pages + 1)]
    on_pages = [action.pk for page in pages for action in shown(page)]
    assert sorted(on_pages) == sorted(action.pk for action in shown(whole))  # what the report prints
    assert len(on_pages) == len(set(on_pages)) == 3 + 24 + 4
    # Parts of 1 ("a)" with its child "i)"), 1 ("b)"), eight of 3, then 5 actions agreed alone:
    # page 1 takes 1 + 1 + 3; each next recommendation of 3 would pass five, so starts a page;
    # the last recommendation's page takes two of the actions agreed alone, the next the rest.
    assert len(pages) == 9
    first_rows = [row.recommendation for row in pages[0].sections[0].rows]
    assert first_rows[:3] == [world["parent"], world["child"], world["later"]] and len(first_rows) == 4
    assert [len(shown(page)) for page in pages] == [5, 3, 3, 3, 3, 3, 3, 5, 3]
    for page in pages:
        for row in (row for section in page.sections for row in section.rows):
            assert len(row.actions) == long_plan.actions.filter(recommendation=row.recommendation).count()
    assert not pages[0].sections[0].continued and pages[1].sections[0].continued
    assert not pages[7].unlinked_continued and pages[8].unlinked_continued and not pages[8].sections
    assert all(page.summary == whole.summary for page in pages)


def test_plan_page_shows_its_place_among_the_pages(long_plan, logged_in_client):
    content = logged_in_client.get(long_plan.get_absolute_url() + "?page=2").content.decode()
    assert "Page 2 of " in content and "of the plan's 31 actions" in content
    assert "Children&#x27;s APA Scrutiny Inquiry (continued)" in content
    assert '<nav class="govuk-pagination" aria-label="Pages of the plan">' in content
    assert 'href="?page=1"' in content and 'href="?page=3"' in content
    assert "The progress report and the" in content


def test_an_action_is_found_on_its_page(long_plan, world):
    for action in long_plan.actions.all():
        number = selectors.plan_page_number(action)
        assert action.pk in [a.pk for a in shown(selectors.plan_page(plan=long_plan, number=number))]
    assert selectors.plan_page_number(world["on_track"]) == 1


def test_home_query_count_does_not_grow_with_plans(logged_in_client, world, django_assert_num_queries):
    for _ in range(3):
        add_actions(PlanFactory(), 2)
    # the viewer's groups, plans with body and lead, RAG counts of every plan
    with django_assert_num_queries(BASE_QUERIES + 3):
        logged_in_client.get(reverse("home"))
    for _ in range(12):
        add_actions(PlanFactory(), 3)
    with django_assert_num_queries(BASE_QUERIES + 3):
        response = logged_in_client.get(reverse("home"))
    assert len(response.context["rows"]) == 16


def test_person_page_query_count_does_not_grow_with_actions(logged_in_client, world, django_assert_num_queries):
    person = world["lead"]
    add_actions(world["plan"], 10, person=person)
    # the viewer's groups; person, bodies they sit on, their actions with RAG; 4 for the change
    # history of the person and their memberships
    with django_assert_num_queries(BASE_QUERIES + 8):
        logged_in_client.get(person.get_absolute_url())
    add_actions(world["plan"], 90, person=person)
    with django_assert_num_queries(BASE_QUERIES + 8):
        response = logged_in_client.get(person.get_absolute_url())
    assert len(response.context["page"].actions) == 102


@pytest.mark.parametrize("page", ["action", "source", "recommendation", "body", "meeting"])
def test_other_pages_query_count_does_not_grow(logged_in_client, world, page):
    url, _ = page_urls(world)[page]
    before = count_queries(logged_in_client, url)

    for _ in range(20):
        ProgressUpdateFactory(action=world["on_track"], author=PersonFactory())
        world["on_track"].supporting_officers.add(PersonFactory())
        RecommendationFactory(source=world["source"], parent=world["parent"])
        MembershipFactory(body=world["panel"])
        AttendanceFactory(meeting=world["meeting"])
        MeetingFactory(body=world["panel"])
        PlanFactory(owning_body=world["panel"])
        SourceFactory(made_by=world["panel"], meeting=world["meeting"])
    add_actions(world["plan"], 20, recommendation=world["parent"])

    assert count_queries(logged_in_client, url) == before


# --- Admin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: f"{model._meta.app_label}.{model._meta.model_name}"
)
def test_admin_changelist_and_add_form_render_for_a_superuser(admin_client, world, model, rf):
    opts = model._meta
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    request = rf.get("/")
    request.user = UserFactory(username="checker", is_staff=True, is_superuser=True)
    expected = 200 if admin.site._registry[model].has_add_permission(request) else 403  # e.g. published papers
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == expected


def test_admin_covers_every_model_of_the_tracker():
    from django.apps import apps

    for app_label in ["partners", "recommendations", "actionplans"]:
        for model in apps.get_app_config(app_label).get_models():
            if getattr(model, "instance_type", None) is not None:
                continue  # a simple-history table: read through its model's history view
            assert model in admin.site._registry, model


def test_admin_changelist_query_count_does_not_grow(admin_client, world):
    url = reverse("admin:actionplans_action_changelist")
    before = count_queries(admin_client, url)
    add_actions(world["plan"], 20)
    assert count_queries(admin_client, url) == before


def test_admin_change_form_of_an_action_renders(admin_client, world):
    url = reverse("admin:actionplans_action_change", args=[world["on_track"].pk])
    assert admin_client.get(url).status_code == 200


def test_plan_page_shows_recommendations_of_a_source_the_plan_does_not_list(logged_in_client, world):
    elsewhere = RecommendationFactory(text="A recommendation from another paper.")
    ActionFactory(plan=world["plan"], recommendation=elsewhere, description="Answer the other paper")
    content = logged_in_client.get(world["plan"].get_absolute_url()).content.decode()
    assert elsewhere.source.title in content
    assert content.index("A recommendation from another paper.") < content.index("Answer the other paper")


@pytest.mark.parametrize(
    ("page", "queries"),
    [
        # access check: the action with RAG, plan, recommendation, source, its further people and
        # partners, the viewer's groups; then updates; target revisions; comments; the groups of
        # people that own it; 10 for the change history of the action (its links: people,
        # partners, owning groups), its updates and comments
        ("action", 18),
        # the viewer's groups, the source; its plans; recommendations; their actions with RAG;
        # 3 for its change history
        ("source", 8),
        # the viewer's groups, the recommendation with source, parents, lead; children; actions with
        # RAG; 3 for its change history
        ("recommendation", 7),
        # the viewer's groups; body; members; meetings; plans; sources; 4 for the change history of
        # the body and its memberships
        ("body", 10),
        # the viewer's groups; meeting with body; attendance with people; the agenda with presenters;
        # sources; published papers
        ("meeting", 6),
    ],
)
def test_other_pages_query_counts(logged_in_client, world, django_assert_num_queries, page, queries):
    url, _ = page_urls(world)[page]
    with django_assert_num_queries(BASE_QUERIES + queries):
        logged_in_client.get(url)


# --- The form field partial --------------------------------------------------------------


def test_form_field_partial_renders_every_kind_of_field():
    from django import forms
    from django.template.loader import render_to_string

    class EveryKindForm(forms.Form):
        name = forms.CharField(help_text="As printed")
        notes = forms.CharField(widget=forms.Textarea)
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
        rag = forms.ChoiceField(choices=[("red", "Red"), ("green", "Green")], widget=forms.RadioSelect)
        partners = forms.MultipleChoiceField(choices=[("x", "X")], widget=forms.CheckboxSelectMultiple)
        confirm = forms.BooleanField()

    form = EveryKindForm(data={"name": "<b>x</b>", "kind": "a"})
    assert not form.is_valid()
    html = "".join(
        render_to_string("includes/form_field.html", {"field": form[name]})
        for name in ["name", "notes", "kind", "rag", "partners", "confirm"]
    )
    assert 'class="govuk-input"' in html and 'value="&lt;b&gt;x&lt;/b&gt;"' in html
    assert 'aria-describedby="id_name-hint"' in html and 'id="id_name-hint"' in html
    assert 'class="govuk-textarea govuk-textarea--error"' in html
    assert 'aria-describedby="id_notes-error"' in html
    assert 'class="govuk-select"' in html
    assert 'class="govuk-radios__input" id="id_rag_0"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Rag</legend>' in html
    assert 'class="govuk-checkboxes__input" id="id_partners_0"' in html
    assert 'class="govuk-checkboxes__input" id="id_confirm" name="confirm" type="checkbox"' in html
    summary = render_to_string("includes/error_summary.html", {"form": form})
    assert '<a href="#id_rag_0">' in summary and '<a href="#id_notes">' in summary


def test_row_field_tag_writes_what_the_form_field_partial_writes():
    """govuk_row_field (the monitoring list's decisions) is includes/form_field.html in Python:
    the same markup for a select and a textarea, bound or not, with errors, hints and text
    that needs escaping; and the label can end with words only assistive technology reads."""
    from django import forms
    from django.template.loader import render_to_string
    from django.test.html import parse_html

    from actionplans.templatetags.tracker import govuk_row_field

    class RowForm(forms.Form):
        decision = forms.ChoiceField(choices=[("", "None"), ("a", "<A & B>"), ("b", "B")], required=False)
        kind = forms.ChoiceField(choices=[("x", "X")], help_text="Pick one")
        comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5, required=False)
        grouped = forms.ChoiceField(choices=[("Group", [("g", "G")])], required=False)

    def same(form, name):
        ours = parse_html(govuk_row_field(form[name]))
        partial = parse_html(render_to_string("includes/form_field.html", {"field": form[name]}))
        assert ours == partial, f"{name}:\n{ours}\n!=\n{partial}"

    for form in (
        RowForm(initial={"decision": "a", "comment": 'Say "why" <now>'}),
        RowForm(data={"decision": "c", "kind": "x", "comment": "far too long", "grouped": "g"}),
    ):
        form.is_valid()
        for name in ("decision", "kind", "comment", "grouped"):
            same(form, name)
    assert RowForm(data={"decision": "c"})["decision"].errors  # the errors above were written

    labelled = govuk_row_field(RowForm()["decision"], "for item 12")
    assert (
        '<label class="govuk-label" for="id_decision">Decision<span class="govuk-visually-hidden"> for item 12</span>'
        in labelled
    )


def test_a_plan_with_nothing_in_it_has_one_empty_page(logged_in_client, world):
    plan = PlanFactory(title="Empty plan", owning_body=world["plan"].owning_body)
    response = logged_in_client.get(plan.get_absolute_url() + "?page=3")
    assert response.status_code == 200
    assert "This plan has no recommendations or actions yet." in response.content.decode()
    assert response.context["page"].page.number == 1 and response.context["page"].summary.total == 0
