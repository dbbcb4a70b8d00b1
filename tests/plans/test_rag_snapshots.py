"""RAG snapshots (actionplans.plans.snapshots): the SQL that writes them agrees with the timeline
(actionplans.plans.timeline.ActionHistory.assessment_on) over random histories; every kind of
write keeps them right in its own transaction; the counts read from them; the check, the
rebuild and the command that keeps the dashboards' month-ends.

Run on PostgreSQL too (DATABASE_URL=postgres://...): the SQL is written for both databases.
"""

import calendar
import datetime
import random
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from actionplans.plans.editing.services import action_delete, action_update, target_date_revise
from actionplans.plans.models import Action, Plan, ProgressUpdate
from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.services import progress_update_record
from actionplans.plans.snapshots.models import RagSnapshot, RagSnapshotCount, RagSnapshotPeriod
from actionplans.plans.snapshots.reading import (
    action_rag_counts_by_period,
    plan_rag_counts_by_period,
    snapshots_check,
)
from actionplans.plans.snapshots.writer import periods_record, snapshots_rebuild, snapshots_refresh
from actionplans.plans.timeline import load_histories
from reports.dashboard.history import period_ends_shown, rag_history
from tests.factories import (
    ActionFactory,
    BodyFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    TargetDateRevisionFactory,
)

AS_AT = datetime.date(2024, 1, 15)
CYCLE_DAYS = 90


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


MONTH_ENDS = [month_end(year, month) for year in (2022, 2023) for month in range(1, 13)]
D = datetime.date


def local(day: datetime.date, hour: int = 12, minute: int = 0, second: int = 0, micro: int = 0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute, second, micro)))


@pytest.fixture
def as_at(settings):
    settings.TRACKER_AS_AT = AS_AT
    settings.TRACKER_REPORTING_CYCLE_DAYS = CYCLE_DAYS
    return AS_AT


def stored(period_end, action) -> tuple | None:
    row = RagSnapshot.objects.filter(period_id=period_end, action=action).first()
    return (row.rag, row.is_overdue, row.is_update_due) if row else None


def expected_from_timeline(period_ends) -> dict:
    """(period end, action id) -> (rag, is_overdue, is_update_due) by ActionHistory.assessment_on."""
    expected = {}
    for history in load_histories(Action.objects.all()):
        for period_end in period_ends:
            assessment = history.assessment_on(period_end, cycle_days=CYCLE_DAYS)
            if assessment is not None:
                expected[period_end, history.action_id] = (
                    assessment.rag.value if assessment.rag else "",
                    assessment.is_overdue,
                    assessment.is_update_due,
                )
    return expected


def all_stored() -> dict:
    return {
        (period_end, action_id): (rag_value, is_overdue, is_update_due)
        for period_end, action_id, rag_value, is_overdue, is_update_due in RagSnapshot.objects.values_list(
            "period_id", "action_id", "rag", "is_overdue", "is_update_due"
        )
    }


def assert_agrees_with_timeline():
    """Every stored row is what the timeline gives, and every plan's counts are its rows counted."""
    period_ends = list(RagSnapshotPeriod.objects.values_list("period_end", flat=True))
    assert all_stored() == expected_from_timeline(period_ends)
    counted = defaultdict(Counter)
    for row in RagSnapshot.objects.values("period_id", "plan_id", "rag", "is_overdue", "is_update_due"):
        counts = counted[row["period_id"], row["plan_id"]]
        counts[row["rag"] or "not_reported"] += 1
        counts["overdue"] += row["is_overdue"]
        counts["update_due"] += row["is_update_due"]
    columns = ["blue", "green", "amber", "red", "not_reported", "overdue", "update_due"]
    assert {
        (row["period_id"], row["plan_id"]): {column: row[column] for column in columns if row[column]}
        for row in RagSnapshotCount.objects.values("period_id", "plan_id", *columns)
    } == {key: {column: count for column, count in counts.items() if count} for key, counts in counted.items()}
    # The plan each row carries is the action's plan now.
    assert not RagSnapshot.objects.exclude(plan_id=F("action__plan_id")).exists()
    assert snapshots_check() == []


