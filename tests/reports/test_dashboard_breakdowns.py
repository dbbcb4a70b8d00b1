"""A dashboard's breakdowns at scale: at most BREAKDOWN_LIMIT rows of each on the dashboard (the
most in need of attention), every row on the breakdown's own page a page at a time, tracker
links made without a reverse() per cell, and a page that does not grow with the rows.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.plans.rag import ActionStatus, Rag
from partners.access import viewer_for
from partners.models import Organisation
from reports.dashboard import breakdowns, selectors
from reports.dashboard.breakdowns import TrackerLink
from tests.factories import (
    ActionFactory,
    BodyFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    SupportUserFactory,
    UserFactory,
)

AS_AT = datetime.date(2021, 11, 4)
LIMIT = 3


@pytest.fixture
def as_at(settings, monkeypatch):
    settings.TRACKER_AS_AT = AS_AT
    settings.TRACKER_REPORTING_CYCLE_DAYS = 90
    monkeypatch.setattr(breakdowns, "BREAKDOWN_LIMIT", LIMIT)
    return AS_AT


@pytest.fixture
def support_client(client, db):
    client.force_login(SupportUserFactory())
    return client


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def leads_with(body, overdue_counts: dict[str, int]):
    """A plan per lead officer, named as given, with that many overdue actions and one on track."""
    organisation, _ = Organisation.objects.get_or_create(name="Council")
    for name, overdue in overdue_counts.items():
        lead = PersonFactory(name=name, organisation=organisation)
        plan = PlanFactory(title=f"Plan of {name}", owning_body=body, lead=lead)
        for _ in range(overdue):
            ActionFactory(plan=plan, lead=lead, target_date=datetime.date(2021, 10, 1), created_at=at(AS_AT))
        on_track = ActionFactory(plan=plan, lead=lead, target_date=datetime.date(2022, 6, 30), created_at=at(AS_AT))
        ProgressUpdateFactory(
            action=on_track, reported_at=at(datetime.date(2021, 10, 1)), status=ActionStatus.IN_PROGRESS, rag=Rag.GREEN
        )


def page_for(user, **scope) -> selectors.DashboardPage:
    viewer = viewer_for(user)
    if "body" in scope:
        return selectors.dashboard_page(scope=selectors.scope_body(viewer=viewer, body=scope["body"]))
    return selectors.dashboard_page(scope=selectors.scope_everything(viewer=viewer))


# --- On the dashboard ---------------------------------------------------------------------------


def test_a_short_breakdown_is_shown_whole_in_alphabetical_order(db, as_at):
    leads_with(BodyFactory(), {"Cai": 0, "Ann": 2, "Bea": 1})
    page = page_for(SupportUserFactory())
    leads = page.breakdowns["leads"]
    assert not leads.is_cut
    assert [row.label for row in leads.shown] == ["Ann", "Bea", "Cai"]


def test_a_long_breakdown_shows_those_most_in_need_of_attention_and_links_to_every_row(db, as_at, support_client):
    body = BodyFactory()
    leads_with(body, {"Ann": 0, "Bea": 2, "Cai": 1, "Dev": 3, "Eve": 0})
    page = page_for(SupportUserFactory())
    leads = page.breakdowns["leads"]
    assert leads.is_cut and len(leads.rows) == 5
    # The most overdue first; the rest (Ann, Eve) are on the breakdown's own page.
    assert [row.label for row in leads.shown] == ["Dev", "Bea", "Cai"]
    assert [row.label for row in page.breakdowns["plans"].shown] == ["Plan of Dev", "Plan of Bea", "Plan of Cai"]
    assert leads.all_url == reverse("dashboard_breakdown", args=["leads"])

    content = support_client.get(reverse("dashboard")).content.decode()
    assert "There are 5 lead officers here. These are the 3 with the most overdue actions" in content
    assert f'href="{leads.all_url}">See the figures of all 5 lead officers</a>' in content
    assert "How many actions show each RAG, by their lead officer: the 3 with the most overdue actions" in content
    assert ">Eve<" not in content
    # The chart of plans draws the plans the table shows.
    chart = content[content.index('id="chart-plans"') : content.index("</svg>", content.index('id="chart-plans"'))]
    assert "the 3 plans with the most overdue actions" in chart
    assert "Plan of Dev" in chart and "Plan of Ann" not in chart


def test_the_dashboard_does_not_grow_with_the_rows_of_its_breakdowns(db, as_at, support_client, monkeypatch):
    monkeypatch.setattr(selectors, "LIST_LIMIT", 3)  # the overdue list is cut too
    body = BodyFactory()
    leads_with(body, {f"Lead {n:02}": n % 3 for n in range(6)})
    small = support_client.get(reverse("dashboard")).content.decode()
    leads_with(body, {f"Lead {n:02}": n % 3 for n in range(6, 30)})
    large = support_client.get(reverse("dashboard")).content.decode()
    rows = re.compile(r'<th scope="row" class="govuk-table__header">')
    assert len(rows.findall(small)) == len(rows.findall(large))
    assert abs(len(large) - len(small)) < 2_000  # the same rows, other names and numbers


# --- A breakdown's own page ----------------------------------------------------------------------


def test_the_breakdown_page_lists_every_row_a_page_at_a_time(db, as_at, support_client, monkeypatch):
    monkeypatch.setattr(selectors, "BREAKDOWN_PAGE_SIZE", 2)
    body = BodyFactory(name="Scrutiny Panel")
    leads_with(body, {"Ann": 0, "Bea": 2, "Cai": 1, "Dev": 3, "Eve": 0})
    url = reverse("body_dashboard_breakdown", args=[body.pk, "leads"])
    response = support_client.get(url)
    assert response.status_code == 200
    page = response.context["page"]
    assert [row.label for row in page.rows] == ["Ann", "Bea"]
    content = response.content.decode()
    assert "<title>By lead officer: Scrutiny Panel (page 1 of 3)" in content
    assert "5 lead officers, in alphabetical order; showing 1 to 2." in content
    assert 'aria-label="Pages of lead officers"' in content
    assert f'href="{reverse("body_dashboard", args=[body.pk])}">Back to the dashboard</a>' in content
    assert [row.label for row in support_client.get(url, {"page": 3}).context["page"].rows] == ["Eve"]
    # Counts link to the tracker table filtered to the body and the lead.
    dev = support_client.get(url, {"page": 2}).context["page"].rows[1]
    assert dev.label == "Dev" and dev.overdue_url.startswith(f"/tracker/?body={body.pk}&lead_id=")


def test_breakdown_pages_by_kind_and_scope(db, as_at, support_client):
    body = BodyFactory()
    leads_with(body, {"Ann": 1})
    plan = body.plans.get()
    for url in [
        reverse("dashboard_breakdown", args=["plans"]),
        reverse("body_dashboard_breakdown", args=[body.pk, "sources"]),
        reverse("plan_dashboard_breakdown", args=[plan.pk, "organisations"]),
        reverse("plan_dashboard_breakdown", args=[plan.pk, "leads"]),
    ]:
        assert support_client.get(url).status_code == 200, url
    # No such breakdown; and a plan's dashboard has none by plan.
    assert support_client.get(reverse("dashboard_breakdown", args=["colours"])).status_code == 404
    assert support_client.get(reverse("plan_dashboard_breakdown", args=[plan.pk, "plans"])).status_code == 404


def test_the_breakdown_page_shows_only_what_the_viewer_may_read(db, as_at, client):
    body = BodyFactory()
    leads_with(body, {"Ann": 1, "Bea": 0})
    user = UserFactory()
    PersonFactory(name="Olive Outsider", organisation=OrganisationFactory(), user=user)
    client.force_login(user)
    assert list(client.get(reverse("dashboard_breakdown", args=["leads"])).context["page"].rows) == []
    plan = body.plans.first()
    assert client.get(reverse("plan_dashboard_breakdown", args=[plan.pk, "leads"])).status_code == 404


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("kind, expected", [("plans", 6), ("leads", 7)])
def test_the_breakdown_page_takes_the_same_queries_for_3_or_30_rows(db, as_at, support_client, kind, expected):
    """1 session, 1 user, 1 the viewer's groups; by plan 1 the plans and 1 their counts, by
    anything else 1 the counts; 1 the signed-in person in the page header, with their jobs in
    progress for the menu."""
    """1 session, 1 user, 1 the viewer's groups; 1 the plans in scope; by plan 1 the counts by
    plan and source, by lead 1 the counts by lead and 1 the leads' names; 1 the signed-in
    person in the page header."""
    body = BodyFactory()
    url = reverse("dashboard_breakdown", args=[kind])
    leads_with(body, {f"Lead {n}": n % 2 for n in range(3)})
    few = count_queries(support_client, url)
    leads_with(body, {f"Lead {n}": n % 2 for n in range(3, 30)})
    assert count_queries(support_client, url) == few == expected


# --- Links to the tracker table ---------------------------------------------------------------------


def test_tracker_links_add_each_filter_to_the_scopes_query_string():
    everything = TrackerLink.to("/tracker/", {})
    assert everything.url() == "/tracker/"
    assert everything.url(rag="red") == "/tracker/?rag=red"
    body = TrackerLink.to("/tracker/", {"body": 3})
    assert body.narrowed(plan=5).url(rag="none") == "/tracker/?body=3&plan=5&rag=none"
    assert body.narrowed(source=7).url() == "/tracker/?body=3&source=7"


def test_the_dashboard_looks_the_tracker_up_once_however_many_cells_link_to_it(db, as_at, support_client, monkeypatch):
    leads_with(BodyFactory(), {"Ann": 2, "Bea": 1, "Cai": 0, "Dev": 1})
    looked_up = []
    real_reverse = selectors.reverse

    def counting_reverse(name, *args, **kwargs):
        looked_up.append(name)
        return real_reverse(name, *args, **kwargs)

    monkeypatch.setattr(selectors, "reverse", counting_reverse)
    monkeypatch.setattr(breakdowns, "reverse", counting_reverse)
    content = support_client.get(reverse("dashboard")).content.decode()
    assert content.count('href="/tracker/?') > 20
    assert looked_up.count("tracker") == 1
