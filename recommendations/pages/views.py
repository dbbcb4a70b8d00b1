"""The source and recommendation pages, and the forms democratic support use to record
sources, recommendations and the executive's responses.

Each view looks its object up through the access helper (outsiders get 404, people who may
read but not change it 403), validates a form, calls a service and redirects.
"""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.kernel.forms import form_status, save_or_add_errors, save_or_show_conflict
from actionplans.plans.access import get_recommendation_for_user, get_source_for_user
from partners.access import creation_access, viewer_for
from recommendations import services
from recommendations.forms import RecommendationForm, ResponseForm, SourceForm
from recommendations.pages import selectors

RECOMMENDATION_FIELDS = ["parent", "label", "group", "text", "current_activity", "lead"]
RESPONSE_FIELDS = ["response_text", "responding_body", "response_date", "response_due_date"]


def _source(request, pk: int, permission: str = "read"):
    source, access = get_source_for_user(viewer_for(request), selectors.sources_for_page(), pk)
    access.require(permission)
    return source, access


def _recommendation(request, pk: int, permission: str = "read"):
    recommendation, access = get_recommendation_for_user(viewer_for(request), selectors.recommendations_for_page(), pk)
    access.require(permission)
    return recommendation, access


def _form_page(request, template: str, context: dict, *, form, conflict=None):
    return render(
        request, template, {**context, "form": form, "conflict": conflict}, status=form_status(form, conflict)
    )


# --- Sources ------------------------------------------------------------------------


@require_safe
def source_detail(request, pk: int):
    source, access = _source(request, pk)
    page = selectors.source_page(source=source)
    return render(request, "recommendations/source_detail.html", {"page": page, "access": access})


@require_http_methods(["GET", "POST"])
def source_create(request):
    creation_access(viewer_for(request)).require("edit")
    form = SourceForm(request.POST or None)
    if form.is_valid():
        source = save_or_add_errors(form, services.source_create, **form.cleaned_data)
        if source:
            messages.success(request, "The source has been added. Now add its recommendations.")
            return redirect(source)
    return _form_page(request, "recommendations/source_form.html", {"source": None}, form=form)


@require_http_methods(["GET", "POST"])
def source_edit(request, pk: int):
    source, _ = _source(request, pk, "edit")
    context = {"source": copy(source)}  # as saved: the form changes the source it is given
    form = SourceForm(request.POST or None, instance=source)
    if form.is_valid():
        if save_or_add_errors(form, services.source_update, source=source, **form.cleaned_data):
            messages.success(request, "The source has been saved.")
            return redirect(source)
    return _form_page(request, "recommendations/source_form.html", context, form=form)


@require_http_methods(["GET", "POST"])
def source_delete(request, pk: int):
    source, _ = _source(request, pk, "edit")
    refused = ""
    if request.method == "POST":
        try:
            services.source_delete(source=source)
        except services.DeletionRefused as error:
            refused = str(error)
        else:
            messages.success(request, f"The source “{source.title}” has been deleted.")
            return redirect("home")
    context = {"source": source, "deletion": selectors.source_deletion(source=source), "refused": refused}
    return render(request, "recommendations/source_confirm_delete.html", context, status=409 if refused else 200)


# --- Recommendations ----------------------------------------------------------------


@require_safe
def recommendation_detail(request, pk: int):
    recommendation, access = _recommendation(request, pk)
    page = selectors.recommendation_page(recommendation=recommendation)
    return render(request, "recommendations/recommendation_detail.html", {"page": page, "access": access})


@require_http_methods(["GET", "POST"])
def recommendation_create(request, pk: int):
    source, _ = _source(request, pk, "edit")
    form = RecommendationForm(request.POST or None, source=source)
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in RECOMMENDATION_FIELDS}
        recommendation = save_or_add_errors(form, services.recommendation_create, source=source, **values)
        if recommendation:
            messages.success(request, "The recommendation has been added.")
            return redirect(f"{source.get_absolute_url()}#recommendation-{recommendation.pk}")
    return _form_page(request, "recommendations/recommendation_form.html", {"source": source}, form=form)


@require_http_methods(["GET", "POST"])
def recommendation_edit(request, pk: int):
    recommendation, _ = _recommendation(request, pk, "edit")
    context = _recommendation_context(recommendation)
    form = RecommendationForm(request.POST or None, instance=recommendation, source=recommendation.source)
    conflict = None
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in RECOMMENDATION_FIELDS}
        version = form.cleaned_data["opened_version"]
        saved, conflict = save_or_show_conflict(
            form, services.recommendation_update, recommendation=recommendation, expected_version=version, **values
        )
        if saved:
            messages.success(request, "The recommendation has been saved.")
            return redirect(recommendation)
    return _form_page(request, "recommendations/recommendation_form.html", context, form=form, conflict=conflict)


@require_http_methods(["GET", "POST"])
def recommendation_response(request, pk: int):
    recommendation, _ = _recommendation(request, pk, "edit")
    context = _recommendation_context(recommendation)
    form = ResponseForm(request.POST or None, instance=recommendation)
    conflict = None
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in RESPONSE_FIELDS}
        saved, conflict = save_or_show_conflict(
            form,
            services.recommendation_response_record,
            recommendation=recommendation,
            expected_version=form.cleaned_data["opened_version"],
            decision=form.cleaned_data["response_decision"],
            **values,
        )
        if saved:
            messages.success(request, "The response has been recorded.")
            return redirect(recommendation)
    return _form_page(request, "recommendations/response_form.html", context, form=form, conflict=conflict)


@require_http_methods(["GET", "POST"])
def recommendation_delete(request, pk: int):
    recommendation, _ = _recommendation(request, pk, "edit")
    source = recommendation.source
    refused = ""
    if request.method == "POST":
        try:
            services.recommendation_delete(recommendation=recommendation)
        except services.DeletionRefused as error:
            refused = str(error)
        else:
            messages.success(request, "The recommendation has been deleted.")
            return redirect(source)
    context = {
        **_recommendation_context(recommendation),
        "deletion": selectors.recommendation_deletion(recommendation=recommendation),
        "refused": refused,
    }
    return render(
        request, "recommendations/recommendation_confirm_delete.html", context, status=409 if refused else 200
    )


def _recommendation_context(recommendation) -> dict:
    """The recommendation as saved, for headings and links: the form changes the one it is given."""
    return {
        "source": recommendation.source,
        "recommendation": copy(recommendation),
        "heading": f"recommendation {recommendation.full_label}".strip(),
    }
