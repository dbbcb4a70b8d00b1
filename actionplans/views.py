from django.shortcuts import render

from actionplans import selectors


def home(request):
    return render(request, "actionplans/home.html", {"rows": selectors.plan_rows_for_home()})


def plan_detail(request, pk: int):
    return render(request, "actionplans/plan_detail.html", {"page": selectors.plan_page(plan_id=pk)})


def action_detail(request, pk: int):
    return render(request, "actionplans/action_detail.html", {"page": selectors.action_page(action_id=pk)})
