"""Plans, their actions, and the progress updates officers post against them."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actionplans.kernel.audit import AuditedQuerySet
from actionplans.plans import rag
from actionplans.plans.rag import ActionStatus, Rag
from partners.models import Body, Organisation, Person
from recommendations.models import Recommendation, Source


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class PlanQuerySet(AuditedQuerySet):
    def for_index(self):
        return self.select_related("owning_body", "lead").order_by("status", "title")


class Plan(models.Model):
    title = models.CharField(max_length=300, unique=True)
    owning_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="The body that owns the plan and monitors its progress.",
    )
    lead = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_plans",
        help_text="The officer who leads the plan and assigns its actions.",
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="plans")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    summary = models.TextField(blank=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="plan_title_not_blank"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plan_detail", args=[self.pk])


class ActionQuerySet(AuditedQuerySet):
    def with_rag(self, *, on: datetime.date | None = None):
        """Annotate the RAG rules (see actionplans.plans.rag) so the database can filter, sort and count."""
        queryset = self
        for name, expression in rag.rag_annotations(on=on).items():
            queryset = queryset.annotate(**{name: expression})
        return queryset

    def open(self):
        """Actions not yet complete. Needs with_rag()."""
        return self.filter(is_complete=False)

    def with_people(self):
        """The lead, further responsible people and partners, each with their organisation:
        three queries in all, however many actions."""
        return self.select_related("lead__organisation", "recommendation").prefetch_related(
            models.Prefetch("supporting_officers", queryset=Person.objects.select_related("organisation")),
            "partners",
        )

    def for_plan_page(self, *, on: datetime.date | None = None):
        return self.with_rag(on=on).with_people().order_by("position", "pk")

    def for_person(self, person: Person, *, on: datetime.date | None = None):
        return (
            self.filter(Q(lead=person) | Q(supporting_officers=person))
            .distinct()
            .with_rag(on=on)
            .select_related("plan", "lead", "recommendation")
            .order_by("plan__title", "position", "pk")
        )

    def responsible(self, person: Person):
        """Actions the person leads or is a further responsible person for."""
        return self.filter(Q(lead=person) | Q(supporting_officers=person)).distinct()

    def with_urgency(self, *, on: datetime.date):
        """Annotate `urgency`: 0 overdue, 1 due soon (rag.is_due_soon), 2 needs an update
        (update due or never reported), 3 the rest. Needs with_rag()."""
        return self.annotate(
            urgency=models.Case(
                models.When(is_overdue=True, then=models.Value(0)),
                models.When(rag.due_soon_condition(on=on), then=models.Value(1)),
                models.When(Q(is_update_due=True) | Q(is_not_yet_reported=True), then=models.Value(2)),
                default=models.Value(3),
                output_field=models.IntegerField(),
            )
        )

    def rag_counts_by(self, *fields: str) -> list[tuple[dict, dict[str, int]]]:
        """Grouped by `fields`: each group's values, and how many of its actions show each RAG
        (key "" for not yet reported) and are "overdue" and "update_due". One query, counted
        by the database. Needs with_rag()."""
        conditions = {rag_value.value: Q(effective_rag=rag_value.value) for rag_value in Rag} | {
            "": Q(effective_rag__isnull=True),
            "overdue": Q(is_overdue=True),
            "update_due": Q(is_update_due=True),
        }
        aliases = {f"count_{key or 'none'}": key for key in conditions}
        counts = {alias: models.Count("pk", filter=conditions[key]) for alias, key in aliases.items()}
        rows = self.order_by().values(*fields).annotate(**counts)
        return [
            ({name: row[name] for name in fields}, {key: row[alias] for alias, key in aliases.items()}) for row in rows
        ]

    def rag_counts_by_plan(self) -> dict[int, dict[str, int]]:
        """rag_counts_by("plan"), keyed by plan id. Needs with_rag()."""
        return {values["plan"]: counts for values, counts in self.rag_counts_by("plan")}

    def rag_counts(self) -> dict[str, int]:
        """How many actions show each RAG (key "" for not yet reported). Needs with_rag()."""
        rows = self.order_by().values("effective_rag").annotate(count=models.Count("pk"))
        counts = {rag_value.value: 0 for rag_value in Rag} | {"": 0}
        for row in rows:
            counts[row["effective_rag"] or ""] += row["count"]
        return counts


class Action(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        help_text="Left empty for actions agreed in a meeting's minutes without a recommendation.",
    )
    position = models.PositiveIntegerField(help_text="Order within the plan.")
    reference = models.CharField(max_length=30, blank=True, help_text='As printed, e.g. "2.3".')
    description = models.TextField()
    lead = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="led_actions")
    supporting_officers = models.ManyToManyField(
        Person,
        blank=True,
        related_name="supported_actions",
        help_text="Further people responsible alongside the lead.",
    )
    partners = models.ManyToManyField(Organisation, blank=True, related_name="partner_actions")
    target_date = models.DateField(
        null=True, blank=True, help_text="The date read from the target as printed, where one can be read."
    )
    target_date_text = models.CharField(
        max_length=300, blank=True, help_text='As printed, e.g. "April 2010", "ongoing", "To be Confirmed".'
    )
    success_criteria = models.TextField(blank=True)
    milestones = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every edit, so two people editing at once cannot overwrite each other.",
    )

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[supporting_officers, partners])

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reference"], condition=~Q(reference=""), name="action_unique_reference_in_plan"
            ),
            models.UniqueConstraint(fields=["plan", "position"], name="action_unique_position_in_plan"),
            models.CheckConstraint(condition=~Q(description=""), name="action_description_not_blank"),
        ]

    def __str__(self):
        prefix = f"{self.reference} " if self.reference else ""
        text = self.description if len(self.description) <= 80 else self.description[:77].rstrip() + "…"
        return f"{prefix}{text}"

    def get_absolute_url(self):
        return reverse("action_detail", args=[self.pk])

    @property
    def responsible_people(self) -> list[Person]:
        people = [self.lead] if self.lead else []
        return people + [p for p in self.supporting_officers.all() if p != self.lead]

    @property
    def latest_update(self) -> ProgressUpdate | None:
        return self.updates.order_by("-reported_at", "-pk").first()

    def assessment(self, *, on: datetime.date | None = None) -> rag.Assessment:
        """The RAG rules applied to this action. Uses the with_rag() annotations when present."""
        if hasattr(self, "effective_rag"):
            status, reported_rag, last_update_at = self.latest_status, self.latest_rag, self.last_update_at
        else:
            latest = self.latest_update
            status = latest.status if latest else None
            reported_rag = latest.rag if latest else None
            last_update_at = latest.reported_at if latest else None
        return rag.assess(
            status=status,
            reported_rag=reported_rag,
            target_date=self.target_date,
            last_update_at=last_update_at,
            on=on,
        )

    @property
    def current_status_label(self) -> str:
        status = getattr(self, "latest_status", None)
        if status is None and not hasattr(self, "latest_status"):
            latest = self.latest_update
            status = latest.status if latest else None
        return ActionStatus(status).label if status else ActionStatus.NOT_STARTED.label


class ProgressUpdateQuerySet(AuditedQuerySet):
    def newest_first(self):
        return self.select_related("author__organisation").order_by("-reported_at", "-pk")


class ProgressUpdate(models.Model):
    """One report of progress on an action. Every update is kept; the newest is current."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
        help_text="Empty only for updates taken from a paper that does not say who reported them.",
    )
    reported_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=30, choices=ActionStatus.choices)
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices)
    narrative = models.TextField(help_text="The action taken.")
    evidence_url = models.URLField(blank=True, max_length=500)

    objects = ProgressUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        get_latest_by = "reported_at"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="update_status_valid"),
            models.CheckConstraint(condition=Q(rag__in=Rag.values), name="update_rag_valid"),
            models.CheckConstraint(
                condition=Q(rag=Rag.BLUE, status=ActionStatus.COMPLETE)
                | (~Q(rag=Rag.BLUE) & ~Q(status=ActionStatus.COMPLETE)),
                name="update_blue_if_and_only_if_complete",
            ),
        ]

    def __str__(self):
        return f"{self.action} – {self.get_rag_display()} ({self.reported_at:%d %b %Y})"


class TargetDateRevision(models.Model):
    """A move of an action's target date. The first revision's previous date is the original target."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="target_revisions")
    previous_date = models.DateField(null=True, blank=True)
    previous_text = models.CharField(max_length=300, blank=True)
    new_date = models.DateField()
    reason = models.TextField()
    revised_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["revised_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="target_revision_has_reason"),
        ]

    def __str__(self):
        return f"{self.action}: target moved to {self.new_date:%-d %b %Y}"


class ActionComment(models.Model):
    """A comment or question on an action, e.g. from a panel member."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="action_comments")
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(max_length=4000)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="comment_not_blank")]

    def __str__(self):
        return f"Comment by {self.author} on {self.action}"
