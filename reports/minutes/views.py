"""The minutes extract of a meeting: a page to copy it from, and a Word download. Anyone who
may read the meeting may read them (actionplans.meetings.access: everyone signed in)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from actionplans.meetings.access import get_meeting_for_user
from partners.access import viewer_for
from partners.models import Meeting
from reports.minutes.jobs import minutes_pdf_enqueue
from reports.minutes.record import minutes_record
from reports.minutes.resolutions import resolutions
from reports.minutes.word import CONTENT_TYPE, minutes_document, minutes_record_document


def _meeting_for(request, pk: int) -> Meeting:
    meeting, _access = get_meeting_for_user(viewer_for(request), pk)
    return meeting


@require_safe
def meeting_minutes_extract(request, pk: int):
    """Queries: the viewer's (session, user, group), the meeting with its body, and those of
    resolutions(); none grows with the number of items."""
    meeting = _meeting_for(request, pk)
    return render(request, "reports/minutes/extract.html", {"meeting": meeting, "extract": resolutions(meeting)})


@require_safe
def meeting_minutes_docx(request, pk: int):
    meeting = _meeting_for(request, pk)
    filename = f"minutes-extract-{slugify(meeting.body.name)}-{meeting.date:%Y-%m-%d}.docx"
    return HttpResponse(
        minutes_document(resolutions(meeting)),
        content_type=CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def _filename(meeting: Meeting, extension: str) -> str:
    return f"minutes-{slugify(meeting.body.name)}-{meeting.date:%Y-%m-%d}.{extension}"


@require_safe
def meeting_minutes(request, pk: int):
    """The minutes as seed 001 prints them, to copy. Queries: the viewer's (session, user,
    groups), the meeting with its body, and those of minutes_record (4); none grows with items."""
    meeting = _meeting_for(request, pk)
    return render(request, "reports/minutes/record.html", {"meeting": meeting, "record": minutes_record(meeting)})


@require_safe
def meeting_minutes_record_docx(request, pk: int):
    meeting = _meeting_for(request, pk)
    return _download(minutes_record_document(minutes_record(meeting)), CONTENT_TYPE, _filename(meeting, "docx"))


@require_POST
def meeting_minutes_pdf(request, pk: int):
    """The minutes as a tagged PDF: a job lays it out; its page shows progress, then the download."""
    meeting = _meeting_for(request, pk)
    return redirect(minutes_pdf_enqueue(meeting=meeting, user=request.user))
