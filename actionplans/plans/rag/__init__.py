"""The RAG rules: one place that decides what colour an action or a measure shows.

This module holds the rules for actions; `measures.py` beside it holds the rules for measures
(tolerance around a target, threshold bands, direction of travel, the share on each colour),
and its public names are imported here too, so `from actionplans.plans.rag import ...` reaches
every rule.

Blue = complete, Green = on track, Amber = at risk, Red = off track.

* A complete action is Blue, even if it finished late.
* An open action past its target date is overdue and shows Red, whatever was
  last reported. Due today is not yet overdue.
* Otherwise the action shows the RAG of its newest progress update, or none at
  all ("not yet reported") if nobody has reported on it.
* Separately, an open action whose newest update is older than the reporting
  cycle (settings.TRACKER_REPORTING_CYCLE_DAYS, default 90) is "update due";
  one never reported on is "not yet reported".
* An open action is "due soon" from the day its target date is
  settings.TRACKER_DUE_SOON_DAYS (default 30) away up to and including the
  target date itself; once that has passed it is overdue instead. The daily
  reminders apply the same rule with their own, shorter, lead time
  (settings.TRACKER_REMINDER_DUE_SOON_DAYS).

`assess()` applies the rules to one action in Python; `rag_annotations()` builds
the same rules as database expressions so tables can filter, sort and count by
them without loading rows. A test proves the two always agree; likewise
`is_due_soon()` and `due_soon_condition()`. Both read the newest update from the
action itself, where it is kept (see actionplans.plans.models.refresh_latest_updates
and `manage.py check_latest_updates`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from actionplans.kernel import clock


class Rag(models.TextChoices):
    BLUE = "blue", "Blue"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"

    @property
    def meaning(self) -> str:
        return RAG_MEANINGS[self]

    @property
    def severity(self) -> int:
        """Higher is worse; used to sort the worst first."""
        return RAG_SEVERITY[self]


RAG_MEANINGS = {
    Rag.BLUE: "Complete",
    Rag.GREEN: "On track",
    Rag.AMBER: "At risk",
    Rag.RED: "Off track",
}
RAG_SEVERITY = {Rag.BLUE: 0, Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}
NOT_REPORTED_SEVERITY = 4  # an unreported action is sorted as the most in need of attention


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    PARTIALLY_COMPLETE = "partially_complete", "Partially complete"
    COMPLETE = "complete", "Complete"


def reporting_cycle_days() -> int:
    return settings.TRACKER_REPORTING_CYCLE_DAYS


def due_soon_days() -> int:
    return settings.TRACKER_DUE_SOON_DAYS


def is_due_soon(
    target_date: datetime.date | None,
    on: datetime.date | None = None,
    *,
    is_complete: bool = False,
    days: int | None = None,
) -> bool:
    """Whether an action is due soon as at `on`: not complete, with a target date from `on`
    (due today is not yet overdue) to `days` (default due_soon_days()) after it."""
    if is_complete or target_date is None:
        return False
    on = on or clock.today()
    days = due_soon_days() if days is None else days
    return on <= target_date <= on + datetime.timedelta(days=days)


def due_soon_condition(*, on: datetime.date | None = None, days: int | None = None) -> Q:
    """is_due_soon() as a condition on an Action queryset with the with_rag() annotations."""
    on = on or clock.today()
    days = due_soon_days() if days is None else days
    return Q(is_complete=False, target_date__gte=on, target_date__lte=on + datetime.timedelta(days=days))


@dataclass(frozen=True)
class Assessment:
    """What the rules say about one action on one day."""

    rag: Rag | None
    reported_rag: Rag | None
    is_complete: bool
    is_overdue: bool
    is_update_due: bool
    is_not_yet_reported: bool

    @property
    def label(self) -> str:
        return rag_label(self.rag)

    @property
    def css_class(self) -> str:
        return rag_css_class(self.rag)


NOT_REPORTED_LABEL = "Not yet reported"


def rag_label(rag: Rag | str | None) -> str:
    """The RAG as words, e.g. "Red: Off track"; an action with none is "Not yet reported"."""
    if not rag:
        return NOT_REPORTED_LABEL
    rag = Rag(rag)
    return f"{rag.label}: {rag.meaning}"


def status_label(status: str | None) -> str:
    """An action's status in words: its newest update's, or "Not started" if nobody has
    reported on it. The one rule the tracker page, the exports and the update sheets show."""
    return ActionStatus(status).label if status else ActionStatus.NOT_STARTED.label


def rag_css_class(rag: Rag | str | None) -> str:
    return f"rag--{Rag(rag).value}" if rag else "rag--none"


# The tag of each RAG ("" for not yet reported), made once: tables show one in every row.
_RAG_TAGS = {
    key: format_html('<strong class="govuk-tag rag {}">{}</strong>', rag_css_class(key), rag_label(key))
    for key in [*Rag.values, ""]
}


def rag_tag_html(rag: Rag | str | None) -> SafeString:
    """The RAG as a coloured GOV.UK tag with its words, so colour is never the only sign."""
    return _RAG_TAGS[Rag(rag).value if rag else ""]


def assess(
    *,
    status: str | None,
    reported_rag: str | None,
    target_date: datetime.date | None,
    last_update_at: datetime.datetime | None,
    on: datetime.date | None = None,
    cycle_days: int | None = None,
) -> Assessment:
    """Apply the RAG rules to an action's current state as at the date `on`."""
    on = on or clock.today()
    cycle_days = reporting_cycle_days() if cycle_days is None else cycle_days
    is_complete = status == ActionStatus.COMPLETE
    is_overdue = not is_complete and target_date is not None and target_date < on
    is_not_yet_reported = last_update_at is None
    is_update_due = (
        not is_complete
        and not is_not_yet_reported
        and timezone.localdate(last_update_at) < on - datetime.timedelta(days=cycle_days)
    )
    reported = Rag(reported_rag) if reported_rag else None
    if is_complete:
        rag = Rag.BLUE
    elif is_overdue:
        rag = Rag.RED
    else:
        rag = reported
    return Assessment(
        rag=rag,
        reported_rag=reported,
        is_complete=is_complete,
        is_overdue=is_overdue,
        is_update_due=is_update_due,
        is_not_yet_reported=is_not_yet_reported,
    )


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def rag_annotations(*, on: datetime.date | None = None, cycle_days: int | None = None) -> dict:
    """Database expressions for the same rules, keyed by annotation name.

    Applied in order to an Action queryset, they read the action's own columns: its target date
    and its newest update's `latest_status`, `latest_rag` and `last_update_at`, which the action
    keeps (actionplans.plans.models.refresh_latest_updates), so no row costs a subquery.
    `is_complete`, `is_overdue`, `is_not_yet_reported`, `is_update_due`, `effective_rag` and
    `rag_severity` follow from them.
    """
    on = on or clock.today()
    cycle_days = reporting_cycle_days() if cycle_days is None else cycle_days
    stale_before = _start_of_day(on - datetime.timedelta(days=cycle_days))
    # Rules below test the non-null is_complete, never "NOT latest_status = complete":
    # for an action with no update that comparison is NULL, and NOT NULL is not true.
    open_action = Q(is_complete=False)
    overdue = open_action & Q(target_date__lt=on)
    return {
        "is_complete": _flag(Q(latest_status=ActionStatus.COMPLETE)),
        "is_overdue": _flag(overdue),
        "is_not_yet_reported": _flag(Q(last_update_at__isnull=True)),
        "is_update_due": _flag(open_action & Q(last_update_at__lt=stale_before)),
        "effective_rag": Case(
            When(is_complete=True, then=Value(Rag.BLUE.value)),
            When(overdue, then=Value(Rag.RED.value)),
            default=F("latest_rag"),
            output_field=models.CharField(),
        ),
        "rag_severity": Case(
            *[When(effective_rag=rag.value, then=Value(rag.severity)) for rag in Rag],
            default=Value(NOT_REPORTED_SEVERITY),
            output_field=models.IntegerField(),
        ),
    }


