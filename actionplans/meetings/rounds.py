"""Update rounds: before a meeting, democratic support ask every officer with an item on
the meeting's monitoring list for an update, see who has given one, and remind the rest.

Also the e-mail machinery the daily reminders (actionplans.meetings.reminders) share: every e-mail
is recorded as a SentReminder whose unique (kind, key) says which trigger sent it. The row
is written and committed *before* the e-mail goes, so two runs (or two clicks) racing for
the same trigger cannot both send it: the second insert fails on the unique constraint and
that run leaves the trigger alone. If sending fails the rows are deleted again, so the
next run or click retries. A crash between the commit and the send loses that one e-mail
(it is recorded as sent); we accept that rather than hold a database transaction open
across a slow mail server, and rather than chase busy officers twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Value
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format

from actionplans.kernel import clock
from actionplans.kernel.concurrency import save_if_unchanged
from actionplans.meetings.lists import monitoring_list
from actionplans.meetings.models import ReminderKind, SentReminder, UpdateRound
from actionplans.plans import rag
from actionplans.plans.models import Action, ProgressUpdate
from partners.models import Meeting, Person

logger = logging.getLogger(__name__)

MESSAGE_MAX = 4000
ROUND_EMAIL_KINDS = (ReminderKind.ROUND_REQUEST, ReminderKind.ROUND_REMINDER, ReminderKind.ROUND_DEADLINE)


# --- E-mails ----------------------------------------------------------------------


@dataclass(frozen=True)
class EmailItem:
    """One action as an e-mail lists it."""

    reference: str
    description: str
    plan: str
    rag: str
    target: str
    update_url: str

    @property
    def title(self) -> str:
        return f"{self.reference} {self.description}" if self.reference else self.description


def absolute_url(path: str) -> str:
    return settings.TRACKER_BASE_URL + path


def email_item(action: Action, *, on: datetime.date) -> EmailItem:
    """Needs the action's plan; reads the with_rag() annotations when present."""
    if action.target_date:
        target = date_format(action.target_date)
    else:
        target = action.target_date_text or "No target date"
    return EmailItem(
        reference=action.reference,
        description=action.description,
        plan=action.plan.title,
        rag=action.assessment(on=on).label,
        target=target,
        update_url=absolute_url(reverse("action_detail", args=[action.pk]) + "#update"),
    )


