"""The tracker table: every action the viewer may read, or one plan's, filtered and sorted
through the URL (a GET form, no JavaScript), 50 to a page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

from actionplans.plans.access import get_plan_for_user
from actionplans.plans.models import Plan
from partners.access import Viewer, viewer_for
from reports.tracker.filters import tracker_filterset
from reports.tracker.selectors import page_ids, rows_of
from reports.tracker.tables import TrackerTable

PER_PAGE = 50


@require_safe
def tracker(request):
    return _tracker_page(request, viewer_for(request), plan=None)


@require_safe
def plan_tracker(request, pk: int):
    viewer = viewer_for(request)
    plan, _access = get_plan_for_user(viewer, Plan.objects.select_related("owning_body"), pk)
    return _tracker_page(request, viewer, plan=plan)


def _tracker_page(request, viewer: Viewer, *, plan: Plan | None):
    """Queries after the viewer and plan: 1 each for the plan, source, body and partner
    choices (plan and body not within a plan), 1 for each plan, source, body, partner or
    lead_id chosen; then, when the filters are valid, 1 count, 1 the page's ids, 1 their rows,
    1 their further responsible people. None of them grows with the number of actions."""
    filterset = tracker_filterset(viewer, request.GET, plan=plan)
    sort = request.GET.get("sort", "")
    context = {
        "viewer": viewer,
        "plan": plan,
        "filterset": filterset,
        "form": filterset.form,
        "sort": sort,
        "clear_url": _with_query(request.path, {"sort": sort} if sort else {}),
        "table": None,
    }
    if not filterset.is_valid():
        # No rows: a table under filters that could not be applied would look filtered and is not.
        return render(request, "reports/tracker/tracker.html", context, status=400)

    table = TrackerTable(filterset.qs, exclude=("plan",) if plan else ())
    RequestConfig(request, paginate=False).configure(table)
    # Paginated here, not by RequestConfig, so that no ?per_page= can ask for every row at once;
    # a page number past the end shows the last page. A page of the ids in the table's order,
    # then the actions of those (selectors.page_ids) are the page's objects.
    paginator = table.paginator = Paginator(page_ids(table.data.data), PER_PAGE)
    table.page = paginator.get_page(request.GET.get("page"))
    table.page.object_list = rows_of(list(table.page.object_list))
    context |= {
        "table": table,
        "page_range": list(paginator.get_elided_page_range(table.page.number, on_each_side=1, on_ends=1)),
        "active_filters": filterset.active_filters(),
    }
    return render(request, "reports/tracker/tracker.html", context)


def _with_query(path: str, params: dict) -> str:
    query = QueryDict(mutable=True)
    query.update(params)
    return f"{path}?{query.urlencode()}" if params else path
