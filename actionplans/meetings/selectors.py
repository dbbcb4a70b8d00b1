"""What the meeting page shows, fetched in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from actionplans.plans.access import readable_sources
from partners.access import Viewer
from partners.models import Attendance, AttendanceStatus, Meeting
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


def meeting_page(*, meeting: Meeting, viewer: Viewer) -> MeetingPage:
    """Queries: 1 attendance with people and organisations,
    1 sources of recommendations made at it that the viewer may read (for someone other
    than a manager, +1 the bodies the viewer sits on)."""
    attendances = list(meeting.attendances.select_related("person__organisation").order_by("pk"))
    groups = [
        AttendanceGroup(status=status, attendances=[a for a in attendances if a.status == status])
        for status in AttendanceStatus
    ]
    return MeetingPage(
        meeting=meeting,
        attendance=[group for group in groups if group.attendances],
        sources=list(
            meeting.sources.filter(pk__in=readable_sources(viewer).values("pk"))
            .select_related("made_by")
            .order_by("title")
        ),
    )
