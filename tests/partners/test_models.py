"""Database constraints back the rules of organisations, people, bodies and meetings, whatever
code writes the rows."""

import pytest

from partners.models import Attendance, Body, Membership, Organisation, Person
from tests.database import refused_by_database
from tests.factories import BodyFactory, MeetingFactory, PersonFactory

pytestmark = pytest.mark.django_db


class TestPartnersConstraints:
    def test_person_needs_a_name_or_a_job_title(self):
        refused_by_database(lambda: Person.objects.create(name="", job_title=""))
        post = Person.objects.create(name="", job_title="HoS Early Help")
        assert str(post) == "HoS Early Help"

    def test_organisation_kind_must_be_a_choice(self):
        refused_by_database(lambda: Organisation.objects.create(name="Somewhere", kind="bank"))

    def test_body_kind_must_be_a_choice(self):
        refused_by_database(lambda: Body.objects.create(name="A body", kind="club"))

    def test_one_membership_per_person_and_body(self):
        body, person = BodyFactory(), PersonFactory()
        Membership.objects.create(body=body, person=person, role="chair")
        refused_by_database(lambda: Membership.objects.create(body=body, person=person, role="member"))

    def test_membership_role_must_be_a_choice(self):
        refused_by_database(lambda: Membership.objects.create(body=BodyFactory(), person=PersonFactory(), role="boss"))

    def test_one_meeting_per_body_per_day(self):
        meeting = MeetingFactory()
        refused_by_database(lambda: MeetingFactory(body=meeting.body, date=meeting.date))

    def test_attendance_status_must_be_a_choice(self):
        refused_by_database(
            lambda: Attendance.objects.create(meeting=MeetingFactory(), person=PersonFactory(), status="asleep")
        )
