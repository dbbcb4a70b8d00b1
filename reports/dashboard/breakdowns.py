"""A dashboard's breakdowns: RAG counts by plan, by source, by organisation and by lead officer,
each count linking to the tracker table filtered to those actions.

The four breakdowns come from two grouped counts (ScopeCounts: by plan and source, by lead
officer; ActionQuerySet.rag_counts_by) and the names of what they counted, never a query per
row. At council scale a breakdown has hundreds or thousands of rows (2,000 lead officers), which made
the dashboard megabytes of HTML and seconds of template rendering: a dashboard shows at most
BREAKDOWN_LIMIT rows of each, the ones most in need of attention, and links to the
breakdown's own page, which lists every row a page at a time.

Links are cheap to make: the tracker's address is looked up once per page and each row's
filters encoded once (TrackerLink); a cell only appends its own filter.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from urllib.parse import urlencode

from django.urls import reverse

from actionplans.plans.rag import rag_label
from actionplans.plans.selectors import RAG_KEYS, RagSummary
from partners.models import Person
from recommendations.models import Source
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
    once per page) and those filters. Encoded only when a link is made, and then once: a
    breakdown narrows a link for each of its hundreds of rows, and the page shows a few."""

    base: str
    params: tuple[tuple[str, object], ...] = ()
    within: TrackerLink | None = None  # the link this one narrows

    @classmethod
    def to(cls, base: str, params: dict) -> TrackerLink:
        return cls(base=base, params=tuple(params.items()))

    def narrowed(self, **params) -> TrackerLink:
        """These actions, narrowed by more filters."""
        return TrackerLink(base=self.base, params=tuple(params.items()), within=self)

    @cached_property
    def query(self) -> str:
        return _joined(self.within.query if self.within is not None else "", _encoded(self.params))

    def url(self, **params) -> str:
        query = _joined(self.query, _encoded(tuple(params.items())))
        return f"{self.base}?{query}" if query else self.base


@lru_cache(maxsize=1024)
def _encoded(params: tuple[tuple[str, object], ...]) -> str:
    """The filters as a query string; the few a page repeats in every row (rag=red,
    overdue=yes) encoded once."""
    return urlencode(params)


def _joined(*queries: str) -> str:
    return "&".join(query for query in queries if query)


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


# --- The counts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadName:
    label: str  # as people are shown: their name, else their job title
    organisation_id: int | None
    organisation: str


class ScopeCounts:
    """The RAG counts of a scope's actions, grouped just finely enough for every breakdown, and
    the names the rows show. Each is fetched the first time a breakdown needs it:

    * by plan and source (1 query): the overall counts, by plan and by source;
    * by lead officer (1 query): by lead and by their organisation;
    * the sources' titles (1 query) and the leads' names and organisations (1 query), for only
      the sources and leads counted: looked up after counting, as grouping thousands of actions
      by names costs the database more than grouping them by ids. (No query when none of the
      actions has a source, or a lead: there is nothing to name.)

    Counts by RAG, overdue and update due add up across the groups, since every action is in
    exactly one; so four breakdowns cost two scans of the actions, not four."""

    def __init__(self, scope: Scope, *, on: datetime.date):
        self.scope, self.on = scope, on

    def _counted(self, *fields: str) -> list[tuple[dict, dict[str, int]]]:
        return self.scope.actions.rag_counts_by(*fields, on=self.on)

    @cached_property
    def by_plan_and_source(self) -> list[tuple[int, int | None, dict[str, int]]]:
        """(plan id, source id or None, counts) for each pair with actions."""
        return [
            (values["plan"], values["recommendation__source"], counts)
            for values, counts in self._counted("plan", "recommendation__source")
        ]

    @cached_property
    def by_lead(self) -> list[tuple[int | None, dict[str, int]]]:
        """(lead id or None, counts) for each lead officer with actions."""
        return [(values["lead"], counts) for values, counts in self._counted("lead")]

    @cached_property
    def source_titles(self) -> dict[int, str]:
        ids = {source_id for _, source_id, _ in self.by_plan_and_source if source_id is not None}
        return dict(Source.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}

    @cached_property
    def lead_names(self) -> dict[int, LeadName]:
        ids = {lead_id for lead_id, _ in self.by_lead if lead_id is not None}
        if not ids:
            return {}
        rows = Person.objects.filter(pk__in=ids).values_list(
            "pk", "name", "job_title", "organisation", "organisation__name"
        )
        return {
            pk: LeadName(label=name or job_title, organisation_id=organisation_id, organisation=organisation or "")
            for pk, name, job_title, organisation_id, organisation in rows
        }


