"""Executive responses are due two months after the report; late and missing ones are listed."""

import datetime

import pytest

from recommendations.models import Recommendation, ResponseDecision
from recommendations.responses import add_months, default_response_due_date, late_or_missing_responses
from recommendations.services import recommendation_create
from tests.factories import MeetingFactory, RecommendationFactory, SourceFactory

D = datetime.date
ON = D(2021, 11, 4)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2021, 9, 30), 2, D(2021, 11, 30)),
        (D(2021, 12, 31), 2, D(2022, 2, 28)),
        (D(2023, 12, 31), 2, D(2024, 2, 29)),
        (D(2021, 11, 15), 14, D(2023, 1, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_due_date_follows_the_setting(settings):
    assert default_response_due_date(D(2021, 9, 30)) == D(2021, 11, 30)
    settings.TRACKER_RESPONSE_DUE_MONTHS = 3
    assert default_response_due_date(D(2021, 9, 30)) == D(2021, 12, 30)
    assert default_response_due_date(None) is None


@pytest.mark.django_db
def test_a_new_recommendation_is_due_two_months_after_its_source():
    dated = SourceFactory(date=D(2021, 9, 30))
    assert recommendation_create(source=dated, parent=None, text="Do it.").response_due_date == D(2021, 11, 30)
    at_meeting = SourceFactory(date=None, meeting=MeetingFactory(date=D(2021, 6, 17)))
    assert recommendation_create(source=at_meeting, parent=None, text="Do it.").response_due_date == D(2021, 8, 17)
    undated = SourceFactory(date=None, meeting=None)
    assert recommendation_create(source=undated, parent=None, text="Do it.").response_due_date is None


@pytest.mark.django_db
def test_late_and_missing_responses_are_listed_worst_first():
    missing = RecommendationFactory(response_due_date=D(2021, 8, 17))
    missing_recent = RecommendationFactory(response_due_date=D(2021, 11, 1))
    RecommendationFactory(response_due_date=ON)  # due today: not late yet
    RecommendationFactory(response_due_date=D(2021, 12, 1))  # not due yet
    late = RecommendationFactory(
        response_due_date=D(2021, 8, 17), response_decision=ResponseDecision.ACCEPTED, response_date=D(2021, 9, 1)
    )
    RecommendationFactory(
        response_due_date=D(2021, 8, 17), response_decision=ResponseDecision.ACCEPTED, response_date=D(2021, 8, 17)
    )  # on the day: on time
    # Due later than `late` but later still in coming: the more days late comes first.
    later = RecommendationFactory(
        response_due_date=D(2021, 9, 1), response_decision=ResponseDecision.NOTED, response_date=D(2021, 10, 1)
    )
    RecommendationFactory(response_due_date=None)
    listed = late_or_missing_responses(Recommendation.objects.all(), on=ON)
    assert [(item.recommendation, item.is_missing, item.days_late) for item in listed] == [
        (missing, True, 79),
        (missing_recent, True, 3),
        (later, False, 30),
        (late, False, 15),
    ]
    assert listed[0].label == "No response, 79 days after it was due"
    assert listed[3].label == "Responded 15 days late"
