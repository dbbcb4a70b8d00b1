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
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import RowDimension

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


# A cell's style, worked out once (_style()) and shared by every cell like it: its style array
# and that style's number in the workbook.
Style = tuple[StyleArray, int]
# A cell before it is written: its value, its type ("s" text, "n" number or empty, "d" date) and
# its style. Text is typed "s" as it is, so it is never read as a formula or an error value.
CellValue = tuple[object, str, Style]


def _style(worksheet, **styles) -> Style:
    """The style of a cell with these styles (font, fill, alignment, number_format, …)."""
    cell = WriteOnlyCell(worksheet)
    for name, value in styles.items():
        setattr(cell, name, value)
    return cell._style, cell.style_id


class _StyledCell(Cell):
    """A cell whose style is known to be set, and its number in the workbook too: openpyxl works
    both out again for each cell as it writes it, from the cell's style array."""

    __slots__ = ("style_id",)
    has_style = True


class TypedRowsWorksheet(WriteOnlyWorksheet):
    """openpyxl's write-only worksheet, appended rows of CellValues, every one styled.

    Its own append() takes values, typing each by what it looks like (so "=1+1" would become a
    formula) and unstyled, or cells, which cost more to make and style than to write and which
    it recognises only by failing to take them as a value, raising (and formatting) an
    exception for each. This one fills one cell in turn with each CellValue: the writer writes
    a cell before it asks for the next, as openpyxl's own append() relies on too."""

    def _values_to_row(self, values, row_idx):
        cell = _StyledCell(self, row=row_idx, column=1)
        for column_idx, (value, data_type, (style, style_id)) in enumerate(values, 1):
            cell._value, cell.data_type, cell._style, cell.style_id = value, data_type, style, style_id
            cell.column, cell.row = column_idx, row_idx
            yield cell


class ColumnWriter:
    """Makes the CellValues of one column: the value in its kind, styled as the column says (text
    wrapped at the top; the text format on text; the RAG's fill; the editable columns unlocked
    and filled pale yellow)."""

    def __init__(self, worksheet, column: Column):
        self.column, self.key, self.kind = column, column.key, column.kind
        # A row's height counts the lines of its text wrapped to this many characters.
        self.per_line = max(1, int(column.width * CHARACTERS_PER_WIDTH) - 1)
        last = {"protection": _UNLOCKED, "fill": _EDITABLE_FILL} if column.editable else {}

        def style(**kind_styles) -> Style:
            return _style(worksheet, alignment=_WRAP, **(kind_styles | last))

        text = style(number_format=TEXT_FORMAT)
        self.empty = text if self.kind is Kind.TEXT else style()  # what is typed in later stays text too
        if self.kind is Kind.RAG:
            self.rag_styles = {
                value: style(number_format=TEXT_FORMAT, fill=fill, font=font)
                for value, (fill, font) in _RAG_STYLES.items()
            }
        else:
            self.value_style = {Kind.TEXT: text, Kind.DATE: style(number_format=DATE_FORMAT), Kind.NUMBER: style()}[
                self.kind
            ]
        self.cell = {Kind.RAG: self._rag, Kind.TEXT: self._text, Kind.DATE: self._date, Kind.NUMBER: self._number}[
            self.kind
        ]

    # cell(value) -> CellValue: one of these, by the column's kind.

    def _rag(self, value) -> CellValue:
        rag = value or None
        return clean_text(self.column.display(rag)), "s", self.rag_styles.get(rag, self.rag_styles[None])

    def _text(self, value) -> CellValue:
        if value is None or value == "":
            return None, "n", self.empty
        return clean_text(str(value)), "s", self.value_style

    def _date(self, value) -> CellValue:
        if value is None or value == "":
            return None, "n", self.empty
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            raise TypeError(f"{self.key}: give export dates as datetime.date, in the local time zone")
        return value, "d", self.value_style

    def _number(self, value) -> CellValue:
        if value is None or value == "":
            return None, "n", self.empty
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError(f"{self.key}: a number column was given {value!r}")
        return value, "n", self.value_style

    def lines(self, text: str) -> int:
        """How many lines `text` takes wrapped in this column."""
        return sum(max(1, -(-len(paragraph) // self.per_line)) for paragraph in text.split("\n"))


def row_height(writers: list[ColumnWriter], values: list) -> float | None:
    """Enough height for the row's wrapped text; None for a row of one line."""
    lines = 1
    for writer, value in zip(writers, values, strict=True):
        # Most text fits on a line: only longer text is counted.
        if isinstance(value, str) and (len(value) > writer.per_line or "\n" in value):
            lines = max(lines, writer.lines(value))
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT) if lines > 1 else None


class RowHeights:
    """Sets the height of each row before it is written (write-only mode writes a row's height
    with the row). Rows of the same height share one RowDimension: the write-only writer reads
    only its height, and making one for each row of a long sheet costs more than its cells."""

    def __init__(self, worksheet):
        self.worksheet = worksheet
        self.dimensions: dict[float, RowDimension] = {}

    def set(self, row: int, height: float | None) -> None:
        if not height:
            return
        if (dimension := self.dimensions.get(height)) is None:
            dimension = self.dimensions[height] = RowDimension(self.worksheet, index=row, ht=height)
        self.worksheet.row_dimensions[row] = dimension


def write_xlsx(sheet: Sheet) -> bytes:
    workbook = Workbook(write_only=True)
    worksheet = TypedRowsWorksheet(parent=workbook, title=sheet.sheet_name[:31])
    workbook._add_sheet(worksheet)  # as Workbook.create_sheet() adds its WriteOnlyWorksheet
    columns = sheet.columns
    writers = [ColumnWriter(worksheet, column) for column in columns]
    heights = RowHeights(worksheet)
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

    worksheet.append([(clean_text(sheet.title), "s", _style(worksheet, font=_TITLE_FONT, number_format=TEXT_FORMAT))])
    header = _style(worksheet, font=_HEADER_FONT, border=_HEADER_BORDER, alignment=_WRAP, number_format=TEXT_FORMAT)
    headings = [clean_text(column.heading) for column in columns]
    heights.set(HEADER_ROW, row_height(writers, headings))
    worksheet.append([(heading, "s", header) for heading in headings])

    last_row = HEADER_ROW
    for row in sheet.rows:
        last_row += 1
        cells = [writer.cell(row[writer.key]) for writer in writers]
        heights.set(last_row, row_height(writers, [value for value, _type, _style in cells]))
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
