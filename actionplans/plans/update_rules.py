"""The rules a progress update must keep, in one place for the form, the spreadsheet
upload and any other way an update comes in.

* Blue only with status complete, and complete only with Blue.
* Completion needs a narrative of the action taken.
* An overdue action cannot be reported Green or Amber unless its target date is
  revised (to a date not in the past) with a reason; Red, or completing it, is
  always allowed.
* A revision needs both a new date and a reason.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from actionplans.plans.rag import ActionStatus, Rag


@dataclass(frozen=True)
class ProposedUpdate:
    status: str
    rag: str
    narrative: str
    revised_target_date: datetime.date | None = None
    revision_reason: str = ""

    @property
    def revises_target(self) -> bool:
        return self.revised_target_date is not None or bool(self.revision_reason.strip())


def update_errors(
    proposed: ProposedUpdate, *, is_overdue: bool, current_target: datetime.date | None, on: datetime.date
) -> dict[str, list[str]]:
    """Field name -> messages for every rule the proposed update breaks (empty if none)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    complete = proposed.status == ActionStatus.COMPLETE
    if proposed.rag == Rag.BLUE and not complete:
        add("rag", "Blue means complete: choose status Complete, or another RAG.")
    if complete and proposed.rag != Rag.BLUE:
        add("rag", "A complete action is Blue: choose Blue, or another status.")
    if complete and not proposed.narrative.strip():
        add("narrative", "Say what was done to complete the action.")

    if proposed.revises_target:
        if proposed.revised_target_date is None:
            add("revised_target_date", "Enter the new target date, or clear the reason.")
        elif proposed.revised_target_date < on:
            add("revised_target_date", "The new target date cannot be in the past.")
        elif current_target is not None and proposed.revised_target_date == current_target:
            add("revised_target_date", "The new target date is the same as the current one.")
        if not proposed.revision_reason.strip():
            add("revision_reason", "Give the reason the target date is moving.")

    if is_overdue and not complete and proposed.rag in (Rag.GREEN, Rag.AMBER):
        revised_ok = (
            proposed.revised_target_date is not None
            and proposed.revised_target_date >= on
            and proposed.revision_reason.strip()
        )
        if not revised_ok:
            add(
                "rag",
                "This action is past its target date, so it can only be reported Green or Amber "
                "with a revised target date and the reason for it. Otherwise report it Red.",
            )
    return errors
