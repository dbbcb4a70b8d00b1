"""The committee paper's measures appendices (issue 10, item 5): "Measures that matter" and the
monthly figures.

Which measures a meeting's paper holds: those of the plans before the body at that meeting (the
plans of the actions on its monitoring list, and the plans the body owns, the same reach as the
RAG summary's "actions before the body"), and the measures of the body's core data set, whatever
plan they are in. A paper is the body's public record, so it holds them all, whoever makes it.
They are shown as at the meeting's date (or today, for a meeting still to come), as the RAG
summary is.

* "Measures that matter", as seed 002's tables print them: Measure, Baseline, Actual with its
  period, Target, and the two the tracker adds, the RAG in words (the measure's own rule,
  actionplans.plans.rag.measures) and the direction of travel since the period before. By plan,
  the core data set's measures marked as such.
* The monthly figures, as seed 002's Jigsaw tables print them (item 6, "Jigsaw key performance
  Data, April – October 2021"): a row a measure, a column a period end, each cell the figure
  with its numerator where there is one ("196 (87%)"). The periods are those of the
  MONTHLY_WINDOW_MONTHS months up to the meeting; a table holds at most PERIOD_COLUMNS of them
  (seed 002's seven), so a longer run is split into tables of consecutive periods, each as wide
  as a landscape page takes.

Queries, however many measures and periods: 1 the measures with their latest figures and target
(MeasureQuerySet.with_latest), 1 the values of the window.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from actionplans.measures.models import Measure, MeasureValue
from actionplans.measures.selectors import MeasureRow
from actionplans.measures.units import MeasureUnit, period_label, plain_number
from partners.models import Meeting

MONTHLY_WINDOW_MONTHS = 12  # the monthly figures of the year up to the meeting
PERIOD_COLUMNS = 7  # at most this many periods side by side (seed 002 prints seven)
NO_FIGURE = "–"
# The widths the monthly tables are laid out in (static/css/paper.css: A4 landscape, 15 mm margins).
LANDSCAPE_WIDTH_MM = 267
MEASURE_COLUMN_MM = 75
PERIOD_COLUMN_MM = 30


def paper_measures(meeting: Meeting, plan_ids: set[int]):
    """The measures the meeting's paper holds: of the plans `plan_ids` (those on its monitoring
    list), of the plans the body owns, and of the body's core data set. A queryset, no query yet."""
    body_id = meeting.body_id
    chosen = Measure.objects.filter(
        Q(plan_id__in=plan_ids) | Q(plan__owning_body_id=body_id) | Q(core_data_set_of__id=body_id)
    ).values("pk")
    return Measure.objects.filter(pk__in=chosen)


# --- "Measures that matter" ---------------------------------------------------------------------


@dataclass(frozen=True)
class PaperMeasure:
    """A row of the appendix: the measures layer's own row (the same RAG and travel as the
    measures table), and whether the measure is in the body's core data set."""

    row: MeasureRow
    core: bool

    @property
    def travel(self) -> str:
        """The direction of travel in words, with the figure it moved from: "Improving, from 84%
        in September 2021"."""
        row = self.row
        if not row.previous:
            return row.travel.label
        return f"{row.travel.label}, from {row.previous} in {row.previous_period}"


@dataclass(frozen=True)
class PlanMeasures:
    plan: str
    measures: list[PaperMeasure]


@dataclass(frozen=True)
class MeasuresAppendix:
    on: datetime.date
    plans: list[PlanMeasures]
    body: str

    @property
    def count(self) -> int:
        return sum(len(plan.measures) for plan in self.plans)


# --- the monthly figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    measure: str
    unit: str  # the unit's name, for the row's heading
    cells: list[str]  # one a period of its table


@dataclass(frozen=True)
class FigureTable:
    """Consecutive periods of one plan's measures: seed 002's "April – October 2021" table."""

    plan: str
    periods: list[str]  # column headings
    rows: list[FigureRow]
    span: str  # "April – October 2021"

    @property
    def caption(self) -> str:
        return f"{self.plan}: {self.span}"

    @property
    def width_mm(self) -> int:
        """As wide as its columns need: the measure's name, then each period's; at most the
        width of a landscape page (seven periods fit)."""
        return min(LANDSCAPE_WIDTH_MM, MEASURE_COLUMN_MM + PERIOD_COLUMN_MM * len(self.periods))


