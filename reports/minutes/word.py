"""The minutes extract as a Word document: a heading, "RESOLVED:" and the clauses with their
items as hanging-indented paragraphs, in Arial on A4.

The numbers "(i)", "(a)" are typed into the text, not Word's automatic numbering: pasted into
a set of minutes they keep their numbers, and the document says exactly what the page says."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from reports.minutes.record import NO_AGENDA, RESOLVED, MinutesRecord
from reports.minutes.resolutions import Resolutions

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Arial"
INDENT = Cm(1.27)  # each level of numbering, as Word's default list indent


def minutes_document(extract: Resolutions) -> bytes:
    document = Document()
    body, held, subject = extract.heading
    _set_up(document, title=f"{subject} – {body}, {held.removeprefix('Meeting held on ')}", subject=subject)
    document.add_heading(body, level=1)
    document.add_paragraph(held)
    document.add_heading(subject, level=2)
    if not extract.clauses:
        document.add_paragraph(extract.message)
    for line in extract.lines:
        paragraph = document.add_paragraph()
        if line.level == 0:
            paragraph.add_run(line.text).bold = True
            continue
        indent = INDENT * line.level
        paragraph.paragraph_format.left_indent = indent
        paragraph.paragraph_format.first_line_indent = -INDENT
        paragraph.paragraph_format.tab_stops.add_tab_stop(indent)
        paragraph.add_run(f"{line.number}\t{line.text}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def minutes_record_document(record: MinutesRecord) -> bytes:
    """The minutes in seed 001's layout: the heading, Present / In attendance as name and
    capacity, apologies, then each item: its heading, the discussion, "RESOLVED:" and the
    clauses hanging-indented, and the actions agreed in a table with the owner in the margin
    column headed "ACTION", as the minutes print it."""
    document = Document()
    _set_up(document, title=record.title, subject="Minutes")
    for line in record.heading:
        paragraph = document.add_paragraph()
        paragraph.add_run(line).bold = True
    for label, people in (("Present:", record.present), ("In attendance:", record.in_attendance)):
        if not people:
            continue
        document.add_heading(label, level=2)
        for person in people:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(5))
            paragraph.add_run(f"{person.name}\t- {person.capacity}" if person.capacity else person.name)
    if record.apologies:
        document.add_heading("Apologies:", level=2)
        document.add_paragraph(record.apologies_text)
    if not record.items:
        document.add_paragraph(NO_AGENDA)
    for item in record.items:
        document.add_heading(item.heading, level=2)
        for paragraph_text in item.paragraphs:
            paragraph = document.add_paragraph(paragraph_text.text)
            if paragraph_text.bullet:
                paragraph.paragraph_format.left_indent = INDENT
                paragraph.paragraph_format.first_line_indent = -INDENT
                paragraph.text = f"-\t{paragraph_text.text}"
        if item.clauses:
            document.add_paragraph().add_run(RESOLVED).bold = True
            for clause in item.clauses:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.left_indent = INDENT
                paragraph.paragraph_format.first_line_indent = -INDENT if clause.number else 0
                paragraph.add_run(f"{clause.number}\t{clause.text}" if clause.number else clause.text)
                for point in clause.points:
                    sub = document.add_paragraph(f"-\t{point}")
                    sub.paragraph_format.left_indent = INDENT * 2
                    sub.paragraph_format.first_line_indent = -INDENT
        if item.actions:
            table = document.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            header = table.rows[0].cells
            header[0].text, header[1].text = "Action agreed", "ACTION"
            for action in item.actions:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = action.text, action.owner
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_up(document, *, title: str, subject: str) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2.54)
    section.top_margin = section.bottom_margin = Cm(2.54)

    properties = document.core_properties
    properties.title = title
    properties.subject = subject
    properties.author = properties.last_modified_by = settings.TRACKER_SERVICE_NAME
    properties.comments = ""
    properties.created = properties.modified = timezone.now()

    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER) and style.font is not None:
            if style.name == "Normal" or style.name.startswith(("Heading", "Title")):
                _arial(style)
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    for level, size in ((1, 14), (2, 12)):
        heading = document.styles[f"Heading {level}"]
        heading.font.size = Pt(size)
        heading.font.color.rgb = RGBColor(0, 0, 0)


def _arial(style) -> None:
    """Arial for every script, and no theme font that Word would prefer to it."""
    style.font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), FONT)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        # Schema order: only these may follow w:lang.
        later = [rpr.find(qn(f"w:{tag}")) for tag in ("eastAsianLayout", "specVanish", "oMath")]
        following = next((element for element in later if element is not None), None)
        if following is None:
            rpr.append(language)
        else:
            following.addprevious(language)
    language.set(qn("w:val"), "en-GB")
