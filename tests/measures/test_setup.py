"""Setting measures up and changing them (democratic support and plan leads), and who may do
what with measures (actionplans/measures/access.py)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from actionplans.measures.access import enterable_measures, measure_access, readable_measures
from actionplans.measures.models import Measure, MeasureTarget
from actionplans.measures.units import MeasureUnit
from actionplans.plans.rag import Direction, RagRule
from partners.access import Viewer
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    MeasureValueFactory,
    PlanFactory,
    RecommendationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.usefixtures("as_at")


@pytest.fixture
def world(world, db):
    source = SourceFactory(made_by=world["panel"])
    plan = PlanFactory(owning_body=world["panel"], lead=world["alison"])
    plan.sources.add(source)
    world.update(
        plan=plan,
        recommendation=RecommendationFactory(source=source),
        action=ActionFactory(plan=plan, lead=world["sue"]),
        measure=MeasureFactory(plan=plan, name="Percentage of CLA visits in timescale", data_owner=world["sue"]),
    )
    return world


def new_measure(world, **changes) -> dict:
    data = {
        "name": "Percentage of Audits good or better",
        "description": "Audit outcomes",
        "unit": "percentage",
        "direction": "higher",
        "frequency": "monthly",
        "rag_rule": "bands",
        "green_threshold": "70",
        "amber_threshold": "60",
        "data_owner": str(world["sue"].pk),
        "data_source": "QA Unit",
        "recommendations": [str(world["recommendation"].pk)],
        "actions": [str(world["action"].pk)],
        "core_data_set_of": [str(world["panel"].pk)],
    }
    return data | changes


def test_a_plan_lead_adds_a_measure_with_its_bands_and_links(world, lead_client):
    response = lead_client.post(reverse("measure_create", args=[world["plan"].pk]), new_measure(world))
    measure = Measure.objects.get(name="Percentage of Audits good or better")
    assert response.status_code == 302 and response["Location"] == measure.get_absolute_url()
    assert (measure.rag_rule, measure.green_threshold, measure.amber_threshold) == ("bands", 70, 60)
    assert (measure.green_tolerance, measure.amber_tolerance) == (5, 15)  # the defaults
    assert list(measure.recommendations.all()) == [world["recommendation"]]
    assert list(measure.actions.all()) == [world["action"]]
    assert list(measure.core_data_set_of.all()) == [world["panel"]]
    assert measure.position == world["measure"].position + 1  # at the end of the plan's measures


def test_support_adds_a_measure_with_a_target(world, support_client):
    data = new_measure(world, rag_rule="tolerance", green_threshold="", amber_threshold="", target="80")
    data |= {"target_from": "01/04/2022", "name": "Target 80%"}
    assert support_client.post(reverse("measure_create", args=[world["plan"].pk]), data).status_code == 302
    target = MeasureTarget.objects.get(measure__name="Target 80%")
    assert (target.value, target.applies_from) == (Decimal(80), datetime.date(2022, 4, 1))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"green_threshold": ""}, "green_threshold", "Enter the value at or beyond which the measure is green"),
        (
            {"amber_threshold": "75"},
            "amber_threshold",
            "Higher is better: the amber threshold cannot be above the green",
        ),
        (
            {"direction": "lower"},
            "amber_threshold",
            "Lower is better: the amber threshold cannot be below the green threshold",
        ),
        ({"green_tolerance": "20", "amber_tolerance": "10"}, "amber_tolerance", "must be the same as the green"),
        ({"name": "Percentage of CLA visits in timescale"}, "name", "The plan already has a measure with this name"),
        ({"baseline_date": "30/11/2019"}, "baseline_date", "Enter the baseline as well as its date"),
        ({"target_from": "30/11/2021"}, "target_from", "Enter the target as well as the date it applies from"),
        ({"actions": ["0"]}, "actions", "Choose actions of this plan from the list"),
        ({"unit": "furlongs"}, "unit", "Choose one of the options for the unit"),
    ],
)
def test_a_measure_that_breaks_a_rule_is_refused_with_a_clear_message(world, lead_client, changes, field, message):
    response = lead_client.post(reverse("measure_create", args=[world["plan"].pk]), new_measure(world, **changes))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors.get(field, [])), response.context[
        "form"
    ].errors
    assert Measure.objects.count() == 1


def test_an_action_of_another_plan_cannot_be_linked(world, lead_client):
    elsewhere = ActionFactory(plan=PlanFactory())
    data = new_measure(world, actions=[str(elsewhere.pk)])
    response = lead_client.post(reverse("measure_create", args=[world["plan"].pk]), data)
    assert response.status_code == 400
    assert Measure.objects.count() == 1


def edit_data(client, measure, **changes) -> dict:
    form = client.get(reverse("measure_edit", args=[measure.pk])).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    return data | changes


def test_an_edit_sets_a_later_target_beside_the_first(world, lead_client):
    measure = world["measure"]
    MeasureTarget.objects.create(measure=measure, value=80)
    data = edit_data(lead_client, measure, target="90", target_from="01/04/2022", description="CLA visits")
    assert lead_client.post(reverse("measure_edit", args=[measure.pk]), data).status_code == 302
    assert list(measure.targets.values_list("value", "applies_from")) == [
        (Decimal(80), None),
        (Decimal(90), datetime.date(2022, 4, 1)),
    ]
    measure.refresh_from_db()
    assert (measure.description, measure.version) == ("CLA visits", 2)


def test_two_people_editing_at_once_cannot_overwrite_each_other(world, lead_client, support_client):
    measure = world["measure"]
    mine = edit_data(lead_client, measure, description="Mine")
    theirs = edit_data(support_client, measure, description="Theirs")
    assert support_client.post(reverse("measure_edit", args=[measure.pk]), theirs).status_code == 302
    response = lead_client.post(reverse("measure_edit", args=[measure.pk]), mine)
    assert response.status_code == 409
    assert "Somebody else saved this measure" in response.content.decode()
    measure.refresh_from_db()
    assert measure.description == "Theirs"


def test_the_unit_cannot_change_once_there_are_values(world, lead_client):
    measure = world["measure"]
    MeasureValueFactory(measure=measure, value=77)
    response = lead_client.post(
        reverse("measure_edit", args=[measure.pk]), edit_data(lead_client, measure, unit="count")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["unit"] == [
        "The unit cannot change once the measure has values: they were entered in the old unit"
    ]
    measure.refresh_from_db()
    assert measure.unit == MeasureUnit.PERCENTAGE


def test_an_edit_is_in_the_history(world, lead_client):
    measure = world["measure"]
    data = edit_data(lead_client, measure, rag_rule="bands", green_threshold="70", amber_threshold="60")
    data["core_data_set_of"] = [str(world["panel"].pk)]
    assert lead_client.post(reverse("measure_edit", args=[measure.pk]), data).status_code == 302
    newest = measure.history.order_by("-history_date").first()
    assert (newest.rag_rule, newest.history_user) == (RagRule.BANDS, world["alison"].user)
    assert [link.body_id for link in newest.core_data_set_of.all()] == [world["panel"].pk]


# --- Who may do what ------------------------------------------------------------------------


@pytest.fixture
def viewers(world):
    keys = {"officer": "sue", "colleague": "paul", "panel": "bell", "lead": "alison", "outsider": "bob"}
    found = {role: Viewer(world[key].user) for role, key in keys.items()}
    found["support"] = Viewer(world["support"])
    return found


# (read, enter values, change the measure) for Sue's measure; Sue is its data owner.
EXPECTED = {
    "officer": (True, True, False),
    "colleague": (True, False, False),  # same council as the panel that owns the plan
    "panel": (True, False, False),
    "lead": (True, True, True),
    "outsider": (False, False, False),
    "support": (True, True, True),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_measure_access_for_each_role(world, viewers, role):
    viewer, measure = viewers[role], world["measure"]
    access = measure_access(viewer, measure)
    assert (access.read, access.update, access.edit) == EXPECTED[role]
    assert enterable_measures(viewer, world["plan"]).filter(pk=measure.pk).exists() == EXPECTED[role][1]
    assert readable_measures(viewer).filter(pk=measure.pk).exists() == EXPECTED[role][0]


def test_a_data_owner_outside_the_plan_reads_and_enters_only_their_measure(world, viewers):
    police_plan = PlanFactory(owning_body=world["police_board"])
    theirs = MeasureFactory(plan=police_plan, data_owner=world["sue"], direction=Direction.LOWER)
    other = MeasureFactory(plan=police_plan)
    sue = viewers["officer"]
    assert measure_access(sue, theirs).update and not measure_access(sue, other).read
    assert list(readable_measures(sue).filter(plan=police_plan)) == [theirs]
    assert list(enterable_measures(sue, police_plan)) == [theirs]