# Not complete, as a condition on an action's kept newest status (NULL, never reported, is
# open): so written in count_conditions() and in the partial indexes of open actions
# (Action.Meta.indexes), which a database uses only for a query that says the same.
OPEN_ACTION = ~Q(latest_status=ActionStatus.COMPLETE)


def count_conditions(*, on: datetime.date | None = None, cycle_days: int | None = None) -> dict[str, Q]:
    """The same rules as one condition per figure a count shows, on the action's own columns:
    keyed by RAG value ("" for not yet reported), "overdue" and "update_due".

    For counting (COUNT ... FILTER (WHERE condition)): each is a comparison or three of stored
    columns, where a filter on rag_annotations()' effective_rag makes the database work its
    nested CASE out again for every count of every row, which over thousands of actions is most
    of a count's time. They lean on what the database guarantees of the kept newest update
    (the action_latest_update_valid constraint): reported Blue if and only if complete, and no
    RAG if no status. Negations are Django's, so a NULL column (no update, no target date) is
    handled as the annotations handle it. A test proves the two agree for every combination."""
    on = on or clock.today()
    cycle_days = reporting_cycle_days() if cycle_days is None else cycle_days
    open_action = OPEN_ACTION
    overdue = open_action & Q(target_date__lt=on)
    not_overdue = ~Q(target_date__lt=on)  # for a reported RAG other than Blue: open, so just the date
    stale_before = _start_of_day(on - datetime.timedelta(days=cycle_days))
    return {
        Rag.BLUE.value: Q(latest_status=ActionStatus.COMPLETE),
        Rag.GREEN.value: Q(latest_rag=Rag.GREEN) & not_overdue,
        Rag.AMBER.value: Q(latest_rag=Rag.AMBER) & not_overdue,
        Rag.RED.value: Q(latest_rag=Rag.RED) | overdue,
        "": Q(latest_rag__isnull=True) & not_overdue,
        "overdue": overdue,
        "update_due": open_action & Q(last_update_at__lt=stale_before),
    }


