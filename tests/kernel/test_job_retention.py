"""Finished jobs are kept TRACKER_JOB_KEEP_DAYS days after the day they finished, then removed
with their results (actionplans.kernel.jobs.retention): by `manage.py prune_jobs`, and by the
workers once a day. Jobs still queued or running are never removed."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.kernel.jobs import schedule
from actionplans.kernel.jobs.models import Job, JobStatus
from actionplans.kernel.jobs.retention import PRUNE_JOBS, jobs_prune, keep_from
from actionplans.meetings.jobs import DAILY_REMINDERS
from tests.conftest import signed_in
from tests.factories import SupportUserFactory
from tests.jobs import run_pending_jobs
from tests.project.test_settings import run_manage

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2021, 12, 4)


def moment(day: datetime.date, hour=0, minute=0, second=0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute, second)))


NOW = moment(TODAY, 9)


@pytest.fixture(autouse=True)
def keep_thirty_days(settings):
    settings.TRACKER_JOB_KEEP_DAYS = 30
    settings.TRACKER_AS_AT = None


def finished(title, at, *, status=JobStatus.SUCCEEDED, result=None, **fields) -> Job:
    return Job.objects.create(
        kind="plan_report",
        title=title,
        key=f"test:{title}",
        status=status,
        created_at=at - datetime.timedelta(minutes=5),
        finished_at=at,
        failure_reason="It failed." if status == JobStatus.FAILED else "",
        result=result,
        result_size=len(result) if result is not None else None,
        result_filename="report.pdf" if result is not None else "",
        **fields,
    )


def titles() -> set[str]:
    return set(Job.objects.values_list("title", flat=True))


def test_kept_from_the_day_the_setting_counts_back_to(settings):
    assert keep_from(now=NOW) == datetime.date(2021, 11, 4)
    settings.TRACKER_JOB_KEEP_DAYS = 1
    assert keep_from(now=NOW) == datetime.date(2021, 12, 3)


def test_a_job_that_finished_on_the_cut_off_day_is_kept_and_one_the_day_before_is_removed():
    cut_off = datetime.date(2021, 11, 4)
    finished("first moment of the cut-off day", moment(cut_off))
    finished("last moment of the cut-off day", moment(cut_off, 23, 59, 59))
    finished("last moment of the day before", moment(cut_off - datetime.timedelta(days=1), 23, 59, 59))
    finished("long ago", moment(datetime.date(2020, 1, 1)), status=JobStatus.FAILED)
    pruned = jobs_prune(now=NOW)
    assert [job.title for job in pruned.jobs] == ["long ago", "last moment of the day before"]
    assert titles() == {"first moment of the cut-off day", "last moment of the cut-off day"}


def test_jobs_still_queued_or_running_are_never_removed_however_old():
    old = moment(datetime.date(2020, 1, 1))
    for status in (JobStatus.QUEUED, JobStatus.RUNNING):
        Job.objects.create(kind="plan_report", title=status, key=f"test:{status}", status=status, created_at=old)
    assert jobs_prune(now=NOW).jobs == []
    assert titles() == {"queued", "running"}


def test_a_finished_job_without_a_finish_time_counts_from_when_it_was_asked_for():
    job = finished("by hand", moment(datetime.date(2021, 11, 1)))
    Job.objects.filter(pk=job.pk).update(finished_at=None)
    assert [pruned.title for pruned in jobs_prune(now=NOW).jobs] == ["by hand"]


def test_a_removed_jobs_result_file_goes_with_it_and_loads_no_result_on_the_way():
    pdf = b"%PDF-1.7 " + b"x" * 5000
    old = finished("old report", moment(datetime.date(2021, 10, 1)), result=pdf)
    kept = finished("new report", moment(datetime.date(2021, 12, 1)), result=pdf)
    manager = signed_in(SupportUserFactory())
    assert manager.get(reverse("job_download", args=[old.pk])).content == pdf
    with CaptureQueriesContext(connection) as queries:
        pruned = jobs_prune(now=NOW)
    assert pruned.result_bytes == len(pdf)
    assert not any('"result"' in query["sql"] for query in queries.captured_queries)  # the bytes stay unread
    assert not Job.objects.filter(pk=old.pk).exists()
    assert manager.get(reverse("job_download", args=[old.pk])).status_code == 404
    assert manager.get(reverse("job_detail", args=[old.pk])).status_code == 404
    # What is left of results is the kept job's, byte for byte.
    assert [bytes(result) for result in Job.objects.values_list("result", flat=True)] == [pdf]
    assert manager.get(reverse("job_download", args=[kept.pk])).content == pdf


def test_a_kept_attempt_of_a_removed_one_stays_and_loses_only_its_link_to_it():
    first = finished("attempt 1", moment(datetime.date(2021, 10, 1)), status=JobStatus.FAILED)
    second = finished("attempt 2", moment(datetime.date(2021, 11, 20)), attempt=2, retry_of=first)
    jobs_prune(now=NOW)
    second.refresh_from_db()
    assert titles() == {"attempt 2"} and second.retry_of is None and second.attempt == 2


def test_the_scheduled_jobs_of_the_trackers_today_are_kept_so_they_are_not_queued_again(settings):
    """With TRACKER_AS_AT set, the schedule's day stands still: its jobs are kept however old,
    or the workers would queue that day's reminders again once they were removed."""
    settings.TRACKER_AS_AT = datetime.date(2021, 11, 4)
    settings.TRACKER_REMINDERS_AT = datetime.time(7, 30)
    day_queued = schedule.enqueue_due(now=moment(settings.TRACKER_AS_AT, 8))
    assert {job.kind for job in day_queued} == {DAILY_REMINDERS, PRUNE_JOBS}
    Job.objects.update(status=JobStatus.SUCCEEDED, finished_at=moment(datetime.date(2021, 1, 1)))
    other_day = f"{DAILY_REMINDERS}:2021-11-03"
    finished("yesterday's reminders", moment(datetime.date(2021, 1, 1)), schedule_slot=other_day)
    assert [job.title for job in jobs_prune(now=NOW).jobs] == ["yesterday's reminders"]
    assert Job.objects.count() == 2
    assert schedule.enqueue_due(now=moment(settings.TRACKER_AS_AT, 9)) == []


