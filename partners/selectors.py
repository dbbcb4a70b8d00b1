"""What the person, body and meeting pages show, fetched in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from actionplans.models import Action, Plan
from partners.models import Attendance, AttendanceStatus, Body, Meeting, Membership, MembershipRole, Person
from recommendations.models import Source

_ROLE_ORDER = {role: index for index, role in enumerate(MembershipRole.values)}


def _by_role(memberships: list[Membership]) -> list[Membership]:
    """Chair first, then vice-chair, members, appointed members, officers; by name within each."""
    return sorted(memberships, key=lambda m: (_ROLE_ORDER.get(m.role, len(_ROLE_ORDER)), m.person.display_name))


# --- Person page ------------------------------------------------------------------


@dataclass(frozen=True)
class PersonPage:
    person: Person
    memberships: list[Membership]
    actions: list[Action]


def person_page(*, person_id: int) -> PersonPage:
    """Queries: 1 person with organisation, 1 bodies they sit on, 1 their actions (as lead or
    further responsible person) with RAG, plan and lead."""
    person = get_object_or_404(Person.objects.with_organisation(), pk=person_id)
    memberships = list(person.memberships.select_related("body").order_by("body__name"))
    actions = list(Action.objects.for_person(person).select_related("lead__organisation"))
    return PersonPage(person=person, memberships=memberships, actions=actions)


# --- Body page --------------------------------------------------------------------


@dataclass(frozen=True)
class BodyPage:
    body: Body
    memberships: list[Membership]
    meetings: list[Meeting]
    plans: list[Plan]
    sources: list[Source]


def body_page(*, body_id: int) -> BodyPage:
    """Queries: 1 body with organisation, 1 members with organisations, 1 meetings,
    1 plans it owns with their leads, 1 sources of recommendations it made."""
    body = get_object_or_404(Body.objects.select_related("organisation"), pk=body_id)
    memberships = list(body.memberships.select_related("person__organisation"))
    return BodyPage(
        body=body,
        memberships=_by_role(memberships),
        meetings=list(body.meetings.order_by("-date")),
        plans=list(body.plans.select_related("lead").order_by("title")),
        sources=list(body.sources.order_by("-date", "title")),
    )


# --- Meeting page -------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceGroup:
    status: AttendanceStatus
    attendances: list[Attendance]


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    attendance: list[AttendanceGroup]
    sources: list[Source]


def meeting_page(*, meeting_id: int) -> MeetingPage:
    """Queries: 1 meeting with its body, 1 attendance with people and organisations,
    1 sources of recommendations made at it."""
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=meeting_id)
    attendances = list(meeting.attendances.select_related("person__organisation").order_by("pk"))
    groups = [
        AttendanceGroup(status=status, attendances=[a for a in attendances if a.status == status])
        for status in AttendanceStatus
    ]
    return MeetingPage(
        meeting=meeting,
        attendance=[group for group in groups if group.attendances],
        sources=list(meeting.sources.select_related("made_by").order_by("title")),
    )
