"""Access primitives every layer shares: what a person may do with one object, and the
lookup that hides an object from an outsider.

Who may do what to which kind of object is decided in that object's own layer
(`partners.access`, `actionplans.plans.access`, `actionplans.meetings.access`); each
returns an `Access` built from these pieces.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404


@dataclass(frozen=True)
class Access:
    read: bool = False
    comment: bool = False
    update: bool = False  # post progress updates
    edit: bool = False  # change the object itself, assign people

    def require(self, permission: str) -> None:
        if not getattr(self, permission):
            raise PermissionDenied


NO_ACCESS = Access()
READ_ONLY = Access(read=True)
FULL = Access(read=True, comment=True, update=True, edit=True)


def get_or_404(queryset: QuerySet, pk):
    """The object with this primary key, or 404 (also for a key that is not a number)."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
