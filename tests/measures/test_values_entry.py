"""Entering one period's values across several measures in the browser: who may, what is
checked, that a refusal saves nothing, and that nobody overwrites a figure entered meanwhile."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from actionplans.measures.models import MeasureValue
from actionplans.measures.units import MeasureUnit
from actionplans.plans.rag import RagRule
from tests.factories import MeasureFactory, MeasureTargetFactory, MeasureValueFactory, PlanFactory

pytestmark = pytest.mark.usefixtures("as_at")

OCTOBER = datetime.date(2021, 10, 31)
OCTOBER_19 = datetime.date(2021, 10, 19)


@pytest.fixture
def world(world, db):
    """The Jigsaw measures of a plan of the panel's, Sue their data owner; one she does not own."""
    plan = PlanFactory(owning_body=world["panel"], lead=world["alison"])
    visits = MeasureFactory(plan=plan, name="Visits in timescale", data_owner=world["sue"])
    supervisions = MeasureFactory(plan=plan, name="Supervisions in timescale", data_owner=world["sue"])
    children = MeasureFactory(
        plan=plan, name="Number of children open to Jigsaw", unit=MeasureUnit.COUNT, data_owner=world["sue"]
    )
    audits = MeasureFactory(
        plan=plan,
        name="Percentage of Audits good or better",
        rag_rule=RagRule.BANDS,
        green_threshold=70,
        amber_threshold=60,
        data_owner=world["paul"],
    )
    MeasureTargetFactory(measure=visits, value=90)
    world.update(plan=plan, visits=visits, supervisions=supervisions, children=children, audits=audits)
    return world


def url(world, period: datetime.date | None = None) -> str:
    base = reverse("measure_values", args=[world["plan"].pk])
    return f"{base}?period={period:%Y-%m-%d}" if period else base


