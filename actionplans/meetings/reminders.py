"""The daily reminders (python manage.py send_reminders, run from cron).

For every open action of an active plan, as at a day (clock.today() unless told):

* due soon: the rule of actionplans.plans.rag, with the reminders' own lead time,
  TRACKER_REMINDER_DUE_SOON_DAYS (target date between that day and that many days later);
* overdue: target date before that day (the rule of actionplans.plans.rag);
* update due: newest update older than the reporting cycle (the rule of actionplans.plans.rag);

and, for update rounds whose deadline is within TRACKER_ROUND_DEADLINE_REMINDER_DAYS and not
passed, every officer who has not yet updated. Each trigger fires once for each person
responsible (lead, further responsible people and members of groups that own it), whatever the number of runs: it is
recorded as a SentReminder under a key naming the action, the date that fired it and the
person. Moving a target date, or posting an update, makes a new trigger.

Each run sends a person at most one e-mail, listing all their newly triggered items grouped
by trigger. How a trigger is recorded, sent and retried is explained in actionplans.meetings.rounds.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from actionplans.meetings.models import ReminderKind, SentReminder, UpdateRound
from actionplans.meetings.rounds import (
    Claim,
    Sent,
    build_email,
    email_item,
    mail_connection,
    round_status,
    send_claimed,
)
from actionplans.plans.models import Action, PlanStatus
from actionplans.plans.rag import due_soon_condition, is_due_soon
from partners.models import Person

# The order of the sections of an e-mail.
SECTIONS = [ReminderKind.ROUND_DEADLINE, ReminderKind.OVERDUE, ReminderKind.DUE_SOON, ReminderKind.UPDATE_DUE]
KEY_CHUNK = 500  # keys looked up per query, well inside every database's parameter limit


@dataclass(frozen=True)
class Trigger:
    kind: ReminderKind
    key: str  # including the person
    actions: tuple[Action, ...]  # the action; for a round, the person's items still waiting
    update_round: UpdateRound | None = None


@dataclass
class Batch:
    """What one person is e-mailed about in one run."""

    person: Person
    triggers: list[Trigger] = field(default_factory=list)

    @property
    def items(self) -> int:
        return sum(len(trigger.actions) for trigger in self.triggers)

    @property
    def summary(self) -> str:
        return describe(self.triggers)


def describe(triggers: list[Trigger]) -> str:
    """E.g. "updates needed by 20 November 2021, 2 overdue, 1 due soon"."""
    parts = []
    for kind in SECTIONS:
        of_kind = [trigger for trigger in triggers if trigger.kind == kind]
        if not of_kind:
            continue
        if kind == ReminderKind.ROUND_DEADLINE:
            parts += [f"updates needed by {date_format(trigger.update_round.deadline)}" for trigger in of_kind]
        elif kind == ReminderKind.UPDATE_DUE:
            parts.append(f"{len(of_kind)} needing an update")
        else:
            parts.append(f"{len(of_kind)} {'overdue' if kind == ReminderKind.OVERDUE else 'due soon'}")
    return ", ".join(parts)


@dataclass
class Due:
    on: datetime.date
    batches: list[Batch]
    without_email: list[Person]  # responsible for something that fired, with no address to send to

    @property
    def items(self) -> int:
        return sum(batch.items for batch in self.batches)


def reminder_due_soon_days() -> int:
    """How many days before its target date the reminders call an action due soon."""
    return settings.TRACKER_REMINDER_DUE_SOON_DAYS


def _action_triggers(action: Action, *, on: datetime.date) -> list[tuple[ReminderKind, str]]:
    """The triggers an open action (with_rag() as at `on`) fires, without the person."""
    fired = []
    if action.is_overdue:
        fired.append((ReminderKind.OVERDUE, f"overdue:{action.pk}:{action.target_date}"))
    elif is_due_soon(action.target_date, on, is_complete=action.is_complete, days=reminder_due_soon_days()):
        fired.append((ReminderKind.DUE_SOON, f"due_soon:{action.pk}:{action.target_date}"))
    if action.is_update_due:
        last = timezone.localdate(action.last_update_at)
        fired.append((ReminderKind.UPDATE_DUE, f"update_due:{action.pk}:{last}"))
    return fired


def reminders_due(*, on: datetime.date) -> Due:
    """Every trigger that has fired by `on` and not been sent, batched per person.
    Queries: 1 actions, 1 further responsible people, 1 owning groups, 1 their members,
    1 rounds, a round_status for each round
    near its deadline, and 1 for each 500 keys already sent."""
    due_soon = due_soon_condition(on=on, days=reminder_due_soon_days())
    actions = (
        Action.objects.with_rag(on=on)
        .open()
        .filter(plan__status=PlanStatus.ACTIVE)
        .filter(Q(is_overdue=True) | due_soon | Q(is_update_due=True))
        .select_related("plan", "lead")
        .prefetch_related("supporting_officers", "owning_groups__members")
        .order_by("plan__title", "position", "pk")
    )
    triggers: list[tuple[Person, Trigger]] = []
    for action in actions:
        for kind, key in _action_triggers(action, on=on):
            for person in action.people_to_remind:
                triggers.append((person, Trigger(kind=kind, key=f"{key}:person:{person.pk}", actions=(action,))))

    near = on + datetime.timedelta(days=settings.TRACKER_ROUND_DEADLINE_REMINDER_DAYS)
    rounds = UpdateRound.objects.filter(deadline__gte=on, deadline__lte=near).select_related("meeting__body")
    for update_round in rounds.order_by("deadline", "pk"):
        for officer in round_status(update_round, on=on).officers:
            if officer.updated:
                continue
            trigger = Trigger(
                kind=ReminderKind.ROUND_DEADLINE,
                key=f"round_deadline:{update_round.pk}:person:{officer.person.pk}",
                actions=tuple(item.action for item in officer.waiting),
                update_round=update_round,
            )
            triggers.append((officer.person, trigger))

    keys = [trigger.key for _person, trigger in triggers]
    sent = set()
    for start in range(0, len(keys), KEY_CHUNK):
        sent |= set(SentReminder.objects.filter(key__in=keys[start : start + KEY_CHUNK]).values_list("kind", "key"))
    batches: dict[int, Batch] = {}
    without_email: dict[int, Person] = {}
    for person, trigger in triggers:
        if (trigger.kind, trigger.key) in sent:
            continue
        if not person.email.strip():
            without_email[person.pk] = person
            continue
        batches.setdefault(person.pk, Batch(person=person)).triggers.append(trigger)
    return Due(
        on=on,
        batches=sorted(batches.values(), key=lambda batch: (batch.person.display_name.lower(), batch.person.pk)),
        without_email=sorted(without_email.values(), key=lambda person: person.display_name.lower()),
    )


def _section(kind: ReminderKind, triggers: list[Trigger], *, on: datetime.date) -> list[dict]:
    if kind == ReminderKind.ROUND_DEADLINE:
        sections = []
        for trigger in triggers:
            update_round, meeting = trigger.update_round, trigger.update_round.meeting
            sections.append(
                {
                    "heading": f"Update needed for the {meeting.body}, {date_format(meeting.date)}",
                    "intro": f"Democratic support asked for an update by {date_format(update_round.deadline)}. "
                    "Still waiting for:",
                    "items": [email_item(action, on=on) for action in trigger.actions],
                }
            )
        return sections
    intros = {
        ReminderKind.OVERDUE: ("Overdue", "Past their target date and not complete:"),
        ReminderKind.DUE_SOON: (
            "Due soon",
            f"Due within {reminder_due_soon_days()} days:",
        ),
        ReminderKind.UPDATE_DUE: (
            "Update due",
            f"No progress update for more than {settings.TRACKER_REPORTING_CYCLE_DAYS} days:",
        ),
    }
    heading, intro = intros[kind]
    return [{"heading": heading, "intro": intro, "items": [email_item(t.actions[0], on=on) for t in triggers]}]


def _batch_email(batch: Batch, won: list[Claim], *, on: datetime.date):
    keys = {claim.key for claim in won}
    triggers = [trigger for trigger in batch.triggers if trigger.key in keys]
    sections = []
    for kind in SECTIONS:
        if of_kind := [trigger for trigger in triggers if trigger.kind == kind]:
            sections += _section(kind, of_kind, on=on)
    return build_email(
        person=batch.person,
        subject=f"Actions needing your attention: {describe(triggers)}",
        template="action_reminders",
        context={"sections": sections, "on": date_format(on)},
    )


def reminders_send(due: Due, *, progress: Callable[[int, int], None] | None = None) -> Sent:
    """Send each batch as one e-mail (see actionplans.meetings.rounds.send_claimed);
    `progress(done, total)` hears of each batch as it is dealt with."""
    emails = Sent()
    with mail_connection() as connection:
        for done, batch in enumerate(due.batches, start=1):
            outcome = send_claimed(
                person=batch.person,
                claims=[Claim(kind=t.kind, key=t.key, update_round=t.update_round) for t in batch.triggers],
                build=lambda won, batch=batch: _batch_email(batch, won, on=due.on),
                connection=connection,
            )
            if outcome is not None:
                (emails.sent if outcome else emails.failed).append(batch.person)
            if progress is not None:
                progress(done, len(due.batches))
    return emails
