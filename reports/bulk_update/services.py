"""Checking an uploaded update sheet (the preview) and posting it (the confirm).

The preview decides, row by row, what would happen: ready to post, a problem (unknown action,
not permitted, a word that is not a status or RAG, a broken update rule) or a conflict (the
action changed after the sheet was downloaded). The confirm posts every ready row as a progress
update through actionplans.plans.services.progress_update_record, all in one transaction: if any row
can no longer be posted, nothing is.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from actionplans.kernel import clock
from actionplans.plans.access import readable_actions, with_may_update
from actionplans.plans.models import Action, ProgressUpdate
from actionplans.plans.progress_forms import NARRATIVE_MAX
from actionplans.plans.rag import ActionStatus, Rag, rag_label
from actionplans.plans.services import progress_update_problems, progress_update_record
from partners.access import Viewer
from reports.bulk_update.sheet import (
    RAG_WORDS,
    STATUS_WORDS,
    SheetRow,
    newest_update_ids,
    parse_rag,
    parse_status,
    parse_version_marker,
)

READY, PROBLEM, CONFLICT = "ready", "problem", "conflict"
PREVIEW_MAX_AGE = datetime.timedelta(minutes=30)


def _either(words: tuple[str, ...]) -> str:
    return ", ".join(words[:-1]) + f" or {words[-1]}"


@dataclass
class PreviewRow:
    number: int  # the row in the spreadsheet
    outcome: str  # READY, PROBLEM or CONFLICT
    messages: list[str] = field(default_factory=list)
    action_id: int | None = None
    action: str = ""  # as str(Action): reference and description
    plan: str = ""
    status: str = ""  # ActionStatus value, or the words as typed if not one
    rag: str = ""  # Rag value, or the words as typed if not one
    narrative: str = ""
    version: int | None = None  # from the sheet's version marker
    newest_update_id: int | None = None

    @property
    def status_label(self) -> str:
        return ActionStatus(self.status).label if self.status in ActionStatus.values else self.status

    @property
    def rag_label(self) -> str:
        return rag_label(self.rag) if self.rag in Rag.values else self.rag

    @property
    def rag_value(self) -> str | None:
        """For the coloured tag: the RAG if it is one."""
        return self.rag if self.rag in Rag.values else None


@dataclass
class Preview:
    token: str  # the confirm form must send it back
    user_id: int
    created_at: str  # ISO 8601
    rows: list[PreviewRow]
    unchanged: int  # rows with nothing filled in, skipped

    @property
    def ready(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.outcome == READY]

    @property
    def problems(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.outcome == PROBLEM]

    @property
    def conflicts(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.outcome == CONFLICT]

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) - datetime.datetime.fromisoformat(self.created_at) > PREVIEW_MAX_AGE

    def to_dict(self) -> dict:
        """For the session (JSON)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Preview:
        return cls(**(data | {"rows": [PreviewRow(**row) for row in data["rows"]]}))


class PreviewStale(Exception):
    """The preview can no longer be posted as it stands; str() says why. Nothing was written."""


# --- the rules, as actionplans.plans.services applies them ------------------------------------

COLUMN_NAMES = {"status": "New status", "rag": "New RAG", "narrative": "Action taken"}
BLANK_NARRATIVE = "Fill in ‘Action taken’: every progress update says what has been done."


def update_problems(action: Action, *, status: str, rag_value: str, narrative: str, on: datetime.date) -> list[str]:
    """Why progress_update_record would refuse this update (actionplans.plans.services checks it the
    same way), with the field checks' messages in the sheet's own column names."""
    rule_errors, field_errors = progress_update_problems(
        action=action, status=status, rag_value=rag_value, narrative=narrative, on=on
    )
    messages = [message for field_messages in rule_errors.values() for message in field_messages]
    for name, field_messages in field_errors.items():
        messages += [_field_message(name, message, narrative) for message in field_messages]
    return messages


def _field_message(name: str, message: str, narrative: str) -> str:
    if name == "narrative" and not narrative.strip():
        return BLANK_NARRATIVE
    return f"{COLUMN_NAMES.get(name, name)}: {message}"


# --- the preview ---------------------------------------------------------------------


