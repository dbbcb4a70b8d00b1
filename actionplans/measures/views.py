"""Pages of measures: a measure with its trend and history, the "Measures that matter" table of a
plan and of a body, setting a measure up, and entering one period's values.

Each view looks its object up through the access helper (actionplans.measures.access: outsiders
get 404, people who may read but not change 403), validates a form, calls a service and
redirects.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.kernel import clock
from actionplans.kernel.forms import add_validation_errors, form_status, save_or_add_errors, save_or_show_conflict
from actionplans.measures import selectors, services
from actionplans.measures.access import (
    enterable_measures,
    get_measure_for_user,
    get_plan_measures_for_user,
    readable_measures,
)
from actionplans.measures.forms import MeasureEditForm, MeasureForm, PeriodForm, ValuesForm, last_month_end
from actionplans.measures.models import Measure, MeasureValue
from actionplans.plans.models import Plan
from partners.access import viewer_for
from partners.models import Body


@require_safe
def measure_detail(request, pk: int):
    measure, access = get_measure_for_user(viewer_for(request), selectors.measures_for_page(), pk)
    return render(
        request, "measures/measure_detail.html", {"page": selectors.measure_page(measure=measure), "access": access}
    )


@require_safe
def measure_list(request):
    """Every measure the viewer may read."""
    table = selectors.measures_table(readable_measures(viewer_for(request)), page_number=request.GET.get("page"))
    return render(request, "measures/measure_list.html", {"table": table})


@require_safe
def plan_measures(request, pk: int):
    viewer = viewer_for(request)
    plan, access = get_plan_measures_for_user(viewer, Plan.objects.select_related("owning_body"), pk)
    measures = readable_measures(viewer).filter(plan=plan)
    table = selectors.measures_table(measures, page_number=request.GET.get("page"))
    return render(request, "measures/plan_measures.html", {"plan": plan, "table": table, "access": access})


@require_safe
def body_measures(request, pk: int):
    """Every signed-in user may read a body; the table holds only the measures they may read: of
    the body's plans, or (with ?core=yes) of its core data set."""
    viewer = viewer_for(request)
    body = get_object_or_404(Body, pk=pk)
    core = request.GET.get("core") == "yes"
    measures = readable_measures(viewer)
    measures = measures.filter(core_data_set_of=body) if core else measures.filter(plan__owning_body=body)
    table = selectors.measures_table(measures, page_number=request.GET.get("page"))
    return render(request, "measures/body_measures.html", {"body": body, "table": table, "core": core})


def _form_page(request, template: str, context: dict, *, form, conflict=None):
    return render(
        request, template, {**context, "form": form, "conflict": conflict}, status=form_status(form, conflict)
    )


@require_http_methods(["GET", "POST"])
def measure_create(request, pk: int):
    plan, access = get_plan_measures_for_user(viewer_for(request), Plan.objects.select_related("owning_body"), pk)
    access.require("edit")
    form = MeasureForm(request.POST or None, plan=plan)
    if form.is_valid():
        measure = save_or_add_errors(form, services.measure_create, plan=plan, **form.service_values())
        if measure:
            messages.success(request, "The measure has been added.")
            return redirect(measure)
    return _form_page(request, "measures/measure_form.html", {"plan": plan, "measure": None}, form=form)


@require_http_methods(["GET", "POST"])
def measure_edit(request, pk: int):
    queryset = Measure.objects.select_related("plan__owning_body").prefetch_related(
        "recommendations", "actions", "core_data_set_of"
    )
    measure, access = get_measure_for_user(viewer_for(request), queryset, pk)
    access.require("edit")
    form = MeasureEditForm(request.POST or None, measure=measure)
    conflict = None
    if form.is_valid():
        values = form.service_values()
        saved, conflict = save_or_show_conflict(
            form,
            services.measure_update,
            measure=measure,
            expected_version=form.cleaned_data["opened_version"],
            **values,
        )
        if saved:
            messages.success(request, "The measure has been saved.")
            return redirect(measure)
    context = {"plan": measure.plan, "measure": measure}
    return _form_page(request, "measures/measure_form.html", context, form=form, conflict=conflict)


@require_http_methods(["GET", "POST"])
def measure_values(request, pk: int):
    """One period's values across the plan's measures the viewer may enter. The period is in the
    address (?period=2021-10-31, or as typed), chosen by a GET form; by default the last month end."""
    viewer = viewer_for(request)
    plan, access = get_plan_measures_for_user(viewer, Plan.objects.select_related("owning_body"), pk)
    access.require("update")
    period_end = last_month_end(clock.today())
    if "period" in request.GET:
        period_form = PeriodForm(request.GET)
        if period_form.is_valid():
            period_end = period_form.cleaned_data["period"]
    else:
        period_form = PeriodForm(initial={"period": period_end})
    measures = list(enterable_measures(viewer, plan).order_by("position", "pk"))
    existing = {
        value.measure_id: value
        for value in MeasureValue.objects.filter(measure__in=measures, period_end=period_end).select_related(
            "entered_by"
        )
    }
    form = ValuesForm(request.POST or None, measures=measures, existing=existing, period_end=period_end)
    conflicts = []
    if request.method == "POST" and period_form.is_bound and not period_form.is_valid():
        form.is_valid()
        form.add_error(None, "Choose the period again: the period in the address is not a real date")
    elif form.is_valid():
        try:
            recorded = services.values_record(period_end=period_end, entries=form.entries(), by=viewer.person)
        except services.ValuesConflict as conflict:
            conflicts = conflict.conflicts
            form.note_conflict(conflicts)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            saved = len(recorded.created) + len(recorded.corrected)
            text = f"{saved} figure{'s' if saved != 1 else ''} for the period ending {date_format(period_end)} saved."
            messages.success(request, text)
            return redirect("plan_measures", pk=plan.pk)
    context = {
        "plan": plan,
        "period_form": period_form,
        "period_end": period_end,
        "conflicts": conflicts,
        "form": form,
    }
    status = 409 if conflicts else form_status(form)
    return render(request, "measures/measure_values.html", context, status=status)
