"""reports.uploads: every spreadsheet that cannot be read safely is refused with a message the
person can act on; good ones come back as plain values. reports.spreadsheets: their headings
and cells are read the same way by the plan import and the bulk update. Fixture files are
built here, in memory."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from defusedxml import EntitiesForbidden
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import uploads
from reports.spreadsheets import (
    cell_date,
    cell_text,
    date_from_excel_serial,
    find_header_row,
    header_words,
    heading_positions,
    without_note,
)
from reports.uploads import SheetTable, UploadRefused, read_pasted, read_upload


def xlsx_bytes(rows, *, title_cells=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for coordinate, value in (title_cells or {}).items():
        sheet[coordinate] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "plan.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(content: bytes, name: str = "plan.xlsx") -> str:
    with pytest.raises(UploadRefused) as refused:
        read_upload(upload(content, name))
    return str(refused.value)


PLAN = [["Ref.", "Actions", "Due Date"], ["1.1", "Present the findings", "End August 2008"]]


# --- Good files -----------------------------------------------------------------------------------


def test_an_xlsx_is_read_as_plain_values_with_trailing_empty_rows_and_columns_dropped():
    content = xlsx_bytes(
        [
            ["Leicester Joint Area Review Action Plan"],
            [],
            ["Ref.", "Actions", "Due Date", None],
            [1.1, "  Present the findings  ", datetime.datetime(2008, 8, 31), None],
            [2, "Monitor the offer", datetime.datetime(2008, 9, 3, 14, 30)],
        ]
    )
    table = read_upload(upload(content))
    assert table == SheetTable(
        rows=[
            ["Leicester Joint Area Review Action Plan", None, None],
            [None, None, None],
            ["Ref.", "Actions", "Due Date"],
            [1.1, "Present the findings", datetime.date(2008, 8, 31)],
            [2, "Monitor the offer", datetime.datetime(2008, 9, 3, 14, 30)],
        ],
        kind="xlsx",
        name="plan.xlsx",
    )


def test_only_the_first_worksheet_is_read():
    workbook = openpyxl.Workbook()
    workbook.active.append(PLAN[0])
    workbook.active.append(PLAN[1])
    workbook.create_sheet("Other").append(["Not", "this"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_upload(upload(buffer.getvalue())).rows == PLAN


@pytest.mark.parametrize(
    "encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("utf-16", b"")]
)
def test_a_csv_is_read_in_each_encoding_excel_saves(encoding, prefix):
    text = "Recommendation,Responsible Officer,Target Date for Completion\r\n"
    text += '"a) That the Council’s plan, as agreed",Sue Allan,April 2010\r\n'
    table = read_upload(upload(prefix + text.encode(encoding), "plan.csv"))
    assert table.kind == "csv"
    assert table.rows[1] == ["a) That the Council’s plan, as agreed", "Sue Allan", "April 2010"]


def test_a_csv_with_semicolons_is_read():
    table = read_upload(upload(b"Ref;Action\n1;Do it\n2;Do more\n", "plan.csv"))
    assert table.rows == [["Ref", "Action"], ["1", "Do it"], ["2", "Do more"]]


def test_the_kind_comes_from_the_content_not_the_name():
    assert read_upload(upload(b"Ref,Action\n1,Do it\n", "plan.xlsx")).kind == "csv"
    assert read_upload(upload(xlsx_bytes(PLAN), "plan.csv")).kind == "xlsx"


def test_a_pasted_table_from_word_or_excel_is_read_from_its_tabs():
    text = (
        "Ref.\tActions\tDue Date\tLead\r\n"
        "1.1\tPresent the findings\tEnd August 2008\tP Vaughan\r\n"
        '2.2\t"Monitor the offer\nto Year 11"\tSeptember 2008\tBradley Iliffe / Emma Southern\r\n'
    )
    table = read_pasted(text)
    assert table.kind == "pasted"
    assert table.rows == [
        ["Ref.", "Actions", "Due Date", "Lead"],
        ["1.1", "Present the findings", "End August 2008", "P Vaughan"],
        ["2.2", "Monitor the offer\nto Year 11", "September 2008", "Bradley Iliffe / Emma Southern"],
    ]


# --- Reading the cells: reports.spreadsheets, for the plan import and the bulk update ---------------


@pytest.mark.parametrize(
    "cell,expected",
    [
        (None, ""),
        ("  Present the findings \r\nto the Council  ", "Present the findings \nto the Council"),
        (12.0, "12"),
        (2.5, "2.5"),
        (7, "7"),
        (datetime.date(2021, 12, 31), "31/12/2021"),
        (datetime.datetime(2022, 3, 31, 9, 30), "31/03/2022 09:30"),
    ],
)
def test_a_cell_is_read_as_the_text_a_person_sees_in_it(cell, expected):
    assert cell_text(cell) == expected


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("Success criteria/milestones", "success criteria milestones"),
        ("  Ref. ", "ref"),
        ("WHO’S  RESPONSIBLE?", "who's responsible"),
        ("#", "#"),
        (None, ""),
    ],
)
def test_headings_are_read_as_plain_words(cell, expected):
    assert header_words(cell) == expected


def test_a_note_in_brackets_at_the_end_of_a_heading_is_left_out():
    assert without_note("Version (do not change)") == "Version"
    assert without_note("Action (what we will do) taken") == "Action (what we will do) taken"


KEYS = {"ref": "reference", "action": "action", "lead": "lead"}


def known(cell) -> str | None:
    return KEYS.get(header_words(cell))


def test_the_header_row_is_the_one_naming_most_headings_first_of_equals():
    rows = [["Action plan"], ["Ref", "Lead"], [], ["Ref", "Action", "Lead", "Ref"], ["Action", "Ref", "Lead"]]
    assert find_header_row(rows, known, scan=10) == 3
    assert heading_positions(rows[3], known) == {"reference": 0, "action": 1, "lead": 2}  # the first of each
    assert find_header_row(rows, known, scan=3) == 1  # only the first rows are looked at
    assert find_header_row(rows, known, scan=3, at_least=3) is None
    assert find_header_row(rows, known, scan=10, required=("action",)) == 3
    assert find_header_row([["Ref", "Lead"]], known, scan=10, required=("action",)) is None


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("April 2010", datetime.date(2010, 4, 30)),
        ("31.3.09", datetime.date(2009, 3, 31)),
        ("End August 2008", datetime.date(2008, 8, 31)),
        (datetime.date(2021, 12, 31), datetime.date(2021, 12, 31)),
        (datetime.datetime(2022, 3, 31, 9, 30), datetime.date(2022, 3, 31)),
        (44561, datetime.date(2021, 12, 31)),
        (44561.5, datetime.date(2021, 12, 31)),
        (2010, None),  # a year, not 2010 days after 1899
        ("To be Confirmed", None),
        (None, None),
    ],
)
def test_a_target_date_is_read_from_text_date_cells_and_excel_serial_numbers(cell, expected):
    assert cell_date(cell) == expected


def test_excel_serial_numbers_outside_plausible_target_dates_are_not_dates():
    assert date_from_excel_serial(1) is None
    assert date_from_excel_serial(True) is None
    assert date_from_excel_serial(29221) == datetime.date(1980, 1, 1)


# --- Not a spreadsheet ----------------------------------------------------------------------------


def test_a_pdf_named_xlsx_is_refused_as_a_pdf():
    message = refusal(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", "plan.xlsx")
    assert "“plan.xlsx” is a PDF, not a spreadsheet" in message


def test_an_image_named_xlsx_is_refused_as_an_image():
    assert "is an image, not a spreadsheet" in refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "plan.xlsx")


def test_binary_data_named_csv_is_not_a_spreadsheet():
    assert "is not a spreadsheet" in refusal(bytes(range(256)) * 4, "plan.csv")


def test_text_without_a_consistent_delimiter_is_not_a_spreadsheet():
    letter = (
        b"Dear Councillor,\nThank you for your letter of 3 May, which I read with interest, and for the papers.\n"
        b"I will reply in full soon.\nYours sincerely,\nSue Allan\n"
    )
    assert "not a spreadsheet: it is text without columns" in refusal(letter, "plan.csv")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "is a zip file, not an Excel workbook" in refusal(buffer.getvalue())


def test_a_word_document_is_refused_with_a_hint_to_paste_its_table():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "is a Word document" in refusal(buffer.getvalue(), "plan.docx")


def test_an_opendocument_spreadsheet_is_refused_asking_for_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert "is an OpenDocument spreadsheet (.ods)" in refusal(buffer.getvalue(), "plan.ods")


def test_a_zip_bomb_that_is_not_a_workbook_is_refused_before_anything_is_unzipped(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"\x00" * (20 * 1024 * 1024))
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("nothing may be unzipped"))
    assert "unzips to far more data" in refusal(buffer.getvalue(), "plan.ods")


def ole_file(*streams: str) -> bytes:
    """An OLE compound file's signature and directory names, enough to be recognised."""
    body = b"".join(stream.encode("utf-16-le") + b"\x00\x00" for stream in streams)
    return uploads.OLE_SIGNATURE + b"\x00" * 504 + body + b"\x00" * 512


