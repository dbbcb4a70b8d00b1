"""Each action keeps its newest progress update's status, RAG and date (Action.latest_status,
latest_rag, last_update_at) so pages read the RAG without a subquery per action.

After every kind of write they equal a computation from scratch (tests.latest; tests/conftest.py
checks that after every test of the suite as well); `manage.py check_latest_updates` finds and
repairs any that do not; keeping them leaves no history on the action; and the lookups of a
person's actions and readable plans that replaced joins give the same rows."""

import datetime
import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.demo import load_demo
from actionplans.kernel.urls import pk_url
from actionplans.plans.access import readable_plans
from actionplans.plans.latest import latest_disagreements, repair_latest
from actionplans.plans.models import LATEST_FIELDS, Action, Plan, ProgressUpdate
from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.services import progress_update_record
from partners.access import viewer_for
from partners.models import Person
from recommendations.models import Recommendation
from reports.bulk_update.services import bulk_update_apply, bulk_update_preview
from reports.bulk_update.sheet import SheetRow, version_marker
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    UserFactory,
)
from tests.latest import assert_latest_updates_agree, latest_update_mismatches

AS_AT = datetime.date(2021, 11, 4)
NOTHING = (None, None, None)


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def days_ago(days: int) -> datetime.datetime:
    return at_noon(AS_AT - datetime.timedelta(days=days))


def kept(action) -> tuple:
    """What the database holds for the action, whatever any instance in memory says."""
    return Action.objects.values_list(*LATEST_FIELDS).get(pk=action.pk)


def values_of(update: ProgressUpdate) -> tuple:
    return (update.status, update.rag, update.reported_at)


def post(action, *, status=ActionStatus.IN_PROGRESS, rag=Rag.GREEN, at=None, **fields) -> ProgressUpdate:
    return ProgressUpdateFactory(action=action, status=status, rag=rag, reported_at=at or days_ago(0), **fields)


@pytest.fixture
def as_at(settings):
    settings.TRACKER_AS_AT = AS_AT


@pytest.fixture
def action(db, as_at):
    return ActionFactory(target_date=datetime.date(2022, 3, 31))


# --- One update at a time ----------------------------------------------------------------------


def test_an_action_never_reported_on_keeps_nothing(action):
    assert kept(action) == NOTHING
    assert action.assessment().is_not_yet_reported


def test_the_newest_update_is_kept_and_a_backdated_one_does_not_displace_it(action):
    newest = post(action, rag=Rag.AMBER, at=days_ago(5))
    post(action, rag=Rag.RED, at=days_ago(40))
    assert kept(action) == values_of(newest)


def test_of_two_updates_reported_at_the_same_time_the_later_written_is_newest(action):
    post(action, rag=Rag.AMBER, at=days_ago(5))
    second = post(action, rag=Rag.RED, at=days_ago(5))
    assert kept(action) == values_of(second)


def test_editing_the_newest_update_back_in_time_hands_over_to_the_next_newest(action):
    older = post(action, rag=Rag.AMBER, at=days_ago(20))
    newest = post(action, rag=Rag.GREEN, at=days_ago(5))
    newest = ProgressUpdate.objects.get(pk=newest.pk)
    newest.reported_at = days_ago(30)
    newest.save()
    assert kept(action) == values_of(older)


def test_moving_an_update_to_another_action_refreshes_both(action):
    other = ActionFactory()
    update = ProgressUpdate.objects.get(pk=post(action).pk)
    update.action = other
    update.save()
    assert kept(action) == NOTHING
    assert kept(other) == values_of(update)


def test_deleting_the_newest_update_falls_back_to_the_one_before_then_to_nothing(action):
    older = post(action, rag=Rag.AMBER, at=days_ago(20))
    newest = post(action, rag=Rag.GREEN, at=days_ago(5))
    newest.delete()
    assert kept(action) == values_of(older)
    older.delete()
    assert kept(action) == NOTHING


def test_the_action_an_update_holds_is_kept_up_to_date_too(action):
    post(action, status=ActionStatus.COMPLETE, rag=Rag.BLUE)
    assert action.latest_status == ActionStatus.COMPLETE
    assert action.assessment().rag == Rag.BLUE
    assert action.current_status_label == "Complete"