# --- Random histories ---------------------------------------------------------------------------


def random_moment(rnd: random.Random) -> datetime.datetime:
    """Mostly any moment from 2022 to the as-at date; often one on an edge of a period end: just
    before or at its cutoff (midnight local time, BST in summer), or at the edges of the
    reporting cycle before it."""
    if rnd.random() < 0.5:
        day = D(2021, 12, 1) + datetime.timedelta(days=rnd.randrange((AS_AT - D(2021, 12, 1)).days))
        return local(day, rnd.randrange(24), rnd.randrange(60))
    end = rnd.choice(MONTH_ENDS)
    stale_day = end - datetime.timedelta(days=CYCLE_DAYS)
    return rnd.choice(
        [
            local(end, 23, 30),
            local(end, 23, 59, 59, 999999),
            local(end + datetime.timedelta(days=1), 0, 0),
            local(end + datetime.timedelta(days=1), 0, 30),
            local(stale_day, 0, 0),
            local(stale_day - datetime.timedelta(days=1), 23, 59),
        ]
    )


def random_day(rnd: random.Random) -> datetime.date:
    """A target date: any day, or a period end or the day before one."""
    if rnd.random() < 0.4:
        return rnd.choice(MONTH_ENDS) - datetime.timedelta(days=rnd.choice([0, 1]))
    return D(2021, 12, 1) + datetime.timedelta(days=rnd.randrange(900))


REPORTS = [
    (ActionStatus.NOT_STARTED, Rag.GREEN),
    (ActionStatus.IN_PROGRESS, Rag.GREEN),
    (ActionStatus.IN_PROGRESS, Rag.AMBER),
    (ActionStatus.PARTIALLY_COMPLETE, Rag.RED),
    (ActionStatus.COMPLETE, Rag.BLUE),
]


def random_histories(rnd: random.Random, *, actions: int = 20) -> list[Action]:
    bodies = [BodyFactory(), BodyFactory()]
    plans = [PlanFactory(owning_body=rnd.choice(bodies)) for _ in range(3)]
    organisations = [OrganisationFactory(), None]
    people = [PersonFactory(organisation=rnd.choice(organisations)) for _ in range(3)]
    recommendations = [RecommendationFactory(source=SourceFactory()) for _ in range(2)]
    made = []
    for _ in range(actions):
        action = ActionFactory(
            plan=rnd.choice(plans),
            lead=rnd.choice([*people, None]),
            recommendation=rnd.choice([*recommendations, None]),
            created_at=random_moment(rnd),
            target_date=None if rnd.random() < 0.15 else random_day(rnd),
        )
        reported_at = None
        for _ in range(rnd.randrange(6)):
            if reported_at is None or rnd.random() > 0.1:  # sometimes two updates at the same moment
                reported_at = random_moment(rnd)
            status, rag_value = rnd.choice(REPORTS)
            ProgressUpdateFactory(action=action, reported_at=reported_at, status=status, rag=rag_value)
        for _ in range(rnd.choice([0, 0, 1, 2, 3])):
            TargetDateRevisionFactory(
                action=action,
                previous_date=None if rnd.random() < 0.2 else random_day(rnd),
                new_date=random_day(rnd),
                revised_at=random_moment(rnd),
            )
        made.append(action)
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("recorded", ["before the history is written", "after it"])
def test_the_sql_agrees_with_the_timeline_over_random_histories(db, as_at, seed, recorded):
    """Recorded first, the rows are kept right write by write (the signals); recorded after, they
    are written in one statement for every action (periods_record). Either way each row is what
    ActionHistory.assessment_on gives at that period end."""
    rnd = random.Random(seed)
    period_ends = sorted(rnd.sample(MONTH_ENDS, 8))
    if recorded == "before the history is written":
        periods_record(period_ends)
    random_histories(rnd)
    if recorded == "after it":
        assert periods_record(period_ends) == period_ends
    assert RagSnapshot.objects.exists()
    assert_agrees_with_timeline()


