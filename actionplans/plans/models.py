"""Plans, their actions, and the progress updates officers post against them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models, router, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actionplans.kernel import clock
from actionplans.kernel.audit import AuditedQuerySet
from actionplans.plans import rag
from actionplans.plans.rag import ActionStatus, Rag
from partners.models import Body, Organisation, Person, PersonGroup
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


# An action's newest progress update, kept on the action (see ActionQuerySet.refresh_latest):
# the RAG rules read these three on every page, so no page looks them up update by update.
LATEST_FIELDS = ("latest_status", "latest_rag", "last_update_at")
# How many actions one refresh UPDATE names, to stay inside every database's limit on parameters.
REFRESH_CHUNK = 2000


def newest_update_values() -> dict[str, Subquery]:
    """LATEST_FIELDS computed from scratch, as expressions over an Action queryset: the status,
    RAG and time of the action's newest update (by reported_at, then id), or NULL if it has none."""
    newest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-reported_at", "-pk")
    return {
        "latest_status": Subquery(newest.values("status")[:1]),
        "latest_rag": Subquery(newest.values("rag")[:1]),
        "last_update_at": Subquery(newest.values("reported_at")[:1]),
    }


def refresh_latest_updates(action_ids: Iterable[int | None], *, using: str | None = None) -> None:
    """Recompute the kept newest-update fields of these actions from their updates. Set-based: one
    UPDATE for each REFRESH_CHUNK actions, however many updates they have. Called inside the
    transaction of every write of progress updates (ProgressUpdate.save() and delete(), and the
    bulk writes of ProgressUpdateQuerySet), so the fields never disagree with the updates."""
    ids = sorted({pk for pk in action_ids if pk is not None})
    for start in range(0, len(ids), REFRESH_CHUNK):
        Action.objects.using(using).filter(pk__in=ids[start : start + REFRESH_CHUNK]).refresh_latest()


