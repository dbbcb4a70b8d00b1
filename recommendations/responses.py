"""Executive responses on time.

Scrutiny regulations expect the executive to respond to a report's recommendations within
two months (settings.TRACKER_RESPONSE_DUE_MONTHS). Each recommendation records the date its
response is due; a new one takes the default from its source's date. A response is late
when it came after that date, and missing when the decision is still pending after it.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, DateField, DurationField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from recommendations.models import Recommendation, ResponseDecision


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_response_due_date(report_date: datetime.date | None) -> datetime.date | None:
    if report_date is None:
        return None
    return add_months(report_date, settings.TRACKER_RESPONSE_DUE_MONTHS)


def report_date_of(source) -> datetime.date | None:
    """The date the recommendations were made: the source's date, else its meeting's."""
    if source.date:
        return source.date
    return source.meeting.date if source.meeting_id else None


@dataclass(frozen=True)
class ResponseLateness:
    recommendation: Recommendation
    is_missing: bool
    days_late: int

    @property
    def label(self) -> str:
        if self.is_missing:
            return f"No response, {self.days_late} day{'s' if self.days_late != 1 else ''} after it was due"
        return f"Responded {self.days_late} day{'s' if self.days_late != 1 else ''} late"


def late_or_missing(recommendations: QuerySet, *, on: datetime.date) -> QuerySet:
    """Of `recommendations`, those whose response is overdue (still pending after the due
    date) or came late, worst first: the missing ones, then by days late, most first (then by
    due date, source and position). Ordered by the database, so a page can take the worst few.
    Each is annotated `response_missing`."""
    missing = Q(response_decision=ResponseDecision.PENDING)
    # Days late, as a duration: to the day `on` while missing (a pending response has no date).
    lateness = ExpressionWrapper(
        Coalesce(F("response_date"), Value(on, output_field=DateField())) - F("response_due_date"),
        output_field=DurationField(),
    )
    return (
        recommendations.filter(response_due_date__isnull=False)
        .filter((missing & Q(response_due_date__lt=on)) | Q(response_date__gt=F("response_due_date")))
        .annotate(response_missing=Case(When(missing, then=Value(True)), default=Value(False)))
        .select_related("source")
        .order_by(F("response_missing").desc(), lateness.desc(), "response_due_date", "source__title", "position")
    )


def lateness_of(recommendation: Recommendation, *, on: datetime.date) -> ResponseLateness:
    missing = recommendation.response_decision == ResponseDecision.PENDING
    end = on if missing else recommendation.response_date
    return ResponseLateness(
        recommendation=recommendation,
        is_missing=missing,
        days_late=(end - recommendation.response_due_date).days,
    )


def late_or_missing_responses(recommendations: QuerySet, *, on: datetime.date) -> list[ResponseLateness]:
    """Every one of late_or_missing(), worst first. One query."""
    return [lateness_of(recommendation, on=on) for recommendation in late_or_missing(recommendations, on=on)]
