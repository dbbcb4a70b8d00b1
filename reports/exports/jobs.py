"""Large tracker downloads are written by a background job: a sheet of more than
TRACKER_EXPORT_JOB_ROWS rows (settings) would keep a request busy for a minute or more.

The job is given what the download's address held (the format, the tracker page's GET
parameters, the plan's id) and the user who asked. It chooses the rows again as that user, with
the same row source and writers as the direct download (rows.tracker_sheet, xlsx.write_xlsx,
csv.write_csv), so the file is the one the request would have given, and no row that user may
no longer read can get in.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Iterator

from django.http import QueryDict
from django.urls import reverse

from actionplans.kernel.jobs.models import Job
from actionplans.kernel.jobs.registry import job
from actionplans.kernel.jobs.runner import JobFailed, JobOutcome, JobRun
from actionplans.kernel.jobs.services import job_enqueue
from actionplans.plans.access import get_plan_for_user
from actionplans.plans.models import Plan
from partners.access import viewer_for
from reports.exports import csv, xlsx
from reports.exports.rows import FiltersInvalid, tracker_sheet

EXPORT = "tracker_export"
# The writers of the direct downloads (reports.exports.views.FORMATS), by file format.
WRITERS = {
    "xlsx": (xlsx.write_xlsx, xlsx.CONTENT_TYPE),
    "csv": (csv.write_csv, csv.CONTENT_TYPE),
}
PROGRESS_EVERY = 500  # rows between two reports of progress
FILTERS_GONE = (
    "The filters of this download can no longer be applied (for example, a plan or a person in them has been "
    "deleted). Open the tracker again, check the filters, and download from there."
)


def export_enqueue(*, user, file_format: str, params: QueryDict, plan: Plan | None, rows: int) -> Job:
    """Queue the download of the tracker view `params` selects (of `plan`, if given), of about
    `rows` rows. The same download asked for again while it is being made gives the same job."""
    query = params.urlencode()
    fingerprint = hashlib.sha256("&".join(sorted(query.split("&"))).encode()).hexdigest()[:24]
    what = f"{plan.title}: actions" if plan else "Tracker"
    page = reverse("plan_tracker", args=[plan.pk]) if plan else reverse("tracker")
    return job_enqueue(
        kind=EXPORT,
        title=f"{what}, {rows:,} rows as a spreadsheet (.{file_format})",
        user=user,
        parameters={"format": file_format, "query": query, "plan": plan.pk if plan else None, "rows": rows},
        key=f"{EXPORT}:user={user.pk}:plan={plan.pk if plan else '-'}:{file_format}:{fingerprint}",
        back=(f"{page}?{query}" if query else page, "Back to the tracker"),
    )


def _counted(rows: Iterable[dict], run: JobRun, total: int) -> Iterator[dict]:
    """The rows, reporting every PROGRESS_EVERY of them as they are written."""
    done = 0
    run.progress(0, total, stage="Writing the rows", unit="rows")
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            run.progress(min(done, total), max(total, done), stage="Writing the rows", unit="rows")
    run.progress(done, done, stage="Saving the file", unit="rows")


@job(EXPORT)
def tracker_export(run: JobRun) -> JobOutcome:
    viewer = viewer_for(run.require_user())
    parameters = run.parameters
    plan = None
    if parameters["plan"] is not None:
        plan, _access = get_plan_for_user(viewer, Plan.objects.all(), parameters["plan"])
    params = QueryDict(parameters["query"])
    try:
        sheet = tracker_sheet(viewer, params, plan=plan)
    except FiltersInvalid:
        raise JobFailed(FILTERS_GONE) from None
    write, content_type = WRITERS[parameters["format"]]
    content = write(dataclasses.replace(sheet, rows=_counted(sheet.rows, run, parameters["rows"])))
    if not isinstance(content, bytes):  # a writer that yields the file in pieces
        content = b"".join(content)
    return JobOutcome(
        summary=sheet.title,
        content=content,
        filename=f"{sheet.filename}.{parameters['format']}",
        content_type=content_type,
    )
