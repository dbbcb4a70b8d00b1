"""Measures (outcome indicators), their targets and their values over time.

Registered with the core app through actionplans/models.py. The rules that colour a value
live in actionplans.plans.rag.measures; this module holds what is stored and the database
constraints behind it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Abs, Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actionplans.kernel.audit import AuditedQuerySet
from actionplans.measures.units import RATIO_SCALES, RATIO_TOLERANCE, Frequency, MeasureUnit
from actionplans.plans.models import Action, Plan
from actionplans.plans.rag import DEFAULT_AMBER_TOLERANCE, DEFAULT_GREEN_TOLERANCE, Direction, RagRule
from partners.models import Body, Person
from recommendations.models import Recommendation

FIGURE = {"max_digits": 14, "decimal_places": 4}


class MeasureQuerySet(AuditedQuerySet):
    def with_latest(self, *, on: datetime.date):
        """Annotate what a measures table shows of each measure as at `on`, in the same query
        however many measures and values there are (one indexed lookup per measure each):

        * `actual_period_end`, `actual_value`, `actual_numerator`, `actual_denominator`: its
          newest value for a period ending on or before `on` (all None if it has none);
        * `previous_period_end`, `previous_value`: the value of the period before that one;
        * `target_value`, `target_note`: the target that applied to the actual's period (or, with
          no actual, to `on`): the latest whose date is on or before it, else the one from the
          start.

        The RAG and the direction of travel follow from these by the rules
        (actionplans.plans.rag.measures), applied to the row in Python: exactly, on Decimals."""
        values = MeasureValue.objects.filter(measure=OuterRef("pk"), period_end__lte=on).order_by("-period_end")
        queryset = self.annotate(
            actual_period_end=Subquery(values.values("period_end")[:1]),
            actual_value=Subquery(values.values("value")[:1]),
            actual_numerator=Subquery(values.values("numerator")[:1]),
            actual_denominator=Subquery(values.values("denominator")[:1]),
        )
        previous = MeasureValue.objects.filter(
            measure=OuterRef("pk"), period_end__lt=OuterRef("actual_period_end")
        ).order_by("-period_end")
        applying = Coalesce(OuterRef("actual_period_end"), Value(on, output_field=models.DateField()))
        targets = (
            MeasureTarget.objects.filter(measure=OuterRef("pk"))
            .filter(Q(applies_from__isnull=True) | Q(applies_from__lte=applying))
            .order_by(F("applies_from").desc(nulls_last=True))
        )
        return queryset.annotate(
            previous_period_end=Subquery(previous.values("period_end")[:1]),
            previous_value=Subquery(previous.values("value")[:1]),
            target_value=Subquery(targets.values("value")[:1]),
            target_note=Subquery(targets.values("note")[:1]),
        )

    def for_table(self, *, on: datetime.date):
        """with_latest(), with the plan and data owner, in the plans' and measures' order."""
        return (
            self.with_latest(on=on)
            .select_related("plan", "data_owner")
            .order_by("plan__title", "plan_id", "position", "pk")
        )


class Measure(models.Model):
    """An outcome indicator a plan is judged by, e.g. "Percentage of CLA visits in timescale"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveIntegerField(default=0, help_text="Order among the plan's measures.")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=MeasureUnit.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    baseline_value = models.DecimalField("baseline", null=True, blank=True, **FIGURE)
    baseline_date = models.DateField(null=True, blank=True, help_text="When the baseline was measured.")
    data_owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_measures",
        help_text="The officer who enters the measure's values.",
    )
    data_source = models.CharField(max_length=300, blank=True, help_text='Where the figures come from, e.g. "Paris".')
    rag_rule = models.CharField("RAG rule", max_length=20, choices=RagRule.choices, default=RagRule.TOLERANCE)
    green_tolerance = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=DEFAULT_GREEN_TOLERANCE,
        help_text="Tolerance rule: green within this many per cent of the target (or better).",
    )
    amber_tolerance = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=DEFAULT_AMBER_TOLERANCE,
        help_text="Tolerance rule: amber within this many per cent of the target; red beyond.",
    )
    green_threshold = models.DecimalField(
        null=True, blank=True, help_text="Threshold bands: green at or beyond this value.", **FIGURE
    )
    amber_threshold = models.DecimalField(
        null=True, blank=True, help_text="Threshold bands: amber at or beyond this value; red otherwise.", **FIGURE
    )
    recommendations = models.ManyToManyField(
        Recommendation, blank=True, related_name="measures", help_text="The recommendations it evidences."
    )
    actions = models.ManyToManyField(Action, blank=True, related_name="measures", help_text="The actions it evidences.")
    core_data_set_of = models.ManyToManyField(
        Body,
        blank=True,
        related_name="core_measures",
        verbose_name="core data set of",
        help_text="The bodies whose core data set of key performance indicators includes it.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every edit, so two people editing at once cannot overwrite each other.",
    )

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[recommendations, actions, core_data_set_of])

    class Meta:
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="measure_unique_name_in_plan"),
            models.CheckConstraint(condition=~Q(name=""), name="measure_name_not_blank"),
            models.CheckConstraint(condition=Q(unit__in=MeasureUnit.values), name="measure_unit_valid"),
            models.CheckConstraint(condition=Q(direction__in=Direction.values), name="measure_direction_valid"),
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="measure_frequency_valid"),
            models.CheckConstraint(condition=Q(rag_rule__in=RagRule.values), name="measure_rag_rule_valid"),
            models.CheckConstraint(
                condition=Q(baseline_date__isnull=True) | Q(baseline_value__isnull=False),
                name="measure_baseline_date_has_value",
            ),
            # Tolerances are per cent of the target: not negative, amber's no tighter than green's.
            models.CheckConstraint(
                condition=Q(green_tolerance__gte=0, amber_tolerance__gte=F("green_tolerance")),
                name="measure_tolerances_ordered",
            ),
            # A RAG needs a better way: where neither way is better, the measure has none.
            models.CheckConstraint(
                condition=~Q(direction=Direction.NEITHER) | Q(rag_rule=RagRule.NONE),
                name="measure_neither_direction_has_no_rag",
            ),
            # Threshold bands: both thresholds for the bands rule and none for another, green's
            # the better of the two (or the same, for no amber band).
            models.CheckConstraint(
                condition=(
                    Q(rag_rule=RagRule.BANDS, green_threshold__isnull=False, amber_threshold__isnull=False)
                    & (
                        Q(direction=Direction.HIGHER, green_threshold__gte=F("amber_threshold"))
                        | Q(direction=Direction.LOWER, green_threshold__lte=F("amber_threshold"))
                    )
                )
                | (~Q(rag_rule=RagRule.BANDS) & Q(green_threshold__isnull=True, amber_threshold__isnull=True)),
                name="measure_thresholds_ordered_by_direction",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Keep each value's copy of the unit (the database checks its numerator and denominator
        by it) in step, in the same transaction."""
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            update_fields = kwargs.get("update_fields")
            if update_fields is None or "unit" in update_fields:
                MeasureValue.objects.using(using).filter(measure=self).exclude(unit=self.unit).update(unit=self.unit)

    def get_absolute_url(self):
        return reverse("measure_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.pk is not None and self.values.exclude(unit=self.unit).exists():
            raise ValidationError(
                {"unit": "The unit cannot change once the measure has values: they were entered in the old unit"}
            )

    @property
    def unit_choice(self) -> MeasureUnit:
        return MeasureUnit(self.unit)

    @property
    def higher_is_better(self) -> bool | None:
        return Direction(self.direction).higher_is_better

    def format(self, value) -> str:
        return self.unit_choice.format(value)

    @property
    def baseline_label(self) -> str:
        return self.format(self.baseline_value)

    @property
    def green_threshold_label(self) -> str:
        return self.format(self.green_threshold)

    @property
    def amber_threshold_label(self) -> str:
        return self.format(self.amber_threshold)


def target_on(targets, day: datetime.date):
    """Of a measure's targets, the one that applies to the period ending on `day`: the latest
    whose date is on or before it, else the one from the start; None if none applies."""
    applying = [t for t in targets if t.applies_from is None or t.applies_from <= day]
    dated = [t for t in applying if t.applies_from is not None]
    if dated:
        return max(dated, key=lambda t: t.applies_from)
    return applying[0] if applying else None


class MeasureTarget(models.Model):
    """A measure's target from a date on. A target may change by period: the one that applies
    to a period is the latest whose date is on or before the period's end; one with no date
    applies from the start."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField("target", **FIGURE)
    applies_from = models.DateField(
        null=True, blank=True, help_text="The first period end it applies to; blank for from the start."
    )
    note = models.CharField(max_length=300, blank=True, help_text='As printed, e.g. "national average (95%)".')

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", F("applies_from").asc(nulls_first=True), "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "applies_from"],
                condition=Q(applies_from__isnull=False),
                name="measure_target_once_per_date",
            ),
            models.UniqueConstraint(
                fields=["measure"], condition=Q(applies_from__isnull=True), name="measure_target_once_from_start"
            ),
        ]

    def __str__(self):
        since = f" from {self.applies_from:%-d %B %Y}" if self.applies_from else ""
        return f"{self.measure}: {self.label}{since}"

    @property
    def label(self) -> str:
        return self.measure.format(self.value)


