"""Bulk update by spreadsheet: download an update sheet, upload it filled in (/bulk-update/),
check the preview (/bulk-update/preview/), confirm (/bulk-update/confirm/).

The preview lives in the session, under a random token that the confirm form sends back; what
is posted is the session's copy, so nothing re-posted by the browser is trusted. A confirm is
refused, and nothing posted, if its token is not the newest preview's, if the preview is older
than PREVIEW_MAX_AGE, or if any of its actions changed after the upload."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actionplans.plans.access import get_plan_for_user
from actionplans.plans.models import Plan
from partners.access import viewer_for
from reports.bulk_update import sheet
from reports.bulk_update.forms import UploadForm
from reports.bulk_update.services import PREVIEW_MAX_AGE, Preview, PreviewStale, bulk_update_apply, bulk_update_preview
from reports.exports.rows import FiltersInvalid
from reports.exports.views import back_to_tracker, sheet_response
from reports.uploads import PreviewConfirmForm, UploadRefused, preview_page_context, read_upload, stored_preview

SESSION_KEY = "bulk_update_preview"
MAX_AGE_MINUTES = int(PREVIEW_MAX_AGE.total_seconds() // 60)


# --- downloads ----------------------------------------------------------------------


@require_safe
def my_actions_update_sheet(request):
    person = viewer_for(request).person
    if person is None:  # as on My actions: no person, no actions of one's own
        raise Http404
    return sheet_response(sheet.my_actions_update_sheet(person), "xlsx")


@require_safe
def tracker_update_sheet(request):
    viewer = viewer_for(request)
    if not viewer.is_manager:
        raise PermissionDenied
    try:
        return sheet_response(sheet.tracker_update_sheet(viewer, request.GET), "xlsx")
    except FiltersInvalid:
        return back_to_tracker(request, "tracker")


@require_safe
def plan_tracker_update_sheet(request, pk: int):
    viewer = viewer_for(request)
    plan, _access = get_plan_for_user(viewer, Plan.objects.all(), pk)
    if not viewer.is_manager:
        raise PermissionDenied
    try:
        return sheet_response(sheet.tracker_update_sheet(viewer, request.GET, plan=plan), "xlsx")
    except FiltersInvalid:
        return back_to_tracker(request, "plan_tracker", plan.pk)


# --- upload, preview, confirm ---------------------------------------------------------


def _upload_page(request, form: UploadForm, *, status: int = 200, refusal: str = ""):
    viewer = viewer_for(request)
    context = {
        "form": form,
        "refusal": refusal,
        "has_person": viewer.person is not None,
        "is_manager": viewer.is_manager,
    }
    return render(request, "reports/bulk_update/upload.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def bulk_update(request):
    if request.method != "POST":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            table = read_upload(form.cleaned_data["spreadsheet"])
            sheet_rows = sheet.read_update_sheet(table.rows)
        except (UploadRefused, sheet.SheetNotRecognised) as refusal:
            form.add_error("spreadsheet", str(refusal))
        else:
            preview = bulk_update_preview(viewer=viewer_for(request), user_id=request.user.pk, sheet_rows=sheet_rows)
            request.session[SESSION_KEY] = preview.to_dict()
            return redirect("bulk_update_preview")
    return _upload_page(request, form, status=400)


def _stored_preview(request) -> Preview | None:
    return stored_preview(request, key=SESSION_KEY, preview_class=Preview)


@require_safe
def bulk_update_preview_page(request):
    preview = _stored_preview(request)
    context = preview_page_context(preview, max_age_minutes=MAX_AGE_MINUTES)
    return render(request, "reports/bulk_update/preview.html", context)


@require_POST
def bulk_update_confirm(request):
    viewer = viewer_for(request)
    form = PreviewConfirmForm(request.POST)
    preview = _stored_preview(request)
    if preview is None or not form.is_valid() or not secrets.compare_digest(form.cleaned_data["token"], preview.token):
        # An old tab, a second click, or no upload at all: a newer preview, if any, is kept.
        return _refused(
            request,
            "This preview is out of date: it was already posted, or a newer upload replaced it. Nothing was posted. "
            "Upload your update sheet again.",
        )
    del request.session[SESSION_KEY]  # used once, whatever happens next
    if preview.is_expired():
        return _refused(
            request,
            f"This preview is more than {MAX_AGE_MINUTES} minutes old, so nothing was posted. "
            "Upload your update sheet again to check it against the tracker as it is now.",
        )
    try:
        updates = bulk_update_apply(viewer=viewer, preview=preview)
    except PreviewStale as refusal:
        return _refused(request, str(refusal))
    count = len(updates)
    messages.success(request, f"{count} progress update{'s' if count != 1 else ''} posted from your update sheet.")
    return redirect("my_actions" if viewer.person else "tracker")


def _refused(request, message: str):
    return _upload_page(request, UploadForm(), status=409, refusal=message)
