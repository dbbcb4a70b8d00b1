"""Jobs that run by the clock: each worker calls `enqueue_due()` as it waits for work, and a job
is queued once for each slot (a day) whichever worker comes first, through the unique
`Job.schedule_slot`. Layers register their scheduled kinds with `daily()`."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError
from django.utils.dateformat import format as date_format

from actionplans.kernel import clock
from actionplans.kernel.jobs.models import Job
from actionplans.kernel.jobs.services import job_enqueue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Daily:
    kind: str
    title: str
    at: Callable[[], datetime.time]  # read when due, so a changed setting counts at once

    def slot(self, day: datetime.date) -> str:
        return f"{self.kind}:{day.isoformat()}"


_DAILY: dict[str, Daily] = {}


def daily(kind: str, *, title: str, at: Callable[[], datetime.time]) -> None:
    """Queue a job of `kind` once a day, at or after the time `at()` gives, with the day
    ({"date": "YYYY-MM-DD"}) as its parameters and no user."""
    _DAILY[kind] = Daily(kind=kind, title=title, at=at)


def current_slots() -> list[str]:
    """The slots of today's scheduled jobs, "today" as enqueue_due reads it. Pruning keeps their
    jobs whatever their age (with TRACKER_AS_AT set, "today" stands still), so no day's job is
    queued twice because its row was removed."""
    day = clock.now().date()
    return [entry.slot(day) for entry in _DAILY.values()]


def enqueue_due(*, now: datetime.datetime | None = None) -> list[Job]:
    """Queue each scheduled job whose time has come today and that no worker has queued yet.
    "Today" is the tracker's clock (TRACKER_AS_AT where set). Returns the jobs queued now."""
    now = now or clock.now()
    day = now.date()
    queued = []
    for entry in _DAILY.values():
        if now.time() < entry.at():
            continue
        slot = entry.slot(day)
        if Job.objects.filter(schedule_slot=slot).exists():
            continue
        try:
            job = job_enqueue(
                kind=entry.kind,
                title=f"{entry.title}, {date_format(day, 'j F Y')}",
                user=None,
                parameters={"date": day.isoformat()},
                key=slot,
                schedule_slot=slot,
            )
        except IntegrityError:
            logger.info("Another worker queued %s first", slot)
            continue
        queued.append(job)
    return queued
