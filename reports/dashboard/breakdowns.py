"""A dashboard's breakdowns: RAG counts by plan, by source, by organisation and by lead officer,
each count linking to the tracker table filtered to those actions.

Each breakdown is one grouped query (ActionQuerySet.rag_counts_by), never a query per row. At
council scale a breakdown has hundreds or thousands of rows (2,000 lead officers), which made
the dashboard megabytes of HTML and seconds of template rendering: a dashboard shows at most
BREAKDOWN_LIMIT rows of each, the ones most in need of attention, and links to the
breakdown's own page, which lists every row a page at a time.

Links are cheap to make: the tracker's address is looked up once per page and each row's
filters encoded once (TrackerLink); a cell only appends its own filter.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from actionplans.plans.rag import rag_label
from actionplans.plans.selectors import RAG_KEYS, RagSummary
from reports.charts import whole_percentages
from reports.dashboard.scope import Scope

NO_SOURCE = "Agreed in minutes (no source)"
NO_ORGANISATION = "No organisation"
NO_LEAD = "No lead officer named"
BREAKDOWN_LIMIT = 20  # rows of a breakdown on a dashboard; its own page has every row

# The tracker table's GET filters (reports.tracker.filters) that the dashboard links to.
TRACKER_NOT_REPORTED = "none"
YES = "yes"


@dataclass(frozen=True)
class TrackerLink:
    """The tracker table filtered to some actions: its address (reverse("tracker"), looked up
    once per page) and those filters, encoded once."""

    base: str
    query: str = ""

    @classmethod
    def to(cls, base: str, params: dict) -> TrackerLink:
        return cls(base=base, query=urlencode(params))

    def narrowed(self, **params) -> TrackerLink:
        """These actions, narrowed by more filters."""
        return TrackerLink(base=self.base, query="&".join(part for part in (self.query, urlencode(params)) if part))

    def url(self, **params) -> str:
        query = self.narrowed(**params).query if params else self.query
        return f"{self.base}?{query}" if query else self.base


@dataclass(frozen=True)
class Cell:
    """One RAG's count in a row, its share of the row's total, and where to see those actions."""

    rag: str  # a Rag value, or "" for not yet reported
    count: int
    percentage: int
    url: str | None

    @property
    def label(self) -> str:
        return rag_label(self.rag)


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    summary: RagSummary
    page: tuple[str, int] | None = None  # the URL name and id of the page of what the row is about
    tracker: TrackerLink | None = None  # None: the tracker cannot show just this row's actions
    is_unassigned: bool = False  # the bucket of actions with no source, organisation or lead

    def _tracker_url(self, count: int, **params) -> str | None:
        if self.tracker is None or not count:
            return None
        return self.tracker.url(**params)

    @cached_property
    def url(self) -> str | None:
        """The page of what the row is about: looked up only for the rows shown."""
        return reverse(self.page[0], args=[self.page[1]]) if self.page else None

    @property
    def total(self) -> int:
        return self.summary.total

    @property
    def values(self) -> list[int]:
        return [self.summary.counts[key] for key in RAG_KEYS]

    @cached_property
    def cells(self) -> list[Cell]:
        percentages = whole_percentages(self.values)
        return [
            Cell(
                rag=key,
                count=count,
                percentage=percentage,
                url=self._tracker_url(count, rag=key or TRACKER_NOT_REPORTED),
            )
            for key, count, percentage in zip(RAG_KEYS, self.values, percentages, strict=True)
        ]

    @property
    def total_url(self) -> str | None:
        return self._tracker_url(self.total)

    @property
    def overdue_url(self) -> str | None:
        return self._tracker_url(self.summary.overdue, overdue=YES)

    @property
    def update_due_url(self) -> str | None:
        return self._tracker_url(self.summary.update_due, update_due=YES)

    @property
    def attention(self) -> tuple:
        """Sorts the rows most in need of attention first: the most overdue, then the most Red,
        then the most actions; then by name."""
        return (-self.summary.overdue, -self.summary.counts["red"], -self.total, self.label.casefold())


# --- The rows of each breakdown ----------------------------------------------------------------


def rag_counts_grouped(actions: QuerySet, *fields: str, on: datetime.date) -> list[tuple[dict, RagSummary]]:
    """The RAG counts of the actions grouped by `fields` (ActionQuerySet.rag_counts_by): one
    query. Each row's values of `fields`, with its RagSummary."""
    return [
        (values, RagSummary.from_counts(counts)) for values, counts in actions.with_rag(on=on).rag_counts_by(*fields)
    ]


def _in_order(rows: list[BreakdownRow]) -> list[BreakdownRow]:
    """Alphabetical, with the bucket of actions without one ("No organisation") last."""
    return sorted(rows, key=lambda row: (row.is_unassigned, row.label.casefold()))


