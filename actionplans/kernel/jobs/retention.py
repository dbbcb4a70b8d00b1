"""How long finished jobs are kept: TRACKER_JOB_KEEP_DAYS days after the day they finished.

A job's result (the file it made) is kept in its row, so removing the row removes the file.
Jobs still queued or running are never removed, however old, nor today's scheduled jobs (see
schedule.current_slots). `manage.py prune_jobs` removes the rest, and the workers do the same
once a day, as a scheduled job queued with the daily reminders.

Only the jobs people see are pruned here; the queue's own records of finished tasks
(django-tasks-db) are pruned by its `prune_db_task_results` command.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format

from actionplans.kernel.jobs import schedule
from actionplans.kernel.jobs.models import Job, JobStatus
from actionplans.kernel.jobs.registry import job
from actionplans.kernel.jobs.runner import JobOutcome, JobRun

PRUNE_JOBS = "prune_jobs"
DELETE_CHUNK = 500  # rows deleted per query, well inside every database's parameter limit


def keep_from(*, now: datetime.datetime | None = None) -> datetime.date:
    """The first day whose finished jobs are kept: TRACKER_JOB_KEEP_DAYS before today. A job that
    finished on that day is kept; one that finished the day before is removed."""
    today = timezone.localdate(now or timezone.now())
    return today - datetime.timedelta(days=settings.TRACKER_JOB_KEEP_DAYS)


def jobs_past_keeping(*, now: datetime.datetime | None = None):
    """The finished jobs that finished before keep_from() (a finished job with no finish time,
    written by hand, counts from when it was asked for), less the scheduled jobs of the
    schedule's today (the tracker's clock, whatever `now` says)."""
    start = datetime.datetime.combine(keep_from(now=now), datetime.time.min)
    cutoff = timezone.make_aware(start)
    return (
        Job.objects.exclude(status__in=JobStatus.active())
        .annotate(ended=Coalesce("finished_at", "created_at"))
        .filter(ended__lt=cutoff)
        .exclude(schedule_slot__in=schedule.current_slots())
    )


@dataclass(frozen=True)
class PrunedJob:
    pk: int
    title: str
    status: str
    ended: datetime.datetime
    result_size: int

    def __str__(self) -> str:
        label = JobStatus(self.status).label.lower()
        size = f", {filesizeformat(self.result_size)} result" if self.result_size else ""
        finished = date_format(timezone.localtime(self.ended), "j F Y")
        return f"Job {self.pk}: {self.title} ({label}, finished {finished}{size})"


@dataclass(frozen=True)
class Pruned:
    keep_from: datetime.date
    jobs: list[PrunedJob]

    @property
    def result_bytes(self) -> int:
        return sum(job.result_size for job in self.jobs)

    def summary(self, *, dry_run: bool = False) -> str:
        days = settings.TRACKER_JOB_KEEP_DAYS
        kept = (
            f"Finished jobs are kept {days} day{'' if days == 1 else 's'} (TRACKER_JOB_KEEP_DAYS), "
            f"so from {date_format(self.keep_from, 'j F Y')}"
        )
        if not self.jobs:
            return f"{kept}: no job finished before then, so none {'would be' if dry_run else 'was'} removed."
        count = f"{len(self.jobs)} job{'' if len(self.jobs) == 1 else 's'}"
        files = f", with {filesizeformat(self.result_bytes)} of results" if self.result_bytes else ""
        return f"{kept}: {'would remove' if dry_run else 'removed'} {count} that finished before then{files}."


def jobs_prune(*, now: datetime.datetime | None = None, dry_run: bool = False) -> Pruned:
    """Remove the jobs past keeping, with their results (or, with dry_run, only list them).
    Queries: 1 to list them (not their results), then for each 500 of them a few to delete them
    and unlink the attempts that retried them."""
    rows = (
        jobs_past_keeping(now=now).order_by("ended", "pk").values_list("pk", "title", "status", "ended", "result_size")
    )
    pruned = Pruned(keep_from=keep_from(now=now), jobs=[PrunedJob(*row[:4], row[4] or 0) for row in rows])
    if dry_run:
        return pruned
    pks = [job.pk for job in pruned.jobs]
    for start in range(0, len(pks), DELETE_CHUNK):
        # only("pk"): delete() loads the rows it deletes (to unlink the attempts that retried
        # them), and must not load their results to do it.
        Job.objects.filter(pk__in=pks[start : start + DELETE_CHUNK]).only("pk").delete()
    return pruned


@job(PRUNE_JOBS)
def prune_jobs(run: JobRun) -> JobOutcome:
    """The daily prune. Only managers see a scheduled job (requested by nobody), so only they can
    try one again; removing what is past keeping needs nobody's access checked."""
    run.progress(stage="Removing finished jobs past keeping")
    return JobOutcome(summary=jobs_prune().summary())


schedule.daily(PRUNE_JOBS, title="Remove finished jobs past keeping", at=lambda: settings.TRACKER_REMINDERS_AT)
