"""Measures' values by spreadsheet: download the template (/measures/values/template.xlsx or
.csv), upload it filled in (/measures/values/upload/), check the preview, confirm.

Open to anyone signed in: the template holds the measures they enter values for (none for
someone who enters none), and the preview refuses a row for a measure they may not enter. The
preview lives in the session under a random token the confirm form sends back; what is saved is
the session's copy. A confirm is refused, and nothing saved, if its token is not the newest
preview's, if the preview is older than PREVIEW_MAX_AGE, or if anything changed since it."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partners.access import viewer_for
from reports.exports.views import sheet_response
from reports.measure_values import sheet
from reports.measure_values.forms import UploadForm
from reports.measure_values.services import (
    PREVIEW_MAX_AGE,
    Preview,
    PreviewStale,
    enterable_measures,
    measure_values_apply,
    measure_values_preview,
)
from reports.uploads import PreviewConfirmForm, UploadRefused, preview_page_context, read_upload, stored_preview

SESSION_KEY = "measure_values_preview"
MAX_AGE_MINUTES = int(PREVIEW_MAX_AGE.total_seconds() // 60)
FORMATS = ("xlsx", "csv")


@require_safe
def values_template_download(request, file_format: str):
    if file_format not in FORMATS:
        raise Http404
    viewer = viewer_for(request)
    person = viewer.person
    for_whom = "every plan" if viewer.is_manager else (person.display_name if person else "nobody")
    return sheet_response(sheet.values_template(enterable_measures(viewer), for_whom=for_whom), file_format)


def _upload_page(request, form: UploadForm, *, status: int = 200, refusal: str = ""):
    context = {
        "form": form,
        "refusal": refusal,
        "measure_count": enterable_measures(viewer_for(request)).count(),
        "columns": sheet.VALUE_COLUMNS,
    }
    return render(request, "reports/measure_values/upload.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def values_upload(request):
    if request.method != "POST":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            table = read_upload(form.cleaned_data["spreadsheet"])
            rows, skipped = sheet.read_values_sheet(table.rows)
        except (UploadRefused, sheet.SheetNotRecognised) as refusal:
            form.add_error("spreadsheet", str(refusal))
        else:
            preview = measure_values_preview(
                viewer=viewer_for(request), user_id=request.user.pk, sheet_rows=rows, skipped=skipped
            )
            request.session[SESSION_KEY] = preview.to_dict()
            return redirect("measure_values_upload_preview")
    return _upload_page(request, form, status=400)


def _stored_preview(request) -> Preview | None:
    return stored_preview(request, key=SESSION_KEY, preview_class=Preview)


@require_safe
def values_upload_preview(request):
    preview = _stored_preview(request)
    context = preview_page_context(preview, max_age_minutes=MAX_AGE_MINUTES)
    return render(request, "reports/measure_values/preview.html", context)


@require_POST
def values_upload_confirm(request):
    form = PreviewConfirmForm(request.POST)
    preview = _stored_preview(request)
    if preview is None or not form.is_valid() or not secrets.compare_digest(form.cleaned_data["token"], preview.token):
        # An old tab, a second click, or no upload at all: a newer preview, if any, is kept.
        return _refused(
            request,
            "This preview is out of date: it was already saved, or a newer upload replaced it. Nothing was saved. "
            "Upload your values sheet again.",
        )
    del request.session[SESSION_KEY]  # used once, whatever happens next
    if preview.is_expired():
        return _refused(
            request,
            f"This preview is more than {MAX_AGE_MINUTES} minutes old, so nothing was saved. "
            "Upload your values sheet again to check it against the tracker as it is now.",
        )
    try:
        saved = measure_values_apply(viewer=viewer_for(request), preview=preview)
    except PreviewStale as refusal:
        return _refused(request, str(refusal))
    parts = []
    if saved.added:
        parts.append(f"{saved.added} value{'s' if saved.added != 1 else ''} added")
    if saved.corrected:
        parts.append(f"{saved.corrected} corrected")
    messages.success(request, f"{' and '.join(parts).capitalize()} from your values sheet.")
    return redirect("measure_list")


def _refused(request, message: str):
    return _upload_page(request, UploadForm(), status=409, refusal=message)
