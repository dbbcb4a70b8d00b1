"""Committee papers and plan reports as accessible PDFs (WeasyPrint, PDF/UA-1).

One function per document, used by the views and the tests alike. The HTML is rendered by
Django templates (so every text from users is escaped), styled by static/css/paper.css, and
laid out by WeasyPrint as tagged PDF/UA-1: the document's title, language (`<html lang>`),
author (`<meta name="author">`) and subject (`<meta name="description">`) go into its
metadata; headings, lists and tables (with their header cells) into its structure tree.

WeasyPrint may fetch nothing but `data:` URLs: no file on the server and no address on the
network can be pulled into a paper, whatever anybody typed.

A document of more than LONG_DOCUMENT_PAGES pages has a table of contents, its page numbers
filled in by WeasyPrint (`target-counter`) in the same layout. Whether a document is long is
only known once it is laid out, so it is laid out with the contents first: a long one (the
slow kind: a council's monitoring list runs to fifty pages and more) is then written as it is,
laid out once; only a short one is laid out again, without the contents, which is quick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from actionplans.plans.models import Plan
from reports.models import CommitteePaper
from reports.papers.content import paper_content, plan_report

PDF_VARIANT = "pdf/ua-1"
# WeasyPrint reports each step of every layout (and of its own start) at INFO: keep its
# warnings, not its progress. It is imported when the first PDF is made, after this.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
STYLESHEET = "css/paper.css"
LONG_DOCUMENT_PAGES = 6

# The steps of making a PDF, for a job's progress: progress(step, STEPS, "what it is doing").
Progress = Callable[[int, int, str], None]
STEPS = 3


def no_progress(step: int, steps: int, stage: str) -> None:
    return None


@cache
def _stylesheet():
    from weasyprint import CSS

    path = finders.find(STYLESHEET)
    with open(path, encoding="utf-8") as handle:
        return CSS(string=handle.read())


def _document(html: str):
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).render(
        stylesheets=[_stylesheet()], pdf_variant=PDF_VARIANT
    )


def _write(document) -> bytes:
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def _html(template: str, **context) -> str:
    return render_to_string(template, {"service_name": settings.TRACKER_SERVICE_NAME, **context})


def _laid_out(render_html, progress: Progress):
    """The document `render_html(contents=...)` gives, laid out: with a table of contents if
    it runs to more than LONG_DOCUMENT_PAGES pages with them, else without."""
    progress(1, STEPS, "Laying out the pages")
    document = _document(render_html(contents=True))
    if len(document.pages) <= LONG_DOCUMENT_PAGES:
        document = _document(render_html(contents=False))
    return document


def _written(document, progress: Progress) -> bytes:
    progress(STEPS - 1, STEPS, f"Writing the PDF of {len(document.pages)} pages")
    return _write(document)


# --- Committee papers ---------------------------------------------------------------------------


def committee_paper_html(paper: CommitteePaper, *, draft: bool = False, contents: bool = False) -> str:
    """The paper as the HTML WeasyPrint lays out (also what the tests read for escaping)."""
    return _html("reports/papers/committee_paper.html", doc=paper_content(paper, draft=draft), contents=contents)


def committee_paper_pdf(paper: CommitteePaper, *, draft: bool = False, progress: Progress = no_progress) -> bytes:
    """The committee paper as a PDF. A draft says so at the top of every page."""
    progress(0, STEPS, "Gathering the monitoring list and the cover report")
    content = paper_content(paper, draft=draft)

    def render_html(*, contents: bool) -> str:
        return _html("reports/papers/committee_paper.html", doc=content, contents=contents)

    return _written(_laid_out(render_html, progress), progress)


# --- Plan reports ----------------------------------------------------------------------------------


def plan_report_html(*, plan: Plan, contents: bool = False) -> str:
    return _html("reports/papers/plan_report.html", doc=plan_report(plan=plan), contents=contents)


def plan_report_pdf(*, plan: Plan, progress: Progress = no_progress) -> bytes:
    """The plan's progress report as a PDF: its sources, recommendations and actions."""
    progress(0, STEPS, "Gathering the plan's recommendations and actions")
    report = plan_report(plan=plan)

    def render_html(*, contents: bool) -> str:
        return _html("reports/papers/plan_report.html", doc=report, contents=contents)

    return _written(_laid_out(render_html, progress), progress)
