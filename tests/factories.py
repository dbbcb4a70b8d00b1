"""factory_boy factories for unit tests (the demo fixtures are tested on their own)."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from actionplans.measures.models import Measure, MeasureTarget, MeasureValue
from actionplans.measures.units import MeasureUnit
from actionplans.meetings.models import UpdateRound
from actionplans.plans.models import Action, ActionComment, Plan, ProgressUpdate
from actionplans.plans.rag import ActionStatus, Rag
from partners.models import (
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Meeting,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
)
from recommendations.models import Recommendation, Source, SourceKind

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.COUNCIL


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Officer {n}")
    job_title = "Service Manager"
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.LazyAttribute(lambda person: f"{person.name.lower().replace(' ', '.')}@example.org")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Scrutiny Panel {n}")
    kind = BodyKind.SCRUTINY_PANEL
    organisation = factory.SubFactory(OrganisationFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    person = factory.SubFactory(PersonFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    date = factory.Sequence(lambda n: datetime.date(2021, 1, 1) + datetime.timedelta(days=30 * n))


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    kind = SourceKind.SCRUTINY_INQUIRY
    reference = factory.Sequence(lambda n: f"SRC-{n}")
    title = factory.Sequence(lambda n: f"Scrutiny inquiry {n}")
    made_by = factory.SubFactory(BodyFactory)
    date = datetime.date(2021, 6, 17)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    source = factory.SubFactory(SourceFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"{n + 1})")
    text = "That the Executive Director reports progress to the Panel."


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"Action plan {n}")
    owning_body = factory.SubFactory(BodyFactory)
    lead = factory.SubFactory(PersonFactory)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    reference = factory.Sequence(lambda n: f"{n + 1}.1")
    description = "Present the findings to the Young People's Council"
    lead = factory.SubFactory(PersonFactory)
    target_date = datetime.date(2021, 12, 31)
    target_date_text = "31/12/21"


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    author = factory.SubFactory(PersonFactory)
    reported_at = factory.LazyFunction(timezone.now)
    status = ActionStatus.IN_PROGRESS
    rag = Rag.GREEN
    narrative = "Work under way."


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    status = AttendanceStatus.PRESENT


class ActionCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionComment

    action = factory.SubFactory(ActionFactory)
    author = factory.SubFactory(PersonFactory)
    text = "When will the Panel see the findings?"


class SupportUserFactory(UserFactory):
    """A login in the democratic support group, who manages plans, people and bodies."""

    @factory.post_generation
    def support_group(obj, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            from partners.access import DEMOCRATIC_SUPPORT_GROUP

            obj.groups.add(Group.objects.get_or_create(name=DEMOCRATIC_SUPPORT_GROUP)[0])


class UpdateRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UpdateRound

    meeting = factory.SubFactory(MeetingFactory)
    deadline = factory.LazyAttribute(lambda update_round: update_round.meeting.date - datetime.timedelta(days=7))
    started_at = factory.LazyFunction(timezone.now)


class TargetDateRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actionplans.TargetDateRevision"

    action = factory.SubFactory(ActionFactory)
    previous_date = datetime.date(2021, 6, 30)
    new_date = datetime.date(2021, 12, 31)
    reason = "Waiting for the partners' data."
    revised_at = factory.LazyFunction(timezone.now)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Percentage of visits in timescale {n}")
    unit = MeasureUnit.PERCENTAGE


class MeasureTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureTarget

    measure = factory.SubFactory(MeasureFactory)
    value = 80


class MeasureValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureValue

    measure = factory.SubFactory(MeasureFactory)
    period_end = datetime.date(2021, 9, 30)
    value = 87
