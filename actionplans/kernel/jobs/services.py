"""Asking for a job, trying a failed one again, and giving up on jobs whose worker stopped."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from actionplans.kernel.jobs.models import Job, JobStatus
from actionplans.kernel.jobs.registry import job_kind
from actionplans.kernel.jobs.tasks import run_job

STALLED = "The worker running this stopped before it finished (for example, its machine was restarted). Try again."


def job_enqueue(
    *,
    kind: str,
    title: str,
    user,
    parameters: dict,
    key: str,
    back: tuple[str, str] = ("", ""),
    schedule_slot: str | None = None,
    retry_of: Job | None = None,
) -> Job:
    """Queue a job of `kind` (a registered kind) for `user` (None for a scheduled job), or, if a
    job with the same `key` is already queued or running, return that one instead. `back` is the
    page it was asked for from and the words of the link to it, e.g. ("/plans/1/", "Back to the plan").

    The Job and its task are written in one transaction, so a job is never queued without its
    task (nor a task without its job). Raises IntegrityError if `schedule_slot` was taken."""
    job_kind(kind)  # a kind nobody registered would only fail in the worker: refuse it here
    if (existing := Job.objects.active().filter(key=key).first()) is not None:
        return existing
    job = Job(
        kind=kind,
        title=title[:300],
        requested_by=user,
        parameters=parameters,
        key=key,
        back_url=back[0],
        back_text=back[1],
        schedule_slot=schedule_slot,
        attempt=retry_of.attempt + 1 if retry_of else 1,
        retry_of=retry_of,
    )
    try:
        with transaction.atomic():
            job.save()
            result = run_job.enqueue(job.pk)
            Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    except IntegrityError:
        if schedule_slot is not None:
            raise
        # Somebody asked a moment before: that job (it may even have finished by now).
        return Job.objects.filter(key=key).order_by("-created_at", "-pk").first()
    job.refresh_from_db()
    return job


def job_retry(*, job: Job, user) -> Job:
    """A new attempt at a failed job, with the same parameters, asked for by `user`. The worker
    checks `user`'s access again when it runs it."""
    if job.status != JobStatus.FAILED:
        raise ValueError("Only a failed job can be tried again")
    return job_enqueue(
        kind=job.kind,
        title=job.title,
        user=user,
        parameters=job.parameters,
        key=job.key,
        back=(job.back_url, job.back_text),
        retry_of=job,
    )


def jobs_mark_stalled(*, now: datetime.datetime | None = None) -> int:
    """Fail the running jobs that have reported nothing for TRACKER_JOB_STALE_MINUTES: their
    worker has gone. Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.TRACKER_JOB_STALE_MINUTES)
    return Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).update(
        status=JobStatus.FAILED, failure_reason=STALLED, finished_at=now, stage=""
    )
