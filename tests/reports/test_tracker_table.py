"""The tracker table (/tracker/ and /plans/<pk>/tracker/): each filter finds exactly the right
actions, sorting and pagination happen in the database and keep the filters, the viewer only
ever sees what they may read, and the page costs the same number of queries however many rows.

Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://…): the free-text search takes a
different path on each, and the same tests must pass on both."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.plans.models import Action
from actionplans.plans.rag import ActionStatus, Rag
from recommendations.models import ResponseDecision
from reports.tracker.search import search_actions
from tests.factories import (
    ActionFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    UserFactory,
)

AS_AT = datetime.date(2021, 11, 4)  # the reporting cycle is 90 days: updates before 6 August 2021 are stale
TRACKER = reverse("tracker")


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def report(action, day, *, rag, status=ActionStatus.IN_PROGRESS, author=None):
    return ProgressUpdateFactory(action=action, reported_at=at_noon(day), rag=rag, status=status, author=author)


@pytest.fixture
def world(world, db, as_at):
    """Two plans of two organisations, seven actions between them, one of each kind that matters:

    ref  plan    RAG shown            status (newest update)  target       lead            notes
    1.1  APA     Green                in progress             31 Mar 2022  Alison          partner PCT, with Sue
    1.2  APA     Red (reported Green) in progress             31 Oct 2021  Sue Allan       overdue
    2.1  APA     Amber                partially complete      30 Jun 2022  Alison          update due
    2.2  APA     not yet reported     (never reported)        none         HoS Early Help  no recommendation text
    3.1  APA     Blue                 complete                30 Sep 2021  Sue Allan       from the minutes
    P1   Police  Red                  not started             31 Jan 2022  Bob Brown       partner PCT
    P2   Police  Red (never reported) (never reported)        1 Oct 2021   Bob Brown       overdue
    """
    council, pct, police = world["council"], world["pct"], world["police"]
    board, police_board = world["board"], world["police_board"]
    alison, hos, bob = world["alison"], world["hos"], world["bob"]
    # The PCT's Sue, not the council's: she reads the APA plan only through her actions in it.
    sue = PersonFactory(name="Sue Allan", job_title="Head of Commissioning", organisation=pct)

    inquiry = world["inquiry"]
    inspection = SourceFactory(title="Safeguarding inspection", made_by=police_board)
    rec_a = RecommendationFactory(
        source=inquiry,
        label="a)",
        text="Improve the front door for referrals.",
        response_decision=ResponseDecision.ACCEPTED,
        response_date=datetime.date(2021, 7, 1),
    )
    rec_b = RecommendationFactory(
        source=inquiry,
        label="b)",
        text="Open a second children's centre.",
        response_decision=ResponseDecision.REJECTED,
        response_text="No budget this year.",
        response_date=datetime.date(2021, 7, 1),
    )
    rec_c = RecommendationFactory(source=inspection, label="REC 3", text="Strengthen the custody checks.")

    apa, police_plan = world["apa"], world["police_plan"]

    a = {}
    a["1.1"] = ActionFactory(
        plan=apa,
        position=1,
        reference="1.1",
        recommendation=rec_a,
        description="Publish the thresholds document",
        lead=alison,
        target_date=datetime.date(2022, 3, 31),
        target_date_text="End March 2022",
    )
    a["1.1"].supporting_officers.add(sue)
    a["1.1"].partners.add(pct)
    report(a["1.1"], datetime.date(2021, 10, 20), rag=Rag.GREEN)
    a["1.2"] = ActionFactory(
        plan=apa,
        position=2,
        reference="1.2",
        recommendation=rec_a,
        description="Train the duty team",
        lead=sue,
        target_date=datetime.date(2021, 10, 31),
    )
    report(a["1.2"], datetime.date(2021, 10, 1), rag=Rag.GREEN)
    a["2.1"] = ActionFactory(
        plan=apa,
        position=3,
        reference="2.1",
        recommendation=rec_b,
        description="Cost a second centre",
        lead=alison,
        target_date=datetime.date(2022, 6, 30),
        milestones="Business case to Cabinet in spring",
    )
    report(a["2.1"], datetime.date(2021, 6, 1), rag=Rag.AMBER, status=ActionStatus.PARTIALLY_COMPLETE)
    a["2.2"] = ActionFactory(
        plan=apa,
        position=4,
        reference="2.2",
        recommendation=rec_b,
        description="Find a building",
        lead=hos,
        target_date=None,
        target_date_text="ongoing",
    )
    a["3.1"] = ActionFactory(
        plan=apa,
        position=5,
        reference="3.1",
        recommendation=None,
        description="Report back to the Board",
        lead=sue,
        target_date=datetime.date(2021, 9, 30),
    )
    report(a["3.1"], datetime.date(2021, 9, 15), rag=Rag.BLUE, status=ActionStatus.COMPLETE)
    a["P1"] = ActionFactory(
        plan=police_plan,
        position=1,
        reference="P1",
        recommendation=rec_c,
        description="Review custody records",
        success_criteria="Every audit signed off",
        lead=bob,
        target_date=datetime.date(2022, 1, 31),
    )
    a["P1"].partners.add(pct)
    report(a["P1"], datetime.date(2021, 10, 15), rag=Rag.RED, status=ActionStatus.NOT_STARTED)
    a["P2"] = ActionFactory(
        plan=police_plan,
        position=2,
        reference="P2",
        recommendation=rec_c,
        description="Appoint a custody lead",
        lead=bob,
        target_date=datetime.date(2021, 10, 1),
    )
    world |= {
        "actions": a,
        "council": council,
        "pct": pct,
        "police": police,
        "board": board,
        "police_board": police_board,
        "alison": alison,
        "sue": sue,
        "bob": bob,
        "inquiry": inquiry,
        "inspection": inspection,
        "apa": apa,
        "police_plan": police_plan,
    }
    return world


ALL = {"1.1", "1.2", "2.1", "2.2", "3.1", "P1", "P2"}
APA = {"1.1", "1.2", "2.1", "2.2", "3.1"}
POLICE = {"P1", "P2"}


def references(response) -> list[str]:
    """The references of the rows on the page, in order."""
    assert response.status_code == 200, response.content.decode()[:2000]
    return [action.reference for action in response.context["table"].page.object_list]


def found(client, params, url=TRACKER) -> set[str]:
    return set(references(client.get(url, params)))


# --- Each filter alone -------------------------------------------------------------------


def test_without_filters_every_readable_action_is_listed(support_client, world):
    response = support_client.get(TRACKER)
    assert set(references(response)) == ALL
    assert "<strong>7 actions</strong> in the plans you can see." in response.content.decode()


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"rag": "red"}, {"1.2", "P1", "P2"}),
        ({"rag": "green"}, {"1.1"}),
        ({"rag": "amber"}, {"2.1"}),
        ({"rag": "blue"}, {"3.1"}),
        ({"rag": "none"}, {"2.2"}),
        ({"rag": ["red", "amber"]}, {"1.2", "2.1", "P1", "P2"}),
        ({"status": "not_started"}, {"2.2", "P1", "P2"}),
        ({"status": "in_progress"}, {"1.1", "1.2"}),
        ({"status": "partially_complete"}, {"2.1"}),
        ({"status": "complete"}, {"3.1"}),
        ({"status": ["complete", "partially_complete"]}, {"2.1", "3.1"}),
        ({"overdue": "yes"}, {"1.2", "P2"}),
        ({"overdue": "no"}, ALL - {"1.2", "P2"}),
        ({"update_due": "yes"}, {"2.1"}),
        ({"update_due": "no"}, ALL - {"2.1"}),
        ({"lead": "sue"}, {"1.2", "3.1"}),
        ({"lead": "  ALLAN "}, {"1.2", "3.1"}),
        ({"lead": "early help"}, {"2.2"}),  # known only by their post
        ({"lead": "Superintendent"}, set()),  # a named lead's job title is not their name
        ({"target_from": "01/11/2021"}, {"1.1", "2.1", "P1"}),
        ({"target_to": "31/10/2021"}, {"1.2", "3.1", "P2"}),
        ({"target_from": "1/1/2022", "target_to": "31/03/2022"}, {"1.1", "P1"}),
        ({"target_from": "31/10/2021", "target_to": "31/10/2021"}, {"1.2"}),
        ({"decision": "accepted"}, {"1.1", "1.2"}),
        ({"decision": "rejected"}, {"2.1", "2.2"}),
        ({"decision": "pending"}, {"P1", "P2"}),
        ({"decision": "noted"}, set()),
        ({"q": "thresholds"}, {"1.1"}),  # description
        ({"q": "P2"}, {"P2"}),  # reference
        ({"q": "audit"}, {"P1"}),  # success criteria
        ({"q": "cabinet"}, {"2.1"}),  # milestones
        ({"q": "front door"}, {"1.1", "1.2"}),  # recommendation text, every word
        ({"q": "custody"}, {"P1", "P2"}),
        ({"q": "custody lead"}, {"P2"}),
        ({"q": "nothing like this"}, set()),
    ],
)
def test_each_filter_alone_finds_exactly_the_right_actions(support_client, world, params, expected):
    assert found(support_client, params) == expected


def test_the_object_filters_find_exactly_the_right_actions(support_client, world):
    w = world
    assert found(support_client, {"plan": w["apa"].pk}) == APA
    assert found(support_client, {"plan": w["police_plan"].pk}) == POLICE
    assert found(support_client, {"source": w["inquiry"].pk}) == {"1.1", "1.2", "2.1", "2.2"}
    assert found(support_client, {"source": w["inspection"].pk}) == POLICE
    assert found(support_client, {"body": w["board"].pk}) == APA
    assert found(support_client, {"body": w["police_board"].pk}) == POLICE
    assert found(support_client, {"partner": w["pct"].pk}) == {"1.1", "P1"}
    assert found(support_client, {"lead_id": w["sue"].pk}) == {"1.2", "3.1"}
    assert found(support_client, {"lead_id": w["alison"].pk}) == {"1.1", "2.1"}


def test_the_rag_filter_uses_the_rag_shown_not_the_rag_reported(support_client, world):
    """1.2 was last reported Green but is past its target date: it shows, and is found, as Red."""
    assert "1.2" in found(support_client, {"rag": "red"})
    assert "1.2" not in found(support_client, {"rag": "green"})
    # Never reported but overdue: Red, not "not yet reported".
    assert "P2" in found(support_client, {"rag": "red"})
    assert "P2" not in found(support_client, {"rag": "none"})


def test_the_status_not_started_includes_actions_never_reported_on(support_client, world):
    assert found(support_client, {"status": "not_started"}) == {"2.2", "P1", "P2"}
    assert "2.2" not in found(support_client, {"status": "in_progress"})


# --- Combinations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"rag": "red", "overdue": "no"}, {"P1"}),
        ({"status": "not_started", "rag": "none"}, {"2.2"}),
        ({"lead": "alison", "update_due": "no"}, {"1.1"}),
        ({"decision": "pending", "overdue": "yes"}, {"P2"}),
        ({"q": "custody", "rag": "red", "target_from": "01/01/2022"}, {"P1"}),
        ({"rag": ["red", "green"], "target_to": "31/12/2021", "status": "in_progress"}, {"1.2"}),
        ({"lead": "sue", "status": "complete", "decision": "accepted"}, set()),
    ],
)
def test_filters_combine(support_client, world, params, expected):
    assert found(support_client, params) == expected


def test_object_filters_combine_with_the_others(support_client, world):
    w = world
    assert found(support_client, {"plan": w["apa"].pk, "rag": "red"}) == {"1.2"}
    assert found(support_client, {"source": w["inspection"].pk, "overdue": "yes"}) == {"P2"}
    assert found(support_client, {"partner": w["pct"].pk, "decision": "pending"}) == {"P1"}
    assert found(support_client, {"body": w["board"].pk, "lead_id": w["sue"].pk, "rag": "blue"}) == {"3.1"}
    assert found(support_client, {"plan": w["police_plan"].pk, "source": w["inquiry"].pk}) == set()


def test_the_sentence_above_the_table_says_how_many_match_and_which_filters(support_client, world):
    w = world
    response = support_client.get(
        TRACKER,
        {"rag": ["amber", "red"], "lead_id": w["alison"].pk, "plan": w["apa"].pk, "target_from": "01/01/2022"},
    )
    content = response.content.decode()
    assert references(response) == ["2.1"]
    assert (
        "<strong>1 action</strong> matches: plan ‘APA action plan’, RAG Amber or Red, lead ‘Alison Alexander’, "
        "target on or after 1 January 2022." in content
    )
    response = support_client.get(TRACKER, {"overdue": "yes", "q": "custody", "status": "not_started"})
    assert "<strong>1 action</strong> matches: matching ‘custody’, status Not started, overdue." in (
        response.content.decode()
    )
    response = support_client.get(TRACKER, {"rag": "red"})
    assert "<strong>3 actions</strong> match: RAG Red." in response.content.decode()


def test_the_filters_are_kept_in_the_form_with_a_clear_filters_link(support_client, world):
    w = world
    response = support_client.get(TRACKER, {"rag": "red", "lead": "Sue", "lead_id": w["sue"].pk, "sort": "-target"})
    content = response.content.decode()
    assert '<form method="get" action="/tracker/"' in content
    assert 'value="red" checked' in content
    assert 'name="lead" value="Sue"' in content
    assert f'<input type="hidden" name="lead_id" value="{w["sue"].pk}"' in content
    assert '<input type="hidden" name="sort" value="-target">' in content
    assert '<a class="govuk-link" href="/tracker/?sort=-target">Clear filters</a>' in content


def test_filter_choices_are_short_and_a_lead_is_typed_not_chosen_from_a_list(support_client, world):
    PersonFactory.create_batch(5)  # people who lead nothing must not be listed anywhere
    form = support_client.get(TRACKER).context["form"]
    assert form.fields["lead"].widget.input_type == "text"
    assert form.fields["lead_id"].widget.is_hidden
    # Partners: only organisations partnering some action, not every organisation.
    assert [org.name for org in form.fields["partner"].queryset] == ["Southampton City PCT"]
    assert set(form.fields["source"].queryset) == {world["inquiry"], world["inspection"]}


def test_an_unknown_lead_id_is_reported_not_ignored(support_client, world):
    response = support_client.get(TRACKER, {"lead_id": 999999})
    assert response.status_code == 400
    assert "The lead officer in this link was not found" in response.content.decode()
    assert response.context["table"] is None


# --- Invalid filters ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["31/02/2022", "2022-03-31", "next week", "32/1/2022"])
def test_an_impossible_date_is_rejected_with_a_message_and_no_rows(support_client, world, value):
    """Rows under filters that could not all be applied would look filtered when they are not, so
    the page shows the error and no table, and keeps what was typed for correction."""
    response = support_client.get(TRACKER, {"target_from": value, "rag": "red"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert "<title>Error: Tracker" in content
    assert '<a href="#id_target_from">Enter a real date for ‘target date from’, like 31/03/2022</a>' in content
    assert 'id="id_target_from-error"' in content
    assert f'value="{value}"' in content
    assert response.context["table"] is None
    assert "No actions are shown until the filters are corrected." in content
    assert "govuk-table__row" not in content
    assert "Publish the thresholds document" not in content


def test_a_date_range_the_wrong_way_round_is_rejected(support_client, world):
    response = support_client.get(TRACKER, {"target_from": "01/04/2022", "target_to": "01/01/2022"})
    assert response.status_code == 400
    assert "The ‘to’ date must be the same as or after the ‘from’ date" in response.content.decode()
    assert response.context["table"] is None


def test_an_unknown_choice_is_rejected(support_client, world):
    response = support_client.get(TRACKER, {"rag": "purple"})
    assert response.status_code == 400
    assert response.context["table"] is None


# --- Sorting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("", ["1.1", "1.2", "2.1", "2.2", "3.1", "P1", "P2"]),  # the plans' own order
        # Worst last; ties in plan order. Not yet reported counts as worse than Red.
        ("rag", ["3.1", "1.1", "2.1", "1.2", "P1", "P2", "2.2"]),
        ("-rag", ["2.2", "1.2", "P1", "P2", "2.1", "1.1", "3.1"]),
        # Actions without a target date come last both ways.
        ("target", ["3.1", "P2", "1.2", "P1", "1.1", "2.1", "2.2"]),
        ("-target", ["2.1", "1.1", "P1", "1.2", "P2", "3.1", "2.2"]),
        # By name as shown: "HoS Early Help" is known by their post.
        ("lead", ["1.1", "2.1", "P1", "P2", "2.2", "1.2", "3.1"]),
        ("-lead", ["1.2", "3.1", "2.2", "P1", "P2", "1.1", "2.1"]),
        ("plan", ["1.1", "1.2", "2.1", "2.2", "3.1", "P1", "P2"]),
        ("-plan", ["P1", "P2", "1.1", "1.2", "2.1", "2.2", "3.1"]),
        # Never reported counts as the oldest update.
        ("last_update", ["2.2", "P2", "2.1", "3.1", "1.2", "P1", "1.1"]),
        ("-last_update", ["1.1", "P1", "1.2", "3.1", "2.1", "2.2", "P2"]),
    ],
)
def test_each_sortable_column_sorts_in_the_database(support_client, world, sort, expected):
    assert references(support_client.get(TRACKER, {"sort": sort} if sort else {})) == expected


def test_the_sorted_header_says_so_and_sort_links_keep_the_filters(support_client, world):
    response = support_client.get(TRACKER, {"rag": "red", "sort": "-target", "page": "1"})
    content = response.content.decode()
    assert 'class="govuk-table__header app-tracker-table__target" aria-sort="descending"' in content
    assert 'class="govuk-table__header app-tracker-table__rag" aria-sort="none"' in content
    assert "aria-sort" not in content.split('app-tracker-table__description"')[1].split(">")[0]
    # Sorting again keeps the filters and goes back to the first page.
    assert 'href="?rag=red&amp;sort=target">Target date' in content
    assert 'href="?rag=red&amp;sort=rag">RAG</a>' in content
    assert "<caption" in content and "Actions, sorted by target date, descending</caption>" in content
    assert (
        "Actions, sorted by RAG, ascending</caption>" in support_client.get(TRACKER, {"sort": "rag"}).content.decode()
    )
    assert "Actions in plan order</caption>" in support_client.get(TRACKER).content.decode()


def test_an_unknown_sort_is_ignored(support_client, world):
    assert references(support_client.get(TRACKER, {"sort": "description"}))[0] == "1.1"


# --- Pagination --------------------------------------------------------------------------------


def test_pages_hold_50_actions_and_page_links_keep_the_filters_and_sort(support_client, world, as_at):
    plan = PlanFactory(title="Big plan")
    for number in range(60):
        ActionFactory(plan=plan, position=number + 1, reference=f"B{number + 1:02}", target_date=as_at)
    for number in range(3):  # overdue: filtered out
        ActionFactory(plan=plan, position=100 + number, target_date=datetime.date(2020, 1, 1))

    params = {"plan": plan.pk, "overdue": "no", "sort": "-target"}
    first = support_client.get(TRACKER, params)
    assert len(references(first)) == 50
    content = first.content.decode()
    assert "<strong>60 actions</strong> match: plan ‘Big plan’, not overdue." in content
    assert '<nav class="govuk-pagination" aria-label="Pages of actions">' in content
    next_link = f"?plan={plan.pk}&amp;overdue=no&amp;sort=-target&amp;page=2"
    assert f'href="{next_link}" rel="next"' in content
    assert f'href="{next_link}" aria-label="Page 2"' in content

    second = support_client.get(TRACKER, params | {"page": 2})
    assert len(references(second)) == 10
    assert set(references(first)) | set(references(second)) == {f"B{n:02}" for n in range(1, 61)}
    content = second.content.decode()
    assert f'href="?plan={plan.pk}&amp;overdue=no&amp;sort=-target&amp;page=1" rel="prev"' in content
    assert 'aria-current="page">2</a>' in content
    assert "(page 2 of 2)</caption>" in content

    # A page past the end shows the last page; a page that is not a number, the first.
    assert references(support_client.get(TRACKER, params | {"page": 99})) == references(second)
    assert references(support_client.get(TRACKER, params | {"page": "x"})) == references(first)


def test_per_page_cannot_be_raised_from_the_address(support_client, world, as_at):
    plan = PlanFactory()
    ActionFactory.create_batch(55, plan=plan)
    assert len(references(support_client.get(TRACKER, {"plan": plan.pk, "per_page": 1000}))) == 50


# --- Free text: PostgreSQL full-text search, or a plain match ---------------------------------


def test_search_finds_words_in_any_case_on_every_database(world):
    """The same expectations on SQLite and PostgreSQL (run this file on both)."""
    actions = Action.objects.all()

    def refs(text):
        return set(search_actions(actions, text).values_list("reference", flat=True))

    assert refs("THRESHOLDS") == {"1.1"}
    assert refs("Custody") == {"P1", "P2"}
    assert refs("custody records") == {"P1"}
    assert refs("Front Door") == {"1.1", "1.2"}
    assert refs("   ") == {"1.1", "1.2", "2.1", "2.2", "3.1", "P1", "P2"}
    assert refs("\"(&|!:* ') OR") == set()  # never a syntax error


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_search_on_postgresql_is_full_text_search(world):
    actions = Action.objects.all()
    # Stemmed: "publishing" finds "Publish"; websearch syntax: a minus excludes.
    assert set(search_actions(actions, "publishing").values_list("reference", flat=True)) == {"1.1"}
    assert set(search_actions(actions, "custody -records").values_list("reference", flat=True)) == {"P2"}
    assert "to_tsvector" in str(search_actions(actions, "custody").query)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the plain match is for other databases")
def test_search_elsewhere_matches_parts_of_words(world):
    actions = Action.objects.all()
    assert set(search_actions(actions, "thresh").values_list("reference", flat=True)) == {"1.1"}
    assert "LIKE" in str(search_actions(actions, "custody").query)


# --- Who sees what ---------------------------------------------------------------------


def test_an_officer_of_another_organisation_sees_none_of_a_council_plan(client, world):
    user = UserFactory(username="outsider")
    PersonFactory(name="Olive Outsider", organisation=OrganisationFactory(name="Another Council"), user=user)
    client.force_login(user)
    response = client.get(TRACKER)
    assert references(response) == []
    assert "<strong>0 actions</strong>" in response.content.decode()
    form = response.context["form"]
    assert list(form.fields["plan"].queryset) == []
    assert list(form.fields["source"].queryset) == []
    assert list(form.fields["body"].queryset) == []
    assert list(form.fields["partner"].queryset) == []
    # Asking for the plan by id does not reveal it either.
    assert client.get(TRACKER, {"plan": world["apa"].pk}).status_code == 400
    assert client.get(reverse("plan_tracker", args=[world["apa"].pk])).status_code == 404


def test_an_officer_sees_only_the_plans_of_their_organisation(client, world):
    user = UserFactory(username="constable")
    PersonFactory(name="Carl Constable", organisation=world["police"], user=user)
    client.force_login(user)
    response = client.get(TRACKER)
    assert set(references(response)) == POLICE
    assert list(response.context["form"].fields["plan"].queryset) == [world["police_plan"]]
    assert found(client, {"q": "thresholds"}) == set()


def test_an_officer_responsible_for_an_action_sees_its_plan(client, world):
    user = UserFactory(username="sue")
    world["sue"].user = user
    world["sue"].save()
    client.force_login(user)
    assert found(client, {}) == APA


def test_democratic_support_sees_every_plan(support_client, world):
    response = support_client.get(TRACKER)
    assert set(references(response)) == ALL
    assert set(response.context["form"].fields["plan"].queryset) == {world["apa"], world["police_plan"]}


def test_an_anonymous_visitor_is_sent_to_sign_in(client, world):
    for url in (TRACKER, reverse("plan_tracker", args=[world["apa"].pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


# --- Within one plan -----------------------------------------------------------------------


def test_a_plans_tracker_shows_only_that_plan_without_plan_filters(support_client, world):
    url = reverse("plan_tracker", args=[world["apa"].pk])
    response = support_client.get(url)
    content = response.content.decode()
    assert set(references(response)) == APA
    assert "<strong>5 actions</strong> in this plan." in content
    assert "plan" not in response.context["form"].fields
    assert "body" not in response.context["form"].fields
    assert 'class="govuk-table__header app-tracker-table__plan"' not in content
    assert set(response.context["form"].fields["source"].queryset) == {world["inquiry"]}
    assert found(support_client, {"rag": "red"}, url=url) == {"1.2"}
    assert found(support_client, {"plan": world["police_plan"].pk}, url=url) == APA  # not a filter here
    assert support_client.get(reverse("plan_tracker", args=[999999])).status_code == 404


# --- What a row shows ----------------------------------------------------------------------


def test_a_row_shows_the_action_as_the_rules_see_it(support_client, world):
    content = support_client.get(TRACKER).content.decode()
    action = world["actions"]["1.2"]
    row = content.split(f'id="action-{action.pk}"')[1].split("</tr>")[0]
    assert f'<a class="govuk-link" href="{action.get_absolute_url()}">1.2' in row
    assert "Train the duty team" in row
    assert "APA action plan" in row
    assert "a)" in row and "Children&#x27;s APA Scrutiny Inquiry" in row
    assert "Sue Allan" in row
    assert "31 Oct 2021" in row
    assert "In progress" in row
    assert '<strong class="govuk-tag rag rag--red">Red: Off track</strong>' in row
    assert "1 Oct 2021" in row
    assert "Overdue" in row and "Update due" not in row

    never = content.split(f'id="action-{world["actions"]["2.2"].pk}"')[1].split("</tr>")[0]
    assert "Not yet reported" in never and "Never" in never and "Not started" in never
    assert "HoS Early Help" in never and "No date" in never and "As printed: “ongoing”" in never

    lead_with_others = content.split(f'id="action-{world["actions"]["1.1"].pk}"')[1].split("</tr>")[0]
    assert "Alison Alexander" in lead_with_others and "With Sue Allan" in lead_with_others


def test_html_typed_into_an_action_is_escaped(support_client, world):
    ActionFactory(
        plan=world["apa"],
        position=99,
        reference="<b>9</b>",
        description="<script>alert('x')</script> Fix it",
        target_date_text="<i>soon</i>",
        lead=PersonFactory(name="<em>Eve</em>"),
    )
    content = support_client.get(TRACKER, {"q": "fix", "lead": "<em>"}).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Fix it" in content
    assert "&lt;b&gt;9&lt;/b&gt;" in content and "&lt;i&gt;soon&lt;/i&gt;" in content
    assert "&lt;em&gt;Eve&lt;/em&gt;" in content
    assert "lead ‘&lt;em&gt;’" in content


# --- Queries ---------------------------------------------------------------------------------


def make_actions(count: int, *, plan, partner, source, lead):
    """`count` actions, each with an update, a further responsible person and a partner."""
    recommendation = RecommendationFactory(source=source)
    for number in range(count):
        action = ActionFactory(
            plan=plan, recommendation=recommendation, lead=lead, target_date=datetime.date(2022, 1, 1)
        )
        action.supporting_officers.add(PersonFactory())
        action.partners.add(partner)
        report(action, datetime.date(2021, 10, 1), rag=Rag.RED if number % 2 else Rag.GREEN)


def page_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("filtered", [False, True])
def test_the_page_costs_the_same_queries_for_10_and_200_actions(support_client, as_at, filtered):
    """Queries (12): session, user, the viewer's groups; the choices of plan, source, body and
    partner; the count; the ids of the page's rows, filtered and sorted; those rows with plan,
    lead, recommendation and source, annotated with the RAG rules; their further responsible
    people; and the base template's "signed in as" person. Filtered (16): also the chosen plan,
    source, partner and lead_id person."""
    client = support_client
    plan, partner, source = PlanFactory(), OrganisationFactory(), SourceFactory()
    lead = PersonFactory(name="Pat Lead")

    def params():
        if not filtered:
            return {}
        return {
            "plan": plan.pk,
            "source": source.pk,
            "partner": partner.pk,
            "lead_id": lead.pk,
            "rag": ["red", "green", "none"],
            "status": "in_progress",
            "q": "findings",
            "sort": "-rag",
        }

    make_actions(10, plan=plan, partner=partner, source=source, lead=lead)
    small = page_queries(client, TRACKER, params())
    make_actions(190, plan=plan, partner=partner, source=source, lead=lead)
    large = page_queries(client, TRACKER, params())
    assert small == large
    assert large == (16 if filtered else 12)

    url = reverse("plan_tracker", args=[plan.pk])
    assert page_queries(client, url, {}) == page_queries(client, url, {"page": 3})
