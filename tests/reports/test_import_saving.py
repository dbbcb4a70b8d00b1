"""Saving an imported plan (reports.imports.services.import_plan) writes in bulk: its change
history is row for row what saving the rows one at a time recorded, its queries do not grow
with the rows, and a row the database refuses leaves nothing written."""

import contextlib
import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalRecords

from actionplans.plans.models import Action, Plan, ProgressUpdate
from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.snapshots.writer import periods_record
from partners.models import Organisation, Person
from recommendations.models import Recommendation, Source, SourceKind
from reports.imports import headers
from reports.imports.services import ImportRefused, ImportSetup, import_plan
from tests.factories import ActionFactory, BodyFactory, OrganisationFactory, PersonFactory, PlanFactory, UserFactory

HEADINGS = ["Recommendation", "Ref", "Action", "Due date", "Lead", "Partners", "Progress status", "Action taken"]
STATUSES = ["", "Not started", "In progress, on track", "In progress, at risk", "Partially complete", "Complete"]
BOTH_PARTNERS = "Hampshire Constabulary; NHS Southampton City"


@pytest.fixture
def directory(db):
    """People and organisations the import finds by name."""
    return {
        "sue": PersonFactory(name="Sue Allan"),
        "andrew": PersonFactory(name="Andrew Hind"),
        "police": OrganisationFactory(name="Hampshire Constabulary"),
        "nhs": OrganisationFactory(name="NHS Southampton City"),
    }


def plan_rows(n: int, *, tag: str) -> list[list]:
    """A title, the headings and `n` actions, a recommendation every four: leads known and new,
    several people in a cell, a new person of a known organisation, a post; partners known and
    new; target dates printed several ways; statuses with and without what was done. `tag` keeps
    the new names of one call apart from another's."""
    rows = [[f"Plan {tag}"], [], HEADINGS]
    for i in range(n):
        leads = [
            "Sue Allan",
            f"Pat {tag}{chr(97 + i % 26)}son, Andrew Hind",
            f"Jo {tag}{chr(97 + i % 26)}ley, NHS Southampton City",
            f"Head of Early Help {tag}",
            "",
        ]
        partners = [
            "",
            "Hampshire Constabulary",
            f"Youth Forum {tag} {i}",
            "Hampshire Constabulary; NHS Southampton City",
        ]
        status = STATUSES[i % len(STATUSES)]
        rows.append(
            [
                f"Recommendation {i // 4 + 1}: work together on case {i // 4 + 1}" if i % 4 == 0 else None,
                f"{i // 4 + 1}.{i % 4 + 1}",
                f"Action {i + 1}: review the arrangements",
                ["April 2031", "31.3.31", datetime.date(2031, 5, 31), "ongoing"][i % 4],
                leads[i % len(leads)] or None,
                partners[i % len(partners)] or None,
                status or None,
                f"Done so far on action {i + 1}." if i % len(STATUSES) > 2 else None,
            ]
        )
    return rows


def import_rows(rows, *, setup: ImportSetup):
    return import_plan(rows=rows, header_row=2, mapping=headers.propose_mapping(rows[2]), decisions={}, setup=setup)


def new_plan(title: str) -> ImportSetup:
    return ImportSetup(title, SourceKind.INSPECTION, datetime.date(2021, 6, 17), title=title, owning_body=BodyFactory())


@contextlib.contextmanager
def signed_in(user):
    """What HistoryRequestMiddleware does for a request by `user`."""
    request = RequestFactory().post("/")
    request.user = user
    HistoricalRecords.context.request = request
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def records(obj) -> list:
    return list(type(obj).history.filter(id=obj.pk).order_by("history_date", "history_id"))


def tracked(record_or_object, model) -> dict:
    return {field.attname: getattr(record_or_object, field.attname) for field in model.history.model.tracked_fields}


def linked(record, field_name: str, other: str) -> list[int]:
    return sorted(getattr(record, field_name).values_list(f"{other}_id", flat=True))


# --- The change history ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_row_is_in_the_history_as_saving_it_alone_recorded_it(directory):
    """Each object the import makes has the history the one-at-a-time services gave it:
    created (no change reason), by the person importing; an action with people or partners then
    changed to them (version 2, as action_people_assign records an assignment); the new plan
    created, then given its source."""
    importer = UserFactory(username="importer")
    setup = new_plan("Improvement plan")
    people_before, organisations_before = (
        list(Person.objects.values_list("pk", flat=True)),
        list(Organisation.objects.values_list("pk", flat=True)),
    )
    with signed_in(importer):
        result = import_rows(plan_rows(12, tag="Q"), setup=setup)
    plan = result.plan
    actions = list(plan.actions.order_by("position"))
    assert len(actions) == 12
    assert sum(1 for action in actions if action.supporting_officers.exists()) >= 2
    assert sum(1 for action in actions if action.partners.exists()) >= 6
    made = [
        *Recommendation.objects.filter(source=result.source),
        *ProgressUpdate.objects.filter(action__plan=plan),
        *Person.objects.exclude(pk__in=people_before),
        *Organisation.objects.exclude(pk__in=organisations_before),
        result.source,
    ]
    assert {type(obj) for obj in made} == {Recommendation, ProgressUpdate, Person, Organisation, Source}
    for obj in made:
        [created] = records(obj)
        assert (created.history_type, created.history_change_reason, created.history_user) == ("+", None, importer), obj
        assert tracked(created, type(obj)) == tracked(obj, type(obj))

    for action in actions:
        history = records(action)
        assert {record.history_user for record in history} == {importer}
        created = history[0]
        assert (created.history_type, created.history_change_reason, created.version, created.lead_id) == (
            "+",
            None,
            1,
            None,
        )
        assert linked(created, "supporting_officers", "person") == linked(created, "partners", "organisation") == []
        people = [action.lead_id, *action.supporting_officers.values_list("pk", flat=True)]
        if any(people) or action.partners.exists():
            assert [record.history_type for record in history] == ["+", "~"]
            changed = history[1]
            assert (changed.history_change_reason, changed.version, changed.lead_id) == ("", 2, action.lead_id)
            assert linked(changed, "supporting_officers", "person") == sorted(
                action.supporting_officers.values_list("pk", flat=True)
            )
            assert linked(changed, "partners", "organisation") == sorted(action.partners.values_list("pk", flat=True))
        else:
            assert [record.history_type for record in history] == ["+"]
        assert tracked(history[-1], Action) == tracked(action, Action)

    assert [(r.history_type, linked(r, "sources", "source")) for r in records(plan)] == [
        ("+", []),
        ("~", [result.source.pk]),
    ]


