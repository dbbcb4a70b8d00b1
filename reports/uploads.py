"""Reading a spreadsheet somebody uploads or pastes, safely.

One way in for every upload (the plan importer, the bulk update): `read_upload()` for a file,
`read_pasted()` for a table pasted from Word or Excel. Both return a SheetTable of plain
values, or raise UploadRefused, whose message says what is wrong in words the person can act
on. Nothing is written anywhere either way.

What a file is comes from its content, never its name: an .xlsx is a zip holding
[Content_Types].xml and xl/workbook.xml; a CSV is text (UTF-8 with or without a byte-order
mark, UTF-16 as Excel's "Unicode text", or Windows-1252) whose rows share one delimiter.
Refused, before anything is parsed:
* more than settings.TRACKER_UPLOAD_MAX_BYTES (read no further than one byte past it);
* a password-protected workbook (an OLE compound file holding EncryptionInfo), an old
  binary .xls, a Word document, a PDF, an image, or anything else that is not a spreadsheet;
* a zip bomb: more than MAX_UNCOMPRESSED_BYTES once unzipped, more than MAX_ZIP_MEMBERS
  files, or an archive compressed more than MAX_COMPRESSION_RATIO to one (Python's zipfile,
  which openpyxl reads through, never unzips a member past the size the directory declares,
  so these checks on the directory bound the real work);
* XML that declares a DOCTYPE or entities ("billion laughs" and external entities). openpyxl
  also parses every worksheet with defusedxml (it does whenever defusedxml is installed, see
  openpyxl/xml/functions.py), so the trick is refused twice over.
And, once read: a cell that holds a formula (its value may be stale or missing; people are
asked to paste values only), an empty sheet, a header row with no data under it, and more
than settings.TRACKER_UPLOAD_MAX_ROWS rows.

Cells come back as str (stripped; empty text is None), int or float, datetime.date (a date
cell with no time of day), datetime.datetime, or None. Trailing empty rows and columns are
dropped and every row is padded to the same width; leading empty rows are kept, so that row
numbers in messages are the ones the person sees in Excel.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.conf import settings

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 5_000
MAX_COLUMNS = 200
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Below this much unzipped data the ratio is not checked: tiny files compress oddly.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
XML_HEAD_BYTES = 4096  # a DOCTYPE has to come before the root element

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"

WHAT_WE_TAKE = "Upload an Excel workbook (.xlsx) or a CSV file, or copy the table and paste it instead."


class UploadRefused(Exception):
    """The upload cannot be read; str() is the message for the person who sent it."""


@dataclass
class SheetTable:
    rows: list[list]
    kind: str  # "xlsx" | "csv" | "pasted"
    name: str


def max_bytes() -> int:
    return getattr(settings, "TRACKER_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_rows() -> int:
    return getattr(settings, "TRACKER_UPLOAD_MAX_ROWS", DEFAULT_MAX_ROWS)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} bytes"


# --- Files ----------------------------------------------------------------------------


def read_upload(uploaded_file) -> SheetTable:
    """The first worksheet of an uploaded .xlsx, or the rows of an uploaded CSV file."""
    name = os.path.basename(getattr(uploaded_file, "name", "") or "") or "the file"
    limit = max_bytes()
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise UploadRefused(f"“{name}” is {_size(declared)}: the largest file the tracker takes is {_size(limit)}.")
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(f"“{name}” is larger than {_size(limit)}, the largest file the tracker takes.")
    if not data.strip():
        raise UploadRefused(f"“{name}” is empty.")
    if data.startswith(OLE_SIGNATURE):
        raise UploadRefused(_ole_message(data, name))
    if data.startswith(ZIP_SIGNATURE):
        return _table(_read_xlsx(data, name), "xlsx", name)
    if other := _known_binary(data):
        raise UploadRefused(f"“{name}” is {other}, not a spreadsheet. {WHAT_WE_TAKE}")
    return _table(_read_csv(data, name), "csv", name)


def _ole_message(data: bytes, name: str) -> str:
    """An OLE compound file: an encrypted Office file, an old Excel or Word file."""

    def holds(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    if holds("EncryptionInfo") or holds("EncryptedPackage"):
        return (
            f"“{name}” is protected by a password, so the tracker cannot read it. "
            "Open it in Excel, remove the password (File, Info, Protect Workbook), save it and upload it again."
        )
    if holds("WordDocument"):
        return f"“{name}” is a Word document, not a spreadsheet. Copy its table and paste it instead."
    return (
        f"“{name}” is an old-style Excel workbook (.xls). Open it in Excel, "
        "save it as an Excel Workbook (.xlsx) and upload that."
    )


def _known_binary(data: bytes) -> str | None:
    signatures = {
        b"%PDF": "a PDF",
        b"\x89PNG": "an image",
        b"\xff\xd8\xff": "an image",
        b"GIF8": "an image",
        b"{\\rtf": "a Word (RTF) document",
    }
    for signature, what in signatures.items():
        if data.startswith(signature):
            return what
    return None


# --- .xlsx ------------------------------------------------------------------------------


def _read_xlsx(data: bytes, name: str) -> list[list]:
    _check_archive(data, name)
    import openpyxl
    from defusedxml import DefusedXmlException

    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts of a workbook it drops (data validation, styles);
            # none of them matter for reading values.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
            try:
                if not workbook.worksheets:
                    raise UploadRefused(f"“{name}” has no worksheet.")
                return _sheet_rows(workbook.worksheets[0], name)
            finally:
                workbook.close()
    except UploadRefused:
        raise
    except Exception as error:  # a damaged or hand-made file can fail anywhere in openpyxl
        if _caused_by(error, DefusedXmlException):  # openpyxl wraps some errors in a ValueError
            raise UploadRefused(_XML_TRICK.format(name=name)) from None
        raise UploadRefused(
            f"“{name}” could not be read as an Excel workbook: it may be damaged. "
            "Open it in Excel, save it as an Excel Workbook (.xlsx) and upload it again."
        ) from None


def _caused_by(error: BaseException | None, kind: type) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


_XML_TRICK = (
    "“{name}” contains XML the tracker will not read (a DOCTYPE or entity declarations, "
    "which can hide a denial-of-service attack). Save the workbook again from Excel and upload that."
)


def _check_archive(data: bytes, name: str) -> None:
    """Refuse a zip that is not a workbook, or that would unzip to too much, before openpyxl
    opens it. Only the zip directory is read, and the first few KB of each XML part."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused(f"“{name}” is not a spreadsheet (it is a damaged zip file). {WHAT_WE_TAKE}") from None
    with archive:
        members = archive.infolist()
        bomb = (
            f"“{name}” unzips to far more data than a spreadsheet of its size should, "
            "so the tracker will not open it. Save it again from Excel and upload that."
        )
        if len(members) > MAX_ZIP_MEMBERS:
            raise UploadRefused(bomb)
        uncompressed = sum(member.file_size for member in members)
        compressed = sum(member.compress_size for member in members)
        if uncompressed > MAX_UNCOMPRESSED_BYTES:
            raise UploadRefused(bomb)
        if uncompressed > RATIO_CHECKED_FROM_BYTES and uncompressed > MAX_COMPRESSION_RATIO * max(compressed, 1):
            raise UploadRefused(bomb)

        def head(member) -> bytes:
            try:
                with archive.open(member) as part:
                    return part.read(XML_HEAD_BYTES)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
                raise UploadRefused(f"“{name}” is damaged: part of it cannot be unzipped.") from None

        names = {member.filename: member for member in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            if "word/document.xml" in names:
                raise UploadRefused(
                    f"“{name}” is a Word document, not a spreadsheet. Copy its table and paste it instead."
                )
            if "mimetype" in names and b"opendocument.spreadsheet" in head(names["mimetype"]):
                raise UploadRefused(
                    f"“{name}” is an OpenDocument spreadsheet (.ods). "
                    "Save it as an Excel Workbook (.xlsx) and upload that."
                )
            raise UploadRefused(f"“{name}” is a zip file, not an Excel workbook. {WHAT_WE_TAKE}")
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                start = head(member).upper()
                if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                    raise UploadRefused(_XML_TRICK.format(name=name))


def _sheet_rows(worksheet, name: str) -> list[list]:
    from openpyxl.utils import get_column_letter

    worksheet.reset_dimensions()  # do not trust the declared size: read the cells there are
    rows: list[list] = []
    empty_since = 0  # empty rows seen since the last filled one, kept only if more follow
    limit = max_rows()
    for row in worksheet.iter_rows():
        values = []
        for cell in row:
            if getattr(cell, "data_type", None) == "f":
                coordinate = f"{get_column_letter(cell.column)}{cell.row}"
                raise UploadRefused(
                    f"Cell {coordinate} holds a formula: paste values only. In Excel, copy the sheet, "
                    "use Paste Special, Values, then save and upload it again."
                )
            values.append(_cell_value(cell.value))
        while values and values[-1] is None:  # styled but empty cells at the end of the row
            values.pop()
        if not values:
            empty_since += 1
            continue
        if len(rows) + empty_since + 1 > limit:
            raise UploadRefused(_too_many_rows(name, limit))
        rows.extend([] for _ in range(empty_since))
        rows.append(values)
        empty_since = 0
    return rows


def _cell_value(value):
    if value is None or isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    return text or None


def _too_many_rows(name: str, limit: int) -> str:
    return f"“{name}” has more than {limit:,} rows, the most the tracker takes at once. Split it into smaller files."


# --- CSV ---------------------------------------------------------------------------------

DELIMITERS = [",", ";", "\t", "|"]
# From the first row of the table's width down, how many rows must have that width. Excel
# writes every row of a CSV to the same width; a letter with commas in it has no such shape.
CONSISTENT_SHARE = 0.75


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise UploadRefused(f"“{name}” is not a spreadsheet. {WHAT_WE_TAKE}")


def _read_csv(data: bytes, name: str) -> list[list]:
    text = _decode(data, name)
    rows = _delimited_rows(text, DELIMITERS, consistent=True)
    if rows is None:
        raise UploadRefused(
            f"“{name}” is not a spreadsheet: it is text without columns separated by commas, "
            f"semicolons or tabs. {WHAT_WE_TAKE}"
        )
    return rows


def _parse(text: str, delimiter: str) -> list[list[str]] | None:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return None


def _table_share(rows: list[list[str]]) -> tuple[int, float]:
    """How many rows have more than one cell, and the share of rows, from the first row of the
    commonest width down, that have that width."""
    filled = [len(row) for row in rows if any(cell.strip() for cell in row)]
    wide = [width for width in filled if width > 1]
    if not wide:
        return 0, 0.0
    modal = Counter(wide).most_common(1)[0][0]
    table = filled[filled.index(modal) :]
    return len(wide), table.count(modal) / len(table)


def _delimited_rows(text: str, delimiters: list[str], *, consistent: bool) -> list[list] | None:
    """The rows of the text split on the delimiter that gives the most rows of more than one
    cell (with `consistent`, only one whose rows share a width); None if there is none."""
    best, best_count = None, 0
    for delimiter in delimiters:
        rows = _parse(text, delimiter)
        if rows is None:
            continue
        count, share = _table_share(rows)
        if count and (share >= CONSISTENT_SHARE or not consistent) and count > best_count:
            best, best_count = rows, count
    if best is None:
        return None
    return [[(cell.strip() or None) for cell in row] for row in best]


# --- Pasted tables ----------------------------------------------------------------------


def read_pasted(text: str) -> SheetTable:
    """A table copied from Word or Excel and pasted as text: a line a row, cells separated by
    tabs (Excel quotes a cell that holds a line break, and that is understood)."""
    name = "the pasted table"
    limit = max_bytes()
    if len(text.encode("utf-8")) > limit:
        raise UploadRefused(f"The pasted table is larger than {_size(limit)}, the most the tracker takes.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UploadRefused("The pasted table is empty.")
    rows = _delimited_rows(text, ["\t"], consistent=False)
    if rows is None:
        raise UploadRefused(
            "The pasted text is not a table: its cells are not separated by tabs. Copy the whole table "
            "from Word or Excel (select it, then Copy) and paste it again."
        )
    return _table(rows, "pasted", name)


# --- Both ----------------------------------------------------------------------------------


def _table(rows: list[list], kind: str, name: str) -> SheetTable:
    """Drop trailing empty rows and columns, pad rows to one width, apply the limits."""
    while rows and all(value is None for value in rows[-1]):
        rows.pop()
    filled = [row for row in rows if any(value is not None for value in row)]
    if not filled:
        raise UploadRefused(f"“{name}” has nothing in it." if kind != "pasted" else "The pasted table is empty.")
    if len(rows) > max_rows():
        raise UploadRefused(_too_many_rows(name, max_rows()))
    width = max(max((i + 1 for i, value in enumerate(row) if value is not None), default=0) for row in rows)
    if width > MAX_COLUMNS:
        raise UploadRefused(f"“{name}” has more than {MAX_COLUMNS} columns, more than the tracker can read.")
    if len(filled) < 2:
        raise UploadRefused(
            f"“{name}” has only one row. It needs a row of column headings and at least one row of data under it."
        )
    rows = [(list(row) + [None] * width)[:width] for row in rows]
    return SheetTable(rows=rows, kind=kind, name=name)


class PreviewConfirmForm(forms.Form):
    """Only the token of the preview being confirmed: what is saved comes from the server's copy
    of the preview, kept in the session, never from the form."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=100)


def stored_preview(request, *, key: str, preview_class):
    """The upload preview kept in the session under `key`, if it is the signed-in user's; a copy
    that cannot be read any more (a changed format) is dropped."""
    data = request.session.get(key)
    if not data:
        return None
    try:
        preview = preview_class.from_dict(data)
    except (TypeError, KeyError, ValueError):
        del request.session[key]
        return None
    return preview if preview.user_id == request.user.pk else None


def preview_page_context(preview, *, max_age_minutes: int) -> dict:
    return {
        "preview": preview,
        "expired": preview is not None and preview.is_expired(),
        "max_age_minutes": max_age_minutes,
        "confirm_form": PreviewConfirmForm(initial={"token": preview.token}) if preview else None,
    }
