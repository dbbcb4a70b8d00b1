"""Dashboards: RAG counts, overdue and update-due lists and RAG over time, for everything the
viewer may read, for a body's plans and for one plan; and the page of every row of each of a
dashboard's breakdowns, and of every late or missing executive response. What each shows:
reports.dashboard.selectors."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from actionplans.plans.access import get_plan_for_user
from actionplans.plans.models import Plan
from partners.access import viewer_for
from partners.models import Body
from reports.dashboard import selectors


def _everything(request) -> selectors.Scope:
    return selectors.scope_everything(viewer=viewer_for(request))


def _body(request, pk: int) -> selectors.Scope:
    # Every signed-in user may read a body (permissions.directory_access); the dashboard counts
    # only those of its plans the viewer may read.
    body = get_object_or_404(Body, pk=pk)
    return selectors.scope_body(viewer=viewer_for(request), body=body)


def _plan(request, pk: int) -> selectors.Scope:
    plan, _access = get_plan_for_user(viewer_for(request), Plan.objects.select_related("owning_body"), pk)
    return selectors.scope_plan(plan=plan)


def _dashboard(request, scope: selectors.Scope):
    return render(request, "reports/dashboard/dashboard.html", {"page": selectors.dashboard_page(scope=scope)})


def _breakdown(request, scope: selectors.Scope, kind: str):
    page = selectors.breakdown_page(scope=scope, slug=kind, page_number=request.GET.get("page"))
    return render(request, "reports/dashboard/breakdown.html", {"page": page})


def _late_responses(request, scope: selectors.Scope):
    page = selectors.late_responses_page(scope=scope, page_number=request.GET.get("page"))
    return render(request, "reports/dashboard/late_responses.html", {"page": page})


@require_safe
def dashboard(request):
    return _dashboard(request, _everything(request))


@require_safe
def body_dashboard(request, pk: int):
    return _dashboard(request, _body(request, pk))


@require_safe
def plan_dashboard(request, pk: int):
    return _dashboard(request, _plan(request, pk))


@require_safe
def dashboard_breakdown(request, kind: str):
    return _breakdown(request, _everything(request), kind)


@require_safe
def body_dashboard_breakdown(request, pk: int, kind: str):
    return _breakdown(request, _body(request, pk), kind)


@require_safe
def plan_dashboard_breakdown(request, pk: int, kind: str):
    return _breakdown(request, _plan(request, pk), kind)


@require_safe
def dashboard_late_responses(request):
    return _late_responses(request, _everything(request))


@require_safe
def body_dashboard_late_responses(request, pk: int):
    return _late_responses(request, _body(request, pk))


@require_safe
def plan_dashboard_late_responses(request, pk: int):
    return _late_responses(request, _plan(request, pk))
