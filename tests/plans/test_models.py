"""Database constraints back the rules of plans, actions and progress updates, whatever code
writes the rows."""

import pytest
from django.core.exceptions import ValidationError

from actionplans.plans.models import Action, Plan, ProgressUpdate
from actionplans.plans.rag import ActionStatus, Rag
from tests.database import refused_by_database
from tests.factories import (
    ActionFactory,
    PlanFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db


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


def test_plan_title_is_unique():
    plan = PlanFactory()
    refused_by_database(lambda: Plan.objects.create(title=plan.title, owning_body=plan.owning_body))
