"""manage.py seed_scale (actionplans.scale): the generated council for benchmarks."""

import datetime
import io
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from actionplans import scale
from actionplans.measures.models import Measure, MeasureTarget, MeasureValue
from actionplans.meetings.lists import monitoring_list
from actionplans.meetings.models import MonitoringDecision
from actionplans.meetings.signoff import decision_error
from actionplans.plans.models import Action, ActionComment, Plan, ProgressUpdate, TargetDateRevision
from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.selectors import my_actions_page
from partners.access import DEMOCRATIC_SUPPORT_GROUP, viewer_for
from partners.models import Attendance, Body, Meeting, Membership, Organisation, Person
from recommendations.models import Recommendation, Source
from tests.factories import PersonFactory

N = 200
TODAY = datetime.date(2025, 6, 16)


def seed(*, seed=1, flush=False) -> str:
    out = io.StringIO()
    call_command("seed_scale", actions=N, seed=seed, today=TODAY.isoformat(), flush=flush, digest=True, stdout=out)
    return out.getvalue()


def digest_of(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("Digest: "))


@pytest.fixture
def seeded(db, settings):
    settings.TRACKER_AS_AT = TODAY  # the pages look at the data as at the day it was laid out around
    return seed()


def test_council_and_county_sizes_are_those_of_the_issue():
    council, county = scale.Sizes(scale.COUNCIL_ACTIONS), scale.Sizes(scale.COUNTY_ACTIONS)
    assert (council.actions, council.recommendations, council.updates, council.people, council.plans) == (
        20_000,
        3_000,
        100_000,
        400,
        60,
    )
    assert (county.recommendations, county.updates, county.people, county.plans) == (15_000, 500_000, 2_000, 300)
    # What the benchmark looks at keeps its size from council scale up, and shrinks below it.
    for sizes in (council, county):
        assert (sizes.featured_plan_actions, sizes.list_items, sizes.officer_actions) == (1_000, 300, 200)
    small = scale.Sizes(2_000)
    assert (small.featured_plan_actions, small.list_items, small.officer_actions) == (100, 30, 20)
    # Issue 10: 500 measures with 36 monthly values each at council scale, a page of them in the featured plan.
    assert (council.measures, scale.MEASURE_PERIODS, council.featured_plan_measures) == (500, 36, 100)
    assert (county.measures, county.featured_plan_measures, small.measures, small.featured_plan_measures) == (
        2_500,
        100,
        50,
        10,
    )


@pytest.mark.django_db(transaction=True)  # --flush truncates, which PostgreSQL refuses mid-transaction
def test_the_same_seed_on_the_same_day_gives_the_same_rows_and_another_seed_does_not():
    first = digest_of(seed())
    again = digest_of(seed(flush=True))
    other = digest_of(seed(seed=2, flush=True))
    assert first == again
    assert other != first


def test_the_counts_are_in_proportion(seeded):
    sizes = scale.Sizes(N)
    assert Action.objects.count() == N
    assert Recommendation.objects.count() == sizes.recommendations
    assert Person.objects.count() == sizes.people
    assert Plan.objects.count() == sizes.plans
    assert Organisation.objects.count() == sizes.organisations
    assert Body.objects.count() == sizes.bodies
    assert Source.objects.count() == sizes.sources
    assert abs(ProgressUpdate.objects.count() - sizes.updates) <= sizes.updates * 0.1
    assert Recommendation.objects.filter(parent__isnull=False).exists()  # nested, as papers print them
    assert Action.objects.filter(recommendation__isnull=True).exists()  # agreed in minutes
    assert Action.objects.filter(supporting_officers__isnull=False).exists()
    assert Action.objects.filter(partners__isnull=False).exists()
    assert TargetDateRevision.objects.exists()
    assert Membership.objects.exists() and Attendance.objects.exists()
    assert MonitoringDecision.objects.exists() and ActionComment.objects.exists()
    assert Measure.objects.count() == sizes.measures
    assert MeasureValue.objects.count() == sizes.measures * scale.MEASURE_PERIODS
    assert MeasureTarget.objects.exists()
    assert "Featured:" in seeded and "Accounts (password:" in seeded


def test_actions_are_a_realistic_mix_around_today(seeded):
    actions = Action.objects.with_rag(on=TODAY)
    assert actions.filter(is_complete=True).count() >= N * 0.2
    assert actions.filter(is_overdue=True).count() >= N * 0.1
    assert actions.filter(is_not_yet_reported=True).exists()
    assert actions.filter(is_update_due=True).exists()
    assert set(actions.values_list("effective_rag", flat=True)) == {*Rag.values, None}
    targets = Action.objects.filter(target_date__isnull=False).values_list("target_date", flat=True)
    assert min(targets) < TODAY - datetime.timedelta(days=365)
    assert max(targets) > TODAY + datetime.timedelta(days=180)
    assert Action.objects.filter(target_date__isnull=True, target_date_text="ongoing").exists()


def test_the_featured_plan_list_and_officer_have_the_sizes_the_benchmark_expects(seeded):
    sizes = scale.Sizes(N)
    featured = scale.featured(on=TODAY)
    assert featured.plan.actions.count() == sizes.featured_plan_actions
    assert featured.meeting.date >= TODAY + datetime.timedelta(days=scale.FEATURED_MEETING_AFTER_DAYS)
    assert len(monitoring_list(featured.meeting).items) == sizes.list_items
    page = my_actions_page(person=featured.officer)
    assert len(page.actions) == sizes.officer_actions


