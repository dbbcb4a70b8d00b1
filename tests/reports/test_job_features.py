"""Each piece of heavy work goes through a background job (above its threshold, where it has
one) and never runs in the request: committee papers, plan reports, tracker downloads, plan
imports. Update rounds' e-mails are tested in test_update_rounds.py, the daily reminders in
test_jobs.py."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from actionplans.kernel.jobs.models import Job, JobStatus
from actionplans.plans.models import Plan
from partners.models import Meeting
from recommendations.models import SourceKind
from reports.models import CommitteePaper, PublishedPaper
from reports.papers import pdf
from reports.papers.drafting import paper_draft
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MeetingFactory,
    PersonFactory,
    PlanFactory,
    SupportUserFactory,
    UserFactory,
)
from tests.jobs import job_from, run_pending_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def support():
    user = SupportUserFactory(username="support")
    PersonFactory(name="Emily Goodwin", user=user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def no_pdf_in_the_request(monkeypatch):
    """WeasyPrint's layout raises if anything calls it; `allow()` lets the worker use it."""
    real = pdf._document

    def refuse(html):
        raise AssertionError("a PDF was laid out inside the request")

    monkeypatch.setattr(pdf, "_document", refuse)
    return lambda: monkeypatch.setattr(pdf, "_document", real)


# --- Committee papers ----------------------------------------------------------------------------


def saved_paper(meeting: Meeting) -> CommitteePaper:
    paper = paper_draft(meeting, person=None)
    paper.agenda_item = "9"
    paper.save()
    return paper


def test_publishing_queues_a_job_and_lays_out_no_pdf_in_the_request(support, no_pdf_in_the_request):
    meeting = MeetingFactory(body=BodyFactory(name="Children and Families Scrutiny Panel"))
    saved_paper(meeting)
    response = support.post(reverse("committee_paper_pdf", args=[meeting.pk]))
    job = job_from(response)
    assert (job.kind, job.status, job.parameters) == (
        "committee_paper_publish",
        JobStatus.QUEUED,
        {"meeting": meeting.pk},
    )
    assert job.title == f"Publish the committee paper: Children and Families Scrutiny Panel, {meeting.date:%-d %B %Y}"
    assert not PublishedPaper.objects.exists()
    # Pressing again while it waits gives the same job: the paper is published once.
    assert job_from(support.post(reverse("committee_paper_pdf", args=[meeting.pk]))) == job

    no_pdf_in_the_request.__call__()
    run_pending_jobs()
    job.refresh_from_db()
    published = PublishedPaper.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.summary == f"Published: {published.title}."
    assert (job.progress_done, job.progress_total, job.progress_unit) == (3, 3, "steps")
    page = support.get(job.get_absolute_url()).content.decode()
    assert reverse("published_paper_download", args=[published.pk]) in page
    assert f'href="{reverse("committee_paper", args=[meeting.pk])}">Back to the committee paper' in page


def test_a_preview_is_a_job_whose_file_is_the_draft_pdf(support, no_pdf_in_the_request):
    meeting = MeetingFactory()
    job = job_from(support.post(reverse("committee_paper_preview", args=[meeting.pk])))  # a draft never saved
    no_pdf_in_the_request.__call__()
    run_pending_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.failure_reason
    assert job.result_content_type == "application/pdf"
    assert job.result_filename.endswith("-paper-draft.pdf") and bytes(job.result).startswith(b"%PDF")
    assert not PublishedPaper.objects.exists() and not CommitteePaper.objects.exists()


def test_publishing_a_paper_deleted_meanwhile_fails_with_a_reason(support):
    meeting = MeetingFactory()
    saved_paper(meeting)
    job = job_from(support.post(reverse("committee_paper_pdf", args=[meeting.pk])))
    CommitteePaper.objects.all().delete()
    run_pending_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "has not been saved" in job.failure_reason


def test_a_manager_who_is_no_longer_one_when_the_job_runs_publishes_nothing(support):
    meeting = MeetingFactory()
    saved_paper(meeting)
    job = job_from(support.post(reverse("committee_paper_pdf", args=[meeting.pk])))
    job.requested_by.groups.clear()
    run_pending_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "may no longer see or change" in job.failure_reason
    assert not PublishedPaper.objects.exists()


def test_the_plan_report_is_a_job_for_whoever_may_read_the_plan(no_pdf_in_the_request):
    officer = PersonFactory(user=UserFactory(username="officer"))
    action = ActionFactory(lead=officer)
    client = Client()
    client.force_login(officer.user)
    job = job_from(client.post(reverse("plan_report_pdf", args=[action.plan.pk])))
    no_pdf_in_the_request.__call__()
    run_pending_jobs()
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="action-plan-')


# --- Tracker downloads ------------------------------------------------------------------------------


@pytest.fixture
def five_actions():
    plan = PlanFactory(title="Attainment action plan")
    return [ActionFactory(plan=plan, description=f"Action number {n}") for n in range(5)]


@pytest.mark.parametrize("name", ["tracker_export", "tracker_export_csv"])
def test_a_download_at_or_under_the_threshold_is_given_at_once(support, five_actions, settings, name):
    settings.TRACKER_EXPORT_JOB_ROWS = 5
    response = support.get(reverse(name))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert not Job.objects.exists()