class ActionQuerySet(AuditedQuerySet):
    def with_rag(self, *, on: datetime.date | None = None):
        """Annotate the RAG rules (see actionplans.plans.rag) so the database can filter, sort and
        count, and `rag_as_at`, the day they were applied for (Action.assessment() reads them then)."""
        on = on or clock.today()
        queryset = self.annotate(rag_as_at=Value(on, output_field=models.DateField()))
        for name, expression in rag.rag_annotations(on=on).items():
            queryset = queryset.annotate(**{name: expression})
        return queryset

    def refresh_latest(self) -> int:
        """Write these actions' LATEST_FIELDS from their updates, in one UPDATE; use
        refresh_latest_updates() for a list of ids. QuerySet.update, not AuditedQuerySet.update:
        a derived figure moving is no change anybody made to the action, so it leaves no history."""
        return models.QuerySet.update(self, **newest_update_values())

    refresh_latest.alters_data = True

    def latest_disagreements(self):
        """The actions whose kept LATEST_FIELDS differ from a computation from scratch, each
        annotated with the right values as `fresh_status`, `fresh_rag` and `fresh_update_at`."""
        names = ("fresh_status", "fresh_rag", "fresh_update_at")
        fresh = dict(zip(names, newest_update_values().values(), strict=True))
        agrees = Q()
        for kept, computed in zip(LATEST_FIELDS, fresh, strict=True):
            agrees &= Q(**{f"{kept}__isnull": True, f"{computed}__isnull": True}) | Q(**{kept: F(computed)})
        # A CASE, not exclude(agrees): NULL compared with anything is neither true nor false.
        agreement = Case(When(agrees, then=Value(True)), default=Value(False), output_field=models.BooleanField())
        return self.annotate(**fresh).annotate(latest_agrees=agreement).filter(latest_agrees=False)

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
        """What a plan's page and progress report show of each action: its RAG, lead and
        further responsible people with their organisations (in `supporting_list`, which
        `responsible_people` reads), in plan order. Two queries, however many actions."""
        return (
            self.with_rag(on=on)
            .select_related("lead__organisation")
            .prefetch_related(
                models.Prefetch(
                    "supporting_officers",
                    queryset=Person.objects.select_related("organisation"),
                    to_attr="supporting_list",
                )
            )
            .order_by("position", "pk")
        )

    def for_person(self, person: Person, *, on: datetime.date | None = None):
        return (
            self.responsible(person)
            .with_rag(on=on)
            .select_related("plan", "lead", "recommendation")
            .order_by("plan__title", "position", "pk")
        )

    def responsible(self, person: Person):
        """Actions the person leads, is a further responsible person for, or that a group they
        belong to owns: the ids of each, an indexed lookup (the lead column; the people-to-actions
        links by person; the groups-to-actions links by the person's groups), in one UNION. Not a
        join through the links (it repeats an action once per link, and DISTINCT over every
        action costs a sort), nor lead = person OR id IN (links), which the database answers by
        reading every action."""
        led = Action.objects.filter(lead=person).order_by().values("pk")
        ids = led.union(supporting_action_ids(person).order_by(), group_action_ids(person).order_by(), all=True)
        return self.filter(pk__in=ids)

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

    def rag_counts_by(self, *fields: str, on: datetime.date | None = None) -> list[tuple[dict, dict[str, int]]]:
        """Grouped by `fields` (none: all in one group): each group's values, and how many of
        its actions show each RAG (key "" for not yet reported) and are "overdue" and
        "update_due", as at `on` (default: the day of this queryset's with_rag(), else
        clock.today()). One query, counted by the database from the columns the rules read
        (rag.count_conditions), so with_rag() is not needed."""
        conditions = rag.count_conditions(on=on or self._rag_day())
        aliases = {f"count_{key or 'none'}": key for key in conditions}
        counts = {alias: models.Count("pk", filter=conditions[key]) for alias, key in aliases.items()}
        rows = self.order_by().values(*fields).annotate(**counts) if fields else [self.aggregate(**counts)]
        return [
            ({name: row[name] for name in fields}, {key: row[alias] for alias, key in aliases.items()}) for row in rows
        ]

    def rag_counts_by_plan(self, *, on: datetime.date | None = None) -> dict[int, dict[str, int]]:
        """rag_counts_by("plan"), keyed by plan id."""
        return {values["plan"]: counts for values, counts in self.rag_counts_by("plan", on=on)}

    def _rag_day(self) -> datetime.date | None:
        """The day this queryset's with_rag() applied the rules for, if it has them."""
        as_at = self.query.annotations.get("rag_as_at")
        return as_at.value if isinstance(as_at, Value) else None

    def rag_counts(self) -> dict[str, int]:
        """How many actions show each RAG (key "" for not yet reported). Needs with_rag()."""
        rows = self.order_by().values("effective_rag").annotate(count=models.Count("pk"))
        counts = {rag_value.value: 0 for rag_value in Rag} | {"": 0}
        for row in rows:
            counts[row["effective_rag"] or ""] += row["count"]
        return counts


def supporting_action_ids(person: Person):
    """The ids of the actions the person is a further responsible person for, as a subquery."""
    links = Action.supporting_officers.through.objects
    return links.filter(person=person).values("action_id")


