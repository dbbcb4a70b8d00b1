"""A meeting's monitoring list, and recording the body's decisions on it."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.kernel import clock
from actionplans.meetings.access import get_meeting_for_user
from actionplans.meetings.lists import DecisionsInvalid, decisions_record, monitoring_list
from actionplans.meetings.models import SignOffDecision, UpdateRound
from actionplans.meetings.since import since_last_meeting
from actionplans.plans.access import readable_actions
from partners.access import viewer_for

COMMENT_MAX = 4000


def decisions_form_class(items):
    """A form with a decision and a comment for each item, offering only the decisions
    the sign-off rules allow for that item's state."""
    fields = {}
    for item in items:
        choices = [("", "No decision recorded")] + [(d.value, d.label) for d in item.allowed_decisions]
        fields[f"decision_{item.key}"] = forms.ChoiceField(
            label="Decision",
            choices=choices,
            required=False,
            error_messages={"invalid_choice": "Choose one of the decisions offered"},
        )
        fields[f"comment_{item.key}"] = forms.CharField(
            label="The panel's comment",
            required=False,
            max_length=COMMENT_MAX,
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={"max_length": f"The comment must be {COMMENT_MAX:,} characters or fewer"},
        )
    return type("DecisionsForm", (forms.Form,), fields)


def initial_decisions(items):
    initial = {}
    for item in items:
        if item.decision:
            initial[f"decision_{item.key}"] = item.decision.decision
            initial[f"comment_{item.key}"] = item.decision.comment
    return initial


@require_http_methods(["GET", "POST"])
def meeting_monitoring(request, pk: int):
    viewer = viewer_for(request)
    meeting, access = get_meeting_for_user(viewer, pk)
    listing = monitoring_list(meeting)
    form = None
    if access.edit:
        form_class = decisions_form_class(listing.items)
        form = form_class(request.POST or None, initial=initial_decisions(listing.items))
        if request.method == "POST" and form.is_valid():
            decisions = {
                item.key: (form.cleaned_data[f"decision_{item.key}"], form.cleaned_data[f"comment_{item.key}"])
                for item in listing.items
            }
            try:
                written = decisions_record(meeting=meeting, decisions=decisions, by=viewer.person)
            except DecisionsInvalid as invalid:
                for key, message in invalid.errors.items():
                    form.add_error(f"decision_{key}", message)
            else:
                messages.success(request, f"The panel's decisions have been saved ({written} changed).")
                return redirect("meeting_monitoring", pk=meeting.pk)
    elif request.method == "POST":
        access.require("edit")
    rows = [
        (item, form[f"decision_{item.key}"] if form else None, form[f"comment_{item.key}"] if form else None)
        for item in listing.items
    ]
    context = {
        "meeting": meeting,
        "listing": listing,
        "form": form,
        "rows_by_group": [(group, [row for row in rows if row[0] in group.items]) for group in listing.groups],
        "decision_choices": SignOffDecision,
        "update_round": UpdateRound.objects.filter(meeting=meeting).first(),
        "may_start_round": access.edit and meeting.date >= clock.today(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "actionplans/meeting_monitoring.html", context, status=status)


@require_safe
def meeting_since_last(request, pk: int):
    viewer = viewer_for(request)
    meeting, _ = get_meeting_for_user(viewer, pk)
    report = since_last_meeting(meeting, actions=readable_actions(viewer))
    return render(request, "actionplans/meeting_since_last.html", {"meeting": meeting, "report": report})
