"""The audit trail: every create, change and delete of the audited models is recorded with who,
when and the old and new values, bulk writes included; it reads well on each object's page;
and an edit made on a stale version is refused with what the other person changed."""

import contextlib
import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.models import HistoricalRecords

from actionplans.kernel.concurrency import EditConflict, save_if_unchanged
from actionplans.plans.history import CHANGED, CREATED, DELETED, EMPTY, SYSTEM, activity, history_entries, plan_activity
from actionplans.plans.models import Action, PlanStatus
from actionplans.plans.rag import Rag
from actionplans.templatetags.tracker import CHANGE_HISTORY_LIMIT
from partners.models import MembershipRole, Organisation, OrganisationKind, Person
from recommendations.models import Recommendation, ResponseDecision
from tests.factories import (
    ActionCommentFactory,
    ActionFactory,
    BodyFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    UserFactory,
)

# --- Helpers ------------------------------------------------------------------------------------


@contextlib.contextmanager
def signed_in(user):
    """What HistoryRequestMiddleware does for a request by `user`."""
    request = RequestFactory().get("/")
    request.user = user
    HistoricalRecords.context.request = request
    try:
        yield request
    finally:
        del HistoricalRecords.context.request


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    PersonFactory(name="Emily Editor", user=user)
    return user


def records(obj):
    """The object's history rows, oldest first."""
    return list(type(obj).history.filter(id=obj.pk).order_by("history_date", "history_id"))


def changes_of(entry):
    return {change.field: change for change in entry.changes}


# --- Each audited kind: create, change and delete ------------------------------------------------


@dataclass(frozen=True)
class Kind:
    make: Callable
    field: str
    new_value: Callable
    label: str
    old_text: str
    new_text: str


KINDS = {
    "organisation": Kind(
        lambda: OrganisationFactory(kind=OrganisationKind.COUNCIL),
        "kind",
        lambda: OrganisationKind.POLICE,
        "Kind",
        "Council",
        "Police",
    ),
    "person": Kind(
        lambda: PersonFactory(job_title="Service Manager"),
        "job_title",
        lambda: "Head of Service",
        "Job title",
        "Service Manager",
        "Head of Service",
    ),
    "body": Kind(
        lambda: BodyFactory(remit=""),
        "remit",
        lambda: "Scrutinises services for children",
        "Remit",
        EMPTY,
        "Scrutinises services for children",
    ),
    "membership": Kind(MembershipFactory, "role", lambda: MembershipRole.CHAIR, "Role", "Member", "Chair"),
    "meeting": Kind(
        lambda: MeetingFactory(date=datetime.date(2021, 1, 5)),
        "date",
        lambda: datetime.date(2021, 11, 4),
        "Date",
        "5 January 2021",
        "4 November 2021",
    ),
    "source": Kind(
        lambda: SourceFactory(title="Inquiry into apprenticeships"),
        "title",
        lambda: "Inquiry into apprenticeships and training",
        "Title",
        "Inquiry into apprenticeships",
        "Inquiry into apprenticeships and training",
    ),
    "recommendation": Kind(
        RecommendationFactory,
        "response_decision",
        lambda: ResponseDecision.ACCEPTED,
        "Response decision",
        "Decision pending",
        "Accepted",
    ),
    "plan": Kind(PlanFactory, "status", lambda: PlanStatus.CLOSED, "Status", "Active", "Closed"),
    "action": Kind(
        lambda: ActionFactory(lead=PersonFactory(name="Olive Old")),
        "lead",
        lambda: PersonFactory(name="Nina New"),
        "Lead",
        "Olive Old",
        "Nina New",
    ),
    "progress update": Kind(
        lambda: ProgressUpdateFactory(rag=Rag.GREEN), "rag", lambda: Rag.AMBER, "RAG", "Green", "Amber"
    ),
    "action comment": Kind(
        lambda: ActionCommentFactory(text="When will the Panel see the findings?"),
        "text",
        lambda: "Answered at the October meeting.",
        "Text",
        "When will the Panel see the findings?",
        "Answered at the October meeting.",
    ),
}
kinds = pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))


