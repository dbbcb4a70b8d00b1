"""Committee papers and plan reports are made by background jobs: laying out a long paper takes
a minute or more (a 300-item list is about 90 pages), too long for a request.

Each job is given plain IDs and the user who asked, looks its objects up again and re-checks
that user's access with the helpers the pages use (creation_access for papers, get_plan_for_user
for plan reports) before it makes anything.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import slugify

from actionplans.kernel.access import get_or_404
from actionplans.kernel.jobs.models import Job
from actionplans.kernel.jobs.registry import job
from actionplans.kernel.jobs.runner import JobFailed, JobOutcome, JobRun
from actionplans.kernel.jobs.services import job_enqueue
from actionplans.plans.access import get_plan_for_user
from actionplans.plans.models import Plan
from partners.access import creation_access, viewer_for
from partners.models import Meeting
from reports.models import CommitteePaper
from reports.papers.drafting import paper_draft
from reports.papers.pdf import committee_paper_pdf, plan_report_pdf
from reports.papers.services import paper_publish

PDF = "application/pdf"
PUBLISH, PREVIEW, PLAN_REPORT = "committee_paper_publish", "committee_paper_preview", "plan_report"
NOT_SAVED = "The paper has not been saved (or has been deleted), so there was nothing to publish. Save it first."


def _meeting_words(meeting: Meeting) -> str:
    return f"{meeting.body.name}, {date_format(meeting.date, 'j F Y')}"


def _back_to_paper(meeting: Meeting) -> tuple[str, str]:
    return reverse("committee_paper", args=[meeting.pk]), "Back to the committee paper"


def _progress(run: JobRun):
    def report(step: int, steps: int, stage: str) -> None:
        run.progress(step, steps, stage=stage, unit="steps")

    return report


def _paper(run: JobRun, *, saved: bool) -> tuple:
    """The viewer and the meeting's saved paper (or, unless `saved`, a draft from the data, as the
    paper's page shows it), if the user who asked may still manage papers."""
    viewer = viewer_for(run.require_user())
    meeting = get_or_404(Meeting.objects.select_related("body__organisation"), run.parameters["meeting"])
    creation_access(viewer).require("edit")
    paper = CommitteePaper.objects.filter(meeting=meeting).first()
    if paper is None:
        if saved:
            raise JobFailed(NOT_SAVED)
        return viewer, paper_draft(meeting, person=viewer.person)
    paper.meeting = meeting
    return viewer, paper


# --- Publishing and previewing a committee paper -------------------------------------------------


def paper_publish_enqueue(*, meeting: Meeting, user) -> Job:
    """Queue publishing the meeting's paper (as last saved); while it is queued or running,
    asking again gives the same job, so one press publishes once."""
    return job_enqueue(
        kind=PUBLISH,
        title=f"Publish the committee paper: {_meeting_words(meeting)}",
        user=user,
        parameters={"meeting": meeting.pk},
        key=f"{PUBLISH}:meeting={meeting.pk}",
        back=_back_to_paper(meeting),
    )


@job(PUBLISH)
def publish_paper(run: JobRun) -> JobOutcome:
    viewer, paper = _paper(run, saved=True)
    published = paper_publish(paper=paper, by=viewer.person, progress=_progress(run))
    return JobOutcome(
        summary=f"Published: {published.title}.",
        url=published.get_absolute_url(),
        link_text="Download the published paper (PDF)",
    )


def paper_preview_enqueue(*, meeting: Meeting, user) -> Job:
    return job_enqueue(
        kind=PREVIEW,
        title=f"Preview the committee paper: {_meeting_words(meeting)}",
        user=user,
        parameters={"meeting": meeting.pk},
        key=f"{PREVIEW}:meeting={meeting.pk}:user={user.pk}",
        back=_back_to_paper(meeting),
    )


@job(PREVIEW)
def preview_paper(run: JobRun) -> JobOutcome:
    _viewer, paper = _paper(run, saved=False)
    meeting = paper.meeting
    content = committee_paper_pdf(paper, draft=True, progress=_progress(run))
    return JobOutcome(
        summary="The PDF of the paper as last saved, marked as a draft on every page. It is not published.",
        content=content,
        filename=f"{slugify(meeting.body.name)}-{meeting.date:%Y-%m-%d}-paper-draft.pdf",
        content_type=PDF,
    )


# --- A plan's progress report --------------------------------------------------------------------


def plan_report_enqueue(*, plan: Plan, user) -> Job:
    return job_enqueue(
        kind=PLAN_REPORT,
        title=f"Progress report: {plan.title}",
        user=user,
        parameters={"plan": plan.pk},
        key=f"{PLAN_REPORT}:plan={plan.pk}:user={user.pk}",
        back=(plan.get_absolute_url(), "Back to the plan"),
    )


@job(PLAN_REPORT)
def plan_report(run: JobRun) -> JobOutcome:
    plan, _access = get_plan_for_user(viewer_for(run.require_user()), Plan.objects.all(), run.parameters["plan"])
    content = plan_report_pdf(plan=plan, progress=_progress(run))
    return JobOutcome(
        summary=f"The progress report of {plan.title}.",
        content=content,
        filename=f"{slugify(plan.title)[:80]}-progress-report.pdf",
        content_type=PDF,
    )
