"""A meeting's own page, and democratic support adding and editing meetings."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.kernel import clock
from actionplans.kernel.forms import save_or_add_errors
from actionplans.meetings import selectors
from actionplans.meetings.access import get_meeting_for_user
from partners import services as partner_services
from partners.access import directory_access, viewer_for
from partners.forms import MeetingForm
from partners.models import Body


def _form_page(request, form, **context):
    return render(request, "partners/form_page.html", {"form": form, **context}, status=400 if form.is_bound else 200)


@require_safe
def meeting_list(request):
    """Every meeting the viewer may read, upcoming first, then past; ?body= narrows to one body."""
    viewer = viewer_for(request)
    try:
        body_id = int(request.GET.get("body", ""))
    except ValueError:
        body_id = None
    page = selectors.meetings_page(viewer=viewer, today=clock.today(), body_id=body_id)
    return render(request, "actionplans/meeting_list.html", {"page": page})


@require_safe
def meeting_detail(request, pk: int):
    viewer = viewer_for(request)
    meeting, access = get_meeting_for_user(viewer, pk)
    page = selectors.meeting_page(meeting=meeting, viewer=viewer)
    return render(request, "partners/meeting_detail.html", {"page": page, "access": access})


@require_http_methods(["GET", "POST"])
def meeting_create(request, pk: int):
    directory_access(viewer_for(request)).require("edit")
    body = get_object_or_404(Body, pk=pk)
    form = MeetingForm(request.POST or None, body=body)
    if form.is_valid() and (
        meeting := save_or_add_errors(form, partner_services.meeting_create, body=body, **form.cleaned_data)
    ):
        messages.success(request, "The meeting has been added.")
        return redirect(meeting)
    return _form_page(
        request,
        form,
        title="Add a meeting",
        caption=body.name,
        submit="Add meeting",
        cancel_url=body.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting, access = get_meeting_for_user(viewer_for(request), pk)
    access.require("edit")
    form = MeetingForm(request.POST or None, instance=meeting, body=meeting.body)
    if form.is_valid() and save_or_add_errors(
        form, partner_services.meeting_update, meeting=meeting, **form.cleaned_data
    ):
        messages.success(request, "The meeting has been saved.")
        return redirect(meeting)
    return _form_page(
        request,
        form,
        title="Edit the meeting",
        caption=meeting.body.name,
        submit="Save",
        cancel_url=meeting.get_absolute_url(),
    )
