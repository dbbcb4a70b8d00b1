"""The progress-update rules at their boundaries."""

import datetime

import pytest

from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.update_rules import ProposedUpdate, update_errors

ON = datetime.date(2021, 11, 4)
YESTERDAY = ON - datetime.timedelta(days=1)


def errors(
    *,
    status=ActionStatus.IN_PROGRESS,
    rag=Rag.GREEN,
    narrative="Work under way.",
    overdue=False,
    new_date=None,
    reason="",
    target=YESTERDAY,
):
    proposed = ProposedUpdate(
        status=status, rag=rag, narrative=narrative, revised_target_date=new_date, revision_reason=reason
    )
    return update_errors(proposed, is_overdue=overdue, current_target=target, on=ON)


def test_an_ordinary_update_breaks_no_rule():
    assert errors() == {}


def test_blue_needs_status_complete():
    assert "rag" in errors(rag=Rag.BLUE, status=ActionStatus.IN_PROGRESS)


def test_complete_needs_blue():
    assert "rag" in errors(rag=Rag.GREEN, status=ActionStatus.COMPLETE)


def test_completion_needs_a_narrative():
    assert errors(rag=Rag.BLUE, status=ActionStatus.COMPLETE, narrative="  ") == {
        "narrative": ["Say what was done to complete the action."]
    }
    assert errors(rag=Rag.BLUE, status=ActionStatus.COMPLETE, narrative="Done.") == {}


@pytest.mark.parametrize("rag", [Rag.GREEN, Rag.AMBER])
def test_overdue_action_cannot_be_green_or_amber_without_a_revised_date(rag):
    assert "rag" in errors(rag=rag, overdue=True)


def test_overdue_action_may_be_reported_red():
    assert errors(rag=Rag.RED, overdue=True) == {}


def test_overdue_action_may_be_completed():
    assert errors(rag=Rag.BLUE, status=ActionStatus.COMPLETE, overdue=True) == {}


def test_overdue_action_may_be_green_with_a_revised_date_and_reason():
    assert errors(rag=Rag.GREEN, overdue=True, new_date=ON, reason="Waiting for the Ofsted report.") == {}


def test_revised_date_in_the_past_is_refused():
    result = errors(rag=Rag.GREEN, overdue=True, new_date=YESTERDAY, reason="Late data.")
    assert "revised_target_date" in result and "rag" in result


def test_revised_date_needs_a_reason():
    assert "revision_reason" in errors(new_date=ON + datetime.timedelta(days=30))


def test_a_reason_needs_a_date():
    assert "revised_target_date" in errors(reason="Staff shortages.")


def test_revising_to_the_same_date_is_refused():
    target = ON + datetime.timedelta(days=10)
    assert "revised_target_date" in errors(new_date=target, reason="No change really.", target=target)
