"""Who the signed-in user is in the tracker, and who may read and change people, bodies
and organisations.

Roles:
* admin (superuser) and democratic support (the group below): everything.
* everyone else signed in: reads the directory of people, bodies and meetings.

What a person may do with plans, actions, sources and meetings is decided in those
layers (`actionplans.plans.access`, `actionplans.meetings.access`), from the `Viewer`.
"""

from __future__ import annotations

from functools import cached_property

from actionplans.kernel.access import FULL, READ_ONLY, Access
from partners.models import Person

DEMOCRATIC_SUPPORT_GROUP = "Democratic support"


class Viewer:
    """What the signed-in user is, worked out once per request."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def is_admin(self) -> bool:
        return bool(self.user.is_active and self.user.is_superuser)

    @cached_property
    def is_support(self) -> bool:
        return self.is_admin or self.user.groups.filter(name=DEMOCRATIC_SUPPORT_GROUP).exists()

    @cached_property
    def person(self):
        return Person.objects.filter(user=self.user).select_related("organisation").first()

    @cached_property
    def body_ids(self) -> frozenset[int]:
        if self.person is None:
            return frozenset()
        return frozenset(self.person.memberships.values_list("body_id", flat=True))

    @property
    def is_manager(self) -> bool:
        """Admin or democratic support: may manage everything."""
        return self.is_support


def viewer_for(request_or_user) -> Viewer:
    user = getattr(request_or_user, "user", request_or_user)
    cached = getattr(user, "_tracker_viewer", None)
    if cached is None:
        cached = Viewer(user)
        user._tracker_viewer = cached
    return cached


def directory_access(viewer: Viewer) -> Access:
    """People, bodies and meetings: every signed-in user may read; managers change."""
    return FULL if viewer.is_manager else READ_ONLY


def readable_people(viewer: Viewer):
    """Every person the viewer may see in the directory: the one scope the people list starts from."""
    return Person.objects.all() if directory_access(viewer).read else Person.objects.none()


def creation_access(viewer: Viewer) -> Access:
    """Creating sources, plans, people, organisations and bodies: managers only."""
    return FULL if viewer.is_manager else READ_ONLY