# --- The command -----------------------------------------------------------------------------------


def prune_command(*args) -> str:
    out = io.StringIO()
    call_command("prune_jobs", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_what_it_removed():
    old = finished("Progress report: Attainment", timezone.now() - datetime.timedelta(days=40), result=b"x" * 2048)
    finished("Progress report: recent", timezone.now() - datetime.timedelta(days=2))
    output = prune_command()
    day = f"{timezone.localtime(old.finished_at):%-d %B %Y}"
    assert f"Removed Job {old.pk}: Progress report: Attainment (done, finished {day}, 2.0\xa0KB result)" in output
    kept_from = (timezone.localdate() - datetime.timedelta(days=30)).strftime("%-d %B %Y")
    assert (
        f"Finished jobs are kept 30 days (TRACKER_JOB_KEEP_DAYS), so from {kept_from}: "
        "removed 1 job that finished before then, with 2.0\xa0KB of results."
    ) in output
    assert titles() == {"Progress report: recent"}
    assert "no job finished before then, so none was removed." in prune_command()


def test_a_dry_run_lists_what_would_go_and_removes_nothing():
    old = finished("Progress report: Attainment", timezone.now() - datetime.timedelta(days=40))
    output = prune_command("--dry-run")
    assert f"Would remove Job {old.pk}: Progress report: Attainment" in output
    assert "would remove 1 job that finished before then." in output
    assert titles() == {"Progress report: Attainment"}


# --- The workers do it daily ---------------------------------------------------------------------


def test_the_workers_queue_the_prune_once_a_day_with_the_reminders_and_it_removes_old_jobs(settings):
    settings.TRACKER_REMINDERS_AT = datetime.time(7, 30)
    today = timezone.localdate()
    finished("Progress report: old", timezone.now() - datetime.timedelta(days=31))
    assert schedule.enqueue_due(now=moment(today, 7, 29)) == []
    queued = schedule.enqueue_due(now=moment(today, 7, 30))
    assert sorted(job.kind for job in queued) == sorted([DAILY_REMINDERS, PRUNE_JOBS])
    assert schedule.enqueue_due(now=moment(today, 7, 31)) == []  # a second worker, a minute later
    run_pending_jobs()
    prune = Job.objects.get(kind=PRUNE_JOBS)
    assert prune.status == JobStatus.SUCCEEDED, prune.failure_reason
    assert prune.summary.endswith("removed 1 job that finished before then.")
    assert "Progress report: old" not in titles()
    page = signed_in(SupportUserFactory()).get(reverse("job_detail", args=[prune.pk])).content.decode()
    assert prune.summary in page


# --- The setting ---------------------------------------------------------------------------------


def test_the_keep_days_come_from_the_environment_and_must_be_one_or_more():
    script = "from django.conf import settings; print(settings.TRACKER_JOB_KEEP_DAYS)"
    default = run_manage("shell", "--verbosity", "0", "-c", script, env={"DEBUG": "true"})
    assert default.stdout.strip() == "30"
    given = run_manage("shell", "--verbosity", "0", "-c", script, env={"DEBUG": "true", "TRACKER_JOB_KEEP_DAYS": "7"})
    assert given.stdout.strip() == "7"
    refused = run_manage("check", env={"DEBUG": "true", "TRACKER_JOB_KEEP_DAYS": "0"})
    assert refused.returncode != 0 and "TRACKER_JOB_KEEP_DAYS must be 1 or more" in refused.stderr