@kinds
def test_create_change_and_delete_are_recorded_with_who_and_old_and_new_values(editor, kind):
    with signed_in(editor):
        obj = kind.make()
        setattr(obj, kind.field, kind.new_value())
        obj.save()
        pk = obj.pk
        obj.delete()

    saved = type(obj)(pk=pk)
    assert [row.history_type for row in records(saved)] == ["+", "~", "-"]
    assert {row.history_user for row in records(saved)} == {editor}

    deleted, changed, created = history_entries(saved)
    assert [deleted.kind, changed.kind, created.kind] == [DELETED, CHANGED, CREATED]
    assert {deleted.who, changed.who, created.who} == {"Emily Editor"}
    assert deleted.when >= changed.when >= created.when
    [change] = changed.changes
    assert (change.field, change.label, change.old, change.new) == (
        kind.field,
        kind.label,
        kind.old_text,
        kind.new_text,
    )
    if kind.old_text != EMPTY:
        initial = changes_of(created)[kind.field]
        assert (initial.is_initial, initial.new) == (True, kind.old_text)


@kinds
def test_changes_outside_a_request_are_attributed_to_the_system(db, kind):
    obj = kind.make()
    setattr(obj, kind.field, kind.new_value())
    obj.save()
    assert {entry.who for entry in history_entries(obj)} == {SYSTEM}


@kinds
def test_bulk_update_records_a_history_row_per_row_with_the_new_values_and_the_user(editor, kind):
    first, second, untouched = kind.make(), kind.make(), kind.make()
    new_value = kind.new_value()
    model = type(first)
    with signed_in(editor):
        assert model.objects.filter(pk__in=[first.pk, second.pk]).update(**{kind.field: new_value}) == 2

    for obj in (first, second):
        latest = records(obj)[-1]
        assert latest.history_type == "~"
        assert latest.history_user == editor
        assert getattr(latest, model._meta.get_field(kind.field).attname) == getattr(new_value, "pk", new_value)
        newest = history_entries(obj)[0]
        assert newest.who == "Emily Editor"
        change = changes_of(newest)[kind.field]
        assert (change.old, change.new) == (kind.old_text, kind.new_text)
    assert len(records(untouched)) == 1


def test_who_is_the_username_when_the_user_is_nobody_in_the_tracker(db):
    user = UserFactory(username="clerk")
    with signed_in(user):
        organisation = OrganisationFactory()
    assert history_entries(organisation)[0].who == "clerk"


def test_bulk_update_of_a_queryset_with_no_rows_records_nothing(db):
    organisation = OrganisationFactory()
    Organisation.objects.filter(pk=-1).update(name="Nobody")
    assert len(records(organisation)) == 1


def test_bulk_update_method_records_each_object(editor):
    people = [PersonFactory(job_title="Officer"), PersonFactory(job_title="Officer")]
    for person in people:
        person.job_title = "Senior officer"
    with signed_in(editor):
        Person.objects.bulk_update(people, ["job_title"])
    for person in people:
        assert [record.history_type for record in records(person)] == ["+", "~"]  # the change recorded once
        newest = history_entries(person)[0]
        assert (newest.kind, newest.who) == (CHANGED, "Emily Editor")
        assert (changes_of(newest)["job_title"].old, changes_of(newest)["job_title"].new) == (
            "Officer",
            "Senior officer",
        )


def test_bulk_create_records_each_object_as_created(editor):
    with signed_in(editor):
        created = Organisation.objects.bulk_create(
            [Organisation(name="Youth Offending Service"), Organisation(name="Connexions")]
        )
    for organisation in created:
        [entry] = history_entries(organisation)
        assert (entry.kind, entry.who) == (CREATED, "Emily Editor")
        assert changes_of(entry)["name"].new == organisation.name