def form_data(response) -> dict:
    """What the form sends back unchanged: its hidden versions and the figures it shows."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else str(value)
    return data


def errors(response) -> list[str]:
    summary = response.content.decode().split('govuk-error-summary__list">')[1].split("</ul>")[0]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r'<a href="[^"]*">(.*?)</a>', summary, re.S)]


def test_the_data_owner_is_shown_their_measures_for_the_last_month_end(world, officer_client):
    response = officer_client.get(url(world))
    assert response.status_code == 200
    assert response.context["period_end"] == OCTOBER  # as at 4 November 2021
    assert [row["measure"].name for row in response.context["form"].rows] == [
        "Visits in timescale",
        "Supervisions in timescale",
        "Number of children open to Jigsaw",
    ]
    content = response.content.decode()
    assert "Enter values for the period ending 31 October 2021" in content
    # A count has no numerator or denominator to enter.
    assert f'name="numerator_{world["children"].pk}"' not in content
    assert f'name="numerator_{world["visits"].pk}"' in content


def test_the_plan_lead_enters_every_measure(world, lead_client):
    assert len(lead_client.get(url(world)).context["form"].rows) == 4


def test_values_for_several_measures_are_saved_in_one_go(world, officer_client):
    v, s, c = world["visits"], world["supervisions"], world["children"]
    data = form_data(officer_client.get(url(world, OCTOBER_19)))
    data |= {
        f"value_{v.pk}": "90",
        f"numerator_{v.pk}": "237",
        f"value_{s.pk}": "",  # worked out from its numerator and denominator: 245 of 308 is 79.55%
        f"numerator_{s.pk}": "245",
        f"denominator_{s.pk}": "308",
        f"note_{s.pk}": "From Paris",
        f"value_{c.pk}": "308",
    }
    response = officer_client.post(url(world, OCTOBER_19), data)
    assert response.status_code == 302
    saved = {value.measure_id: value for value in MeasureValue.objects.filter(period_end=OCTOBER_19)}
    assert (saved[v.pk].value, saved[v.pk].numerator, saved[v.pk].denominator) == (Decimal(90), 237, None)
    assert (saved[s.pk].value, saved[s.pk].note) == (Decimal("79.55"), "From Paris")
    assert saved[c.pk].value == Decimal(308)
    assert {value.entered_by for value in saved.values()} == {world["sue"]}
    followed = officer_client.get(response["Location"])
    assert "3 figures for the period ending 19 October 2021 saved." in followed.content.decode()


def test_a_refusal_names_each_problem_and_saves_nothing(world, officer_client):
    v, s, c = world["visits"], world["supervisions"], world["children"]
    data = form_data(officer_client.get(url(world, OCTOBER)))
    data |= {
        f"value_{v.pk}": "90",  # fine on its own
        f"numerator_{s.pk}": "320",
        f"denominator_{s.pk}": "308",
        f"value_{c.pk}": "lots",
    }
    response = officer_client.post(url(world, OCTOBER), data)
    assert response.status_code == 400
    assert errors(response) == [
        "The numerator for Supervisions in timescale cannot be more than its denominator",
        "The figure for Number of children open to Jigsaw must be a number, like 87 or 53.76",
    ]
    assert not MeasureValue.objects.exists()
    # What was typed is kept.
    assert response.context["form"][f"value_{v.pk}"].value() == "90"


@pytest.mark.parametrize(
    ("entered", "message"),
    [
        ({"value": "90", "numerator": "237", "denominator": "267"}, "does not agree with 237 of 267, which is 88.76%"),
        ({"denominator": "308"}, "Enter the numerator for Visits in timescale as well as the denominator"),
        ({"denominator": "0", "numerator": "0"}, "The denominator for Visits in timescale must be 1 or more"),
        ({"note": "Awaiting figures"}, "Enter the figure for Visits in timescale"),
    ],
)
def test_each_rule_of_a_figure(world, officer_client, entered, message):
    v = world["visits"]
    data = form_data(officer_client.get(url(world, OCTOBER)))
    data |= {f"{name}_{v.pk}": value for name, value in entered.items()}
    response = officer_client.post(url(world, OCTOBER), data)
    assert response.status_code == 400
    assert any(message in error for error in errors(response)), errors(response)
    assert not MeasureValue.objects.exists()


def test_a_form_with_nothing_entered_is_refused(world, officer_client):
    response = officer_client.post(url(world, OCTOBER), form_data(officer_client.get(url(world, OCTOBER))))
    assert response.status_code == 400
    assert errors(response) == ["Enter at least one figure"]


def test_a_period_that_has_not_ended_is_refused(world, officer_client):
    later = datetime.date(2021, 11, 30)
    data = form_data(officer_client.get(url(world, later))) | {f"value_{world['visits'].pk}": "90"}
    response = officer_client.post(url(world, later), data)
    assert response.status_code == 400
    assert "The period must have ended: enter a period end of today or before" in errors(response)
    assert not MeasureValue.objects.exists()


def test_a_period_that_is_not_a_date_is_said_so(world, officer_client):
    response = officer_client.get(reverse("measure_values", args=[world["plan"].pk]) + "?period=31/13/2021")
    assert response.status_code == 200
    assert "Enter a real date, like 31/10/2021" in response.content.decode()


def test_a_correction_keeps_the_earlier_figure_in_the_history(world, officer_client):
    value = MeasureValueFactory(measure=world["visits"], period_end=OCTOBER, value=88)
    response = officer_client.get(url(world, OCTOBER))
    assert "Entered: 88%" in response.content.decode()
    data = form_data(response) | {f"value_{world['visits'].pk}": "89"}
    assert officer_client.post(url(world, OCTOBER), data).status_code == 302
    value.refresh_from_db()
    assert (value.value, value.entered_by, value.version) == (Decimal(89), world["sue"], 2)
    assert [h.value for h in value.history.order_by("history_date", "history_id")] == [Decimal(88), Decimal(89)]
    assert value.history.latest("history_date").history_user == world["sue"].user


def test_sending_the_figures_shown_again_changes_nothing(world, officer_client):
    value = MeasureValueFactory(measure=world["visits"], period_end=OCTOBER, value=88)
    response = officer_client.post(url(world, OCTOBER), form_data(officer_client.get(url(world, OCTOBER))))
    assert response.status_code == 302
    assert value.history.count() == 1


def test_a_figure_already_entered_cannot_be_removed_here(world, officer_client):
    MeasureValueFactory(measure=world["visits"], period_end=OCTOBER, value=88)
    data = form_data(officer_client.get(url(world, OCTOBER))) | {f"value_{world['visits'].pk}": ""}
    response = officer_client.post(url(world, OCTOBER), data)
    assert response.status_code == 400
    assert errors(response) == [
        "Enter the figure for Visits in timescale: a figure already entered can be corrected but not removed"
    ]


def test_a_figure_corrected_by_somebody_else_meanwhile_is_shown_not_overwritten(world, officer_client, lead_client):
    v, c = world["visits"], world["children"]
    MeasureValueFactory(measure=v, period_end=OCTOBER, value=88)
    mine = form_data(officer_client.get(url(world, OCTOBER))) | {f"value_{v.pk}": "89", f"value_{c.pk}": "308"}
    theirs = form_data(lead_client.get(url(world, OCTOBER))) | {f"value_{v.pk}": "87"}
    assert lead_client.post(url(world, OCTOBER), theirs).status_code == 302

    response = officer_client.post(url(world, OCTOBER), mine)
    assert response.status_code == 409
    content = re.sub(r"\s+", " ", response.content.decode())
    assert "Somebody else entered figures for this period" in content
    assert "Visits in timescale: 87%, entered by Alison Alexander" in content
    # Nothing of hers is saved, not even the figure nobody else touched; her typing is kept.
    assert MeasureValue.objects.get(measure=v).value == Decimal(87)
    assert not MeasureValue.objects.filter(measure=c).exists()
    assert response.context["form"][f"value_{v.pk}"].value() == "89"

    # Having seen theirs, she saves again, and hers is saved.
    again = officer_client.post(url(world, OCTOBER), form_data(response))
    assert again.status_code == 302
    assert MeasureValue.objects.get(measure=v).value == Decimal(89)
    assert MeasureValue.objects.get(measure=c).value == Decimal(308)


def test_a_figure_entered_by_somebody_else_meanwhile_is_shown_not_overwritten(world, officer_client, lead_client):
    v = world["visits"]
    mine = form_data(officer_client.get(url(world, OCTOBER))) | {f"value_{v.pk}": "89"}
    theirs = form_data(lead_client.get(url(world, OCTOBER))) | {f"value_{v.pk}": "87"}
    assert lead_client.post(url(world, OCTOBER), theirs).status_code == 302
    response = officer_client.post(url(world, OCTOBER), mine)
    assert response.status_code == 409
    assert MeasureValue.objects.get(measure=v).value == Decimal(87)


def test_a_posted_version_or_unit_of_another_measure_is_ignored(world, officer_client):
    """The form reads only its own fields: the audit measure (Paul's) cannot be written by Sue."""
    data = form_data(officer_client.get(url(world, OCTOBER)))
    data |= {f"value_{world['audits'].pk}": "99", f"value_{world['visits'].pk}": "90", "unit": "count"}
    assert officer_client.post(url(world, OCTOBER), data).status_code == 302
    assert not MeasureValue.objects.filter(measure=world["audits"]).exists()
    assert MeasureValue.objects.get(measure=world["visits"]).unit == MeasureUnit.PERCENTAGE
