"""What each page of measures shows, fetched in a fixed number of queries however many measures
and periods there are.

Every RAG and direction of travel comes from the rules in actionplans.plans.rag.measures,
applied to what MeasureQuerySet.with_latest() annotates (the newest value as at a day, the
value before it, the target that applied), or to a measure's own values on its page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from actionplans.kernel import clock
from actionplans.measures import charts
from actionplans.measures.models import Measure, MeasureTarget, MeasureValue, target_on
from actionplans.measures.units import MeasureUnit, period_label
from actionplans.plans.rag import (
    MeasureAssessment,
    RagSummary,
    Travel,
    assess_measure,
    direction_of_travel,
    rag_summary,
)

TABLE_PAGE_SIZE = 100  # rows on each page of a "Measures that matter" table
DASHBOARD_LIMIT = 20  # measures a dashboard lists; the measures table has every one
SPARK_PERIODS = 12  # the newest values drawn in a row's trend line

# The fields the rules read, with the with_latest() annotations: all a summary fetches.
RULE_FIELDS = (
    "rag_rule",
    "direction",
    "green_tolerance",
    "amber_tolerance",
    "green_threshold",
    "amber_threshold",
)


def assess_latest(row) -> MeasureAssessment:
    """The rules applied to a measure annotated by with_latest() (an object or a values() dict)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return assess_measure(
        rule=get("rag_rule"),
        value=get("actual_value"),
        target=get("target_value"),
        direction=get("direction"),
        green_tolerance=get("green_tolerance"),
        amber_tolerance=get("amber_tolerance"),
        green_threshold=get("green_threshold"),
        amber_threshold=get("amber_threshold"),
    )


@dataclass(frozen=True)
class TrendPoint:
    period_end: datetime.date
    value: object  # Decimal
    label: str  # the figure as printed, e.g. "196 (87%)"


@dataclass(frozen=True)
class MeasureRow:
    """One row of a "Measures that matter" table: Measure, Baseline, Actual with its period,
    Target, RAG, and the direction of travel since the previous period."""

    measure: Measure  # annotated by MeasureQuerySet.with_latest()
    trend: tuple[TrendPoint, ...] = ()  # the newest SPARK_PERIODS values, oldest first

    @cached_property
    def assessment(self) -> MeasureAssessment:
        return assess_latest(self.measure)

    @cached_property
    def travel(self) -> Travel:
        m = self.measure
        return direction_of_travel(m.actual_value, m.previous_value, higher_is_better=m.higher_is_better)

    @property
    def unit(self) -> MeasureUnit:
        return self.measure.unit_choice

    @property
    def baseline(self) -> str:
        return self.unit.format(self.measure.baseline_value)

    @property
    def actual(self) -> str:
        m = self.measure
        return self.unit.format_with_counts(m.actual_value, m.actual_numerator, m.actual_denominator)

    @property
    def actual_period(self) -> str:
        end = self.measure.actual_period_end
        return period_label(end, self.measure.frequency) if end else ""

    @property
    def previous(self) -> str:
        return self.unit.format(self.measure.previous_value)

    @property
    def previous_period(self) -> str:
        end = self.measure.previous_period_end
        return period_label(end, self.measure.frequency) if end else ""

    @cached_property
    def sparkline(self):
        return charts.sparkline(trend=self.trend, chart_id=f"trend-{self.measure.pk}", name=self.measure.name)

    @property
    def target(self) -> str:
        m = self.measure
        if m.rag_rule == "bands":
            return f"Green {self.unit.format(m.green_threshold)}, amber {self.unit.format(m.amber_threshold)}"
        return self.unit.format(m.target_value)


def _trends(measure_ids: list[int], *, on: datetime.date) -> dict[int, tuple[TrendPoint, ...]]:
    """The newest SPARK_PERIODS values of each measure up to `on`, oldest first. One query."""
    if not measure_ids:
        return {}
    newest = Window(RowNumber(), partition_by=[F("measure_id")], order_by=F("period_end").desc())
    values = (
        MeasureValue.objects.filter(measure_id__in=measure_ids, period_end__lte=on)
        .annotate(newness=newest)
        .filter(newness__lte=SPARK_PERIODS)
        .order_by("measure_id", "period_end")
        .only("measure_id", "period_end", "value", "numerator", "denominator", "unit")
    )
    trends: dict[int, list[TrendPoint]] = {}
    for value in values:
        trends.setdefault(value.measure_id, []).append(
            TrendPoint(period_end=value.period_end, value=value.value, label=value.formatted)
        )
    return {pk: tuple(points) for pk, points in trends.items()}


def measure_rows(measures: QuerySet, *, on: datetime.date) -> list[MeasureRow]:
    """The rows of a measures table for these measures (a sliced for_table() queryset, say).
    Queries: 1 the measures with their latest figures, plan and data owner; 1 their trends."""
    measures = list(measures)
    trends = _trends([m.pk for m in measures], on=on)
    return [MeasureRow(measure=m, trend=trends.get(m.pk, ())) for m in measures]


@dataclass(frozen=True)
class PeriodSummary:
    """The share of measures green, amber and red as at the latest period end that has a value."""

    summary: RagSummary
    period_end: datetime.date | None

    @property
    def period(self) -> str:
        return f"{self.period_end.day} {self.period_end:%B %Y}" if self.period_end else ""

    @property
    def sentence(self) -> str:
        """Seed 001's quarter summary, in its words."""
        s = self.summary
        if not s.with_rag:
            return ""
        green, amber, red = (s.share(rag) for rag in ("green", "amber", "red"))
        return (
            f"At {self.period}, {green.percent}% of the measures monitored were on target or were exceeding "
            f"their target, {amber.percent}% were showing slight variance, and {red.percent}% were showing "
            "significant variance"
        )


