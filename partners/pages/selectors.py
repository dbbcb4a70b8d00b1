"""What the person and body pages show, fetched in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Lower

from actionplans.plans.access import readable_plans, readable_sources
from actionplans.plans.models import Action, Plan
from partners.access import Viewer, readable_people
from partners.models import (
    Body,
    Meeting,
    Membership,
    MembershipRole,
    Organisation,
    Person,
)
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


def person_page(*, person: Person, viewer: Viewer) -> PersonPage:
    """Queries (the person, with their organisation, is looked up already): 1 bodies they sit
    on, 1 their actions (as lead or further responsible person) with RAG, plan and lead, of
    the plans the viewer may read (for someone other than a manager, +1 the bodies the viewer
    sits on)."""
    memberships = list(person.memberships.select_related("body").order_by("body__name"))
    actions = list(
        Action.objects.for_person(person).filter(plan__in=readable_plans(viewer)).select_related("lead__organisation")
    )
    return PersonPage(person=person, memberships=memberships, actions=actions)


# --- Body page --------------------------------------------------------------------


@dataclass(frozen=True)
class BodyPage:
    body: Body
    memberships: list[Membership]
    meetings: list[Meeting]
    plans: list[Plan]
    sources: list[Source]


def body_page(*, body: Body, viewer: Viewer) -> BodyPage:
    """Queries (the body, with its organisation, is looked up already): 1 members with
    organisations, 1 meetings, 1 plans it owns that the viewer may read, with their leads,
    1 sources of recommendations it made that the viewer may read (for someone other than a
    manager, +1 the bodies the viewer sits on)."""
    plans = body.plans.filter(pk__in=readable_plans(viewer).values("pk"))
    return BodyPage(
        body=body,
        memberships=body_members(body=body),
        meetings=list(body.meetings.order_by("-date")),
        plans=list(plans.select_related("lead").order_by("title")),
        sources=list(body.sources.filter(pk__in=readable_sources(viewer).values("pk")).order_by("-date", "title")),
    )


def body_members(*, body: Body) -> list[Membership]:
    """The members page: 1 query, members with their organisations, chair first."""
    return _by_role(list(body.memberships.select_related("person__organisation")))


# --- Organisations and bodies ---------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryPage:
    organisations: list[Organisation]
    bodies: list[Body]


def directory_page() -> DirectoryPage:
    """Queries: 1 organisations with how many people work for each, 1 bodies."""
    return DirectoryPage(
        organisations=list(Organisation.objects.annotate(people_count=Count("people")).order_by("name")),
        bodies=list(Body.objects.select_related("organisation").order_by("name")),
    )


# --- People ---------------------------------------------------------------------------------

PEOPLE_PER_PAGE = 50
QUERY_MAX = 200


def people_matching(people, query: str):
    """People whose name, job title, organisation (name or short name) or the role they sit on a
    body in ("Primary Parent Governor") holds every word of the query, case-insensitively; all
    of them for an empty query."""
    for word in query.split():
        people = people.filter(
            Q(name__icontains=word)
            | Q(job_title__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation__short_name__iexact=word)
            | Exists(Membership.objects.filter(person=OuterRef("pk"), representing__icontains=word))
        )
    return people


@dataclass(frozen=True)
class PeoplePage:
    query: str
    page: Page  # people with their organisations and the bodies they sit on
    page_range: list
    total: int


def people_page(*, viewer: Viewer, query: str = "", page_number=1) -> PeoplePage:
    """The people the viewer may see, by name, narrowed by the query, a page at a time.
    Queries: 1 how many match, 1 this page's people with their organisations, 1 the bodies
    they sit on; however many people there are (none of the last two when nobody matches)."""
    query = query.strip()[:QUERY_MAX]
    people = (
        people_matching(readable_people(viewer), query)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("body").order_by("body__name"))
        )
        .order_by(Lower("name"), Lower("job_title"), "pk")
    )
    paginator = Paginator(people, PEOPLE_PER_PAGE)
    page = paginator.get_page(page_number)
    return PeoplePage(
        query=query,
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number)),
        total=paginator.count,
    )