def _action_id(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None


def bulk_update_preview(
    *, viewer: Viewer, user_id: int, sheet_rows: list[SheetRow], on: datetime.date | None = None
) -> Preview:
    """What posting each filled-in row would do. Nothing is written.

    Queries: 1 the actions named, with whether the viewer may update each, 1 their newest
    update ids, and 1 for each conflict, to say who updated it (for someone other than a
    manager, +1 the bodies the viewer sits on)."""
    on = on or clock.today()
    filled = [row for row in sheet_rows if row.is_filled_in]
    ids = {action_id for row in filled if (action_id := _action_id(row.action_id))}
    actions = with_may_update(readable_actions(viewer).filter(pk__in=ids), viewer)
    actions = actions.with_rag(on=on).select_related("plan").in_bulk()
    newest = newest_update_ids(actions)
    seen: dict[int, int] = {}
    rows = [_preview_row(row, actions, newest, seen, on) for row in filled]
    return Preview(
        token=secrets.token_urlsafe(24),
        user_id=user_id,
        created_at=timezone.now().isoformat(),
        rows=rows,
        unchanged=len(sheet_rows) - len(filled),
    )


def _preview_row(sheet_row: SheetRow, actions, newest, seen, on) -> PreviewRow:
    row = PreviewRow(
        number=sheet_row.number,
        outcome=PROBLEM,
        status=parse_status(sheet_row.new_status) or sheet_row.new_status,
        rag=parse_rag(sheet_row.new_rag) or sheet_row.new_rag,
        narrative=sheet_row.narrative,
    )
    action_id = _action_id(sheet_row.action_id)
    if action_id is None:
        row.action = sheet_row.action_id
        row.messages.append(
            f"‘{sheet_row.action_id}’ is not an action ID from the tracker."
            if sheet_row.action_id
            else "This row has no action ID, so the tracker cannot tell which action it is for."
        )
        return row
    row.action_id = action_id
    action = actions.get(action_id)
    if action is None:  # or one the person may not read: they cannot learn that it exists
        row.action = f"Action ID {action_id}"
        row.messages.append(f"There is no action with ID {action_id} that you can see.")
        return row
    row.action, row.plan = str(action), action.plan.title
    if action_id in seen:
        row.messages.append(f"This action is also in row {seen[action_id]}: put its update in one row.")
        return row
    seen[action_id] = sheet_row.number
    if not action.may_update:
        row.messages.append("You may not post updates on this action.")
        return row

    marker = parse_version_marker(sheet_row.version)
    if marker is None:
        row.messages.append(
            "Its ‘Version’ cell was changed or emptied, so the tracker cannot tell whether the action changed "
            "after the sheet was downloaded. Download a fresh update sheet."
        )
        return row
    row.version, row.newest_update_id = marker
    if changes := _changes_since(action, marker, newest.get(action.pk, 0)):
        row.outcome = CONFLICT
        row.messages.extend([*changes, "Not posted: download a fresh update sheet to see the change."])
        return row

    status, rag_value = parse_status(sheet_row.new_status), parse_rag(sheet_row.new_rag)
    if not sheet_row.new_status:
        row.messages.append(f"Choose a new status: {_either(STATUS_WORDS)}.")
    elif status is None:
        row.messages.append(f"‘{sheet_row.new_status}’ is not a status: choose {_either(STATUS_WORDS)}.")
    if not sheet_row.new_rag:
        row.messages.append(f"Choose a new RAG: {_either(RAG_WORDS)}.")
    elif rag_value is None:
        row.messages.append(f"‘{sheet_row.new_rag}’ is not a RAG: choose {_either(RAG_WORDS)}.")
    if len(sheet_row.narrative) > NARRATIVE_MAX:
        row.messages.append(f"Action taken must be {NARRATIVE_MAX:,} characters or fewer.")
    if status and rag_value:
        row.messages.extend(
            update_problems(action, status=status, rag_value=rag_value, narrative=sheet_row.narrative, on=on)
        )
    if not row.messages:
        row.outcome = READY
    return row


def _changes_since(action: Action, marker: tuple[int, int], newest_id: int) -> list[str]:
    version, update_id = marker
    changes = []
    if newest_id != update_id:
        update = ProgressUpdate.objects.select_related("author").filter(pk=newest_id).first()
        if update is None:
            changes.append("An update on this action was removed after the sheet was downloaded.")
        else:
            by = f" by {update.author}" if update.author else ""
            changes.append(
                f"Another update was posted{by} on {date_format(timezone.localdate(update.reported_at))}, "
                "after the sheet was downloaded."
            )
    if action.version != version:
        changes.append("The action itself was edited after the sheet was downloaded.")
    return changes


# --- the confirm ---------------------------------------------------------------------


def bulk_update_apply(*, viewer: Viewer, preview: Preview, on: datetime.date | None = None) -> list[ProgressUpdate]:
    """Post every ready row of the preview as a progress update by the viewer, in one
    transaction. Raises PreviewStale, having written nothing, if any of those actions has
    changed since the sheet was downloaded, may no longer be updated by the viewer, or its
    update now breaks a rule."""
    rows = preview.ready
    if not rows:
        raise PreviewStale("Nothing in this upload can be posted.")
    on = on or clock.today()
    ids = [row.action_id for row in rows]
    with transaction.atomic():
        # Lock the actions, so nobody posts on them between this check and the writes.
        list(Action.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        actions = with_may_update(readable_actions(viewer).filter(pk__in=ids), viewer).select_related("plan").in_bulk()
        newest = newest_update_ids(ids)
        changed = [
            row
            for row in rows
            if (action := actions.get(row.action_id)) is None
            or (action.version, newest.get(action.pk, 0)) != (row.version, row.newest_update_id)
        ]
        if changed:
            raise PreviewStale(
                f"{_rows(changed)} changed after you uploaded the sheet, so nothing was posted. "
                "Download a fresh update sheet, or upload yours again to see what changed."
            )
        updates = []
        for row in rows:
            action = actions[row.action_id]
            if not action.may_update:
                raise PreviewStale(f"You may no longer post updates on {_rows([row])}, so nothing was posted.")
            try:
                updates.append(
                    progress_update_record(
                        action=action,
                        author=viewer.person,
                        status=row.status,
                        rag_value=row.rag,
                        narrative=row.narrative,
                        on=on,
                    )
                )
            except ValidationError as error:
                raise PreviewStale(
                    f"The update in {_rows([row])} can no longer be posted ({' '.join(error.messages)}), "
                    "so nothing was posted. Upload the sheet again to check it."
                ) from error
    return updates


def _rows(rows: list[PreviewRow]) -> str:
    numbers = [str(row.number) for row in rows]
    if len(numbers) == 1:
        return f"the action in row {numbers[0]}"
    return f"the actions in rows {', '.join(numbers[:-1])} and {numbers[-1]}"
