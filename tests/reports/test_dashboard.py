"""Dashboards: RAG counts and percentages overall and by plan, source, organisation and lead;
the overdue and update-due lists; RAG over time from the update history; who sees what; and
a number of queries that does not grow with actions, updates or plans.

Every expected number below is counted by hand from the fixture, as at 4 November 2021.
"""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.plans.models import Action, Plan
from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.snapshots.models import RagSnapshotPeriod
from actionplans.plans.timeline import ActionHistory
from partners.access import viewer_for
from reports.dashboard import history, selectors
from reports.dashboard.history import month_periods, quarter_periods
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    TargetDateRevisionFactory,
    UserFactory,
)
from tests.worlds import AS_AT

RAGS = ["blue", "green", "amber", "red", ""]


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def report(action, when: str | datetime.datetime, rag: Rag):
    """A progress update at noon on the day given as text, or at the moment given."""
    status = ActionStatus.COMPLETE if rag == Rag.BLUE else ActionStatus.IN_PROGRESS
    reported_at = at(d(when)) if isinstance(when, str) else when
    return ProgressUpdateFactory(action=action, reported_at=reported_at, rag=rag, status=status)


@pytest.fixture
def world(world, db, as_at):
    """Four plans, ten actions. As at 4 November 2021 (update due after 90 days, i.e. a newest
    update before 6 August 2021):

    plan                 action  source  lead              target      newest update     RAG
    APA action plan      a1      s1      Alison (council)  2022-03-31  2021-10-20 Green  Green
    (panel)              a2      s1      Alison            2021-10-31  2021-09-01 Green  Red, 4 days overdue
                         a3      s2      Sue (NHS)         2021-12-31  2021-10-01 done   Blue
                         a4      -       Sue               none        2021-06-01 Amber  Amber, update due (156 days)
    Improvement plan     b1      s2      HoS Early Help(-) 2021-09-30  none              Red, 35 days overdue
    (panel)              b2      -       no lead           2022-01-31  none              Not yet reported
                         b3      s1      Alison            2022-06-30  2021-07-01 Red    Red, update due (126 days)
    Trust Board actions  c1      s1      Sue               2022-03-31  2021-10-15 Green  Green
    (board)              c2      -       HoS Early Help    2022-05-31  2021-10-10 Amber  Amber
    Leicester JAR plan   l1      -       Dan (Leicester)   2022-02-28  2021-10-30 Green  Green
    (Leicester board)
    """
    council = world["council"]
    nhs = OrganisationFactory(name="NHS Southampton City")
    leicester = OrganisationFactory(name="Leicester City Council")
    panel, board = world["panel"], world["board"]
    leicester_board = BodyFactory(name="Leicester Partnership Board", organisation=leicester)
    alison = world["alison"]
    sue = PersonFactory(name="Sue Allan", organisation=nhs)  # the NHS's, for the counts by organisation
    early_help = PersonFactory(name="", job_title="HoS Early Help", organisation=None)
    dan = PersonFactory(name="Dan Davies", organisation=leicester)
    s1 = world["inquiry"]
    s2 = SourceFactory(title="Ofsted focused visit", made_by=None)
    r1 = RecommendationFactory(source=s1)
    r2 = RecommendationFactory(source=s2)
    plan_a = PlanFactory(title="APA action plan", owning_body=panel, lead=alison)
    plan_b = PlanFactory(title="Improvement plan", owning_body=panel, lead=alison)
    plan_c = PlanFactory(title="Trust Board actions", owning_body=board, lead=alison)
    plan_l = PlanFactory(title="Leicester JAR action plan", owning_body=leicester_board, lead=dan)

    def action(plan, reference, recommendation, lead, target):
        return ActionFactory(
            plan=plan,
            reference=reference,
            description=f"Action {reference}",
            recommendation=recommendation,
            lead=lead,
            target_date=d(target) if target else None,
            created_at=at(d("2021-01-04")),
        )

    a1 = action(plan_a, "a1", r1, alison, "2022-03-31")
    a2 = action(plan_a, "a2", r1, alison, "2021-10-31")
    a3 = action(plan_a, "a3", r2, sue, "2021-12-31")
    a4 = action(plan_a, "a4", None, sue, None)
    b1 = action(plan_b, "b1", r2, early_help, "2021-09-30")
    b2 = action(plan_b, "b2", None, None, "2022-01-31")
    b3 = action(plan_b, "b3", r1, alison, "2022-06-30")
    c1 = action(plan_c, "c1", r1, sue, "2022-03-31")
    c2 = action(plan_c, "c2", None, early_help, "2022-05-31")
    l1 = action(plan_l, "l1", None, dan, "2022-02-28")
    report(a1, "2021-08-01", Rag.AMBER)
    report(a1, "2021-10-20", Rag.GREEN)
    report(a2, "2021-09-01", Rag.GREEN)
    report(a3, "2021-10-01", Rag.BLUE)
    report(a4, "2021-06-01", Rag.AMBER)
    report(b3, "2021-07-01", Rag.RED)
    report(c1, "2021-10-15", Rag.GREEN)
    report(c2, "2021-10-10", Rag.AMBER)
    report(l1, "2021-10-30", Rag.GREEN)
    world |= {
        **{"council": council, "nhs": nhs, "leicester": leicester},
        **{"panel": panel, "board": board, "leicester_board": leicester_board},
        **{"alison": alison, "sue": sue, "early_help": early_help, "dan": dan, "s1": s1, "s2": s2},
        **{"plan_a": plan_a, "plan_b": plan_b, "plan_c": plan_c, "plan_l": plan_l},
        **{"a1": a1, "a2": a2, "a3": a3, "a4": a4, "b1": b1, "b2": b2, "b3": b3, "c1": c1, "c2": c2, "l1": l1},
    }
    return world


