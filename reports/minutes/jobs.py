"""The minutes as a PDF are laid out by a background job: seed 001's fifteen items take a couple
of seconds, too long for a request. The job is given the meeting's id and the user who asked,
and looks the meeting up again through get_meeting_for_user before it makes anything."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import slugify

from actionplans.kernel.jobs.models import Job
from actionplans.kernel.jobs.registry import job
from actionplans.kernel.jobs.runner import JobOutcome, JobRun
from actionplans.kernel.jobs.services import job_enqueue
from actionplans.meetings.access import get_meeting_for_user
from partners.access import viewer_for
from partners.models import Meeting
from reports.minutes.pdf import minutes_pdf
from reports.minutes.record import minutes_record

MINUTES_PDF = "minutes_pdf"


def minutes_pdf_enqueue(*, meeting: Meeting, user) -> Job:
    return job_enqueue(
        kind=MINUTES_PDF,
        title=f"Minutes (PDF): {meeting.body.name}, {date_format(meeting.date, 'j F Y')}",
        user=user,
        parameters={"meeting": meeting.pk},
        key=f"{MINUTES_PDF}:meeting={meeting.pk}:user={user.pk}",
        back=(reverse("meeting_minutes", args=[meeting.pk]), "Back to the minutes"),
    )


@job(MINUTES_PDF)
def minutes_pdf_job(run: JobRun) -> JobOutcome:
    meeting, _access = get_meeting_for_user(viewer_for(run.require_user()), run.parameters["meeting"])
    run.progress(0, 1, stage="Laying out the minutes", unit="steps")
    content = minutes_pdf(minutes_record(meeting))
    return JobOutcome(
        summary=f"The minutes of {meeting.body.name}, {date_format(meeting.date, 'j F Y')}.",
        content=content,
        filename=f"minutes-{slugify(meeting.body.name)}-{meeting.date:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )
