"""python manage.py run_worker [--interval SECONDS] [--batch] [--worker-id ID] [--no-schedule] [--reload]

Runs background jobs (actionplans.kernel.jobs): committee papers, plan reports, large exports
and imports, update rounds' e-mails. Start one or more beside the web server (see README,
"Running in production"); they share the queue through the database, so several worker
machines can serve one PostgreSQL database (on SQLite, run one).

It is django-tasks-db's worker (`db_worker`) with two things added between its batches of work:
it queues the scheduled jobs that are due (at TRACKER_REMINDERS_AT, once a day whichever worker
comes first: the daily reminders, and removing the finished jobs older than
TRACKER_JOB_KEEP_DAYS, as `prune_jobs` does), and it fails running jobs whose worker has gone
silent for TRACKER_JOB_STALE_MINUTES, so they can be tried again. Ctrl+C or SIGTERM stops it after the job
in hand; a second one stops it at once.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils.autoreload import run_with_reloader
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from actionplans.kernel.jobs.schedule import enqueue_due
from actionplans.kernel.jobs.services import jobs_mark_stalled

logger = logging.getLogger("actionplans.worker")


def new_worker(*, worker_id: str | None = None, interval: float = 1) -> Worker:
    """django-tasks-db's worker, in batch mode: each run() takes every task that is ready, then returns."""
    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id or get_random_string(32),
        excluded_queue_names=[],
    )


def housekeeping() -> None:
    """Queue the scheduled jobs that are due and give up on stalled ones. A database that is busy
    (SQLite locked by a request) only delays this to the next turn."""
    try:
        for job in enqueue_due():
            logger.info("Queued the scheduled job %s (%s)", job.pk, job.title)
        if stalled := jobs_mark_stalled():
            logger.warning("Marked %s stalled job(s) as failed", stalled)
    except DatabaseError:
        logger.exception("Could not queue scheduled jobs this time; trying again at the next turn")


class Command(BaseCommand):
    help = (
        "Run background jobs, and queue the daily reminders and the removal of old finished jobs once a day "
        "at TRACKER_REMINDERS_AT."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when there is no work (default 1)."
        )
        parser.add_argument("--batch", action="store_true", help="Do every job that is waiting, then stop.")
        parser.add_argument("--worker-id", help="A name for this worker, unique among the workers (default: random).")
        parser.add_argument(
            "--no-schedule", action="store_true", help="Do not queue the scheduled jobs (reminders, pruning) from here."
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            default=False,
            help="Restart when the code changes (for development; a job in hand is stopped).",
        )

    def handle(self, *args, interval=1.0, batch=False, worker_id=None, no_schedule=False, reload=False, **options):
        if interval < 0:
            interval = 0
        worker = new_worker(worker_id=worker_id, interval=interval)
        # The worker's own lines ("Starting worker", "No more tasks") come at every turn of the
        # loop here, each second: only with -v 2. Each task's start and end (django_tasks) stay.
        logging.getLogger("django_tasks_db").setLevel(logging.INFO if options["verbosity"] > 1 else logging.WARNING)

        def loop():
            worker.configure_signals()
            at = f"{settings.TRACKER_REMINDERS_AT:%H:%M}"
            self.stdout.write(
                f"Worker {worker.worker_id} started; the daily reminders, and removing finished jobs older than "
                f"{settings.TRACKER_JOB_KEEP_DAYS} days, are queued at {at}."
            )
            while worker.running:
                if not no_schedule:
                    housekeeping()
                worker.run()
                if batch:
                    return
                time.sleep(interval)

        if reload and not batch:
            run_with_reloader(loop)
        else:
            loop()
