"""Writes for officers' day-to-day work: progress updates, target-date revisions, comments.

Each function checks the rules (actionplans.plans.update_rules) itself, so the browser form,
the spreadsheet upload and any command all obey the same ones.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actionplans.kernel import clock
from actionplans.plans.editing.services import target_date_revise
from actionplans.plans.models import Action, ActionComment, ProgressUpdate
from actionplans.plans.update_rules import ProposedUpdate, update_errors
from partners.models import Person


def progress_update_problems(
    *,
    action: Action,
    status: str,
    rag_value: str,
    narrative: str,
    evidence_url: str = "",
    revised_target_date: datetime.date | None = None,
    revision_reason: str = "",
    on: datetime.date | None = None,
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Why progress_update_record would refuse this update, without writing anything: the
    rules of actionplans.plans.update_rules, then the ProgressUpdate fields' own checks for fields the
    rules said nothing about. Returns (rule errors, field errors), each field -> messages."""
    on = on or clock.today()
    proposed = ProposedUpdate(
        status=status,
        rag=rag_value,
        narrative=narrative,
        revised_target_date=revised_target_date,
        revision_reason=revision_reason,
    )
    rule_errors = update_errors(
        proposed, is_overdue=action.assessment(on=on).is_overdue, current_target=action.target_date, on=on
    )
    update = ProgressUpdate(
        action=action, status=status, rag=rag_value, narrative=narrative.strip(), evidence_url=evidence_url
    )
    field_errors: dict[str, list[str]] = {}
    try:
        update.clean_fields(exclude=["action", "author", "reported_at"])
    except ValidationError as error:
        field_errors = {name: messages for name, messages in error.message_dict.items() if name not in rule_errors}
    return rule_errors, field_errors


def progress_update_record(
    *,
    action: Action,
    author: Person | None,
    status: str,
    rag_value: str,
    narrative: str,
    evidence_url: str = "",
    revised_target_date: datetime.date | None = None,
    revision_reason: str = "",
    on: datetime.date | None = None,
    reported_at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """Record a progress update, revising the target date first if asked. Raises
    ValidationError (field -> messages) if the update breaks a rule; nothing is written then."""
    rule_errors, field_errors = progress_update_problems(
        action=action,
        status=status,
        rag_value=rag_value,
        narrative=narrative,
        evidence_url=evidence_url,
        revised_target_date=revised_target_date,
        revision_reason=revision_reason,
        on=on,
    )
    if rule_errors or field_errors:
        raise ValidationError(rule_errors | field_errors)
    update = ProgressUpdate(
        action=action,
        author=author,
        reported_at=reported_at or timezone.now(),
        status=status,
        rag=rag_value,
        narrative=narrative.strip(),
        evidence_url=evidence_url,
    )
    update.full_clean()
    with transaction.atomic():
        if revised_target_date is not None or revision_reason.strip():
            target_date_revise(action=action, new_date=revised_target_date, reason=revision_reason, by=author)
        update.save()
    return update


def comment_add(*, action: Action, author: Person, text: str) -> ActionComment:
    comment = ActionComment(action=action, author=author, text=text.strip())
    comment.full_clean()
    comment.save()
    return comment
