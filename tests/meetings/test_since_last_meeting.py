"""What changed for a body between its previous meeting and this one."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.meetings.since import since_last_meeting
from actionplans.plans.rag import ActionStatus, Rag
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    TargetDateRevisionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
PREVIOUS, THIS, LATER = D(2021, 9, 30), D(2021, 11, 4), D(2021, 11, 25)


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def report(action, day, rag=Rag.GREEN, status=ActionStatus.IN_PROGRESS, narrative="Progress."):
    return ProgressUpdateFactory(action=action, reported_at=noon(day), rag=rag, status=status, narrative=narrative)


@pytest.fixture
def world(world, db):
    """The panel's three meetings (tests/worlds.py) and its improvement plan: an action for each
    way things change between two meetings, one of the panel's recommendations answered in
    another body's plan, and another body's business."""
    panel = world["panel"]
    meetings = {day: MeetingFactory(body=panel, date=day) for day in (PREVIOUS, THIS, LATER)}
    plan = PlanFactory(owning_body=panel, title="Improvement plan")
    created = noon(D(2021, 6, 1))

    def action(name, target):
        return ActionFactory(plan=plan, description=name, target_date=target, created_at=created)

    worse = action("Worse", D(2022, 3, 31))
    report(worse, D(2021, 9, 1), Rag.GREEN)
    report(worse, D(2021, 10, 20), Rag.AMBER, narrative="Staff shortages.")
    better = action("Better", D(2022, 3, 31))
    report(better, D(2021, 9, 1), Rag.AMBER)
    report(better, D(2021, 10, 21), Rag.GREEN)
    newly_overdue = action("Newly overdue", D(2021, 10, 31))
    report(newly_overdue, D(2021, 9, 1), Rag.GREEN)
    still_red = action("Still red", D(2022, 3, 31))
    report(still_red, D(2021, 9, 1), Rag.RED)
    moved = action("Moved", D(2021, 12, 31))
    TargetDateRevisionFactory(
        action=moved,
        previous_date=D(2021, 12, 31),
        new_date=D(2022, 6, 30),
        reason="Waiting for the new system.",
        revised_at=noon(D(2021, 10, 5)),
    )
    moved.target_date = D(2022, 6, 30)
    moved.save()
    quiet = action("Quiet", D(2022, 3, 31))
    report(quiet, D(2021, 9, 1), Rag.GREEN)
    after_meeting = action("Updated after the meeting", D(2022, 3, 31))
    report(after_meeting, D(2021, 9, 1), Rag.GREEN)
    report(after_meeting, D(2021, 11, 10), Rag.RED)
    # The panel's own recommendation, answered in another body's plan, reported complete.
    source = SourceFactory(made_by=panel, meeting=meetings[PREVIOUS], date=PREVIOUS)
    recommendation = RecommendationFactory(source=source, label="2)")
    cabinet_plan = PlanFactory(title="Cabinet plan")
    done = ActionFactory(plan=cabinet_plan, recommendation=recommendation, description="Done", created_at=created)
    report(done, D(2021, 10, 27), Rag.BLUE, ActionStatus.COMPLETE, narrative="Report circulated.")
    ActionFactory(plan=PlanFactory(), description="Someone else's business", created_at=created)
    world |= {"meetings": meetings, "panel": panel}
    return world


def descriptions(rows):
    return sorted(row.action.description for row in rows)


def test_each_section_holds_what_changed_between_the_two_meetings(world):
    result = since_last_meeting(world["meetings"][THIS])
    assert result.previous_meeting == world["meetings"][PREVIOUS]
    assert descriptions(result.new_updates) == ["Better", "Done", "Worse"]
    assert descriptions(result.moved_worse) == ["Newly overdue", "Worse"]
    assert descriptions(result.moved_better) == ["Better"]
    assert descriptions(result.newly_overdue) == ["Newly overdue"]
    assert descriptions(result.targets_moved) == ["Moved"]
    assert result.targets_moved[0].summary == (
        "Target moved from 31 Dec 2021 to 30 Jun 2022: Waiting for the new system."
    )
    assert descriptions(result.awaiting_signoff) == ["Done"]
    assert descriptions(result.escalations) == ["Still red"]
    worse = next(row for row in result.moved_worse if row.action.description == "Worse")
    assert worse.summary == "Green: On track → Amber: At risk"


def test_an_update_after_the_meeting_changes_nothing_in_its_report(world):
    result = since_last_meeting(world["meetings"][THIS])
    everything = [row.action.description for _key, _title, rows in result.sections for row in rows]
    assert "Updated after the meeting" not in everything
    later = since_last_meeting(world["meetings"][LATER])
    assert descriptions(later.moved_worse) == ["Updated after the meeting"]
    assert "Newly overdue" in descriptions(later.escalations)


def test_first_meeting_has_no_comparison(world):
    first = since_last_meeting(world["meetings"][PREVIOUS])
    assert first.previous_meeting is None
    assert first.moved_worse == first.moved_better == first.escalations == []
    assert "first meeting" in first.since_label


def test_page_shows_only_what_the_viewer_may_read(world, client):
    outsider = PersonFactory(organisation=OrganisationFactory(), user=UserFactory())
    client.force_login(outsider.user)
    response = client.get(reverse("meeting_since_last", args=[world["meetings"][THIS].pk]))
    assert response.status_code == 200
    assert all(not rows for _key, _title, rows in response.context["report"].sections)


def test_page_lists_the_sections_for_a_reader(world, client):
    client.force_login(UserFactory(is_superuser=True))
    content = client.get(reverse("meeting_since_last", args=[world["meetings"][THIS].pk])).content.decode()
    assert "What changed since the last meeting" in content
    assert "Red or overdue for two meetings running" in content
    assert "Green: On track → Amber: At risk" in content


def test_query_count_does_not_grow_with_actions(world, client):
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("meeting_since_last", args=[world["meetings"][THIS].pk])
    plan = world["panel"].plans.get()

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    def add(n):
        for index in range(n):
            action = ActionFactory(plan=plan, created_at=noon(D(2021, 6, 1)), target_date=D(2021, 10, 1 + index % 28))
            report(action, D(2021, 9, 1), Rag.GREEN)
            report(action, D(2021, 10, 15), Rag.AMBER)

    add(10)
    few = count()
    add(190)
    assert count() == few