def _flag(condition: Q) -> Case:
    """True where the condition holds, else False: never NULL."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=models.BooleanField())


def assessment_from_annotations(action) -> Assessment:
    """The Assessment of an action carrying the rag_annotations(): what the database decided,
    so a row shows exactly what its table filtered, sorted and counted by."""
    return Assessment(
        rag=Rag(action.effective_rag) if action.effective_rag else None,
        reported_rag=Rag(action.latest_rag) if action.latest_rag else None,
        is_complete=action.is_complete,
        is_overdue=action.is_overdue,
        is_update_due=action.is_update_due,
        is_not_yet_reported=action.is_not_yet_reported,
    )


# The rules for measures, at the end: they build on Rag above.
from actionplans.plans.rag.measures import (  # noqa: E402
    DEFAULT_AMBER_TOLERANCE,
    DEFAULT_GREEN_TOLERANCE,
    MEASURE_RAG_MEANINGS,
    Direction,
    MeasureAssessment,
    NoRag,
    RagRule,
    RagShare,
    RagSummary,
    Travel,
    assess_measure,
    band_rag,
    direction_of_travel,
    measure_rag_label,
    rag_summary,
    tolerance_rag,
)

__all__ = [
    "DEFAULT_AMBER_TOLERANCE",
    "DEFAULT_GREEN_TOLERANCE",
    "MEASURE_RAG_MEANINGS",
    "NOT_REPORTED_LABEL",
    "NOT_REPORTED_SEVERITY",
    "RAG_MEANINGS",
    "RAG_SEVERITY",
    "ActionStatus",
    "Assessment",
    "Direction",
    "MeasureAssessment",
    "NoRag",
    "Rag",
    "RagRule",
    "RagShare",
    "RagSummary",
    "Travel",
    "assess",
    "assess_measure",
    "assessment_from_annotations",
    "band_rag",
    "direction_of_travel",
    "due_soon_condition",
    "due_soon_days",
    "is_due_soon",
    "measure_rag_label",
    "rag_annotations",
    "rag_css_class",
    "rag_label",
    "rag_summary",
    "reporting_cycle_days",
    "tolerance_rag",
]