def test_a_download_over_the_threshold_is_written_by_a_job_with_the_same_rows(support, five_actions, settings):
    settings.TRACKER_EXPORT_JOB_ROWS = 4
    settings.TRACKER_EXPORT_JOB_ROWS = 4
    response = support.get(reverse("tracker_export") + "?sort=reference")
    job = job_from(response)
    assert job.parameters == {"format": "xlsx", "query": "sort=reference", "plan": None, "rows": 5}
    assert job.title == "Tracker, 5 rows as a spreadsheet (.xlsx)"
    assert job_from(support.get(reverse("tracker_export") + "?sort=reference")) == job  # asked again: the same
    run_pending_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.progress_text == "5 of 5 rows"
    download = support.get(reverse("job_download", args=[job.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="tracker-')
    rows = list(load_workbook(io.BytesIO(download.content)).active.values)
    assert sorted(row[2] for row in rows[2:]) == [f"Action number {n}" for n in range(5)]

    settings.TRACKER_EXPORT_JOB_ROWS = 5  # the same rows under the threshold: the same cells
    direct = list(
        load_workbook(io.BytesIO(support.get(reverse("tracker_export") + "?sort=reference").content)).active.values
    )
    assert direct == rows


def test_a_plans_csv_download_over_the_threshold_is_a_job_that_reads_only_what_the_user_may(five_actions, settings):
    settings.TRACKER_EXPORT_JOB_ROWS = 1
    officer = PersonFactory(user=UserFactory(username="officer"))
    plan = five_actions[0].plan
    for action in five_actions[:3]:
        action.lead = officer
        action.save()
    client = Client()
    client.force_login(officer.user)
    job = job_from(client.get(reverse("plan_tracker_export_csv", args=[plan.pk])))
    run_pending_jobs()
    text = client.get(reverse("job_download", args=[job.pk])).content.decode("utf-8-sig")
    assert text.count("Action number") == 5  # the plan's actions: an officer with an action reads the plan
    other = Client()
    other.force_login(UserFactory(username="other"))
    assert other.get(reverse("plan_tracker_export_csv", args=[plan.pk])).status_code == 404
    assert other.get(reverse("job_download", args=[job.pk])).status_code == 404


# --- Plan imports -------------------------------------------------------------------------------------

PASTED = "Ref.\tAction\tLead\r\n" + "".join(f"{n}.1\tDo thing number {n}\tSue Allan\r\n" for n in range(1, 6))


def import_to_confirm(client, body):
    response = client.post(
        reverse("plan_import"),
        {
            "source_title": "Joint Area Review of Leicester",
            "source_kind": SourceKind.INSPECTION,
            "source_date": "17/06/2008",
            "pasted": PASTED,
            "title": "Joint Area Review action plan",
            "owning_body": body.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    form = client.get(reverse("plan_import_columns")).context["form"]
    data = {"header_row": form["header_row"].value(), "step": "columns"}
    data |= {name: form[name].value() for name in form.column_names}
    assert client.post(reverse("plan_import_columns"), data).status_code == 302
    form = client.get(reverse("plan_import_preview")).context["form"]
    return {name: form[name].value() for name in form.fields} | {"action": "confirm"}


def test_an_import_over_the_threshold_is_saved_by_a_job(support, settings):
    settings.TRACKER_IMPORT_JOB_ROWS = 4
    confirm = import_to_confirm(support, BodyFactory())
    job = job_from(support.post(reverse("plan_import_preview"), confirm))
    assert job.kind == "plan_import" and not Plan.objects.exists()
    assert support.get(reverse("plan_import_preview"))["Location"] == job.get_absolute_url()  # while it runs
    run_pending_jobs()
    job.refresh_from_db()
    plan = Plan.objects.get()
    assert job.status == JobStatus.SUCCEEDED and plan.actions.count() == 5
    assert job.summary.startswith("Imported 5 actions") and job.result_url == plan.get_absolute_url()
    # Back at the import: it is over, and the preview leads to the plan.
    response = support.get(reverse("plan_import_preview"))
    assert response["Location"] == plan.get_absolute_url()
    assert "There is no import in progress" in support.get(reverse("plan_import_preview")).content.decode()


def test_an_import_at_or_under_the_threshold_is_saved_at_once(support, settings):
    settings.TRACKER_IMPORT_JOB_ROWS = 5
    confirm = import_to_confirm(support, BodyFactory())
    response = support.post(reverse("plan_import_preview"), confirm)
    assert response["Location"] == Plan.objects.get().get_absolute_url() and not Job.objects.exists()


def test_an_import_refused_in_the_job_is_shown_at_the_preview(support, settings):
    settings.TRACKER_IMPORT_JOB_ROWS = 4
    confirm = import_to_confirm(support, BodyFactory())
    job = job_from(support.post(reverse("plan_import_preview"), confirm))
    PlanFactory(title="Joint Area Review action plan")  # somebody took the title meanwhile
    run_pending_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.failure_reason.startswith("Nothing has been imported")
    assert Plan.objects.count() == 1
    preview = support.get(reverse("plan_import_preview"))
    assert preview.status_code == 200 and job.failure_reason in preview.content.decode()
