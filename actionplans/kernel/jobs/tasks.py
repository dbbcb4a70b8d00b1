"""The one task the queue carries: run a Job by its id. Everything a job needs is in its row."""

from django_tasks import task

from actionplans.kernel.jobs.runner import job_run


@task()
def run_job(job_id: int) -> str:
    return job_run(job_id)
