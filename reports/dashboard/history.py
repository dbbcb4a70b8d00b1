"""RAG over time, worked out from the update history.

For each period end (the last 12 months and the last 8 calendar quarters up to clock.today();
Q1 is January to March), every action that existed by then (created on or before the period
end) gets the RAG the rules in actionplans.plans.rag give as at that day, using only the updates
reported on or before it and the target date in force then:

* the new date of the last target date revision made on or before the day;
* else, if the target was revised only later, the first revision's previous date (the
  original target);
* else the action's target date.

A period that has not ended yet ends on clock.today() and is "so far"; for it the figures are
the same as the dashboard's current counts.

Queries: 1 the actions, 1 all their updates, 1 all their target date revisions, however
many actions, updates or periods there are; the rest is Python.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.formats import date_format

from actionplans.kernel import clock
from actionplans.plans import rag
from actionplans.plans.rag import NOT_REPORTED_LABEL, Rag, rag_label
from actionplans.plans.selectors import RAG_KEYS, RagSummary
from actionplans.plans.timeline import ActionHistory, load_histories
from reports.charts import count_words, whole_percentages

QUARTERS_SHOWN = 8
MONTHS_SHOWN = 12


# --- Periods ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar quarter or month, ending on its last day or on the as-at day if sooner."""

    label: str  # "Q3 2021", "September 2021"
    short_label: str  # "Q3", "Sep"
    year: int
    calendar_end: datetime.date
    end: datetime.date

    @property
    def is_partial(self) -> bool:
        return self.end < self.calendar_end

    @property
    def heading(self) -> str:
        """ "End of Q3 2021 (30 September 2021)", or "Q4 2021 so far (4 November 2021)"."""
        day = date_format(self.end)
        return f"{self.label} so far ({day})" if self.is_partial else f"End of {self.label} ({day})"

    @property
    def label_lines(self) -> tuple[str, ...]:
        lines = (self.short_label, str(self.year))
        return (*lines, "so far") if self.is_partial else lines


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def quarter_periods(*, on: datetime.date, count: int = QUARTERS_SHOWN) -> list[Period]:
    """The `count` calendar quarters up to the one `on` falls in, oldest first."""
    periods = []
    year, quarter = on.year, (on.month - 1) // 3 + 1
    for _ in range(count):
        calendar_end = _month_end(year, quarter * 3)
        periods.append(
            Period(
                label=f"Q{quarter} {year}",
                short_label=f"Q{quarter}",
                year=year,
                calendar_end=calendar_end,
                end=min(calendar_end, on),
            )
        )
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return periods[::-1]


def month_periods(*, on: datetime.date, count: int = MONTHS_SHOWN) -> list[Period]:
    """The `count` calendar months up to the one `on` falls in, oldest first."""
    periods = []
    year, month = on.year, on.month
    for _ in range(count):
        calendar_end = _month_end(year, month)
        periods.append(
            Period(
                label=date_format(calendar_end, "YEAR_MONTH_FORMAT"),
                short_label=date_format(calendar_end, "M"),
                year=year,
                calendar_end=calendar_end,
                end=min(calendar_end, on),
            )
        )
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return periods[::-1]


# --- Figures per period ----------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    rag: str  # a Rag value, or "" for not yet reported
    count: int
    percentage: int

    @property
    def label(self) -> str:
        return rag_label(self.rag)


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    summary: RagSummary

    @property
    def shares(self) -> list[Share]:
        return [Share(rag=key, count=self.summary.counts[key], percentage=self.percentages[key]) for key in RAG_KEYS]

    @property
    def values(self) -> list[int]:
        return [self.summary.counts[key] for key in RAG_KEYS]

    @property
    def percentages(self) -> dict[str, int]:
        return dict(zip(RAG_KEYS, whole_percentages(self.values), strict=True))

    @property
    def sentence(self) -> str:
        """E.g. "End of Q3 2021 (30 September 2021): 4 actions – 25% Blue, 50% Green, 25% Amber,
        0% Red, 0% Not yet reported"."""
        if not self.summary.total:
            return f"{self.period.heading}: no actions"
        shares = ", ".join(
            f"{percentage}% {Rag(key).label if key else NOT_REPORTED_LABEL}"
            for key, percentage in self.percentages.items()
        )
        return f"{self.period.heading}: {count_words(self.summary.total)} – {shares}"


def figures_for_periods(histories: Iterable[ActionHistory], periods: Sequence[Period]) -> list[PeriodFigures]:
    """For each period, the RAG counts of the actions that existed at its end, as at its end."""
    histories = list(histories)
    cycle_days = rag.reporting_cycle_days()
    figures = []
    for period in periods:
        assessments = (history.assessment_on(period.end, cycle_days=cycle_days) for history in histories)
        summary = RagSummary.from_assessments(assessment for assessment in assessments if assessment is not None)
        figures.append(PeriodFigures(period=period, summary=summary))
    return figures


@dataclass(frozen=True)
class RagHistory:
    quarters: list[PeriodFigures]
    months: list[PeriodFigures]


def rag_history(*, actions: QuerySet, on: datetime.date | None = None) -> RagHistory:
    """RAG over time by quarter and by month for the actions in the queryset. 3 queries."""
    on = on or clock.today()
    histories = load_histories(actions)
    return RagHistory(
        quarters=figures_for_periods(histories, quarter_periods(on=on)),
        months=figures_for_periods(histories, month_periods(on=on)),
    )
