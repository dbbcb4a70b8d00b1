"""Committee papers: the editable parts of a meeting's monitoring report, and every PDF of it
that was published.

A paper is drafted from the tracker's data (reports.papers.drafting) the first time it is
opened, and saved once democratic support have checked it. Each "Publish" renders the PDF
and keeps it as a `PublishedPaper`, byte for byte, so what was sent to members can always be
downloaded again unchanged, whatever happens to the tracker afterwards.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from actionplans.kernel.audit import AuditedQuerySet
from partners.models import Meeting, Person


class CommitteePaper(models.Model):
    """The cover report's editable parts, as in seed 002's Agenda Item 9. The decision-maker
    and date of decision come from the meeting; the appendices from the data."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="committee_paper")
    agenda_item = models.CharField("Agenda item number", max_length=10)
    subject = models.CharField(max_length=300)
    report_of = models.CharField("Report of", max_length=250, blank=True)
    contact_name = models.CharField("Contact name", max_length=150, blank=True)
    contact_title = models.CharField("Contact job title", max_length=250, blank=True)
    contact_phone = models.CharField("Contact telephone", max_length=40, blank=True)
    contact_email = models.EmailField("Contact e-mail", blank=True)
    confidentiality = models.TextField("Statement of confidentiality", default="None")
    brief_summary = models.TextField("Brief summary")
    recommendations = models.TextField()
    reasons = models.TextField("Reasons for report recommendations")
    alternative_options = models.TextField("Alternative options considered and rejected")
    detail = models.TextField("Detail (including consultation carried out)")
    resource_implications = models.TextField("Resource implications")
    legal_power = models.TextField("Statutory power to undertake proposals in the report")
    legal_implications = models.TextField("Other legal implications")
    risk_implications = models.TextField("Risk management implications")
    policy_implications = models.TextField("Policy framework implications")
    key_decision = models.BooleanField("Key decision", default=False)
    wards_affected = models.CharField("Wards or communities affected", max_length=300, default="None")
    supporting_documentation = models.TextField(
        "Other supporting documentation",
        default="None",
        help_text="Documents in members' rooms and background papers. The appendices are listed for you.",
    )
    include_rag_summary = models.BooleanField("RAG summary with chart", default=False)
    include_since_last = models.BooleanField("What changed since the last meeting", default=False)
    # On unless turned off; printed only when the paper has measures (reports.papers.measures).
    include_measures = models.BooleanField("Measures that matter", default=True)
    include_measure_figures = models.BooleanField("Key performance data by month", default=True)

    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every edit, so two people editing at once cannot overwrite each other.",
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(agenda_item=""), name="paper_agenda_item_not_blank"),
            models.CheckConstraint(condition=~Q(subject=""), name="paper_subject_not_blank"),
        ]

    def __str__(self):
        return f"Agenda item {self.agenda_item}: {self.subject} – {self.meeting}"

    def get_absolute_url(self):
        return reverse("committee_paper", args=[self.meeting_id])


class PublishedPaperQuerySet(models.QuerySet):
    def listed(self):
        """For lists of papers: everything but the PDF itself, newest first."""
        return self.defer("content").select_related("created_by").order_by("-created_at", "-pk")


class PublishedPaper(models.Model):
    """One published PDF, kept as the bytes that were published.

    The bytes live in the database row (not a FileField on the default storage): a paper is
    a public record of a few hundred kilobytes at most, published a handful of times a year
    per body, so keeping it in the row costs little and means the record and its file are
    written in one transaction, backed up together, and can never drift apart (no orphaned
    file, no row whose file went missing with a container's disk). The sha256 is taken when
    it is written and served as the download's ETag and Digest.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="published_papers")
    paper = models.ForeignKey(
        CommitteePaper, on_delete=models.SET_NULL, null=True, blank=True, related_name="published"
    )
    title = models.CharField(max_length=400)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = PublishedPaperQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(sha256=""), name="published_paper_has_digest")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("published_paper_download", args=[self.pk])

    def set_content(self, content: bytes) -> None:
        self.content = content
        self.sha256 = hashlib.sha256(content).hexdigest()
        self.size = len(content)

    @property
    def filename(self) -> str:
        meeting = self.meeting
        item = slugify(self.paper.agenda_item) if self.paper else ""
        parts = [slugify(meeting.body.name), f"{meeting.date:%Y-%m-%d}"]
        if item:
            parts.append(f"agenda-item-{item}")
        parts.append(f"published-{timezone.localtime(self.created_at):%Y%m%d-%H%M}")
        return "-".join(parts) + ".pdf"