def page_for(user, *, body=None, plan=None) -> selectors.DashboardPage:
    viewer = viewer_for(user)
    if plan is not None:
        scope = selectors.scope_plan(plan=plan)
    elif body is not None:
        scope = selectors.scope_body(viewer=viewer, body=body)
    else:
        scope = selectors.scope_everything(viewer=viewer)
    return selectors.dashboard_page(scope=scope)


def figures(row) -> tuple:
    """A row as (total, counts in RAG order, percentages in RAG order, overdue, update due)."""
    return (
        row.total,
        [cell.count for cell in row.cells],
        [cell.percentage for cell in row.cells],
        row.summary.overdue,
        row.summary.update_due,
    )


def table(rows) -> dict:
    return {row.label: figures(row) for row in rows}


# --- The numbers ---------------------------------------------------------------------------------


def test_overall_counts_and_percentages(world, support_user):
    page = page_for(support_user)
    #                                blue green amber red none          percentages         overdue, update due
    assert figures(page.overall) == (10, [1, 3, 2, 3, 1], [10, 30, 20, 30, 10], 2, 2)


def test_counts_by_plan(world, support_user):
    page = page_for(support_user)
    assert list(table(page.by_plan).items()) == [
        ("APA action plan", (4, [1, 1, 1, 1, 0], [25, 25, 25, 25, 0], 1, 1)),
        # 2 of 3 is 66.67%, rounded down to 66 and given the missing point: 67 + 33 = 100.
        ("Improvement plan", (3, [0, 0, 0, 2, 1], [0, 0, 0, 67, 33], 1, 1)),
        ("Leicester JAR action plan", (1, [0, 1, 0, 0, 0], [0, 100, 0, 0, 0], 0, 0)),
        ("Trust Board actions", (2, [0, 1, 1, 0, 0], [0, 50, 50, 0, 0], 0, 0)),
    ]


def test_counts_by_source_with_actions_agreed_in_minutes_last(world, support_user):
    page = page_for(support_user)
    assert list(table(page.by_source).items()) == [
        ("Children's APA Scrutiny Inquiry", (4, [0, 2, 0, 2, 0], [0, 50, 0, 50, 0], 1, 1)),
        ("Ofsted focused visit", (2, [1, 0, 0, 1, 0], [50, 0, 0, 50, 0], 1, 0)),
        ("Agreed in minutes (no source)", (4, [0, 1, 2, 0, 1], [0, 25, 50, 0, 25], 0, 1)),
    ]


def test_counts_by_lead_officers_organisation_with_no_organisation_last(world, support_user):
    page = page_for(support_user)
    assert list(table(page.by_organisation).items()) == [
        ("Leicester City Council", (1, [0, 1, 0, 0, 0], [0, 100, 0, 0, 0], 0, 0)),
        # Three thirds: each rounded down to 33, the missing point to the first (Blue).
        ("NHS Southampton City", (3, [1, 1, 1, 0, 0], [34, 33, 33, 0, 0], 0, 1)),
        ("Southampton City Council", (3, [0, 1, 0, 2, 0], [0, 33, 0, 67, 0], 1, 1)),
        # HoS Early Help has no organisation, and b2 has no lead at all.
        ("No organisation", (3, [0, 0, 1, 1, 1], [0, 0, 34, 33, 33], 1, 0)),
    ]


