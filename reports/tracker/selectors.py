"""What the tracker table reads: the actions a viewer may read, with everything a row shows."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from actionplans.plans.access import readable_actions
from actionplans.plans.models import Plan
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
    recommendation and source, 1 the further responsible people."""
    return (
        tracker_scope(viewer, plan=plan)
        .with_rag()
        .select_related("plan", "lead", "recommendation__source")
        .prefetch_related(Prefetch("supporting_officers", queryset=Person.objects.order_by("name", "job_title")))
        .order_by("plan__title", "position", "pk")
    )
