"""The RAG rules for measures (actionplans/plans/rag/measures.py) at every boundary, both ways
round: tolerance around a target (seed 001), threshold bands (seed 002), no target, direction
of travel, and the share of measures on each colour (seed 001's quarter summary)."""

from decimal import Decimal

import pytest

from actionplans.plans.rag import (
    Direction,
    NoRag,
    Rag,
    RagRule,
    Travel,
    assess_measure,
    band_rag,
    direction_of_travel,
    measure_rag_label,
    rag_summary,
    tolerance_rag,
)

G, A, R = Rag.GREEN, Rag.AMBER, Rag.RED


# --- tolerance: "within 5% of or exceeding the set target - on target (coded green); between
# 5% and 15% below set target - slight variance (coded amber); more than 15% below set target -
# significant variance (coded red)" -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", G),  # exceeding the target
        ("80", G),  # on the target
        ("76.01", G),
        ("76", G),  # exactly 5% below: within 5%
        ("75.99", A),  # just more than 5% below
        ("68.01", A),
        ("68", A),  # exactly 15% below: not more than 15%
        ("67.99", R),  # just more than 15% below
        ("0", R),
    ],
)
def test_tolerance_when_higher_is_better(value, expected):
    assert tolerance_rag(Decimal(value), Decimal(80), higher_is_better=True) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", G),  # better than the target
        ("80", G),  # on the target
        ("84", G),  # exactly 5% above: within 5%
        ("84.01", A),
        ("92", A),  # exactly 15% above
        ("92.01", R),
    ],
)
def test_tolerance_when_lower_is_better(value, expected):
    assert tolerance_rag(Decimal(value), Decimal(80), higher_is_better=False) is expected


def test_tolerances_are_the_measures_own():
    # 10% and 20% of a target of 50: green down to 45, amber down to 40.
    assert tolerance_rag(45, 50, green_tolerance=10, amber_tolerance=20) is G
    assert tolerance_rag("44.99", 50, green_tolerance=10, amber_tolerance=20) is A
    assert tolerance_rag(40, 50, green_tolerance=10, amber_tolerance=20) is A
    assert tolerance_rag("39.99", 50, green_tolerance=10, amber_tolerance=20) is R
    # Equal tolerances leave no amber band.
    assert tolerance_rag("44.99", 50, green_tolerance=10, amber_tolerance=10) is R


def test_tolerance_of_a_target_of_nought():
    """Nothing is 5% of nought: only the target itself or better is green (lower is better,
    e.g. no social workers with caseloads above target)."""
    assert tolerance_rag(0, 0, higher_is_better=False) is G
    assert tolerance_rag(1, 0, higher_is_better=False) is R


def test_tolerance_is_exact_at_boundaries_binary_fractions_cannot_hold():
    # 5% below 55.55 is 52.7725; floats would put it either side.
    assert tolerance_rag(Decimal("52.7725"), Decimal("55.55")) is G
    assert tolerance_rag(Decimal("52.7724"), Decimal("55.55")) is A


def test_tolerance_without_a_value_or_a_target_gives_no_colour():
    assert tolerance_rag(None, 80) is None
    assert tolerance_rag(80, None) is None


# --- threshold bands: "50% good or outstanding – red 60% good or outstanding – amber 70% good or
# outstanding – green" ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("100", G), ("70", G), ("69.99", A), ("60", A), ("59.99", R), ("50", R), ("0", R)],
)
def test_bands_when_higher_is_better(value, expected):
    assert band_rag(Decimal(value), green_threshold=70, amber_threshold=60) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", G), ("10", G), ("10.01", A), ("20", A), ("20.01", R)],
)
def test_bands_when_lower_is_better(value, expected):
    assert band_rag(Decimal(value), green_threshold=10, amber_threshold=20, higher_is_better=False) is expected


def test_bands_without_a_value_or_thresholds_give_no_colour():
    assert band_rag(None, green_threshold=70, amber_threshold=60) is None
    assert band_rag(65, green_threshold=None, amber_threshold=60) is None


# --- a measure's own rule ---------------------------------------------------------------------


def test_no_target_means_no_rag_never_a_guess():
    assessment = assess_measure(rule=RagRule.TOLERANCE, value=Decimal(90), target=None)
    assert (assessment.rag, assessment.no_rag) == (None, NoRag.NO_TARGET)
    assert assessment.label == "No target"
    assert assessment.css_class == "rag--none"


def test_no_value_means_no_rag():
    assessment = assess_measure(rule=RagRule.BANDS, value=None, target=None, green_threshold=70, amber_threshold=60)
    assert (assessment.rag, assessment.label) == (None, "No value")


def test_a_measure_under_no_rule_has_no_colour_whatever_its_figures():
    assessment = assess_measure(rule=RagRule.NONE, value=Decimal(10), target=Decimal(80))
    assert (assessment.rag, assessment.label) == (None, "No RAG rule")


