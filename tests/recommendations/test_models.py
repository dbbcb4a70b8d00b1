"""Database constraints back the rules of recommendations and responses, whatever code writes the rows."""

import pytest

from recommendations.models import Recommendation, ResponseDecision
from tests.database import refused_by_database
from tests.factories import RecommendationFactory, SourceFactory

pytestmark = pytest.mark.django_db


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
