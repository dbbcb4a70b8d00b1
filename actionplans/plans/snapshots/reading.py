"""Reading RAG snapshots: counts by RAG at each period end, and the check that every stored row
is what a computation from scratch gives."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from actionplans.plans.models import Action
from actionplans.plans.rag import Rag
from actionplans.plans.snapshots.models import RagSnapshot, RagSnapshotCount, RagSnapshotPeriod
from actionplans.plans.snapshots.writer import COUNT_COLUMNS, is_current
from actionplans.plans.timeline import load_histories

# What each count counts, keyed as ActionQuerySet.rag_counts_by keys its counts (and
# RagSummary.from_counts reads them): a RAG ("" for not yet reported), overdue, update due.
_CONDITIONS = {rag.value: Q(rag=rag.value) for rag in Rag} | {
    "": Q(rag=""),
    "overdue": Q(is_overdue=True),
    "update_due": Q(is_update_due=True),
}


def plan_rag_counts_by_period(
    plans: QuerySet | Iterable[int], period_ends: Iterable[datetime.date], *fields: str
) -> list[tuple[datetime.date, dict, dict[str, int]]]:
    """How many actions of the plans (a queryset, or their ids) showed each RAG, were overdue
    and had an update due at each recorded period end, grouped by the plans' `fields` (none,
    "pk", "owning_body"): one query, adding up a row per plan and period (RagSnapshotCount).
    Each row: the period end, the group's values of `fields`, its counts. A period end or
    group with no actions has no row; a period not recorded (periods_record) has none either."""
    plan_ids = plans.order_by().values("pk") if isinstance(plans, QuerySet) else list(plans)
    lookups = {f"plan__{name}": name for name in fields}
    rows = (
        RagSnapshotCount.objects.filter(period_id__in=list(period_ends), plan__in=plan_ids)
        .order_by()
        .values("period", *lookups)
        .annotate(**{f"sum_{column}": Sum(column) for column in COUNT_COLUMNS.values()})
    )
    return [
        (
            row["period"],
            {name: row[lookup] for lookup, name in lookups.items()},
            {key: row[f"sum_{column}"] for key, column in COUNT_COLUMNS.items()},
        )
        for row in rows
    ]


def action_rag_counts_by_period(
    actions: QuerySet, period_ends: Iterable[datetime.date], *fields: str
) -> list[tuple[datetime.date, dict, dict[str, int]]]:
    """As plan_rag_counts_by_period, for the actions in the queryset grouped by the actions'
    `fields` (e.g. "recommendation__source", "lead__organisation", "lead"): one query,
    counting a row per action and period, so slower over many actions. Actions are grouped as
    they are now (their lead today, and so on)."""
    aliases = {f"count_{key or 'none'}": key for key in _CONDITIONS}
    lookups = {f"action__{name}": name for name in fields}
    rows = (
        RagSnapshot.objects.filter(period_id__in=list(period_ends), action__in=actions.order_by().values("pk"))
        .order_by()
        .values("period", *lookups)
        .annotate(**{alias: Count("pk", filter=_CONDITIONS[key]) for alias, key in aliases.items()})
    )
    return [
        (
            row["period"],
            {name: row[lookup] for lookup, name in lookups.items()},
            {key: row[alias] for alias, key in aliases.items()},
        )
        for row in rows
    ]


# --- The check ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Discrepancy:
    """Something stored that is not what a computation from scratch gives."""

    period_end: datetime.date
    what: str  # "period", "action 12", "plan 3"
    stored: object = None
    expected: object = None

    def __str__(self):
        if self.what == "period":
            return f"{self.period_end}: recorded under another time zone or reporting cycle"
        return f"{self.period_end}, {self.what}: stored {self.stored}, expected {self.expected}"


def _expected_rows(histories, period: RagSnapshotPeriod) -> dict[int, tuple]:
    """Each action's (rag, is_overdue, is_update_due) at the period end, from its history."""
    expected = {}
    for history in histories:
        assessment = history.assessment_on(period.period_end, cycle_days=period.cycle_days)
        if assessment is not None:
            expected[history.action_id] = (
                assessment.rag.value if assessment.rag else "",
                assessment.is_overdue,
                assessment.is_update_due,
            )
    return expected


def snapshots_check() -> list[Discrepancy]:
    """Compare everything stored, for every recorded period, with a computation from scratch:
    each action's row with what actionplans.plans.timeline (in Python, over its whole history)
    gives as at the period end, and each plan's counts with those rows counted in Python.
    Returns what differs: empty when all is well. For a command, not a request: it reads
    every action, update and revision."""
    histories = load_histories(Action.objects.all())
    plan_of = dict(Action.objects.values_list("pk", "plan_id"))
    discrepancies = []
    for period in RagSnapshotPeriod.objects.order_by("period_end"):
        if not is_current(period):
            discrepancies.append(Discrepancy(period.period_end, "period"))
        expected = _expected_rows(histories, period)
        stored = {
            action_id: (plan_id, (rag_value, is_overdue, is_update_due))
            for action_id, plan_id, rag_value, is_overdue, is_update_due in RagSnapshot.objects.filter(
                period=period
            ).values_list("action_id", "plan_id", "rag", "is_overdue", "is_update_due")
        }
        for action_id in sorted(expected.keys() | stored.keys()):
            row = stored.get(action_id)
            expected_row = (plan_of[action_id], expected[action_id]) if action_id in expected else None
            if row != expected_row:
                discrepancies.append(Discrepancy(period.period_end, f"action {action_id}", row, expected_row))
        expected_counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_COLUMNS.values(), 0))
        for action_id, (rag_value, is_overdue, is_update_due) in expected.items():
            counts = expected_counts[plan_of[action_id]]
            counts[COUNT_COLUMNS[rag_value]] += 1
            counts["overdue"] += is_overdue
            counts["update_due"] += is_update_due
        stored_counts = {
            row.pop("plan_id"): row
            for row in RagSnapshotCount.objects.filter(period=period).values("plan_id", *COUNT_COLUMNS.values())
        }
        for plan_id in sorted(expected_counts.keys() | stored_counts.keys()):
            if stored_counts.get(plan_id) != expected_counts.get(plan_id):
                discrepancies.append(
                    Discrepancy(
                        period.period_end, f"plan {plan_id}", stored_counts.get(plan_id), expected_counts.get(plan_id)
                    )
                )
    return discrepancies