def test_counts_by_lead_officer_named_as_shown_with_no_lead_last(world, support_user):
    page = page_for(support_user)
    assert list(table(page.by_lead).items()) == [
        ("Alison Alexander", (3, [0, 1, 0, 2, 0], [0, 33, 0, 67, 0], 1, 1)),
        ("Dan Davies", (1, [0, 1, 0, 0, 0], [0, 100, 0, 0, 0], 0, 0)),
        ("HoS Early Help", (2, [0, 0, 1, 1, 0], [0, 0, 50, 50, 0], 1, 0)),
        ("Sue Allan", (3, [1, 1, 1, 0, 0], [34, 33, 33, 0, 0], 0, 1)),
        ("No lead officer named", (1, [0, 0, 0, 0, 1], [0, 0, 0, 0, 100], 0, 0)),
    ]


def test_every_breakdown_adds_up_to_the_overall_counts_and_those_match_the_rag_rules(world, support_user):
    page = page_for(support_user)
    current = Action.objects.with_rag().rag_counts()
    assert page.overall.summary.counts == current
    for rows in (page.by_plan, page.by_source, page.by_organisation, page.by_lead):
        for index, key in enumerate(RAGS):
            assert sum(figures(row)[1][index] for row in rows) == current[key]


def test_overdue_list_longest_overdue_first(world, support_user):
    page = page_for(support_user)
    assert [(item.action.reference, item.days) for item in page.overdue] == [("b1", 35), ("a2", 4)]


def test_update_due_list_longest_without_an_update_first(world, support_user):
    page = page_for(support_user)
    assert [(item.action.reference, item.days) for item in page.update_due] == [("a4", 156), ("b3", 126)]
    assert [item.assessment.rag for item in page.update_due] == [Rag.AMBER, Rag.RED]


def test_lists_are_cut_at_the_limit_and_the_page_links_to_the_rest(world, support_client, monkeypatch):
    monkeypatch.setattr(selectors, "LIST_LIMIT", 1)
    response = support_client.get(reverse("dashboard"))
    content = response.content.decode()
    assert "Showing the first 1." in content
    assert 'href="/tracker/?overdue=yes">See all 2 of them in the tracker table' in content


def test_body_dashboard_counts_only_the_plans_the_body_owns(world, support_user):
    page = page_for(support_user, body=world["panel"])
    assert [row.label for row in page.by_plan] == ["APA action plan", "Improvement plan"]
    # 1/7 = 14.29% and 3/7 = 42.86%: 14 + 14 + 14 + 42 + 14 = 98; of the two points missing one
    # goes to Red (.86 lost), the other to the first of the four that lost .29 (Blue).
    assert figures(page.overall) == (7, [1, 1, 1, 3, 1], [15, 14, 14, 43, 14], 2, 2)
    assert [item.action.reference for item in page.overdue] == ["b1", "a2"]
    board = page_for(support_user, body=world["board"])
    assert figures(board.overall) == (2, [0, 1, 1, 0, 0], [0, 50, 50, 0, 0], 0, 0)
    assert board.overdue == [] and board.update_due == []


def test_plan_dashboard_counts_only_the_plan(world, support_user):
    page = page_for(support_user, plan=world["plan_b"])
    assert figures(page.overall) == (3, [0, 0, 0, 2, 1], [0, 0, 0, 67, 33], 1, 1)
    assert table(page.by_source) == {
        "Children's APA Scrutiny Inquiry": (1, [0, 0, 0, 1, 0], [0, 0, 0, 100, 0], 0, 1),
        "Ofsted focused visit": (1, [0, 0, 0, 1, 0], [0, 0, 0, 100, 0], 1, 0),
        "Agreed in minutes (no source)": (1, [0, 0, 0, 0, 1], [0, 0, 0, 0, 100], 0, 0),
    }


# --- Links to the tracker table ------------------------------------------------------------------


