"""The Job: the person's side of a piece of background work (see the package's docstring)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "In progress"
    SUCCEEDED = "succeeded", "Done"
    FAILED = "failed", "Failed"

    @classmethod
    def active(cls) -> list[str]:
        return [cls.QUEUED, cls.RUNNING]


class JobQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=JobStatus.active())

    def listed(self):
        """For pages that show jobs: everything but the result's bytes, newest first."""
        return self.defer("result", "parameters").order_by("-created_at", "-pk")

    def for_user(self, user, *, is_manager: bool):
        """The jobs a person may see: their own, or every job for a manager."""
        return self if is_manager else self.filter(requested_by=user)


class Job(models.Model):
    kind = models.CharField(max_length=50)
    title = models.CharField(max_length=300, help_text="What was asked for, in words, e.g. the paper's meeting.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a scheduled job (the daily reminders).",
    )
    parameters = models.JSONField(default=dict, blank=True, help_text="Plain IDs and values, never objects.")
    key = models.CharField(
        max_length=200, help_text="Names what the job works on: while one job with a key is active, no other starts."
    )
    schedule_slot = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text="For a scheduled job, its slot (the day): queued once, by whichever worker is first.",
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    retry_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="retries")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)

    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True, help_text="Empty while not known.")
    progress_unit = models.CharField(max_length=30, blank=True, help_text='E.g. "rows", "officers e-mailed".')
    stage = models.CharField(max_length=200, blank=True, help_text="What the job is doing now, in words.")

    result = models.BinaryField(null=True, blank=True, editable=False)
    result_filename = models.CharField(max_length=200, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    result_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    result_url = models.CharField(max_length=300, blank=True, help_text="Where the result is, when it is a page.")
    result_link_text = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True, help_text="What the job did, in words.")
    back_url = models.CharField(max_length=300, blank=True, help_text="The page the job was asked for from.")
    back_text = models.CharField(max_length=200, blank=True, help_text='E.g. "Back to the committee paper".')
    failure_reason = models.TextField(blank=True)

    task_id = models.CharField(max_length=64, blank=True, help_text="The django-tasks result id of this run.")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="When the worker last reported progress.")

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="job_requester_newest")]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(status__in=JobStatus.active()), name="job_key_once_while_active"
            ),
            models.CheckConstraint(condition=~Q(key=""), name="job_has_key"),
            models.CheckConstraint(
                condition=~Q(status=JobStatus.FAILED) | ~Q(failure_reason=""), name="job_failure_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("job_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in JobStatus.active()

    @property
    def has_file(self) -> bool:
        return self.status == JobStatus.SUCCEEDED and bool(self.result_filename)

    @property
    def progress_percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def progress_text(self) -> str:
        """E.g. "12,000 of 20,000 rows", or "" while the total is not known."""
        if not self.progress_total:
            return ""
        unit = f" {self.progress_unit}" if self.progress_unit else ""
        return f"{self.progress_done:,} of {self.progress_total:,}{unit}"
