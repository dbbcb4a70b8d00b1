"""The shared world (tests/worlds.py) is what the tests built on it take it to be: made when
asked for, each role's person where the permission matrix needs them, and each role client
signing its person in."""

import pytest
from django.urls import reverse

from partners.access import DEMOCRATIC_SUPPORT_GROUP
from partners.models import Person
from tests.factories import PersonFactory
from tests.worlds import CAST, ROLE_PEOPLE

pytestmark = pytest.mark.django_db


def test_a_member_of_the_cast_is_made_when_first_asked_for_and_only_once(cast, world):
    assert not world and not cast and not Person.objects.exists()
    sue = world["sue"]
    assert world["sue"] is sue and cast["sue"] is sue
    assert set(cast) == {"sue", "council"}  # Sue and what she needs: nothing else
    assert Person.objects.get() == sue


def test_a_world_may_hold_its_own_object_under_a_key_of_the_cast(cast, world, officer_client):
    world["sue"] = PersonFactory(name="Sue Allan", organisation=world["pct"])
    assert cast["sue"] != world["sue"] and cast["sue"].organisation == world["council"]
    assert officer_client.get(reverse("home")).wsgi_request.user == cast["sue"].user


def test_a_key_outside_the_cast_is_a_key_error(world):
    with pytest.raises(KeyError):
        world["nobody"]
    assert "nobody" not in CAST


def test_the_roles_stand_where_the_permission_matrix_needs_them(world):
    people = {role: world[key] for role, key in ROLE_PEOPLE.items()}
    council = world["council"]
    assert people["officer"].organisation == people["colleague"].organisation == council
    assert people["lead"].organisation == council and world["apa"].lead == people["lead"]
    assert people["panel"].organisation is None and world["panel"] in people["panel"].bodies.all()
    assert people["outsider"].organisation == world["police"] != council
    assert people["support"].user == world["support"]
    assert world["support"].groups.filter(name=DEMOCRATIC_SUPPORT_GROUP).exists()
    others = [person.user for role, person in people.items() if role != "support"]
    assert not any(user.groups.exists() or user.is_staff for user in others)
    assert world["admin"].is_superuser and not Person.objects.filter(user=world["admin"]).exists()
    assert len({person.user_id for person in people.values()}) == len(people)


@pytest.mark.parametrize(
    ("fixture", "key"),
    [
        ("officer_client", "sue"),
        ("colleague_client", "paul"),
        ("lead_client", "alison"),
        ("panel_client", "bell"),
        ("outsider_client", "bob"),
        ("support_client", "emily"),
    ],
)
def test_each_role_client_signs_its_person_in(request, world, fixture, key):
    client = request.getfixturevalue(fixture)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.wsgi_request.user == world[key].user


def test_admin_client_signs_in_the_casts_admin(world, admin_client):
    assert admin_client.get(reverse("home")).wsgi_request.user == world["admin"]
