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
from actionplans.plans.rag import rag_label, status_label
from partners.access import Viewer
from reports.tracker.filters import tracker_filterset
from reports.tracker.tables import TrackerTable

# Rows are read from the database this many at a time, in one query (tracker_rows).
CHUNK_SIZE = 2000


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
    """The tracker download. Queries: those of the filters (see the tracker view), then 2 as the
    rows are written (tracker_rows), however many rows; in an .xlsx, those of the measures'
    worksheets (reports.exports.measures_sheet). Raises FiltersInvalid."""
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


# What a row reads from each action: its own columns and the with_rag() annotations (already
# worked out by the database, so the download shows what the page filtered and sorted by), and
# the names of its plan, recommendation, source and lead, joined in the same query.
TRACKER_FIELDS = (
    "pk",
    "reference",
    "description",
    "plan__title",
    "recommendation_id",
    "recommendation__label",
    "recommendation__text",
    "recommendation__source__title",
    "lead_id",
    "lead__name",
    "lead__job_title",
    "target_date",
    "target_date_text",
    "latest_status",
    "effective_rag",
    "last_update_at",
    "is_overdue",
    "is_update_due",
)


def tracker_rows(actions: QuerySet) -> Iterator[dict]:
    """One dict a row of the tracker_actions() queryset `actions` (filtered and ordered as the
    page): what the tracker table shows, as plain values. Queries, however many rows: 1 for the
    further responsible people of every row, then 1 for the rows, read CHUNK_SIZE at a time (on
    PostgreSQL through a server-side cursor), so a long download never holds every action at once."""
    others = further_people(actions)
    zone = timezone.get_current_timezone()
    rows = actions.prefetch_related(None).values_list(*TRACKER_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for (
        pk,
        reference,
        description,
        plan_title,
        recommendation_id,
        label,
        text,
        source_title,
        lead_id,
        lead_name,
        lead_job_title,
        target_date,
        target_date_text,
        latest_status,
        effective_rag,
        last_update_at,
        is_overdue,
        is_update_due,
    ) in rows:
        yield {
            "id": pk,
            "reference": reference,
            "description": description,
            "plan": plan_title,
            "recommendation": f"{label} {text}".strip() if recommendation_id else NO_RECOMMENDATION,
            "source": source_title if recommendation_id else "",
            "lead": (lead_name or lead_job_title) if lead_id else NO_LEAD,  # Person.display_name
            "others": ", ".join(name for person_id, name in others.get(pk, ()) if person_id != lead_id),
            "target_date": target_date,
            "target_text": target_date_text,
            "status": status_label(latest_status),
            "rag": effective_rag,
            "last_update": local_date(last_update_at, zone),
            "overdue": _yes_no(is_overdue),
            "update_due": _yes_no(is_update_due),
        }


NO_RECOMMENDATION = "None: agreed at a meeting"
NO_LEAD = "Not named"


def further_people(actions: QuerySet) -> dict[int, list[tuple[int, str]]]:
    """Action id -> (person id, name as shown) of each of its further responsible people, in the
    order of their names (as the tracker page lists them), for every action of `actions`. 1 query."""
    responsible = Action.supporting_officers.through.objects.filter(action__in=actions.order_by().values("pk"))
    people: dict[int, list[tuple[int, str]]] = {}
    for action_id, person_id, name, job_title in responsible.order_by(
        "person__name", "person__job_title", "person_id"
    ).values_list("action_id", "person_id", "person__name", "person__job_title"):
        people.setdefault(action_id, []).append((person_id, name or job_title))
    return people


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def local_date(moment: datetime.datetime | None, zone: datetime.tzinfo | None = None) -> datetime.date | None:
    """The day of `moment` in `zone` (default: the current time zone), as pages show it."""
    return timezone.localdate(moment, zone) if moment else None
