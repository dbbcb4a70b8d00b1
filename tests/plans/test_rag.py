"""The RAG rules at their boundaries, and the database annotation agreeing with them."""

import datetime
import itertools

import pytest
from django.utils import timezone

from actionplans.kernel.clock import today
from actionplans.plans.models import Action
from actionplans.plans.rag import (
    ActionStatus,
    Rag,
    assess,
    count_conditions,
    due_soon_condition,
    due_soon_days,
    is_due_soon,
    status_label,
)
from tests.factories import ActionFactory, ProgressUpdateFactory

ON = datetime.date(2021, 11, 4)


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def rule(status=ActionStatus.IN_PROGRESS, rag=Rag.GREEN, target=None, updated=ON, cycle=90):
    return assess(
        status=status,
        reported_rag=rag,
        target_date=target,
        last_update_at=at_noon(updated) if updated else None,
        on=ON,
        cycle_days=cycle,
    )


class TestEffectiveRag:
    def test_due_today_is_not_overdue_and_keeps_the_reported_rag(self):
        result = rule(rag=Rag.GREEN, target=ON)
        assert result.rag == Rag.GREEN
        assert not result.is_overdue

    def test_due_yesterday_is_overdue_and_red_whatever_was_reported(self):
        for reported in (Rag.GREEN, Rag.AMBER, Rag.RED):
            result = rule(rag=reported, target=ON - datetime.timedelta(days=1))
            assert result.rag == Rag.RED
            assert result.is_overdue

    def test_overdue_without_any_update_is_red(self):
        result = rule(status=None, rag=None, target=ON - datetime.timedelta(days=1), updated=None)
        assert result.rag == Rag.RED
        assert result.is_overdue and result.is_not_yet_reported

    def test_complete_but_late_is_blue_and_not_overdue(self):
        result = rule(status=ActionStatus.COMPLETE, rag=Rag.BLUE, target=ON - datetime.timedelta(days=200))
        assert result.rag == Rag.BLUE
        assert not result.is_overdue
        assert result.label == "Blue: Complete"

    def test_no_update_and_not_overdue_is_not_yet_reported(self):
        result = rule(status=None, rag=None, target=ON + datetime.timedelta(days=10), updated=None)
        assert result.rag is None
        assert result.is_not_yet_reported
        assert not result.is_update_due
        assert result.label == "Not yet reported"

    def test_no_target_date_keeps_reported_rag(self):
        assert rule(rag=Rag.AMBER, target=None).rag == Rag.AMBER

    def test_labels_give_rag_as_text(self):
        assert rule(rag=Rag.AMBER).label == "Amber: At risk"
        assert rule(rag=Rag.RED).label == "Red: Off track"
        assert rule(rag=Rag.GREEN).label == "Green: On track"


class TestUpdateDue:
    def test_update_exactly_one_cycle_old_is_not_due(self):
        assert not rule(updated=ON - datetime.timedelta(days=90)).is_update_due

    def test_update_one_day_older_than_the_cycle_is_due(self):
        assert rule(updated=ON - datetime.timedelta(days=91)).is_update_due

    def test_stale_complete_action_needs_no_update(self):
        result = rule(status=ActionStatus.COMPLETE, rag=Rag.BLUE, updated=ON - datetime.timedelta(days=400))
        assert not result.is_update_due

    def test_cycle_comes_from_settings(self, settings):
        settings.TRACKER_REPORTING_CYCLE_DAYS = 30
        result = assess(
            status=ActionStatus.IN_PROGRESS,
            reported_rag=Rag.GREEN,
            target_date=None,
            last_update_at=at_noon(ON - datetime.timedelta(days=31)),
            on=ON,
        )
        assert result.is_update_due


