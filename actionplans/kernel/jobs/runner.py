"""Running one job in a worker: claim it, run its kind's function, keep its outcome.

A job function is given a JobRun and returns a JobOutcome. It re-checks, with the helpers the
pages use, that the person who asked may still do what they asked; an Http404 or
PermissionDenied on the way (access gone, or the object deleted) fails the job with a reason
that says so. It raises JobFailed for any other reason the person should read. Anything else is
a fault: the job fails with a general reason, the error is logged, and it is raised again so the
task's own record (django-tasks) keeps the traceback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from actionplans.kernel.jobs.models import Job, JobStatus
from actionplans.kernel.jobs.registry import job_kind

logger = logging.getLogger(__name__)

ACCESS_GONE = (
    "This was stopped because the person who asked for it may no longer see or change what it works on, "
    "or it has been deleted. Nothing was changed."
)
ACCOUNT_GONE = "This was stopped because the account that asked for it is no longer active. Nothing was changed."
FAULT = (
    "Something went wrong on our side while doing this, and the error has been recorded. "
    "Try again; if it fails again, tell the tracker's administrators."
)


class JobFailed(Exception):
    """The job cannot be done; str() says why, for the person who asked."""


@dataclass(frozen=True)
class JobOutcome:
    """What a finished job leaves: a file to download, a page to go to, or both; and a summary."""

    summary: str = ""
    content: bytes | None = None
    filename: str = ""
    content_type: str = ""
    url: str = ""
    link_text: str = ""


class JobRun:
    """A job as its function sees it while it runs."""

    def __init__(self, job: Job):
        self.job = job

    @property
    def parameters(self) -> dict:
        return self.job.parameters

    @property
    def user(self):
        """The user who asked, or None for a scheduled job."""
        return self.job.requested_by

    def require_user(self):
        if self.job.requested_by is None:
            raise JobFailed(ACCOUNT_GONE)
        return self.job.requested_by

    def progress(self, done: int = 0, total: int | None = None, *, stage: str | None = None, unit: str | None = None):
        """Report how far the job has got (seen on its page at the next refresh). Call it outside
        any transaction of the job's own, or the page sees it only when that commits."""
        fields = {"progress_done": done, "progress_total": total, "heartbeat_at": timezone.now()}
        if stage is not None:
            fields["stage"] = stage[:200]
        if unit is not None:
            fields["progress_unit"] = unit[:30]
        Job.objects.filter(pk=self.job.pk).update(**fields)
        for name, value in fields.items():
            setattr(self.job, name, value)


def job_claim(job_id: int) -> Job | None:
    """Move the job from queued to running in one UPDATE. None if it was not queued: another
    worker has it, it ran already, or it is gone. So a task delivered twice runs once."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, stage="Starting"
    )
    if not claimed:
        return None
    return Job.objects.select_related("requested_by").get(pk=job_id)


def job_run(job_id: int) -> str:
    """Run the queued job `job_id`; returns its status ("skipped" if it was not queued)."""
    job = job_claim(job_id)
    if job is None:
        logger.info("Job %s was not queued (already claimed, finished or deleted): nothing to do", job_id)
        return "skipped"
    try:
        if job.requested_by is not None and not job.requested_by.is_active:
            raise JobFailed(ACCOUNT_GONE)
        outcome = job_kind(job.kind).run(JobRun(job))
    except JobFailed as error:
        return _finish_failed(job, str(error))
    except (Http404, PermissionDenied):
        return _finish_failed(job, ACCESS_GONE)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish_failed(job, FAULT)
        raise
    return _finish_succeeded(job, outcome)


def _finish_failed(job: Job, reason: str) -> str:
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, failure_reason=reason or FAULT, finished_at=timezone.now(), stage=""
    )
    return JobStatus.FAILED


def _finish_succeeded(job: Job, outcome: JobOutcome) -> str:
    content = outcome.content
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        stage="",
        progress_done=Coalesce(F("progress_total"), F("progress_done")),
        summary=outcome.summary,
        result=content,
        result_size=len(content) if content is not None else None,
        result_filename=outcome.filename[:200] if content is not None else "",
        result_content_type=outcome.content_type if content is not None else "",
        result_url=outcome.url,
        result_link_text=outcome.link_text,
    )
    return JobStatus.SUCCEEDED
