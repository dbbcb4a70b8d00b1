"""What changed for a body between its previous meeting and this one.

The actions in view are those of the plans the body owns and those answering what the body
itself asked for (its sources' recommendations, its minutes' actions). The window runs from
the end of the previous meeting's day to the end of this meeting's day; every "as at" uses
the same history as the dashboard's RAG over time (actionplans.plans.timeline), so an update
reported after this meeting never changes what this report says about it.

Sections:
* new updates: progress reported in the window;
* moved worse / moved better: the RAG the rules give at this meeting against the previous one;
* newly overdue: overdue now, not at the previous meeting;
* target dates moved: revisions made in the window;
* awaiting sign-off: items on this meeting's monitoring list reported complete and not yet
  accepted by the body;
* escalations: Red or overdue at both meetings, two meetings running.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.formats import date_format

from actionplans.meetings.lists import end_of_day, monitoring_list
from actionplans.meetings.models import SignOffDecision
from actionplans.meetings.signoff import ItemState
from actionplans.plans.models import Action, ProgressUpdate, TargetDateRevision
from actionplans.plans.rag import Assessment, Rag, rag_label
from actionplans.plans.timeline import ActionHistory, load_histories
from partners.models import Meeting


@dataclass(frozen=True)
class ChangeRow:
    action: Action
    summary: str


@dataclass
class SinceLastMeeting:
    meeting: Meeting
    previous_meeting: Meeting | None
    new_updates: list[ChangeRow] = field(default_factory=list)
    moved_worse: list[ChangeRow] = field(default_factory=list)
    moved_better: list[ChangeRow] = field(default_factory=list)
    newly_overdue: list[ChangeRow] = field(default_factory=list)
    targets_moved: list[ChangeRow] = field(default_factory=list)
    awaiting_signoff: list[ChangeRow] = field(default_factory=list)
    escalations: list[ChangeRow] = field(default_factory=list)

    SECTIONS = (
        ("escalations", "Red or overdue for two meetings running"),
        ("moved_worse", "RAG moved worse"),
        ("newly_overdue", "Newly overdue"),
        ("targets_moved", "Target dates moved"),
        ("awaiting_signoff", "Completed and awaiting the panel's sign-off"),
        ("moved_better", "RAG moved better"),
        ("new_updates", "New progress updates"),
    )

    @property
    def sections(self) -> list[tuple[str, str, list[ChangeRow]]]:
        return [(key, title, getattr(self, key)) for key, title in self.SECTIONS]

    @property
    def since_label(self) -> str:
        if self.previous_meeting is None:
            return "since the tracker began (this is the body's first meeting in the tracker)"
        return f"since the meeting of {date_format(self.previous_meeting.date)}"


def _severity(assessment: Assessment | None) -> int | None:
    return assessment.rag.severity if assessment and assessment.rag else None


def _is_red_or_overdue(assessment: Assessment | None) -> bool:
    return bool(assessment and (assessment.rag == Rag.RED or assessment.is_overdue))


def actions_before_body(meeting: Meeting) -> QuerySet:
    body = meeting.body
    return Action.objects.filter(
        Q(plan__owning_body=body)
        | Q(recommendation__source__made_by=body)
        | Q(recommendation__isnull=True, plan__sources__made_by=body)
    ).distinct()


def since_last_meeting(meeting: Meeting, *, actions: QuerySet | None = None) -> SinceLastMeeting:
    """`actions` narrows the scope (to what the viewer may read); by default, everything
    before the body. Queries: 1 previous meeting, 1 actions, 3 their history, 1 updates in
    the window, 1 revisions in the window, and the monitoring list's own."""
    previous = Meeting.objects.filter(body=meeting.body, date__lt=meeting.date).order_by("-date").first()
    end = end_of_day(meeting.date)
    start = end_of_day(previous.date) if previous else None
    scope = actions_before_body(meeting).filter(created_at__lte=end)
    if actions is not None:
        scope = scope.filter(pk__in=actions.values("pk"))
    in_view = {action.pk: action for action in scope.select_related("plan", "lead")}
    histories: dict[int, ActionHistory] = {
        history.action_id: history for history in load_histories(Action.objects.filter(pk__in=list(in_view)))
    }
    report = SinceLastMeeting(meeting=meeting, previous_meeting=previous)
    in_window = Q(reported_at__lte=end) & (Q(reported_at__gt=start) if start else Q())
    updates_by_action: dict[int, list[ProgressUpdate]] = {}
    for update in ProgressUpdate.objects.filter(in_window, action__in=list(in_view)).order_by("reported_at", "pk"):
        updates_by_action.setdefault(update.action_id, []).append(update)
    revisions = TargetDateRevision.objects.filter(action__in=list(in_view), revised_at__lte=end)
    if start:
        revisions = revisions.filter(revised_at__gt=start)

    for pk, action in sorted(in_view.items(), key=lambda item: (item[1].plan.title, item[1].position)):
        history = histories[pk]
        after = history.assessment_on(meeting.date)
        before = history.assessment_on(previous.date) if previous else None
        if updates := updates_by_action.get(pk):
            latest = updates[-1]
            count = f"{len(updates)} updates; latest" if len(updates) > 1 else "Update"
            on = date_format(latest.reported_at, "SHORT_DATE_FORMAT")
            report.new_updates.append(
                ChangeRow(action, f"{count} on {on}: {rag_label(latest.rag)}. {latest.narrative}")
            )
        was, now = _severity(before), _severity(after)
        if was is not None and now is not None and was != now:
            row = ChangeRow(action, f"{rag_label(before.rag)} → {rag_label(after.rag)}")
            (report.moved_worse if now > was else report.moved_better).append(row)
        if after and after.is_overdue and not (before and before.is_overdue):
            target = date_format(history.target_date_on(meeting.date), "SHORT_DATE_FORMAT")
            report.newly_overdue.append(ChangeRow(action, f"Target date {target} has passed"))
        if previous and _is_red_or_overdue(before) and _is_red_or_overdue(after):
            report.escalations.append(ChangeRow(action, f"{rag_label(after.rag)} at both meetings"))
    for revision in revisions.order_by("revised_at", "pk"):
        previous_date = (
            date_format(revision.previous_date, "SHORT_DATE_FORMAT") if revision.previous_date else "no date"
        )
        new_date = date_format(revision.new_date, "SHORT_DATE_FORMAT")
        report.targets_moved.append(
            ChangeRow(
                in_view[revision.action_id], f"Target moved from {previous_date} to {new_date}: {revision.reason}"
            )
        )
    for item in monitoring_list(meeting).items:
        accepted = item.decision and item.decision.decision == SignOffDecision.ACCEPTED_COMPLETE
        shown = [in_view[action.pk] for action in item.actions if action.pk in in_view]  # with their leads
        if item.state == ItemState.COMPLETE and not accepted and shown:
            label = item.recommendation.full_label if item.recommendation else ""
            report.awaiting_signoff.append(
                ChangeRow(shown[0], f"{label} reported complete; the panel has not yet accepted it".strip())
            )
    return report
