"""What the database itself refuses about measures, their targets and values, and the audit
trail their corrections leave."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actionplans.measures.models import Measure, MeasureValue
from actionplans.measures.units import MeasureUnit, period_label, plain_number
from actionplans.plans.rag import Direction, RagRule
from tests.factories import MeasureFactory, MeasureTargetFactory, MeasureValueFactory

pytestmark = pytest.mark.django_db

SEPTEMBER = datetime.date(2021, 9, 30)


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


# --- measures -------------------------------------------------------------------------------


def test_tolerances_default_to_the_trust_boards_5_and_15_per_cent():
    measure = MeasureFactory()
    measure.refresh_from_db()
    assert (measure.green_tolerance, measure.amber_tolerance) == (Decimal(5), Decimal(15))
    assert measure.rag_rule == RagRule.TOLERANCE


def test_tolerances_are_ordered_and_not_negative():
    MeasureFactory(green_tolerance=10, amber_tolerance=10)  # no amber band: allowed
    refused(lambda: MeasureFactory(green_tolerance=-1, amber_tolerance=15))
    refused(lambda: MeasureFactory(green_tolerance=15, amber_tolerance=5))


def test_threshold_bands_are_ordered_by_which_way_is_better():
    MeasureFactory(rag_rule=RagRule.BANDS, green_threshold=70, amber_threshold=60)
    MeasureFactory(rag_rule=RagRule.BANDS, green_threshold=10, amber_threshold=20, direction=Direction.LOWER)
    refused(lambda: MeasureFactory(rag_rule=RagRule.BANDS, green_threshold=60, amber_threshold=70))
    refused(
        lambda: MeasureFactory(
            rag_rule=RagRule.BANDS, green_threshold=20, amber_threshold=10, direction=Direction.LOWER
        )
    )


def test_a_measure_where_neither_way_is_better_has_no_rag_rule():
    MeasureFactory(direction=Direction.NEITHER, rag_rule=RagRule.NONE)
    refused(lambda: MeasureFactory(direction=Direction.NEITHER, rag_rule=RagRule.TOLERANCE))


def test_the_bands_rule_needs_both_thresholds_and_no_other_rule_has_any():
    refused(lambda: MeasureFactory(rag_rule=RagRule.BANDS, green_threshold=70))
    refused(lambda: MeasureFactory(rag_rule=RagRule.TOLERANCE, green_threshold=70, amber_threshold=60))


def test_a_measure_name_is_unique_within_its_plan():
    first = MeasureFactory(name="Number of CLA at end month")
    MeasureFactory(name="Number of CLA at end month")  # another plan
    refused(lambda: MeasureFactory(plan=first.plan, name="Number of CLA at end month"))


def test_a_baseline_date_needs_a_baseline():
    refused(lambda: MeasureFactory(baseline_date=datetime.date(2019, 11, 30)))


def test_one_target_per_date_and_one_from_the_start():
    target = MeasureTargetFactory(applies_from=None)
    refused(lambda: MeasureTargetFactory(measure=target.measure, applies_from=None))
    MeasureTargetFactory(measure=target.measure, applies_from=SEPTEMBER)
    refused(lambda: MeasureTargetFactory(measure=target.measure, applies_from=SEPTEMBER))


# --- values ---------------------------------------------------------------------------------


def test_one_value_per_measure_and_period():
    value = MeasureValueFactory()
    refused(lambda: MeasureValueFactory(measure=value.measure, period_end=value.period_end))


def test_a_value_takes_its_measures_unit_however_it_is_written():
    measure = MeasureFactory(unit=MeasureUnit.COUNT)
    saved = MeasureValueFactory(measure=measure)
    bulk = MeasureValue.objects.bulk_create(
        [MeasureValue(measure=measure, period_end=SEPTEMBER.replace(day=1), value=3)]
    )
    assert saved.unit == bulk[0].unit == MeasureUnit.COUNT


def test_numerator_and_denominator_agree_with_the_value():
    measure = MeasureFactory(unit=MeasureUnit.PERCENTAGE)
    # Seed 002: 196 of 226 visits in timescale, printed 87% (86.7 rounded).
    MeasureValueFactory(measure=measure, value=87, numerator=196, denominator=226)
    # Assessment plans in July: 165 of 297 is 55.555…%, printed 55.55.
    MeasureValueFactory(
        measure=measure, period_end=SEPTEMBER.replace(day=1), value="55.55", numerator=165, denominator=297
    )
    # The October visits: 237 in, but 90% is not 237 of 267.
    refused(
        lambda: MeasureValueFactory(
            measure=measure, period_end=datetime.date(2021, 10, 19), value=90, numerator=237, denominator=267
        )
    )


def test_a_rate_per_10000_agrees_with_its_counts_too():
    measure = MeasureFactory(unit=MeasureUnit.RATE_PER_10000)
    MeasureValueFactory(measure=measure, value="73.4", numerator=367, denominator=50000)
    refused(
        lambda: MeasureValueFactory(
            measure=measure, period_end=datetime.date(2021, 8, 31), value=70, numerator=367, denominator=50000
        )
    )


def test_a_value_with_only_its_count_is_kept_as_printed():
    """The Jigsaw tables print "237 (90%)": the count, not the whole it is out of."""
    value = MeasureValueFactory(value=90, numerator=237)
    assert value.formatted == "237 (90%)"


def test_the_rules_of_a_numerator_and_denominator():
    percentage = MeasureFactory(unit=MeasureUnit.PERCENTAGE)
    count = MeasureFactory(unit=MeasureUnit.COUNT)
    days = MeasureFactory(unit=MeasureUnit.DAYS)
    refused(lambda: MeasureValueFactory(measure=percentage, value=0, numerator=0, denominator=0))
    refused(lambda: MeasureValueFactory(measure=percentage, value=50, denominator=10))
    refused(lambda: MeasureValueFactory(measure=percentage, value=120, numerator=12, denominator=10))
    refused(lambda: MeasureValueFactory(measure=count, value=12, numerator=12))
    # Days: an average, 420 days over 30 children; a numerator above the denominator is right.
    MeasureValueFactory(measure=days, value=14, numerator=420, denominator=30)


def test_a_unit_cannot_change_once_the_measure_has_values():
    value = MeasureValueFactory(value=12, numerator=12, denominator=100)
    measure = value.measure
    measure.unit = MeasureUnit.COUNT
    with pytest.raises(ValidationError) as refusal:
        measure.full_clean()
    assert "unit" in refusal.value.message_dict


def test_a_unit_changed_by_a_script_carries_the_values_with_it():
    value = MeasureValueFactory(value=12)
    measure = value.measure
    measure.unit = MeasureUnit.SCORE
    measure.save()
    value.refresh_from_db()
    assert value.unit == MeasureUnit.SCORE


def test_a_corrected_value_keeps_its_history():
    value = MeasureValueFactory(value=87, numerator=196)
    value.value = 86
    value.save()
    MeasureValue.objects.filter(pk=value.pk).update(note="Corrected from Paris")
    assert [(h.value, h.note) for h in value.history.order_by("history_date")] == [
        (Decimal(87), ""),
        (Decimal(86), ""),
        (Decimal(86), "Corrected from Paris"),
    ]


def test_a_measure_keeps_its_links_in_its_history(world):
    measure = MeasureFactory()
    measure.core_data_set_of.add(world["families_panel"])
    Measure.objects.filter(pk=measure.pk).update(description="Appendix 2")
    newest = measure.history.order_by("-history_date").first()
    assert [link.body_id for link in newest.core_data_set_of.all()] == [world["families_panel"].pk]


# --- units and periods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "value", "shown"),
    [
        (MeasureUnit.PERCENTAGE, Decimal("87.0000"), "87%"),
        (MeasureUnit.PERCENTAGE, Decimal("53.7600"), "53.76%"),
        (MeasureUnit.COUNT, Decimal("4390"), "4,390"),
        (MeasureUnit.RATE_PER_10000, Decimal("73.4"), "73.4 per 10,000"),
        (MeasureUnit.DAYS, Decimal("1"), "1 day"),
        (MeasureUnit.DAYS, Decimal("14.5"), "14.5 days"),
        (MeasureUnit.SCORE, Decimal("3.25"), "3.25"),
        (MeasureUnit.SCORE, None, ""),
    ],
)
def test_each_unit_writes_its_figures_as_the_papers_do(unit, value, shown):
    assert unit.format(value) == shown


def test_counts_are_written_beside_the_figure():
    assert MeasureUnit.PERCENTAGE.format_with_counts(Decimal(87), 196) == "196 (87%)"
    assert MeasureUnit.PERCENTAGE.format_with_counts(Decimal(87), 196, 226) == "196 of 226 (87%)"
    assert plain_number(Decimal("-0.5")) == "-0.5"


def test_a_period_is_named_by_its_month_or_its_day():
    assert period_label(SEPTEMBER) == "September 2021"
    assert period_label(datetime.date(2021, 10, 19)) == "19 October 2021"
    assert period_label(datetime.date(2021, 12, 31), "quarterly") == "31 December 2021"