def test_counts_link_to_the_tracker_table_filtered_to_those_actions(world, support_user):
    page = page_for(support_user)
    red = {cell.rag: cell.url for cell in page.overall.cells}
    assert red["red"] == "/tracker/?rag=red"
    assert red[""] == "/tracker/?rag=none"
    assert page.overall.overdue_url == "/tracker/?overdue=yes"
    plan_a = page.by_plan[0]
    assert [cell.url for cell in plan_a.cells][3] == f"/tracker/?plan={world['plan_a'].pk}&rag=red"
    assert plan_a.url == reverse("plan_dashboard", args=[world["plan_a"].pk])
    alison = page.by_lead[0]
    assert alison.total_url == f"/tracker/?lead_id={world['alison'].pk}"
    source = page.by_source[0]
    assert source.update_due_url == f"/tracker/?source={world['s1'].pk}&update_due=yes"
    # No tracker filter shows just these: no links.
    assert page.by_source[-1].total_url is None
    assert page.by_lead[-1].total_url is None
    assert all(row.total_url is None for row in page.by_organisation)
    # A count of 0 links nowhere.
    assert [cell.url for cell in plan_a.cells][4] is None


def test_body_dashboard_links_keep_to_the_body(world, support_user):
    page = page_for(support_user, body=world["panel"])
    panel = world["panel"].pk
    assert page.overall.cells[3].url == f"/tracker/?body={panel}&rag=red"
    assert page.by_plan[0].cells[3].url == f"/tracker/?body={panel}&plan={world['plan_a'].pk}&rag=red"
    assert page.overdue_url == f"/tracker/?body={panel}&overdue=yes"


def test_a_count_link_opens_the_tracker_table(world, support_user, support_client):
    response = support_client.get(page_for(support_user, body=world["panel"]).overall.cells[3].url)
    assert response.status_code == 200


# --- RAG over time -------------------------------------------------------------------------------


@pytest.fixture
def story(db, as_at):
    """Five actions with a known history, as at 4 November 2021:

    h1  created 10 Jan, target 31 Dec; Green 1 Feb, Amber 1 May, Red 1 Oct (after Q3's end).
    h2  created 10 Jan, target 15 Jun moved on 10 Jun to 31 Dec; Green 1 Mar.
    h3  created 10 Jan, target 15 Mar moved on 20 Apr to 30 Sep; Amber 1 Feb, Green 30 Jun 23:30.
    h4  created 5 May; complete 1 Aug.
    h5  created 15 Oct; never reported on.
    """
    plan = PlanFactory(title="Story plan")

    def action(reference, created, target):
        return ActionFactory(plan=plan, reference=reference, created_at=at(d(created)), target_date=d(target))

    h1 = action("h1", "2021-01-10", "2021-12-31")
    h2 = action("h2", "2021-01-10", "2021-12-31")
    h3 = action("h3", "2021-01-10", "2021-09-30")
    h4 = action("h4", "2021-05-05", "2021-12-31")
    action("h5", "2021-10-15", "2022-03-31")  # never reported on
    report(h1, "2021-02-01", Rag.GREEN)
    report(h1, "2021-05-01", Rag.AMBER)
    report(h1, "2021-10-01", Rag.RED)
    report(h2, "2021-03-01", Rag.GREEN)
    TargetDateRevisionFactory(
        action=h2, previous_date=d("2021-06-15"), new_date=d("2021-12-31"), revised_at=at(d("2021-06-10"))
    )
    report(h3, "2021-02-01", Rag.AMBER)
    # Late in the evening of the quarter's last day (BST): still reported on or before it.
    report(h3, at(d("2021-06-30"), 23, 30), Rag.GREEN)
    TargetDateRevisionFactory(
        action=h3, previous_date=d("2021-03-15"), new_date=d("2021-09-30"), revised_at=at(d("2021-04-20"))
    )
    report(h4, "2021-08-01", Rag.BLUE)
    return plan


def rows(figures_list) -> dict:
    return {f.period.label: (f.summary.total, f.values, list(f.percentages.values())) for f in figures_list}


def test_quarters_are_the_last_eight_calendar_quarters_the_current_one_so_far():
    periods = quarter_periods(on=AS_AT)
    assert [p.label for p in periods] == [
        *["Q1 2020", "Q2 2020", "Q3 2020", "Q4 2020", "Q1 2021", "Q2 2021", "Q3 2021", "Q4 2021"]
    ]
    assert periods[0].end == d("2020-03-31")
    assert periods[-2].end == d("2021-09-30") and not periods[-2].is_partial
    assert periods[-1].end == AS_AT and periods[-1].is_partial
    assert periods[-2].heading == "End of Q3 2021 (30 September 2021)"
    assert periods[-1].heading == "Q4 2021 so far (4 November 2021)"
    # On a quarter's last day, that quarter is whole.
    assert not quarter_periods(on=d("2021-12-31"))[-1].is_partial