def _added(groups: Iterable[tuple[object, dict[str, int]]]) -> dict[object, RagSummary]:
    """The counts of each key, added up over its groups."""
    totals: dict[object, dict[str, int]] = {}
    for key, counts in groups:
        total = totals.get(key)
        if total is None:
            totals[key] = dict(counts)
        else:
            for name, count in counts.items():
                total[name] += count
    return {key: RagSummary.from_counts(counts) for key, counts in totals.items()}


# --- The rows of each breakdown ----------------------------------------------------------------


def _in_order(rows: list[BreakdownRow]) -> list[BreakdownRow]:
    """Alphabetical, with the bucket of actions without one ("No organisation") last."""
    return sorted(rows, key=lambda row: (row.is_unassigned, row.label.casefold()))


def rows_by_plan(counts: ScopeCounts, *, tracker: TrackerLink) -> list[BreakdownRow]:
    """Every plan in scope (Scope.plan_titles), with none of its actions counted as zero."""
    by_plan = _added((plan_id, plan_counts) for plan_id, _, plan_counts in counts.by_plan_and_source)
    empty = RagSummary.from_counts(None)
    return [
        BreakdownRow(
            label=title,
            summary=by_plan.get(pk, empty),
            page=("plan_dashboard", pk),
            tracker=tracker.narrowed(plan=pk),
        )
        for pk, title in counts.scope.plan_titles
    ]


def rows_by_source(counts: ScopeCounts, *, tracker: TrackerLink) -> list[BreakdownRow]:
    """By the source of each action's recommendation; actions with none were agreed in minutes."""
    by_source = _added((source_id, source_counts) for _, source_id, source_counts in counts.by_plan_and_source)
    titles = counts.source_titles
    return _in_order(
        [
            BreakdownRow(
                label=titles[source_id] if source_id is not None else NO_SOURCE,
                summary=summary,
                tracker=tracker.narrowed(source=source_id) if source_id is not None else None,
                is_unassigned=source_id is None,
            )
            for source_id, summary in by_source.items()
        ]
    )


def rows_by_organisation(counts: ScopeCounts, *, tracker: TrackerLink) -> list[BreakdownRow]:
    """By the organisation of each action's lead officer (none when there is no lead). The
    tracker has no filter for it, so the counts link nowhere."""
    names = counts.lead_names

    def organisation(lead_id: int | None) -> tuple[int | None, str]:
        return (names[lead_id].organisation_id, names[lead_id].organisation) if lead_id is not None else (None, "")

    by_organisation = _added((organisation(lead_id), lead_counts) for lead_id, lead_counts in counts.by_lead)
    return _in_order(
        [
            BreakdownRow(
                label=name if organisation_id is not None else NO_ORGANISATION,
                summary=summary,
                is_unassigned=organisation_id is None,
            )
            for (organisation_id, name), summary in by_organisation.items()
        ]
    )


def rows_by_lead(counts: ScopeCounts, *, tracker: TrackerLink) -> list[BreakdownRow]:
    """By each action's lead officer, named as people are shown (name, else job title)."""
    names = counts.lead_names
    return _in_order(
        [
            BreakdownRow(
                label=names[lead_id].label if lead_id is not None else NO_LEAD,
                summary=RagSummary.from_counts(lead_counts),
                page=("person_detail", lead_id) if lead_id is not None else None,
                tracker=tracker.narrowed(lead_id=lead_id) if lead_id is not None else None,
                is_unassigned=lead_id is None,
            )
            for lead_id, lead_counts in counts.by_lead
        ]
    )


# --- Breakdowns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of breakdown: its slug in URLs, its words, and how its rows are counted."""

    slug: str
    heading: str  # "By lead officer"
    plural: str  # "lead officers"
    row_header: str  # "Lead officer"
    caption: str  # of the table of every row
    rows: Callable[..., list[BreakdownRow]]  # (ScopeCounts, *, tracker) -> rows
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
