"""RAG over time, worked out from the update history.

For each period end (the last 12 months and the last 8 calendar quarters up to rag.today();
Q1 is January to March), every action that existed by then (created on or before the period
end) gets the RAG the rules in actionplans.rag give as at that day, using only the updates
reported on or before it and the target date in force then:

* the new date of the last target date revision made on or before the day;
* else, if the target was revised only later, the first revision's previous date (the
  original target);
* else the action's target date.

A period that has not ended yet ends on rag.today() and is "so far"; for it the figures are
the same as the dashboard's current counts.

Queries: 1 the actions, 1 all their updates, 1 all their target date revisions, however
many actions, updates or periods there are; the rest is Python.
"""

from __future__ import annotations

import calendar
import datetime
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from actionplans import rag
from actionplans.models import ProgressUpdate, TargetDateRevision
from actionplans.rag import NOT_REPORTED_LABEL, Assessment, Rag, rag_label
from actionplans.selectors import RAG_KEYS, RagSummary
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
        day = date_format(self.end, "j F Y")
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
                label=date_format(calendar_end, "F Y"),
                short_label=date_format(calendar_end, "M"),
                year=year,
                calendar_end=calendar_end,
                end=min(calendar_end, on),
            )
        )
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return periods[::-1]


# --- One action's history ----------------------------------------------------------------


@dataclass
class ActionHistory:
    """What is known about one action: when it was created, its target date now, its
    updates and target date revisions in the order they were made."""

    created_on: datetime.date
    target_date: datetime.date | None
    update_days: list[datetime.date] = field(default_factory=list)
    updates: list[tuple[datetime.datetime, str, str]] = field(default_factory=list)  # reported_at, status, rag
    revision_days: list[datetime.date] = field(default_factory=list)
    revisions: list[tuple[datetime.date | None, datetime.date]] = field(default_factory=list)  # previous, new
    action_id: int | None = None

    def target_date_on(self, day: datetime.date) -> datetime.date | None:
        """The target date in force at the end of `day`."""
        if not self.revisions:
            return self.target_date
        made = bisect_right(self.revision_days, day)
        if made == 0:
            return self.revisions[0][0]
        return self.revisions[made - 1][1]

    def assessment_on(self, day: datetime.date, *, cycle_days: int | None = None) -> Assessment | None:
        """The RAG rules as at the end of `day`, from what had been reported by then; None if
        the action did not exist yet."""
        if self.created_on > day:
            return None
        reported = bisect_right(self.update_days, day)
        reported_at, status, reported_rag = self.updates[reported - 1] if reported else (None, None, None)
        return rag.assess(
            status=status,
            reported_rag=reported_rag,
            target_date=self.target_date_on(day),
            last_update_at=reported_at,
            on=day,
            cycle_days=cycle_days,
        )


def load_histories(actions: QuerySet) -> list[ActionHistory]:
    """The history of every action in the queryset. Queries: 1 actions, 1 updates, 1 revisions."""
    histories: dict[int, ActionHistory] = {
        pk: ActionHistory(created_on=timezone.localdate(created_at), target_date=target_date, action_id=pk)
        for pk, created_at, target_date in actions.order_by().values_list("pk", "created_at", "target_date")
    }
    in_scope = actions.order_by().values("pk")
    updates = (
        ProgressUpdate.objects.filter(action__in=in_scope)
        .order_by("action_id", "reported_at", "pk")
        .values_list("action_id", "reported_at", "status", "rag")
    )
    for action_id, reported_at, status, reported_rag in updates:
        history = histories.get(action_id)
        if history is not None:
            history.update_days.append(timezone.localdate(reported_at))
            history.updates.append((reported_at, status, reported_rag))
    revisions = (
        TargetDateRevision.objects.filter(action__in=in_scope)
        .order_by("action_id", "revised_at", "pk")
        .values_list("action_id", "revised_at", "previous_date", "new_date")
    )
    for action_id, revised_at, previous_date, new_date in revisions:
        history = histories.get(action_id)
        if history is not None:
            history.revision_days.append(timezone.localdate(revised_at))
            history.revisions.append((previous_date, new_date))
    return list(histories.values())


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
    on = on or rag.today()
    histories = load_histories(actions)
    return RagHistory(
        quarters=figures_for_periods(histories, quarter_periods(on=on)),
        months=figures_for_periods(histories, month_periods(on=on)),
    )
