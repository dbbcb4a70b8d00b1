"""Writes to the directory: people, organisations, bodies, memberships and meetings.

Each function validates the object in full (field limits, choices, constraints) before it
saves, so a form, a command and a test all obey the same rules. Every save is recorded in
the object's history by django-simple-history. The *_create_bulk functions (for the plan
import) check many objects the same way without a query each (actionplans.kernel.bulk: the
database's constraints stand behind the unique name) and record the same history.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from actionplans.kernel import bulk
from partners.models import Body, Meeting, Membership, Organisation, Person


def _validated_save(obj):
    obj.full_clean()
    obj.save()
    return obj


# --- Organisations ----------------------------------------------------------------------


def organisation_create(*, name: str, short_name: str = "", kind: str) -> Organisation:
    return _validated_save(Organisation(name=name.strip(), short_name=short_name.strip(), kind=kind))


def organisations_create_bulk(*, new: Sequence[Organisation]) -> list[Organisation]:
    """Create many organisations (unsaved instances) at once, each checked as organisation_create
    checks it (actionplans.kernel.bulk: the database stands behind the unique name), with its
    history. Raises RowRefused with the index of the first that cannot be saved; nothing is
    written then."""
    for organisation in new:
        organisation.name, organisation.short_name = organisation.name.strip(), organisation.short_name.strip()
    return bulk.create_all(Organisation, new)


def organisation_update(*, organisation: Organisation, name: str, short_name: str = "", kind: str) -> Organisation:
    organisation.name, organisation.short_name, organisation.kind = name.strip(), short_name.strip(), kind
    return _validated_save(organisation)


# --- People -------------------------------------------------------------------------------


def person_create(
    *,
    name: str = "",
    job_title: str = "",
    organisation: Organisation | None = None,
    email: str = "",
    user: AbstractBaseUser | None = None,
    is_senior: bool = False,
) -> Person:
    person = Person(
        name=name.strip(),
        job_title=job_title.strip(),
        organisation=organisation,
        email=email.strip(),
        user=user,
        is_senior=is_senior,
    )
    return _validated_save(person)


def people_create_bulk(*, new: Sequence[Person]) -> list[Person]:
    """Create many people (unsaved instances) at once, each checked as person_create checks it,
    with its history. Raises RowRefused with the index of the first that cannot be saved;
    nothing is written then."""
    for person in new:
        person.name, person.job_title = person.name.strip(), person.job_title.strip()
        person.email = person.email.strip()
    return bulk.create_all(Person, new)


def person_update(
    *,
    person: Person,
    name: str = "",
    job_title: str = "",
    organisation: Organisation | None = None,
    email: str = "",
    user: AbstractBaseUser | None = None,
    is_senior: bool = False,
) -> Person:
    person.name, person.job_title = name.strip(), job_title.strip()
    person.organisation, person.email, person.user = organisation, email.strip(), user
    person.is_senior = is_senior
    return _validated_save(person)


# --- Bodies and memberships -------------------------------------------------------------------


def body_create(*, name: str, kind: str, organisation: Organisation | None = None, remit: str = "") -> Body:
    return _validated_save(Body(name=name.strip(), kind=kind, organisation=organisation, remit=remit.strip()))


def body_update(*, body: Body, name: str, kind: str, organisation: Organisation | None = None, remit: str = "") -> Body:
    body.name, body.kind, body.organisation, body.remit = name.strip(), kind, organisation, remit.strip()
    return _validated_save(body)


def membership_add(*, body: Body, person: Person, role: str, representing: str = "") -> Membership:
    return _validated_save(Membership(body=body, person=person, role=role, representing=representing.strip()))


def membership_update(*, membership: Membership, role: str, representing: str = "") -> Membership:
    membership.role, membership.representing = role, representing.strip()
    return _validated_save(membership)


def membership_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        membership.delete()


# --- Meetings ---------------------------------------------------------------------------------


def meeting_create(*, body: Body, date: datetime.date, time: datetime.time | None = None, venue: str = "") -> Meeting:
    return _validated_save(Meeting(body=body, date=date, time=time, venue=venue.strip()))


def meeting_update(
    *, meeting: Meeting, date: datetime.date, time: datetime.time | None = None, venue: str = ""
) -> Meeting:
    meeting.date, meeting.time, meeting.venue = date, time, venue.strip()
    return _validated_save(meeting)
