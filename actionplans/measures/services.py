"""Writes of measures: set a measure up and change it, set its targets, and enter the values of
one period across several measures at once.

Every function validates in full before it writes (raising ValidationError, field -> messages,
with nothing written), and every write lands in the audit history. Edits go through
save_if_unchanged, so two people editing at once cannot overwrite each other: the second gets
EditConflict (one measure) or ValuesConflict (values), and nothing of theirs is saved.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from actionplans.kernel import clock
from actionplans.kernel.concurrency import EditConflict, changes_since, save_if_unchanged
from actionplans.measures.models import Measure, MeasureTarget, MeasureValue
from actionplans.measures.units import MeasureUnit, counts_agree, value_from_counts
from actionplans.plans.models import Action, Plan
from actionplans.plans.rag import DEFAULT_AMBER_TOLERANCE, DEFAULT_GREEN_TOLERANCE, Direction, RagRule
from partners.models import Body, Person
from recommendations.models import Recommendation

# The fields of the measure form the service writes (the links and the target apart).
MEASURE_FIELDS = [
    "name",
    "description",
    "unit",
    "direction",
    "frequency",
    "baseline_value",
    "baseline_date",
    "data_owner",
    "data_source",
    "rag_rule",
    "green_tolerance",
    "amber_tolerance",
    "green_threshold",
    "amber_threshold",
]
LINK_FIELDS = ["recommendations", "actions", "core_data_set_of"]

NAME_TAKEN = "The plan already has a measure with this name"
NOT_OF_THE_PLAN_RECOMMENDATIONS = "Choose recommendations of the plan's sources"
NOT_OF_THE_PLAN_ACTIONS = "Choose actions of this plan"
BASELINE_DATE_WITHOUT_VALUE = "Enter the baseline as well as its date, or leave the date blank"
TOLERANCES_ORDERED = "The amber tolerance must be the same as the green tolerance or more"
UNIT_FIXED = "The unit cannot change once the measure has values: they were entered in the old unit"
TARGET_FROM_WITHOUT_TARGET = "Enter the target as well as the date it applies from, or leave the date blank"


def _threshold_errors(*, rule: str, direction: str, green, amber) -> dict:
    if rule != RagRule.BANDS or direction == Direction.NEITHER:
        return {}
    errors = {}
    if green is None:
        errors["green_threshold"] = ["Enter the value at or beyond which the measure is green"]
    if amber is None:
        errors["amber_threshold"] = ["Enter the value at or beyond which the measure is amber"]
    if errors:
        return errors
    if Direction(direction).higher_is_better and green < amber:
        return {"amber_threshold": ["Higher is better: the amber threshold cannot be above the green threshold"]}
    if not Direction(direction).higher_is_better and green > amber:
        return {"amber_threshold": ["Lower is better: the amber threshold cannot be below the green threshold"]}
    return {}


def _measure_errors(*, plan: Plan, measure: Measure | None, values: dict, links: dict, target, target_from) -> dict:
    errors: dict[str, list[str]] = {}
    others = Measure.objects.filter(plan=plan, name=values["name"])
    if measure is not None:
        others = others.exclude(pk=measure.pk)
    if others.exists():
        errors["name"] = [NAME_TAKEN]
    if values["baseline_date"] is not None and values["baseline_value"] is None:
        errors["baseline_date"] = [BASELINE_DATE_WITHOUT_VALUE]
    if values["direction"] == Direction.NEITHER and values["rag_rule"] != RagRule.NONE:
        errors["rag_rule"] = ["Neither way is better for this measure: choose No RAG, or say which way is better"]
    if values["amber_tolerance"] < values["green_tolerance"]:
        errors["amber_tolerance"] = [TOLERANCES_ORDERED]
    errors |= _threshold_errors(
        rule=values["rag_rule"],
        direction=values["direction"],
        green=values["green_threshold"],
        amber=values["amber_threshold"],
    )
    if measure is not None and values["unit"] != measure.unit and measure.values.exists():
        errors["unit"] = [UNIT_FIXED]
    recommendations = links.get("recommendations") or []
    if (
        recommendations
        and Recommendation.objects.filter(pk__in=[r.pk for r in recommendations]).exclude(source__plans=plan).exists()
    ):
        errors["recommendations"] = [NOT_OF_THE_PLAN_RECOMMENDATIONS]
    if any(action.plan_id != plan.pk for action in links.get("actions") or []):
        errors["actions"] = [NOT_OF_THE_PLAN_ACTIONS]
    if target_from is not None and target is None:
        errors["target_from"] = [TARGET_FROM_WITHOUT_TARGET]
    return errors


def _cleaned(values: dict) -> dict:
    """The measure's fields as they are stored: text trimmed, thresholds only for the bands rule,
    tolerances defaulting to the Trust Board's 5% and 15%."""
    cleaned = dict(values)
    for name in ("name", "description", "data_source"):
        cleaned[name] = (cleaned.get(name) or "").strip()
    if cleaned.get("green_tolerance") is None:
        cleaned["green_tolerance"] = DEFAULT_GREEN_TOLERANCE
    if cleaned.get("amber_tolerance") is None:
        cleaned["amber_tolerance"] = DEFAULT_AMBER_TOLERANCE
    if cleaned.get("rag_rule") != RagRule.BANDS:
        cleaned["green_threshold"] = cleaned["amber_threshold"] = None
    return cleaned