class TestDueSoon:
    """Due soon: open, with a target date from today up to and including N days ahead."""

    @pytest.mark.parametrize(
        ("days_ahead", "expected"),
        [
            (30, True),  # exactly N days ahead
            (31, False),  # N + 1
            (1, True),
            (0, True),  # due today: not yet overdue
            (-1, False),  # overdue, not due soon
        ],
    )
    def test_the_window_runs_from_today_to_n_days_ahead(self, days_ahead, expected):
        assert is_due_soon(ON + datetime.timedelta(days=days_ahead), ON, days=30) is expected

    def test_a_complete_action_is_never_due_soon(self):
        assert not is_due_soon(ON, ON, is_complete=True, days=30)

    def test_an_action_without_a_target_date_is_never_due_soon(self):
        assert not is_due_soon(None, ON, days=30)

    def test_n_comes_from_settings(self, settings):
        settings.TRACKER_DUE_SOON_DAYS = 7
        assert due_soon_days() == 7
        assert is_due_soon(ON + datetime.timedelta(days=7), ON)
        assert not is_due_soon(ON + datetime.timedelta(days=8), ON)

    def test_the_default_is_thirty_days(self):
        assert due_soon_days() == 30

    @pytest.mark.django_db
    def test_the_database_condition_agrees(self):
        expected = {}
        for days_ahead, complete in itertools.product([None, -1, 0, 1, 14, 15], [False, True]):
            target = None if days_ahead is None else ON + datetime.timedelta(days=days_ahead)
            action = ActionFactory(target_date=target)
            if complete:
                done = {"status": ActionStatus.COMPLETE, "rag": Rag.BLUE, "reported_at": at_noon(ON)}
                ProgressUpdateFactory(action=action, **done)
            expected[action.pk] = is_due_soon(target, ON, is_complete=complete, days=14)
        annotated = Action.objects.with_rag(on=ON)
        due = set(annotated.filter(due_soon_condition(on=ON, days=14)).values_list("pk", flat=True))
        assert due == {pk for pk, is_due in expected.items() if is_due}
        assert len(due) == 3  # due today, tomorrow and in exactly 14 days


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (None, "Not started"),  # never reported on
        ("", "Not started"),
        (ActionStatus.NOT_STARTED, "Not started"),
        (ActionStatus.IN_PROGRESS, "In progress"),
        ("partially_complete", "Partially complete"),
        (ActionStatus.COMPLETE, "Complete"),
    ],
)
def test_the_status_in_words_is_the_newest_updates_or_not_started(status, words):
    assert status_label(status) == words


def test_an_unknown_status_is_refused_not_shown():
    with pytest.raises(ValueError):
        status_label("finished")


def test_today_is_the_as_at_date_when_set(settings):
    settings.TRACKER_AS_AT = datetime.date(2021, 11, 4)
    assert today() == datetime.date(2021, 11, 4)
    settings.TRACKER_AS_AT = None
    assert today() == timezone.localdate()


