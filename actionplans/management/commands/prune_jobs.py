"""python manage.py prune_jobs [--dry-run]

Removes the background jobs (and the files they made, kept in their rows) that finished more
than TRACKER_JOB_KEEP_DAYS days ago, as actionplans.kernel.jobs.retention explains; jobs still
queued or running are never removed. It prints each job it removes and what that came to. The
workers (run_worker) do the same once a day, so this is for cron only where no worker runs, or
to see what would go: --dry-run lists them and removes nothing.
"""

from django.core.management.base import BaseCommand

from actionplans.kernel.jobs.retention import jobs_prune


class Command(BaseCommand):
    help = "Remove finished background jobs, and their results, older than TRACKER_JOB_KEEP_DAYS days."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the jobs that would be removed; remove none.")

    def handle(self, *args, dry_run=False, **options):
        pruned = jobs_prune(dry_run=dry_run)
        for job in pruned.jobs:
            self.stdout.write(f"{'Would remove' if dry_run else 'Removed'} {job}")
        self.stdout.write(pruned.summary(dry_run=dry_run))
