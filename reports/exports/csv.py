"""A Sheet as CSV: UTF-8 with a byte order mark (so Excel reads the accents and curly quotes
right), the heading row and then one row an item. No title row: CSV is for other programs,
which expect the headings first.

CSV has no cell types, so a spreadsheet opening it guesses, and runs any field that looks like
a formula. Following the OWASP guidance on CSV injection, a text field starting with = + - @,
a tab, a carriage return or a line feed (or a full-width = + - @) is written with a single
quote in front ("'=1+1"), which spreadsheets take as "this is text" and do not show; every
text field is quoted, and quotes within it doubled. Numbers and dates are not text and are
written as they are (dates as 2021-12-31).

The difference from the XLSX download (xlsx.py): there the cell is marked as text in the
file, so the value is kept exactly as typed; here the leading quote is part of the value, so
a program reading the CSV as data sees "'=1+1".
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from reports.exports.rows import Sheet

CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
ROWS_PER_CHUNK = 500  # rows to a piece of a streamed download
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(text: str) -> str:
    """Text that no spreadsheet will run as a formula: "'" before a formula-looking start."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)  # NUL and other control characters
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _field(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return value  # unquoted by QUOTE_NONNUMERIC: a number
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def csv_chunks(sheet: Sheet) -> Iterator[bytes]:
    """The CSV file in pieces of ROWS_PER_CHUNK rows, each made as its rows are read: what a
    download streams, so the first bytes leave before the last row is read, and neither the
    rows nor the file are ever held whole."""
    buffer = io.StringIO(newline="")
    buffer.write(BOM)
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([neutralise(column.heading) for column in sheet.columns])
    for count, values in enumerate(sheet.values(), start=1):
        writer.writerow([_field(value) for value in values])
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv(sheet: Sheet) -> bytes:
    """The whole CSV file at once (for a background job, which keeps it)."""
    return b"".join(csv_chunks(sheet))