def test_a_password_protected_workbook_is_refused_asking_to_remove_the_password():
    message = refusal(ole_file("Root Entry", "EncryptionInfo", "EncryptedPackage"), "plan.xlsx")
    assert "protected by a password" in message
    assert "remove the password" in message


def test_an_old_xls_workbook_is_refused_asking_to_save_it_as_xlsx():
    message = refusal(ole_file("Root Entry", "Workbook", "SummaryInformation"), "plan.xls")
    assert "old-style Excel workbook (.xls)" in message
    assert "save it as an Excel Workbook (.xlsx)" in message


def test_a_damaged_workbook_is_refused():
    content = xlsx_bytes(PLAN)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, b"<not xml" if item.filename == "xl/workbook.xml" else data)
    assert "could not be read as an Excel workbook" in refusal(buffer.getvalue())


# --- Empty, header only, too big, too many rows ------------------------------------------------------


def test_an_empty_file_is_refused():
    assert refusal(b"", "plan.csv") == "“plan.csv” is empty."


def test_a_workbook_with_nothing_in_it_is_refused():
    assert "has nothing in it" in refusal(xlsx_bytes([]))


def test_a_header_row_alone_is_refused():
    assert "has only one row" in refusal(xlsx_bytes([PLAN[0]]))
    assert "has only one row" in refusal(b"Ref,Action\n", "plan.csv")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.TRACKER_UPLOAD_MAX_BYTES = 1000

    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("a file over the limit must not be read")

    oversized = Unreadable(b"x" * 2000)
    oversized.name, oversized.size = "plan.xlsx", 2000
    with pytest.raises(UploadRefused, match="the largest file the tracker takes is 1000 bytes"):
        read_upload(oversized)


