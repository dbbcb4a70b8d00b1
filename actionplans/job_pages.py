"""The pages of background jobs (actionplans.kernel.jobs): a job's progress, its result and
"Try again", and the list of recent jobs.

They sit at the project level, above the layers, because who may see a job is decided from
the Viewer (partners.access): the person who asked for it, and managers (admin and democratic
support); to anyone else a job is "page not found". The worker checks access again for what the
job works on when it runs, so trying again never does what the person may no longer do.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from actionplans.kernel.access import get_or_404
from actionplans.kernel.jobs.models import Job, JobStatus
from actionplans.kernel.jobs.services import job_retry
from partners.access import viewer_for

REFRESH_SECONDS = 3
RECENT_JOBS = 50


def _visible_jobs(request):
    viewer = viewer_for(request)
    return Job.objects.for_user(request.user, is_manager=viewer.is_manager)


def _job_for_user(request, pk) -> Job:
    return get_or_404(_visible_jobs(request).defer("result").select_related("requested_by"), pk)


@require_safe
def job_list(request):
    jobs = list(_visible_jobs(request).listed().select_related("requested_by")[:RECENT_JOBS])
    context = {"jobs": jobs, "is_manager": viewer_for(request).is_manager, "keep_days": settings.TRACKER_JOB_KEEP_DAYS}
    return render(request, "jobs/job_list.html", context)


@require_safe
def job_detail(request, pk: int):
    job = _job_for_user(request, pk)
    context = {"job": job, "refresh_seconds": REFRESH_SECONDS if job.is_active else None}
    response = render(request, "jobs/job_detail.html", context)
    response["Cache-Control"] = "private, no-cache"  # progress changes by the second
    return response


@require_safe
def job_download(request, pk: int):
    """The job's file, as the worker stored it."""
    job = _job_for_user(request, pk)
    if not job.has_file:
        return redirect(job)
    content = bytes(Job.objects.values_list("result", flat=True).get(pk=job.pk))
    response = HttpResponse(content, content_type=job.result_content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, job.result_filename)
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"  # people's names and work: not for shared caches
    return response


@require_POST
def job_try_again(request, pk: int):
    """A new attempt at a failed job, with the same parameters, asked for by this person."""
    job = _job_for_user(request, pk)
    if job.status != JobStatus.FAILED:
        messages.info(request, "Only a job that failed can be tried again.")
        return redirect(job)
    again = job_retry(job=job, user=request.user)
    return redirect(again)


urlpatterns = [
    path("jobs/", job_list, name="job_list"),
    path("jobs/<int:pk>/", job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", job_download, name="job_download"),
    path("jobs/<int:pk>/try-again/", job_try_again, name="job_try_again"),
]
