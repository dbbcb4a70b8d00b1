"""How people are shown in published papers: the one rule, used by every paper and report.

* Members of bodies (any membership other than "officer in attendance") are named.
* Senior officers (Person.is_senior) are named.
* Other officers are named only when settings.TRACKER_PAPERS_NAME_JUNIOR_OFFICERS is on;
  otherwise they are shown by their job title.
* Somebody with no job title is named anyway (there is nothing else to show), and a post
  with no name is shown by its job title.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.conf import settings

from partners.models import Membership, MembershipRole, Person


def member_ids(people: Iterable[Person | None]) -> frozenset[int]:
    """Which of the people sit on a body as members (not officers in attendance). One query."""
    ids = {person.pk for person in people if person is not None}
    if not ids:
        return frozenset()
    return frozenset(
        Membership.objects.filter(person__in=ids)
        .exclude(role=MembershipRole.OFFICER)
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )


def shows_name(person: Person, *, is_member: bool) -> bool:
    """Whether a published paper names the person (True) or shows their job title (False)."""
    if not person.name:
        return False
    if not person.job_title or is_member or person.is_senior:
        return True
    return settings.TRACKER_PAPERS_NAME_JUNIOR_OFFICERS


def name_in_paper(person: Person | None, *, members: Collection[int] | None = None) -> str:
    """The person as a published paper shows them: their name, or their job title.

    `members` is the ids of the people who are members of bodies (`member_ids`), worked out
    once for a whole paper; without it, one query finds out for this person."""
    if person is None:
        return ""
    is_member = person.pk in (members if members is not None else member_ids([person]))
    return person.name if shows_name(person, is_member=is_member) else person.job_title


def name_and_title_in_paper(person: Person | None, *, members: Collection[int] | None = None) -> str:
    """ "Name, Job title" for somebody named, else just the job title."""
    if person is None:
        return ""
    shown = name_in_paper(person, members=members)
    if shown == person.name and person.job_title:
        return f"{person.name}, {person.job_title}"
    return shown
