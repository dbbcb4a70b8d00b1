"""The measures of a tracker download, as two more worksheets of its Excel workbook (issue 10,
item 5): "Measures", a row a measure (what its "Measures that matter" row shows: baseline, the
newest figure with its period, target, RAG in words, direction of travel, and who owns the data),
and "Measure values", a row a value (each with the target of its period and its RAG).

Which measures: those of the plans the download covers that the viewer may read
(actionplans.measures.access.readable_measures): the plan's, for a plan's tracker; for /tracker/,
every plan's, or those of the plan or body its filters name. No sheets when there are none. A
CSV download holds one table, the tracker's, and has no measures.

The "Measure values" sheet is laid out as the values upload reads it (reports.measure_values:
Measure ID, Measure, Period end, Value, Numerator, Denominator, Note), so figures can be corrected
in it and uploaded again.

Written in openpyxl's write-only mode, after the tracker's rows, from four queries however many
measures and values: the measures with their newest figures, their core data set bodies, their
targets, and their values (read in chunks). Text is always a text cell, so what somebody typed
("=1+1") is never a formula; numbers are numbers and dates dates.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from actionplans.kernel import clock
from actionplans.measures.access import readable_measures
from actionplans.measures.models import MeasureTarget, MeasureValue, target_on
from actionplans.measures.selectors import MeasureRow
from actionplans.measures.units import MeasureUnit, period_label
from actionplans.plans.models import Plan
from actionplans.plans.rag import Direction, assess_measure
from partners.access import Viewer
from reports.exports.xlsx import DATE_FORMAT, RAG_COLOURS, TEXT_FORMAT, clean_text

CHUNK_SIZE = 2_000  # values read at a time

TEXT, NUMBER, DATE, RAG = "text", "number", "date", "rag"


@dataclass(frozen=True)
class Col:
    heading: str
    kind: str = TEXT
    width: int = 14


MEASURE_COLUMNS = [
    Col("Measure ID", NUMBER, 11),
    Col("Plan", width=28),
    Col("Measure", width=44),
    Col("Unit", width=14),
    Col("Which way is better", width=18),
    Col("Frequency", width=11),
    Col("Baseline", NUMBER, 11),
    Col("Baseline date", DATE, 13),
    Col("Latest period", width=16),
    Col("Latest period end", DATE, 13),
    Col("Latest value", NUMBER, 12),
    Col("Numerator", NUMBER, 11),
    Col("Denominator", NUMBER, 12),
    Col("Latest figure", width=18),
    Col("Target", width=16),
    Col("RAG", RAG, 22),
    Col("Direction of travel", width=24),
    Col("Data owner", width=22),
    Col("Source of the data", width=20),
    Col("Core data set of", width=28),
]
VALUE_COLUMNS = [
    Col("Measure ID", NUMBER, 11),
    Col("Plan", width=28),
    Col("Measure", width=44),
    Col("Unit", width=14),
    Col("Period end", DATE, 13),
    Col("Period", width=16),
    Col("Value", NUMBER, 11),
    Col("Numerator", NUMBER, 11),
    Col("Denominator", NUMBER, 12),
    Col("Figure", width=18),
    Col("Target", NUMBER, 11),
    Col("RAG", RAG, 22),
    Col("Note", width=40),
    Col("Entered by", width=22),
    Col("Entered on", DATE, 13),
]


def export_measures(viewer: Viewer, params: QueryDict, *, plan: Plan | None = None) -> QuerySet:
    """The measures of the plans a tracker download covers, that the viewer may read. The plan
    and body filters are read from the address as numbers: the measures are the viewer's
    readable ones whatever they say, so a hand-made address shows nothing more."""
    measures = readable_measures(viewer)
    if plan is not None:
        return measures.filter(plan=plan)
    if (chosen := params.get("plan", "")).isdigit():
        measures = measures.filter(plan_id=int(chosen))
    if (body := params.get("body", "")).isdigit():
        measures = measures.filter(plan__owning_body_id=int(body))
    return measures


def measures_worksheets(viewer: Viewer, params: QueryDict, *, plan: Plan | None = None) -> Callable:
    """What a tracker download's workbook calls, once its own rows are written, to add the
    measures' worksheets (reports.exports.rows.Sheet.more_worksheets). Nothing is read before."""
    on = clock.today()

    def write(workbook) -> None:
        write_measures(workbook, export_measures(viewer, params, plan=plan), on=on)

    return write


# --- writing -------------------------------------------------------------------------------------

_WRAP = Alignment(wrap_text=True, vertical="top")
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_BORDER = Border(bottom=Side(style="medium"))
_RAG_STYLES = {
    value: (PatternFill("solid", fgColor=fill), Font(bold=True, color=text))
    for value, (fill, text) in RAG_COLOURS.items()
}


