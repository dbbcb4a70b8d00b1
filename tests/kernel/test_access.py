"""The access primitives every layer's rules are built from: an Access refuses what it does not
allow, and get_or_404 hides a missing object (or a key that is not a number) behind a 404."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404

from actionplans.kernel.access import FULL, NO_ACCESS, READ_ONLY, Access, get_or_404

PERMISSIONS = ["read", "comment", "update", "edit"]


@pytest.mark.parametrize("permission", PERMISSIONS)
def test_require_passes_what_the_access_allows(permission):
    FULL.require(permission)
    Access(**{permission: True}).require(permission)


@pytest.mark.parametrize("permission", PERMISSIONS)
def test_require_refuses_what_the_access_does_not_allow(permission):
    with pytest.raises(PermissionDenied):
        NO_ACCESS.require(permission)
    others = {other: True for other in PERMISSIONS if other != permission}
    with pytest.raises(PermissionDenied):
        Access(**others).require(permission)


def test_read_only_reads_and_does_nothing_else():
    READ_ONLY.require("read")
    for permission in ["comment", "update", "edit"]:
        with pytest.raises(PermissionDenied):
            READ_ONLY.require(permission)


@pytest.mark.django_db
def test_get_or_404_finds_the_object_in_the_queryset():
    user = get_user_model().objects.create(username="someone")
    assert get_or_404(get_user_model().objects.all(), user.pk) == user
    assert get_or_404(get_user_model().objects.all(), str(user.pk)) == user


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [999999, "999999", "not-a-number", "1.5", "", None])
def test_get_or_404_gives_404_for_a_missing_or_malformed_key(pk):
    get_user_model().objects.create(username="someone")
    with pytest.raises(Http404):
        get_or_404(get_user_model().objects.all(), pk)


@pytest.mark.django_db
def test_get_or_404_gives_404_for_an_object_outside_the_queryset():
    user = get_user_model().objects.create(username="someone")
    with pytest.raises(Http404):
        get_or_404(get_user_model().objects.exclude(pk=user.pk), user.pk)
