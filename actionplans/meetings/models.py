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


# --- The agenda and the minutes -------------------------------------------------------------


class Numbering(models.TextChoices):
    """How the minutes number the clauses of a RESOLVED decision."""

    ROMAN = "roman", "(i), (ii), (iii) …"
    LETTERS = "letters", "(a), (b), (c) …"


def clause_number(style: str, position: int) -> str:
    """The printed label of the clause at `position` (from 1): "i", "ii" or "a", "b"."""
    if style == Numbering.LETTERS:
        out, number = "", position
        while number > 0:
            number, remainder = divmod(number - 1, 26)
            out = chr(ord("a") + remainder) + out
        return out
    numerals = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"))
    numerals += ((40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out, number = "", position
    for value, numeral in numerals:
        count, number = divmod(number, value)
        out += numeral * count
    return out


class AgendaItem(models.Model):
    """One numbered item of a meeting's agenda, and its minute: what was discussed, what was
    RESOLVED (the clauses, Resolution) and the actions AGREED (AgreedAction)."""

    meeting = models.ForeignKey("partners.Meeting", on_delete=models.CASCADE, related_name="agenda_items")
    number = models.PositiveIntegerField(help_text="The item's number on the agenda.")
    title = models.CharField(max_length=500)
    presenter = models.ForeignKey(
        "partners.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presented_items",
        help_text="The officer who presents the item.",
    )
    summary = models.TextField(
        blank=True, max_length=4000, help_text="What the agenda prints under the title, e.g. whose report it is."
    )
    report_title = models.CharField(
        max_length=500, blank=True, help_text="The report the meeting considered, as its cover titles it."
    )
    outcome = models.CharField(max_length=300, blank=True, help_text='For example, "Received and noted".')
    discussion = models.TextField(blank=True, max_length=20000, help_text="The minute of the discussion.")
    numbering = models.CharField(max_length=10, choices=Numbering.choices, default=Numbering.ROMAN)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every edit, so two people editing at once cannot overwrite each other.",
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_number_unique_in_meeting"),
            models.CheckConstraint(condition=Q(number__gte=1), name="agenda_item_number_positive"),
            models.CheckConstraint(condition=~Q(title=""), name="agenda_item_title_not_blank"),
            models.CheckConstraint(condition=Q(numbering__in=Numbering.values), name="agenda_item_numbering_valid"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("meeting_agenda", args=[self.meeting_id]) + f"#item-{self.number}"


class Resolution(models.Model):
    """One clause of what the meeting RESOLVED on an agenda item, verbatim; numbered by its
    position in the item's numbering style. A clause of one item with no siblings is printed
    unnumbered, as councils print "RESOLVED: That …"."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="resolutions")
    position = models.PositiveIntegerField()
    text = models.TextField(max_length=10000)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="resolution_position_unique_in_item"),
            models.CheckConstraint(condition=~Q(text=""), name="resolution_text_not_blank"),
        ]

    def __str__(self):
        return self.text[:80]


class AgreedAction(models.Model):
    """An action AGREED on an agenda item, with its owner as the margin prints it ("AW/AA/FB",
    "CYPTE"), and the tracked action it became in the body's action log."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="agreed_actions")
    position = models.PositiveIntegerField()
    text = models.TextField(max_length=10000, help_text="What was agreed, as minuted.")
    owner_as_printed = models.CharField(
        max_length=200, blank=True, help_text='The owner as the margin prints it, e.g. "AW/AA/FB".'
    )
    resolution = models.ForeignKey(
        Resolution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreed_actions",
        help_text="The RESOLVED clause this action carries out, where the margin owner stands beside one.",
    )
    action = models.OneToOneField(
        "actionplans.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="agreed_at"
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="agreed_action_position_unique_in_item"),
            models.CheckConstraint(condition=~Q(text=""), name="agreed_action_text_not_blank"),
        ]

    def __str__(self):
        return self.text[:80]
