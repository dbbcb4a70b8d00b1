"""Committee papers (managers prepare and publish them; anyone signed in downloads what was
published) and plan progress reports (anyone who may read the plan).

No PDF is laid out in a request: previewing, publishing and plan reports are background jobs
(reports.papers.jobs), and the buttons lead to the job's page."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actionplans.kernel.forms import form_status, save_or_show_conflict
from actionplans.meetings.access import get_meeting_for_user
from actionplans.plans.access import get_plan_for_user
from actionplans.plans.selectors import plans_for_page
from partners.access import viewer_for
from partners.models import Meeting
from reports.models import CommitteePaper, PublishedPaper
from reports.papers.drafting import paper_draft
from reports.papers.forms import CommitteePaperForm
from reports.papers.jobs import paper_preview_enqueue, paper_publish_enqueue, plan_report_enqueue
from reports.papers.services import paper_save

PDF = "application/pdf"


def _meeting_and_paper(request, pk: int):
    """The meeting, and its saved paper or else a draft from the data; managers only."""
    viewer = viewer_for(request)
    meeting, access = get_meeting_for_user(viewer, pk, Meeting.objects.select_related("body__organisation"))
    access.require("edit")
    paper = CommitteePaper.objects.filter(meeting=meeting).first()
    if paper is None:
        paper = paper_draft(meeting, person=viewer.person)
    else:
        paper.meeting = meeting
    return viewer, meeting, paper


@require_http_methods(["GET", "POST"])
def committee_paper(request, pk: int):
    viewer, meeting, paper = _meeting_and_paper(request, pk)
    form = CommitteePaperForm(request.POST or None, instance=paper)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = save_or_show_conflict(
            form,
            paper_save,
            paper=form.instance,
            expected_version=form.cleaned_data["opened_version"],
            by=viewer.person,
        )
        if saved is not None:
            messages.success(request, "The paper has been saved. Check the preview, then publish it.")
            return redirect("committee_paper", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "paper": paper,
        "form": form,
        "conflict": conflict,
        "is_saved": paper.pk is not None,
    }
    return render(request, "reports/papers/paper_form.html", context, status=form_status(form, conflict))


@require_POST
def committee_paper_pdf_view(request, pk: int):
    """Publish the paper as last saved: a job makes the PDF and keeps it; its page shows progress."""
    _viewer, meeting, paper = _meeting_and_paper(request, pk)
    if paper.pk is None:
        messages.error(request, "Save the paper before you publish it.")
        return redirect("committee_paper", pk=meeting.pk)
    return redirect(paper_publish_enqueue(meeting=meeting, user=request.user))


@require_POST
def committee_paper_preview(request, pk: int):
    """A PDF of the paper as last saved (or as drafted from the data), marked as a draft, made by a job."""
    _viewer, meeting, _paper = _meeting_and_paper(request, pk)
    return redirect(paper_preview_enqueue(meeting=meeting, user=request.user))


@require_safe
def published_paper_download(request, pk: int):
    """The published PDF, byte for byte as it was published. Papers are public documents:
    anyone signed in may download them."""
    published = get_object_or_404(PublishedPaper.objects.select_related("meeting__body", "paper"), pk=pk)
    etag = f'"{published.sha256}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    content = bytes(published.content)
    response = _pdf_response(content, published.filename, attachment=True)
    response["ETag"] = etag
    digest = base64.b64encode(bytes.fromhex(published.sha256)).decode()
    response["Digest"] = f"sha-256={digest}"  # RFC 3230
    response["Repr-Digest"] = f"sha-256=:{digest}:"  # RFC 9530
    return response


@require_POST
def plan_report_pdf_view(request, pk: int):
    """The plan's progress report: a job makes the PDF; its page shows progress, then the download."""
    plan, _access = get_plan_for_user(viewer_for(request), plans_for_page(), pk)
    return redirect(plan_report_enqueue(plan=plan, user=request.user))


def _pdf_response(content: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-cache"
    return response
