"""What the tracker table reads: the actions a viewer may read, with everything a row shows."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from actionplans.plans.access import readable_actions
from actionplans.plans.models import Action, Plan
from partners.access import Viewer
from partners.models import Person


def tracker_scope(viewer: Viewer, *, plan: Plan | None = None) -> QuerySet:
    """The actions the viewer may read, within one plan when given. No annotations: the filter
    choices (plans, sources, partners) are worked out from this as subqueries."""
    actions = readable_actions(viewer)
    if plan is not None:
        actions = actions.filter(plan=plan)
    return actions


def tracker_actions(viewer: Viewer, *, plan: Plan | None = None) -> QuerySet:
    """The tracker table's rows, in plan order, annotated with the RAG rules (as at clock.today()).

    Queries for one page of rows, however many: 1 count, 1 the rows with plan, lead,
    recommendation and source, 1 the further responsible people. (The page itself reads a page
    of ids and then their rows: page_ids, rows_of.)"""
    return with_what_a_row_shows(tracker_scope(viewer, plan=plan).with_rag()).order_by("plan__title", "position", "pk")


def with_what_a_row_shows(actions: QuerySet) -> QuerySet:
    """The plan, lead, recommendation and source of each action, and its further responsible
    people (1 query more)."""
    return actions.select_related("plan", "lead", "recommendation__source").prefetch_related(
        Prefetch("supporting_officers", queryset=Person.objects.order_by("name", "job_title"))
    )


def page_ids(actions: QuerySet) -> QuerySet:
    """The ids of the actions, filtered and ordered as given, and nothing else: what a page of
    the table is cut from. Ordering and skipping to page 200 then reads the actions and their
    plans' titles alone; only the 50 rows shown are joined to their recommendation, source and
    lead (rows_of), where cutting the page from the full rows joined all 10,000 rows before it."""
    return actions.select_related(None).prefetch_related(None).values_list("pk", flat=True)


def rows_of(ids: list[int]) -> list[Action]:
    """The actions with these ids (from page_ids() of the viewer's tracker_actions(), so ones
    they may read), in the order given, with what a row shows. Without the with_rag()
    annotations: a row's RAG is Action.assessment(), the same rules on the kept fields, for 50
    rows cheaper in Python than the annotations are to build and for the database to work out.
    Queries: 1 the rows, 1 their further responsible people (none for no ids)."""
    if not ids:
        return []
    by_id = {action.pk: action for action in with_what_a_row_shows(Action.objects.filter(pk__in=ids))}
    return [by_id[pk] for pk in ids if pk in by_id]
