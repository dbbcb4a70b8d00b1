"""Links to many objects of one kind for the cost of one reverse()."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_MARKER = 2_147_483_647  # an id no row will have: reversed once, then its digits give way to each id


def pk_url(name: str) -> Callable[[int], str]:
    """pk -> reverse(name, args=[pk]), reversing once: for a page that links to every row of a
    long list. Only for URL patterns whose one argument is the object's integer id."""
    head, _, tail = reverse(name, args=[_MARKER]).rpartition(str(_MARKER))
    return lambda pk: f"{head}{pk}{tail}"
