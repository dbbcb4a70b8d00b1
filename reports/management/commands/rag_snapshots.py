"""python manage.py rag_snapshots [--rebuild | --check]

The dashboards' RAG over time reads the RAG snapshots kept at each month-end
(actionplans.plans.snapshots). A dashboard records a month-end the first time it needs one that
has passed, which takes a few seconds at council scale; run this command daily from cron (after
midnight) so that no visitor waits for it:

* with no option, records the month-ends the dashboards show that have passed (as at
  clock.today()), and forgets those older than any dashboard shows;
* --rebuild then works out every kept row again from scratch (after changing the time zone, or
  to repair rows a failed deployment left behind);
* --check writes nothing: it compares every kept row and count with a computation from scratch
  (actionplans.plans.timeline, in Python) and exits non-zero, listing what differs, if anything
  does. It reads every update, so it takes a while at council scale.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from actionplans.kernel import clock
from actionplans.plans.snapshots.reading import snapshots_check
from actionplans.plans.snapshots.writer import periods_forget, periods_record, snapshots_rebuild
from reports.dashboard.history import period_ends_shown

SHOWN_AT_MOST = 20  # discrepancies listed; the count says how many in all


class Command(BaseCommand):
    help = "Keep the month-end RAG snapshots the dashboards read: record, rebuild or check them."

    def add_arguments(self, parser):
        options = parser.add_mutually_exclusive_group()
        options.add_argument("--rebuild", action="store_true", help="Work out every kept snapshot again from scratch.")
        options.add_argument(
            "--check", action="store_true", help="Compare every kept snapshot with a computation from scratch."
        )

    def handle(self, *args, rebuild=False, check=False, **options):
        if check:
            self._check()
            return
        ends = period_ends_shown(on=clock.today())
        written = periods_record(ends)
        forgotten = periods_forget(before=ends[0]) if ends else 0
        self.stdout.write(
            f"Month-ends kept: {len(ends)} ({ends[0]:%-d %B %Y} to {ends[-1]:%-d %B %Y}); "
            f"recorded now: {len(written)}; forgotten: {forgotten}."
        )
        if rebuild:
            rows = snapshots_rebuild()
            self.stdout.write(f"Rebuilt: {rows} action snapshots.")

    def _check(self):
        discrepancies = snapshots_check()
        if not discrepancies:
            self.stdout.write("Every kept RAG snapshot agrees with a computation from scratch.")
            return
        for discrepancy in discrepancies[:SHOWN_AT_MOST]:
            self.stdout.write(str(discrepancy))
        raise CommandError(
            f"{len(discrepancies)} kept RAG snapshot(s) disagree with a computation from scratch; "
            "run `manage.py rag_snapshots --rebuild` to work them out again."
        )