def group_action_ids(person: Person):
    """The ids of the actions owned by a group the person belongs to, as a subquery."""
    groups = PersonGroup.members.through.objects.filter(person=person).values("persongroup_id")
    return Action.owning_groups.through.objects.filter(persongroup_id__in=groups).values("action_id")


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
    owning_groups = models.ManyToManyField(
        PersonGroup,
        blank=True,
        related_name="owned_actions",
        help_text='Groups of people that own the action as one, e.g. "Steering Group Leads".',
    )
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
    # LATEST_FIELDS: the newest update, kept by refresh_latest_updates(); all empty (NULL, which
    # the RAG annotations read as "not yet reported") until the first update.
    latest_status = models.CharField(  # noqa: DJ001
        max_length=30, choices=ActionStatus.choices, null=True, blank=True, editable=False
    )
    latest_rag = models.CharField(  # noqa: DJ001
        "latest RAG", max_length=10, choices=Rag.choices, null=True, blank=True, editable=False
    )
    last_update_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ActionQuerySet.as_manager()
    # The kept newest-update fields are derived: the updates have their own history.
    history = HistoricalRecords(
        m2m_fields=[supporting_officers, partners, owning_groups], excluded_fields=list(LATEST_FIELDS)
    )

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reference"], condition=~Q(reference=""), name="action_unique_reference_in_plan"
            ),
            models.UniqueConstraint(fields=["plan", "position"], name="action_unique_position_in_plan"),
            models.CheckConstraint(condition=~Q(description=""), name="action_description_not_blank"),
            # The kept newest update is all there or all empty, and obeys what every update obeys
            # (one CHECK, so full_clean() asks the database once). That it is the newest is for
            # `manage.py check_latest_updates` to prove: no CHECK can look at other rows.
            models.CheckConstraint(
                condition=Q(latest_status__isnull=True, latest_rag__isnull=True, last_update_at__isnull=True)
                | (
                    Q(latest_status__in=ActionStatus.values, latest_rag__in=Rag.values, last_update_at__isnull=False)
                    & (
                        Q(latest_rag=Rag.BLUE, latest_status=ActionStatus.COMPLETE)
                        | (~Q(latest_rag=Rag.BLUE) & ~Q(latest_status=ActionStatus.COMPLETE))
                    )
                ),
                name="action_latest_update_valid",
            ),
        ]
        indexes = [
            # Filters and sorts of the tracker, the dashboards and the reminders.
            models.Index(fields=["target_date"], name="action_target_date_idx"),
            models.Index(fields=["last_update_at"], name="action_last_update_idx"),
            models.Index(fields=["latest_status"], name="action_latest_status_idx"),
            # Open actions by target date and by last update: the dashboards' overdue and
            # update-due lists, oldest first, without stepping over the complete actions (two in
            # five, with the oldest dates of all). The condition is rag.OPEN_ACTION, as the lists'.
            models.Index(fields=["target_date"], condition=rag.OPEN_ACTION, name="action_open_target_idx"),
            models.Index(fields=["last_update_at"], condition=rag.OPEN_ACTION, name="action_open_update_idx"),
            # Everything the RAG counts of the dashboards and the home page read (rag.count_conditions,
            # grouped by plan, lead and recommendation), so they read this index alone and not every
            # action's row with its texts: a third of the work over 20,000 actions on PostgreSQL.
            # The plan first, as every count is of some plans' actions.
            models.Index(
                fields=[
                    "plan",
                    "lead",
                    "recommendation",
                    "latest_status",
                    "latest_rag",
                    "target_date",
                    "last_update_at",
                    "id",
                ],
                name="action_rag_counts_idx",
            ),
        ]

    def __str__(self):
        prefix = f"{self.reference} " if self.reference else ""
        text = self.description if len(self.description) <= 80 else self.description[:77].rstrip() + "…"
        return f"{prefix}{text}"

    def save(self, *args, **kwargs):
        """A new action has no updates, so nothing newest to keep. Saving an existing one writes
        every field, the kept newest update too, from whatever this instance last read: so
        recompute those in the same transaction, lest a stale instance undo a newer update."""
        if self.pk is None:
            self.latest_status = self.latest_rag = self.last_update_at = None
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not set(update_fields) & set(LATEST_FIELDS):
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            refresh_latest_updates([self.pk], using=using)
            self.refresh_from_db(using=using, fields=LATEST_FIELDS)

    def get_absolute_url(self):
        return reverse("action_detail", args=[self.pk])

    @property
    def people_to_remind(self) -> list[Person]:
        """The responsible people, then the members of the groups that own the action, each
        once. Prefetch supporting_officers and owning_groups__members."""
        people = self.responsible_people
        for group in self.owning_groups.all():
            people += [member for member in group.members.all() if member not in people]
        return people

    @property
    def responsible_people(self) -> list[Person]:
        """The lead, then the further responsible people (as for_plan_page() fetched them, or
        as prefetched, or from the database)."""
        people = [self.lead] if self.lead else []
        others = getattr(self, "supporting_list", None)
        if others is None:
            others = self.supporting_officers.all()
        return people + [p for p in others if p != self.lead]

    @property
    def latest_update(self) -> ProgressUpdate | None:
        return self.updates.order_by("-reported_at", "-pk").first()

    def assessment(self, *, on: datetime.date | None = None) -> rag.Assessment:
        """The RAG rules applied to this action as at `on` (default: clock.today()): what the
        database worked out when the with_rag() annotations for that day are present, so a row
        shows what the table filtered and counted by; else rag.assess() on the kept fields."""
        as_at = getattr(self, "rag_as_at", None)
        if as_at is not None and as_at == (on or clock.today()):
            return rag.assessment_from_annotations(self)
        return rag.assess(
            status=self.latest_status,
            reported_rag=self.latest_rag,
            target_date=self.target_date,
            last_update_at=self.last_update_at,
            on=on,
        )

    @property
    def current_status_label(self) -> str:
        return rag.status_label(self.latest_status)


