"""Downloads of the tracker table: /tracker/export.xlsx, /tracker/export.csv and the same under
/plans/<pk>/tracker/, taking the tracker page's GET parameters (filters and sort)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from actionplans.plans.access import get_plan_for_user
from actionplans.plans.models import Plan
from partners.access import viewer_for
from reports.exports import csv, xlsx
from reports.exports.jobs import export_enqueue
from reports.exports.rows import FiltersInvalid, Sheet, tracker_selection, tracker_sheet

# Each format's writer gives the whole file (XLSX: a zip, written out at the end) or yields it
# in pieces as the rows are read (CSV), which the download then streams.
FORMATS = {
    "xlsx": (xlsx.write_xlsx, xlsx.CONTENT_TYPE),
    "csv": (csv.csv_chunks, csv.CONTENT_TYPE),
}


def sheet_response(sheet: Sheet, file_format: str) -> HttpResponse | StreamingHttpResponse:
    """The sheet as a download named like "tracker-2021-11-04.xlsx". A CSV streams: its rows are
    read and sent a piece at a time, after this returns (so the sheet's rows must still be there
    to read, as a queryset's are)."""
    write, content_type = FORMATS[file_format]
    content = write(sheet)
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{sheet.filename}.{file_format}")
    response["Cache-Control"] = "private, no-store"  # people's names and work: not for shared caches
    return response


@require_safe
def tracker_export(request, file_format: str):
    try:
        return _download(request, file_format, plan=None)
    except FiltersInvalid:
        return back_to_tracker(request, "tracker")


@require_safe
def plan_tracker_export(request, pk: int, file_format: str):
    plan, _access = get_plan_for_user(viewer_for(request), Plan.objects.all(), pk)
    try:
        return _download(request, file_format, plan=plan)
    except FiltersInvalid:
        return back_to_tracker(request, "plan_tracker", plan.pk)


def _download(request, file_format: str, *, plan: Plan | None) -> HttpResponse | StreamingHttpResponse:
    """The file at once, or, for more than TRACKER_EXPORT_JOB_ROWS rows, the page of a job that
    writes it (reports.exports.jobs). Raises FiltersInvalid. Queries: those of the filters, 1 to
    count the rows, then those of the sheet."""
    viewer = viewer_for(request)
    rows = tracker_selection(viewer, request.GET, plan=plan).actions.count()
    if rows > settings.TRACKER_EXPORT_JOB_ROWS:
        job = export_enqueue(user=request.user, file_format=file_format, params=request.GET, plan=plan, rows=rows)
        return redirect(job)
    return sheet_response(tracker_sheet(viewer, request.GET, plan=plan), file_format)


def back_to_tracker(request, url_name: str, *args):
    """Filters that cannot be applied: the tracker page, with the same address, says why."""
    response = redirect(url_name, *args)
    if query := request.GET.urlencode():
        response["Location"] += f"?{query}"
    return response