@dataclass
class MonthlyAppendix:
    on: datetime.date
    start: datetime.date  # the first day of the window
    tables: list[FigureTable] = field(default_factory=list)
    first: datetime.date | None = None  # the first and last period ends with a figure
    last: datetime.date | None = None

    @property
    def span(self) -> str:
        """The periods the tables hold, as seed 002 heads its tables: "April – October 2021"."""
        return _span(self.first, self.last) if self.first else ""


def _span(first: datetime.date, last: datetime.date) -> str:
    """ "April – October 2021", "November 2020 – October 2021"."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{last:%B %Y}"
    if first.year == last.year:
        return f"{first:%B} – {last:%B %Y}"
    return f"{first:%B %Y} – {last:%B %Y}"


def figure_cell(unit: str, value, numerator) -> str:
    """A cell as seed 002 prints it: the figure, after its numerator where there is one
    ("196 (87%)"); a count alone ("266")."""
    figure = MeasureUnit(unit).format(value)
    return f"{plain_number(numerator)} ({figure})" if numerator is not None else figure


def window_start(on: datetime.date) -> datetime.date:
    """The first day of the MONTHLY_WINDOW_MONTHS months that end with `on`'s month."""
    months = on.year * 12 + on.month - 1 - (MONTHLY_WINDOW_MONTHS - 1)
    return datetime.date(months // 12, months % 12 + 1, 1)


def _chunks(items: list, most: int) -> list[list]:
    """`items` in consecutive runs of at most `most`, as even as can be (12 -> 6 and 6)."""
    if not items:
        return []
    count = math.ceil(len(items) / most)
    size = math.ceil(len(items) / count)
    return [items[start : start + size] for start in range(0, len(items), size)]


def monthly_appendix(measures: list[Measure], *, on: datetime.date) -> MonthlyAppendix:
    """The values of the window for these measures, as tables by plan. 1 query."""
    start = window_start(on)
    appendix = MonthlyAppendix(on=on, start=start)
    if not measures:
        return appendix
    by_id = {measure.pk: measure for measure in measures}
    values: dict[int, dict[datetime.date, str]] = {}
    for measure_id, period_end, value, numerator, unit in (
        MeasureValue.objects.filter(measure_id__in=list(by_id), period_end__gte=start, period_end__lte=on)
        .order_by()
        .values_list("measure_id", "period_end", "value", "numerator", "unit")
    ):
        values.setdefault(measure_id, {})[period_end] = figure_cell(unit, value, numerator)
    plans: dict[int, list[Measure]] = {}
    for measure in measures:  # in the plans' and measures' order
        if measure.pk in values:
            plans.setdefault(measure.plan_id, []).append(measure)
    every_end = [end for periods in values.values() for end in periods]
    appendix.first, appendix.last = min(every_end), max(every_end)
    for plan_measures in plans.values():
        ends = sorted({end for measure in plan_measures for end in values[measure.pk]})
        for periods in _chunks(ends, PERIOD_COLUMNS):
            rows = [
                FigureRow(
                    measure=measure.name,
                    unit=measure.get_unit_display(),
                    cells=[values[measure.pk].get(end, NO_FIGURE) for end in periods],
                )
                for measure in plan_measures
                if any(end in values[measure.pk] for end in periods)
            ]
            appendix.tables.append(
                FigureTable(
                    plan=plan_measures[0].plan.title,
                    periods=[period_label(end) for end in periods],
                    rows=rows,
                    span=_span(periods[0], periods[-1]),
                )
            )
    return appendix


# --- both --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperMeasuresContent:
    measures: MeasuresAppendix
    monthly: MonthlyAppendix | None


def paper_measures_content(
    meeting: Meeting, *, plan_ids: set[int], on: datetime.date, monthly: bool = True
) -> PaperMeasuresContent:
    """The appendices' content (the monthly figures only if `monthly`). Queries: 1 the measures
    with their latest figures (and which are in the core data set), 1 the values of the monthly
    window (none without measures, or without `monthly`)."""
    in_core = Exists(
        Measure.core_data_set_of.through.objects.filter(measure_id=OuterRef("pk"), body_id=meeting.body_id)
    )
    measures = list(paper_measures(meeting, plan_ids).for_table(on=on).annotate(in_core=in_core))
    grouped: dict[int, PlanMeasures] = {}
    for measure in measures:
        grouped.setdefault(measure.plan_id, PlanMeasures(plan=measure.plan.title, measures=[])).measures.append(
            PaperMeasure(row=MeasureRow(measure=measure), core=measure.in_core)
        )
    return PaperMeasuresContent(
        measures=MeasuresAppendix(on=on, plans=list(grouped.values()), body=meeting.body.name),
        monthly=monthly_appendix(measures, on=on) if monthly else None,
    )