# --- Responses, assignments and links --------------------------------------------------------------


def test_a_response_change_records_decision_reasons_date_and_body(editor):
    recommendation = RecommendationFactory()
    cabinet = BodyFactory(name="Cabinet")
    with signed_in(editor):
        recommendation.response_decision = ResponseDecision.PARTIALLY_ACCEPTED
        recommendation.response_text = "Agreed in part: the budget allows one post."
        recommendation.response_date = datetime.date(2021, 11, 4)
        recommendation.responding_body = cabinet
        recommendation.save()
    changes = changes_of(history_entries(recommendation)[0])
    assert {name: (change.label, change.old, change.new) for name, change in changes.items()} == {
        "response_decision": ("Response decision", "Decision pending", "Partially accepted"),
        "response_text": ("Response text", EMPTY, "Agreed in part: the budget allows one post."),
        "responding_body": ("Responding body", EMPTY, "Cabinet"),
        "response_date": ("Response date", EMPTY, "4 November 2021"),
    }


def test_plan_sources_added_and_removed_are_recorded(editor):
    plan = PlanFactory()
    apprenticeships, transport = SourceFactory(title="Apprenticeships"), SourceFactory(title="School transport")
    with signed_in(editor):
        plan.sources.add(apprenticeships, transport)
        plan.sources.remove(apprenticeships)
    removed, added = history_entries(plan)[:2]
    assert (added.who, removed.who) == ("Emily Editor", "Emily Editor")
    assert changes_of(added)["sources"].added == ("Apprenticeships", "School transport")
    assert changes_of(added)["sources"].removed == ()
    sources = changes_of(removed)["sources"]
    assert (sources.label, sources.added, sources.removed) == ("Sources", (), ("Apprenticeships",))
    assert (sources.old, sources.new) == ("Apprenticeships, School transport", "School transport")


def test_action_people_and_partners_added_and_removed_are_recorded(editor):
    action = ActionFactory()
    ann, bob = PersonFactory(name="Ann Able"), PersonFactory(name="Bob Baker")
    police = OrganisationFactory(name="Hampshire Constabulary")
    with signed_in(editor):
        action.supporting_officers.add(ann, bob)
        action.partners.add(police)
        action.supporting_officers.remove(bob)
        action.partners.remove(police)

    partners_removed, officer_removed, partner_added, officers_added = history_entries(action)[:4]
    assert changes_of(officers_added)["supporting_officers"].added == ("Ann Able", "Bob Baker")
    assert changes_of(officers_added)["supporting_officers"].label == "Supporting officers"
    assert changes_of(partner_added)["partners"].added == ("Hampshire Constabulary",)
    assert changes_of(officer_removed)["supporting_officers"].removed == ("Bob Baker",)
    assert changes_of(partners_removed)["partners"].removed == ("Hampshire Constabulary",)
    for entry in (partners_removed, officer_removed, partner_added, officers_added):
        assert (entry.kind, entry.who, len(entry.changes)) == (CHANGED, "Emily Editor", 1)


def test_a_lead_changed_then_deleted_is_named_from_their_history(db):
    action = ActionFactory(lead=PersonFactory(name="Olive Old"))
    old_lead = action.lead
    action.lead = PersonFactory(name="Nina New")
    action.save()
    old_lead.delete()
    change = changes_of(history_entries(action)[0])["lead"]
    assert (change.old, change.new) == ("Olive Old (deleted)", "Nina New")


def test_a_bulk_update_does_not_show_links_as_changed(db):
    action = ActionFactory(reference="1.1")
    action.supporting_officers.add(PersonFactory())
    Action.objects.filter(pk=action.pk).update(reference="9.9")
    assert set(changes_of(history_entries(action)[0])) == {"reference"}


def test_saves_that_change_nothing_are_left_out(db):
    organisation = OrganisationFactory()
    organisation.save()
    organisation.save()
    assert [entry.kind for entry in history_entries(organisation)] == [CREATED]


