"""A Sheet as an Excel workbook, written in openpyxl's write-only mode (rows stream out as
they are made, so a long tracker never sits in memory as a whole worksheet).

Layout: row 1 the title (what the rows are: the view, its filters, the date), row 2 the
headings, frozen and with an autofilter, then one row an item. Dates are Excel dates, numbers
numbers, and the RAG is its words in a cell filled with the colour the pages use.

Text is always a text cell. openpyxl would make a formula of any string starting "=" (and an
error value of "#N/A"), so every text cell is forced to the string type and given the Text
number format: what somebody typed is stored exactly as typed, a spreadsheet never runs it,
and editing the cell in Excel keeps it text. (CSV cannot say "this is text"; see csv.py.)
"""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from actionplans.plans.rag import Rag
from reports.exports.rows import Column, Kind, Sheet

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
TEXT_FORMAT = "@"
DATE_FORMAT = "d mmm yyyy"  # "1 Oct 2021", as the tracker table shows dates
HEADER_ROW = 2  # the title is row 1
# Row heights are set from the text, as not every spreadsheet program fits wrapped rows on
# opening (LibreOffice does not): points a line of 11-point text, characters a unit of width.
LINE_HEIGHT = 15
CHARACTERS_PER_WIDTH = 1.1
MAX_ROW_HEIGHT = 409  # Excel's limit

# The RAG tag colours of static/src/app.scss (.rag--*): fill, and text that passes WCAG AA on it.
RAG_COLOURS = {
    Rag.BLUE.value: ("005EA5", "FFFFFF"),
    Rag.GREEN.value: ("00703C", "FFFFFF"),
    Rag.AMBER.value: ("FFBF47", "0B0C0C"),
    Rag.RED.value: ("AA2A16", "FFFFFF"),
    None: ("F3F2F1", "0B0C0C"),  # not yet reported: GOV.UK light grey
}

_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_BORDER = Border(bottom=Side(style="medium"))
_EDITABLE_FILL = PatternFill("solid", fgColor="FFF7BF")  # the cells to fill in: pale yellow
_RAG_STYLES = {
    value: (PatternFill("solid", fgColor=fill), Font(bold=True, color=text))
    for value, (fill, text) in RAG_COLOURS.items()
}


def clean_text(value: str) -> str:
    """Text a workbook can hold: no control characters (other than tab and line breaks),
    at most MAX_CELL_TEXT characters."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) > MAX_CELL_TEXT:
        value = value[: MAX_CELL_TEXT - 1] + "…"
    return value


def text_cell(worksheet, value: str) -> WriteOnlyCell:
    """A cell that holds `value` as text, whatever it starts with ("=1+1", "@SUM(A1)", "#N/A")."""
    cell = WriteOnlyCell(worksheet, value=clean_text(value))
    cell.data_type = "s"  # openpyxl made "=…" a formula: undo that, it is somebody's text
    cell.number_format = TEXT_FORMAT
    return cell


def _data_cell(worksheet, column: Column, value) -> WriteOnlyCell:
    if column.kind is Kind.RAG:
        cell = text_cell(worksheet, column.display(value))
        cell.fill, cell.font = _RAG_STYLES.get(value or None, _RAG_STYLES[None])
    elif value is None or value == "":
        cell = WriteOnlyCell(worksheet, value=None)
        if column.kind is Kind.TEXT:
            cell.number_format = TEXT_FORMAT  # so what is typed in later stays text too
    elif column.kind is Kind.DATE:
        if isinstance(value, datetime.datetime):
            raise TypeError("Give export dates as datetime.date, in the local time zone")
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = DATE_FORMAT
    elif column.kind is Kind.NUMBER:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError(f"{column.key}: a number column was given {value!r}")
        cell = WriteOnlyCell(worksheet, value=value)
    else:
        cell = text_cell(worksheet, str(value))
    cell.alignment = _WRAP
    if column.editable:
        cell.protection = _UNLOCKED
        cell.fill = _EDITABLE_FILL
    return cell


def _lines(text: str, width: int) -> int:
    per_line = max(1, int(width * CHARACTERS_PER_WIDTH) - 1)
    return sum(max(1, -(-len(paragraph) // per_line)) for paragraph in text.split("\n"))


def row_height(columns: list[Column], values: list) -> float | None:
    """Enough height for the row's wrapped text; None for a row of one line."""
    lines = max(
        (
            _lines(value if isinstance(value, str) else "", column.width)
            for column, value in zip(columns, values, strict=True)
        ),
        default=1,
    )
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT) if lines > 1 else None


def _set_height(worksheet, row: int, height: float | None) -> None:
    """In write-only mode a row's height has to be set before the row is written."""
    if height:
        worksheet.row_dimensions[row].height = height


def write_xlsx(sheet: Sheet) -> bytes:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet.sheet_name[:31])
    columns = sheet.columns
    last_letter = get_column_letter(len(columns))

    # Column widths and the frozen rows go before the first row is written.
    for index, column in enumerate(columns, start=1):
        dimension = worksheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        dimension.hidden = column.hidden
    worksheet.freeze_panes = f"A{HEADER_ROW + 1}"
    worksheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True

    title = text_cell(worksheet, sheet.title)
    title.font = _TITLE_FONT
    worksheet.append([title])
    headers = []
    for column in columns:
        cell = text_cell(worksheet, column.heading)
        cell.font, cell.border, cell.alignment = _HEADER_FONT, _HEADER_BORDER, _WRAP
        headers.append(cell)
    _set_height(worksheet, HEADER_ROW, row_height(columns, [column.heading for column in columns]))
    worksheet.append(headers)

    last_row = HEADER_ROW
    for row in sheet.rows:
        last_row += 1
        cells = [_data_cell(worksheet, column, row[column.key]) for column in columns]
        _set_height(worksheet, last_row, row_height(columns, [cell.value for cell in cells]))
        worksheet.append(cells)

    # The autofilter, validations and protection are written after the rows, so may follow them.
    worksheet.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{last_row}"
    first_data, data_rows = HEADER_ROW + 1, max(last_row, HEADER_ROW + 1)
    for index, column in enumerate(columns, start=1):
        if column.choices:
            letter = get_column_letter(index)
            worksheet.data_validations.append(_choice_list(column, f"{letter}{first_data}:{letter}{data_rows}"))
    if sheet.protect:
        _protect(worksheet)
    for write_worksheet in sheet.more_worksheets:
        write_worksheet(workbook)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _choice_list(column: Column, cells: str) -> DataValidation:
    words = ", ".join(column.choices[:-1]) + f" or {column.choices[-1]}"
    validation = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(column.choices)),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Choose from the list",
        error=f"Choose {words}, or leave it blank.",
        showInputMessage=True,
        promptTitle=column.heading,
        prompt=f"Choose {words}.",
    )
    validation.add(cells)
    return validation


def _protect(worksheet) -> None:
    """Lock the exported cells against slips (no password: anyone may unprotect the sheet),
    leaving the editable columns, filtering, sorting and resizing free."""
    protection = worksheet.protection
    protection.sheet = True
    protection.autoFilter = False
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False
    protection.formatCells = False