def test_saving_an_action_read_before_an_update_does_not_undo_the_update(action):
    stale = Action.objects.get(pk=action.pk)
    update = post(action, rag=Rag.AMBER)
    stale.description = "Present the findings to the Council"
    stale.save()
    assert kept(action) == values_of(update)
    assert stale.latest_rag == Rag.AMBER


def test_a_copy_of_an_action_saved_as_new_starts_with_nothing(action):
    post(action)
    copy = Action.objects.get(pk=action.pk)
    copy.pk, copy.reference, copy.position = None, "9.9", 99
    copy.save()
    assert kept(copy) == NOTHING


def test_the_service_records_an_update_and_keeps_it_in_one_go(action):
    update = progress_update_record(
        action=action, author=None, status=ActionStatus.IN_PROGRESS, rag_value=Rag.AMBER, narrative="Begun."
    )
    assert kept(action) == values_of(update)


# --- Bulk writes ---------------------------------------------------------------------------------


def test_bulk_create_keeps_each_actions_newest(action):
    other = ActionFactory()
    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(action=action, status="in_progress", rag="green", narrative="a", reported_at=days_ago(9)),
            ProgressUpdate(action=action, status="in_progress", rag="red", narrative="b", reported_at=days_ago(2)),
            ProgressUpdate(action=other, status="complete", rag="blue", narrative="c", reported_at=days_ago(4)),
        ]
    )
    assert kept(action) == ("in_progress", "red", days_ago(2))
    assert kept(other) == ("complete", "blue", days_ago(4))


def test_queryset_update_keeps_the_newest_even_when_it_reorders_or_moves_updates(action):
    other = ActionFactory()
    older = post(action, rag=Rag.AMBER, at=days_ago(20))
    post(action, rag=Rag.GREEN, at=days_ago(5))
    ProgressUpdate.objects.filter(pk=older.pk).update(reported_at=days_ago(1))
    assert kept(action) == (ActionStatus.IN_PROGRESS, Rag.AMBER, days_ago(1))
    ProgressUpdate.objects.filter(pk=older.pk).update(action=other)
    assert kept(action) == (ActionStatus.IN_PROGRESS, Rag.GREEN, days_ago(5))
    assert kept(other) == (ActionStatus.IN_PROGRESS, Rag.AMBER, days_ago(1))
    ProgressUpdate.objects.filter(action=other).update(status=ActionStatus.COMPLETE, rag=Rag.BLUE)
    assert kept(other) == (ActionStatus.COMPLETE, Rag.BLUE, days_ago(1))


def test_bulk_update_keeps_the_newest_of_the_old_and_new_actions(action):
    other = ActionFactory()
    first, second = post(action, at=days_ago(20)), post(action, rag=Rag.RED, at=days_ago(5))
    second.action, first.rag = other, Rag.AMBER
    ProgressUpdate.objects.bulk_update([first, second], ["action", "rag"])
    assert kept(action) == (ActionStatus.IN_PROGRESS, Rag.AMBER, days_ago(20))
    assert kept(other) == values_of(second)


def test_queryset_delete_keeps_what_is_left(action):
    older = post(action, at=days_ago(20))
    post(action, rag=Rag.RED, at=days_ago(5))
    other = ActionFactory()
    post(other)
    ProgressUpdate.objects.filter(action=action, reported_at__gt=days_ago(10)).delete()
    assert kept(action) == values_of(older)
    action.updates.all().delete()
    assert kept(action) == NOTHING
    assert kept(other) != NOTHING


def test_deleting_an_action_or_a_plan_takes_its_updates_and_leaves_the_rest_right(action):
    plan = action.plan
    post(action)
    sibling = ActionFactory(plan=plan)
    post(sibling)
    elsewhere = ActionFactory()
    kept_elsewhere = values_of(post(elsewhere))
    action.delete()
    assert_latest_updates_agree()
    plan_id = plan.pk
    plan.delete()
    assert not ProgressUpdate.objects.filter(action__plan_id=plan_id).exists()
    assert kept(elsewhere) == kept_elsewhere