def test_each_role_has_an_account(seeded):
    users = scale.featured(on=TODAY).users
    assert set(users) == set(scale.ACCOUNTS)
    assert users[scale.ADMIN].is_superuser and users[scale.ADMIN].is_staff
    assert viewer_for(users[scale.SUPPORT]).is_support
    assert users[scale.SUPPORT].groups.filter(name=DEMOCRATIC_SUPPORT_GROUP).exists()
    panel = viewer_for(users[scale.PANEL])
    assert not panel.is_support and Body.objects.get(name=scale.FEATURED_BODY).pk in panel.body_ids
    assert Plan.objects.get(title=scale.FEATURED_PLAN).lead == users[scale.LEAD].person
    assert all(user.check_password(scale.PASSWORD_DEFAULT) for user in users.values())
    assert get_user_model().objects.count() == len(scale.ACCOUNTS)


def test_the_rows_pass_their_models_validation(seeded):
    for model in (
        Organisation,
        Person,
        Body,
        Membership,
        Meeting,
        Attendance,
        Source,
        Recommendation,
        Plan,
        Action,
        ProgressUpdate,
        TargetDateRevision,
        ActionComment,
        MonitoringDecision,
        Measure,
        MeasureTarget,
        MeasureValue,
    ):
        for obj in model.objects.order_by("pk")[:30]:
            obj.full_clean()


def test_every_measure_has_36_monthly_values_up_to_the_last_month_end(seeded):
    sizes = scale.Sizes(N)
    periods = scale.measure_periods(TODAY)
    assert len(periods) == scale.MEASURE_PERIODS and periods[-1] == datetime.date(2025, 5, 31)
    assert periods[0] == datetime.date(2022, 6, 30)
    for measure in Measure.objects.prefetch_related("values"):
        assert [value.period_end for value in measure.values.all()] == periods
        assert all(value.unit == measure.unit for value in measure.values.all())
        assert measure.baseline_date < periods[0] and measure.baseline_value is not None
    featured = scale.featured(on=TODAY)
    assert featured.plan.measures.count() == sizes.featured_plan_measures
    assert featured.body.core_measures.count() == sizes.core_measures
    assert featured.officer.owned_measures.exists()
    # The papers' units and rules are all there: counts behind percentages, bands, no target.
    assert set(Measure.objects.values_list("unit", flat=True)) >= {"percentage", "count"}
    assert MeasureValue.objects.filter(unit="percentage", denominator__isnull=False).exists()


def test_updates_keep_the_update_rules_and_revisions_follow_on_from_each_other(seeded):
    revisions = defaultdict(list)
    for revision in TargetDateRevision.objects.order_by("revised_at", "pk"):
        revisions[revision.action_id].append(revision)
    for action in Action.objects.all():
        moves = revisions[action.pk]
        for earlier, later in zip(moves, moves[1:], strict=False):
            assert later.previous_date == earlier.new_date
        if moves:
            assert action.target_date == moves[-1].new_date
        target = moves[0].previous_date if moves else action.target_date
        for update in action.updates.order_by("reported_at", "pk"):
            assert (update.rag == Rag.BLUE) == (update.status == ActionStatus.COMPLETE)
            moved_now = [m for m in moves if m.revised_at == update.reported_at]
            day = update.reported_at.date()
            if target is not None and target < day and update.rag in (Rag.GREEN, Rag.AMBER):
                assert moved_now and moved_now[-1].new_date >= day, f"{action} reported {update.rag} when overdue"
            if moved_now:
                target = moved_now[-1].new_date
        # Nothing is reported after it is complete.
        statuses = list(action.updates.order_by("reported_at", "pk").values_list("status", flat=True))
        assert ActionStatus.COMPLETE not in statuses[:-1]


def test_decisions_keep_the_sign_off_rules(seeded):
    meetings = Meeting.objects.filter(decisions__isnull=False).distinct().select_related("body")
    assert meetings.exists()
    for meeting in meetings:
        items = {item.key: item for item in monitoring_list(meeting).items}
        for decision in MonitoringDecision.objects.filter(meeting=meeting):
            key = f"r{decision.recommendation_id}" if decision.recommendation_id else f"a{decision.action_id}"
            assert key in items, f"a decision at {meeting} on an item not on its list"
            assert decision_error(state=items[key].state, decision=decision.decision, comment=decision.comment) is None


@pytest.mark.django_db
def test_a_database_with_data_is_refused_and_left_as_it_was():
    PersonFactory()
    before = Person.objects.count()
    with pytest.raises(CommandError, match="already holds data .*1 people.*--flush empties every table"):
        call_command("seed_scale", actions=N, stdout=io.StringIO())
    assert Person.objects.count() == before
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_too_few_actions_or_a_bad_date_are_refused():
    with pytest.raises(CommandError, match="--actions must be 100 or more"):
        call_command("seed_scale", actions=10, stdout=io.StringIO())
    with pytest.raises(CommandError, match="--today must be a date like"):
        call_command("seed_scale", actions=N, today="16/06/2025", stdout=io.StringIO())
    assert not Person.objects.exists()
