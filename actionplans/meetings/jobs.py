"""The background jobs of meetings: an update round's e-mails, and the daily reminders.

Starting a round e-mails every officer with an item on the meeting's list, one by one through
the mail server: dozens of e-mails, too slow for a request. The round is created in the request
and its e-mails are sent by a job, whose progress the round's page shows.

The daily reminders (actionplans.meetings.reminders) are a job the workers queue once a day at
TRACKER_REMINDERS_AT (actionplans.kernel.jobs.schedule), besides `manage.py send_reminders` for
cron. Each reminder fires once however often either runs.
"""

from __future__ import annotations

import datetime

from django.conf import settings
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
from actionplans.meetings.rounds import Sent, round_send_requests
from partners.access import viewer_for

ROUND_REQUESTS = "round_requests"
DAILY_REMINDERS = "daily_reminders"


def _emails(count: int) -> str:
    return f"{count} e-mail{'' if count == 1 else 's'}"


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


def round_requests_job(update_round: UpdateRound) -> Job | None:
    """The newest job sending the round's requests, for the round's page (1 query)."""
    return Job.objects.listed().filter(key=round_requests_key(update_round)).first()


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
