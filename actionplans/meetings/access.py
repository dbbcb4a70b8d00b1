"""Who may read and change a meeting and everything about it: its page, monitoring list,
decisions, update rounds, "since the last meeting", minutes and papers.

Every meeting URL looks its meeting up through `get_meeting_for_user`.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from actionplans.kernel.access import Access, get_or_404
from partners.access import Viewer, directory_access
from partners.models import Meeting


def meeting_access(viewer: Viewer, meeting: Meeting) -> Access:
    """Meetings belong to the directory: everyone signed in reads; managers change."""
    return directory_access(viewer)


def readable_meetings(viewer: Viewer) -> QuerySet[Meeting]:
    """Every meeting the viewer may read: the one scope the meetings list starts from."""
    return Meeting.objects.all() if directory_access(viewer).read else Meeting.objects.none()


def get_meeting_for_user(viewer: Viewer, pk, queryset: QuerySet | None = None) -> tuple[Meeting, Access]:
    """The meeting and what the viewer may do with it; 404 for an outsider."""
    meeting = get_or_404(queryset if queryset is not None else Meeting.objects.select_related("body"), pk)
    access = meeting_access(viewer, meeting)
    if not access.read:
        raise Http404
    return meeting, access
