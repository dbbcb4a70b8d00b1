"""What a dashboard shows: RAG counts overall and broken down, the overdue and update-due
lists, and RAG over time, for everything the viewer may read, a body's plans or one plan; and
the page of every row of one breakdown.

Every RAG comes from actionplans.plans.rag as at clock.today(): the with_rag() annotations counted
by the database, and for RAG over time the snapshots kept at each month-end
(reports.dashboard.history). Each breakdown is one grouped query, never a query per row
(reports.dashboard.breakdowns), and a dashboard shows at most BREAKDOWN_LIMIT rows of each.

Queries, whatever the number of plans, actions or updates (after the viewer's own: their
person, groups and bodies): 1 the plans in scope, 1 counts by plan, 1 by source, 1 by
organisation, 1 by lead officer, 1 the overdue list, 1 the update-due list, 2 RAG over time
(the month-ends recorded, the counts at each), 1 late or missing executive responses; and for
the measures of the plans in scope (actionplans.measures.selectors.dashboard_measures) 1 the
share on each RAG at the latest period end, and when there are any 1 the first measures with
their latest figures and 1 their trends.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from actionplans.kernel import clock
from actionplans.measures.models import Measure
from actionplans.measures.selectors import DashboardMeasures, dashboard_measures
from actionplans.plans import rag
from actionplans.plans.models import Action
from actionplans.plans.rag import Assessment
from recommendations.models import Recommendation
from recommendations.responses import ResponseLateness, late_or_missing_responses
from reports.dashboard import charts
from reports.dashboard.breakdowns import (
    KINDS,
    YES,
    Breakdown,
    BreakdownRow,
    Kind,
    TrackerLink,
    plans_in,
    rows_by_lead,
    rows_by_organisation,
    rows_by_plan,
    rows_by_source,
)
from reports.dashboard.history import RagHistory, added_up, rag_history
from reports.dashboard.scope import Scope, scope_body, scope_everything, scope_plan

__all__ = ["Scope", "scope_body", "scope_everything", "scope_plan", "dashboard_page", "breakdown_page"]

LIST_LIMIT = 25  # the most overdue (or longest without an update) shown; the tracker has the rest
BREAKDOWN_PAGE_SIZE = 100  # rows on each page of a breakdown's own page


def tracker_link(scope: Scope) -> TrackerLink:
    """The tracker table showing the scope's actions. Looks up the tracker's address once."""
    return TrackerLink.to(reverse("tracker"), scope.tracker_params)


def breakdown_url(scope: Scope, slug: str) -> str:
    """The page of every row of one of the scope's breakdowns."""
    if scope.plan is not None:
        return reverse("plan_dashboard_breakdown", args=[scope.plan.pk, slug])
    if scope.body is not None:
        return reverse("body_dashboard_breakdown", args=[scope.body.pk, slug])
    return reverse("dashboard_breakdown", args=[slug])


def measures_url(scope: Scope) -> str:
    """The "Measures that matter" table of every measure the dashboard counts."""
    if scope.plan is not None:
        return reverse("plan_measures", args=[scope.plan.pk])
    if scope.body is not None:
        return reverse("body_measures", args=[scope.body.pk])
    return reverse("measure_list")


def dashboard_url(scope: Scope) -> str:
    if scope.plan is not None:
        return reverse("plan_dashboard", args=[scope.plan.pk])
    if scope.body is not None:
        return reverse("body_dashboard", args=[scope.body.pk])
    return reverse("dashboard")


# --- Lists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedAction:
    action: Action
    days: int  # days overdue, or days since the last update
    on: datetime.date

    @property
    def assessment(self) -> Assessment:
        return self.action.assessment(on=self.on)


def overdue_actions(scope: Scope, *, on: datetime.date, limit: int) -> list[ListedAction]:
    """Open actions past their target date, the longest overdue first. 1 query."""
    actions = (
        scope.actions.with_rag(on=on)
        .filter(is_overdue=True)
        .select_related("plan", "lead")
        .order_by("target_date", "plan__title", "position", "pk")[:limit]
    )
    return [ListedAction(action=action, days=(on - action.target_date).days, on=on) for action in actions]


def update_due_actions(scope: Scope, *, on: datetime.date, limit: int) -> list[ListedAction]:
    """Open actions whose newest update is older than the reporting cycle, the oldest first. 1 query."""
    actions = (
        scope.actions.with_rag(on=on)
        .filter(is_update_due=True)
        .select_related("plan", "lead")
        .order_by("last_update_at", "plan__title", "position", "pk")[:limit]
    )
    return [
        ListedAction(action=action, days=(on - timezone.localdate(action.last_update_at)).days, on=on)
        for action in actions
    ]


