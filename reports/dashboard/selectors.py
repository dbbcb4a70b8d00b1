"""What a dashboard shows: RAG counts overall and broken down, the overdue and update-due
lists, and RAG over time, for everything the viewer may read, a body's plans or one plan.

Every RAG comes from actionplans.plans.rag as at clock.today(): the with_rag() annotations counted
by the database, and for RAG over time the snapshots kept at each month-end
(reports.dashboard.history). Each breakdown is one grouped query, never a query per row.

Queries, whatever the number of plans, actions or updates (after the viewer's own: their
person, groups and bodies): 1 the plans in scope, 1 counts by plan, 1 by source, 1 by
organisation, 1 by lead officer, 1 the overdue list, 1 the update-due list, 2 RAG over time
(the month-ends recorded, the counts at each), 1 late or missing executive responses.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from actionplans.kernel import clock
from actionplans.plans import rag
from actionplans.plans.access import readable_actions, readable_plans
from actionplans.plans.models import Action, Plan
from actionplans.plans.rag import Assessment, rag_label
from actionplans.plans.selectors import RAG_KEYS, RagSummary
from partners.access import Viewer
from partners.models import Body
from recommendations.models import Recommendation
from recommendations.responses import ResponseLateness, late_or_missing_responses
from reports.charts import whole_percentages
from reports.dashboard import charts
from reports.dashboard.history import RagHistory, added_up, rag_history

NO_SOURCE = "Agreed in minutes (no source)"
NO_ORGANISATION = "No organisation"
NO_LEAD = "No lead officer named"
LIST_LIMIT = 25  # the most overdue (or longest without an update) shown; the tracker has the rest

# The tracker table's GET filters (reports.tracker.filters) that the dashboard links to.
TRACKER_NOT_REPORTED = "none"
YES = "yes"


def tracker_url(params: dict) -> str:
    query = QueryDict(mutable=True)
    query.update(params)
    return f"{reverse('tracker')}?{query.urlencode()}" if params else reverse("tracker")


# --- What a dashboard covers ----------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The plans and actions a dashboard counts: only ever ones the viewer may read."""

    plans: QuerySet
    actions: QuerySet
    body: Body | None = None
    plan: Plan | None = None

    @property
    def tracker_params(self) -> dict:
        """The tracker filters that show the same actions."""
        if self.plan is not None:
            return {"plan": self.plan.pk}
        if self.body is not None:
            return {"body": self.body.pk}
        return {}


def scope_everything(*, viewer: Viewer) -> Scope:
    return Scope(plans=readable_plans(viewer), actions=readable_actions(viewer))


def scope_body(*, viewer: Viewer, body: Body) -> Scope:
    """The plans the body owns that the viewer may read."""
    return Scope(
        plans=readable_plans(viewer).filter(owning_body=body),
        actions=readable_actions(viewer).filter(plan__owning_body=body),
        body=body,
    )


def scope_plan(*, plan: Plan) -> Scope:
    """One plan, which the caller has checked the viewer may read (get_plan_for_user)."""
    return Scope(plans=Plan.objects.filter(pk=plan.pk), actions=Action.objects.filter(plan=plan), plan=plan)


# --- Counts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One RAG's count in a row, its share of the row's total, and where to see those actions."""

    rag: str  # a Rag value, or "" for not yet reported
    count: int
    percentage: int
    url: str | None

    @property
    def label(self) -> str:
        return rag_label(self.rag)


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    summary: RagSummary
    url: str | None = None  # the page of what the row is about
    tracker_params: dict | None = None  # None: the tracker cannot show just this row's actions
    is_unassigned: bool = False  # the bucket of actions with no source, organisation or lead

    def _tracker_url(self, count: int, **params) -> str | None:
        if self.tracker_params is None or not count:
            return None
        return tracker_url(self.tracker_params | params)

    @property
    def total(self) -> int:
        return self.summary.total

    @property
    def values(self) -> list[int]:
        return [self.summary.counts[key] for key in RAG_KEYS]

    @property
    def cells(self) -> list[Cell]:
        percentages = whole_percentages(self.values)
        return [
            Cell(
                rag=key,
                count=count,
                percentage=percentage,
                url=self._tracker_url(count, rag=key or TRACKER_NOT_REPORTED),
            )
            for key, count, percentage in zip(RAG_KEYS, self.values, percentages, strict=True)
        ]

    @property
    def total_url(self) -> str | None:
        return self._tracker_url(self.total)

    @property
    def overdue_url(self) -> str | None:
        return self._tracker_url(self.summary.overdue, overdue=YES)

    @property
    def update_due_url(self) -> str | None:
        return self._tracker_url(self.summary.update_due, update_due=YES)