def _links_set(measure: Measure, field_name: str, targets: Iterable) -> None:
    """Set the measure's links in the through table directly, so they get no history row of their
    own: the save that follows copies them into the history with the fields, as one change."""
    model_field = Measure._meta.get_field(field_name)
    through = model_field.remote_field.through
    own, other = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
    wanted = {target.pk for target in targets}
    rows = through.objects.filter(**{f"{own}_id": measure.pk})
    current = set(rows.values_list(f"{other}_id", flat=True))
    if current - wanted:
        rows.filter(**{f"{other}_id__in": current - wanted}).delete()
    if wanted - current:
        through.objects.bulk_create(
            [through(**{f"{own}_id": measure.pk, f"{other}_id": pk}) for pk in wanted - current]
        )


def target_set(
    *, measure: Measure, value: Decimal, applies_from: datetime.date | None, note: str = ""
) -> MeasureTarget:
    """The measure's target from `applies_from` (None: from the start), replacing the one set for
    that same date. Earlier and later targets stay: a target may change by period."""
    target = MeasureTarget.objects.filter(measure=measure, applies_from=applies_from).first()
    if target is None:
        target = MeasureTarget(measure=measure, applies_from=applies_from)
    elif target.value == value and (not note or target.note == note.strip()):
        return target
    target.value = value
    if note:
        target.note = note.strip()
    target.full_clean(validate_constraints=False)
    target.save()
    return target


def measure_create(
    *,
    plan: Plan,
    target: Decimal | None = None,
    target_from: datetime.date | None = None,
    recommendations: Sequence[Recommendation] = (),
    actions: Sequence[Action] = (),
    core_data_set_of: Sequence[Body] = (),
    **values,
) -> Measure:
    """Add a measure at the end of the plan's measures, with its first target if given."""
    values = _cleaned(values)
    links = {"recommendations": recommendations, "actions": actions, "core_data_set_of": core_data_set_of}
    if errors := _measure_errors(
        plan=plan, measure=None, values=values, links=links, target=target, target_from=target_from
    ):
        raise ValidationError(errors)
    measure = Measure(plan=plan, **{name: values[name] for name in MEASURE_FIELDS})
    with transaction.atomic():
        measure.position = (plan.measures.aggregate(last=Max("position"))["last"] or 0) + 1
        measure.full_clean()
        measure.save()
        for name, targets in links.items():
            getattr(measure, name).set(list(targets))
        if target is not None:
            target_set(measure=measure, value=target, applies_from=target_from)
    return measure


