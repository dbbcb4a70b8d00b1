"""A meeting's agenda and minutes: the page everyone who may read the meeting reads, and the
forms democratic support minute it with."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.kernel.forms import form_status, save_or_add_errors, save_or_show_conflict
from actionplans.meetings import agenda, selectors
from actionplans.meetings.access import get_meeting_for_user
from actionplans.meetings.forms import AgendaItemForm, AgreedActionForm
from actionplans.meetings.models import AgendaItem
from partners.access import viewer_for


def _item_for(request, pk: int, *, action: str) -> AgendaItem:
    """The agenda item, through its meeting's access: 404 for who may not read the meeting,
    403 for who may not `action` it."""
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__body"), pk=pk)
    _meeting, access = get_meeting_for_user(viewer_for(request), item.meeting_id)
    access.require(action)
    return item


@require_safe
def meeting_agenda(request, pk: int):
    """Queries: the viewer's (session, user, groups), the meeting with its body, and those of
    selectors.agenda_page (4); none grows with the number of items."""
    meeting, access = get_meeting_for_user(viewer_for(request), pk)
    page = selectors.agenda_page(meeting=meeting)
    return render(request, "actionplans/agenda.html", {"page": page, "access": access})


@require_http_methods(["GET", "POST"])
def agenda_item_create(request, pk: int):
    meeting, access = get_meeting_for_user(viewer_for(request), pk)
    access.require("edit")
    last = meeting.agenda_items.order_by("-number").values_list("number", flat=True).first()
    form = AgendaItemForm(request.POST or None, initial={"number": (last or 0) + 1, "numbering": "roman"})
    if form.is_valid() and (
        item := save_or_add_errors(form, agenda.agenda_item_create, meeting=meeting, **form.cleaned_data)
    ):
        messages.success(request, f"Item {item.number} has been added to the agenda.")
        return redirect(item)
    return render(
        request,
        "actionplans/editing/agenda_item_form.html",
        {"form": form, "meeting": meeting, "item": None, "conflict": None},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, pk: int):
    item = _item_for(request, pk, action="edit")
    form = AgendaItemForm(request.POST or None, item=item)
    conflict = None
    if form.is_valid():
        values = dict(form.cleaned_data)
        expected = values.pop("opened_version")
        saved, conflict = save_or_show_conflict(
            form, agenda.agenda_item_update, item=item, expected_version=expected, **values
        )
        if saved:
            messages.success(request, f"Item {saved.number} has been saved.")
            return redirect(saved)
    return render(
        request,
        "actionplans/editing/agenda_item_form.html",
        {"form": form, "meeting": item.meeting, "item": item, "conflict": conflict},
        status=form_status(form, conflict),
    )


@require_http_methods(["GET", "POST"])
def agreed_action_create(request, pk: int):
    item = _item_for(request, pk, action="edit")
    form = AgreedActionForm(request.POST or None, item=item)
    if form.is_valid() and (
        agreed := save_or_add_errors(form, agenda.agreed_action_create, item=item, **form.cleaned_data)
    ):
        messages.success(request, "The action has been added to the minutes and to the action log.")
        return redirect(agreed.item)
    return render(
        request,
        "actionplans/editing/agreed_action_form.html",
        {
            "form": form,
            "item": item,
            "meeting": item.meeting,
            "cancel_url": reverse("meeting_agenda", args=[item.meeting_id]),
        },
        status=form_status(form),
    )