def test_history_is_newest_first_and_limited(db):
    organisation = OrganisationFactory(short_name="v0")
    for number in range(1, 6):
        organisation.short_name = f"v{number}"
        organisation.save()
    entries = history_entries(organisation, limit=3)
    assert [changes_of(entry)["short_name"].new for entry in entries] == ["v5", "v4", "v3"]
    assert changes_of(entries[-1])["short_name"].old == "v2"


def test_plan_activity_merges_the_plans_and_its_actions_history_newest_first(db):
    plan = PlanFactory(status=PlanStatus.ACTIVE)
    action = ActionFactory(plan=plan, reference="2.3")
    action.description = "Report to the Panel in March"
    action.save()
    plan.status = PlanStatus.CLOSED
    plan.save()
    ActionFactory(reference="9.9")  # another plan's

    entries = plan_activity(plan, limit=10)
    assert [(entry.subject, entry.kind) for entry in entries] == [
        ("", CHANGED),
        ("Action 2.3", CHANGED),
        ("Action 2.3", CREATED),
        ("", CREATED),
    ]
    assert entries[1].subject_url == action.get_absolute_url()
    assert "plan" not in changes_of(entries[2])  # the plan page need not say which plan
    assert len(plan_activity(plan, limit=2)) == 2


def test_a_deleted_action_stays_in_its_plans_activity_without_a_link(db):
    action = ActionFactory(reference="4.1")
    plan = action.plan
    action.delete()
    deleted = plan_activity(plan)[0]
    assert (deleted.subject, deleted.kind, deleted.subject_url) == ("Action 4.1", DELETED, "")


def test_an_actions_activity_includes_its_updates_and_comments(db):
    action = ActionFactory()
    update = ProgressUpdateFactory(action=action, narrative="Started.")
    update.narrative = "Started in September."
    update.save()
    ActionCommentFactory(action=action, author=PersonFactory(name="Cllr Bell"))
    subjects = [entry.subject for entry in activity(action)]
    assert subjects[0] == "Comment by Cllr Bell"
    assert subjects[1].startswith("Progress update of ")
    assert changes_of(activity(action)[1])["narrative"].new == "Started in September."


def test_memberships_show_in_the_activity_of_their_body_and_person(db):
    membership = MembershipFactory(person=PersonFactory(name="Ann Able"), body=BodyFactory(name="Schools Forum"))
    membership.role = MembershipRole.CHAIR
    membership.save()
    for obj, subject in [
        (membership.body, "Membership of Ann Able"),
        (membership.person, "Membership of Schools Forum"),
    ]:
        entry = activity(obj)[0]
        assert entry.subject == subject
        assert (changes_of(entry)["role"].old, changes_of(entry)["role"].new) == ("Member", "Chair")


# --- Changes made through the web are attributed to the signed-in user ------------------------------


def test_an_admin_edit_is_attributed_to_the_signed_in_user(admin_client):
    organisation = OrganisationFactory(name="Southampton City Council", kind=OrganisationKind.COUNCIL)
    url = reverse("admin:partners_organisation_change", args=[organisation.pk])
    response = admin_client.post(url, {"name": "Southampton City Council", "short_name": "SCC", "kind": "council"})
    assert response.status_code == 302
    newest = history_entries(organisation)[0]
    assert newest.who == "admin"
    assert (changes_of(newest)["short_name"].old, changes_of(newest)["short_name"].new) == (EMPTY, "SCC")


def test_the_admin_shows_an_objects_history(admin_client):
    organisation = OrganisationFactory()
    url = reverse("admin:partners_organisation_history", args=[organisation.pk])
    assert admin_client.get(url).status_code == 200


# --- save_if_unchanged: no lost updates -------------------------------------------------------------