class ProgressUpdateQuerySet(AuditedQuerySet):
    """Bulk writes keep their actions' newest update (refresh_latest_updates) in the same
    transaction, as ProgressUpdate.save() and delete() do for one update."""

    def newest_first(self):
        return self.select_related("author__organisation").order_by("-reported_at", "-pk")

    def _action_ids(self) -> set[int]:
        return set(self.order_by().values_list("action_id", flat=True).distinct())

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            rows = list(self.order_by().values_list("pk", "action_id"))
            count = super().update(**kwargs)
            action_ids = {action_id for _, action_id in rows}
            if {"action", "action_id"} & kwargs.keys():  # moved: their new actions too
                moved = self.model._base_manager.using(self.db).filter(pk__in=[pk for pk, _ in rows])
                action_ids |= set(moved.values_list("action_id", flat=True))
            refresh_latest_updates(action_ids, using=self.db)
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            action_ids = {obj.action_id for obj in objs}
            if {"action", "action_id"} & set(fields):  # moved: their old actions too
                before = self.model._base_manager.using(self.db).filter(pk__in=[obj.pk for obj in objs])
                action_ids |= set(before.values_list("action_id", flat=True))
            count = super().bulk_update(objs, fields, batch_size=batch_size)
            refresh_latest_updates(action_ids, using=self.db)
        return count

    bulk_update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            refresh_latest_updates({obj.action_id for obj in objs}, using=self.db)
        return created

    bulk_create.alters_data = True

    def delete(self):
        with transaction.atomic(using=self.db):
            action_ids = self._action_ids()
            result = super().delete()
            refresh_latest_updates(action_ids, using=self.db)
        return result

    delete.alters_data = True
    delete.queryset_only = True


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
        indexes = [
            # An action's newest update, in an index: what refresh_latest_updates() and the
            # check read, and the papers' and monitoring lists' "latest update" lookups.
            models.Index(fields=["action", "-reported_at", "-id"], name="update_newest_per_action_idx"),
        ]
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

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            self._keep_latest(using)

    def delete(self, using=None, keep_parents=False):
        using = using or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            result = super().delete(using=using, keep_parents=keep_parents)
            self._keep_latest(using)
        return result

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_action_id = instance.__dict__.get("action_id")  # to refresh it too if moved
        return instance

    def _keep_latest(self, using: str) -> None:
        """Refresh the newest update of this update's action (and the one it moved from), and
        of the action instance this update holds, so code that goes on to read it is not misled."""
        refresh_latest_updates([self.action_id, getattr(self, "_saved_action_id", None)], using=using)
        self._saved_action_id = self.action_id
        if ProgressUpdate.action.is_cached(self) and self.action is not None:
            self.action.refresh_from_db(using=using, fields=LATEST_FIELDS)


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
