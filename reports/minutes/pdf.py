"""The minutes as a tagged PDF (WeasyPrint, PDF/UA-1), in seed 001's layout: the owner of each
action agreed in the right-hand margin beside it, under the column heading "ACTION". Styled by
static/css/paper.css, as every printed paper is; WeasyPrint may fetch nothing but `data:` URLs."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from reports.minutes.record import MinutesRecord

PDF_VARIANT = "pdf/ua-1"
STYLESHEET = "css/paper.css"
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def minutes_html(record: MinutesRecord) -> str:
    return render_to_string(
        "reports/minutes/record_print.html", {"record": record, "service_name": settings.TRACKER_SERVICE_NAME}
    )


def minutes_pdf(record: MinutesRecord) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    with open(finders.find(STYLESHEET), encoding="utf-8") as handle:
        stylesheet = CSS(string=handle.read())
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    document = HTML(string=minutes_html(record), base_url=None, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], pdf_variant=PDF_VARIANT)