def test_save_if_unchanged_writes_and_bumps_the_version_when_it_matches(editor):
    recommendation = RecommendationFactory(current_activity="")
    recommendation.current_activity = "A working group meets monthly."
    with signed_in(editor):
        save_if_unchanged(recommendation, expected_version=1, fields=["current_activity"])
    assert recommendation.version == 2
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert (stored.version, stored.current_activity) == (2, "A working group meets monthly.")
    newest = history_entries(recommendation)[0]
    assert newest.who == "Emily Editor"
    assert changes_of(newest)["current_activity"].new == "A working group meets monthly."


def test_save_if_unchanged_refuses_a_stale_version_with_the_other_persons_changes(editor):
    recommendation = RecommendationFactory(current_activity="Nothing yet.")
    mine = Recommendation.objects.get(pk=recommendation.pk)  # opened at version 1 by somebody else

    recommendation.current_activity = "A working group meets monthly."
    with signed_in(editor):
        save_if_unchanged(recommendation, expected_version=1, fields=["current_activity"])
    rows_before = len(records(recommendation))

    mine.current_activity = "My own typing."
    with pytest.raises(EditConflict) as conflict:
        save_if_unchanged(mine, expected_version=1, fields=["current_activity"])

    [change] = conflict.value.changes
    assert (change.field, change.label, change.old, change.new, change.changed_by) == (
        "current_activity",
        "Current activity",
        "Nothing yet.",
        "A working group meets monthly.",
        "Emily Editor",
    )
    assert conflict.value.current.version == 2
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert (stored.version, stored.current_activity) == (2, "A working group meets monthly.")
    assert len(records(recommendation)) == rows_before
    assert mine.version == 1


def test_save_or_show_conflict_notes_the_conflict_and_says_what_changed_in_words(editor):
    from django import forms

    from actionplans.kernel.forms import OpenedVersionMixin, form_status, opened_version_field, save_or_show_conflict

    class CurrentActivityForm(OpenedVersionMixin, forms.Form):
        opened_version = opened_version_field()
        current_activity = forms.CharField(label="What is being done now (optional)", required=False)

    recommendation = RecommendationFactory(current_activity="Nothing yet.")
    mine = Recommendation.objects.get(pk=recommendation.pk)
    recommendation.current_activity = "A working group meets monthly."
    with signed_in(editor):
        save_if_unchanged(recommendation, expected_version=1, fields=["current_activity"])

    form = CurrentActivityForm({"opened_version": "1", "current_activity": "My own typing."})
    assert form.is_valid()
    mine.current_activity = form.cleaned_data["current_activity"]
    saved, conflict = save_or_show_conflict(
        form, save_if_unchanged, instance=mine, expected_version=1, fields=["current_activity"]
    )
    assert saved is None and form_status(form, conflict) == 409
    assert form.non_field_errors() == [CurrentActivityForm.conflict_message]
    assert form.data["opened_version"] == 2  # submitting again saves over theirs, knowingly
    assert (conflict.what, conflict.changed_by) == ("recommendation", "Emily Editor")
    [change] = conflict.changes
    assert (change.label, change.was, change.now) == (
        "What is being done now",  # the form's label, not the model's
        "Nothing yet.",
        "A working group meets monthly.",
    )


def test_save_or_add_errors_puts_each_message_on_its_field_or_at_the_top():
    from django import forms
    from django.core.exceptions import ValidationError

    from actionplans.kernel.forms import form_status, save_or_add_errors

    class NameForm(forms.Form):
        name = forms.CharField()

    def refuse(**values):
        raise ValidationError({"name": ["Taken"], "colour": ["Not a field of the form"]})

    form = NameForm({"name": "Sue"})
    assert form.is_valid()
    assert save_or_add_errors(form, refuse, name="Sue") is None
    assert form.errors == {"name": ["Taken"], "__all__": ["Not a field of the form"]}
    assert form_status(form) == 400

    def refuse_without_fields(**values):
        raise ValidationError("Closed for the night")

    form = NameForm({"name": "Sue"})
    assert form.is_valid()
    assert save_or_add_errors(form, refuse_without_fields) is None
    assert form.non_field_errors() == ["Closed for the night"]
    assert save_or_add_errors(NameForm({"name": "Sue"}), lambda **values: "saved") == "saved"