# --- Every kind of write keeps them right ---------------------------------------------------------

MARCH, JUNE, SEPTEMBER = D(2023, 3, 31), D(2023, 6, 30), D(2023, 9, 30)


@pytest.fixture
def kept(db, as_at):
    """Three month-ends recorded, then two plans' actions with a history written after."""
    periods_record([MARCH, JUNE, SEPTEMBER])
    plan, other_plan = PlanFactory(title="Plan"), PlanFactory(title="Other plan")
    action = ActionFactory(plan=plan, created_at=local(D(2023, 1, 10)), target_date=D(2023, 12, 31))
    ProgressUpdateFactory(action=action, reported_at=local(D(2023, 2, 1)), rag=Rag.GREEN)
    ProgressUpdateFactory(action=action, reported_at=local(D(2023, 8, 1)), rag=Rag.AMBER)
    neighbour = ActionFactory(plan=plan, created_at=local(D(2023, 1, 10)), target_date=None)
    elsewhere = ActionFactory(plan=other_plan, created_at=local(D(2023, 5, 1)), target_date=D(2023, 7, 31))
    return {"plan": plan, "other_plan": other_plan, "action": action, "neighbour": neighbour, "elsewhere": elsewhere}


def test_the_fixture_is_kept_right_as_it_is_written(kept):
    assert stored(MARCH, kept["action"]) == ("green", False, False)
    assert stored(SEPTEMBER, kept["action"]) == ("amber", False, False)
    assert stored(MARCH, kept["elsewhere"]) is None  # not created yet
    assert stored(SEPTEMBER, kept["elsewhere"]) == ("red", True, False)
    assert_agrees_with_timeline()


def test_a_progress_update_recorded_with_an_earlier_date(kept):
    progress_update_record(
        action=kept["action"],
        author=None,
        status=ActionStatus.IN_PROGRESS,
        rag_value=Rag.RED,
        narrative="Slipping.",
        reported_at=local(D(2023, 6, 30), 23, 30),
    )
    assert stored(MARCH, kept["action"]) == ("green", False, False)
    assert stored(JUNE, kept["action"]) == ("red", False, False)
    assert_agrees_with_timeline()


def test_a_progress_update_deleted(kept):
    ProgressUpdate.objects.get(action=kept["action"], reported_at=local(D(2023, 2, 1))).delete()
    assert stored(MARCH, kept["action"]) == ("", False, False)
    assert_agrees_with_timeline()


def test_a_progress_update_moved_to_another_day_and_another_action(kept):
    update = ProgressUpdate.objects.get(action=kept["action"], reported_at=local(D(2023, 8, 1)))
    update.reported_at = local(D(2023, 3, 15))
    update.save()
    assert stored(MARCH, kept["action"]) == ("amber", False, False)
    update.action = kept["neighbour"]
    update.save()
    assert stored(MARCH, kept["action"]) == ("green", False, False)
    assert stored(MARCH, kept["neighbour"]) == ("amber", False, False)
    assert_agrees_with_timeline()


def test_target_dates_revised_and_revisions_deleted(kept):
    action = kept["action"]
    # A revision back in May, whose previous date was the target before it: overdue in March.
    revision = TargetDateRevisionFactory(
        action=action, previous_date=D(2023, 3, 1), new_date=D(2023, 12, 31), revised_at=local(D(2023, 5, 1))
    )
    assert stored(MARCH, action) == ("red", True, False)
    assert stored(JUNE, action) == ("green", False, True)  # and no update since February
    revision.delete()
    assert stored(MARCH, action) == ("green", False, False)
    # The service moves the target from today on: the past stays as it was.
    target_date_revise(action=action, new_date=D(2024, 6, 30), reason="Funding moved.", by=None)
    assert stored(SEPTEMBER, action) == ("amber", False, False)
    assert_agrees_with_timeline()


