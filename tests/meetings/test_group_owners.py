"""Owners as printed: a group of people ("Steering Group Leads") owns an action as one, and the
action is on each member's "My actions" and in each member's reminders."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from actionplans.meetings import agenda
from actionplans.meetings.models import SentReminder
from actionplans.plans.models import Action
from partners.models import PersonGroup
from tests.factories import ActionFactory, MeetingFactory, PersonFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads():
    group = PersonGroup.objects.create(name="Steering Group Leads")
    members = [PersonFactory(name=name, email=f"{name[:3].lower()}@example.org") for name in ("Alison", "Felicity")]
    group.members.set(members)
    return group, members


def test_all_of_a_group_names_the_group():
    group = PersonGroup(name="Steering Group Leads")
    assert agenda.resolve_owner_groups("All Steering Group Leads", [group]) == [group]
    assert agenda.resolve_owner_groups("Steering  Group Leads", [group]) == [group]
    assert agenda.resolve_owner_groups("CYPTE", [group]) == []
    assert agenda.resolve_owner_groups("", [group]) == []


def test_an_action_agreed_for_all_of_a_group_is_owned_by_the_group(leads):
    group, _members = leads
    item = agenda.agenda_item_create(meeting=MeetingFactory(), number=5, title="Performance")
    agreed = agenda.agreed_action_create(
        item=item, text="Co-ordinate action", owner_as_printed="All Steering Group Leads"
    )
    assert list(agreed.action.owning_groups.all()) == [group]
    assert agreed.action.lead is None and agreed.owner_as_printed == "All Steering Group Leads"


def test_a_group_owned_action_is_on_every_members_my_actions(client, leads):
    group, members = leads
    action = ActionFactory(plan=PlanFactory(), lead=None, description="Co-ordinate action to bring the 47 actions back")
    action.owning_groups.add(group)
    outsider = PersonFactory(name="Not a lead")
    for person in members + [outsider]:
        assert (action in Action.objects.responsible(person)) == (person in members)
    for person in members:
        person.user = UserFactory()
        person.save()
        client.force_login(person.user)
        assert "Co-ordinate action to bring the 47 actions back" in client.get(reverse("my_actions")).content.decode()


def test_responsible_is_one_query_without_distinct(leads, django_assert_num_queries):
    group, members = leads
    ActionFactory(plan=PlanFactory(), lead=members[0]).owning_groups.add(group)
    queryset = Action.objects.responsible(members[0])
    assert "DISTINCT" not in str(queryset.query).upper()
    with django_assert_num_queries(1):
        assert len(list(queryset)) == 1


def test_each_member_of_an_owning_group_is_reminded(leads, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TRACKER_BASE_URL = "https://tracker.example.org"
    settings.TRACKER_AS_AT = None
    group, members = leads
    on = datetime.date(2022, 6, 1)
    action = ActionFactory(plan=PlanFactory(), lead=None, target_date=on - datetime.timedelta(days=1))
    action.owning_groups.add(group)
    call_command("send_reminders", f"--date={on.isoformat()}", stdout=StringIO())
    assert set(SentReminder.objects.values_list("person", flat=True)) == {person.pk for person in members}


def test_the_action_page_names_the_group_that_owns_it_and_its_members(admin_client, leads):
    group, _members = leads
    action = ActionFactory(plan=PlanFactory(), lead=None)
    action.owning_groups.add(group)
    page = admin_client.get(action.get_absolute_url()).content.decode()
    assert "Owned by the group" in page and "Steering Group Leads: Alison, Felicity" in page