def test_each_rule_is_applied_with_the_measures_direction_and_settings():
    tolerance = assess_measure(rule=RagRule.TOLERANCE, value=Decimal(92), target=Decimal(80), direction=Direction.LOWER)
    bands = assess_measure(rule=RagRule.BANDS, value=Decimal(65), target=None, green_threshold=70, amber_threshold=60)
    assert (tolerance.rag, tolerance.label) == (A, "Amber: Slight variance")
    assert (bands.rag, bands.label) == (A, "Amber: Slight variance")
    assert bands.short_label == "Amber"


def test_a_measure_where_neither_way_is_better_has_no_colour():
    assessment = assess_measure(rule=RagRule.TOLERANCE, value=308, target=300, direction=Direction.NEITHER)
    assert (assessment.rag, assessment.no_rag) == (None, NoRag.NO_RULE)
    assert Direction.NEITHER.higher_is_better is None


def test_the_colours_are_named_in_the_trust_boards_words():
    assert measure_rag_label(G) == "Green: On target"
    assert measure_rag_label(R) == "Red: Significant variance"


# --- direction of travel ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "higher_is_better", "expected"),
    [
        (90, 84, True, Travel.IMPROVING),
        (84, 90, True, Travel.WORSENING),
        (84, 90, False, Travel.IMPROVING),
        (90, 84, False, Travel.WORSENING),
        (Decimal("87.00"), Decimal(87), True, Travel.NO_CHANGE),
        (308, 304, None, Travel.UP),  # neither way is better: the number of children open to a team
        (304, 308, None, Travel.DOWN),
        (308, 308, None, Travel.NO_CHANGE),
        (87, None, True, Travel.NO_PREVIOUS),
        (None, 87, True, Travel.NO_PREVIOUS),
    ],
)
def test_direction_of_travel(current, previous, higher_is_better, expected):
    assert direction_of_travel(current, previous, higher_is_better=higher_is_better) is expected


# --- the share on each colour -----------------------------------------------------------------

# 32 measures, each coloured by hand from its figures with the Trust Board's 5% and 15%:
# 19 green, 8 amber and 5 red. 19/32 = 59.4%, 8/32 = 25%, 5/32 = 15.6%: seed 001's "59% of the
# outcome indicators monitored were on target or were exceeding their target, 25% were showing
# slight variance, and 16% were showing significant variance". Two more have no target.
HAND_COUNTED = [
    # (value, target, direction, colour counted by hand)
    (100, 100, "higher", G),
    (96, 100, "higher", G),
    (95, 100, "higher", G),
    (120, 100, "higher", G),
    (80, 80, "higher", G),
    (76, 80, "higher", G),
    (90, 90, "higher", G),
    (88, 90, "higher", G),
    (50, 50, "higher", G),
    (48, 50, "higher", G),
    (10, 10, "lower", G),
    (5, 10, "lower", G),
    (105, 100, "lower", G),
    (0, 0, "lower", G),
    (18, 18, "lower", G),
    (70, 70, "higher", G),
    (67, 70, "higher", G),
    (30, 30, "higher", G),
    (200, 150, "higher", G),
    (94, 100, "higher", A),
    (85, 100, "higher", A),
    (72, 80, "higher", A),
    (106, 100, "lower", A),
    (115, 100, "lower", A),
    (44, 50, "higher", A),
    (11, 10, "lower", A),
    (60, 70, "higher", A),
    (84, 100, "higher", R),
    (116, 100, "lower", R),
    (20, 50, "higher", R),
    (2, 0, "lower", R),
    (12, 10, "lower", R),
    (70, None, "higher", None),
    (None, None, "higher", None),
]


def test_each_hand_counted_measure_has_the_colour_counted_by_hand():
    for value, target, direction, colour in HAND_COUNTED:
        assessment = assess_measure(rule=RagRule.TOLERANCE, value=value, target=target, direction=direction)
        assert assessment.rag is colour, (value, target, direction)


def test_the_period_summary_of_the_hand_counted_measures_is_the_trust_boards():
    summary = rag_summary(
        assess_measure(rule=RagRule.TOLERANCE, value=value, target=target, direction=direction).rag
        for value, target, direction, _ in HAND_COUNTED
    )
    assert [(share.rag, share.count, share.percent) for share in summary.shares] == [
        (G, 19, 59),
        (A, 8, 25),
        (R, 5, 16),
    ]
    assert (summary.with_rag, summary.without_rag, summary.total) == (32, 2, 34)
    assert summary.share("amber").label == "Amber: Slight variance"


def test_a_summary_of_nothing_is_all_noughts():
    summary = rag_summary([])
    assert [(share.count, share.percent) for share in summary.shares] == [(0, 0), (0, 0), (0, 0)]


def test_shares_are_rounded_half_up():
    # 1 of 8 is 12.5%: 13; 7 of 8 is 87.5%: 88.
    summary = rag_summary([G] * 7 + [R])
    assert (summary.share(G).percent, summary.share(R).percent) == (88, 13)
