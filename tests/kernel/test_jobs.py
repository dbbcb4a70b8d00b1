"""Background jobs (actionplans.kernel.jobs): their life from queued to done or failed, that
nothing runs twice, who may see them, their page, the worker command and the daily schedule."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actionplans.kernel.jobs import runner, schedule
from actionplans.kernel.jobs.models import Job, JobStatus
from actionplans.kernel.jobs.registry import job, job_kind
from actionplans.kernel.jobs.runner import JobFailed, JobOutcome, job_claim
from actionplans.kernel.jobs.services import STALLED, job_enqueue, jobs_mark_stalled
from actionplans.kernel.jobs.tasks import run_job
from actionplans.meetings.jobs import DAILY_REMINDERS
from actionplans.plans.access import get_plan_for_user
from actionplans.plans.models import Plan
from partners.access import viewer_for
from tests.factories import ActionFactory, PersonFactory, PlanFactory, SupportUserFactory, UserFactory
from tests.jobs import run_pending_jobs

pytestmark = pytest.mark.django_db

CALLS = []


@job("test_echo")
def echo(run):
    """A job for these tests: reports progress; fails on its first attempt if asked to; crashes if
    asked to; reads a plan as the requester if given one."""
    CALLS.append(run.job.pk)
    run.progress(1, 2, stage="Half way", unit="rows")
    parameters = run.parameters
    if parameters.get("plan"):
        get_plan_for_user(viewer_for(run.require_user()), Plan.objects.all(), parameters["plan"])
    if parameters.get("fail_first") and run.job.attempt == 1:
        raise JobFailed("The echo was refused the first time.")
    if parameters.get("crash"):
        raise RuntimeError("boom")
    return JobOutcome(summary="Echoed.", content=b"hello, world", filename="echo.txt", content_type="text/plain")


@pytest.fixture(autouse=True)
def no_calls():
    CALLS.clear()


@pytest.fixture
def officer():
    user = UserFactory(username="officer")
    PersonFactory(name="Sue Allan", user=user)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def enqueue(user, key="echo:1", **parameters) -> Job:
    return job_enqueue(kind="test_echo", title="An echo", user=user, parameters=parameters, key=key)


# --- A job's life ----------------------------------------------------------------------------------


def test_a_job_is_queued_then_run_by_a_worker_and_keeps_its_result(officer):
    queued = enqueue(officer)
    assert queued.status == JobStatus.QUEUED and queued.attempt == 1
    task = DBTaskResult.objects.get()
    assert str(task.id) == queued.task_id and task.task_path == "actionplans.kernel.jobs.tasks.run_job"
    assert task.args_kwargs == {"args": [queued.pk], "kwargs": {}}
    page = client_for(officer).get(queued.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and "Waiting to start" in page

    assert run_pending_jobs() == 1
    done = Job.objects.get()
    assert (done.status, done.summary, bytes(done.result), done.result_size) == (
        JobStatus.SUCCEEDED,
        "Echoed.",
        b"hello, world",
        12,
    )
    assert done.started_at <= done.finished_at and done.progress_done == done.progress_total == 2
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = client_for(officer).get(done.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Done" in page and f'href="{reverse("job_download", args=[done.pk])}" download' in page


def test_the_result_downloads_as_a_private_attachment(officer):
    done = enqueue(officer)
    run_pending_jobs()
    response = client_for(officer).get(reverse("job_download", args=[done.pk]))
    assert response.status_code == 200 and response.content == b"hello, world"
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="echo.txt"'
    assert response["Cache-Control"] == "private, no-store"


def test_a_download_before_the_job_is_done_goes_to_its_page(officer):
    queued = enqueue(officer)
    response = client_for(officer).get(reverse("job_download", args=[queued.pk]))
    assert response.status_code == 302 and response["Location"] == queued.get_absolute_url()


def test_while_running_the_page_refreshes_and_says_how_far_it_has_got(officer):
    running = enqueue(officer)
    Job.objects.filter(pk=running.pk).update(
        status=JobStatus.RUNNING, progress_done=12000, progress_total=20000, progress_unit="rows", stage="Writing"
    )
    page = client_for(officer).get(running.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "In progress" in page and "Writing: 12,000 of 20,000 rows." in page
    assert (
        f'<progress id="job-{running.pk}-bar" class="govuk-!-width-full" max="20000" value="12000">60%</progress>'
        in page
    )


def test_a_failure_is_kept_with_its_reason_and_trying_again_is_a_new_attempt_that_succeeds(officer):
    first = enqueue(officer, fail_first=True)
    run_pending_jobs()
    first.refresh_from_db()
    assert (first.status, first.failure_reason) == (JobStatus.FAILED, "The echo was refused the first time.")
    client = client_for(officer)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "govuk-error-summary" in page and "The echo was refused the first time." in page
    assert f'action="{reverse("job_try_again", args=[first.pk])}"' in page and 'http-equiv="refresh"' not in page

    response = client.post(reverse("job_try_again", args=[first.pk]))
    second = Job.objects.exclude(pk=first.pk).get()
    assert response.status_code == 302 and response["Location"] == second.get_absolute_url()
    assert (second.attempt, second.retry_of, second.parameters, second.key, second.requested_by) == (
        2,
        first,
        first.parameters,
        first.key,
        officer,
    )
    run_pending_jobs()
    second.refresh_from_db()
    assert second.status == JobStatus.SUCCEEDED
    first.refresh_from_db()
    assert first.status == JobStatus.FAILED  # the first attempt stays as it was


def test_only_a_failed_job_is_tried_again(officer):
    done = enqueue(officer)
    run_pending_jobs()
    client_for(officer).post(reverse("job_try_again", args=[done.pk]))
    assert Job.objects.count() == 1 and not DBTaskResult.objects.ready().exists()


def test_an_unexpected_error_fails_the_job_with_a_general_reason_and_the_task_keeps_the_traceback(officer):
    crashed = enqueue(officer, crash=True)
    run_pending_jobs()
    crashed.refresh_from_db()
    assert crashed.status == JobStatus.FAILED and crashed.failure_reason == runner.FAULT
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED" and "RuntimeError: boom" in task.traceback


def test_a_kind_nobody_registered_is_refused_when_asked_for(officer):
    with pytest.raises(LookupError):
        job_enqueue(kind="no_such_kind", title="x", user=officer, parameters={}, key="x")
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()
    assert job_kind("committee_paper_publish").name == "committee_paper_publish"  # registered at start-up


# --- Nothing runs twice ------------------------------------------------------------------------------


def test_asking_again_while_a_job_is_queued_or_running_returns_that_job(officer):
    first = enqueue(officer)
    assert enqueue(officer).pk == first.pk
    Job.objects.filter(pk=first.pk).update(status=JobStatus.RUNNING)
    assert enqueue(officer).pk == first.pk
    assert Job.objects.count() == 1 and DBTaskResult.objects.count() == 1
    Job.objects.filter(pk=first.pk).update(status=JobStatus.SUCCEEDED)
    assert enqueue(officer).pk != first.pk  # once it has finished, asking again is a new job
    assert enqueue(officer, key="echo:2").pk not in {first.pk}


def test_the_database_refuses_a_second_active_job_with_the_same_key(officer):
    enqueue(officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="test_echo", title="Again", requested_by=officer, key="echo:1")
    Job.objects.create(kind="test_echo", title="Done", key="echo:1", status=JobStatus.SUCCEEDED)  # not active


def test_a_task_delivered_twice_runs_the_job_once(officer):
    queued = enqueue(officer)
    run_job.enqueue(queued.pk)  # the same job delivered again
    assert run_pending_jobs() == 2
    assert CALLS == [queued.pk]
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == ["skipped", "succeeded"]


def test_a_second_claim_of_a_job_gets_nothing(officer):
    queued = enqueue(officer)
    assert job_claim(queued.pk).status == JobStatus.RUNNING
    assert job_claim(queued.pk) is None
    assert runner.job_run(queued.pk) == "skipped" and CALLS == []


# --- Who may see a job, and access checked again in the worker ----------------------------------------


def test_another_user_gets_not_found_for_the_page_the_download_and_try_again(officer):
    done = enqueue(officer)
    run_pending_jobs()
    colleague = client_for(UserFactory(username="colleague"))
    assert colleague.get(done.get_absolute_url()).status_code == 404
    assert colleague.get(reverse("job_download", args=[done.pk])).status_code == 404
    assert colleague.post(reverse("job_try_again", args=[done.pk])).status_code == 404
    assert done.title not in colleague.get(reverse("job_list")).content.decode()
    manager = client_for(SupportUserFactory(username="support"))
    assert manager.get(reverse("job_download", args=[done.pk])).content == b"hello, world"
    assert done.title in manager.get(reverse("job_list")).content.decode()
    assert done.title in client_for(officer).get(reverse("job_list")).content.decode()


def test_access_lost_between_asking_and_running_fails_the_job_with_a_clear_reason(officer):
    action = ActionFactory(lead=officer.person)  # the officer reads the plan of their action
    queued = enqueue(officer, plan=action.plan.pk)
    action.lead = PersonFactory()
    action.save()  # ...until the action goes to somebody else
    run_pending_jobs()
    queued.refresh_from_db()
    assert queued.status == JobStatus.FAILED and queued.failure_reason == runner.ACCESS_GONE
    assert CALLS == [queued.pk]
    assert (
        "may no longer see or change what it works on"
        in client_for(officer).get(queued.get_absolute_url()).content.decode()
    )


def test_a_job_of_an_account_made_inactive_fails_without_running(officer):
    queued = enqueue(officer)
    officer.is_active = False
    officer.save()
    run_pending_jobs()
    queued.refresh_from_db()
    assert queued.failure_reason == runner.ACCOUNT_GONE and CALLS == []


def test_a_job_whose_worker_went_silent_is_failed_so_it_can_be_tried_again(officer, settings):
    settings.TRACKER_JOB_STALE_MINUTES = 30
    queued = enqueue(officer)
    job_claim(queued.pk)
    now = timezone.now()
    assert jobs_mark_stalled(now=now + datetime.timedelta(minutes=29)) == 0
    assert jobs_mark_stalled(now=now + datetime.timedelta(minutes=31)) == 1
    queued.refresh_from_db()
    assert queued.status == JobStatus.FAILED and queued.failure_reason == STALLED


# --- The worker command and the daily schedule --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_what_is_queued():
    """Through the real worker loop (run_worker --batch): queued, claimed, run, stored."""
    officer = UserFactory(username="officer")
    queued = enqueue(officer)
    call_command("run_worker", "--batch", "--no-schedule", "--worker-id", "test", verbosity=0)
    queued.refresh_from_db()
    assert queued.status == JobStatus.SUCCEEDED and bytes(queued.result) == b"hello, world"
    assert DBTaskResult.objects.get().worker_ids == ["test"]


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def reminders(jobs: list[Job]) -> list[Job]:
    """The daily reminders among the scheduled jobs queued (removing old jobs is queued with them:
    tests/kernel/test_job_retention.py)."""
    return [job for job in jobs if job.kind == DAILY_REMINDERS]


def test_the_daily_reminders_are_queued_once_a_day_at_their_time_however_often_asked(settings):
    settings.TRACKER_REMINDERS_AT = datetime.time(7, 30)
    day = datetime.date(2021, 11, 4)
    assert schedule.enqueue_due(now=at(day, 7, 29)) == []
    [first] = reminders(schedule.enqueue_due(now=at(day, 7, 30)))
    assert (first.kind, first.title, first.parameters, first.requested_by) == (
        DAILY_REMINDERS,
        "Daily reminders, 4 November 2021",
        {"date": "2021-11-04"},
        None,
    )
    assert schedule.enqueue_due(now=at(day, 7, 31)) == []  # a second worker, a minute later
    run_pending_jobs()
    assert schedule.enqueue_due(now=at(day, 18)) == []  # and after it has run
    assert Job.objects.filter(kind=DAILY_REMINDERS).count() == 1
    [second] = reminders(schedule.enqueue_due(now=at(day + datetime.timedelta(days=1), 9)))
    assert second.parameters == {"date": "2021-11-05"}


def test_two_workers_racing_for_the_same_day_queue_it_once():
    slot = f"{DAILY_REMINDERS}:2021-11-04"
    job_enqueue(
        kind=DAILY_REMINDERS, title="Daily", user=None, parameters={"date": "2021-11-04"}, key=slot, schedule_slot=slot
    )
    Job.objects.update(status=JobStatus.SUCCEEDED)
    with pytest.raises(IntegrityError):  # the slot is taken even once that job has finished
        job_enqueue(
            kind=DAILY_REMINDERS,
            title="Daily",
            user=None,
            parameters={"date": "2021-11-04"},
            key=slot,
            schedule_slot=slot,
        )
    assert Job.objects.count() == 1


def test_the_daily_reminders_job_sends_what_is_due_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TRACKER_AS_AT = None
    day = timezone.localdate()
    ActionFactory(plan=PlanFactory(), target_date=day - datetime.timedelta(days=3))  # overdue
    [queued] = reminders(schedule.enqueue_due(now=at(day, 23, 59)))
    run_pending_jobs()
    queued.refresh_from_db()
    assert queued.status == JobStatus.SUCCEEDED, queued.failure_reason
    assert len(mail.outbox) == 1 and queued.summary.startswith(f"As at {day:%-d %B %Y}: sent 1 e-mail")
    call_command("send_reminders", stdout=io.StringIO())  # the cron command sends nothing more
    assert len(mail.outbox) == 1