# What each count counts: a RAG ("" for not yet reported), overdue, update due (RagSummary's keys).
def rag_counts_grouped(actions: QuerySet, *fields: str, on: datetime.date) -> list[tuple[dict, RagSummary]]:
    """The RAG counts of the actions grouped by `fields` (ActionQuerySet.rag_counts_by): one
    query. Each row's values of `fields`, with its RagSummary."""
    return [
        (values, RagSummary.from_counts(counts)) for values, counts in actions.with_rag(on=on).rag_counts_by(*fields)
    ]


def _in_order(rows: list[BreakdownRow]) -> list[BreakdownRow]:
    """Alphabetical, with the bucket of actions without one ("No organisation") last."""
    return sorted(rows, key=lambda row: (row.is_unassigned, row.label.casefold()))


def rows_by_plan(scope: Scope, *, on: datetime.date) -> list[BreakdownRow]:
    """Every plan in scope, with none of its actions counted as zero. Queries: 1 plans, 1 counts."""
    plans = list(scope.plans.order_by("title").values_list("pk", "title"))
    counts = scope.actions.with_rag(on=on).rag_counts_by_plan()
    return [
        BreakdownRow(
            label=title,
            summary=RagSummary.from_counts(counts.get(pk)),
            url=reverse("plan_dashboard", args=[pk]),
            tracker_params=scope.tracker_params | {"plan": pk},
        )
        for pk, title in plans
    ]


def rows_by_source(scope: Scope, *, on: datetime.date) -> list[BreakdownRow]:
    """By the source of each action's recommendation; actions with none were agreed in minutes."""
    rows = []
    for values, summary in rag_counts_grouped(
        scope.actions, "recommendation__source", "recommendation__source__title", on=on
    ):
        source_id = values["recommendation__source"]
        rows.append(
            BreakdownRow(
                label=values["recommendation__source__title"] if source_id else NO_SOURCE,
                summary=summary,
                tracker_params=scope.tracker_params | {"source": source_id} if source_id else None,
                is_unassigned=source_id is None,
            )
        )
    return _in_order(rows)


def rows_by_organisation(scope: Scope, *, on: datetime.date) -> list[BreakdownRow]:
    """By the organisation of each action's lead officer (none when there is no lead). The
    tracker has no filter for it, so the counts link nowhere."""
    rows = []
    for values, summary in rag_counts_grouped(scope.actions, "lead__organisation", "lead__organisation__name", on=on):
        organisation_id = values["lead__organisation"]
        rows.append(
            BreakdownRow(
                label=values["lead__organisation__name"] if organisation_id else NO_ORGANISATION,
                summary=summary,
                is_unassigned=organisation_id is None,
            )
        )
    return _in_order(rows)


def rows_by_lead(scope: Scope, *, on: datetime.date) -> list[BreakdownRow]:
    """By each action's lead officer, named as people are shown (name, else job title)."""
    rows = []
    for values, summary in rag_counts_grouped(scope.actions, "lead", "lead__name", "lead__job_title", on=on):
        lead_id = values["lead"]
        rows.append(
            BreakdownRow(
                label=(values["lead__name"] or values["lead__job_title"]) if lead_id else NO_LEAD,
                summary=summary,
                url=reverse("person_detail", args=[lead_id]) if lead_id else None,
                tracker_params=scope.tracker_params | {"lead_id": lead_id} if lead_id else None,
                is_unassigned=lead_id is None,
            )
        )
    return _in_order(rows)


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
    reporting_cycle_days: int = field(default_factory=rag.reporting_cycle_days)

    @property
    def scope_title(self) -> str:
        if self.scope.plan is not None:
            return self.scope.plan.title
        if self.scope.body is not None:
            return self.scope.body.name
        return "All plans"

    @property
    def overall_rows(self) -> list[BreakdownRow]:
        return [self.overall]

    @property
    def overdue_url(self) -> str:
        return tracker_url(self.scope.tracker_params | {"overdue": YES})

    @property
    def update_due_url(self) -> str:
        return tracker_url(self.scope.tracker_params | {"update_due": YES})

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
    by_plan = rows_by_plan(scope, on=on)
    overall = BreakdownRow(
        label="All actions",
        summary=added_up(row.summary for row in by_plan),
        tracker_params=scope.tracker_params,
    )
    return DashboardPage(
        scope=scope,
        on=on,
        overall=overall,
        by_plan=by_plan,
        by_source=rows_by_source(scope, on=on),
        by_organisation=rows_by_organisation(scope, on=on),
        by_lead=rows_by_lead(scope, on=on),
        overdue=overdue_actions(scope, on=on, limit=LIST_LIMIT),
        update_due=update_due_actions(scope, on=on, limit=LIST_LIMIT),
        history=rag_history(plans=scope.plans, on=on, current=overall.summary),
        late_responses=late_responses(scope, on=on),
        list_limit=LIST_LIMIT,
    )