@pytest.mark.django_db
class TestAnnotationAgreesWithPythonRule:
    """Every combination of status, RAG, target date and update age around the
    boundaries: the database annotation and rag.assess() must give the same answer."""

    @staticmethod
    def every_combination(reported_rags=(Rag.AMBER,)) -> dict:
        """An action for each combination, with what rag.assess() says of it as at ON."""
        statuses = [None, ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETE]
        targets = [None, ON - datetime.timedelta(days=1), ON, ON + datetime.timedelta(days=1)]
        ages = [None, 0, 90, 91]
        expected = {}
        for status, target, age, reported in itertools.product(statuses, targets, ages, reported_rags):
            if (status is None) != (age is None):
                continue
            if status == ActionStatus.COMPLETE and reported != reported_rags[0]:
                continue  # complete is always reported Blue: once is enough
            action = ActionFactory(target_date=target)
            rag_value = reported_at = None
            if status is not None:
                rag_value = Rag.BLUE if status == ActionStatus.COMPLETE else reported
                reported_at = at_noon(ON - datetime.timedelta(days=age))
                # An older update first, to prove only the newest one counts.
                ProgressUpdateFactory(
                    action=action,
                    status=ActionStatus.IN_PROGRESS,
                    rag=Rag.RED,
                    reported_at=at_noon(ON - datetime.timedelta(days=age + 5)),
                )
                ProgressUpdateFactory(action=action, status=status, rag=rag_value, reported_at=reported_at)
            # The Python rule on what the updates say, not on anything the action keeps.
            expected[action.pk] = assess(
                status=status, reported_rag=rag_value, target_date=target, last_update_at=reported_at, on=ON
            )
        return expected

    def test_every_combination_agrees(self):
        expected = self.every_combination()
        annotated = Action.objects.with_rag(on=ON)
        assert annotated.count() == len(expected)
        for action in annotated:
            python = expected[action.pk]
            assert (action.effective_rag or None) == (python.rag.value if python.rag else None), action.pk
            assert action.is_overdue == python.is_overdue
            assert action.is_update_due == python.is_update_due
            assert action.is_not_yet_reported == python.is_not_yet_reported
            assert action.is_complete == python.is_complete
            assert action.assessment(on=ON) == python  # read from the annotations
        for action in Action.objects.all():
            assert action.assessment(on=ON) == expected[action.pk]  # assess() on the kept fields

    def test_the_count_conditions_pick_out_exactly_the_actions_the_annotations_do(self):
        self.every_combination(reported_rags=(Rag.GREEN, Rag.AMBER, Rag.RED))
        annotated = Action.objects.with_rag(on=ON)
        chosen = {
            **{rag.value: annotated.filter(effective_rag=rag.value) for rag in Rag},
            "": annotated.filter(effective_rag__isnull=True),
            "overdue": annotated.filter(is_overdue=True),
            "update_due": annotated.filter(is_update_due=True),
        }
        conditions = count_conditions(on=ON, cycle_days=90)
        assert conditions.keys() == chosen.keys()
        for key, condition in conditions.items():
            expected = set(chosen[key].values_list("pk", flat=True))
            assert set(Action.objects.filter(condition).values_list("pk", flat=True)) == expected, key
            assert expected, f"no action to tell {key!r} apart"
            # Negated (the tracker's "overdue: no"), every other action, whatever is NULL.
            others = set(Action.objects.exclude(pk__in=expected).values_list("pk", flat=True))
            assert set(Action.objects.filter(~condition).values_list("pk", flat=True)) == others, key
        # And counted together, grouped, in one query: what rag_counts_by() does.
        [(_, counts)] = Action.objects.rag_counts_by(on=ON)
        assert counts == {key: len(set(chosen[key].values_list("pk", flat=True))) for key in conditions}

    def test_rag_counts_by_counts_as_at_the_day_of_with_rag(self):
        late = ActionFactory(target_date=ON)  # due on ON: overdue the day after
        ProgressUpdateFactory(action=late, rag=Rag.GREEN, reported_at=at_noon(ON))
        [(_, on_the_day)] = Action.objects.with_rag(on=ON).rag_counts_by()
        [(_, day_after)] = Action.objects.with_rag(on=ON + datetime.timedelta(days=1)).rag_counts_by()
        assert (on_the_day["green"], on_the_day["overdue"]) == (1, 0)
        assert (day_after["red"], day_after["overdue"]) == (1, 1)

    def test_database_filters_and_counts_by_effective_rag(self):
        overdue = ActionFactory(target_date=ON - datetime.timedelta(days=3))
        ProgressUpdateFactory(action=overdue, rag=Rag.GREEN, reported_at=at_noon(ON))
        on_track = ActionFactory(target_date=ON + datetime.timedelta(days=3))
        ProgressUpdateFactory(action=on_track, rag=Rag.GREEN, reported_at=at_noon(ON))
        ActionFactory(target_date=None)
        actions = Action.objects.with_rag(on=ON)
        assert list(actions.filter(effective_rag=Rag.RED)) == [overdue]
        assert actions.rag_counts() == {"blue": 0, "green": 1, "amber": 0, "red": 1, "": 1}
        worst_first = list(actions.order_by("-rag_severity", "pk"))
        assert worst_first[0].effective_rag is None and worst_first[1] == overdue