def test_a_target_date_set_on_an_action_that_had_none(kept):
    """action_update writes with QuerySet.update (no post_save): AuditedQuerySet's bulk_written
    signal keeps the snapshots right."""
    neighbour = kept["neighbour"]
    assert stored(SEPTEMBER, neighbour) == ("", False, False)
    action_update(
        action=neighbour,
        expected_version=neighbour.version,
        description=neighbour.description,
        target_date=D(2023, 4, 30),
    )
    assert stored(MARCH, neighbour) == ("", False, False)
    assert stored(JUNE, neighbour) == ("red", True, False)
    assert_agrees_with_timeline()


def test_actions_created_back_dated_and_re_dated(kept):
    created = ActionFactory(plan=kept["plan"], created_at=local(D(2023, 6, 30), 23, 59), target_date=None)
    assert stored(MARCH, created) is None
    assert stored(JUNE, created) == ("", False, False)
    Action.objects.filter(pk=created.pk).update(created_at=local(D(2023, 8, 1)))
    assert stored(JUNE, created) is None
    assert_agrees_with_timeline()


def test_an_action_moved_to_another_plan_counts_in_its_new_plan_only(kept):
    action = kept["action"]
    action.plan = kept["other_plan"]
    action.save()
    counts = {(row.period_id, row.plan_id): row.amber for row in RagSnapshotCount.objects.all()}
    assert counts[SEPTEMBER, kept["other_plan"].pk] == 1
    assert counts[SEPTEMBER, kept["plan"].pk] == 0
    assert_agrees_with_timeline()


def test_an_action_moved_by_a_bulk_write(kept):
    Action.objects.filter(pk=kept["action"].pk).update(plan=kept["other_plan"])
    assert RagSnapshotCount.objects.get(period_id=SEPTEMBER, plan=kept["other_plan"]).amber == 1
    assert_agrees_with_timeline()


def test_actions_and_plans_deleted(kept):
    action_delete(action=kept["action"])
    assert not RagSnapshot.objects.filter(action_id=kept["action"].pk).exists()
    assert_agrees_with_timeline()
    kept["other_plan"].delete()
    assert not RagSnapshotCount.objects.filter(plan_id=kept["other_plan"].pk).exists()
    assert_agrees_with_timeline()
    # pytest-django checks the deferred foreign keys when the test ends: no row is left
    # pointing at a deleted action or plan.


def test_bulk_writes_of_updates(kept):
    ProgressUpdate.objects.filter(action=kept["action"]).update(reported_at=local(D(2023, 7, 1)))
    assert stored(JUNE, kept["action"]) == ("", False, False)
    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                action=kept["elsewhere"],
                reported_at=local(D(2023, 6, 1)),
                status="complete",
                rag=Rag.BLUE,
                narrative="Done.",
            )
        ]
    )
    assert stored(JUNE, kept["elsewhere"]) == ("blue", False, False)
    assert_agrees_with_timeline()


def test_a_write_that_fails_leaves_the_snapshots_as_they_were(kept):
    from django.db import IntegrityError, transaction

    before = all_stored()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(action=kept["action"], reported_at=local(D(2023, 3, 1)), rag=Rag.RED)
        assert stored(MARCH, kept["action"]) == ("red", False, False)
        ProgressUpdateFactory(action=kept["action"], status=ActionStatus.COMPLETE, rag=Rag.RED)  # breaks a constraint
    assert all_stored() == before


def test_a_refresh_takes_the_same_queries_for_one_action_or_many(kept, django_assert_num_queries):
    ids = [ActionFactory(plan=kept["plan"], created_at=local(D(2023, 1, 1))).pk for _ in range(30)]
    # 1 whether any period is kept from that day, 1 savepoint, 1 the plans they are in and
    # were in, 1 delete their rows, 1 write them, 1 delete their plans' counts, 1 write them,
    # 1 savepoint released.
    with django_assert_num_queries(8):
        snapshots_refresh(action_ids=[kept["action"].pk])
    with django_assert_num_queries(8):
        snapshots_refresh(action_ids=ids)
    assert_agrees_with_timeline()