# --- The pages, the upload, the import, the admin and the demo ------------------------------------


@pytest.fixture
def lead_client(client, action):
    user = UserFactory(username="lead")
    action.lead.user = user
    action.lead.save()
    client.force_login(user)
    return client


def test_an_update_posted_on_the_action_page_is_kept(lead_client, action):
    response = lead_client.post(
        reverse("progress_update_create", args=[action.pk]),
        {"status": ActionStatus.PARTIALLY_COMPLETE, "rag": Rag.AMBER, "narrative": "Half the schools visited."},
    )
    assert response.status_code == 302
    update = action.updates.get()
    assert kept(action) == (ActionStatus.PARTIALLY_COMPLETE, Rag.AMBER, update.reported_at)


def test_updates_posted_by_uploading_an_update_sheet_are_kept(action):
    user = UserFactory(username="manager", is_superuser=True, is_staff=True)
    second = ActionFactory(plan=action.plan, target_date=datetime.date(2022, 6, 30))
    post(second, at=days_ago(30))
    viewer = viewer_for(user)
    rows = [
        SheetRow(
            number=2,
            action_id=str(action.pk),
            version=version_marker(action.version, None),
            new_status="In progress",
            new_rag="Amber",
            narrative="Begun.",
        ),  # noqa: E501
        SheetRow(
            number=3,
            action_id=str(second.pk),
            version=version_marker(second.version, second.updates.get().pk),
            new_status="Complete",
            new_rag="Blue",
            narrative="Done.",
        ),  # noqa: E501
    ]
    preview = bulk_update_preview(viewer=viewer, user_id=user.pk, sheet_rows=rows, on=AS_AT)
    assert len(preview.ready) == 2, [row.messages for row in preview.rows]
    bulk_update_apply(viewer=viewer, preview=preview, on=AS_AT)
    assert kept(action)[:2] == (ActionStatus.IN_PROGRESS, Rag.AMBER)
    assert kept(second)[:2] == (ActionStatus.COMPLETE, Rag.BLUE)


def test_statuses_read_from_an_imported_plan_are_kept(db, tmp_path):
    body = BodyFactory()
    path = tmp_path / "plan.csv"
    path.write_text("Ref,Action,Status\n1.1,Audit the plans,Complete\n1.2,Train the staff,Amber\n1.3,Report back,\n")
    call_command("import_plan", str(path), title="Imported plan", body=body.name, stdout=io.StringIO())
    actions = {a.reference: a for a in Action.objects.filter(plan__title="Imported plan")}
    assert kept(actions["1.1"])[:2] == (ActionStatus.COMPLETE, Rag.BLUE)
    assert kept(actions["1.2"])[1] == Rag.AMBER
    assert kept(actions["1.3"]) == NOTHING


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def admin_form(update: ProgressUpdate, **changes) -> dict:
    local = timezone.localtime(changes.pop("reported_at", update.reported_at))
    return {
        "action": update.action_id,
        "author": update.author_id or "",
        "reported_at_0": local.date().isoformat(),
        "reported_at_1": local.time().isoformat(),
        "status": update.status,
        "rag": update.rag,
        "narrative": update.narrative,
        "evidence_url": update.evidence_url,
    } | changes