def plans_in(scope: Scope) -> list[tuple[int, str]]:
    """The id and title of every plan in scope, by title. 1 query."""
    return list(scope.plans.order_by("title").values_list("pk", "title"))


def rows_by_plan(
    scope: Scope, *, on: datetime.date, tracker: TrackerLink, plans: list[tuple[int, str]] | None = None
) -> list[BreakdownRow]:
    """Every plan in scope (`plans`, from plans_in), with none of its actions counted as zero.
    Queries: 1 plans (unless given), 1 counts."""
    plans = plans_in(scope) if plans is None else plans
    counts = scope.actions.with_rag(on=on).rag_counts_by_plan()
    return [
        BreakdownRow(
            label=title,
            summary=RagSummary.from_counts(counts.get(pk)),
            page=("plan_dashboard", pk),
            tracker=tracker.narrowed(plan=pk),
        )
        for pk, title in plans
    ]


def rows_by_source(scope: Scope, *, on: datetime.date, tracker: TrackerLink) -> list[BreakdownRow]:
    """By the source of each action's recommendation; actions with none were agreed in minutes."""
    rows = []
    for values, summary in rag_counts_grouped(
        scope.actions, "recommendation__source", "recommendation__source__title", on=on
    ):
        source_id = values["recommendation__source"]
        rows.append(
            BreakdownRow(
                label=values["recommendation__source__title"] if source_id else NO_SOURCE,
                summary=summary,
                tracker=tracker.narrowed(source=source_id) if source_id else None,
                is_unassigned=source_id is None,
            )
        )
    return _in_order(rows)


def rows_by_organisation(scope: Scope, *, on: datetime.date, tracker: TrackerLink) -> list[BreakdownRow]:
    """By the organisation of each action's lead officer (none when there is no lead). The
    tracker has no filter for it, so the counts link nowhere."""
    rows = []
    for values, summary in rag_counts_grouped(scope.actions, "lead__organisation", "lead__organisation__name", on=on):
        organisation_id = values["lead__organisation"]
        rows.append(
            BreakdownRow(
                label=values["lead__organisation__name"] if organisation_id else NO_ORGANISATION,
                summary=summary,
                is_unassigned=organisation_id is None,
            )
        )
    return _in_order(rows)


def rows_by_lead(scope: Scope, *, on: datetime.date, tracker: TrackerLink) -> list[BreakdownRow]:
    """By each action's lead officer, named as people are shown (name, else job title)."""
    rows = []
    for values, summary in rag_counts_grouped(scope.actions, "lead", "lead__name", "lead__job_title", on=on):
        lead_id = values["lead"]
        rows.append(
            BreakdownRow(
                label=(values["lead__name"] or values["lead__job_title"]) if lead_id else NO_LEAD,
                summary=summary,
                page=("person_detail", lead_id) if lead_id else None,
                tracker=tracker.narrowed(lead_id=lead_id) if lead_id else None,
                is_unassigned=lead_id is None,
            )
        )
    return _in_order(rows)


# --- Breakdowns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of breakdown: its slug in URLs, its words, and how its rows are counted."""

    slug: str
    heading: str  # "By lead officer"
    plural: str  # "lead officers"
    row_header: str  # "Lead officer"
    caption: str  # of the table of every row
    rows: Callable[..., list[BreakdownRow]]
    needs_many_plans: bool = False  # only where the dashboard covers more than one plan


KINDS = {
    kind.slug: kind
    for kind in [
        Kind(
            "plans",
            "By plan",
            "plans",
            "Plan",
            "How many of each plan’s actions show each RAG",
            rows_by_plan,
            needs_many_plans=True,
        ),
        Kind(
            "sources",
            "By source",
            "sources",
            "Source",
            "How many actions show each RAG, by the source of their recommendation",
            rows_by_source,
        ),
        Kind(
            "organisations",
            "By organisation",
            "organisations",
            "Organisation",
            "How many actions show each RAG, by their lead officer’s organisation",
            rows_by_organisation,
        ),
        Kind(
            "leads",
            "By lead officer",
            "lead officers",
            "Lead officer",
            "How many actions show each RAG, by their lead officer",
            rows_by_lead,
        ),
    ]
}


@dataclass(frozen=True)
class Breakdown:
    """A breakdown's rows on a dashboard: every row if there are at most `limit`, in order;
    else the `limit` most in need of attention (BreakdownRow.attention), and a link to the
    breakdown's own page."""

    kind: Kind
    rows: list[BreakdownRow]
    all_url: str
    limit: int = field(default_factory=lambda: BREAKDOWN_LIMIT)
    shown: list[BreakdownRow] = field(init=False)

    def __post_init__(self):
        rows = self.rows if len(self.rows) <= self.limit else sorted(self.rows, key=lambda r: r.attention)[: self.limit]
        object.__setattr__(self, "shown", rows)

    @property
    def is_cut(self) -> bool:
        return len(self.shown) < len(self.rows)