def period_summary(measures: QuerySet, *, on: datetime.date) -> PeriodSummary:
    """The share of these measures on each colour at the latest period end up to `on`: each
    measure counted by its newest value on or before it. One query, reading only what the rules
    need, however many measures."""
    rows = list(
        measures.with_latest(on=on).order_by().values(*RULE_FIELDS, "actual_value", "target_value", "actual_period_end")
    )
    summary = rag_summary(assess_latest(row).rag for row in rows)
    ends = [row["actual_period_end"] for row in rows if row["actual_period_end"] is not None]
    return PeriodSummary(summary=summary, period_end=max(ends) if ends else None)


# --- A "Measures that matter" table (a plan's, a body's) ---------------------------------------


@dataclass(frozen=True)
class MeasuresTable:
    rows: list[MeasureRow]
    page: object  # django.core.paginator.Page
    page_range: list
    summary: PeriodSummary
    on: datetime.date

    @property
    def total(self) -> int:
        return self.page.paginator.count


def measures_table(measures: QuerySet, *, page_number=1, on: datetime.date | None = None) -> MeasuresTable:
    """Every measure, a page of TABLE_PAGE_SIZE at a time, and the period summary of all of them.
    Queries: 1 how many, 1 the page's rows, 1 their trends, 1 the summary."""
    on = on or clock.today()
    paginator = Paginator(measures.for_table(on=on), TABLE_PAGE_SIZE)
    page = paginator.get_page(page_number)
    rows = measure_rows(page.object_list, on=on)
    return MeasuresTable(
        rows=rows,
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        summary=period_summary(measures, on=on),
        on=on,
    )


@dataclass(frozen=True)
class DashboardMeasures:
    """The measures part of a dashboard: the period summary, and the first DASHBOARD_LIMIT
    measures with their trend and RAG."""

    rows: list[MeasureRow]
    summary: PeriodSummary

    @property
    def total(self) -> int:
        return self.summary.summary.total

    @property
    def is_cut(self) -> bool:
        return self.total > len(self.rows)


def dashboard_measures(measures: QuerySet, *, on: datetime.date | None = None) -> DashboardMeasures:
    """Queries: 1 the summary (and how many), 1 the rows shown, 1 their trends."""
    on = on or clock.today()
    summary = period_summary(measures, on=on)
    rows = measure_rows(measures.for_table(on=on)[:DASHBOARD_LIMIT], on=on) if summary.summary.total else []
    return DashboardMeasures(rows=rows, summary=summary)


# --- A measure's own page ---------------------------------------------------------------------


@dataclass(frozen=True)
class ValuePoint:
    """One value of a measure, with the target that applied to its period and the rules' verdict."""

    value: MeasureValue
    target: MeasureTarget | None
    assessment: MeasureAssessment
    travel: Travel

    @property
    def period(self) -> str:
        return period_label(self.value.period_end, self.value.measure.frequency)

    @property
    def target_label(self) -> str:
        measure = self.value.measure
        if measure.rag_rule == "bands":
            return f"Green {measure.format(measure.green_threshold)}, amber {measure.format(measure.amber_threshold)}"
        return measure.format(self.target.value) if self.target else ""


@dataclass(frozen=True)
class MeasurePage:
    measure: Measure
    points: list[ValuePoint]  # oldest first
    targets: list[MeasureTarget]
    on: datetime.date

    @cached_property
    def chart(self):
        measure = self.measure
        bands = (measure.green_threshold, measure.amber_threshold) if measure.rag_rule == "bands" else None
        return charts.trend_chart(
            points=self.points,
            format_value=measure.format,
            chart_id=f"measure-{measure.pk}-trend",
            title=f"{measure.name}: values over time",
            bands=bands,
            percentage=measure.unit == MeasureUnit.PERCENTAGE,
        )

    @property
    def latest(self) -> ValuePoint | None:
        shown = [p for p in self.points if p.value.period_end <= self.on]
        return shown[-1] if shown else None


def measures_for_page() -> QuerySet:
    return Measure.objects.select_related("plan__owning_body", "data_owner").prefetch_related(
        "recommendations__source", "actions", "core_data_set_of"
    )


def measure_points(measure: Measure, values: list[MeasureValue], targets: list[MeasureTarget]) -> list[ValuePoint]:
    """Each value with the target of its period, its RAG and its direction of travel."""
    points, previous = [], None
    for value in values:
        value.measure = measure
        target = target_on(targets, value.period_end)
        assessment = assess_measure(
            rule=measure.rag_rule,
            value=value.value,
            target=target.value if target else None,
            direction=measure.direction,
            green_tolerance=measure.green_tolerance,
            amber_tolerance=measure.amber_tolerance,
            green_threshold=measure.green_threshold,
            amber_threshold=measure.amber_threshold,
        )
        travel = direction_of_travel(value.value, previous, higher_is_better=measure.higher_is_better)
        points.append(ValuePoint(value=value, target=target, assessment=assessment, travel=travel))
        previous = value.value
    return points


def measure_page(*, measure: Measure, on: datetime.date | None = None) -> MeasurePage:
    """Queries: 1 the values with who entered them, 1 the targets, however many values. (The
    page's change history is the {% change_history %} tag's: actionplans.plans.history.)"""
    on = on or clock.today()
    values = list(measure.values.select_related("entered_by").order_by("period_end"))
    targets = list(measure.targets.all())
    for target in targets:
        target.measure = measure  # named by its measure's unit, without a query each
    return MeasurePage(
        measure=measure,
        points=measure_points(measure, values, targets),
        targets=targets,
        on=on,
    )
