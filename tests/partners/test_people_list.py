"""The people list: everyone in the directory, by name, searchable by name, job title or
organisation with a GET form, a page at a time."""

import re

import pytest
from django.db.models.functions import Lower
from django.urls import reverse

from partners.models import Membership, Person
from partners.pages import selectors
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = "/people/"


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'id="person-(\d+)"', response.content.decode())]


def test_the_url_is_the_people_list():
    assert reverse("person_list") == URL


def test_everyone_is_listed_by_name_with_organisation_and_the_bodies_they_sit_on(officer_client, cast):
    sue, bell, hos = cast["sue"], cast["bell"], cast["hos"]
    content = officer_client.get(URL).content.decode()
    for person in (sue, bell, hos):
        assert f'id="person-{person.pk}"' in content
    assert "HoS Early Help" in content  # a post with no name is listed by its title
    membership = Membership.objects.filter(person=bell).select_related("body").first()
    assert membership.body.name in content
    assert listed(officer_client.get(URL)) == list(
        Person.objects.order_by(Lower("name"), Lower("job_title"), "pk").values_list("pk", flat=True)
    )


def test_people_are_in_alphabetical_order_whatever_the_case_of_their_names(officer_client, cast):
    upper = PersonFactory(name="", job_title="CP Advisor")
    lower = PersonFactory(name="", job_title="Cabinet Member for Education")
    order = listed(officer_client.get(URL, {"q": "c"}))
    assert order.index(lower.pk) < order.index(upper.pk)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("allan", {"sue"}),  # part of a surname, any case
        ("Sue Allan", {"sue"}),  # every word must match
        ("early help", {"hos"}),  # a job title
        ("Hampshire", {"bob"}),  # an organisation's name
        ("nobody-at-all", set()),
    ],
)
def test_search_by_name_job_title_or_organisation(officer_client, cast, query, expected):
    people = {key: cast[key] for key in ("sue", "paul", "alison", "bell", "bob", "emily", "hos")}
    names = {person.pk: key for key, person in people.items()}
    found = {names.get(pk, pk) for pk in listed(officer_client.get(URL, {"q": query}))}
    assert found == expected
    content = officer_client.get(URL, {"q": query}).content.decode()
    assert f'value="{query}"' in content  # the search box keeps what was typed
    if not expected:
        assert "Nobody matches" in content


def test_an_organisations_short_name_finds_its_people(officer_client, cast):
    pct_person = PersonFactory(
        name="Stephanie Ramsey", organisation=OrganisationFactory(name="NHS Southampton City", short_name="NHSSC")
    )
    assert listed(officer_client.get(URL, {"q": "nhssc"})) == [pct_person.pk]


def test_people_come_a_page_at_a_time_with_govuk_pagination(officer_client, cast, monkeypatch):
    monkeypatch.setattr(selectors, "PEOPLE_PER_PAGE", 3)
    for n in range(7):
        PersonFactory(name=f"Zed Person {n}")
    everyone = Person.objects.count()
    first, second = listed(officer_client.get(URL)), listed(officer_client.get(URL, {"page": 2}))
    assert len(first) == 3 and len(second) == 3 and not set(first) & set(second)
    content = officer_client.get(URL, {"q": "zed", "page": 2}).content.decode()
    assert 'class="govuk-pagination"' in content and "page=3" in content and "q=zed" in content
    assert f"{everyone} people" in officer_client.get(URL).content.decode()
    assert listed(officer_client.get(URL, {"page": "not-a-page"})) == first


def test_a_very_long_search_is_cut_and_still_answers(officer_client, cast):
    assert listed(officer_client.get(URL, {"q": "x" * 5000})) == []


@pytest.mark.parametrize(
    "client_name", ["officer_client", "panel_client", "outsider_client", "support_client", "admin_client"]
)
def test_every_signed_in_role_may_read_the_people_list(request, client_name, cast):
    assert cast["sue"].pk in listed(request.getfixturevalue(client_name).get(URL))


def test_only_managers_are_offered_to_add_a_person(officer_client, support_client, cast):
    assert reverse("person_create") not in officer_client.get(URL).content.decode()
    assert reverse("person_create") in support_client.get(URL).content.decode()


def test_the_query_count_does_not_grow_with_people(officer_client, cast, django_assert_num_queries):
    # 2 session and user, 1 the viewer's person for the header with their jobs in progress,
    # 1 "is the viewer democratic support?", 1 how many match, 1 this page's people with
    # organisations, 1 the bodies they sit on.
    with django_assert_num_queries(7):
        listed(officer_client.get(URL))
    for n in range(30):
        person = PersonFactory(name=f"Extra {n}", organisation=OrganisationFactory(name=f"Org {n}"))
        Membership.objects.create(body=cast["panel"], person=person)
    with django_assert_num_queries(7):
        listed(officer_client.get(URL, {"q": "extra"}))


def test_the_role_someone_sits_on_a_body_in_finds_them_once(officer_client, cast):
    governor = PersonFactory(name="Nicola Brown")
    Membership.objects.create(body=cast["panel"], person=governor, representing="Primary Parent Governor")
    Membership.objects.create(body=cast["board"], person=governor, representing="Parent Governor")
    assert listed(officer_client.get(URL, {"q": "parent governor"})) == [governor.pk]
