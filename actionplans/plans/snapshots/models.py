"""The RAG of every action at the end of each recorded period, and each plan's counts of them
(see the package's docstring)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from actionplans.plans.models import Action, Plan
from actionplans.plans.rag import Rag


class RagSnapshotPeriod(models.Model):
    """A period end whose snapshots are kept: its rows exist for every action created by then."""

    period_end = models.DateField(primary_key=True)
    cutoff = models.DateTimeField(
        help_text="The first moment after the period end, local time: what was reported or revised "
        "before it counts, and actions created before it exist."
    )
    stale_before = models.DateTimeField(
        help_text="The first moment of the day a reporting cycle before the period end: an open action "
        "whose newest update is older had an update due."
    )
    cycle_days = models.PositiveIntegerField(help_text="The reporting cycle the rows were worked out with.")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period_end"]

    def __str__(self):
        return f"RAG snapshots at the end of {self.period_end:%-d %B %Y}"


class RagSnapshot(models.Model):
    """What the RAG rules (actionplans.plans.rag) gave one action at the end of one period."""

    # The unique (period, action) index serves lookups by period; no index of its own.
    period = models.ForeignKey(RagSnapshotPeriod, on_delete=models.CASCADE, related_name="snapshots", db_index=False)
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="rag_snapshots")
    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        help_text="The action's plan when the row was written, so a move recounts the plan it left.",
    )
    rag = models.CharField(
        "RAG", max_length=10, blank=True, choices=Rag.choices, help_text="Empty: not yet reported on, and not overdue."
    )
    is_overdue = models.BooleanField()
    is_update_due = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "action"], name="rag_snapshot_one_per_action_and_period"),
            models.CheckConstraint(condition=Q(rag__in=[*Rag.values, ""]), name="rag_snapshot_rag_valid"),
            models.CheckConstraint(condition=~Q(is_overdue=True) | Q(rag=Rag.RED), name="rag_snapshot_overdue_is_red"),
            models.CheckConstraint(
                condition=~Q(is_update_due=True) | ~Q(rag=Rag.BLUE), name="rag_snapshot_complete_has_no_update_due"
            ),
        ]
        indexes = [models.Index(fields=["plan", "period"], name="rag_snapshot_plan_period")]

    def __str__(self):
        return f"{self.action} at the end of {self.period_id:%-d %B %Y}: {self.rag or 'not yet reported'}"


class RagSnapshotCount(models.Model):
    """How many of a plan's actions showed each RAG at the end of a period: its RagSnapshot rows
    counted, so that a dashboard adds up a row per plan rather than counting a row per action."""

    period = models.ForeignKey(RagSnapshotPeriod, on_delete=models.CASCADE, related_name="counts", db_index=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rag_snapshot_counts")
    blue = models.PositiveIntegerField()
    green = models.PositiveIntegerField()
    amber = models.PositiveIntegerField()
    red = models.PositiveIntegerField()
    not_reported = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()
    update_due = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "plan"], name="rag_snapshot_count_one_per_plan_and_period"),
            models.CheckConstraint(
                condition=Q(overdue__lte=models.F("red")), name="rag_snapshot_count_overdue_are_red"
            ),
        ]

    def __str__(self):
        return f"RAG counts of {self.plan} at the end of {self.period_id:%-d %B %Y}"
