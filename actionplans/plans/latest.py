"""Each action keeps its newest progress update's status, RAG and time on its own row
(Action.latest_status, latest_rag, last_update_at), because the RAG rules read them on every
page. Every write of updates refreshes them in its own transaction (see
actionplans.plans.models.refresh_latest_updates); this module proves they agree with the updates
and repairs any that do not, e.g. after rows were changed by hand in SQL or loaded with loaddata.
`manage.py check_latest_updates` runs it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from actionplans.plans.models import LATEST_FIELDS, Action, refresh_latest_updates

NewestUpdate = tuple[str | None, str | None, datetime.datetime | None]  # status, RAG, reported at


@dataclass(frozen=True)
class Disagreement:
    action_id: int
    kept: NewestUpdate  # what the action holds
    fresh: NewestUpdate  # what its updates say


def latest_disagreements(actions: QuerySet | None = None) -> list[Disagreement]:
    """Every action (of `actions`, default all) whose kept newest update differs from its
    updates, in id order. One query."""
    actions = Action.objects.all() if actions is None else actions
    rows = (
        actions.latest_disagreements()
        .order_by("pk")
        .values_list("pk", *LATEST_FIELDS, "fresh_status", "fresh_rag", "fresh_update_at")
    )
    return [Disagreement(action_id=row[0], kept=tuple(row[1:4]), fresh=tuple(row[4:7])) for row in rows]


def repair_latest(disagreements: list[Disagreement]) -> list[Disagreement]:
    """Recompute the actions found disagreeing, in one transaction; returns any still wrong."""
    ids = [disagreement.action_id for disagreement in disagreements]
    with transaction.atomic():
        refresh_latest_updates(ids)
        return latest_disagreements(Action.objects.filter(pk__in=ids)) if ids else []
