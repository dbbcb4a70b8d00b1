"""Pages that shape plans and actions: create and edit plans; add, edit and delete actions;
assign the people responsible; hand a leaver's open actions to a successor.

Each view looks its object up through the access helper (outsiders get 404, people who may
read but not change it 403), validates a form, calls a service and redirects.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from actionplans.kernel.forms import form_status, save_or_add_errors, save_or_show_conflict
from actionplans.plans.access import get_action_for_user, get_plan_for_user
from actionplans.plans.editing import selectors, services
from actionplans.plans.editing.forms import ActionEditForm, ActionForm, ActionPeopleForm, HandoverForm, PlanForm
from actionplans.plans.models import Action, Plan
from partners.access import creation_access, viewer_for
from partners.models import Person

ACTION_FORM_FIELDS = services.ACTION_FIELDS


def _plan(request, pk: int, permission: str) -> Plan:
    plan, access = get_plan_for_user(viewer_for(request), Plan.objects.select_related("owning_body"), pk)
    access.require(permission)
    return plan


def _action(request, pk: int, permission: str) -> Action:
    action, access = get_action_for_user(viewer_for(request), Action.objects.select_related("plan"), pk)
    access.require(permission)
    return action


def _require_manager(request) -> None:
    creation_access(viewer_for(request)).require("edit")


def _form_page(request, template: str, context: dict, *, form, conflict=None):
    return render(
        request, template, {**context, "form": form, "conflict": conflict}, status=form_status(form, conflict)
    )


def _target_date_message(*, given, action: Action) -> str:
    """What the tracker read from the target as printed, when no date was given."""
    if given is not None or not action.target_date_text:
        return ""
    if action.target_date is None:
        return f"No date could be read from the target “{action.target_date_text}”, so the action has no target date."
    return f"The target date was read from “{action.target_date_text}”: {date_format(action.target_date)}."


# --- Plans ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_create(request):
    _require_manager(request)
    form = PlanForm(request.POST or None)
    if form.is_valid():
        plan = save_or_add_errors(form, services.plan_create, **form.cleaned_data)
        if plan:
            messages.success(request, "The plan has been created. Now add its actions.")
            return redirect(plan)
    return _form_page(request, "actionplans/editing/plan_form.html", {"plan": None}, form=form)


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = _plan(request, pk, "edit")
    context = {"plan": plan, "title": plan.title}
    form = PlanForm(request.POST or None, instance=plan)
    if form.is_valid():
        if save_or_add_errors(form, services.plan_update, plan=plan, **form.cleaned_data):
            messages.success(request, "The plan has been saved.")
            return redirect(plan)
    return _form_page(request, "actionplans/editing/plan_form.html", context, form=form)


# --- Actions ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def action_create(request, pk: int):
    plan = _plan(request, pk, "edit")
    form = ActionForm(request.POST or None, plan=plan)
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in ACTION_FORM_FIELDS}
        action = save_or_add_errors(form, services.action_create, plan=plan, **values)
        if action:
            read = _target_date_message(given=values["target_date"], action=action)
            text = " ".join(
                part for part in ["The action has been added.", read, "Now choose who is responsible for it."] if part
            )
            messages.success(request, text)
            return redirect("action_people", pk=action.pk)
    return _form_page(request, "actionplans/editing/action_form.html", {"plan": plan, "action": None}, form=form)


@require_http_methods(["GET", "POST"])
def action_edit(request, pk: int):
    action = _action(request, pk, "edit")
    context = {"plan": action.plan, "action": action, "heading": _heading(action), "had_date": action.target_date}
    form = ActionEditForm(request.POST or None, action=action)
    conflict = None
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in ACTION_FORM_FIELDS}
        saved, conflict = save_or_show_conflict(
            form,
            services.action_update,
            action=action,
            expected_version=form.cleaned_data["opened_version"],
            revision_reason=form.cleaned_data["revision_reason"],
            by=viewer_for(request).person,
            **values,
        )
        if saved:
            read = _target_date_message(given=values["target_date"], action=saved)
            messages.success(request, f"The action has been saved. {read}".strip())
            return redirect(saved)
    return _form_page(request, "actionplans/editing/action_form.html", context, form=form, conflict=conflict)


@require_http_methods(["GET", "POST"])
def action_delete(request, pk: int):
    action = _action(request, pk, "edit")
    if request.method == "POST":
        plan = action.plan
        services.action_delete(action=action)
        messages.success(request, f"{_heading(action)} has been deleted.")
        return redirect(plan)
    context = {
        "action": action,
        "heading": _heading(action),
        "update_count": action.updates.count(),
        "comment_count": action.comments.count(),
    }
    return render(request, "actionplans/editing/action_delete.html", context)


@require_http_methods(["GET", "POST"])
def action_people(request, pk: int):
    action = _action(request, pk, "edit")
    context = {"plan": action.plan, "action": action, "heading": _heading(action)}
    form = ActionPeopleForm(request.POST or None, action=action)
    conflict = None
    if form.is_valid():
        saved, conflict = save_or_show_conflict(
            form,
            services.action_people_assign,
            action=action,
            expected_version=form.cleaned_data["opened_version"],
            lead=form.cleaned_data["lead"],
            supporting_officers=form.cleaned_data["supporting_officers"],
            partners=form.cleaned_data["partners"],
        )
        if saved:
            messages.success(request, "The people responsible for the action have been saved.")
            return redirect(saved)
    return _form_page(request, "actionplans/editing/action_people.html", context, form=form, conflict=conflict)


def _heading(action: Action) -> str:
    """How the pages name the action, taken before a form changes it."""
    return f"Action {action.reference}" if action.reference else "The action"


# --- Handover --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def person_handover(request, pk: int):
    """Step 1 lists the leaver's open actions and asks who takes over; step 2 shows what will
    happen to each and asks to confirm; confirming hands them all over at once."""
    _require_manager(request)
    leaver = get_object_or_404(Person.objects.with_organisation(), pk=pk)
    form = HandoverForm(request.POST or None, leaver=leaver)
    preview = selectors.handover_preview(person=leaver)
    context = {"person": leaver, "preview": preview, "form": form, "confirming": False}
    if form.is_valid():
        data = form.cleaned_data
        if not data["confirmed"]:
            context["confirming"] = True
            return render(request, "actionplans/editing/handover.html", context)
        result = save_or_add_errors(
            form,
            services.actions_hand_over,
            leaver=leaver,
            successor=data["successor"],
            deactivate_login=data.get("deactivate_login", False),
            by=request.user,
        )
        if result:
            name = data["successor"].display_name
            text = f"{result.total} open action{'s' if result.total != 1 else ''} handed over to {name}."
            if result.login_deactivated:
                text += f" {leaver.display_name} can no longer sign in."
            messages.success(request, text)
            return redirect(leaver)
    return render(request, "actionplans/editing/handover.html", context, status=form_status(form))
