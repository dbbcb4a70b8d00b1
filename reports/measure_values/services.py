"""Checking an uploaded values sheet (the preview) and saving it (the confirm).

The preview decides, row by row, what would happen: a value added, a value corrected (with the
figure it replaces), unchanged (the same figure is already there), or a problem, with the row's
number and what is wrong: an unknown measure, one the person may not enter values for, a period
end that is not a date or has not ended yet, a figure that is not a number, a numerator above
its denominator, counts that disagree with the figure, the same measure and period in two rows.

All or nothing. While any row has a problem nothing can be saved: the person corrects the sheet
and uploads it again. The confirm saves every row in one transaction, after checking under lock
that nothing changed since the preview (no value added or corrected meanwhile by somebody else,
the person still entering values for every measure); if anything did, nothing is saved.
Corrections keep their history: the audit trail (AuditedQuerySet) records each corrected row,
and its version goes up, so a correction made at the same time in the browser cannot be lost.
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format

from actionplans.kernel import clock
from actionplans.measures.access import readable_measures
from actionplans.measures.models import Measure, MeasureValue
from actionplans.measures.units import MeasureUnit, counts_agree, period_label, value_from_counts
from partners.access import Viewer
from reports.exports.csv import FORMULA_STARTS
from reports.measure_values.sheet import HEADINGS, ValueSheetRow
from reports.spreadsheets import cell_date, cell_text

ADD, CORRECT, UNCHANGED, PROBLEM = "add", "correct", "unchanged", "problem"
PREVIEW_MAX_AGE = datetime.timedelta(minutes=30)
MAX_DECIMAL_PLACES = 4  # as MeasureValue.value stores them
MAX_WHOLE = Decimal(10) ** 10  # MeasureValue.value: 14 digits, 4 after the point
MAX_COUNT = 2**31 - 1
NOTE_MAX = 4000


# --- who may enter values where ------------------------------------------------------------------


def upload_measures(viewer: Viewer) -> QuerySet:
    """The measures the viewer can see (actionplans.measures.access.readable_measures), each
    annotated `may_enter`, whether they may enter its values: measure_access(viewer,
    measure).update, as a condition the database applies to every row at once. Managers enter
    every measure's values, a plan's lead those of the plan's measures, a data owner their own."""
    measures = readable_measures(viewer)
    person = viewer.person
    if viewer.is_manager or person is None:
        return measures.annotate(may_enter=Value(viewer.is_manager, output_field=BooleanField()))
    enters = Q(plan__lead=person) | Q(data_owner=person)
    return measures.annotate(
        may_enter=Case(When(enters, then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def enterable_measures(viewer: Viewer) -> QuerySet:
    """The measures whose values the viewer may enter: the template's rows."""
    return upload_measures(viewer).filter(may_enter=True)


# --- reading a cell ------------------------------------------------------------------------------


class CellProblem(ValueError):
    """A cell that cannot be read; str() is the message, naming the column."""


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A date as printed has its year: four digits, or two at the end of a day/month/year ("31/10/21").
_YEAR = re.compile(r"\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$")


def _as_text(cell) -> str:
    """A text cell as typed: without the quote a CSV download puts before a formula-looking
    start (reports.exports.csv.neutralise)."""
    text = cell_text(cell)
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def read_number(cell, column: str, *, percent: bool = False) -> Decimal | None:
    """A figure from a cell: a number cell, or text such as "1,234.5" (and "87%" where a
    percentage is meant). None for an empty cell. Raises CellProblem."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool) or isinstance(cell, datetime.date):
        raise CellProblem(f"{column}: ‘{cell_text(cell)}’ is not a number")
    if isinstance(cell, int | float):
        text = repr(cell)
    else:
        text = _as_text(cell).replace(" ", "")
        if percent and text.endswith("%"):
            text = text[:-1]
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellProblem(f"{column}: ‘{cell_text(cell)}’ is not a number") from None
    if not number.is_finite():
        raise CellProblem(f"{column}: ‘{cell_text(cell)}’ is not a number")
    if abs(number) >= MAX_WHOLE:
        raise CellProblem(f"{column}: {cell_text(cell)} is too large for a figure")
    if number != number.quantize(Decimal(1).scaleb(-MAX_DECIMAL_PLACES), rounding=ROUND_HALF_UP):
        raise CellProblem(f"{column}: give {cell_text(cell)} to at most {MAX_DECIMAL_PLACES} decimal places")
    return number.normalize() if number == number.to_integral_value() else number


def read_count(cell, column: str) -> int | None:
    """A whole number of 0 or more (a numerator or denominator). Raises CellProblem."""
    number = read_number(cell, column)
    if number is None:
        return None
    if number != number.to_integral_value() or number < 0 or number > MAX_COUNT:
        raise CellProblem(f"{column}: must be a whole number of 0 or more, not {cell_text(cell)}")
    return int(number)


def read_period_end(cell, *, on: datetime.date) -> datetime.date:
    """The period end: a date cell, a date as printed, or a month (its last day). Raises CellProblem."""
    column = HEADINGS["period_end"]
    if cell is None or cell == "":
        raise CellProblem(f"Enter the {column.lower()}: the last day of the period the figure is for, like 31/10/2021")
    day = None
    if isinstance(cell, str):
        text = cell.strip()
        if _ISO_DATE.fullmatch(text):  # as CSV downloads write dates (and LibreOffice saves them)
            try:
                day = datetime.date.fromisoformat(text)
            except ValueError:
                day = None
        elif any(c.isdigit() for c in text) and not _YEAR.search(text):  # "October 19th": which year? Never guessed.
            raise CellProblem(f"{column}: ‘{text}’ has no year. Enter the last day of the period, like 31/10/2021")
        else:
            day = cell_date(text)
    else:
        day = cell_date(cell)
    if day is None:
        raise CellProblem(
            f"{column}: ‘{cell_text(cell)}’ is not a date. Enter the last day of the period, like 31/10/2021"
        )
    if day > on:
        raise CellProblem(f"{column}: {date_format(day)} has not ended yet: enter figures for periods up to today")
    return day


# --- the rules a figure keeps (as the values form and the database check them) ----------------


def figure_problems(
    measure: Measure, value: Decimal | None, numerator: int | None, denominator: int | None
) -> tuple[list[str], Decimal | None]:
    """What is wrong with a figure for the measure, and the figure to store (worked out from the
    numerator and denominator when only those were given)."""
    unit = MeasureUnit(measure.unit)
    if unit.ratio_scale is None and (numerator is not None or denominator is not None):
        return [f"{measure.name} is a count: leave the Numerator and Denominator empty"], value
    problems = []
    if denominator is not None and numerator is None:
        problems.append("Enter the Numerator as well as the Denominator")
    if denominator == 0:
        problems.append("The Denominator must be more than 0")
    if problems:
        return problems, value
    if unit.is_share and denominator is not None and numerator > denominator:
        return [f"The Numerator ({numerator:,}) cannot be more than the Denominator ({denominator:,})"], value
    if value is None:
        if denominator is not None:
            return [], value_from_counts(unit, numerator, denominator)
        return ["Enter the Value, or the Numerator and Denominator to work it out from"], None
    if denominator is not None and not counts_agree(unit, value, numerator, denominator):
        expected = unit.format(value_from_counts(unit, numerator, denominator))
        return [
            f"The Value {unit.format(value)} does not agree with {numerator:,} of {denominator:,}, which is {expected}"
        ], value
    return [], value


# --- the preview ---------------------------------------------------------------------------------


@dataclass
class PreviewRow:
    number: int  # the row in the spreadsheet
    outcome: str  # ADD, CORRECT, UNCHANGED or PROBLEM
    messages: list[str] = field(default_factory=list)
    measure_id: int | None = None
    measure: str = ""  # its name, or what the row said
    plan: str = ""
    unit: str = ""  # MeasureUnit value, to check at the confirm that it has not changed
    period_end: str = ""  # ISO date
    period: str = ""  # as shown: "October 2021", "19 October 2021"
    value: str = ""  # Decimal as text
    numerator: int | None = None
    denominator: int | None = None
    note: str | None = None  # None: keep the note there is
    worked_out: bool = False  # the value was left blank and worked out from the counts
    shown: str = ""  # the new figure as printed, e.g. "196 of 226 (86.73%)"
    old: str = ""  # a correction: the figure it replaces, as printed
    old_note: str = ""
    old_version: int = 0  # the version of the value corrected; 0 when adding


@dataclass
class Preview:
    token: str  # the confirm form must send it back
    user_id: int
    created_at: str  # ISO 8601
    rows: list[PreviewRow]
    skipped: int  # rows with nothing filled in

    @property
    def additions(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.outcome == ADD]

    @property
    def corrections(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.outcome == CORRECT]

    @property
    def unchanged(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.outcome == UNCHANGED]

    @property
    def problems(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.outcome == PROBLEM]

    @property
    def can_save(self) -> bool:
        return not self.problems and bool(self.additions or self.corrections)

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) - datetime.datetime.fromisoformat(self.created_at) > PREVIEW_MAX_AGE

    def to_dict(self) -> dict:
        """For the session (JSON)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Preview:
        return cls(**(data | {"rows": [PreviewRow(**row) for row in data["rows"]]}))


def _name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _measure_id(cell) -> int | None:
    """A Measure ID cell as a number; None if empty. Raises CellProblem."""
    if cell is None or cell == "":
        return None
    text = cell_text(cell)
    if not text.isdigit() or not 0 < int(text) <= MAX_COUNT:
        raise CellProblem(f"‘{text}’ is not a Measure ID from the tracker")
    return int(text)


@dataclass
class _Lookup:
    by_id: dict[int, Measure]
    by_name: dict[str, list[Measure]]


def _lookup(viewer: Viewer, sheet_rows: list[ValueSheetRow]) -> _Lookup:
    """The measures the rows name, by id or by name, among those the viewer can see. 1 query."""
    ids, names = set(), set()
    for row in sheet_rows:
        try:
            if (pk := _measure_id(row.measure_id)) is not None:
                ids.add(pk)
                continue
        except CellProblem:
            continue
        if name := _as_text(row.measure):
            names.add(" ".join(name.split()).lower())
    if not ids and not names:
        return _Lookup({}, {})
    measures = (
        upload_measures(viewer)
        .annotate(lower_name=Lower("name"))
        .filter(Q(pk__in=ids) | Q(lower_name__in=names))
        .select_related("plan")
        .order_by("plan__title", "position", "pk")
    )
    lookup = _Lookup({}, {})
    for measure in measures:
        lookup.by_id[measure.pk] = measure
        lookup.by_name.setdefault(_name_key(measure.name), []).append(measure)
    return lookup


def _find_measure(row: ValueSheetRow, lookup: _Lookup) -> Measure:
    """The measure a row is for. Raises CellProblem."""
    name = _as_text(row.measure)
    pk = _measure_id(row.measure_id)
    if pk is not None:
        measure = lookup.by_id.get(pk)
        if measure is None:  # or one the person may not see: they cannot learn that it exists
            raise CellProblem(f"There is no measure with Measure ID {pk} that you can see")
        if name and _name_key(name) != _name_key(measure.name):
            raise CellProblem(
                f"Measure ID {pk} is ‘{measure.name}’, not ‘{name}’: check the row is for the measure you meant"
            )
        return measure
    if not name:
        raise CellProblem("This row has no Measure ID or Measure, so the tracker cannot tell which measure it is for")
    found = lookup.by_name.get(_name_key(name), [])
    if not found:
        raise CellProblem(f"There is no measure called ‘{name}’ that you can see")
    if len(found) > 1:
        plans = ", ".join(f"‘{measure.plan.title}’" for measure in found)
        raise CellProblem(f"More than one measure is called ‘{name}’ (in {plans}): give its Measure ID")
    return found[0]


def _same(current: MeasureValue, value: Decimal, numerator, denominator, note: str | None) -> bool:
    return (
        current.value == value
        and current.numerator == numerator
        and current.denominator == denominator
        and (note is None or note == current.note)
    )


def _read_row(
    sheet_row: ValueSheetRow, lookup: _Lookup, on: datetime.date
) -> tuple[PreviewRow, Measure | None, datetime.date | None]:
    """The row as read and checked on its own: its measure, period and figure."""
    row = PreviewRow(number=sheet_row.number, outcome=PROBLEM, measure=_as_text(sheet_row.measure))
    measure = None
    try:
        measure = _find_measure(sheet_row, lookup)
    except CellProblem as problem:
        row.messages.append(str(problem))
    else:
        row.measure_id, row.measure, row.plan, row.unit = measure.pk, measure.name, measure.plan.title, measure.unit
        if not measure.may_enter:
            row.messages.append(f"You may not enter values for ‘{measure.name}’")
    period_end = None
    try:
        period_end = read_period_end(sheet_row.period_end, on=on)
    except CellProblem as problem:
        row.messages.append(str(problem))
    else:
        row.period_end = period_end.isoformat()
        row.period = period_label(period_end, measure.frequency if measure else None)
    figures = {}
    for key, read in (
        ("value", lambda cell: read_number(cell, HEADINGS["value"], percent=True)),
        ("numerator", lambda cell: read_count(cell, HEADINGS["numerator"])),
        ("denominator", lambda cell: read_count(cell, HEADINGS["denominator"])),
    ):
        try:
            figures[key] = read(getattr(sheet_row, key))
        except CellProblem as problem:
            row.messages.append(str(problem))
    note = _as_text(sheet_row.note)
    if len(note) > NOTE_MAX:
        row.messages.append(f"{HEADINGS['note']}: must be {NOTE_MAX:,} characters or fewer")
    row.note = note or None
    if measure is not None and len(figures) == 3:
        problems, value = figure_problems(measure, figures["value"], figures["numerator"], figures["denominator"])
        row.messages.extend(problems)
        if value is not None:
            unit = MeasureUnit(measure.unit)
            row.worked_out = figures["value"] is None
            row.value = str(value)
            row.numerator, row.denominator = figures["numerator"], figures["denominator"]
            row.shown = unit.format_with_counts(value, row.numerator, row.denominator)
    return row, measure, period_end


def measure_values_preview(
    *, viewer: Viewer, user_id: int, sheet_rows: list[ValueSheetRow], skipped: int = 0, on: datetime.date | None = None
) -> Preview:
    """What saving each filled-in row would do. Nothing is written.

    Queries, however many rows: 1 the measures the rows name (by Measure ID or name, among those
    the viewer can see, with whether they may enter each), 1 the values already there for those
    measures and periods (for someone other than a manager, +1 the bodies they sit on)."""
    on = on or clock.today()
    lookup = _lookup(viewer, sheet_rows)
    read = [_read_row(sheet_row, lookup, on) for sheet_row in sheet_rows]
    pairs = {(measure.pk, period_end) for _row, measure, period_end in read if measure and period_end}
    existing = _existing(pairs)
    seen: dict[tuple[int, datetime.date], int] = {}
    for row, measure, period_end in read:
        if measure is None or period_end is None:
            continue
        key = (measure.pk, period_end)
        if key in seen:
            row.messages.append(
                f"Row {seen[key]} is also for ‘{measure.name}’, {row.period}: give each period’s figure in one row"
            )
            continue
        seen[key] = row.number
        if row.messages:
            continue
        current = existing.get(key)
        if (
            current is not None
            and row.worked_out
            and (current.numerator, current.denominator) == (row.numerator, row.denominator)
        ):
            # The same counts, no figure given: keep the figure as entered (87%, not 86.73%).
            row.value, row.shown = str(current.value), current.formatted
        value = Decimal(row.value)
        if current is None:
            row.outcome = ADD
        elif _same(current, value, row.numerator, row.denominator, row.note):
            row.outcome = UNCHANGED
        else:
            row.outcome = CORRECT
            row.old = current.formatted
            row.old_note = current.note
            row.old_version = current.version
    return Preview(
        token=secrets.token_urlsafe(24),
        user_id=user_id,
        created_at=timezone.now().isoformat(),
        rows=[row for row, _measure, _period_end in read],
        skipped=skipped,
    )


def _existing(pairs, *, lock: bool = False) -> dict[tuple[int, datetime.date], MeasureValue]:
    """The values already there for these (measure id, period end) pairs. 1 query (none if no pairs)."""
    if not pairs:
        return {}
    values = MeasureValue.objects.filter(
        measure_id__in={pk for pk, _day in pairs}, period_end__in={day for _pk, day in pairs}
    )
    if lock:
        values = values.select_for_update()
    return {(v.measure_id, v.period_end): v for v in values if (v.measure_id, v.period_end) in pairs}


# --- the confirm ---------------------------------------------------------------------------------


class PreviewStale(Exception):
    """The preview can no longer be saved as it stands; str() says why. Nothing was written."""


@dataclass(frozen=True)
class Saved:
    added: int
    corrected: int


def measure_values_apply(*, viewer: Viewer, preview: Preview) -> Saved:
    """Save every added and corrected row of the preview, in one transaction, entered by the
    viewer. Raises PreviewStale, having written nothing, if the preview has problems or nothing
    to save, or if anything changed since it was made: a value added or corrected by somebody
    else, a measure's unit changed, or the viewer no longer entering a measure's values.

    Queries, however many rows: 1 the measures (with whether the viewer may enter them), 1 the
    values there now (locked), then the writes: the new values with their history, and the
    corrections with theirs (each a few statements, more only in batches of hundreds)."""
    if preview.problems:
        raise PreviewStale("Rows of this upload have problems, so nothing was saved. Correct them and upload it again.")
    rows = preview.additions + preview.corrections
    if not rows:
        raise PreviewStale("Nothing in this upload is new or corrected, so there is nothing to save.")
    person = viewer.person
    now = timezone.now()
    with transaction.atomic():
        measures = upload_measures(viewer).filter(pk__in={row.measure_id for row in rows}).in_bulk()
        pairs = {(row.measure_id, datetime.date.fromisoformat(row.period_end)): row for row in rows}
        existing = _existing(set(pairs), lock=True)
        gone = [row for row in rows if (m := measures.get(row.measure_id)) is None or not m.may_enter]
        if gone:
            raise PreviewStale(f"You may no longer enter values for {_rows(gone)}, so nothing was saved.")
        changed = [
            row
            for key, row in pairs.items()
            if measures[row.measure_id].unit != row.unit
            or (current := existing.get(key)) is None
            and row.outcome == CORRECT
            or current is not None
            and (row.outcome == ADD or current.version != row.old_version)
        ]
        if changed:
            raise PreviewStale(
                f"Somebody else entered or corrected the figures of {_rows(changed)} after you uploaded the sheet, "
                "so nothing was saved. Upload it again to see their figures beside yours."
            )
        added = [
            MeasureValue(
                measure_id=row.measure_id,
                period_end=period_end,
                value=Decimal(row.value),
                numerator=row.numerator,
                denominator=row.denominator,
                note=row.note or "",
                unit=row.unit,
                entered_by=person,
                entered_at=now,
            )
            for (_pk, period_end), row in pairs.items()
            if row.outcome == ADD
        ]
        corrected = []
        for key, row in pairs.items():
            if row.outcome != CORRECT:
                continue
            current = existing[key]
            current.value, current.numerator, current.denominator = Decimal(row.value), row.numerator, row.denominator
            if row.note is not None:
                current.note = row.note
            current.entered_by, current.entered_at = person, now
            current.version += 1
            corrected.append(current)
        try:
            if added:
                MeasureValue.objects.bulk_create(added)
            if corrected:
                MeasureValue.objects.bulk_update(
                    corrected, ["value", "numerator", "denominator", "note", "entered_by", "entered_at", "version"]
                )
        except IntegrityError:  # a value added by somebody else between the check and the write: all undone
            raise PreviewStale(
                "Somebody else entered figures for the same periods while this upload was being saved, so nothing "
                "was saved. Upload the sheet again to see their figures beside yours."
            ) from None
    return Saved(added=len(added), corrected=len(corrected))


def _rows(rows: list[PreviewRow]) -> str:
    numbers = [str(row.number) for row in sorted(rows, key=lambda row: row.number)]
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    return f"rows {', '.join(numbers[:-1])} and {numbers[-1]}"
