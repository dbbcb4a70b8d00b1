"""RAG over time, read from the RAG snapshots kept at each month-end.

For each period end (the last 12 months and the last 8 calendar quarters up to clock.today();
Q1 is January to March), every action that existed by then (created on or before the period
end) is counted with the RAG the rules in actionplans.plans.rag gave it as at that day, using
only the updates reported on or before it and the target date in force then. Every quarter
ends at a month-end, so the month-end snapshots (actionplans.plans.snapshots) serve both:
the first dashboard to need a month-end that has passed records it, once.

A period that has not ended yet ends on clock.today() and is "so far"; its figures are the
dashboard's current counts (ActionQuerySet.with_rag), which the caller passes in.

Queries, however many actions, updates or periods there are: 1 the month-ends recorded, 1 the
counts of the plans in scope at each (plus the writes, the first time a month-end is needed;
plus 1 the current counts if the caller has none).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet
from django.utils.formats import date_format

from actionplans.kernel import clock
from actionplans.plans.models import Action
from actionplans.plans.rag import NOT_REPORTED_LABEL, Rag, rag_label
from actionplans.plans.selectors import RAG_KEYS, RagSummary
from actionplans.plans.snapshots.reading import plan_rag_counts_by_period
from actionplans.plans.snapshots.writer import periods_record
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

    @cached_property
    def heading(self) -> str:
        """ "End of Q3 2021 (30 September 2021)", or "Q4 2021 so far (4 November 2021)". Worked
        out once: a chart, its description and its table each show it."""
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


def added_up(summaries: Iterable[RagSummary]) -> RagSummary:
    """The summaries' counts added together."""
    counts = dict.fromkeys([*RAG_KEYS, "overdue", "update_due"], 0)
    for summary in summaries:
        for key in RAG_KEYS:
            counts[key] += summary.counts[key]
        counts["overdue"] += summary.overdue
        counts["update_due"] += summary.update_due
    return RagSummary.from_counts(counts)


def period_ends_shown(*, on: datetime.date) -> list[datetime.date]:
    """The ends of the months and quarters the dashboards show as at `on` that have passed:
    the month-ends whose snapshots they read."""
    periods = [*quarter_periods(on=on), *month_periods(on=on)]
    return sorted({period.end for period in periods if period.end < on})


@dataclass(frozen=True)
class RagHistory:
    quarters: list[PeriodFigures]
    months: list[PeriodFigures]


def rag_history(
    *, plans: QuerySet | Iterable[int], on: datetime.date | None = None, current: RagSummary | None = None
) -> RagHistory:
    """RAG over time by quarter and by month for the actions of the plans (a queryset, or their
    ids). `current` is those actions' counts now (ActionQuerySet.rag_counts_by), for the period so far."""
    on = on or clock.today()
    quarters, months = quarter_periods(on=on), month_periods(on=on)
    ended = period_ends_shown(on=on)
    periods_record(ended)
    at_end = {
        period_end: RagSummary.from_counts(counts) for period_end, _, counts in plan_rag_counts_by_period(plans, ended)
    }
    if current is None:
        plan_ids = plans.order_by().values("pk") if isinstance(plans, QuerySet) else list(plans)
        by_plan = Action.objects.filter(plan__in=plan_ids).rag_counts_by_plan(on=on)
        current = added_up(RagSummary.from_counts(counts) for counts in by_plan.values())

    def figures(periods: Sequence[Period]) -> list[PeriodFigures]:
        return [
            PeriodFigures(
                period=period,
                summary=at_end.get(period.end, RagSummary.from_counts(None)) if period.end < on else current,
            )
            for period in periods
        ]

    return RagHistory(quarters=figures(quarters), months=figures(months))