def test_an_update_changed_or_deleted_in_the_admin_is_kept(admin_client, action):
    older = post(action, rag=Rag.AMBER, at=days_ago(20))
    newest = post(action, rag=Rag.GREEN, at=days_ago(5))
    response = admin_client.post(
        reverse("admin:actionplans_progressupdate_change", args=[newest.pk]), admin_form(newest, rag=Rag.RED)
    )
    assert response.status_code == 302
    assert kept(action)[1] == Rag.RED
    response = admin_client.post(reverse("admin:actionplans_progressupdate_delete", args=[newest.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert kept(action) == values_of(older)
    response = admin_client.post(
        reverse("admin:actionplans_progressupdate_changelist"),
        {"action": "delete_selected", "_selected_action": [older.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert kept(action) == NOTHING


def test_an_action_edited_in_the_admin_keeps_its_newest_update(admin_client, action):
    update = post(action, rag=Rag.AMBER)
    response = admin_client.get(reverse("admin:actionplans_action_change", args=[action.pk]))
    assert "latest_rag" not in response.context["adminform"].form.fields  # derived: nobody types it
    Action.objects.filter(pk=action.pk).update(description="Changed by somebody else meanwhile")
    stale = response.context["original"]
    stale.save()
    assert kept(action) == values_of(update)


def test_the_demo_load_keeps_every_actions_newest_update(db):
    load_demo()
    assert ProgressUpdate.objects.exists()
    assert Action.objects.exclude(latest_status=None).count() == (
        Action.objects.filter(updates__isnull=False).distinct().count()
    )
    assert_latest_updates_agree()


# --- History ---------------------------------------------------------------------------------------


def test_keeping_the_newest_update_adds_no_history_row_to_the_action(action):
    before = action.history.count()
    update = post(action)
    update.reported_at = days_ago(3)
    update.save()
    ProgressUpdate.objects.filter(pk=update.pk).update(rag=Rag.AMBER)
    update.delete()
    assert action.history.count() == before
    history_fields = {field.name for field in Action.history.model._meta.fields}
    assert not history_fields & set(LATEST_FIELDS)


# --- The check ----------------------------------------------------------------------------------


def tamper(action, **values):
    """Write the kept fields behind the model's back, as raw SQL or a careless script would."""
    Action.objects.filter(pk=action.pk).update(**values)


def test_the_check_passes_when_everything_agrees(action):
    post(action)
    out = io.StringIO()
    call_command("check_latest_updates", stdout=out)
    assert "agrees" in out.getvalue()
    assert latest_disagreements() == []


def test_the_check_finds_a_tampered_action_and_fails_until_fixed(action):
    right = ActionFactory()
    post(right)
    update = post(action, rag=Rag.GREEN, at=days_ago(5))
    tamper(action, latest_rag=Rag.RED)
    unreported = ActionFactory()
    tamper(unreported, latest_status=ActionStatus.IN_PROGRESS, latest_rag=Rag.AMBER, last_update_at=days_ago(1))
    assert set(latest_update_mismatches()) == {action.pk, unreported.pk}  # the oracle agrees with the check
    found = latest_disagreements()
    assert [d.action_id for d in found] == sorted([action.pk, unreported.pk])
    assert found[0].kept == (update.status, Rag.RED, update.reported_at)
    assert found[0].fresh == values_of(update)

    out = io.StringIO()
    with pytest.raises(CommandError, match="2 actions disagree"):
        call_command("check_latest_updates", stdout=out)
    assert f"Action {action.pk}: holds status in_progress, RAG red" in out.getvalue()
    assert f"Action {unreported.pk}: holds status in_progress, RAG amber" in out.getvalue()
    assert "its updates say no update" in out.getvalue()
    assert kept(action)[1] == Rag.RED  # a check alone changes nothing

    out = io.StringIO()
    call_command("check_latest_updates", "--fix", stdout=out)
    assert "Repaired 2 actions." in out.getvalue()
    assert kept(action) == values_of(update)
    assert kept(unreported) == NOTHING
    call_command("check_latest_updates", stdout=io.StringIO())


def test_a_null_on_one_side_only_is_a_disagreement(action):
    update = post(action)
    tamper(action, latest_status=None, latest_rag=None, last_update_at=None)
    assert [d.action_id for d in latest_disagreements()] == [action.pk]
    assert repair_latest(latest_disagreements()) == []
    assert kept(action) == values_of(update)


def test_the_database_refuses_a_half_kept_or_impossible_newest_update(action):
    for values in (
        {"latest_status": ActionStatus.IN_PROGRESS},
        {"latest_status": ActionStatus.COMPLETE, "latest_rag": Rag.GREEN, "last_update_at": days_ago(1)},
        {"latest_status": ActionStatus.IN_PROGRESS, "latest_rag": Rag.BLUE, "last_update_at": days_ago(1)},
        {"latest_status": "finished", "latest_rag": Rag.BLUE, "last_update_at": days_ago(1)},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            tamper(action, **values)


def test_the_migration_fills_every_action_from_its_updates(action):
    post(action, rag=Rag.AMBER, at=days_ago(9))
    post(action, rag=Rag.RED, at=days_ago(3))
    other = ActionFactory()
    post(other, status=ActionStatus.COMPLETE, rag=Rag.BLUE)
    Action.objects.update(latest_status=None, latest_rag=None, last_update_at=None)
    migration = importlib.import_module("actionplans.migrations.0004_action_latest_update")
    migration.fill_latest_updates(apps, SimpleNamespace(connection=SimpleNamespace(alias="default")))
    assert kept(action) == (ActionStatus.IN_PROGRESS, Rag.RED, days_ago(3))
    assert_latest_updates_agree()


# --- The RAG read from the kept fields ------------------------------------------------------------


def test_filters_and_counts_read_the_kept_fields_without_a_subquery(action, django_assert_num_queries):
    post(action, rag=Rag.AMBER)
    queryset = Action.objects.with_rag()
    assert str(queryset.query).count("SELECT") == 1  # no subquery in it
    with django_assert_num_queries(1):
        assert queryset.rag_counts()[Rag.AMBER] == 1


# --- A person's actions and the plans they may read -------------------------------------------------


def joined_responsible(person):
    """The join the indexed lookups replaced, kept here as the reference."""
    return Action.objects.filter(Q(lead=person) | Q(supporting_officers=person)).distinct()


def test_a_persons_actions_are_those_the_join_gave_in_the_same_order(db):
    sue, ann = PersonFactory(name="Sue"), PersonFactory(name="Ann")
    plan = PlanFactory()
    led = ActionFactory(plan=plan, lead=sue)
    led_and_supported = ActionFactory(plan=plan, lead=sue)
    led_and_supported.supporting_officers.add(sue, ann)
    supported = ActionFactory(lead=ann)
    supported.supporting_officers.add(sue)
    ActionFactory(lead=ann)
    for person in (sue, ann, PersonFactory(name="Nobody")):
        assert list(Action.objects.responsible(person)) == list(joined_responsible(person))
        assert list(Action.objects.for_person(person)) == list(
            joined_responsible(person).order_by("plan__title", "position", "pk")
        )
    assert set(Action.objects.responsible(sue)) == {led, led_and_supported, supported}
    assert "DISTINCT" not in str(Action.objects.responsible(sue).query)


def joined_readable_plans(viewer):
    """The four-way join readable_plans() used to make, kept here as the reference."""
    if viewer.is_manager:
        return Plan.objects.all()
    person = viewer.person
    if person is None:
        return Plan.objects.none()
    condition = (
        Q(lead=person)
        | Q(owning_body_id__in=viewer.body_ids)
        | Q(actions__lead=person)
        | Q(actions__supporting_officers=person)
    )
    if person.organisation_id:
        condition |= Q(owning_body__organisation_id=person.organisation_id)
    return Plan.objects.filter(pk__in=Plan.objects.filter(condition).values("pk"))


def test_readable_plans_are_those_the_join_gave_for_every_role(db):
    council, police = OrganisationFactory(name="Council"), OrganisationFactory(name="Police")
    council_body, police_body, panel = (
        BodyFactory(organisation=council),
        BodyFactory(organisation=police),
        BodyFactory(organisation=None),
    )
    lead = PersonFactory(name="Plan lead", organisation=police, user=UserFactory(username="plan-lead"))
    officer = PersonFactory(name="Officer", organisation=None, user=UserFactory(username="officer"))
    supporter = PersonFactory(name="Supporter", organisation=None, user=UserFactory(username="supporter"))
    member = PersonFactory(name="Member", organisation=None, user=UserFactory(username="member"))
    staff = PersonFactory(name="Staff", organisation=council, user=UserFactory(username="staff"))
    outsider = PersonFactory(name="Outsider", organisation=police, user=UserFactory(username="outsider"))
    MembershipFactory(person=member, body=panel)
    plans = [
        PlanFactory(owning_body=police_body, lead=lead),
        PlanFactory(owning_body=council_body, lead=None),
        PlanFactory(owning_body=panel, lead=None),
        PlanFactory(owning_body=police_body, lead=None),
    ]
    ActionFactory(plan=plans[3], lead=officer)
    ActionFactory(plan=plans[3], lead=officer)  # two actions in one plan: still one plan
    ActionFactory(plan=plans[2], lead=None).supporting_officers.add(supporter, officer)
    manager = UserFactory(username="manager", is_superuser=True, is_staff=True)
    no_person = UserFactory(username="no-person")
    people = [lead, officer, supporter, member, staff, outsider]
    for user in [manager, no_person, *[person.user for person in people]]:
        viewer = viewer_for(user)
        got = list(readable_plans(viewer).order_by("pk"))
        assert got == list(joined_readable_plans(viewer).order_by("pk")), user.username
    assert list(readable_plans(viewer_for(officer.user)).order_by("pk")) == [plans[2], plans[3]]
    assert "JOIN" not in str(readable_plans(viewer_for(officer.user)).query).split("WHERE", 1)[0]


# --- Pages: one source for each row's RAG, and a count of queries that does not grow -----------


def test_link_builder_gives_what_reverse_gives():
    action_url = pk_url("action_detail")
    for pk in (1, 42, 2_147_483_646):
        assert action_url(pk) == reverse("action_detail", args=[pk])


def plan_with_actions(count: int, plan=None):
    plan = plan or PlanFactory()
    for index in range(count):
        action = ActionFactory(plan=plan, target_date=AS_AT + datetime.timedelta(days=index - 2))
        action.supporting_officers.add(PersonFactory(organisation=OrganisationFactory()))
        if index % 3:
            post(action, rag=[Rag.GREEN, Rag.AMBER, Rag.RED][index % 3], at=days_ago(index * 20))
    return plan


def queries_to_show(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_plan_page_query_count_does_not_grow_with_actions_or_updates(admin_client, as_at):
    small, large = plan_with_actions(3), plan_with_actions(30)
    queries_to_show(admin_client, small.get_absolute_url())  # the session is loaded once
    assert queries_to_show(admin_client, small.get_absolute_url()) == queries_to_show(
        admin_client, large.get_absolute_url()
    )


def test_the_plan_page_links_its_rows_without_a_reverse_for_each(admin_client, as_at, monkeypatch):
    small, large = plan_with_actions(3), plan_with_actions(30)
    calls = []

    def counted(original):
        def get_absolute_url(self):
            calls.append(self)
            return original(self)

        return get_absolute_url

    for model in (Action, Person, Recommendation):
        monkeypatch.setattr(model, "get_absolute_url", counted(model.get_absolute_url))

    def reverses(plan) -> int:
        calls.clear()
        assert admin_client.get(plan.get_absolute_url()).status_code == 200
        return len(calls)

    assert reverses(small) == reverses(large)


def test_my_actions_query_count_does_not_grow_with_actions(client, db, as_at):
    person = PersonFactory(user=UserFactory(username="busy"))
    client.force_login(person.user)
    for plan in (plan_with_actions(2), plan_with_actions(2)):
        for action in plan.actions.all()[:1]:
            action.supporting_officers.add(person)
    url = reverse("my_actions")
    queries_to_show(client, url)
    few = queries_to_show(client, url)
    for plan in (plan_with_actions(10), plan_with_actions(10)):
        plan.actions.update(lead=person)
    assert queries_to_show(client, url) == few


def test_the_plan_page_shows_the_rag_the_database_worked_out(admin_client, as_at):
    plan = PlanFactory()
    overdue = ActionFactory(plan=plan, target_date=AS_AT - datetime.timedelta(days=1), reference="1.1")
    post(overdue, rag=Rag.GREEN, at=days_ago(1))
    content = admin_client.get(plan.get_absolute_url()).content.decode()
    row = content[content.index(f'id="action-{overdue.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Red: Off track" in row and "Overdue" in row
    assert f'href="{reverse("action_detail", args=[overdue.pk])}"' in row