def test_months_are_the_last_twelve_calendar_months_the_current_one_so_far():
    periods = month_periods(on=AS_AT)
    assert [p.label for p in periods][:2] == ["December 2020", "January 2021"]
    assert periods[-1].label == "November 2021" and periods[-1].end == AS_AT
    assert periods[1].end == d("2021-01-31")
    assert month_periods(on=d("2024-03-15"))[0].end == d("2023-04-30")
    assert month_periods(on=d("2024-03-15"))[-2].end == d("2024-02-29")


def test_rag_at_the_end_of_each_quarter_from_the_update_history(story):
    result = history.rag_history(plans=Plan.objects.all())
    quarters = rows(result.quarters)
    for label in ["Q1 2020", "Q2 2020", "Q3 2020", "Q4 2020"]:
        assert quarters[label] == (0, [0, 0, 0, 0, 0], [0, 0, 0, 0, 0])
    #                                   blue green amber red none
    # h1 Green, h2 Green, h3 Red: overdue against the 15 March target in force then.
    assert quarters["Q1 2021"] == (3, [0, 2, 0, 1, 0], [0, 67, 0, 33, 0])
    # h1 Amber, h2 Green (moved to 31 Dec on 10 June), h3 Green (30 June 23:30 counts), h4 none.
    assert quarters["Q2 2021"] == (4, [0, 2, 1, 0, 1], [0, 50, 25, 0, 25])
    # h1 still Amber (its Red update came on 1 October), h3 due that day: not overdue; h4 Blue.
    assert quarters["Q3 2021"] == (4, [1, 2, 1, 0, 0], [25, 50, 25, 0, 0])
    # h1 Red, h2 Green, h3 overdue: Red, h4 Blue, h5 new and not yet reported.
    assert quarters["Q4 2021"] == (5, [1, 1, 0, 2, 1], [20, 20, 0, 40, 20])
    assert result.quarters[-2].sentence == (
        "End of Q3 2021 (30 September 2021): 4 actions – 25% Blue, 50% Green, 25% Amber, 0% Red, 0% Not yet reported"
    )
    assert result.quarters[0].sentence == "End of Q1 2020 (31 March 2020): no actions"


def test_rag_at_the_end_of_each_month_from_the_update_history(story):
    months = rows(history.rag_history(plans=Plan.objects.all()).months)
    assert months["December 2020"][0] == 0
    # Created but not yet reported on.
    assert months["January 2021"] == (3, [0, 0, 0, 0, 3], [0, 0, 0, 0, 100])
    assert months["February 2021"] == (3, [0, 1, 1, 0, 1], [0, 34, 33, 0, 33])
    # h3's target moved on 20 April to 30 September: no longer overdue, its Amber shows.
    assert months["April 2021"] == (3, [0, 2, 1, 0, 0], [0, 67, 33, 0, 0])
    assert months["May 2021"] == (4, [0, 1, 2, 0, 1], [0, 25, 50, 0, 25])
    assert months["August 2021"] == (4, [1, 2, 1, 0, 0], [25, 50, 25, 0, 0])
    assert months["October 2021"] == (5, [1, 1, 0, 2, 1], [20, 20, 0, 40, 20])
    assert months["November 2021"] == months["October 2021"]


def test_the_period_so_far_agrees_with_the_current_rag_rules(story):
    result = history.rag_history(plans=Plan.objects.all())
    current = Action.objects.with_rag().rag_counts()
    assert result.quarters[-1].summary.counts == current
    assert result.months[-1].summary.counts == current


def test_target_date_in_force_on_a_day():
    history_ = ActionHistory(
        created_on=d("2021-01-01"),
        target_date=d("2021-12-31"),
        revision_days=[d("2021-04-20"), d("2021-08-01")],
        revisions=[(d("2021-03-15"), d("2021-09-30")), (d("2021-09-30"), d("2021-12-31"))],
    )
    assert history_.target_date_on(d("2021-04-19")) == d("2021-03-15")  # the original target
    assert history_.target_date_on(d("2021-04-20")) == d("2021-09-30")  # revised that day
    assert history_.target_date_on(d("2021-07-31")) == d("2021-09-30")
    assert history_.target_date_on(d("2021-08-01")) == d("2021-12-31")
    no_revisions = ActionHistory(created_on=d("2021-01-01"), target_date=d("2021-06-30"))
    assert no_revisions.target_date_on(d("2020-01-01")) == d("2021-06-30")
    assert no_revisions.assessment_on(d("2020-12-31")) is None  # not created yet


