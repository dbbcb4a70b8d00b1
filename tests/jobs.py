"""Running queued background jobs in a test, through the real queue.

Jobs are queued on django-tasks-db's database backend, as in production. `run_pending_jobs()`
does what a worker does for each ready task (claim it, then `Worker.run_task`), without the
worker's loop, whose `close_old_connections()` would close the test's connection inside its
transaction on PostgreSQL. tests/test_jobs.py runs the real `run_worker` command too.
"""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from actionplans.kernel.jobs.models import Job
from actionplans.management.commands.run_worker import new_worker


def run_pending_jobs() -> int:
    """Run every task that is ready, as a worker would; returns how many ran."""
    worker = new_worker(worker_id="test-worker", interval=0)
    ran = 0
    while (task_result := DBTaskResult.objects.ready().first()) is not None:
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1
    return ran


def job_from(response) -> Job:
    """The job whose page a response redirects to."""
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert location.startswith("/jobs/"), location
    return Job.objects.get(pk=int(location.strip("/").split("/")[1]))
