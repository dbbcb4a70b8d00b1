"""The rows of a download, before any file format: a `Sheet` is a title, its columns and a
generator of row dicts, and xlsx.py and csv.py each write one the same way.

The tracker's rows are chosen exactly as the tracker page chooses them: the same filter set
over the same selector, sorted by the same table, so the download holds every row the page's
filters select (all pages of them) in the page's order."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from actionplans.kernel import clock
from actionplans.plans.models import Action, Plan
from actionplans.plans.rag import rag_label
from partners.access import Viewer
from reports.tracker.filters import tracker_filterset
from reports.tracker.tables import TrackerTable

# Rows are read from the database this many at a time (each batch: 1 query for the rows,
# 1 for their further responsible people), so a long download never holds every action at once.
CHUNK_SIZE = 500


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    RAG = "rag"  # a Rag value or None: written as words ("Red: Off track"), filled in its colour


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: Kind = Kind.TEXT
    width: int = 16  # in characters, as spreadsheets measure columns
    # For sheets that are filled in and uploaded again (reports.bulk_update):
    editable: bool = False  # left unlocked when the sheet is protected
    choices: tuple[str, ...] = ()  # offered as a drop-down list
    hidden: bool = False

    def display(self, value):
        """The value as a reader sees it: a RAG in words, anything else as it is."""
        if self.kind is Kind.RAG:
            return rag_label(value)
        return value


@dataclass
class Sheet:
    title: str  # the first row of a workbook: what the rows are, e.g. the filters applied
    columns: list[Column]
    rows: Iterable[dict]  # one dict a row, keyed by Column.key
    filename: str  # without the extension, e.g. "tracker-2021-11-04"
    sheet_name: str = "Sheet1"
    protect: bool = False  # lock every cell but the editable columns'
    # Further worksheets of an .xlsx download, after this one (CSV holds one table and leaves them
    # out): each a function given the write-only workbook once this sheet's rows are written.
    more_worksheets: tuple[Callable, ...] = ()

    def values(self) -> Iterator[list]:
        """Each row as the list of its columns' displayed values."""
        for row in self.rows:
            yield [column.display(row[column.key]) for column in self.columns]


# --- the tracker table ----------------------------------------------------------------


class FiltersInvalid(Exception):
    """The filters in the address cannot be applied; the tracker page says why."""


@dataclass
class TrackerSelection:
    """The actions a tracker view selects, in its order, and that selection in words."""

    actions: QuerySet
    view_name: str  # "Tracker", or "<plan title>: actions"
    described: list[str]  # the filters and sort in words, e.g. ["RAG Red", "sorted by target date, descending"]
    plan: Plan | None

    def title(self, *, on: datetime.date) -> str:
        """E.g. "Tracker – RAG Red; lead ‘Sue Allan’ – as at 4 November 2021"."""
        everything = "every action in this plan" if self.plan else "every action you can see"
        return " – ".join([self.view_name, "; ".join(self.described) or everything, f"as at {date_format(on)}"])

    def filename(self, stem: str, *, on: datetime.date) -> str:
        plan_part = f"-{slugify(self.plan.title)[:60].strip('-')}" if self.plan else ""
        return f"{stem}{plan_part}-{on.isoformat()}"


def tracker_selection(viewer: Viewer, params: QueryDict, *, plan: Plan | None = None) -> TrackerSelection:
    """The rows of /tracker/ (or a plan's tracker) under the GET parameters `params`: the page's
    filter set and selector, ordered by the page's table. Raises FiltersInvalid."""
    filterset = tracker_filterset(viewer, params, plan=plan)
    if not filterset.is_valid():
        raise FiltersInvalid
    table = TrackerTable(filterset.qs, exclude=("plan",) if plan else ())
    if order_by := params.getlist(table.order_by_field):
        table.order_by = order_by  # the table's own order_<column> methods, as on the page
    described = filterset.active_filters()
    if table.sorted_by:
        described.append(f"sorted by {table.sorted_by}")
    return TrackerSelection(
        actions=table.data.data,
        view_name=f"{plan.title}: actions" if plan else "Tracker",
        described=described,
        plan=plan,
    )


TRACKER_COLUMNS = [
    Column("id", "Action ID", Kind.NUMBER, width=10),
    Column("reference", "Ref.", width=8),
    Column("description", "Action", width=50),
    Column("plan", "Plan", width=28),
    Column("recommendation", "Recommendation", width=40),
    Column("source", "Source", width=28),
    Column("lead", "Lead", width=22),
    Column("others", "Further responsible people", width=26),
    Column("target_date", "Target date", Kind.DATE, width=13),
    Column("target_text", "Target as printed", width=18),
    Column("status", "Status", width=18),
    Column("rag", "RAG", Kind.RAG, width=20),
    Column("last_update", "Last update", Kind.DATE, width=13),
    Column("overdue", "Overdue", width=10),
    Column("update_due", "Update due", width=11),
]


def tracker_sheet(viewer: Viewer, params: QueryDict, *, plan: Plan | None = None) -> Sheet:
    """The tracker download. Queries: those of the filters (see the tracker view), then 2 for
    each CHUNK_SIZE rows, as they are written; in an .xlsx, those of the measures' worksheets
    (reports.exports.measures_sheet). Raises FiltersInvalid."""
    from reports.exports.measures_sheet import measures_worksheets  # it imports xlsx.py, which imports this

    selection = tracker_selection(viewer, params, plan=plan)
    on = clock.today()
    return Sheet(
        title=selection.title(on=on),
        columns=TRACKER_COLUMNS,
        rows=tracker_rows(selection.actions),
        filename=selection.filename("tracker", on=on),
        sheet_name="Tracker",
        more_worksheets=(measures_worksheets(viewer, params, plan=plan),),
    )


def tracker_rows(actions: QuerySet) -> Iterator[dict]:
    """One dict a tracker_actions() row: what the tracker table shows, as plain values."""
    for action in actions.iterator(chunk_size=CHUNK_SIZE):
        yield tracker_row(action)


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def tracker_row(action: Action) -> dict:
    """Needs the tracker_actions() annotations and related rows."""
    recommendation = action.recommendation
    return {
        "id": action.pk,
        "reference": action.reference,
        "description": action.description,
        "plan": action.plan.title,
        "recommendation": (
            f"{recommendation.label} {recommendation.text}".strip() if recommendation else "None: agreed at a meeting"
        ),
        "source": str(recommendation.source) if recommendation else "",
        "lead": action.lead.display_name if action.lead else "Not named",
        "others": ", ".join(
            person.display_name for person in action.supporting_officers.all() if person.pk != action.lead_id
        ),
        "target_date": action.target_date,
        "target_text": action.target_date_text,
        "status": action.current_status_label,
        "rag": action.effective_rag,
        "last_update": local_date(action.last_update_at),
        "overdue": _yes_no(action.is_overdue),
        "update_due": _yes_no(action.is_update_due),
    }
