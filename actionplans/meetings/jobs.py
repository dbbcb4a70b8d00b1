"""The background jobs of meetings: an update round's e-mails, and the daily reminders.

Starting a round e-mails every officer with an item on the meeting's list, one by one through
the mail server: dozens of e-mails, too slow for a request. The round is created in the request
and its e-mails are sent by a job, whose progress the round's page shows. "Send reminders" on
the round's page is a job too: the button queues it and shows its page, which says who was
reminded; the round's page shows it while it runs.

The daily reminders (actionplans.meetings.reminders) are a job the workers queue once a day at
TRACKER_REMINDERS_AT (actionplans.kernel.jobs.schedule), besides `manage.py send_reminders` for
cron. Each reminder fires once however often either runs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.formats import date_format

from actionplans.kernel.access import get_or_404
from actionplans.kernel.jobs import schedule
from actionplans.kernel.jobs.models import Job
from actionplans.kernel.jobs.registry import job
from actionplans.kernel.jobs.runner import JobFailed, JobOutcome, JobRun
from actionplans.kernel.jobs.services import job_enqueue
from actionplans.meetings.access import get_meeting_for_user
from actionplans.meetings.models import UpdateRound
from actionplans.meetings.reminders import reminders_due, reminders_send
from actionplans.meetings.rounds import Sent, round_remind, round_reminders_sent, round_send_requests
from partners.access import viewer_for

ROUND_REQUESTS = "round_requests"
ROUND_REMINDERS = "round_reminders"
DAILY_REMINDERS = "daily_reminders"


def _emails(count: int) -> str:
    return f"{count} e-mail{'' if count == 1 else 's'}"


def _people(people: list) -> str:
    return ", ".join(str(person) for person in people)


def _officers(count: int) -> str:
    return f"{count} officer{'' if count == 1 else 's'}"


def _failed(emails: Sent) -> str:
    names = ", ".join(str(person) for person in emails.failed)
    return (
        f"Could not send {_emails(len(emails.failed))} (to {names}); nothing was recorded for them, "
        "so the next run tries again."
    )


# --- An update round's requests ------------------------------------------------------------------


def round_requests_key(update_round: UpdateRound) -> str:
    return f"{ROUND_REQUESTS}:round={update_round.pk}"


def round_requests_enqueue(*, update_round: UpdateRound, user) -> Job:
    meeting = update_round.meeting
    return job_enqueue(
        kind=ROUND_REQUESTS,
        title=f"E-mail the officers for the update round: {meeting.body}, {date_format(meeting.date)}",
        user=user,
        parameters={"round": update_round.pk},
        key=round_requests_key(update_round),
        back=(reverse("update_round_detail", args=[update_round.pk]), "Back to the update round"),
    )


@dataclass(frozen=True)
class RoundJobs:
    """The newest job of each kind for a round, for the round's page."""

    requests: Job | None  # e-mailing the officers as the round started
    reminders: Job | None  # "Send reminders"

    @property
    def active(self) -> Job | None:
        """The one the page shows in progress, if either is queued or running."""
        return next((job for job in (self.requests, self.reminders) if job is not None and job.is_active), None)


def round_jobs(update_round: UpdateRound) -> RoundJobs:
    """The newest job sending the round's requests and the newest sending its reminders (1 query)."""
    keys = [round_requests_key(update_round), round_reminders_key(update_round)]
    newest = Job.objects.filter(key=OuterRef("key")).order_by("-created_at", "-pk").values("pk")[:1]
    jobs = {job.key: job for job in Job.objects.listed().filter(key__in=keys, pk=Subquery(newest))}
    return RoundJobs(requests=jobs.get(keys[0]), reminders=jobs.get(keys[1]))


@job(ROUND_REQUESTS)
def send_round_requests(run: JobRun) -> JobOutcome:
    viewer = viewer_for(run.require_user())
    update_round = get_or_404(UpdateRound.objects.select_related("meeting__body"), run.parameters["round"])
    _meeting, access = get_meeting_for_user(viewer, update_round.meeting_id)
    access.require("edit")
    run.progress(stage="Finding the officers with an item on the list")

    def progress(done: int, total: int) -> None:
        run.progress(done, total, stage="E-mailing the officers", unit="officers")

    emails = round_send_requests(update_round=update_round, by=viewer.person, progress=progress)
    if emails.failed:
        names = ", ".join(str(person) for person in emails.failed)
        raise JobFailed(
            f"Could not e-mail {names}. Nothing was recorded for them: try again (nobody already e-mailed is "
            "e-mailed twice), use “Send reminders” on the round's page, or chase them by other means."
        )
    return JobOutcome(
        summary=f"Update round started: {len(emails.sent)} officer{'s' if len(emails.sent) != 1 else ''} e-mailed."
    )


