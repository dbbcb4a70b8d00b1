"""A body's monitoring list for one of its meetings, worked out from the history.

The list at meeting M holds what the body itself asked for, as in seed 002's tracker:
every recommendation of a source the body made (a sub-item stands for its parent), and
every action agreed with no recommendation in a plan of the body's own minutes; made
before M's day (what M itself makes first comes to the next meeting: a list holds what
was before the meeting, not what came out of it); less those a decision at an earlier
meeting of the body took off the list. Each item's state is
what its actions' updates said by the end of M's day. Everything used is dated and
kept (updates, decisions), so the list of a past meeting comes out the same however
the tracker has moved on since.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.utils import timezone

from actionplans.meetings.models import MonitoringDecision, SignOffDecision
from actionplans.meetings.signoff import ALLOWED_DECISIONS, ItemState, decision_error, decision_note, item_state
from actionplans.plans.models import Action, Plan, ProgressUpdate
from partners.models import Meeting, Person
from recommendations.models import Recommendation, ResponseDecision, Source


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# The monitoring page shows the list this many items at a time; papers and extracts show all of it.
ITEMS_PER_PAGE = 50
NO_RECOMMENDATION_TITLE = "Agreed at meetings, with no recommendation"


@dataclass
class ListItem:
    key: str
    recommendation: Recommendation | None
    actions: list[Action]
    state: ItemState
    action_taken: list[str]
    last_update_at: datetime.datetime | None
    decision: MonitoringDecision | None = None
    # The body's latest decision on it at an earlier meeting: one that kept it on the list.
    previous_decision: MonitoringDecision | None = None
    number: int = 0  # its place on the whole list, from 1

    @property
    def previous_note(self) -> str:
        """Why it is back: "Not accepted as complete on 4 November 2021: …" ("" if never decided)."""
        d = self.previous_decision
        return decision_note(decision=d.decision, comment=d.comment, on=d.meeting.date) if d else ""

    @property
    def reported_note(self) -> str:
        """When a rejected recommendation was reported to the body, if at this meeting ("" if not)."""
        d = self.decision
        if d is None or d.decision != SignOffDecision.REJECTION_REPORTED:
            return ""
        return decision_note(decision=d.decision, comment=d.comment, on=d.meeting.date)

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


@dataclass
class ItemGroup:
    made_on: datetime.date | None
    title: str
    items: list[ListItem] = field(default_factory=list)
    continued: bool = False  # its first items are on the page before


@dataclass
class MonitoringList:
    meeting: Meeting
    previous_meeting: Meeting | None
    items: list[ListItem]

    @property
    def groups(self) -> list[ItemGroup]:
        groups: dict[tuple, ItemGroup] = {}
        for item in self.items:
            title = item.source.title if item.source else NO_RECOMMENDATION_TITLE
            key = (item.made_on, title)
            groups.setdefault(key, ItemGroup(made_on=item.made_on, title=title)).items.append(item)
        return list(groups.values())

    def item(self, key: str) -> ListItem | None:
        return next((item for item in self.items if item.key == key), None)


def monitoring_list(meeting: Meeting) -> MonitoringList:
    """The whole list, for the papers and extracts. Queries: those of _entries (4) and of _items (3 or 4)."""
    previous, entries = _entries(meeting)
    return MonitoringList(meeting=meeting, previous_meeting=previous, items=_items(meeting, entries))


@dataclass
class MonitoringPage:
    """One page of the list: its items, and where it is among the pages."""

    listing: MonitoringList  # this page's items only
    page: Page  # of the whole list's entries
    page_range: list
    continued: bool  # the page starts part-way through a group

    @property
    def groups(self) -> list[ItemGroup]:
        groups = self.listing.groups
        if groups and self.continued:
            groups[0].continued = True
        return groups

    @property
    def count(self) -> int:
        return self.page.paginator.count


def monitoring_page(meeting: Meeting, number, *, per_page: int | None = None) -> MonitoringPage:
    """Page `number` of the list (as an address gives it: anything but a page number is the
    first page, a number past the end the last). The whole list is placed and paged from a few
    columns of each row; only the page's items fetch what they show. Queries: as monitoring_list."""
    previous, entries = _entries(meeting)
    paginator = Paginator(entries, per_page or ITEMS_PER_PAGE)
    page = paginator.get_page(number)
    start = page.start_index() - 1 if entries else 0
    continued = start > 0 and entries[start - 1].group == entries[start].group
    return MonitoringPage(
        listing=MonitoringList(
            meeting=meeting, previous_meeting=previous, items=_items(meeting, page.object_list, first=start + 1)
        ),
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        continued=continued,
    )


