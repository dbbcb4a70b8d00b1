"""What the meeting page and the meetings list show, fetched in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from actionplans.meetings.access import readable_meetings
from actionplans.meetings.minute_text import Block, blocks_of
from actionplans.meetings.models import AgendaItem, AgreedAction, Resolution, clause_number
from actionplans.plans.access import readable_sources
from partners.access import Viewer
from partners.models import Attendance, AttendanceStatus, Body, Meeting
from recommendations.models import Source


@dataclass(frozen=True)
class AttendanceGroup:
    status: AttendanceStatus
    attendances: list[Attendance]


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    attendance: list[AttendanceGroup]
    sources: list[Source]
    agenda: list[AgendaItem]


def attendance_groups(meeting: Meeting) -> list[AttendanceGroup]:
    """The attendance by status (present, in attendance, apologies, absent): 1 query."""
    attendances = list(meeting.attendances.select_related("person__organisation").order_by("pk"))
    groups = [
        AttendanceGroup(status=status, attendances=[a for a in attendances if a.status == status])
        for status in AttendanceStatus
    ]
    return [group for group in groups if group.attendances]


def meeting_page(*, meeting: Meeting, viewer: Viewer) -> MeetingPage:
    """Queries: 1 attendance with people and organisations,
    1 sources of recommendations made at it that the viewer may read (for someone other
    than a manager, +1 the bodies the viewer sits on), 1 the agenda with presenters."""
    return MeetingPage(
        meeting=meeting,
        attendance=attendance_groups(meeting),
        agenda=list(meeting.agenda_items.select_related("presenter").order_by("number")),
        sources=list(
            meeting.sources.filter(pk__in=readable_sources(viewer).values("pk"))
            .select_related("made_by")
            .order_by("title")
        ),
    )


@dataclass(frozen=True)
class MeetingsPage:
    today: datetime.date
    bodies: list[Body]  # every body with a meeting the viewer may read, for the filter
    body: Body | None  # the body chosen, if any
    upcoming: list[Meeting]  # today and later, soonest first
    past: list[Meeting]  # before today, most recent first


def meetings_page(*, viewer: Viewer, today: datetime.date, body_id: int | None = None) -> MeetingsPage:
    """The meetings the viewer may read, upcoming (today onwards, soonest first) then past
    (latest first), of one body if one is chosen. Queries: 1 the bodies with meetings, 1 the
    meetings with their bodies; however many meetings there are."""
    meetings = readable_meetings(viewer)
    bodies = list(Body.objects.filter(pk__in=meetings.values("body_id")).order_by("name"))
    body = next((b for b in bodies if b.pk == body_id), None)
    if body is not None:
        meetings = meetings.filter(body=body)
    rows = list(meetings.select_related("body").order_by("date", "time", "body__name", "pk"))
    return MeetingsPage(
        today=today,
        bodies=bodies,
        body=body,
        upcoming=[meeting for meeting in rows if meeting.date >= today],
        past=[meeting for meeting in reversed(rows) if meeting.date < today],
    )


@dataclass(frozen=True)
class MinutedClause:
    number: str  # "i", "a"; blank when the item RESOLVED one clause only
    text: str
    lines: list[str]  # the clause's text, a line each (sub-points printed under it)


@dataclass(frozen=True)
class MinutedItem:
    item: AgendaItem
    clauses: list[MinutedClause]
    actions: list[AgreedAction]

    @property
    def discussion(self) -> tuple[Block, ...]:
        return blocks_of(self.item.discussion)


def minuted_items(meeting: Meeting) -> list[MinutedItem]:
    """The agenda with each item's minute. Queries: 1 items with their presenters,
    1 clauses, 1 actions agreed with their tracked actions and leads; 3 however many items."""
    items = (
        meeting.agenda_items.select_related("presenter")
        .prefetch_related(
            Prefetch("resolutions", queryset=Resolution.objects.order_by("position")),
            Prefetch(
                "agreed_actions",
                queryset=AgreedAction.objects.select_related("action__lead", "resolution").order_by("position"),
            ),
        )
        .order_by("number")
    )
    out = []
    for item in items:
        resolutions = list(item.resolutions.all())
        numbered = len(resolutions) > 1
        clauses = [
            MinutedClause(
                number=clause_number(item.numbering, r.position) if numbered else "",
                text=r.text,
                lines=r.text.splitlines(),
            )
            for r in resolutions
        ]
        out.append(MinutedItem(item=item, clauses=clauses, actions=list(item.agreed_actions.all())))
    return out


@dataclass(frozen=True)
class AgendaPage:
    meeting: Meeting
    attendance: list[AttendanceGroup]
    items: list[MinutedItem]


def agenda_page(*, meeting: Meeting) -> AgendaPage:
    """Queries: 1 attendance, and those of minuted_items (3)."""
    return AgendaPage(meeting=meeting, attendance=attendance_groups(meeting), items=minuted_items(meeting))