def _number(value):
    """A Decimal as the number a spreadsheet holds: whole as int, else float."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class _Writer:
    """One worksheet: title, headings (frozen, with an autofilter), then rows of cells by kind."""

    def __init__(self, workbook, name: str, title: str, columns: list[Col]):
        self.sheet = workbook.create_sheet(title=name)
        self.columns = columns
        for index, column in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "A3"
        self.sheet.print_title_rows = "2:2"
        self.sheet.page_setup.orientation = "landscape"
        title_cell = self._text(title)
        title_cell.font = _TITLE_FONT
        self.sheet.append([title_cell])
        headings = []
        for column in columns:
            cell = self._text(column.heading)
            cell.font, cell.border, cell.alignment = _HEADER_FONT, _HEADER_BORDER, _WRAP
            headings.append(cell)
        self.sheet.append(headings)
        self.last_row = 2

    def _text(self, value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=clean_text(value))
        cell.data_type = "s"  # never a formula, whatever it starts with
        cell.number_format = TEXT_FORMAT
        return cell

    def _cell(self, column: Col, value) -> WriteOnlyCell:
        if column.kind == RAG:
            rag, label = value
            cell = self._text(label)
            cell.fill, cell.font = _RAG_STYLES.get(rag or None, _RAG_STYLES[None])
        elif value is None or value == "":
            cell = WriteOnlyCell(self.sheet, value=None)
            if column.kind == TEXT:
                cell.number_format = TEXT_FORMAT
        elif column.kind == DATE:
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = DATE_FORMAT
        elif column.kind == NUMBER:
            cell = WriteOnlyCell(self.sheet, value=_number(value))
        else:
            cell = self._text(str(value))
        cell.alignment = _WRAP
        return cell

    def append(self, values: Iterable) -> None:
        self.sheet.append([self._cell(column, value) for column, value in zip(self.columns, values, strict=True)])
        self.last_row += 1

    def close(self) -> None:
        self.sheet.auto_filter.ref = f"A2:{get_column_letter(len(self.columns))}{self.last_row}"


def _names(person) -> str:
    return person.display_name if person else ""


def write_measures(workbook, measures: QuerySet, *, on: datetime.date) -> int:
    """Add the "Measures" and "Measure values" worksheets for `measures` as at `on`, if there are
    any; the number of measures written. Queries: 1 the measures (none found: no more); 1 their
    core data set bodies; 1 their targets; 1 their values, read CHUNK_SIZE at a time."""
    listed = list(measures.for_table(on=on).prefetch_related("core_data_set_of"))
    if not listed:
        return 0
    day = date_format(on)
    sheet = _Writer(workbook, "Measures", f"Measures – as at {day} – the newest figure of each", MEASURE_COLUMNS)
    for measure in listed:
        row = MeasureRow(measure=measure)
        unit = MeasureUnit(measure.unit)
        sheet.append(
            [
                measure.pk,
                measure.plan.title,
                measure.name,
                unit.label,
                Direction(measure.direction).label,
                measure.get_frequency_display(),
                measure.baseline_value,
                measure.baseline_date,
                row.actual_period,
                measure.actual_period_end,
                measure.actual_value,
                measure.actual_numerator,
                measure.actual_denominator,
                row.actual,
                row.target,
                (row.assessment.rag, row.assessment.label),
                row.travel.label,
                _names(measure.data_owner),
                measure.data_source,
                ", ".join(body.name for body in measure.core_data_set_of.all()),
            ]
        )
    sheet.close()

    by_id = {measure.pk: measure for measure in listed}
    targets: dict[int, list[MeasureTarget]] = {}
    for target in MeasureTarget.objects.filter(measure__in=measures.values("pk")).order_by(
        "measure_id", "applies_from"
    ):
        targets.setdefault(target.measure_id, []).append(target)
    values = _Writer(
        workbook,
        "Measure values",
        f"Measure values – as at {day} – laid out for the values upload: correct figures here and upload the sheet",
        VALUE_COLUMNS,
    )
    rows = (
        MeasureValue.objects.filter(measure__in=measures.values("pk"))
        .order_by("measure__plan__title", "measure__plan_id", "measure__position", "measure_id", "period_end")
        .values_list(
            "measure_id",
            "period_end",
            "value",
            "numerator",
            "denominator",
            "note",
            "entered_at",
            "entered_by__name",
            "entered_by__job_title",
        )
    )
    zone = timezone.get_current_timezone()
    for measure_id, period_end, value, numerator, denominator, note, entered_at, name, job_title in rows.iterator(
        chunk_size=CHUNK_SIZE
    ):
        measure = by_id[measure_id]
        target = target_on(targets.get(measure_id, []), period_end)
        assessment = assess_measure(
            rule=measure.rag_rule,
            value=value,
            target=target.value if target else None,
            direction=measure.direction,
            green_tolerance=measure.green_tolerance,
            amber_tolerance=measure.amber_tolerance,
            green_threshold=measure.green_threshold,
            amber_threshold=measure.amber_threshold,
        )
        unit = MeasureUnit(measure.unit)
        values.append(
            [
                measure_id,
                measure.plan.title,
                measure.name,
                unit.label,
                period_end,
                period_label(period_end, measure.frequency),
                value,
                numerator,
                denominator,
                unit.format_with_counts(value, numerator, denominator),
                target.value if target else None,
                (assessment.rag, assessment.label),
                note,
                name or job_title or "",
                timezone.localdate(entered_at, zone) if entered_at else None,
            ]
        )
    values.close()
    return len(listed)
