"""What a body decides about the items on its monitoring list at each meeting, and the
rounds of updates democratic support chase before a meeting.

Registered with the core app through actionplans/models.py.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from actionplans.kernel.audit import AuditedQuerySet


class SignOffDecision(models.TextChoices):
    ACCEPTED_COMPLETE = "accepted_complete", "Accepted as complete"
    NOT_ACCEPTED = "not_accepted", "Not accepted as complete"
    REJECTION_REPORTED = "rejection_reported", "Rejected recommendation reported"
    CARRIED_FORWARD = "carried_forward", "Noted: stays on the list"

    @classmethod
    def removing(cls):
        """Decisions after which the item leaves the list for later meetings."""
        return [cls.ACCEPTED_COMPLETE, cls.REJECTION_REPORTED]


class MonitoringDecision(models.Model):
    """A body's decision, at one meeting, on one item of its monitoring list: a
    recommendation, or an action agreed with no recommendation."""

    meeting = models.ForeignKey("partners.Meeting", on_delete=models.PROTECT, related_name="decisions")
    recommendation = models.ForeignKey(
        "recommendations.Recommendation", on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    action = models.ForeignKey(
        "actionplans.Action", on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    decision = models.CharField(max_length=30, choices=SignOffDecision.choices)
    comment = models.TextField(blank=True, max_length=4000)
    recorded_by = models.ForeignKey(
        "partners.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(recommendation__isnull=False) & Q(action__isnull=True))
                | (Q(recommendation__isnull=True) & Q(action__isnull=False)),
                name="decision_on_exactly_one_item",
            ),
            models.CheckConstraint(condition=Q(decision__in=SignOffDecision.values), name="decision_valid"),
            models.CheckConstraint(
                condition=~Q(decision=SignOffDecision.NOT_ACCEPTED) | ~Q(comment=""),
                name="decision_not_accepted_has_comment",
            ),
            models.UniqueConstraint(
                fields=["meeting", "recommendation"],
                condition=Q(recommendation__isnull=False),
                name="decision_once_per_recommendation_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "action"],
                condition=Q(action__isnull=False),
                name="decision_once_per_action_per_meeting",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.recommendation or self.action} ({self.meeting})"


class UpdateRound(models.Model):
    """Before a meeting, democratic support ask every officer with an item on its list for an update."""

    meeting = models.ForeignKey("partners.Meeting", on_delete=models.PROTECT, related_name="update_rounds")
    deadline = models.DateField()
    message = models.TextField(blank=True, max_length=4000)
    started_by = models.ForeignKey("partners.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting"], name="one_update_round_per_meeting"),
        ]

    def __str__(self):
        return f"Update round for {self.meeting} (deadline {date_format(self.deadline)})"


class ReminderKind(models.TextChoices):
    ROUND_REQUEST = "round_request", "Update round request"
    ROUND_REMINDER = "round_reminder", "Update round reminder"
    ROUND_DEADLINE = "round_deadline", "Update round deadline near"
    DUE_SOON = "due_soon", "Action due soon"
    OVERDUE = "overdue", "Action overdue"
    UPDATE_DUE = "update_due", "Update due"


class SentReminder(models.Model):
    """One e-mail sent for one trigger. The unique key makes every trigger send once only,
    however often the daily command runs."""

    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    key = models.CharField(max_length=200, help_text="What fired it, e.g. the action, its target date and the person.")
    person = models.ForeignKey("partners.Person", on_delete=models.CASCADE, related_name="reminders")
    update_round = models.ForeignKey(
        UpdateRound, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey("partners.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="reminder_once_per_trigger"),
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.person} ({self.sent_at:%d %b %Y})"
