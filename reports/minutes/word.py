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

from reports.minutes.resolutions import Resolutions

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Arial"
INDENT = Cm(1.27)  # each level of numbering, as Word's default list indent


def minutes_document(extract: Resolutions) -> bytes:
    document = Document()
    _set_up(document, extract)
    body, held, subject = extract.heading
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


def _set_up(document, extract: Resolutions) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2.54)
    section.top_margin = section.bottom_margin = Cm(2.54)

    properties = document.core_properties
    properties.title = f"{extract.subject} – {extract.body}, {extract.heading[1].removeprefix('Meeting held on ')}"
    properties.subject = extract.subject
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