# --- Reminders from the round's page --------------------------------------------------------------

CHANGED = (
    "Reminders were sent after you opened this page, so none were sent now. "
    "Check the table, then press the button again if you still want to send them."
)
STILL_ASKING = (
    "The officers are still being e-mailed as the round starts, so no reminders were sent: they would "
    "get two e-mails. Press the button again once that has finished."
)


class RemindersRefused(Exception):
    """Reminders were not queued; str() says why, for the person who pressed the button."""


def round_reminders_key(update_round: UpdateRound) -> str:
    return f"{ROUND_REMINDERS}:round={update_round.pk}"


def round_reminders_enqueue(*, update_round: UpdateRound, user, seen: int | None) -> Job:
    """Queue the reminders of a press of "Send reminders"; `seen` is the count of reminders sent
    that the page showed (None if it sent none). While reminders for the round are queued or being
    sent, pressing again gives that job. Raises RemindersRefused when reminders went after the
    page was opened (a second submit of the same page) or the round's requests are still going.
    Queries: 1 the newest jobs of the round, 1 the reminders sent, then job_enqueue's."""
    jobs = round_jobs(update_round)
    if jobs.reminders is not None and jobs.reminders.is_active:
        return jobs.reminders
    if jobs.requests is not None and jobs.requests.is_active:
        raise RemindersRefused(STILL_ASKING)
    sent = round_reminders_sent(update_round)
    if seen is not None and seen != sent:
        raise RemindersRefused(CHANGED)
    meeting = update_round.meeting
    return job_enqueue(
        kind=ROUND_REMINDERS,
        title=f"Send reminders for the update round: {meeting.body}, {date_format(meeting.date)}",
        user=user,
        parameters={"round": update_round.pk, "after": sent},
        key=round_reminders_key(update_round),
        back=(reverse("update_round_detail", args=[update_round.pk]), "Back to the update round"),
    )


@job(ROUND_REMINDERS)
def send_round_reminders(run: JobRun) -> JobOutcome:
    viewer = viewer_for(run.require_user())
    update_round = get_or_404(UpdateRound.objects.select_related("meeting__body"), run.parameters["round"])
    _meeting, access = get_meeting_for_user(viewer, update_round.meeting_id)
    access.require("edit")
    run.progress(stage="Finding the officers who have not updated")

    def progress(done: int, total: int) -> None:
        run.progress(done, total, stage="E-mailing the officers who have not updated", unit="officers")

    emails = round_remind(update_round=update_round, by=viewer.person, after=run.parameters["after"], progress=progress)
    parts = []
    if emails.sent:
        parts.append(f"Reminders sent to {_officers(len(emails.sent))}: {_people(emails.sent)}.")
    if emails.already:
        parts.append(f"Already reminded by this press of the button, so not again: {_people(emails.already)}.")
    if not (emails.sent or emails.already or emails.failed):
        parts.append("Nobody with an e-mail address was waiting to update, so no reminders were sent.")
    if emails.without_email:
        parts.append(f"No e-mail address, so chase by other means: {_people(emails.without_email)}.")
    if emails.failed:
        raise JobFailed(
            f"Could not e-mail {_people(emails.failed)}. Nothing was recorded for them: try again (nobody this "
            "reminded is reminded twice), or chase them by other means. " + " ".join(parts)
        )
    return JobOutcome(summary=" ".join(parts))


# --- The daily reminders -------------------------------------------------------------------------


@job(DAILY_REMINDERS)
def send_daily_reminders(run: JobRun) -> JobOutcome:
    if run.user is not None and not viewer_for(run.user).is_manager:  # tried again by somebody
        raise JobFailed("Only democratic support and administrators may send the daily reminders.")
    on = datetime.date.fromisoformat(run.parameters["date"])
    run.progress(stage=f"Finding what is due as at {date_format(on)}")
    due = reminders_due(on=on)

    def progress(done: int, total: int) -> None:
        run.progress(done, total, stage="E-mailing the officers", unit="officers")

    progress(0, len(due.batches))
    emails = reminders_send(due, progress=progress)
    if emails.failed:
        raise JobFailed(_failed(emails))
    items = sum(batch.items for batch in due.batches if batch.person in emails.sent)
    skipped = f"; {len(due.without_email)} with no e-mail address skipped" if due.without_email else ""
    return JobOutcome(summary=f"As at {date_format(on)}: sent {_emails(len(emails.sent))} ({items} items){skipped}.")


schedule.daily(DAILY_REMINDERS, title="Daily reminders", at=lambda: settings.TRACKER_REMINDERS_AT)