def _agrees_with_counts(scale: Decimal) -> LessThanOrEqual:
    """|value × denominator − numerator × scale| <= RATIO_TOLERANCE × denominator: the value is
    numerator / denominator × scale, give or take the rounding of a printed figure."""
    return LessThanOrEqual(
        Abs(F("value") * F("denominator") - F("numerator") * Value(scale)),
        F("denominator") * Value(RATIO_TOLERANCE),
    )


def _counts_agree_for_every_unit() -> Q:
    condition = Q(denominator__isnull=True)
    for unit, scale in RATIO_SCALES.items():
        if scale is not None:
            condition |= Q(Q(unit=unit) & Q(_agrees_with_counts(scale)))
    return condition


class MeasureValueQuerySet(AuditedQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Copy each value's unit from its measure first, as save() does, in one query."""
        objs = list(objs)
        units = dict(
            Measure.objects.using(self.db).filter(pk__in={obj.measure_id for obj in objs}).values_list("pk", "unit")
        )
        for obj in objs:
            obj.unit = units.get(obj.measure_id, obj.unit)
        return super().bulk_create(objs, *args, **kwargs)

    bulk_create.alters_data = True


class MeasureValue(models.Model):
    """A measure's figure for one period: a month end, a quarter end, or any day a paper gives
    (seed 002's "October 19th"). Corrections keep their history (the audit trail)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period_end = models.DateField(help_text="The last day of the period the figure is for.")
    value = models.DecimalField(**FIGURE)
    numerator = models.PositiveIntegerField(null=True, blank=True, help_text='E.g. the 196 of "196 of 226 (87%)".')
    denominator = models.PositiveIntegerField(null=True, blank=True, help_text='E.g. the 226 of "196 of 226 (87%)".')
    note = models.TextField(blank=True, max_length=4000)
    entered_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entered_measure_values",
        help_text="Empty only for figures taken from a paper.",
    )
    entered_at = models.DateTimeField(default=timezone.now)
    # The measure's unit, copied by save(), MeasureValueQuerySet.bulk_create() and Measure.save()
    # so that the database can check the numerator and denominator against the value.
    unit = models.CharField(max_length=20, choices=MeasureUnit.choices, editable=False)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every correction, so two people correcting at once cannot overwrite each other.",
    )

    objects = MeasureValueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period_end"], name="measure_value_once_per_period"),
            models.CheckConstraint(condition=Q(unit__in=MeasureUnit.values), name="measure_value_unit_valid"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0), name="measure_value_denominator_positive"
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(numerator__isnull=False),
                name="measure_value_denominator_has_numerator",
            ),
            models.CheckConstraint(
                condition=~Q(unit=MeasureUnit.COUNT) | Q(numerator__isnull=True, denominator__isnull=True),
                name="measure_value_count_has_no_ratio",
            ),
            models.CheckConstraint(
                condition=~Q(unit__in=[MeasureUnit.PERCENTAGE, MeasureUnit.RATE_PER_10000])
                | Q(denominator__isnull=True)
                | Q(numerator__lte=F("denominator")),
                name="measure_value_share_numerator_within_denominator",
            ),
            models.CheckConstraint(condition=_counts_agree_for_every_unit(), name="measure_value_agrees_with_counts"),
        ]

    def __str__(self):
        return f"{self.measure}, {self.period_end:%-d %B %Y}: {self.formatted}"

    def save(self, *args, **kwargs):
        if MeasureValue.measure.is_cached(self):
            self.unit = self.measure.unit
        else:
            self.unit = Measure.objects.values_list("unit", flat=True).get(pk=self.measure_id)
        super().save(*args, **kwargs)

    @property
    def formatted(self) -> str:
        """The figure with its counts, e.g. "196 (87%)"."""
        return MeasureUnit(self.unit or self.measure.unit).format_with_counts(
            self.value, self.numerator, self.denominator
        )
