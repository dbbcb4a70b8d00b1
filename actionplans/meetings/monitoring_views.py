"""A meeting's monitoring list, and recording the body's decisions on it."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.kernel import clock
from actionplans.kernel.urls import pk_url
from actionplans.meetings.access import get_meeting_for_user
from actionplans.meetings.lists import DecisionsInvalid, decisions_record, monitoring_page
from actionplans.meetings.models import UpdateRound
from actionplans.meetings.since import since_last_meeting
from actionplans.plans.access import readable_actions
from partners.access import viewer_for

COMMENT_MAX = 4000


class DecisionsForm(forms.Form):
    """A decision and a comment for each item, offering only the decisions the sign-off rules
    allow for that item's state. The fields are made for this form, so (unlike declared
    fields) not copied again for it: a page of the list has a hundred."""

    def __init__(self, items, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            choices = [("", "No decision recorded")] + [(d.value, d.label) for d in item.allowed_decisions]
            self.fields[f"decision_{item.key}"] = forms.ChoiceField(
                label="Decision",
                choices=choices,
                required=False,
                error_messages={"invalid_choice": "Choose one of the decisions offered"},
            )
            self.fields[f"comment_{item.key}"] = forms.CharField(
                label="The panel's comment",
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": f"The comment must be {COMMENT_MAX:,} characters or fewer"},
            )


def initial_decisions(items):
    initial = {}
    for item in items:
        if item.decision:
            initial[f"decision_{item.key}"] = item.decision.decision
            initial[f"comment_{item.key}"] = item.decision.comment
    return initial


LIST_CHANGED = (
    "The list has changed since you opened this page, so nothing was saved. "
    "Check the decisions below and save them again"
)


@require_http_methods(["GET", "POST"])
def meeting_monitoring(request, pk: int):
    """The list a page at a time; democratic support record the panel's decisions on the
    items of the page they are on."""
    viewer = viewer_for(request)
    meeting, access = get_meeting_for_user(viewer, pk)
    if request.method == "POST":
        access.require("edit")
    page = monitoring_page(meeting, request.GET.get("page"))
    items = page.listing.items
    form = None
    status = 200
    if access.edit:
        initial = initial_decisions(items)
        data = _with_unposted(request.POST, initial) if request.method == "POST" else None
        form = DecisionsForm(items, data, initial=initial)
        if request.method == "POST":
            status = 400
            posted = {name.removeprefix("decision_") for name in request.POST if name.startswith("decision_")}
            valid = form.is_valid()
            if not posted <= {item.key for item in items}:
                # Items sent that this page no longer holds: the list moved under the form.
                form.add_error(None, LIST_CHANGED)
                status = 409
            elif valid:
                decisions = {
                    item.key: (
                        form.cleaned_data[f"decision_{item.key}"],
                        form.cleaned_data[f"comment_{item.key}"],
                    )
                    for item in items
                }
                try:
                    written = decisions_record(meeting=meeting, decisions=decisions, by=viewer.person)
                except DecisionsInvalid as invalid:
                    for key, message in invalid.errors.items():
                        form.add_error(f"decision_{key}", message)
                else:
                    messages.success(request, f"The panel's decisions have been saved ({written} changed).")
                    return redirect(_page_url(meeting, page.page.number))
    row = _row_maker(form)
    context = {
        "meeting": meeting,
        "page": page,
        "listing": page.listing,
        "form": form,
        "rows_by_group": [(group, [row(item) for item in group.items]) for group in page.groups],
        "update_round": UpdateRound.objects.filter(meeting=meeting).first(),
        "may_start_round": access.edit and meeting.date >= clock.today(),
    }
    return render(request, "actionplans/meeting_monitoring.html", context, status=status)


def _with_unposted(data, initial: dict):
    """The form's data: what was sent, and for any item not sent, its decision as recorded, so
    that only what somebody sent can change."""
    data = data.copy()
    for name, value in initial.items():
        if name not in data:
            data[name] = value
    return data


def _row_maker(form):
    """item -> (item, its link, its decision field, its comment field, the end of their labels):
    the links for one reverse() of each kind."""
    recommendation_url, action_url = pk_url("recommendation_detail"), pk_url("action_detail")

    def row(item):
        url = recommendation_url(item.recommendation.pk) if item.recommendation else action_url(item.actions[0].pk)
        if form is None:
            return (item, url, None, None, "")
        # "for item 12" ends each field's label (read out, not shown), so every label is its own.
        return (item, url, form[f"decision_{item.key}"], form[f"comment_{item.key}"], f"for item {item.number}")

    return row


def _page_url(meeting, number: int) -> str:
    url = reverse("meeting_monitoring", args=[meeting.pk])
    return f"{url}?page={number}" if number > 1 else url


@require_safe
def meeting_since_last(request, pk: int):
    viewer = viewer_for(request)
    meeting, _ = get_meeting_for_user(viewer, pk)
    report = since_last_meeting(meeting, actions=readable_actions(viewer))
    return render(request, "actionplans/meeting_since_last.html", {"meeting": meeting, "report": report})
