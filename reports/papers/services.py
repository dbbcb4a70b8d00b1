"""Saving a committee paper (no lost updates) and publishing it (the PDF kept as published)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from actionplans.kernel.concurrency import EditConflict, save_if_unchanged
from partners.models import Person
from reports.models import CommitteePaper, PublishedPaper
from reports.papers.pdf import Progress, committee_paper_pdf, no_progress

# The paper's own words, as the edit form shows them.
PAPER_TEXT_FIELDS = [
    "agenda_item",
    "subject",
    "report_of",
    "contact_name",
    "contact_title",
    "contact_phone",
    "contact_email",
    "confidentiality",
    "brief_summary",
    "recommendations",
    "reasons",
    "alternative_options",
    "detail",
    "resource_implications",
    "legal_power",
    "legal_implications",
    "risk_implications",
    "policy_implications",
    "key_decision",
    "wards_affected",
    "supporting_documentation",
]
# What the edit form writes, besides who saved it and when.
PAPER_FIELDS = [
    *PAPER_TEXT_FIELDS,
    "include_rag_summary",
    "include_since_last",
    "include_measures",
    "include_measure_figures",
]


def paper_save(*, paper: CommitteePaper, expected_version: int, by: Person | None) -> CommitteePaper:
    """Save the paper, validated, only if nobody saved it since the form was opened at
    `expected_version` (0: a draft never saved). Raises EditConflict if somebody did."""
    paper.updated_by = by
    paper.updated_at = timezone.now()
    paper.full_clean(exclude=["meeting"], validate_unique=False)
    if paper.pk is None:
        try:
            with transaction.atomic():
                paper.version = 1
                paper.save()
        except IntegrityError:  # somebody saved the first version of this meeting's paper first
            current = CommitteePaper.objects.get(meeting=paper.meeting_id)
            raise EditConflict(current, []) from None
        return paper
    save_if_unchanged(paper, expected_version=expected_version, fields=[*PAPER_FIELDS, "updated_by", "updated_at"])
    return paper


def published_title(paper: CommitteePaper) -> str:
    meeting = paper.meeting
    return f"{meeting.body.name}, {date_format(meeting.date)}: Agenda Item {paper.agenda_item}, {paper.subject}"


def paper_publish(*, paper: CommitteePaper, by: Person | None, progress: Progress = no_progress) -> PublishedPaper:
    """Render the saved paper as a PDF and keep it, byte for byte, as published. Slow for a long
    list: run it in a job (reports.papers.jobs), which passes `progress`."""
    content = committee_paper_pdf(paper, progress=progress)
    published = PublishedPaper(meeting=paper.meeting, paper=paper, title=published_title(paper), created_by=by)
    published.set_content(content)
    published.full_clean()
    published.save()
    return published