def measure_update(
    *,
    measure: Measure,
    expected_version: int,
    target: Decimal | None = None,
    target_from: datetime.date | None = None,
    recommendations: Sequence[Recommendation] = (),
    actions: Sequence[Action] = (),
    core_data_set_of: Sequence[Body] = (),
    **values,
) -> Measure:
    """Save an edit of a measure opened at `expected_version`, and set a target if one is given
    (from its date, or from the start). Raises EditConflict if somebody saved the measure since
    the form was opened, ValidationError if a rule is broken; nothing is written in either case."""
    values = _cleaned(values)
    links = {"recommendations": recommendations, "actions": actions, "core_data_set_of": core_data_set_of}
    errors = _measure_errors(
        plan=measure.plan, measure=measure, values=values, links=links, target=target, target_from=target_from
    )
    if measure.version != expected_version:
        current = Measure.objects.get(pk=measure.pk)
        raise EditConflict(current, changes_since(current, expected_version))
    if errors:
        raise ValidationError(errors)
    for name in MEASURE_FIELDS:
        setattr(measure, name, values[name])
    measure.full_clean()
    with transaction.atomic():
        for name, targets in links.items():
            _links_set(measure, name, targets)
        save_if_unchanged(measure, expected_version=expected_version, fields=MEASURE_FIELDS)
        if target is not None:
            target_set(measure=measure, value=target, applies_from=target_from)
    return measure


# --- Values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueEntry:
    """What was typed for one measure: blank figures are None. `opened_version` is the version of
    the measure's value for the period when the form was opened, 0 if it had none."""

    measure: Measure
    value: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    note: str = ""
    opened_version: int = 0

    @property
    def is_blank(self) -> bool:
        return self.value is None and self.numerator is None and self.denominator is None and not self.note.strip()


@dataclass(frozen=True)
class ValueConflict:
    """A measure whose value for the period somebody else entered or corrected after the form
    was opened: their figure, and their version to save against once it has been seen."""

    measure: Measure
    current: MeasureValue


class ValuesConflict(Exception):
    def __init__(self, conflicts: list[ValueConflict]):
        super().__init__("Somebody else entered values for this period.")
        self.conflicts = conflicts


@dataclass
class RecordedValues:
    created: list[MeasureValue] = field(default_factory=list)
    corrected: list[MeasureValue] = field(default_factory=list)
    unchanged: int = 0


PERIOD_NOT_ENDED = "The period must have ended: enter a period end of today or before"
NOTHING_ENTERED = "Enter at least one figure"


def key(name: str, measure: Measure) -> str:
    """The name of a field of the values form: value_12, numerator_12, …"""
    return f"{name}_{measure.pk}"


def _entry_errors(entry: ValueEntry, existing: MeasureValue | None) -> tuple[dict, Decimal | None]:
    """What is wrong with one entry, and the figure to store (worked out from the numerator and
    denominator when only those were given)."""
    measure, errors = entry.measure, {}
    unit = MeasureUnit(measure.unit)
    value, numerator, denominator = entry.value, entry.numerator, entry.denominator
    if entry.is_blank:
        if existing is not None and entry.opened_version:
            errors[key("value", measure)] = [
                f"Enter the figure for {measure.name}: a figure already entered can be corrected but not removed"
            ]
        return errors, None
    if unit.ratio_scale is None and (numerator is not None or denominator is not None):
        errors[key("numerator", measure)] = [f"{measure.name} is a count: leave the numerator and denominator blank"]
        return errors, value
    if denominator is not None and numerator is None:
        errors[key("numerator", measure)] = [f"Enter the numerator for {measure.name} as well as the denominator"]
    if denominator is not None and denominator <= 0:
        errors[key("denominator", measure)] = [f"The denominator for {measure.name} must be more than 0"]
    if errors:
        return errors, value
    if unit.is_share and numerator is not None and denominator is not None and numerator > denominator:
        errors[key("numerator", measure)] = [f"The numerator for {measure.name} cannot be more than its denominator"]
        return errors, value
    if value is None:
        if numerator is not None and denominator is not None:
            return errors, value_from_counts(measure.unit, numerator, denominator)
        errors[key("value", measure)] = [f"Enter the figure for {measure.name}"]
        return errors, value
    if not counts_agree(measure.unit, value, numerator, denominator):
        expected = unit.format(value_from_counts(measure.unit, numerator, denominator))
        errors[key("value", measure)] = [
            f"The figure for {measure.name} does not agree with {numerator} of {denominator}, which is {expected}"
        ]
    return errors, value


