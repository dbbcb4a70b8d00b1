"""Reading what people put in a spreadsheet: one vocabulary for the plan import
(reports.imports) and the bulk update (reports.bulk_update), once reports.uploads has read
the file safely into plain values.

* Headings: `header_words()` turns a heading cell into plain words, so "Ref.", "REF" and
  "ref" are one heading; `find_header_row()` finds the row of headings under a title block
  and `heading_positions()` says where each known heading is in it. Each reader says what
  its headings are (a `key_of` function from a cell to a key, or None).
* Cells: `cell_text()` is a cell as the text a person reads in it; `cell_date()` the date it
  means (a date cell, an Excel serial number, or a date as printed).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from actionplans.plans.target_dates import parse_target_date

KeyOf = Callable[[object], str | None]

# --- Headings --------------------------------------------------------------------------------

_NOTE = re.compile(r"\s*\(.*\)\s*$")  # "Version (do not change)": a note in brackets at the end


def header_words(cell) -> str:
    """Lower case, punctuation as spaces, single spaces: "Success criteria/milestones" ->
    "success criteria milestones", "Ref." -> "ref"."""
    if cell is None:
        return ""
    text = str(cell).lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9#' ]+", " ", text)
    return " ".join(text.split())


def without_note(cell) -> str:
    """The heading without a note in brackets at its end: "Version (do not change)" -> "Version"."""
    return _NOTE.sub("", cell_text(cell))


def heading_positions(cells: list, key_of: KeyOf) -> dict[str, int]:
    """Where each heading `key_of` knows is in a row: key -> the first column that names it."""
    positions: dict[str, int] = {}
    for position, cell in enumerate(cells):
        if (key := key_of(cell)) is not None:
            positions.setdefault(key, position)
    return positions


def find_header_row(rows: list[list], key_of: KeyOf, *, scan: int, at_least: int = 1, required=()) -> int | None:
    """The index of the row, among the first `scan`, that names the most different headings
    (the first of equals), counting only rows that name every `required` heading and at least
    `at_least`; None when no row does."""
    best, best_count = None, at_least - 1
    for index, cells in enumerate(rows[:scan]):
        positions = heading_positions(cells, key_of)
        if all(key in positions for key in required) and len(positions) > best_count:
            best, best_count = index, len(positions)
    return best


# --- Cells -----------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as the text a person reads in it: a date as 31/12/2021, a whole number without
    ".0", Windows line breaks as plain ones, no spaces around."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).replace("\r\n", "\n").strip()


# Excel counts days from 30 December 1899 (its 1900 date system, leap-year bug included, gives
# this epoch for every date after February 1900).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Only serial numbers of plausible target dates (1 January 1980 to 31 December 2099) are read
# as dates: a plain number such as 2010 in a target-date column is a year, not a day in 1905.
EXCEL_SERIAL_RANGE = ((datetime.date(1980, 1, 1) - EXCEL_EPOCH).days, (datetime.date(2099, 12, 31) - EXCEL_EPOCH).days)


def date_from_excel_serial(serial: int | float) -> datetime.date | None:
    """The date an Excel serial number stands for, or None outside EXCEL_SERIAL_RANGE."""
    if isinstance(serial, bool) or not EXCEL_SERIAL_RANGE[0] <= serial <= EXCEL_SERIAL_RANGE[1]:
        return None
    return EXCEL_EPOCH + datetime.timedelta(days=int(serial))


def cell_date(value) -> datetime.date | None:
    """The date a cell means: a date or datetime cell as it is (its day), a number as an Excel
    serial date, text as printed (plans.target_dates.parse_target_date); None when none can be read."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        return date_from_excel_serial(value)
    if isinstance(value, str):
        return parse_target_date(value)
    return None