# --- The change history on each object's page -------------------------------------------------------

HTML = "<script>alert('x')</script> & more"
ESCAPED_HTML = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more"

PAGES = {
    "action": (lambda: ActionFactory(description="Before the change"), "description"),
    "plan": (lambda: PlanFactory(summary="Before the change"), "summary"),
    "source": (lambda: SourceFactory(summary="Before the change"), "summary"),
    "recommendation": (lambda: RecommendationFactory(current_activity="Before the change"), "current_activity"),
    "person": (lambda: PersonFactory(job_title="Before the change"), "job_title"),
    "body": (lambda: BodyFactory(remit="Before the change"), "remit"),
}


@pytest.mark.parametrize(("make", "field"), list(PAGES.values()), ids=list(PAGES))
def test_each_object_page_shows_its_change_history_escaped(admin_client, make, field):
    obj = make()
    setattr(obj, field, HTML)
    obj.save()

    content = admin_client.get(obj.get_absolute_url()).content.decode()
    section = content[content.index('id="change-history-heading"') :]
    assert "Change history" in section
    assert "changed from Before the change to" in section
    assert ESCAPED_HTML in section
    assert "<script>alert" not in content
    assert "System" in section
    assert "No changes recorded yet" not in section


def test_a_page_says_when_no_changes_are_recorded(admin_client):
    body = BodyFactory()
    type(body).history.filter(id=body.pk).delete()
    content = admin_client.get(body.get_absolute_url()).content.decode()
    assert "No changes recorded yet." in content


def test_long_text_is_cut_with_the_whole_text_in_details(admin_client):
    action = ActionFactory(description="Short at first")
    action.description = "Long " + "and longer " * 30 + "END"
    action.save()
    content = admin_client.get(action.get_absolute_url()).content.decode()
    section = content[content.index('id="change-history-heading"') :]
    assert "…" in section
    assert 'class="govuk-details' in section
    assert "and longer END" in section  # the whole text, in the <details>


def test_action_page_query_count_does_not_grow_with_history(admin_client, django_assert_num_queries):
    action = ActionFactory()
    url = action.get_absolute_url()

    def make_changes(count):
        for number in range(count):
            action.description = f"Version {number}"
            action.save()
            action.supporting_officers.add(PersonFactory())
            action.partners.add(OrganisationFactory())
            ProgressUpdateFactory(action=action)
            ActionCommentFactory(action=action)

    def count_queries():
        with CaptureQueriesContext(connection) as context:
            assert admin_client.get(url).status_code == 200
        return len(context.captured_queries)

    make_changes(3)
    # The action's history with users and their people; the links to its further people; to its
    # partners; to the groups that own it; its updates' history; its comments' history; then the
    # people, organisations and plan the entries name.
    with django_assert_num_queries(9):
        activity(action, limit=CHANGE_HISTORY_LIMIT)
    with_3 = count_queries()

    make_changes(27)
    with django_assert_num_queries(9):
        assert len(activity(action, limit=CHANGE_HISTORY_LIMIT)) == CHANGE_HISTORY_LIMIT
    assert count_queries() == with_3


def test_a_list_cut_short_still_compares_with_the_copy_before(db, django_assert_num_queries):
    organisation = OrganisationFactory(short_name="v0")
    organisation.short_name = "v1"
    organisation.save()
    for _ in range(4):
        organisation.save()  # changes nothing
    # the newest 5 copies with their users and, in the same query, the copy before the oldest of them
    with django_assert_num_queries(1):
        [entry] = history_entries(organisation, limit=2)
    assert (changes_of(entry)["short_name"].old, changes_of(entry)["short_name"].new) == ("v0", "v1")