def test_a_file_that_does_not_declare_its_size_is_read_no_further_than_the_limit(settings):
    settings.TRACKER_UPLOAD_MAX_BYTES = 1000
    stream = io.BytesIO(b"a,b\n" * 1000)
    stream.name = "plan.csv"
    with pytest.raises(UploadRefused, match="is larger than 1000 bytes"):
        read_upload(stream)
    assert stream.tell() == 1001


def test_a_pasted_table_over_the_size_limit_is_refused(settings):
    settings.TRACKER_UPLOAD_MAX_BYTES = 100
    with pytest.raises(UploadRefused, match="larger than 100 bytes"):
        read_pasted("a\tb\n" * 100)


def test_too_many_rows_are_refused(settings):
    settings.TRACKER_UPLOAD_MAX_ROWS = 10
    rows = [["Ref", "Action"]] + [[str(n), f"Action {n}"] for n in range(10)]
    assert "has more than 10 rows" in refusal(xlsx_bytes(rows))
    assert "has more than 10 rows" in refusal("\n".join(",".join(row) for row in rows).encode(), "plan.csv")
    with pytest.raises(UploadRefused, match="more than 10 rows"):
        read_pasted("\n".join("\t".join(row) for row in rows))
    assert len(read_upload(upload(xlsx_bytes(rows[:10]))).rows) == 10


def test_empty_rows_far_down_the_sheet_do_not_count():
    content = xlsx_bytes(PLAN, title_cells={"A4000": None, "B4000": " "})
    assert read_upload(upload(content)).rows == PLAN


# --- Attacks ----------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_openpyxl_opens_it(monkeypatch):
    content = xlsx_bytes(PLAN)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename), zipfile.ZIP_DEFLATED)
        target.writestr("xl/media/padding.bin", b"\x00" * (20 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    bomb = buffer.getvalue()
    assert len(bomb) < 100 * 1024  # 20 MB squeezed a thousand times over
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl must not open a zip bomb"))
    assert "unzips to far more data" in refusal(bomb)


def test_a_zip_that_unzips_past_the_total_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED_BYTES", 10_000)
    rows = [["Ref", "Action"]] + [[str(n), "A fairly long action description " * 3] for n in range(200)]
    assert "unzips to far more data" in refusal(xlsx_bytes(rows))


def with_sheet_xml(content: bytes, transform) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, transform(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
    return buffer.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
)


def billion_laughs_workbook() -> bytes:
    def transform(xml: bytes) -> bytes:
        xml = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return BILLION_LAUGHS + xml.replace(b"<v>", b"<v>&lol9;", 1)

    return with_sheet_xml(xlsx_bytes([["Ref", "Action"], [1, 2]]), transform)


def test_a_billion_laughs_doctype_in_a_sheet_is_refused():
    assert "contains XML the tracker will not read" in refusal(billion_laughs_workbook())


def test_openpyxl_reads_worksheets_with_defusedxml_so_the_entities_are_refused_there_too(monkeypatch):
    from openpyxl.xml import DEFUSEDXML, functions

    assert DEFUSEDXML
    assert functions.iterparse.__module__.startswith("defusedxml")
    # Past our own check, openpyxl itself refuses to expand the entities.
    monkeypatch.setattr(uploads, "XML_HEAD_BYTES", 0)
    assert "contains XML the tracker will not read" in refusal(billion_laughs_workbook())
    with pytest.raises(ValueError) as failed:
        openpyxl.load_workbook(io.BytesIO(billion_laughs_workbook()), read_only=True)
    assert isinstance(failed.value.__cause__, EntitiesForbidden)


def test_a_formula_cell_is_refused_naming_the_first_one():
    rows = [["Ref", "Action", "Due"], ["1.1", "Present", "April 2010"], ["1.2", "Count", None]]
    content = xlsx_bytes(rows, title_cells={"C3": "=TODAY()+30", "C4": "=1+1"})
    assert refusal(content).startswith("Cell C3 holds a formula: paste values only")


def test_text_that_only_looks_like_a_formula_in_a_csv_is_kept_as_text():
    table = read_upload(upload(b"Ref,Action\n1,=SUM(A1)\n", "plan.csv"))
    assert table.rows[1] == ["1", "=SUM(A1)"]
