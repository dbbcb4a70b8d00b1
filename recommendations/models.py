"""What made the recommendations (a source), the recommendations, and the executive's response."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from actionplans.kernel.audit import AuditedQuerySet
from partners.models import Body, Meeting, Person


class SourceKind(models.TextChoices):
    SCRUTINY_INQUIRY = "scrutiny_inquiry", "Scrutiny inquiry"
    INSPECTION = "inspection", "Inspection"
    REVIEW = "review", "Review"
    MEETING = "meeting", "Meeting minutes or panel recommendations"
    OTHER = "other", "Other"


class Source(models.Model):
    kind = models.CharField(max_length=30, choices=SourceKind.choices)
    reference = models.CharField(max_length=60, unique=True, help_text="A short reference unique to this source.")
    title = models.CharField(max_length=300)
    made_by = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        help_text="The body that made the recommendations.",
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        help_text="The meeting at which the recommendations were made, if any.",
    )
    date = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SourceKind.values), name="source_kind_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="source_title_not_blank"),
            models.CheckConstraint(condition=~Q(reference=""), name="source_reference_not_blank"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("source_detail", args=[self.pk])


class ResponseDecision(models.TextChoices):
    PENDING = "pending", "Decision pending"
    ACCEPTED = "accepted", "Accepted"
    PARTIALLY_ACCEPTED = "partially_accepted", "Partially accepted"
    REJECTED = "rejected", "Rejected"
    NOTED = "noted", "Noted"

    @classmethod
    def needing_reasons(cls):
        return [cls.PARTIALLY_ACCEPTED, cls.REJECTED]


class RecommendationQuerySet(AuditedQuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)


class Recommendation(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="recommendations")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    position = models.PositiveIntegerField(help_text="Order within the source, as printed.")
    label = models.CharField(max_length=30, blank=True, help_text='As printed, e.g. "a)", "c) i)", "REC 3" or "4".')
    group = models.CharField(max_length=200, blank=True, help_text='A group or timeframe, e.g. "For immediate action".')
    text = models.TextField()
    current_activity = models.TextField(blank=True)
    lead = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="led_recommendations"
    )

    response_decision = models.CharField(
        max_length=30, choices=ResponseDecision.choices, default=ResponseDecision.PENDING
    )
    response_text = models.TextField(blank=True)
    responding_body = models.ForeignKey(Body, on_delete=models.PROTECT, null=True, blank=True, related_name="responses")
    response_date = models.DateField(null=True, blank=True)
    response_due_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RecommendationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="recommendation_unique_position"),
            models.CheckConstraint(
                condition=Q(response_decision__in=ResponseDecision.values), name="recommendation_decision_valid"
            ),
            models.CheckConstraint(
                condition=~Q(response_decision__in=ResponseDecision.needing_reasons()) | ~Q(response_text=""),
                name="recommendation_rejection_has_reasons",
            ),
            models.CheckConstraint(
                condition=~Q(response_decision=ResponseDecision.PENDING) | Q(response_date__isnull=True),
                name="recommendation_pending_has_no_response_date",
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.short_text}".strip()

    def get_absolute_url(self):
        return reverse("recommendation_detail", args=[self.pk])

    @property
    def short_text(self) -> str:
        return self.text if len(self.text) <= 90 else self.text[:87].rstrip() + "…"

    @property
    def full_label(self) -> str:
        """The label with its parents', e.g. "c) ii)"."""
        labels = []
        node = self
        while node is not None:
            if node.label:
                labels.append(node.label)
            node = node.parent
        return " ".join(reversed(labels))
