"""The RAG rules for measures (outcome indicators): what colour a measure's value shows,
whether it moved the right way since the period before, and the share of measures on each
colour at a period end.

Two ways to set a measure's RAG, as the papers do:

* **Tolerance** (seed 001, the Trust Board's rule): "within 5% of or exceeding the set target
  - on target (coded green); between 5% and 15% below set target - slight variance (coded
  amber); more than 15% below set target - significant variance (coded red)". The tolerances
  are per measure, 5% and 15% unless set otherwise, and relative to the target: 5% below a
  target of 80 is 76. Exactly on a tolerance is the better colour. For a measure where lower
  is better, "below" becomes "above".
* **Threshold bands** (seed 002, the improvement plan): "50% good or outstanding – red, 60%
  good or outstanding – amber, 70% good or outstanding – green": at or above the green
  threshold green, at or above the amber threshold amber, red otherwise (for lower is better:
  at or below).

A measure under the tolerance rule with no target, or with no value, has no RAG: it shows
"No target" or "No value", never a guessed colour. Every comparison is on Decimals, exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

from actionplans.plans.rag import Rag

DEFAULT_GREEN_TOLERANCE = Decimal(5)
DEFAULT_AMBER_TOLERANCE = Decimal(15)


class Direction(models.TextChoices):
    """Which way is better for a measure. For some neither is (the number of children open to a
    team): such a measure has no RAG, and moves up or down rather than improving or worsening."""

    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NEITHER = "neither", "Neither way is better"

    @property
    def higher_is_better(self) -> bool | None:
        """True or False; None when neither way is better."""
        return {Direction.HIGHER: True, Direction.LOWER: False}.get(self)


class RagRule(models.TextChoices):
    TOLERANCE = "tolerance", "Tolerance around the target"
    BANDS = "bands", "Threshold bands"
    NONE = "none", "No RAG"


# What each colour means for a measure, in the Trust Board's words (seed 001).
MEASURE_RAG_MEANINGS = {
    Rag.GREEN: "On target",
    Rag.AMBER: "Slight variance",
    Rag.RED: "Significant variance",
}


class NoRag(models.TextChoices):
    """Why a measure shows no colour."""

    NO_TARGET = "no_target", "No target"
    NO_VALUE = "no_value", "No value"
    NO_RULE = "no_rule", "No RAG rule"


def _number(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def tolerance_rag(
    value,
    target,
    *,
    higher_is_better: bool = True,
    green_tolerance=DEFAULT_GREEN_TOLERANCE,
    amber_tolerance=DEFAULT_AMBER_TOLERANCE,
) -> Rag | None:
    """The tolerance rule: green when the value is at most `green_tolerance` per cent of the
    target worse than the target (or better than it), amber up to `amber_tolerance` per cent
    worse, red beyond. None when there is no value or no target."""
    if value is None or target is None:
        return None
    value, target = _number(value), _number(target)
    shortfall = (target - value) if higher_is_better else (value - target)
    # shortfall / |target| <= tolerance / 100, multiplied out so nothing is rounded.
    scaled_shortfall = shortfall * 100
    if scaled_shortfall <= _number(green_tolerance) * abs(target):
        return Rag.GREEN
    if scaled_shortfall <= _number(amber_tolerance) * abs(target):
        return Rag.AMBER
    return Rag.RED


def band_rag(value, *, green_threshold, amber_threshold, higher_is_better: bool = True) -> Rag | None:
    """The threshold bands: at or beyond the green threshold green, at or beyond the amber
    threshold amber, red otherwise ("beyond" is above when higher is better, below when lower
    is). None when there is no value or a threshold is missing."""
    if value is None or green_threshold is None or amber_threshold is None:
        return None
    value, green, amber = _number(value), _number(green_threshold), _number(amber_threshold)
    if higher_is_better:
        return Rag.GREEN if value >= green else Rag.AMBER if value >= amber else Rag.RED
    return Rag.GREEN if value <= green else Rag.AMBER if value <= amber else Rag.RED


@dataclass(frozen=True)
class MeasureAssessment:
    """What the rules say about one value of a measure."""

    rag: Rag | None
    no_rag: NoRag | None  # why there is no colour, when there is none

    @property
    def label(self) -> str:
        return measure_rag_label(self.rag, self.no_rag)

    @property
    def short_label(self) -> str:
        return self.rag.label if self.rag else (self.no_rag or NoRag.NO_VALUE).label

    @property
    def css_class(self) -> str:
        return f"rag--{self.rag.value}" if self.rag else "rag--none"


def measure_rag_label(rag: Rag | str | None, no_rag: NoRag | str | None = None) -> str:
    """A measure's RAG in words, e.g. "Amber: Slight variance", or why it has none."""
    if rag:
        rag = Rag(rag)
        return f"{rag.label}: {MEASURE_RAG_MEANINGS[rag]}"
    return NoRag(no_rag or NoRag.NO_VALUE).label


