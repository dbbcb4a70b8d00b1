"""python manage.py check_latest_updates [--fix]

Each action keeps its newest progress update's status, RAG and time (see
actionplans.plans.latest). This recomputes them from the updates and lists every action whose
kept values differ, exiting non-zero if any does; --fix rewrites those actions' values from
their updates instead, and exits non-zero only if any still differ afterwards.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actionplans.plans.latest import Disagreement, NewestUpdate, latest_disagreements, repair_latest


def _described(values: NewestUpdate) -> str:
    status, rag, reported_at = values
    if reported_at is None and status is None and rag is None:
        return "no update"
    when = timezone.localtime(reported_at).isoformat(timespec="seconds") if reported_at else "no date"
    return f"status {status or 'none'}, RAG {rag or 'none'}, reported {when}"


class Command(BaseCommand):
    help = (
        "Check that every action's kept newest update (status, RAG, date) agrees with its progress "
        "updates; with --fix, repair those that do not."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite disagreeing actions from their updates.")

    def handle(self, *args, fix=False, **options):
        found = latest_disagreements()
        for disagreement in found:
            self.stdout.write(self._line(disagreement))
        if not found:
            self.stdout.write("Every action's newest update agrees with its progress updates.")
            return
        if not fix:
            raise CommandError(
                f"{self._actions(len(found))} disagree with their progress updates. Run with --fix to repair them."
            )
        still_wrong = repair_latest(found)
        if still_wrong:
            raise CommandError(f"{self._actions(len(still_wrong))} still disagree after repair.")
        self.stdout.write(f"Repaired {self._actions(len(found))}.")

    @staticmethod
    def _line(disagreement: Disagreement) -> str:
        return (
            f"Action {disagreement.action_id}: holds {_described(disagreement.kept)}; "
            f"its updates say {_described(disagreement.fresh)}."
        )

    @staticmethod
    def _actions(count: int) -> str:
        return f"{count} action{'' if count == 1 else 's'}"
