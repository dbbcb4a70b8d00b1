"""The sign-off rules of seed 002 item 9, as a state table: every decision on every kind of item."""

import datetime

import pytest

from actionplans.meetings.models import SignOffDecision as D
from actionplans.meetings.signoff import ItemState as S
from actionplans.meetings.signoff import decision_error, decision_note, item_state, leaves_list
from actionplans.plans.rag import ActionStatus

# state -> decision -> (allowed?, leaves the list afterwards?)
TABLE = {
    S.COMPLETE: {
        D.ACCEPTED_COMPLETE: (True, True),
        D.NOT_ACCEPTED: (True, False),
        D.REJECTION_REPORTED: (False, None),
        D.CARRIED_FORWARD: (True, False),
    },
    S.PARTIALLY_COMPLETE: {
        D.ACCEPTED_COMPLETE: (False, None),
        D.NOT_ACCEPTED: (False, None),
        D.REJECTION_REPORTED: (False, None),
        D.CARRIED_FORWARD: (True, False),
    },
    S.OUTSTANDING: {
        D.ACCEPTED_COMPLETE: (False, None),
        D.NOT_ACCEPTED: (False, None),
        D.REJECTION_REPORTED: (False, None),
        D.CARRIED_FORWARD: (True, False),
    },
    S.REJECTED: {
        D.ACCEPTED_COMPLETE: (False, None),
        D.NOT_ACCEPTED: (False, None),
        D.REJECTION_REPORTED: (True, True),
        D.CARRIED_FORWARD: (True, False),
    },
}


@pytest.mark.parametrize(("state", "decision"), [(state, decision) for state in TABLE for decision in TABLE[state]])
def test_every_decision_on_every_kind_of_item(state, decision):
    allowed, leaves = TABLE[state][decision]
    error = decision_error(state=state, decision=decision, comment="The evidence is not yet convincing.")
    assert (error is None) == allowed, error
    if allowed:
        assert leaves_list(decision) == leaves


def test_table_covers_every_state_and_decision():
    assert set(TABLE) == set(S)
    assert all(set(row) == set(D) for row in TABLE.values())


def test_not_accepting_needs_the_panels_comment():
    assert decision_error(state=S.COMPLETE, decision=D.NOT_ACCEPTED, comment="  ") == (
        "Say why the panel does not accept the item as complete"
    )


def test_a_decision_that_is_not_a_choice_is_refused():
    assert decision_error(state=S.COMPLETE, decision="approved", comment="") == "Choose one of the decisions"


@pytest.mark.parametrize(
    ("statuses", "rejected", "state"),
    [
        ([ActionStatus.COMPLETE, ActionStatus.COMPLETE], False, S.COMPLETE),
        ([ActionStatus.COMPLETE, ActionStatus.IN_PROGRESS], False, S.PARTIALLY_COMPLETE),
        ([ActionStatus.PARTIALLY_COMPLETE], False, S.PARTIALLY_COMPLETE),
        ([ActionStatus.IN_PROGRESS, None], False, S.OUTSTANDING),
        ([None], False, S.OUTSTANDING),
        ([], False, S.OUTSTANDING),
        ([ActionStatus.COMPLETE], True, S.REJECTED),
    ],
)
def test_item_state_from_its_actions(statuses, rejected, state):
    assert item_state(action_statuses=statuses, rejected=rejected) == state


@pytest.mark.parametrize(
    "decision, comment, note",
    [
        (
            D.NOT_ACCEPTED,
            "The data was incomplete.",
            "Not accepted as complete on 4 November 2021: The data was incomplete.",
        ),
        (D.CARRIED_FORWARD, "", "Noted and kept on the list on 4 November 2021."),
        (D.CARRIED_FORWARD, " Ask again. ", "Noted and kept on the list on 4 November 2021: Ask again."),
        (
            D.REJECTION_REPORTED,
            "",
            "Rejected recommendation reported to the panel on 4 November 2021; it leaves the list.",
        ),
        (D.ACCEPTED_COMPLETE, "", "Accepted as complete on 4 November 2021."),
    ],
)
def test_a_decision_is_shown_with_its_day_and_the_panels_comment(decision, comment, note):
    assert decision_note(decision=decision, comment=comment, on=datetime.date(2021, 11, 4)) == note