def test_history_counts_only_the_actions_in_scope(story, world, support_user):
    page = page_for(support_user, plan=world["plan_a"])
    assert page.history.quarters[-1].summary.total == 4
    assert page.history.quarters[-1].summary.counts == {"blue": 1, "green": 1, "amber": 1, "red": 1, "": 0}


# --- The page ---------------------------------------------------------------------------------------


def test_dashboard_page_renders_charts_and_tables(world, support_client):
    response = support_client.get(reverse("dashboard"))
    assert response.status_code == 200
    content = response.content.decode()
    for heading in [
        "Progress of all actions",
        "Overdue actions",
        "Actions with an update due",
        "By plan",
        "By source",
        "By organisation",
        "By lead officer",
        "RAG over time",
        "Q1 is January to March",
    ]:
        assert heading in content
    # Each chart is well-formed XML on its own, an image with a title and a description.
    charts = [
        ET.fromstring("<svg " + chunk[: chunk.index("</svg>")] + "</svg>") for chunk in content.split("<svg ")[1:]
    ]
    assert [chart.get("id") for chart in charts] == ["chart-overall", "chart-plans", "chart-quarters", "chart-months"]
    assert all(chart.get("role") == "img" for chart in charts)
    assert "Show the figures as a table" in content
    assert "Agreed in minutes (no source)" in content
    assert "No organisation" in content
    assert 'href="/tracker/?rag=red"' in content


def test_headings_are_in_order(world, support_client):
    content = support_client.get(reverse("dashboard")).content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])", content)]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1


def test_plan_titles_are_escaped_on_the_page_and_in_the_charts(world, support_client):
    PlanFactory(title='<script>alert("x")</script> plan', owning_body=world["panel"])
    content = support_client.get(reverse("body_dashboard", args=[world["panel"].pk])).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert" in content


def test_the_plan_dashboard_has_no_by_plan_section(world, support_client):
    content = support_client.get(reverse("plan_dashboard", args=[world["plan_a"].pk])).content.decode()
    assert 'id="by-plan"' not in content
    assert "APA action plan" in content


# --- Who sees what ----------------------------------------------------------------------------------


@pytest.fixture
def outsider(world):
    """An officer of Leicester City Council with no part in Southampton's plans."""
    user = UserFactory(username="outsider")
    PersonFactory(name="Olive Outsider", organisation=world["leicester"], user=user)
    return user


def test_an_outsider_officer_sees_none_of_another_councils_plans(world, outsider, client):
    page = page_for(outsider)
    assert [row.label for row in page.by_plan] == ["Leicester JAR action plan"]
    assert figures(page.overall) == (1, [0, 1, 0, 0, 0], [0, 100, 0, 0, 0], 0, 0)
    assert page.overdue == [] and page.update_due == []
    assert page.history.quarters[-1].summary.total == 1
    client.force_login(outsider)
    content = client.get(reverse("dashboard")).content.decode()
    assert "APA action plan" not in content
    assert "Alison Alexander" not in content


def test_an_outsider_sees_a_bodys_dashboard_with_none_of_its_plans(world, outsider, client):
    client.force_login(outsider)
    response = client.get(reverse("body_dashboard", args=[world["panel"].pk]))
    assert response.status_code == 200
    assert figures(response.context["page"].overall)[0] == 0
    assert "APA action plan" not in response.content.decode()


def test_plan_dashboard_is_not_found_for_an_outsider(world, outsider, client):
    client.force_login(outsider)
    assert client.get(reverse("plan_dashboard", args=[world["plan_a"].pk])).status_code == 404
    assert client.get(reverse("plan_dashboard", args=[world["plan_l"].pk])).status_code == 200


def test_a_panel_member_sees_the_panels_plans(world, client):
    user = UserFactory(username="councillor")
    member = PersonFactory(name="Councillor Bell", organisation=None, user=user)
    MembershipFactory(body=world["panel"], person=member)
    page = page_for(user)
    assert [row.label for row in page.by_plan] == ["APA action plan", "Improvement plan"]
    assert page.overall.total == 7


def test_unknown_body_or_plan_is_not_found(world, support_client):
    assert support_client.get(reverse("body_dashboard", args=[99999])).status_code == 404
    assert support_client.get(reverse("plan_dashboard", args=[99999])).status_code == 404


