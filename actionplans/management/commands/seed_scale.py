"""python manage.py seed_scale [--actions N] [--seed S] [--today YYYY-MM-DD] [--flush] [--digest]

Fills an EMPTY database with a generated council (actionplans.scale): --actions 20000 is council
scale, 100000 county scale. The same seed on the same day gives the same rows. For the benchmark
(bench/) and for trying pages at scale; never for a database with real data in it.
"""

from __future__ import annotations

import datetime
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from actionplans import scale


class Command(BaseCommand):
    help = "Fill an empty database with a generated council's plans, actions and updates (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--actions",
            type=int,
            default=scale.COUNCIL_ACTIONS,
            help=f"How many actions; everything else scales with it (default {scale.COUNCIL_ACTIONS}: a council).",
        )
        parser.add_argument("--seed", type=int, default=1, help="The random seed (default 1).")
        parser.add_argument(
            "--today", help="Lay the dates out around this day, YYYY-MM-DD (default: the tracker's today)."
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Empty EVERY table first (Django's flush: all rows, users included), then fill it.",
        )
        parser.add_argument("--digest", action="store_true", help="Print a digest of the rows written.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias (default 'default').")

    def handle(self, *args, **options):
        actions, using = options["actions"], options["database"]
        if actions < scale.MIN_ACTIONS:
            raise CommandError(f"--actions must be {scale.MIN_ACTIONS} or more.")
        today = self._today(options["today"])
        existing = scale.holds_data(using)
        if existing and not options["flush"]:
            held = ", ".join(f"{count} {name}" for name, count in existing.items())
            raise CommandError(
                f"The database already holds data ({held}); nothing has been written. seed_scale fills only "
                "an empty database. --flush empties every table first (all rows, users included) and then fills it."
            )
        if options["flush"]:
            call_command("flush", interactive=False, database=using, verbosity=0)
        started = time.perf_counter()
        report = scale.seed_scale(actions=actions, seed=options["seed"], today=today, using=using)
        scale.analyse(using)
        elapsed = time.perf_counter() - started
        counts = ", ".join(f"{count:,} {name}" for name, count in report.counts.items())
        self.stdout.write(f"Generated in {elapsed:.1f} s: {counts}.")
        self.stdout.write(
            f"Featured: the plan “{scale.FEATURED_PLAN}” ({report.featured_plan_actions:,} actions); "
            f"the next meeting of {scale.FEATURED_BODY} ({report.featured_list_items:,} items on its monitoring "
            f"list); the officer responsible for {report.officer_open_actions:,} open actions."
        )
        self.stdout.write(f"Accounts (password: {report.password}, or ${scale.PASSWORD_ENV} when set):")
        for username, role in scale.ACCOUNTS.items():
            self.stdout.write(f"  {username:<8} {role}")
        if options["digest"]:
            self.stdout.write(f"Digest: {scale.dataset_digest(using)}")

    @staticmethod
    def _today(value: str | None) -> datetime.date | None:
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--today must be a date like 2025-03-31, not {value!r}.") from None