@pytest.mark.django_db
def test_each_action_keeps_its_newest_update_and_people_as_printed(directory):
    result = import_rows(plan_rows(6, tag="K"), setup=new_plan("Improvement plan"))
    actions = list(result.plan.actions.order_by("position"))
    assert [a.latest_status for a in actions] == [None, None, "in_progress", "in_progress",
                                                   "partially_complete", "complete"]  # fmt: skip
    assert [a.position for a in actions] == [1, 2, 3, 4, 5, 6]
    assert actions[0].lead == directory["sue"]
    assert actions[1].lead.name == "Pat Kbson"
    assert list(actions[1].supporting_officers.all()) == [directory["andrew"]]
    assert (actions[2].lead.name, actions[2].lead.organisation) == ("Jo Kcley", directory["nhs"])
    assert (actions[3].lead.job_title, actions[3].lead.name) == ("Head of Early Help K", "")
    assert set(actions[3].partners.all()) == {directory["police"], directory["nhs"]}
    assert actions[2].partners.get().name == "Youth Forum K 2"
    assert [a.target_date for a in actions[:4]] == [datetime.date(2031, 4, 30), datetime.date(2031, 3, 31),
                                                    datetime.date(2031, 5, 31), None]  # fmt: skip
    assert [a.version for a in actions] == [2, 2, 2, 2, 1, 2]
    assert result.people_created == 3 and result.organisations_created == 1


# --- Queries ----------------------------------------------------------------------------------------


def queries_to_import(rows, setup) -> int:
    with CaptureQueriesContext(connection) as captured:
        import_rows(rows, setup=setup)
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("into_existing_plan", [False, True])
def test_the_import_takes_the_same_queries_for_10_rows_or_50(directory, as_at, into_existing_plan):
    """However many rows (here 10 and 50, below the smallest batch of any INSERT on SQLite),
    people, organisations, recommendations and statuses: a fixed number of queries, with RAG
    snapshots kept so their refresh is counted too."""
    periods_record([datetime.date(2021, 9, 30), datetime.date(2021, 10, 31)])

    def setup(tag):
        if into_existing_plan:
            plan = PlanFactory(title=f"Existing plan {tag}")
            ActionFactory(plan=plan, reference="0.1")
            return ImportSetup(f"Paper {tag}", SourceKind.OTHER, None, plan=plan)
        return new_plan(f"Improvement plan {tag}")

    few = queries_to_import(plan_rows(10, tag="A"), setup("A"))
    many = queries_to_import(plan_rows(50, tag="B"), setup("B"))
    assert Action.objects.filter(plan__title__endswith="B").count() == 50 + into_existing_plan
    assert Person.objects.filter(name__startswith="Pat B").count() == 10
    # Into a new plan: 4 to begin (a savepoint, the directory of people and organisations, the
    # title free), 6 for the new organisations and 7 for the new people (their organisations,
    # savepoints, INSERT, history), 13 for the source and 19 for the plan (their services, one
    # each), 2 for the people and organisations chosen, 10 for the recommendations (the source's
    # layout, INSERT, history), 31 for the actions (the plan's sources, its last position, INSERT,
    # history, the RAG snapshots, the links, one UPDATE of the leads with its history and links,
    # the owning groups' links read for the history),
    # 17 for the statuses (INSERT, history, the RAG snapshots, the kept newest update), 1 to end.
    # Into an existing plan, 2 more for adding the source to it.
    assert many == few == (112 if into_existing_plan else 110)


# --- All or nothing --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_row_the_database_refuses_is_named_and_nothing_is_written(directory, monkeypatch):
    """A status the database refuses (Complete but Red breaks a CHECK constraint), which the
    reading of statuses (here) misses: the import names its row, with the rule's message, and
    writes nothing, not even the people, organisations, recommendations and actions before it."""
    read_status = headers.read_status

    def complete_but_red(printed):
        read = read_status(printed)
        return headers.ReadStatus(read.status, Rag.RED) if read.status == ActionStatus.COMPLETE else read

    monkeypatch.setattr(headers, "read_status", complete_but_red)
    setup = new_plan("Improvement plan")
    models = (Plan, Source, Recommendation, Action, ProgressUpdate, Person, Organisation)
    before = {model: (model.objects.count(), model.history.count()) for model in models}
    with pytest.raises(ImportRefused) as refused:
        import_rows(plan_rows(8, tag="Z"), setup=setup)
    assert str(refused.value).startswith(
        "Nothing has been imported: row 9 could not be saved: "
        "Constraint “update_blue_if_and_only_if_complete” is violated."
    )
    assert {model: (model.objects.count(), model.history.count()) for model in models} == before
