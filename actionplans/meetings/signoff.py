"""Sign-off rules for a body's monitoring list (seed 002, item 9):

* Items the body accepts as completed leave the list for later meetings.
* Outstanding items, and items the body does not accept as completed, stay on the
  list and come back to the next meeting; not accepting needs the body's comment.
* Rejected recommendations leave the list only after being reported to the body.

A decision that keeps an item on the list is shown with it at later meetings (the panel's
reason comes back with the item), and a rejected recommendation's row says when it was
reported (decision_note).

Only an item marked complete can be accepted (or not accepted) as complete, and only
a rejected recommendation can be reported as rejected. Any item can be noted and kept.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.formats import date_format

from actionplans.meetings.models import SignOffDecision
from actionplans.plans.rag import ActionStatus


class ItemState(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    PARTIALLY_COMPLETE = "partially_complete", "Partially complete"
    COMPLETE = "complete", "Complete"
    REJECTED = "rejected", "Rejected recommendation"


ALLOWED_DECISIONS: dict[ItemState, tuple[SignOffDecision, ...]] = {
    ItemState.COMPLETE: (
        SignOffDecision.ACCEPTED_COMPLETE,
        SignOffDecision.NOT_ACCEPTED,
        SignOffDecision.CARRIED_FORWARD,
    ),
    ItemState.PARTIALLY_COMPLETE: (SignOffDecision.CARRIED_FORWARD,),
    ItemState.OUTSTANDING: (SignOffDecision.CARRIED_FORWARD,),
    ItemState.REJECTED: (SignOffDecision.REJECTION_REPORTED, SignOffDecision.CARRIED_FORWARD),
}


def item_state(*, action_statuses: list[str | None], rejected: bool) -> ItemState:
    """The state of an item from its actions' current statuses (None: never reported)."""
    if rejected:
        return ItemState.REJECTED
    if action_statuses and all(status == ActionStatus.COMPLETE for status in action_statuses):
        return ItemState.COMPLETE
    if any(status in (ActionStatus.COMPLETE, ActionStatus.PARTIALLY_COMPLETE) for status in action_statuses):
        return ItemState.PARTIALLY_COMPLETE
    return ItemState.OUTSTANDING


def decision_error(*, state: ItemState, decision: str, comment: str) -> str | None:
    """Why the decision cannot be recorded on an item in this state, or None if it can."""
    if decision not in SignOffDecision.values:
        return "Choose one of the decisions"
    decision = SignOffDecision(decision)
    if decision not in ALLOWED_DECISIONS[state]:
        if decision in (SignOffDecision.ACCEPTED_COMPLETE, SignOffDecision.NOT_ACCEPTED):
            return "Only an item reported complete can be accepted or not accepted as complete"
        if decision == SignOffDecision.REJECTION_REPORTED:
            return "Only a rejected recommendation can be reported as rejected"
        return "That decision does not apply to this item"
    if decision == SignOffDecision.NOT_ACCEPTED and not comment.strip():
        return "Say why the panel does not accept the item as complete"
    return None


def leaves_list(decision: str) -> bool:
    """Whether the item leaves the list for meetings after the one that decided."""
    return decision in SignOffDecision.removing()


def decision_note(*, decision: str, comment: str, on: datetime.date) -> str:
    """A decision on an item as its row at a meeting shows it, with the day it was made:
    "Not accepted as complete on 4 November 2021: The data was incomplete." (the page and the
    committee paper both say it this way)."""
    day = date_format(on, "j F Y")
    if decision == SignOffDecision.REJECTION_REPORTED:
        text = f"Rejected recommendation reported to the panel on {day}; it leaves the list"
    elif decision == SignOffDecision.CARRIED_FORWARD:
        text = f"Noted and kept on the list on {day}"
    else:
        text = f"{SignOffDecision(decision).label} on {day}"
    comment = comment.strip()
    return f"{text}: {comment}" if comment else f"{text}."