# --- The page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardPage:
    scope: Scope
    on: datetime.date
    tracker: TrackerLink
    overall: BreakdownRow
    by_plan: list[BreakdownRow]
    by_source: list[BreakdownRow]
    by_organisation: list[BreakdownRow]
    by_lead: list[BreakdownRow]
    overdue: list[ListedAction]
    update_due: list[ListedAction]
    history: RagHistory
    late_responses: list[ResponseLateness]
    list_limit: int
    measures: DashboardMeasures
    reporting_cycle_days: int = field(default_factory=rag.reporting_cycle_days)

    @property
    def scope_title(self) -> str:
        return self.scope.title

    @property
    def overall_rows(self) -> list[BreakdownRow]:
        return [self.overall]

    @property
    def measures_url(self) -> str:
        return measures_url(self.scope)

    @property
    def overdue_url(self) -> str:
        return self.tracker.url(overdue=YES)

    @property
    def update_due_url(self) -> str:
        return self.tracker.url(update_due=YES)

    @cached_property
    def breakdowns(self) -> dict[str, Breakdown]:
        """Each breakdown as the page shows it, by its slug (reports.dashboard.breakdowns.KINDS);
        none by plan on a plan's dashboard."""
        rows = {
            "plans": self.by_plan,
            "sources": self.by_source,
            "organisations": self.by_organisation,
            "leads": self.by_lead,
        }
        return {
            slug: Breakdown(kind=kind, rows=rows[slug], all_url=breakdown_url(self.scope, slug))
            for slug, kind in KINDS.items()
            if not (kind.needs_many_plans and self.scope.plan is not None)
        }

    @property
    def latest_quarter(self):
        """The last quarter that has ended, for the headline sentence."""
        ended = [figures for figures in self.history.quarters if not figures.period.is_partial]
        return ended[-1] if ended else None

    @cached_property
    def overall_chart(self):
        return charts.overall_chart(self)

    @cached_property
    def plans_chart(self):
        return charts.plans_chart(self)

    @cached_property
    def quarters_chart(self):
        return charts.over_time_chart(self.history.quarters, chart_id="chart-quarters", period_name="quarter")

    @cached_property
    def months_chart(self):
        return charts.over_time_chart(self.history.months, chart_id="chart-months", period_name="month")


def late_responses(scope: Scope, *, on: datetime.date) -> list[ResponseLateness]:
    """Executive responses due and not made, or made late, for the recommendations of the
    plans in view (recommendations.responses has the rule). One query."""
    recommendations = Recommendation.objects.filter(
        Q(source__plans__in=scope.plans) | Q(actions__in=scope.actions)
    ).distinct()
    return late_or_missing_responses(Recommendation.objects.filter(pk__in=recommendations.values("pk")), on=on)


def dashboard_page(*, scope: Scope, on: datetime.date | None = None) -> DashboardPage:
    on = on or clock.today()
    tracker = tracker_link(scope)
    plans = plans_in(scope)
    by_plan = rows_by_plan(scope, on=on, tracker=tracker, plans=plans)
    overall = BreakdownRow(label="All actions", summary=added_up(row.summary for row in by_plan), tracker=tracker)
    return DashboardPage(
        scope=scope,
        on=on,
        tracker=tracker,
        overall=overall,
        by_plan=by_plan,
        by_source=rows_by_source(scope, on=on, tracker=tracker),
        by_organisation=rows_by_organisation(scope, on=on, tracker=tracker),
        by_lead=rows_by_lead(scope, on=on, tracker=tracker),
        overdue=overdue_actions(scope, on=on, limit=LIST_LIMIT),
        update_due=update_due_actions(scope, on=on, limit=LIST_LIMIT),
        # The plans' ids, not the scope's query: working out which plans an officer may read
        # again would cost more than reading their counts.
        history=rag_history(plans=[pk for pk, _ in plans], on=on, current=overall.summary),
        late_responses=late_responses(scope, on=on),
        list_limit=LIST_LIMIT,
        measures=dashboard_measures(Measure.objects.filter(plan__in=scope.plans), on=on),
    )


# --- A breakdown's own page -------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownPage:
    """Every row of one breakdown, in order (alphabetical, the bucket without one last), a
    page of BREAKDOWN_PAGE_SIZE at a time."""

    scope: Scope
    on: datetime.date
    kind: Kind
    rows: Page
    page_range: list
    dashboard_url: str
    reporting_cycle_days: int = field(default_factory=rag.reporting_cycle_days)


def breakdown_page(
    *, scope: Scope, slug: str, page_number: str | int | None = 1, on: datetime.date | None = None
) -> BreakdownPage:
    """Queries: 1 the counts (by plan: 1 the plans, 1 the counts). Raises Http404 for a kind of
    breakdown that does not exist, or by plan on a plan's dashboard."""
    kind = KINDS.get(slug)
    if kind is None or (kind.needs_many_plans and scope.plan is not None):
        raise Http404
    on = on or clock.today()
    paginator = Paginator(kind.rows(scope, on=on, tracker=tracker_link(scope)), BREAKDOWN_PAGE_SIZE)
    rows = paginator.get_page(page_number)
    return BreakdownPage(
        scope=scope,
        on=on,
        kind=kind,
        rows=rows,
        page_range=list(paginator.get_elided_page_range(rows.number, on_each_side=1, on_ends=1)),
        dashboard_url=dashboard_url(scope),
    )