@dataclass(frozen=True)
class _Entry:
    """An item placed on the list, before the objects it shows are fetched: what it is, where
    it goes, and its state, all worked out from a few columns of each row."""

    key: str
    recommendation_id: int | None
    action_ids: tuple[int, ...]
    group: tuple[datetime.date | None, str]  # made on, and the title of what made it
    sort_key: tuple
    state: ItemState


def _newest_update_by(end: datetime.datetime):
    """An action's newest update reported by `end` (newest by time, then id), for a Subquery
    on an Action queryset: one lookup in the index of each action's updates."""
    return ProgressUpdate.objects.filter(action=OuterRef("pk"), reported_at__lte=end).order_by("-reported_at", "-pk")


def _entries(meeting: Meeting) -> tuple[Meeting | None, list[_Entry]]:
    """The meeting before this one of the body, and the list's items in order. Queries:
    1 previous meeting, 1 recommendations, 1 actions with their status by the end of the
    meeting's day, 1 earlier removing decisions. Columns, not objects: the whole list is
    placed for any page of it."""
    body = meeting.body
    end = end_of_day(meeting.date)
    previous = Meeting.objects.filter(body=body, date__lt=meeting.date).order_by("-date").first()

    # What the body asked for: recommendations of sources it made (sub-items stand for
    # their parents), and actions agreed with no recommendation in plans of its minutes.
    # Made before the meeting's day: a paper dated that day, or tabled at that meeting, was made at it.
    sources = Source.objects.filter(made_by=body).filter(
        Q(meeting__date__lt=meeting.date) | Q(meeting__isnull=True, date__lt=meeting.date)
    )
    asked_for = Recommendation.objects.filter(source__in=sources.values("pk")).exclude(
        Exists(Recommendation.objects.filter(parent=OuterRef("pk")))
    )
    recommendations = asked_for.values_list(
        "pk", "source_id", "position", "response_decision", "source__title", "source__date", "source__meeting__date"
    )
    # Two queries' rows together (UNION ALL), each finding its actions through an index, not
    # one query with OR, which reads every action; the body's plans as a subquery, not a join
    # through plan-to-source links, which repeats each action once per source of its plan.
    # Only an action agreed without a recommendation needs its creation time (its item's date).
    status_then = Subquery(_newest_update_by(end).values("status")[:1])
    columns = ("pk", "recommendation_id", "position", "made", "status_then", "plan__title")
    answering = Action.objects.filter(recommendation__in=asked_for.values("pk")).annotate(
        made=Value(None, output_field=models.DateTimeField()), status_then=status_then
    )
    agreed = Action.objects.filter(
        recommendation__isnull=True,
        plan__in=Plan.objects.filter(sources__made_by=body).values("pk"),
        created_at__lt=start_of_day(meeting.date),
    ).annotate(made=F("created_at"), status_then=status_then)
    actions = (
        answering.order_by()
        .values_list(*columns)
        .union(agreed.order_by().values_list(*columns), all=True)
        .order_by("plan__title", "position")
    )
    removed = set(
        MonitoringDecision.objects.filter(
            meeting__body=body, meeting__date__lt=meeting.date, decision__in=SignOffDecision.removing()
        ).values_list("recommendation_id", "action_id")
    )
    removed_recommendations = {rec for rec, _action in removed if rec}
    removed_actions = {action for _rec, action in removed if action}

    by_recommendation: dict[int, list[tuple[int, str | None]]] = defaultdict(list)  # (action, status)
    first_position: dict[int, int] = {}  # of each recommendation's actions, in the order above
    entries: list[_Entry] = []
    for pk, recommendation_id, position, created_at, status, _plan in actions:
        if recommendation_id:
            by_recommendation[recommendation_id].append((pk, status))
            first_position.setdefault(recommendation_id, position)
        elif pk not in removed_actions:
            made_on = timezone.localdate(created_at)
            entries.append(
                _Entry(
                    key=f"a{pk}",
                    recommendation_id=None,
                    action_ids=(pk,),
                    group=(made_on, NO_RECOMMENDATION_TITLE),
                    sort_key=(made_on, 0, 0, position),
                    state=item_state(action_statuses=[status], rejected=False),
                )
            )
    for pk, source_id, position, response, title, source_date, meeting_date in recommendations:
        if pk in removed_recommendations:
            continue
        made_on = meeting_date or source_date
        answers = by_recommendation.get(pk, [])
        entries.append(
            _Entry(
                key=f"r{pk}",
                recommendation_id=pk,
                action_ids=tuple(action for action, _status in answers),
                group=(made_on, title),
                # the order the papers were tabled in; then as printed
                sort_key=(made_on or datetime.date.min, source_id, position, first_position.get(pk, 0)),
                state=item_state(
                    action_statuses=[status for _action, status in answers],
                    rejected=response == ResponseDecision.REJECTED,
                ),
            )
        )
    entries.sort(key=lambda entry: entry.sort_key)
    return previous, entries