def dashboard_url(world, name: str) -> str:
    return {
        "dashboard": reverse("dashboard"),
        "body_dashboard": reverse("body_dashboard", args=[world["panel"].pk]),
        "plan_dashboard": reverse("plan_dashboard", args=[world["plan_a"].pk]),
    }[name]


@pytest.mark.parametrize("name", ["dashboard", "body_dashboard", "plan_dashboard"])
def test_an_anonymous_visitor_is_sent_to_sign_in(world, client, name):
    url = dashboard_url(world, name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


# --- Queries ----------------------------------------------------------------------------------------


def add_actions(plans, count: int, *, updates_each: int = 1, revisions: bool = False):
    people = [PersonFactory() for _ in range(3)]
    recommendations = [RecommendationFactory() for _ in range(2)] + [None]  # two sources, and minutes
    for index in range(count):
        plan = plans[index % len(plans)]
        action = ActionFactory(
            plan=plan,
            recommendation=recommendations[index % len(recommendations)],
            lead=people[index % len(people)],
            target_date=AS_AT + datetime.timedelta(days=index - count // 2),
            created_at=at(d("2020-01-01")),
        )
        for number in range(updates_each):
            reported_at = at(d("2020-02-01")) + datetime.timedelta(days=10 * number + index % 7)
            report(action, reported_at, [Rag.GREEN, Rag.AMBER, Rag.RED][number % 3])
        if revisions:
            TargetDateRevisionFactory(action=action, revised_at=at(d("2021-03-01")))


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# 1 session, 1 user, 1 the viewer's groups (democratic support?); then 1 plans in scope, 1 counts
# by plan and source, 1 the sources' titles, 1 counts by lead officer, 1 the leads' names and
# organisations, 1 overdue list, 1 update-due list, 2 RAG over time (the month-ends recorded, the
# counts of the plans in scope at each), 2 late or missing executive responses (how many, the
# worst); 1 the measures' share on each RAG (with none, nothing more: see
# tests/measures/test_pages.py for dashboards with measures); 1 the signed-in person in the page
# header, with their jobs in progress for the menu. The body dashboard adds 1 for the body; the
# plan dashboard looks its plan up (1) and so needs no query for the plans in scope.
EXPECTED_QUERIES = {"dashboard": 16, "body_dashboard": 17, "plan_dashboard": 16}
# The first dashboard to need month-ends that have passed records them, however many actions
# there are: 1 savepoint, 1 the month-ends, 1 every action's snapshot at each, 1 each plan's
# counts, 1 savepoint released.
RECORDING_QUERIES = 5


@pytest.mark.parametrize("name", ["dashboard", "body_dashboard", "plan_dashboard"])
def test_query_count_does_not_grow_with_actions_updates_or_plans(db, as_at, support_client, name):
    body = BodyFactory()
    plans = [PlanFactory(owning_body=body)]
    url = reverse(name) if name == "dashboard" else None
    url = url or reverse(name, args=[body.pk if name == "body_dashboard" else plans[0].pk])
    add_actions(plans, 10)
    first = count_queries(support_client, url)
    few = count_queries(support_client, url)

    plans += [PlanFactory(owning_body=body) for _ in range(9)]
    add_actions(plans, 190, updates_each=4, revisions=True)
    assert Action.objects.count() == 200
    many = count_queries(support_client, url)
    assert few == many == EXPECTED_QUERIES[name]
    RagSnapshotPeriod.objects.all().delete()
    assert first == count_queries(support_client, url) == EXPECTED_QUERIES[name] + RECORDING_QUERIES


def test_query_count_for_an_officer_is_constant_too(world, outsider, client):
    client.force_login(outsider)
    leicester_plan = world["plan_l"]
    add_actions([leicester_plan], 3)  # with sources to name: the few, as the many below
    count_queries(client, reverse("dashboard"))  # records the month-ends shown
    few = count_queries(client, reverse("dashboard"))
    add_actions([leicester_plan, PlanFactory(owning_body=world["leicester_board"])], 60, updates_each=3)
    # The viewer's groups, person and bodies, then as the dashboard of everything above.
    assert count_queries(client, reverse("dashboard")) == few == EXPECTED_QUERIES["dashboard"] + 2


@pytest.mark.parametrize("name", ["dashboard", "body_dashboard", "plan_dashboard"])
def test_dashboards_only_answer_get(world, support_client, name):
    url = dashboard_url(world, name)
    assert support_client.post(url).status_code == 405


def test_late_and_missing_executive_responses_are_listed(world, support_client, settings):
    from tests.factories import RecommendationFactory

    plan = world["plan_a"]
    source = SourceFactory(date=datetime.date(2021, 6, 17), title="A late inquiry")
    plan.sources.add(source)
    RecommendationFactory(
        source=source, label="1)", text="Respond promptly.", response_due_date=datetime.date(2021, 8, 17)
    )
    content = support_client.get(reverse("dashboard")).content.decode()
    assert "Executive responses late or missing" in content
    assert "Respond promptly." in content
    assert "No response," in content


@pytest.fixture
def late_responses(world):
    """Late or missing executive responses as at 4 November 2021, worst first:

    old       pending, due 1 June (156 days)        a source of the APA action plan (panel)
    elsewhere pending, due 1 July (126 days)        a source of the Leicester plan
    answered  pending, due 1 October (34 days)      answered by an Improvement plan action (panel)
    new       pending, due 1 November (3 days)      a source of the APA action plan
    late      responded 1 September, due 17 August  a source of the APA action plan
    """
    from recommendations.models import ResponseDecision

    def late(source, label, due):
        return RecommendationFactory(source=source, label=label, text=f"Recommendation {label}", response_due_date=due)

    apa_source, leicester_source = SourceFactory(title="APA review"), SourceFactory(title="Leicester review")
    world["plan_a"].sources.add(apa_source)
    world["plan_l"].sources.add(leicester_source)
    made = {
        "old": late(apa_source, "old", d("2021-06-01")),
        "elsewhere": late(leicester_source, "elsewhere", d("2021-07-01")),
        "answered": late(SourceFactory(title="Not a source of any plan"), "answered", d("2021-10-01")),
        "new": late(apa_source, "new", d("2021-11-01")),
        "late": late(apa_source, "late", d("2021-08-17")),
    }
    made["late"].response_decision = ResponseDecision.ACCEPTED
    made["late"].response_date = d("2021-09-01")
    made["late"].save()
    ActionFactory(plan=world["plan_b"], recommendation=made["answered"], created_at=at(d("2021-01-04")))
    return made


def late_labels(content: str) -> list[str]:
    return re.findall(r"Recommendation (old|elsewhere|answered|new|late)</a>", content)


def test_the_dashboard_lists_the_worst_late_responses_and_links_to_every_one(
    world, late_responses, support_client, monkeypatch
):
    monkeypatch.setattr(selectors, "LIST_LIMIT", 2)
    content = support_client.get(reverse("dashboard")).content.decode()
    assert late_labels(content) == ["old", "elsewhere"]
    assert "5 recommendations with an executive response overdue or made late" in content
    all_url = reverse("dashboard_late_responses")
    assert f'Showing the first 2. <a class="govuk-link" href="{all_url}">See all 5 of them</a>' in content
    body = support_client.get(reverse("body_dashboard", args=[world["panel"].pk])).content.decode()
    assert late_labels(body) == ["old", "answered"]
    assert "4 recommendations with an executive response" in body


def test_the_page_of_every_late_response_goes_a_page_at_a_time_worst_first(
    world, late_responses, support_client, monkeypatch
):
    monkeypatch.setattr(selectors, "BREAKDOWN_PAGE_SIZE", 3)
    url = reverse("body_dashboard_late_responses", args=[world["panel"].pk])
    first = support_client.get(url).content.decode()
    assert late_labels(first) == ["old", "answered", "new"]
    assert "4 recommendations with an executive response overdue or made late" in first
    assert "showing 1 to 3" in first
    second = support_client.get(url, {"page": 2}).content.decode()
    assert late_labels(second) == ["late"]
    assert "Responded 15 days late" in second
    plan = support_client.get(reverse("plan_dashboard_late_responses", args=[world["plan_b"].pk])).content.decode()
    assert late_labels(plan) == ["answered"]


def test_the_late_responses_page_shows_only_the_plans_the_viewer_may_read(world, late_responses, outsider, client):
    client.force_login(outsider)  # of Leicester: reads the Leicester plan only
    content = client.get(reverse("dashboard_late_responses")).content.decode()
    assert late_labels(content) == ["elsewhere"]
    body = client.get(reverse("body_dashboard_late_responses", args=[world["panel"].pk])).content.decode()
    assert late_labels(body) == []
    assert "Every executive response here was made on time" in body
