"""Database constraints back the rules that matter, whatever code writes the rows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actionplans.plans.models import Action, Plan, ProgressUpdate
from actionplans.plans.rag import ActionStatus, Rag
from partners.models import Attendance, Body, Membership, Organisation, Person
from recommendations.models import Recommendation, ResponseDecision
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MeetingFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


class TestActionConstraints:
    def test_reference_is_unique_within_a_plan(self):
        action = ActionFactory(reference="2.3")
        refused_by_database(lambda: ActionFactory(plan=action.plan, reference="2.3"))

    def test_same_reference_in_another_plan_is_fine(self):
        ActionFactory(reference="2.3")
        ActionFactory(reference="2.3")
        assert Action.objects.filter(reference="2.3").count() == 2

    def test_several_actions_without_reference_in_one_plan(self):
        plan = PlanFactory()
        ActionFactory(plan=plan, reference="")
        ActionFactory(plan=plan, reference="")
        assert plan.actions.count() == 2

    def test_duplicate_reference_is_reported_by_model_validation(self):
        action = ActionFactory(reference="1.1")
        duplicate = Action(plan=action.plan, position=99, reference="1.1", description="Another")
        with pytest.raises(ValidationError) as error:
            duplicate.full_clean()
        assert "reference" in str(error.value).lower()

    def test_blank_description_refused(self):
        refused_by_database(lambda: ActionFactory(description=""))


class TestProgressUpdateConstraints:
    def test_blue_only_with_status_complete(self):
        refused_by_database(lambda: ProgressUpdateFactory(status=ActionStatus.IN_PROGRESS, rag=Rag.BLUE))

    def test_complete_must_be_blue(self):
        refused_by_database(lambda: ProgressUpdateFactory(status=ActionStatus.COMPLETE, rag=Rag.GREEN))

    def test_rag_must_be_a_choice(self):
        refused_by_database(lambda: ProgressUpdateFactory(rag="purple"))

    def test_status_must_be_a_choice(self):
        refused_by_database(lambda: ProgressUpdateFactory(status="nearly"))

    def test_every_update_is_kept_and_the_newest_is_current(self):
        first = ProgressUpdateFactory(rag=Rag.GREEN)
        second = ProgressUpdateFactory(action=first.action, rag=Rag.AMBER)
        assert first.action.updates.count() == 2
        assert first.action.latest_update == second
        assert isinstance(second, ProgressUpdate)


class TestRecommendationConstraints:
    def test_decision_must_be_a_choice(self):
        refused_by_database(lambda: RecommendationFactory(response_decision="maybe"))

    @pytest.mark.parametrize("decision", [ResponseDecision.REJECTED, ResponseDecision.PARTIALLY_ACCEPTED])
    def test_rejection_or_partial_acceptance_needs_reasons(self, decision):
        refused_by_database(lambda: RecommendationFactory(response_decision=decision, response_text=""))
        RecommendationFactory(response_decision=decision, response_text="Funding is not available.")

    def test_pending_decision_has_no_response_date(self):
        import datetime

        refused_by_database(
            lambda: RecommendationFactory(
                response_decision=ResponseDecision.PENDING, response_date=datetime.date(2021, 1, 1)
            )
        )

    def test_position_unique_within_source(self):
        recommendation = RecommendationFactory()
        refused_by_database(
            lambda: RecommendationFactory(source=recommendation.source, position=recommendation.position)
        )

    def test_labels_may_repeat_as_printed(self):
        """Seed 000 prints "d)" twice: labels are kept as printed, not forced unique."""
        source = SourceFactory()
        RecommendationFactory(source=source, label="d)")
        RecommendationFactory(source=source, label="d)")
        assert source.recommendations.filter(label="d)").count() == 2

    def test_full_label_includes_parents(self):
        parent = RecommendationFactory(label="c)")
        child = RecommendationFactory(source=parent.source, parent=parent, label="ii)")
        assert child.full_label == "c) ii)"
        assert Recommendation.objects.top_level().filter(pk=child.pk).count() == 0


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


def test_plan_title_is_unique():
    plan = PlanFactory()
    refused_by_database(lambda: Plan.objects.create(title=plan.title, owning_body=plan.owning_body))


def test_migrations_create_no_accounts():
    """Only the demo command makes accounts: a freshly migrated database has none."""
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()
