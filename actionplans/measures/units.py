"""What a measure counts in, and how often it is reported: choices with the behaviour that
goes with them (how a figure is written, how a value follows from its numerator and
denominator)."""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import models


def plain_number(value) -> str:
    """A figure as the papers print it: no trailing zeros ("87", "53.76"), thousands with commas."""
    if value is None:
        return ""
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{int(whole):,}.{fraction}" if whole not in ("-0", "") else text


class MeasureUnit(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    COUNT = "count", "Count"
    RATE_PER_10000 = "rate_per_10000", "Rate per 10,000"
    DAYS = "days", "Days"
    SCORE = "score", "Score"

    @property
    def ratio_scale(self) -> Decimal | None:
        """value = numerator / denominator × this; None for a unit that has no numerator and
        denominator (a count is a count)."""
        return RATIO_SCALES[self]

    @property
    def is_share(self) -> bool:
        """A share of a whole, whose numerator cannot exceed its denominator."""
        return self in (MeasureUnit.PERCENTAGE, MeasureUnit.RATE_PER_10000)

    def format(self, value) -> str:
        """A figure in this unit, as a page or a paper prints it: "87%", "266", "42.1 per 10,000",
        "12 days"; "" for no figure."""
        if value is None:
            return ""
        number = plain_number(value)
        if self is MeasureUnit.PERCENTAGE:
            return f"{number}%"
        if self is MeasureUnit.RATE_PER_10000:
            return f"{number} per 10,000"
        if self is MeasureUnit.DAYS:
            return f"{number} day" if Decimal(str(value)) == 1 else f"{number} days"
        return number

    def format_with_counts(self, value, numerator=None, denominator=None) -> str:
        """The figure with the counts behind it, as seed 002's Jigsaw tables print it:
        "196 (87%)", or "196 of 226 (87%)" when the denominator is known too."""
        figure = self.format(value)
        if numerator is None:
            return figure
        counts = (
            plain_number(numerator)
            if denominator is None
            else f"{plain_number(numerator)} of {plain_number(denominator)}"
        )
        return f"{counts} ({figure})"


RATIO_SCALES = {
    MeasureUnit.PERCENTAGE: Decimal(100),
    MeasureUnit.RATE_PER_10000: Decimal(10000),
    MeasureUnit.DAYS: Decimal(1),
    MeasureUnit.SCORE: Decimal(1),
    MeasureUnit.COUNT: None,
}

# How far a value may be from numerator / denominator × scale and still agree with them: a
# figure printed to whole numbers is up to half a unit off (196 of 226 is 86.7%, printed 87%).
RATIO_TOLERANCE = Decimal("0.5")


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


def period_label(period_end: datetime.date, frequency: str | None = None) -> str:
    """A period as the papers name it: a month end is the month ("September 2021"), any other
    day the day itself ("19 October 2021", seed 002's "October 19th")."""
    if frequency in (None, Frequency.MONTHLY) and period_end == month_end(period_end):
        return f"{period_end:%B %Y}"
    return f"{period_end.day} {period_end:%B %Y}"


def value_from_counts(unit: str, numerator: int, denominator: int) -> Decimal:
    """The figure a numerator and denominator give in this unit, to two decimal places
    (196 of 226 as a percentage: 86.73)."""
    scale = MeasureUnit(unit).ratio_scale
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def counts_agree(unit: str, value, numerator: int | None, denominator: int | None) -> bool:
    """Whether a figure agrees with its numerator and denominator, give or take the rounding of
    a printed figure (RATIO_TOLERANCE): the rule the database checks too
    (MeasureValue's constraint measure_value_agrees_with_counts)."""
    scale = MeasureUnit(unit).ratio_scale
    if numerator is None or denominator is None or scale is None or denominator <= 0:
        return True
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    return abs(value * denominator - Decimal(numerator) * scale) <= RATIO_TOLERANCE * denominator
