"""Update rounds: democratic support start one before a meeting, everyone may see who has
updated, and democratic support remind those who have not."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actionplans.kernel import clock
from actionplans.kernel.access import Access, get_or_404
from actionplans.kernel.concurrency import EditConflict
from actionplans.kernel.dates import DATE_INPUT_FORMATS
from actionplans.kernel.forms import save_or_add_errors
from actionplans.meetings import rounds
from actionplans.meetings.access import get_meeting_for_user, meeting_access
from actionplans.meetings.jobs import RemindersRefused, round_jobs, round_reminders_enqueue, round_requests_enqueue
from actionplans.meetings.models import UpdateRound
from partners.access import viewer_for
from partners.forms import NO_ORGANISATION, people_for_picker, person_label
from partners.models import Meeting, Person


class UpdateRoundForm(forms.Form):
    deadline = forms.DateField(
        label="Deadline for updates",
        input_formats=DATE_INPUT_FORMATS,
        help_text="On or before the day of the meeting. For example, 27/10/2021.",
        error_messages={
            "required": "Enter the deadline for updates",
            "invalid": "The deadline must be a real date, like 27/10/2021",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    message = forms.CharField(
        label="Message to the officers (optional)",
        required=False,
        max_length=rounds.MESSAGE_MAX,
        help_text="Added to every e-mail, for example what the panel will focus on.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"The message must be {rounds.MESSAGE_MAX:,} characters or fewer"},
    )

    def __init__(self, *args, meeting: Meeting, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.today = today

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if errors := rounds.deadline_errors(meeting=self.meeting, deadline=deadline, today=self.today):
            raise ValidationError(errors)
        return deadline


class RoundOwnersForm(forms.Form):
    """An owner for each open item on the list that nobody is responsible for: one select per
    item, all filled from the one list of people (one query however many items there are).
    An item left at "Nobody yet" is left as it is."""

    def __init__(self, *args, items: list[rounds.RoundItem], people: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(person.pk): person for person in people}
        groups: dict[str, list] = {}
        for person in people:
            name = person.organisation.name if person.organisation_id else NO_ORGANISATION
            groups.setdefault(name, []).append((str(person.pk), person_label(person)))
        choices = [("", "Nobody yet"), *groups.items()]
        self.items = items
        for item in items:
            action = item.action
            self.fields[self.field_name(action)] = forms.ChoiceField(
                label=f"Owner of {action.reference + ' ' if action.reference else ''}{action.description}",
                choices=choices,
                required=False,
                error_messages={"invalid_choice": "Choose a person from the list"},
            )

    @staticmethod
    def field_name(action) -> str:
        return f"owner_{action.pk}"

    def rows(self):
        return [(item, self[self.field_name(item.action)]) for item in self.items]

    def owners(self) -> dict[int, Person]:
        return {
            item.action.pk: self.people[value]
            for item in self.items
            if (value := self.cleaned_data.get(self.field_name(item.action)))
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.owners():
            raise ValidationError("Choose an owner for at least one item")
        return cleaned


def _owners_form(data, *, preview: rounds.RoundPreview) -> RoundOwnersForm | None:
    if not preview.unowned:
        return None
    return RoundOwnersForm(data, items=preview.unowned, people=list(people_for_picker()))


def _start_page(request, *, meeting, form, owners_form, preview, today, status=200):
    context = {
        "meeting": meeting,
        "form": form,
        "owners_form": owners_form,
        "today": today,
        "meeting_passed": meeting.date < today,
        "officers": preview.officers,
        "unowned": preview.unowned,
        "with_email": preview.with_email,
        "without_email": preview.without_email,
    }
    return render(request, "actionplans/update_round_start.html", context, status=status)


@require_http_methods(["GET", "POST"])
def update_round_start(request, pk: int):
    viewer = viewer_for(request)
    meeting, access = get_meeting_for_user(viewer, pk)
    access.require("edit")
    existing = UpdateRound.objects.filter(meeting=meeting).first()
    if existing is not None:
        messages.info(
            request,
            f"The update round for this meeting was started on {date_format(timezone.localdate(existing.started_at))}. "
            "A meeting has one round, so it was not started again and nobody was e-mailed.",
        )
        return redirect("update_round_detail", pk=existing.pk)
    today = clock.today()
    form = UpdateRoundForm(request.POST or None, meeting=meeting, today=today)
    if request.method == "POST" and form.is_valid():
        started = save_or_add_errors(
            form,
            rounds.round_create,
            meeting=meeting,
            deadline=form.cleaned_data["deadline"],
            message=form.cleaned_data["message"],
            by=viewer.person,
            today=today,
        )
        if started is not None:
            if not started.created:
                messages.info(request, "Somebody else started the round for this meeting a moment ago.")
            else:
                round_requests_enqueue(update_round=started.update_round, user=request.user)
                messages.success(
                    request,
                    "Update round started. The officers are being e-mailed: this page shows how far it has got.",
                )
            return redirect("update_round_detail", pk=started.update_round.pk)
    preview = rounds.round_preview(meeting=meeting, on=today)
    return _start_page(
        request,
        meeting=meeting,
        form=form,
        owners_form=_owners_form(None, preview=preview),
        preview=preview,
        today=today,
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def update_round_owners(request, pk: int):
    """Give owners to the open items on the list that nobody is responsible for, before the
    round starts, so that the round asks somebody about them."""
    viewer = viewer_for(request)
    meeting, access = get_meeting_for_user(viewer, pk)
    access.require("edit")
    today = clock.today()
    preview = rounds.round_preview(meeting=meeting, on=today)
    owners_form = _owners_form(request.POST, preview=preview)
    if owners_form is None:
        messages.info(request, "Every open item on the list has somebody responsible for it now.")
        return redirect("update_round_start", pk=meeting.pk)
    if owners_form.is_valid():
        try:
            count = rounds.round_owners_assign(meeting=meeting, owners=owners_form.owners(), on=today)
        except EditConflict:
            messages.info(request, "Somebody changed one of these items a moment ago: check the owners again.")
            return redirect("update_round_start", pk=meeting.pk)
        except ValidationError as error:
            for key, problems in error.message_dict.items():
                owners_form.add_error(f"owner_{key}" if f"owner_{key}" in owners_form.fields else None, problems)
        else:
            messages.success(request, f"{count} item{'s' if count != 1 else ''} given an owner.")
            return redirect("update_round_start", pk=meeting.pk)
    form = UpdateRoundForm(meeting=meeting, today=today)
    return _start_page(
        request, meeting=meeting, form=form, owners_form=owners_form, preview=preview, today=today, status=400
    )


def _round_for_user(viewer, pk: int) -> tuple[UpdateRound, Access]:
    """A round is read and changed by whoever may read and change its meeting."""
    update_round = get_or_404(UpdateRound.objects.select_related("meeting__body", "started_by"), pk)
    access = meeting_access(viewer, update_round.meeting)
    if not access.read:
        raise Http404
    return update_round, access


@require_safe
def update_round_detail(request, pk: int):
    viewer = viewer_for(request)
    update_round, access = _round_for_user(viewer, pk)
    jobs = round_jobs(update_round)
    context = {
        "update_round": update_round,
        "meeting": update_round.meeting,
        "status": rounds.round_status(update_round),
        "access": access,
        "jobs": jobs,
        "refresh_seconds": 3 if jobs.active is not None else None,
    }
    return render(request, "actionplans/update_round_detail.html", context)


@require_POST
def update_round_remind(request, pk: int):
    """Queue the reminders (a job e-mails them) and show the job's page, which says who was reminded."""
    viewer = viewer_for(request)
    update_round, access = _round_for_user(viewer, pk)
    access.require("edit")
    try:
        seen = int(request.POST.get("reminders_sent", ""))
    except ValueError:
        seen = None
    try:
        job = round_reminders_enqueue(update_round=update_round, user=request.user, seen=seen)
    except RemindersRefused as refused:
        messages.info(request, str(refused))
        return redirect("update_round_detail", pk=update_round.pk)
    return redirect(job)
