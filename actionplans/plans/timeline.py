"""An action's past: the RAG the rules give it and the target date in force on any day,
from its dated progress updates and target date revisions.

The dashboard's RAG over time and a meeting's "since the last meeting" both read it, so
they can never disagree about what an action showed on a day.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from actionplans.plans import rag
from actionplans.plans.models import ProgressUpdate, TargetDateRevision
from actionplans.plans.rag import Assessment


@dataclass
class ActionHistory:
    """What is known about one action: when it was created, its target date now, its
    updates and target date revisions in the order they were made."""

    created_on: datetime.date
    target_date: datetime.date | None
    update_days: list[datetime.date] = field(default_factory=list)
    updates: list[tuple[datetime.datetime, str, str]] = field(default_factory=list)  # reported_at, status, rag
    revision_days: list[datetime.date] = field(default_factory=list)
    revisions: list[tuple[datetime.date | None, datetime.date]] = field(default_factory=list)  # previous, new
    action_id: int | None = None

    def target_date_on(self, day: datetime.date) -> datetime.date | None:
        """The target date in force at the end of `day`."""
        if not self.revisions:
            return self.target_date
        made = bisect_right(self.revision_days, day)
        if made == 0:
            return self.revisions[0][0]
        return self.revisions[made - 1][1]

    def assessment_on(self, day: datetime.date, *, cycle_days: int | None = None) -> Assessment | None:
        """The RAG rules as at the end of `day`, from what had been reported by then; None if
        the action did not exist yet."""
        if self.created_on > day:
            return None
        reported = bisect_right(self.update_days, day)
        reported_at, status, reported_rag = self.updates[reported - 1] if reported else (None, None, None)
        return rag.assess(
            status=status,
            reported_rag=reported_rag,
            target_date=self.target_date_on(day),
            last_update_at=reported_at,
            on=day,
            cycle_days=cycle_days,
        )


def load_histories(actions: QuerySet) -> list[ActionHistory]:
    """The history of every action in the queryset. Queries: 1 actions, 1 updates, 1 revisions."""
    histories: dict[int, ActionHistory] = {
        pk: ActionHistory(created_on=timezone.localdate(created_at), target_date=target_date, action_id=pk)
        for pk, created_at, target_date in actions.order_by().values_list("pk", "created_at", "target_date")
    }
    in_scope = actions.order_by().values("pk")
    updates = (
        ProgressUpdate.objects.filter(action__in=in_scope)
        .order_by("action_id", "reported_at", "pk")
        .values_list("action_id", "reported_at", "status", "rag")
    )
    for action_id, reported_at, status, reported_rag in updates:
        history = histories.get(action_id)
        if history is not None:
            history.update_days.append(timezone.localdate(reported_at))
            history.updates.append((reported_at, status, reported_rag))
    revisions = (
        TargetDateRevision.objects.filter(action__in=in_scope)
        .order_by("action_id", "revised_at", "pk")
        .values_list("action_id", "revised_at", "previous_date", "new_date")
    )
    for action_id, revised_at, previous_date, new_date in revisions:
        history = histories.get(action_id)
        if history is not None:
            history.revision_days.append(timezone.localdate(revised_at))
            history.revisions.append((previous_date, new_date))
    return list(histories.values())
