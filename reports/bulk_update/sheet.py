"""The update sheet: a workbook of actions to report on, with three columns to fill in (new
status, new RAG, action taken), and reading a filled-in one back.

Each row carries the action's ID and a version marker, "v<action version>-u<id of its newest
progress update>" ("u0": none yet), so an upload can tell whether the action changed after
the sheet was downloaded. The sheet is protected without a password, to stop slips, not people:
only the three columns to fill in are unlocked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Max
from django.utils.formats import date_format

from actionplans.kernel import clock
from actionplans.plans.models import Action, ProgressUpdate
from actionplans.plans.rag import ActionStatus, Rag, rag_label
from actionplans.plans.selectors import my_actions_page
from partners.access import Viewer
from partners.models import Person
from reports.exports.rows import Column, Kind, Sheet, local_date, tracker_selection
from reports.spreadsheets import cell_text, find_header_row, header_words, heading_positions, without_note

STATUS_WORDS = tuple(str(label) for label in ActionStatus.labels)  # "Not started", …
RAG_WORDS = tuple(str(label) for label in Rag.labels)  # "Blue", …

UPDATE_COLUMNS = [
    Column("action_id", "Action ID", Kind.NUMBER, width=10),
    Column("reference", "Ref.", width=8),
    Column("plan", "Plan", width=26),
    Column("description", "Action", width=48),
    Column("target_date", "Target date", Kind.DATE, width=13),
    Column("status", "Current status", width=16),
    Column("rag", "Current RAG", Kind.RAG, width=18),
    Column("last_update", "Last update", Kind.DATE, width=13),
    Column("version", "Version (do not change)", width=12),
    Column("new_status", "New status", width=18, editable=True, choices=STATUS_WORDS),
    Column("new_rag", "New RAG", width=12, editable=True, choices=RAG_WORDS),
    Column("narrative", "Action taken", width=60, editable=True),
]
FILL_IN = ("new_status", "new_rag", "narrative")
REQUIRED = ("action_id", "version", *FILL_IN)
HEADER_SEARCH_ROWS = 10  # the headings are looked for in the first rows only
# The preview keeps every filled-in row in the session: enough for a round of updates, and
# a bound on what one upload can put there.
MAX_FILLED_IN_ROWS = 500
INSTRUCTIONS = "fill in the yellow columns (New status, New RAG, Action taken); rows left blank are skipped"


# --- the version marker -------------------------------------------------------------

_MARKER = re.compile(r"v(\d+)-u(\d+)")


def version_marker(version: int, newest_update_id: int | None) -> str:
    return f"v{version}-u{newest_update_id or 0}"


def parse_version_marker(text: str) -> tuple[int, int] | None:
    """(action version, newest update id or 0), or None if the text is not a marker."""
    match = _MARKER.fullmatch(text.strip().lower())
    return (int(match[1]), int(match[2])) if match else None


def newest_update_ids(action_ids: Iterable[int]) -> dict[int, int]:
    """Action id -> id of its most recently written progress update (a backdated update is
    still newer than the marker). 1 query."""
    rows = (
        ProgressUpdate.objects.filter(action_id__in=list(action_ids))
        .order_by()
        .values("action_id")
        .annotate(newest=Max("pk"))
    )
    return {row["action_id"]: row["newest"] for row in rows}


# --- writing ------------------------------------------------------------------------


def update_rows(actions: Iterable[Action], newest_ids: dict[int, int]) -> Iterator[dict]:
    """Needs the with_rag() annotations and the plan."""
    for action in actions:
        yield {
            "action_id": action.pk,
            "reference": action.reference,
            "plan": action.plan.title,
            "description": action.description,
            "target_date": action.target_date,
            "status": action.current_status_label,
            "rag": action.effective_rag,
            "last_update": local_date(action.last_update_at),
            "version": version_marker(action.version, newest_ids.get(action.pk)),
            "new_status": None,
            "new_rag": None,
            "narrative": None,
        }


def _update_sheet(actions: list[Action], *, title: str, filename: str) -> Sheet:
    return Sheet(
        title=title,
        columns=UPDATE_COLUMNS,
        rows=update_rows(actions, newest_update_ids(action.pk for action in actions)),
        filename=filename,
        sheet_name="Updates",
        protect=True,
    )


def my_actions_update_sheet(person: Person) -> Sheet:
    """The person's open actions, most urgent first, as on My actions. Queries: 1 the actions
    (the page's selector), 1 their newest update ids."""
    on = clock.today()
    actions = my_actions_page(person=person).actions
    return _update_sheet(
        actions,
        title=f"Update sheet – open actions of {person.display_name} – as at {date_format(on)} – {INSTRUCTIONS}",
        filename=f"update-sheet-my-actions-{on.isoformat()}",
    )


def tracker_update_sheet(viewer: Viewer, params, *, plan=None) -> Sheet:
    """The rows a tracker view selects (its filters and sort), for managers to fill in.
    Raises reports.exports.rows.FiltersInvalid."""
    on = clock.today()
    selection = tracker_selection(viewer, params, plan=plan)
    return _update_sheet(
        list(selection.actions),
        title=f"Update sheet – {selection.title(on=on)} – {INSTRUCTIONS}",
        filename=selection.filename("update-sheet-tracker", on=on),
    )


# --- reading ------------------------------------------------------------------------


class SheetNotRecognised(Exception):
    """The upload is a spreadsheet, but not a filled-in update sheet. str() is the message."""


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row's number in the spreadsheet
    action_id: str
    version: str
    new_status: str
    new_rag: str
    narrative: str

    @property
    def is_filled_in(self) -> bool:
        return bool(self.new_status or self.new_rag or self.narrative)


def _heading_key(cell) -> str:
    """ "Version (do not change)" -> "version", "Ref." -> "ref"."""
    return header_words(without_note(cell))


_KEYS_BY_HEADING = {_heading_key(column.heading): column.key for column in UPDATE_COLUMNS}
_HEADINGS = {column.key: column.heading for column in UPDATE_COLUMNS}


def _column_named(cell) -> str | None:
    return _KEYS_BY_HEADING.get(_heading_key(cell))


def read_update_sheet(rows: list[list]) -> list[SheetRow]:
    """The rows under the update sheet's headings (wherever its columns are), less empty ones.
    Raises SheetNotRecognised."""
    header_index = find_header_row(rows, _column_named, scan=HEADER_SEARCH_ROWS, required=("action_id",))
    if header_index is None:
        raise SheetNotRecognised(
            "This is not an update sheet from the tracker: it has no ‘Action ID’ column. "
            "Download an update sheet, fill it in and upload that."
        )
    positions = heading_positions(rows[header_index], _column_named)
    if missing := [_HEADINGS[key] for key in REQUIRED if key not in positions]:
        raise SheetNotRecognised(
            f"The update sheet is missing the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(f'‘{heading}’' for heading in missing)}. Download a fresh update sheet and fill that in."
        )

    def cell(cells: list, key: str) -> str:
        position = positions[key]
        return cell_text(cells[position]) if position < len(cells) else ""

    sheet_rows = []
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        values = {key: cell(cells, key) for key in REQUIRED}
        if any(values.values()):
            sheet_rows.append(SheetRow(number=index + 1, **values))
    if not sheet_rows:
        raise SheetNotRecognised("The update sheet has no actions in it: there is nothing under its headings.")
    if sum(row.is_filled_in for row in sheet_rows) > MAX_FILLED_IN_ROWS:
        raise SheetNotRecognised(
            f"More than {MAX_FILLED_IN_ROWS} rows are filled in: the most one upload can post. "
            "Split the updates between two sheets and upload each."
        )
    return sheet_rows


def _word_key(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).lower()


_STATUSES = {_word_key(word): str(status.value) for status in ActionStatus for word in (status.label, status.value)}
_RAGS = {_word_key(word): str(value.value) for value in Rag for word in (value.label, value.value, rag_label(value))}


def parse_status(text: str) -> str | None:
    """An ActionStatus value from its words ("Partially complete"), any case; None if not one."""
    return _STATUSES.get(_word_key(text))


def parse_rag(text: str) -> str | None:
    """A Rag value from "Red", "red" or "Red: Off track"; None if not one."""
    return _RAGS.get(_word_key(text))