def build_email(*, person: Person, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    """A plain-text e-mail with an HTML alternative, from templates/emails/<template>.txt and .html."""
    context = {
        "person": person,
        "service_name": settings.TRACKER_SERVICE_NAME,
        "my_actions_url": absolute_url(reverse("my_actions")),
        **context,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    return message


@dataclass(frozen=True)
class Claim:
    """A trigger to record as sent: SentReminder(kind, key)."""

    kind: ReminderKind
    key: str
    update_round: UpdateRound | None = None


@contextmanager
def mail_connection():
    """One connection to the mail server for a run of e-mails. If it cannot be opened now,
    each send tries again on its own (and fails on its own)."""
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        logger.exception("Could not connect to the mail server")
    try:
        yield connection
    finally:
        try:
            connection.close()
        except Exception:
            logger.exception("Could not close the connection to the mail server")


def send_claimed(
    *,
    person: Person,
    claims: Iterable[Claim],
    build: Callable[[list[Claim]], EmailMultiAlternatives],
    connection,
    sent_by: Person | None = None,
) -> bool | None:
    """Record the claims as sent, then send one e-mail built from those this call won.

    Returns True when sent, None when every claim was already recorded (nothing to send),
    False when sending failed (the rows are deleted again, so it is retried)."""
    won: list[Claim] = []
    rows: list[int] = []
    with transaction.atomic():
        for claim in claims:
            try:
                with transaction.atomic():
                    row = SentReminder.objects.create(
                        kind=claim.kind,
                        key=claim.key,
                        person=person,
                        update_round=claim.update_round,
                        sent_by=sent_by,
                    )
            except IntegrityError:
                continue  # sent before, or by a run racing this one
            won.append(claim)
            rows.append(row.pk)
    if not won:
        return None
    try:
        if connection.send_messages([build(won)]) != 1:
            raise RuntimeError("the mail backend did not send the e-mail")
    except Exception:
        logger.exception("Could not e-mail %s <%s>", person, person.email)
        SentReminder.objects.filter(pk__in=rows).delete()
        return False
    return True


# --- Who has items for a round, and who has updated ---------------------------------


@dataclass
class RoundItem:
    action: Action  # with_rag() as at the day asked for, with its plan and responsible people
    updated: bool  # an update posted on the action since the round started

    @property
    def assessment(self) -> rag.Assessment:
        return self.action.assessment(on=self.action.rag_on)


@dataclass
class RoundOfficer:
    person: Person
    items: list[RoundItem] = field(default_factory=list)
    asked_at: datetime.datetime | None = None
    reminded_at: datetime.datetime | None = None  # the newest reminder of any kind for the round

    @property
    def has_email(self) -> bool:
        return bool(self.person.email.strip())

    @property
    def waiting(self) -> list[RoundItem]:
        return [item for item in self.items if not item.updated]

    @property
    def updated(self) -> bool:
        """Updated when every one of their actions on the list has an update since the start
        (posted by them or by another officer responsible for it)."""
        return not self.waiting

    @property
    def last_emailed_at(self) -> datetime.datetime | None:
        return max(filter(None, [self.asked_at, self.reminded_at]), default=None)


def _round_items(*, meeting: Meeting, on: datetime.date, since: datetime.datetime | None) -> list[RoundItem]:
    """The open actions of the items on the meeting's monitoring list, in the list's order.

    With `since` (a round's start), an action completed after it still counts, so an officer
    who finishes their action during the round shows as having updated. Queries: those of
    monitoring_list, 1 actions, 1 further responsible people (none when the list is empty)."""
    listing = monitoring_list(meeting)
    order = {action.pk: index for index, item in enumerate(listing.items) for action in item.actions}
    if not order:
        return []
    still_open = Q(is_complete=False)
    if since is not None:
        still_open |= Q(last_update_at__gte=since)
        updated = Exists(ProgressUpdate.objects.filter(action=OuterRef("pk"), reported_at__gte=since))
    else:
        updated = Value(False)
    actions = (
        Action.objects.filter(pk__in=list(order))
        .with_rag(on=on)
        .filter(still_open)
        .annotate(updated_since=updated)
        .select_related("plan", "lead__organisation", "recommendation")
        .prefetch_related(
            Prefetch("supporting_officers", queryset=Person.objects.select_related("organisation").order_by("pk"))
        )
    )
    items = []
    for action in sorted(actions, key=lambda a: (order[a.pk], a.position, a.pk)):
        action.rag_on = on
        items.append(RoundItem(action=action, updated=bool(action.updated_since)))
    return items


def _by_officer(items: list[RoundItem]) -> list[RoundOfficer]:
    officers: dict[int, RoundOfficer] = {}
    for item in items:
        for person in item.action.responsible_people:
            officers.setdefault(person.pk, RoundOfficer(person=person)).items.append(item)
    return sorted(officers.values(), key=lambda officer: (officer.person.display_name.lower(), officer.person.pk))


def round_officers(
    *, meeting: Meeting, on: datetime.date | None = None, since: datetime.datetime | None = None
) -> list[RoundOfficer]:
    """Every officer responsible (as lead or further responsible person) for an open action of
    an item on the meeting's monitoring list, with those actions, sorted by name. Queries: those
    of _round_items."""
    return _by_officer(_round_items(meeting=meeting, on=on or clock.today(), since=since))


@dataclass
class RoundPreview:
    """Who a round for the meeting would ask, and the open items nobody would be asked about."""

    officers: list[RoundOfficer]
    unowned: list[RoundItem]  # open actions on the list with no lead and no further responsible person

    @property
    def with_email(self) -> list[RoundOfficer]:
        return [officer for officer in self.officers if officer.has_email]

    @property
    def without_email(self) -> list[RoundOfficer]:
        return [officer for officer in self.officers if not officer.has_email]


def round_preview(*, meeting: Meeting, on: datetime.date | None = None) -> RoundPreview:
    """What starting the meeting's round would do. Queries: those of _round_items."""
    items = _round_items(meeting=meeting, on=on or clock.today(), since=None)
    return RoundPreview(
        officers=_by_officer(items), unowned=[item for item in items if not item.action.responsible_people]
    )


NOBODY_TO_ASK = (
    "Nobody is responsible for any open item on this meeting's list, so the round would ask nobody. "
    "Give the items an owner first"
)
OWNED_SINCE = "{item} has somebody responsible for it now: the page shows who"
NOT_ON_THE_LIST = "This action is not an open item on this meeting's list"


def round_owners_assign(*, meeting: Meeting, owners: dict[int, Person], on: datetime.date | None = None) -> int:
    """Make each person the lead of the action (by pk) they are given for: open actions on the
    meeting's list that nobody is responsible for. All or nothing: raises ValidationError (action
    pk as a string -> message) if any action is not such an item any more, or if somebody changed
    it since it was read (EditConflict); each lead is saved through save_if_unchanged, so it lands
    in the action's history. Returns how many actions were given an owner."""
    open_actions = {
        item.action.pk: item.action for item in _round_items(meeting=meeting, on=on or clock.today(), since=None)
    }
    errors = {}
    for pk in owners:
        action = open_actions.get(pk)
        if action is None:
            errors[str(pk)] = NOT_ON_THE_LIST
        elif action.responsible_people:
            errors[str(pk)] = OWNED_SINCE.format(item=_item_name(action))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for pk, person in owners.items():
            action = open_actions[pk]
            action.lead = person
            save_if_unchanged(action, expected_version=action.version, fields=["lead"])
    return len(owners)


def _item_name(action: Action) -> str:
    return f"Item {action.reference}" if action.reference else "The item"


@dataclass
class RoundStatus:
    update_round: UpdateRound
    officers: list[RoundOfficer]
    reminders_sent: int  # reminders sent from the round page so far, to notice a second press
    unowned: list[RoundItem] = field(default_factory=list)  # open items on the list nobody is asked about

    @property
    def updated_count(self) -> int:
        return sum(officer.updated for officer in self.officers)

    @property
    def to_remind(self) -> list[RoundOfficer]:
        return [officer for officer in self.officers if officer.has_email and not officer.updated]

    @property
    def without_email(self) -> list[RoundOfficer]:
        return [officer for officer in self.officers if not officer.has_email]


def round_status(update_round: UpdateRound, *, on: datetime.date | None = None) -> RoundStatus:
    """Who has items in the round, who has updated since it started, and when each was last
    e-mailed. Queries: those of round_officers, and 1 for the e-mails sent."""
    items = _round_items(meeting=update_round.meeting, on=on or clock.today(), since=update_round.started_at)
    officers = _by_officer(items)
    by_person = {officer.person.pk: officer for officer in officers}
    reminders_sent = 0
    for row in (
        SentReminder.objects.filter(update_round=update_round, kind__in=ROUND_EMAIL_KINDS)
        .order_by()
        .values("person_id", "kind")
        .annotate(last=Max("sent_at"), count=Count("pk"))
    ):
        if row["kind"] == ReminderKind.ROUND_REMINDER:
            reminders_sent += row["count"]
        officer = by_person.get(row["person_id"])
        if officer is None:
            continue
        if row["kind"] == ReminderKind.ROUND_REQUEST:
            officer.asked_at = row["last"]
        else:
            officer.reminded_at = max(filter(None, [officer.reminded_at, row["last"]]))
    return RoundStatus(
        update_round=update_round,
        officers=officers,
        reminders_sent=reminders_sent,
        unowned=[item for item in items if not item.action.responsible_people],
    )


# --- Starting a round, and reminding ------------------------------------------------


def deadline_errors(*, meeting: Meeting, deadline: datetime.date, today: datetime.date) -> list[str]:
    errors = []
    if deadline < today:
        errors.append(f"The deadline must be today ({date_format(today)}) or later")
    if deadline > meeting.date:
        errors.append(f"The deadline must be on or before the day of the meeting, {date_format(meeting.date)}")
    return errors


@dataclass
class Sent:
    sent: list[Person] = field(default_factory=list)
    failed: list[Person] = field(default_factory=list)
    already: list[Person] = field(default_factory=list)  # left alone: this e-mail had gone to them before


@dataclass
class RoundStarted:
    update_round: UpdateRound
    created: bool
    emails: Sent


def _round_email(*, officer: RoundOfficer, update_round: UpdateRound, items: list[RoundItem], template: str):
    meeting = update_round.meeting
    on = clock.today()
    subject_start = "Reminder: update" if template == "round_reminder" else "Update"
    deadline, meeting_date = date_format(update_round.deadline), date_format(meeting.date)
    return build_email(
        person=officer.person,
        subject=f"{subject_start} needed by {deadline} for the {meeting.body}, {meeting_date}",
        template=template,
        context={
            "update_round": update_round,
            "meeting": meeting,
            "deadline": deadline,
            "meeting_date": meeting_date,
            "items": [email_item(item.action, on=on) for item in items],
            "round_url": absolute_url(reverse("update_round_detail", args=[update_round.pk])),
        },
    )


def round_create(
    *, meeting: Meeting, deadline: datetime.date, message: str, by: Person | None, today: datetime.date | None = None
) -> RoundStarted:
    """Start the meeting's update round, sending nothing yet (round_send_requests sends, in a
    job). If the meeting already has a round, returns it (created=False). Raises ValidationError
    (field -> messages) for a deadline outside today..the meeting."""
    today = today or clock.today()
    existing = UpdateRound.objects.filter(meeting=meeting).first()
    if existing is not None:
        return RoundStarted(update_round=existing, created=False, emails=Sent())
    if errors := deadline_errors(meeting=meeting, deadline=deadline, today=today):
        raise ValidationError({"deadline": errors})
    if not round_officers(meeting=meeting, on=today):
        raise ValidationError(NOBODY_TO_ASK)
    update_round = UpdateRound(meeting=meeting, deadline=deadline, message=message.strip(), started_by=by)
    update_round.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            update_round.save()
    except IntegrityError:  # started by somebody else a moment ago
        return RoundStarted(update_round=UpdateRound.objects.get(meeting=meeting), created=False, emails=Sent())
    return RoundStarted(update_round=update_round, created=True, emails=Sent())


def round_send_requests(
    *,
    update_round: UpdateRound,
    by: Person | None,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Sent:
    """E-mail each officer with an item on the round's list once, listing all their items. Each
    e-mail is claimed (SentReminder) before it goes, so running this again, or two at once, sends
    nobody a second request; a failed send is released, so running it again retries it.
    `progress(done, total)` hears of each officer as they are dealt with."""
    today = today or clock.today()
    emails = Sent()
    officers = [
        officer
        for officer in round_officers(meeting=update_round.meeting, on=today, since=update_round.started_at)
        if officer.has_email
    ]
    with mail_connection() as connection:
        for done, officer in enumerate(officers, start=1):
            outcome = send_claimed(
                person=officer.person,
                claims=[
                    Claim(
                        kind=ReminderKind.ROUND_REQUEST,
                        key=f"round:{update_round.pk}:person:{officer.person.pk}",
                        update_round=update_round,
                    )
                ],
                build=lambda _claims, officer=officer: _round_email(
                    officer=officer, update_round=update_round, items=officer.items, template="round_request"
                ),
                connection=connection,
                sent_by=by,
            )
            _tally(emails, officer.person, outcome)
            if progress is not None:
                progress(done, len(officers))
    return emails


def _tally(emails: Sent, person: Person, outcome: bool | None) -> None:
    """Put the person in the list send_claimed's outcome says."""
    if outcome is None:
        emails.already.append(person)
    else:
        (emails.sent if outcome else emails.failed).append(person)


def round_start(
    *, meeting: Meeting, deadline: datetime.date, message: str, by: Person | None, today: datetime.date | None = None
) -> RoundStarted:
    """Start the meeting's update round and e-mail each officer with an item on its list once
    (round_create, then round_send_requests, in one go: the round's page does the sending in a
    job instead). If the meeting already has a round, returns it and sends nothing."""
    started = round_create(meeting=meeting, deadline=deadline, message=message, by=by, today=today)
    if started.created:
        started.emails = round_send_requests(update_round=started.update_round, by=by, today=today)
    return started


@dataclass
class Reminded(Sent):
    without_email: list[Person] = field(default_factory=list)  # not yet updated, but no address: not e-mailed


def round_reminders_sent(update_round: UpdateRound) -> int:
    """How many reminders have gone from the round's page so far (1 query). The page sends the
    count it showed with its button, so a second submit of the same page is noticed."""
    return SentReminder.objects.filter(update_round=update_round, kind=ReminderKind.ROUND_REMINDER).count()


def round_remind(
    *,
    update_round: UpdateRound,
    by: Person | None,
    after: int,
    progress: Callable[[int, int], None] | None = None,
) -> Reminded:
    """E-mail each officer who has not updated all their items since the round started,
    listing the items still waiting. `progress(done, total)` hears of each officer.

    One press of the button is named by `after`: the number of reminders already sent from the
    round's page when it was pressed (round_reminders_sent). Each officer's reminder is claimed
    under a key naming that press, so running the same press again (its job tried again after
    a failure, or a second submit of the same page) reaches only those it has not reminded yet,
    while a press from the page as it is now, a deliberate decision to chase again, reminds
    everybody still waiting."""
    status = round_status(update_round)
    emails = Reminded(without_email=[officer.person for officer in status.without_email if not officer.updated])
    officers = status.to_remind
    with mail_connection() as connection:
        for done, officer in enumerate(officers, start=1):
            outcome = send_claimed(
                person=officer.person,
                claims=[
                    Claim(
                        kind=ReminderKind.ROUND_REMINDER,
                        key=f"round:{update_round.pk}:person:{officer.person.pk}:after:{after}",
                        update_round=update_round,
                    )
                ],
                build=lambda _claims, officer=officer: _round_email(
                    officer=officer, update_round=update_round, items=officer.waiting, template="round_reminder"
                ),
                connection=connection,
                sent_by=by,
            )
            _tally(emails, officer.person, outcome)
            if progress is not None:
                progress(done, len(officers))
    return emails