def assess_measure(
    *,
    rule: str,
    value,
    target,
    direction: str = Direction.HIGHER,
    green_tolerance=DEFAULT_GREEN_TOLERANCE,
    amber_tolerance=DEFAULT_AMBER_TOLERANCE,
    green_threshold=None,
    amber_threshold=None,
) -> MeasureAssessment:
    """Apply the measure's own rule to one value. The value is the measure's figure for a
    period; the target, the one that applied to that period (Measure.target_on)."""
    higher = Direction(direction).higher_is_better
    rule = RagRule(rule)
    if rule is RagRule.NONE or higher is None:
        return MeasureAssessment(rag=None, no_rag=NoRag.NO_RULE)
    if rule is RagRule.TOLERANCE and target is None:
        return MeasureAssessment(rag=None, no_rag=NoRag.NO_TARGET)
    if rule is RagRule.BANDS and (green_threshold is None or amber_threshold is None):
        return MeasureAssessment(rag=None, no_rag=NoRag.NO_TARGET)
    if value is None:
        return MeasureAssessment(rag=None, no_rag=NoRag.NO_VALUE)
    if rule is RagRule.TOLERANCE:
        rag = tolerance_rag(
            value,
            target,
            higher_is_better=higher,
            green_tolerance=green_tolerance,
            amber_tolerance=amber_tolerance,
        )
    else:
        rag = band_rag(value, green_threshold=green_threshold, amber_threshold=amber_threshold, higher_is_better=higher)
    return MeasureAssessment(rag=rag, no_rag=None)


# --- direction of travel ---------------------------------------------------------------------


class Travel(models.TextChoices):
    """Which way a measure moved since its previous value."""

    IMPROVING = "improving", "Improving"
    WORSENING = "worsening", "Worsening"
    UP = "up", "Up"  # where neither way is better
    DOWN = "down", "Down"
    NO_CHANGE = "no_change", "No change"
    NO_PREVIOUS = "no_previous", "No previous value"

    @property
    def symbol(self) -> str:
        """A sign to show beside the words (never instead of them)."""
        return TRAVEL_SYMBOLS[self]


TRAVEL_SYMBOLS = {
    Travel.IMPROVING: "▲",
    Travel.WORSENING: "▼",
    Travel.UP: "↑",
    Travel.DOWN: "↓",
    Travel.NO_CHANGE: "▶",
    Travel.NO_PREVIOUS: "–",
}


def direction_of_travel(current, previous, *, higher_is_better: bool | None = True) -> Travel:
    """Improving, worsening or no change from the previous period's value to this one's, by
    which way is better for the measure (up or down where neither way is, `higher_is_better`
    None); "no previous value" when either is missing."""
    if current is None or previous is None:
        return Travel.NO_PREVIOUS
    current, previous = _number(current), _number(previous)
    if current == previous:
        return Travel.NO_CHANGE
    if higher_is_better is None:
        return Travel.UP if current > previous else Travel.DOWN
    return Travel.IMPROVING if (current > previous) == higher_is_better else Travel.WORSENING


# --- the share of measures on each colour ----------------------------------------------------


@dataclass(frozen=True)
class RagShare:
    rag: Rag
    count: int
    percent: int  # of the measures with a colour, rounded half up

    @property
    def label(self) -> str:
        return measure_rag_label(self.rag)


@dataclass(frozen=True)
class RagSummary:
    """How many measures show green, amber and red (seed 001's "59% of the outcome indicators
    monitored were on target or were exceeding their target, 25% were showing slight variance,
    and 16% were showing significant variance"), and how many show no colour."""

    shares: tuple[RagShare, ...]
    without_rag: int

    @property
    def with_rag(self) -> int:
        return sum(share.count for share in self.shares)

    @property
    def total(self) -> int:
        return self.with_rag + self.without_rag

    def share(self, rag: Rag | str) -> RagShare:
        rag = Rag(rag)
        return next(share for share in self.shares if share.rag is rag)


SUMMARY_RAGS = (Rag.GREEN, Rag.AMBER, Rag.RED)


def _percent(part: int, whole: int) -> int:
    if not whole:
        return 0
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rag_summary(rags: Iterable[Rag | str | None]) -> RagSummary:
    """The share of a set of measures on each colour: each measure's RAG at the period end (None
    for a measure with no colour, which is counted apart and is not in the percentages)."""
    counts = dict.fromkeys(SUMMARY_RAGS, 0)
    without = 0
    for rag in rags:
        if rag:
            counts[Rag(rag)] += 1
        else:
            without += 1
    whole = sum(counts.values())
    shares = tuple(RagShare(rag=rag, count=counts[rag], percent=_percent(counts[rag], whole)) for rag in SUMMARY_RAGS)
    return RagSummary(shares=shares, without_rag=without)