def values_check(
    *, period_end: datetime.date, entries: Sequence[ValueEntry]
) -> tuple[dict[str, list[str]], dict[int, Decimal | None], dict[int, MeasureValue]]:
    """The rules of values_record(), without writing: what is wrong with each entry (field ->
    messages), the figure to store for each measure, and the values the period has already."""
    errors: dict[str, list[str]] = {}
    if period_end > clock.today():
        errors["period_end"] = [PERIOD_NOT_ENDED]
    existing = {
        value.measure_id: value
        for value in MeasureValue.objects.filter(measure__in=[e.measure for e in entries], period_end=period_end)
    }
    figures = {}
    for entry in entries:
        entry_errors, figure = _entry_errors(entry, existing.get(entry.measure.pk))
        errors |= entry_errors
        figures[entry.measure.pk] = figure
    return errors, figures, existing


def values_record(*, period_end: datetime.date, entries: Sequence[ValueEntry], by: Person | None) -> RecordedValues:
    """Enter or correct the values of one period across several measures, all or nothing.

    Each figure is checked as the database would (a numerator and denominator agree with the
    figure; a share's numerator is within its denominator; a count has neither); where only a
    numerator and denominator are given, the figure is worked out from them. A figure already
    entered can be corrected (its history keeps the earlier one) but not removed here. Raises
    ValidationError (field -> messages) or ValuesConflict (somebody else entered or corrected a
    value of this period after the form was opened); nothing is written in either case."""
    errors, figures, existing = values_check(period_end=period_end, entries=entries)
    if not errors and all(entry.is_blank for entry in entries):
        errors["__all__"] = [NOTHING_ENTERED]
    if errors:
        raise ValidationError(errors)

    recorded, conflicts = RecordedValues(), []
    now = timezone.now()
    with transaction.atomic():
        for entry in entries:
            if entry.is_blank:
                continue
            measure, current = entry.measure, existing.get(entry.measure.pk)
            new = {
                "value": figures[measure.pk],
                "numerator": entry.numerator,
                "denominator": entry.denominator,
                "note": entry.note.strip(),
            }
            if current is not None and all(getattr(current, name) == v for name, v in new.items()):
                recorded.unchanged += 1
                continue
            if current is None:  # none yet (or, if the form showed one, removed since in the admin)
                made = MeasureValue(measure=measure, period_end=period_end, entered_by=by, entered_at=now, **new)
                try:
                    with transaction.atomic():
                        made.save()
                except IntegrityError:  # somebody entered this period's value since
                    theirs = MeasureValue.objects.get(measure=measure, period_end=period_end)
                    conflicts.append(ValueConflict(measure, theirs))
                else:
                    recorded.created.append(made)
                continue
            if current.version != entry.opened_version:  # entered or corrected since the form was opened
                conflicts.append(ValueConflict(measure, current))
                continue
            for name, v in new.items():
                setattr(current, name, v)
            current.entered_by, current.entered_at = by, now
            try:
                save_if_unchanged(
                    current,
                    expected_version=entry.opened_version,
                    fields=[*new, "entered_by", "entered_at"],
                )
            except EditConflict as conflict:
                conflicts.append(ValueConflict(measure, conflict.current))
                continue
            recorded.corrected.append(current)
        if conflicts:
            transaction.set_rollback(True)
    if conflicts:
        raise ValuesConflict(conflicts)
    return recorded
