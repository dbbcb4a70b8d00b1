"""Seed 001's minutes come out of the tracker as printed: the agenda of 25 November 2009, every
RESOLVED clause (parsed here from the source paper's text) and every action AGREED with its
margin owner; and seed 002's agenda for 4 November 2021."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from actionplans.demo import load_demo
from actionplans.meetings import agenda
from actionplans.meetings.selectors import minuted_items
from partners.models import Meeting

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "sources"
BOARD = "Southampton Children & Young People's Trust Board"
PANEL = "Children and Families Scrutiny Panel"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def printed_resolutions(text: str) -> list[list[tuple[str, str]]]:
    """Each RESOLVED of a set of minutes as printed: its clauses as (number, text), the number
    blank for a lone clause; a clause's sub-points are lines of its text."""
    lines = re.sub(r"<sup>(.*?)</sup>", r"\1", text).split("\n")
    found = []
    for index, line in enumerate(lines):
        stripped = line.strip().lstrip("#").strip()
        if not stripped.startswith("RESOLVED:"):
            continue
        rest = stripped.removeprefix("RESOLVED:").strip()
        if rest:
            found.append([("", rest)])
            continue
        clauses: list[tuple[str, list[str]]] = []
        following = index + 1
        while not lines[following].strip():
            following += 1
        while following < len(lines) and lines[following].strip().startswith("-"):
            row = lines[following]
            numbered = re.match(r"- ([ivx]+)\. (.*)$", row.strip())
            if numbered and not row.startswith(" "):
                clauses.append((numbered.group(1), [numbered.group(2)]))
            else:
                clauses[-1][1].append(row.strip())
            following += 1
        found.append([(number, "\n".join(parts)) for number, parts in clauses])
    return found


def test_the_parser_reads_the_seed_as_seven_clauses_in_three_resolutions():
    printed = printed_resolutions((SOURCES / "001_e0b2d835168029ff.txt").read_text(encoding="utf-8"))
    assert [len(resolution) for resolution in printed] == [3, 3, 1]
    assert printed[0][1][1].endswith(
        "- Co-ordinate action to bring the 47 actions currently showing variance back on schedule."
    )


def test_the_minutes_of_25_november_2009_carry_all_7_resolved_clauses_as_printed(demo):
    printed = printed_resolutions((SOURCES / "001_e0b2d835168029ff.txt").read_text(encoding="utf-8"))
    meeting = Meeting.objects.get(body__name=BOARD, date=datetime.date(2009, 11, 25))
    minuted = [
        [(clause.number, clause.text) for clause in item.clauses] for item in minuted_items(meeting) if item.clauses
    ]
    assert minuted == printed
    assert sum(len(resolution) for resolution in minuted) == 7


def test_the_agenda_of_25_november_2009_has_its_15_items_and_margin_owners_as_printed(demo):
    meeting = Meeting.objects.get(body__name=BOARD, date=datetime.date(2009, 11, 25))
    items = minuted_items(meeting)
    assert [item.item.number for item in items] == list(range(1, 16))
    assert items[4].item.title.startswith("2ND QUARTER PERFORMANCE")
    assert items[4].item.presenter.name == "Sue Allan"
    owners = [(item.item.number, agreed.owner_as_printed) for item in items for agreed in item.actions]
    assert owners == [
        (2, "LSCB Working Group"),
        (3, "Cllr Holmes"),
        (3, "AW/AA/FB"),
        (3, "FB"),
        (5, "All Steering Group Leads"),
        (6, "AA"),
        (8, "CYPTE"),
    ]
    # Every action agreed is tracked in the board's action log, the same action, once.
    actions = [agreed.action for item in items for agreed in item.actions]
    assert len({action.pk for action in actions}) == 7
    assert {action.plan.title for action in actions} == {"Children & Young People's Trust Board – action log"}
    # The margin's initials name the people the minutes name, found through the attendance.
    people = agenda.attendees(meeting)
    assert [p.name for p in agenda.resolve_owner("AW/AA/FB", people)] == [
        "Alice Wrighton",
        "Alison Alexander",
        "Felicity Budgen",
    ]
    assert [p.name for p in agenda.resolve_owner("FB", people)] == ["Felicity Budgen"]
    # "All Steering Group Leads" is the group, not four people picked to stand for five chairs.
    delegated = items[4].actions[0]
    assert delegated.resolution.position == 2
    assert [group.name for group in delegated.action.owning_groups.all()] == ["Steering Group Leads"]
    assert delegated.action.lead is None


def test_the_steering_group_leads_each_see_the_delegated_action_on_my_actions(demo, client):
    from actionplans.plans.models import Action
    from partners.models import PersonGroup

    group = PersonGroup.objects.get(name="Steering Group Leads")
    delegated = Action.objects.get(owning_groups=group)
    for person in group.members.all():
        assert Action.objects.responsible(person).filter(pk=delegated.pk).exists(), person


def test_the_agenda_of_4_november_2021(demo, client, admin_user):
    meeting = Meeting.objects.get(body__name=PANEL, date=datetime.date(2021, 11, 4))
    items = minuted_items(meeting)
    assert [(item.item.number, item.item.title) for item in items][-1] == (9, "MONITORING SCRUTINY RECOMMENDATIONS")
    assert len(items) == 9
    client.force_login(admin_user)
    page = client.get(reverse("meeting_agenda", args=[meeting.pk])).content.decode()
    assert "6. KEY PERFORMANCE INDICATORS - SPECIAL EDUCATIONAL NEEDS AND DISABILITIES" in page