def _items(meeting: Meeting, entries: list[_Entry], *, first: int = 1) -> list[ListItem]:
    """The entries as list items, with the objects they show, numbered from `first`. Queries:
    1 recommendations with source and meeting, 1 actions with plan and what their newest
    update by the end of the meeting's day said, 1 decisions on them at this meeting and the
    body's earlier ones; 1 parents of sub-items, when there are any."""
    newest = _newest_update_by(end_of_day(meeting.date))
    recommendations = Recommendation.objects.select_related("source__meeting").in_bulk(
        [entry.recommendation_id for entry in entries if entry.recommendation_id]
    )
    actions = (
        Action.objects.select_related("plan")
        .annotate(
            taken_then=Subquery(newest.values("narrative")[:1]),
            reported_then=Subquery(newest.values("reported_at")[:1]),
        )
        .in_bulk([pk for entry in entries for pk in entry.action_ids])
    )
    # This meeting's decisions and the earlier ones that kept items on the list, in one query:
    # an item on the list was taken off by none before, so its earlier decisions all kept it.
    decisions = MonitoringDecision.objects.filter(
        meeting__body=meeting.body_id, meeting__date__lte=meeting.date
    ).filter(
        Q(recommendation__in=[entry.recommendation_id for entry in entries if entry.recommendation_id])
        | Q(action__in=[entry.action_ids[0] for entry in entries if not entry.recommendation_id])
    )
    by_key: dict[str, MonitoringDecision] = {}
    previous_by_key: dict[str, MonitoringDecision] = {}
    for d in decisions.select_related("recorded_by", "meeting").order_by("meeting__date", "pk"):
        key = f"r{d.recommendation_id}" if d.recommendation_id else f"a{d.action_id}"
        if d.meeting_id == meeting.pk:
            by_key[key] = d
        elif d.meeting.date < meeting.date:  # the latest earlier one wins
            previous_by_key[key] = d
    items = []
    for number, entry in enumerate(entries, start=first):
        recommendation = recommendations.get(entry.recommendation_id)
        item_actions = [actions[pk] for pk in entry.action_ids]
        for action in item_actions:  # the recommendation above, not a copy of it per action
            action.recommendation = recommendation
        reported = [action for action in item_actions if action.reported_then is not None]
        items.append(
            ListItem(
                key=entry.key,
                recommendation=recommendation,
                actions=item_actions,
                state=entry.state,
                action_taken=[action.taken_then for action in reported],
                last_update_at=max((action.reported_then for action in reported), default=None),
                decision=by_key.get(entry.key),
                previous_decision=previous_by_key.get(entry.key),
                number=number,
            )
        )
    _prime_parent_labels([item.recommendation for item in items if item.recommendation])
    return items


def _prime_parent_labels(recommendations: list[Recommendation]) -> None:
    """Fetch, in one query, the parents that sub-items' full labels ("c) ii)") walk up to,
    so that Recommendation.full_label stays the one rule and costs no query per item. Reads
    three columns of the sources' recommendations, and makes objects only of the parents."""
    sources = {r.source_id for r in recommendations if r.parent_id}
    if not sources:
        return
    rows = {
        pk: (pk, parent_id, label)
        for pk, parent_id, label in Recommendation.objects.filter(source_id__in=sources).values_list(
            "pk", "parent_id", "label"
        )
    }
    parents: dict[int, Recommendation] = {}
    for node in recommendations:
        while node.parent_id and node.parent_id in rows:
            if node.parent_id not in parents:  # as .only("pk", "parent", "label") would make it
                parents[node.parent_id] = Recommendation.from_db(
                    Recommendation.objects.db, ["id", "parent_id", "label"], rows[node.parent_id]
                )
            node.parent = parents[node.parent_id]
            node = node.parent


class DecisionsInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("Some decisions cannot be recorded.")
        self.errors = errors


def decisions_record(*, meeting: Meeting, decisions: dict[str, tuple[str, str]], by: Person | None) -> int:
    """Record the body's decisions at a meeting: item key -> (decision, comment). An empty
    decision leaves the item without one (and removes one recorded before). All or nothing:
    DecisionsInvalid (item key -> message) if any breaks the sign-off rules."""
    _previous, entries = _entries(meeting)
    on_list = {entry.key: entry for entry in entries}
    errors: dict[str, str] = {}
    for key, (decision, comment) in decisions.items():
        entry = on_list.get(key)
        if entry is None:
            errors[key] = "This item is not on the meeting's list"
        elif decision and (message := decision_error(state=entry.state, decision=decision, comment=comment)):
            errors[key] = message
    if errors:
        raise DecisionsInvalid(errors)
    items = {item.key: item for item in _items(meeting, [on_list[key] for key in decisions])}
    written = 0
    with transaction.atomic():
        for key, (decision, comment) in decisions.items():
            item = items[key]
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
