"""The values sheet: its layout, the template a person downloads (their measures, one row
each), and reading a filled-in one back.

The layout, one figure a row (row 1 of the template is its title, row 2 the headings):

| column      | what goes in it                                                                    |
|-------------|------------------------------------------------------------------------------------|
| Measure ID  | the measure's number in the tracker (filled in by the template; keep it)            |
| Plan        | for reading only                                                                   |
| Measure     | the measure's name; enough on its own when no Measure ID is given and the name is  |
|             | the name of only one measure the person can see                                    |
| Unit        | for reading only: what the Value is in ("Percentage: 87 for 87%")                   |
| Period end  | the last day of the period the figure is for: 31/10/2021, 31 October 2021, or the  |
|             | month alone ("October 2021", its last day); a date as the paper gives it, such as  |
|             | seed 002's "October 19th" (19/10/2021), for a period that ended that day            |
| Value       | the figure, in the measure's unit; may be left blank when Numerator and            |
|             | Denominator are both given, and is then worked out from them                       |
| Numerator   | optional, a whole number: the 196 of "196 of 226 (87%)"                             |
| Denominator | optional, a whole number: the 226                                                   |
| Note        | optional; left blank, a corrected figure keeps the note it had                     |

The headings are found wherever they are in the first rows (a title block above them is
fine), in any order and any case; columns with other headings are ignored. Rows with nothing
in Period end, Value, Numerator, Denominator and Note are skipped, so the template's rows for
measures with no new figure can stay as they are. To give several periods of one measure, copy
its row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.formats import date_format

from actionplans.kernel import clock
from actionplans.measures.units import MeasureUnit
from reports.exports.rows import Column, Kind, Sheet
from reports.spreadsheets import find_header_row, header_words, heading_positions, without_note

VALUE_COLUMNS = [
    Column("measure_id", "Measure ID", Kind.NUMBER, width=11),
    Column("plan", "Plan", width=28),
    Column("measure", "Measure", width=44),
    Column("unit", "Unit", width=22),
    Column("period_end", "Period end", Kind.DATE, width=13, editable=True),
    Column("value", "Value", Kind.NUMBER, width=11, editable=True),
    Column("numerator", "Numerator", Kind.NUMBER, width=12, editable=True),
    Column("denominator", "Denominator", Kind.NUMBER, width=13, editable=True),
    Column("note", "Note", width=44, editable=True),
]
FILL_IN = ("period_end", "value", "numerator", "denominator", "note")
READ = ("measure_id", "measure", *FILL_IN)
HEADER_SEARCH_ROWS = 10  # the headings are looked for in the first rows only
# The preview keeps every filled-in row in the session: enough for a year of a plan's figures,
# and a bound on what one upload can put there.
MAX_FILLED_IN_ROWS = 2_000
INSTRUCTIONS = (
    "fill in the yellow columns, a row for each figure (copy a measure's row for another period); "
    "rows left blank are skipped"
)

# How the Unit column tells people to type a figure.
UNIT_HINTS = {
    MeasureUnit.PERCENTAGE: "Percentage: 87 for 87%",
    MeasureUnit.COUNT: "Count: a number, no numerator",
    MeasureUnit.RATE_PER_10000: "Rate per 10,000",
    MeasureUnit.DAYS: "Days",
    MeasureUnit.SCORE: "Score",
}

# Other words people head these columns with (as header_words() gives them).
_ALIASES = {
    "measure_id": ("measure id", "id", "measure number", "measure no"),
    "measure": ("measure", "measure name", "indicator", "name"),
    "period_end": ("period end", "period ending", "period", "period end date", "date", "month", "as at"),
    "value": ("value", "figure", "actual", "result"),
    "numerator": ("numerator",),
    "denominator": ("denominator",),
    "note": ("note", "notes", "comment", "comments"),
}
_KEYS_BY_HEADING = {heading: key for key, headings in _ALIASES.items() for heading in headings}
HEADINGS = {column.key: column.heading for column in VALUE_COLUMNS}


# --- the template ----------------------------------------------------------------------------


def template_rows(measures: QuerySet) -> Iterator[dict]:
    """One row a measure, the columns to fill in empty. Needs the plan (select_related)."""
    for measure in measures:
        yield {
            "measure_id": measure.pk,
            "plan": measure.plan.title,
            "measure": measure.name,
            "unit": UNIT_HINTS.get(measure.unit, measure.get_unit_display()),
            "period_end": None,
            "value": None,
            "numerator": None,
            "denominator": None,
            "note": None,
        }


def values_template(measures: QuerySet, *, for_whom: str) -> Sheet:
    """The template, pre-filled with `measures` (those the person enters values for), in their
    plans' order. 1 query, as it is written."""
    on = clock.today()
    return Sheet(
        title=f"Measure values – measures of {for_whom} – as at {date_format(on)} – {INSTRUCTIONS}",
        columns=VALUE_COLUMNS,
        rows=template_rows(measures.select_related("plan").order_by("plan__title", "plan_id", "position", "pk")),
        filename=f"measure-values-{on.isoformat()}",
        sheet_name="Values",
    )


# --- reading -----------------------------------------------------------------------------------


class SheetNotRecognised(Exception):
    """The upload is a spreadsheet, but not a sheet of values. str() is the message."""


@dataclass(frozen=True)
class ValueSheetRow:
    """One row under the headings, its cells as the reader gave them (text, a number, a date
    or None)."""

    number: int  # the row's number in the spreadsheet
    measure_id: object = None
    measure: object = None
    period_end: object = None
    value: object = None
    numerator: object = None
    denominator: object = None
    note: object = None

    @property
    def is_filled_in(self) -> bool:
        return any(getattr(self, key) not in (None, "") for key in FILL_IN)


def _column_named(cell) -> str | None:
    return _KEYS_BY_HEADING.get(header_words(without_note(cell)))


def read_values_sheet(rows: list[list]) -> tuple[list[ValueSheetRow], int]:
    """The filled-in rows under the values sheet's headings (wherever its columns are), and how
    many rows were left blank. Raises SheetNotRecognised."""
    header_index = find_header_row(rows, _column_named, scan=HEADER_SEARCH_ROWS, required=("period_end", "value"))
    if header_index is None:
        raise SheetNotRecognised(
            "This is not a sheet of measure values: it has no ‘Period end’ and ‘Value’ columns. "
            "Download the values template, fill it in and upload that."
        )
    positions = heading_positions(rows[header_index], _column_named)
    if "measure_id" not in positions and "measure" not in positions:
        raise SheetNotRecognised(
            "The sheet has no ‘Measure ID’ or ‘Measure’ column, so the tracker cannot tell which measure each "
            "figure is for. Download the values template and fill that in."
        )
    filled, blank = [], 0
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        values = {key: cells[positions[key]] for key in READ if key in positions and positions[key] < len(cells)}
        row = ValueSheetRow(number=index + 1, **values)
        if row.is_filled_in:
            filled.append(row)
        elif any(value is not None for value in values.values()):
            blank += 1
    if not filled:
        raise SheetNotRecognised(
            "No figures are filled in: every row under the headings has its Period end, Value, Numerator, "
            "Denominator and Note empty."
        )
    if len(filled) > MAX_FILLED_IN_ROWS:
        raise SheetNotRecognised(
            f"More than {MAX_FILLED_IN_ROWS:,} rows are filled in: the most one upload can save. "
            "Split the figures between two sheets and upload each."
        )
    return filled, blank
