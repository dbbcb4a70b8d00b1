from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from actionplans.kernel.forms import save_or_add_errors
from actionplans.plans import selectors, services
from actionplans.plans.access import get_action_for_user, get_plan_for_user, readable_plans
from actionplans.plans.models import Action
from actionplans.plans.progress_forms import CommentForm, ProgressUpdateForm
from partners.access import viewer_for


@require_safe
def home(request):
    viewer = viewer_for(request)
    rows = selectors.plan_rows_for_home(plans=readable_plans(viewer))
    return render(request, "actionplans/home.html", {"rows": rows, "viewer": viewer})


@require_safe
def plan_detail(request, pk: int):
    plan, access = get_plan_for_user(viewer_for(request), selectors.plans_for_page(), pk)
    page = selectors.plan_page(plan=plan, number=request.GET.get("page", 1))
    return render(request, "actionplans/plan_detail.html", {"page": page, "access": access})


def _action_page(request, action, access, *, update_form=None, comment_form=None, status=200):
    """The action page; `action` as selectors.actions_for_page() gives it."""
    context = {
        "page": selectors.action_page(action=action),
        "access": access,
        "update_form": update_form or (ProgressUpdateForm() if access.update else None),
        "comment_form": comment_form or (CommentForm() if access.comment else None),
    }
    return render(request, "actionplans/action_detail.html", context, status=status)


@require_safe
def action_detail(request, pk: int):
    action, access = get_action_for_user(viewer_for(request), selectors.actions_for_page(), pk)
    return _action_page(request, action, access)


@require_POST
def progress_update_create(request, pk: int):
    viewer = viewer_for(request)
    action, access = get_action_for_user(viewer, Action.objects.select_related("plan"), pk)
    access.require("update")
    form = ProgressUpdateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if save_or_add_errors(
            form,
            services.progress_update_record,
            action=action,
            author=viewer.person,
            status=data["status"],
            rag_value=data["rag"],
            narrative=data["narrative"],
            evidence_url=data["evidence_url"],
            revised_target_date=data["revised_target_date"],
            revision_reason=data["revision_reason"],
        ):
            messages.success(request, "Your progress update has been saved.")
            number = selectors.plan_page_number(action)
            page = f"?page={number}" if number > 1 else ""
            return redirect(f"{action.plan.get_absolute_url()}{page}#action-{action.pk}")
    # Refused: the page again, with the action as the page shows it (nothing was written).
    page_action = selectors.actions_for_page().get(pk=action.pk)
    return _action_page(request, page_action, access, update_form=form, status=400)


@require_POST
def comment_create(request, pk: int):
    viewer = viewer_for(request)
    action, access = get_action_for_user(viewer, Action.objects.select_related("plan"), pk)
    access.require("comment")
    if viewer.person is None:  # a comment needs a named author
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(action=action, author=viewer.person, text=form.cleaned_data["text"])
        messages.success(request, "Your comment has been added.")
        return redirect(action.get_absolute_url() + "#comments")
    page_action = selectors.actions_for_page().get(pk=action.pk)
    return _action_page(request, page_action, access, comment_form=form, status=400)


@require_safe
def my_actions(request):
    person = viewer_for(request).person
    page = selectors.my_actions_page(person=person) if person else None
    return render(request, "actionplans/my_actions.html", {"page": page})
