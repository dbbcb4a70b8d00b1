"""Dashboards: RAG counts, overdue and update-due lists and RAG over time, for everything the
viewer may read, for a body's plans and for one plan. What each shows: reports.dashboard.selectors."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from actionplans.plans.access import get_plan_for_user
from actionplans.plans.models import Plan
from partners.access import viewer_for
from partners.models import Body
from reports.dashboard import selectors


@require_safe
def dashboard(request):
    scope = selectors.scope_everything(viewer=viewer_for(request))
    return render(request, "reports/dashboard/dashboard.html", {"page": selectors.dashboard_page(scope=scope)})


@require_safe
def body_dashboard(request, pk: int):
    # Every signed-in user may read a body (permissions.directory_access); the dashboard counts
    # only those of its plans the viewer may read.
    body = get_object_or_404(Body, pk=pk)
    scope = selectors.scope_body(viewer=viewer_for(request), body=body)
    return render(request, "reports/dashboard/dashboard.html", {"page": selectors.dashboard_page(scope=scope)})


@require_safe
def plan_dashboard(request, pk: int):
    plan, _access = get_plan_for_user(viewer_for(request), Plan.objects.select_related("owning_body"), pk)
    scope = selectors.scope_plan(plan=plan)
    return render(request, "reports/dashboard/dashboard.html", {"page": selectors.dashboard_page(scope=scope)})
