"""A body's monitoring list for one of its meetings, worked out from the history.

The list at meeting M holds what the body itself asked for, as in seed 002's tracker:
every recommendation of a source the body made (a sub-item stands for its parent), and
every action agreed with no recommendation in a plan of the body's own minutes; made on
or before M's date; less those a decision at an earlier meeting of the body took off
the list. Each item's state is
what its actions' updates said by the end of M's day. Everything used is dated and
kept (updates, decisions), so the list of a past meeting comes out the same however
the tracker has moved on since.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from actionplans.meetings.models import MonitoringDecision, SignOffDecision
from actionplans.meetings.signoff import ALLOWED_DECISIONS, ItemState, decision_error, item_state
from actionplans.plans.models import Action, ProgressUpdate
from partners.models import Meeting, Person
from recommendations.models import Recommendation, ResponseDecision, Source


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


@dataclass
class ListItem:
    key: str
    recommendation: Recommendation | None
    actions: list[Action]
    state: ItemState
    action_taken: list[str]
    last_update_at: datetime.datetime | None
    decision: MonitoringDecision | None = None

    @property
    def source(self) -> Source | None:
        return self.recommendation.source if self.recommendation else None

    @property
    def made_on(self) -> datetime.date | None:
        source = self.source
        if source is None:
            return timezone.localdate(self.actions[0].created_at) if self.actions else None
        return source.meeting.date if source.meeting_id else source.date

    @property
    def proposed(self) -> str:
        if self.recommendation:
            return self.recommendation.text
        return self.actions[0].description

    @property
    def allowed_decisions(self) -> tuple[SignOffDecision, ...]:
        return ALLOWED_DECISIONS[self.state]

    @property
    def sort_key(self):
        recommendation = self.recommendation
        return (
            self.made_on or datetime.date.min,
            self.source.pk if self.source else 0,  # the order the papers were tabled in
            recommendation.position if recommendation else 0,
            self.actions[0].position if self.actions else 0,
        )


@dataclass
class ItemGroup:
    made_on: datetime.date | None
    title: str
    items: list[ListItem] = field(default_factory=list)


@dataclass
class MonitoringList:
    meeting: Meeting
    previous_meeting: Meeting | None
    items: list[ListItem]

    @property
    def groups(self) -> list[ItemGroup]:
        groups: dict[tuple, ItemGroup] = {}
        for item in self.items:
            title = item.source.title if item.source else "Agreed at meetings, with no recommendation"
            key = (item.made_on, title)
            groups.setdefault(key, ItemGroup(made_on=item.made_on, title=title)).items.append(item)
        return list(groups.values())

    def item(self, key: str) -> ListItem | None:
        return next((item for item in self.items if item.key == key), None)


def monitoring_list(meeting: Meeting) -> MonitoringList:
    """Queries: 1 previous meeting, 1 recommendations, 1 actions, 1 earlier removing decisions,
    1 updates up to the meeting, 1 decisions at this meeting; 1 more for the parents of
    sub-items, when there are any."""
    body = meeting.body
    end = end_of_day(meeting.date)
    previous = Meeting.objects.filter(body=body, date__lt=meeting.date).order_by("-date").first()

    # What the body asked for: recommendations of sources it made (sub-items stand for
    # their parents), and actions agreed with no recommendation in plans of its minutes.
    made_by_then = Q(source__date__lte=meeting.date) | Q(source__meeting__date__lte=meeting.date)
    recommendations = {
        r.pk: r
        for r in Recommendation.objects.filter(made_by_then, source__made_by=body, children__isnull=True)
        .select_related("source__meeting")
        .distinct()
    }
    actions = list(
        Action.objects.filter(
            Q(recommendation__in=list(recommendations))
            | Q(recommendation__isnull=True, plan__sources__made_by=body, created_at__lte=end)
        )
        .select_related("plan", "lead", "recommendation__source__meeting")
        .distinct()
        .order_by("plan__title", "position")
    )
    removed = set(
        MonitoringDecision.objects.filter(
            meeting__body=body, meeting__date__lt=meeting.date, decision__in=SignOffDecision.removing()
        ).values_list("recommendation_id", "action_id")
    )
    removed_recommendations = {rec for rec, _action in removed if rec}
    removed_actions = {action for _rec, action in removed if action}

    latest: dict[int, dict] = {}
    for row in (
        ProgressUpdate.objects.filter(action__in=[a.pk for a in actions], reported_at__lte=end)
        .order_by("action_id", "reported_at", "pk")
        .values("action_id", "status", "narrative", "reported_at")
    ):
        latest[row["action_id"]] = row

    by_recommendation: dict[int, list[Action]] = defaultdict(list)
    items: list[ListItem] = []
    for action in actions:
        if action.recommendation_id:
            by_recommendation[action.recommendation_id].append(action)
        elif action.pk not in removed_actions:
            items.append(_item(f"a{action.pk}", None, [action], latest, rejected=False))
    for pk, recommendation in recommendations.items():
        if pk in removed_recommendations:
            continue
        items.append(
            _item(
                f"r{pk}",
                recommendation,
                by_recommendation.get(pk, []),
                latest,
                rejected=recommendation.response_decision == ResponseDecision.REJECTED,
            )
        )
    items.sort(key=lambda item: item.sort_key)
    _prime_parent_labels([item.recommendation for item in items if item.recommendation])

    decisions = MonitoringDecision.objects.filter(meeting=meeting).select_related("recorded_by")
    by_key = {(f"r{d.recommendation_id}" if d.recommendation_id else f"a{d.action_id}"): d for d in decisions}
    for item in items:
        item.decision = by_key.get(item.key)
    return MonitoringList(meeting=meeting, previous_meeting=previous, items=items)


def _prime_parent_labels(recommendations: list[Recommendation]) -> None:
    """Fetch, in one query, the parents that sub-items' full labels ("c) ii)") walk up to,
    so that Recommendation.full_label stays the one rule and costs no query per item."""
    sources = {r.source_id for r in recommendations if r.parent_id}
    if not sources:
        return
    by_pk = {r.pk: r for r in Recommendation.objects.filter(source_id__in=sources).only("pk", "parent", "label")}
    for node in recommendations:
        while node.parent_id and node.parent_id in by_pk:
            node.parent = by_pk[node.parent_id]
            node = node.parent


def _item(key, recommendation, actions, latest, *, rejected) -> ListItem:
    rows = [latest.get(action.pk) for action in actions]
    return ListItem(
        key=key,
        recommendation=recommendation,
        actions=actions,
        state=item_state(action_statuses=[row["status"] if row else None for row in rows], rejected=rejected),
        action_taken=[row["narrative"] for row in rows if row],
        last_update_at=max((row["reported_at"] for row in rows if row), default=None),
    )


class DecisionsInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("Some decisions cannot be recorded.")
        self.errors = errors


def decisions_record(*, meeting: Meeting, decisions: dict[str, tuple[str, str]], by: Person | None) -> int:
    """Record the body's decisions at a meeting: item key -> (decision, comment). An empty
    decision leaves the item without one (and removes one recorded before). All or nothing:
    DecisionsInvalid (item key -> message) if any breaks the sign-off rules."""
    current = monitoring_list(meeting)
    errors: dict[str, str] = {}
    for key, (decision, comment) in decisions.items():
        item = current.item(key)
        if item is None:
            errors[key] = "This item is not on the meeting's list"
        elif decision and (message := decision_error(state=item.state, decision=decision, comment=comment)):
            errors[key] = message
    if errors:
        raise DecisionsInvalid(errors)
    written = 0
    with transaction.atomic():
        for key, (decision, comment) in decisions.items():
            item = current.item(key)
            target = {"recommendation": item.recommendation} if item.recommendation else {"action": item.actions[0]}
            existing = item.decision
            if not decision:
                if existing:
                    existing.delete()
                    written += 1
                continue
            if existing and existing.decision == decision and existing.comment == comment.strip():
                continue
            record = existing or MonitoringDecision(meeting=meeting, **target)
            record.decision = decision
            record.comment = comment.strip()
            record.recorded_by = by
            record.recorded_at = timezone.now()
            record.full_clean()
            record.save()
            written += 1
    return written