def test_an_update_reported_today_costs_one_query_for_the_snapshots(kept, django_assert_num_queries):
    update = ProgressUpdate(action=kept["action"], status=ActionStatus.IN_PROGRESS, rag=Rag.RED, narrative="Today.")
    with django_assert_num_queries(1):
        snapshots_refresh(action_ids=[kept["action"].pk], since=AS_AT)
    before = all_stored()
    update.save()
    assert all_stored() == before
    assert_agrees_with_timeline()


# --- Recording periods ------------------------------------------------------------------------------


def test_only_month_ends_that_have_passed_are_recorded(db, as_at):
    with pytest.raises(ValueError, match="month-ends before 2024-01-15"):
        periods_record([D(2023, 6, 15)])
    with pytest.raises(ValueError, match="2024-01-31"):
        periods_record([D(2024, 1, 31)])
    assert not RagSnapshotPeriod.objects.exists()


def test_recording_again_writes_nothing_in_one_query(kept, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert periods_record([MARCH, JUNE]) == []
    assert periods_record([MARCH, D(2023, 4, 30)]) == [D(2023, 4, 30)]
    assert stored(D(2023, 4, 30), kept["action"]) == ("green", False, False)
    assert_agrees_with_timeline()


def test_a_new_reporting_cycle_or_time_zone_works_the_periods_out_again(kept, settings):
    """A period keeps the cycle and cutoffs it was worked out with; the first reader after a
    change of either works it out again."""
    assert stored(SEPTEMBER, kept["neighbour"]) == ("", False, False)
    ProgressUpdateFactory(action=kept["neighbour"], reported_at=local(D(2023, 7, 31)), rag=Rag.GREEN)
    assert stored(SEPTEMBER, kept["neighbour"]) == ("green", False, False)
    settings.TRACKER_REPORTING_CYCLE_DAYS = 30
    assert snapshots_check()  # recorded under the old cycle
    assert periods_record([MARCH, JUNE, SEPTEMBER]) == [MARCH, JUNE, SEPTEMBER]
    assert stored(SEPTEMBER, kept["neighbour"]) == ("green", False, True)
    assert snapshots_check() == []
    settings.TIME_ZONE = "America/New_York"
    assert periods_record([SEPTEMBER]) == [SEPTEMBER]
    assert RagSnapshotPeriod.objects.get(pk=SEPTEMBER).cutoff == timezone.make_aware(
        datetime.datetime(2023, 10, 1), timezone.get_default_timezone()
    )


# --- Reading -----------------------------------------------------------------------------------------


def python_counts(period_ends, key) -> dict:
    """(period end, key of the action) -> counts, from the timeline."""
    actions = {action.pk: action for action in Action.objects.select_related("plan", "lead", "recommendation")}
    counts = defaultdict(Counter)
    for (period_end, action_id), (rag_value, is_overdue, is_update_due) in expected_from_timeline(period_ends).items():
        group = counts[period_end, key(actions[action_id])]
        group[rag_value] += 1
        group["overdue"] += is_overdue
        group["update_due"] += is_update_due
    return {group: {name: count for name, count in counter.items() if count} for group, counter in counts.items()}


def read(rows, field=None) -> dict:
    return {
        (period_end, values[field] if field else None): {name: count for name, count in counts.items() if count}
        for period_end, values, counts in rows
    }


def test_counts_by_period_by_plan_body_source_organisation_and_lead(db, as_at):
    random_histories(random.Random(7), actions=30)
    period_ends = [MARCH, JUNE, SEPTEMBER, D(2023, 12, 31)]
    periods_record(period_ends)
    plans = Plan.objects.all()
    assert read(plan_rag_counts_by_period(plans, period_ends)) == python_counts(period_ends, lambda a: None)
    assert read(plan_rag_counts_by_period(plans, period_ends, "pk"), "pk") == python_counts(
        period_ends, lambda a: a.plan_id
    )
    assert read(plan_rag_counts_by_period(plans, period_ends, "owning_body"), "owning_body") == python_counts(
        period_ends, lambda a: a.plan.owning_body_id
    )
    actions = Action.objects.all()
    for field, key in [
        ("lead", lambda a: a.lead_id),
        ("lead__organisation", lambda a: a.lead.organisation_id if a.lead else None),
        ("recommendation__source", lambda a: a.recommendation.source_id if a.recommendation else None),
    ]:
        assert read(action_rag_counts_by_period(actions, period_ends, field), field) == python_counts(period_ends, key)
    # Scoped to some plans, and to the month-ends asked for.
    one = plans.first()
    assert read(plan_rag_counts_by_period(plans.filter(pk=one.pk), [JUNE])) == {
        key: value
        for key, value in python_counts([JUNE], lambda a: None if a.plan_id == one.pk else "other").items()
        if key[1] is None
    }


# --- The check, the rebuild and the command -------------------------------------------------------


def test_the_check_finds_rows_and_counts_that_are_wrong_and_the_rebuild_mends_them(kept):
    RagSnapshot.objects.filter(action=kept["action"], period_id=JUNE).update(rag="red", is_overdue=True)
    RagSnapshotCount.objects.filter(plan=kept["other_plan"], period_id=SEPTEMBER).update(red=5)
    RagSnapshot.objects.filter(action=kept["neighbour"], period_id=MARCH).delete()
    found = {(d.period_end, d.what) for d in snapshots_check()}
    assert found == {
        (JUNE, f"action {kept['action'].pk}"),
        (SEPTEMBER, f"plan {kept['other_plan'].pk}"),
        (MARCH, f"action {kept['neighbour'].pk}"),
    }
    assert snapshots_rebuild() == RagSnapshot.objects.count() == 8
    assert_agrees_with_timeline()


def test_the_command_records_the_month_ends_the_dashboards_show_and_forgets_older_ones(kept, capsys):
    shown = period_ends_shown(on=AS_AT)
    # The last 8 quarters and 12 months, the current ones so far: 14 month-ends have passed.
    assert shown[0] == D(2022, 6, 30) and shown[-1] == D(2023, 12, 31) and len(shown) == 14
    periods_record([D(2021, 12, 31)])
    call_command("rag_snapshots")
    assert list(RagSnapshotPeriod.objects.values_list("period_end", flat=True)) == shown
    assert "recorded now: 11; forgotten: 1." in capsys.readouterr().out
    assert_agrees_with_timeline()


def test_the_command_checks_and_rebuilds(kept, capsys):
    call_command("rag_snapshots", "--check")
    assert "Every kept RAG snapshot agrees" in capsys.readouterr().out
    RagSnapshot.objects.filter(action=kept["action"], period_id=JUNE).update(rag="amber")
    with pytest.raises(CommandError, match="1 kept RAG snapshot"):
        call_command("rag_snapshots", "--check")
    assert f"action {kept['action'].pk}: stored" in capsys.readouterr().out
    call_command("rag_snapshots", "--rebuild")
    assert "Rebuilt:" in capsys.readouterr().out
    call_command("rag_snapshots", "--check")


def test_the_dashboards_rag_over_time_follows_a_write_into_the_past(kept):
    plans = Plan.objects.filter(pk=kept["plan"].pk)

    def june():
        months = rag_history(plans=plans).months
        return next(figures.summary for figures in months if figures.period.end == JUNE)

    assert june().counts == {"blue": 0, "green": 1, "amber": 0, "red": 0, "": 1}
    progress_update_record(
        action=kept["neighbour"],
        author=None,
        status=ActionStatus.IN_PROGRESS,
        rag_value=Rag.RED,
        narrative="Reported late, dated when it happened.",
        reported_at=local(D(2023, 6, 1)),
    )
    assert june().counts == {"blue": 0, "green": 1, "amber": 0, "red": 1, "": 0}
