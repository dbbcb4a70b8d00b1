"""The plan importer, a wizard of three pages: upload or paste (with what the plan and its
paper are), say which column holds what, then check every row and confirm.

Democratic support and admins import new plans (/plans/import/); a plan's lead may import
actions into their own plan (/plans/<pk>/import/). Each step looks the import up in the
session (state.py) and checks the person may still do it; the confirm step imports from the
session, never from the page. An import of more than TRACKER_IMPORT_JOB_ROWS rows is saved by a
background job (jobs.py): the preview then leads to the job's page until it has finished.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from actionplans.kernel.jobs.models import Job, JobStatus
from actionplans.plans.access import get_plan_for_user
from actionplans.plans.models import Plan
from partners.access import creation_access, viewer_for
from reports.imports import headers, state
from reports.imports.forms import ColumnsForm, NamesForm, StartForm
from reports.imports.jobs import data_rows, import_enqueue
from reports.imports.parse import propose
from reports.imports.services import ImportRefused, import_plan, import_summary, setup_errors

TEMPLATES = "reports/imports/"


def _plan_to_edit(request, pk) -> Plan:
    plan, access = get_plan_for_user(viewer_for(request), Plan.objects.select_related("owning_body"), pk)
    access.require("edit")
    return plan


def _may_import_somewhere(request) -> bool:
    viewer = viewer_for(request)
    return viewer.is_manager or (viewer.person is not None and Plan.objects.filter(lead=viewer.person).exists())


def _import_in_progress(request) -> tuple[state.ImportState | None, Plan | None]:
    """The import in progress and the plan it adds to, checking the person may still do it."""
    current = state.load(request)
    if current is None:
        if not _may_import_somewhere(request):
            raise PermissionDenied
        return None, None
    if current.plan is not None:
        return current, _plan_to_edit(request, current.plan)
    creation_access(viewer_for(request)).require("edit")
    return current, None


def _nothing_in_progress(request):
    return render(request, TEMPLATES + "nothing.html", {"may_create": viewer_for(request).is_manager})


# --- Step 1: the spreadsheet, the plan and its paper ------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_import(request):
    creation_access(viewer_for(request)).require("edit")
    return _start(request, plan=None)


@require_http_methods(["GET", "POST"])
def plan_import_into(request, pk: int):
    return _start(request, plan=_plan_to_edit(request, pk))


def _start(request, *, plan: Plan | None):
    form = StartForm(request.POST or None, request.FILES or None, new_plan=plan is None)
    if request.method == "POST" and form.is_valid():
        table = form.table
        current = state.ImportState.start(
            user=request.user,
            plan=plan,
            setup=form.setup(),
            table=table,
            header_row=form.header_row,
            mapping=headers.propose_mapping(table.rows[form.header_row]),
        )
        current.save(request)
        return redirect("plan_import_columns")
    context = {"form": form, "plan": plan}
    return render(request, TEMPLATES + "start.html", context, status=400 if form.is_bound else 200)


# --- Step 2: which column holds what -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_import_columns(request):
    current, plan = _import_in_progress(request)
    if current is None:
        return _nothing_in_progress(request)
    rows = current.table_rows
    form = ColumnsForm(request.POST or None, rows=rows, header_row=current.header_row, mapping=current.mapping)
    choosing_header = request.POST.get("step") == "header"
    if request.method == "POST" and (form.is_valid() or choosing_header and "header_row" in form.cleaned_data):
        if form.header_row_changed:
            current.header_row = form.cleaned_data["header_row"]
            current.mapping = headers.propose_mapping(rows[current.header_row])
            current.save(request)
            messages.info(request, f"The columns are now read from the headings in row {current.header_row + 1}.")
            return redirect("plan_import_columns")
        if choosing_header:
            return redirect("plan_import_columns")
        current.mapping = form.mapping()
        current.save(request)
        return redirect("plan_import_preview")
    context = {"form": form, "current": current, "plan": plan}
    return render(request, TEMPLATES + "columns.html", context, status=400 if form.is_bound else 200)


# --- Step 3: check every row, say who is who, and import ----------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_import_preview(request):
    current, plan = _import_in_progress(request)
    if current is None:
        return _nothing_in_progress(request)
    refused, status = "", 200
    if current.job is not None:
        job = Job.objects.listed().filter(pk=current.job, requested_by=request.user).first()
        if job is not None and job.is_active:
            return redirect(job)
        if job is not None and job.status == JobStatus.SUCCEEDED:
            state.clear(request)
            messages.success(request, job.summary)
            return redirect(job.result_url or job.get_absolute_url())
        if job is not None:
            refused = job.failure_reason
        current.job = None
        current.save(request)
    try:
        setup = current.import_setup(plan)
    except LookupError as gone:
        state.clear(request)
        messages.error(request, str(gone))
        return redirect("plan_import_into", pk=plan.pk) if plan else redirect("plan_import")
    rows = current.table_rows
    proposal = propose(
        rows, header_row=current.header_row, mapping=current.mapping, plan=plan, decisions=current.decisions
    )
    proposal.errors += setup_errors(setup)

    if request.method == "POST":
        form = NamesForm(request.POST, proposal=proposal)
        if form.is_valid() and form.cleaned_data["digest"] != current.digest():
            refused, status = (
                "This page was out of date: the import has changed since it was shown. Check it again.",
                409,
            )
            form = NamesForm.as_stored(proposal=proposal, digest=current.digest())
        elif form.is_valid():
            chosen = form.decisions()
            changed = chosen != _decisions_of(proposal)
            current.decisions = chosen
            current.save(request)
            if request.POST.get("action") != NamesForm.CONFIRM or changed:
                if request.POST.get("action") == NamesForm.CONFIRM:
                    messages.info(request, "You changed who some names are. Check the preview again, then import.")
                return redirect("plan_import_preview")
            if data_rows(current) > settings.TRACKER_IMPORT_JOB_ROWS:
                job = import_enqueue(user=request.user, current=current, plan=plan)
                current.job = job.pk
                current.save(request)
                return redirect(job)
            try:
                result = import_plan(
                    rows=rows,
                    header_row=current.header_row,
                    mapping=current.mapping,
                    decisions=current.decisions,
                    setup=setup,
                )
            except ImportRefused as error:
                refused, status = str(error), 400
                proposal = error.proposal or proposal
                form = NamesForm.as_stored(proposal=proposal, digest=current.digest())
            else:
                state.clear(request)
                messages.success(request, import_summary(result))
                return redirect(result.plan)
        else:
            status = 400
    else:
        form = NamesForm.as_stored(proposal=proposal, digest=current.digest())
    form.is_valid()
    form.add_name_errors()
    context = {
        "form": form,
        "proposal": proposal,
        "current": current,
        "plan": plan,
        "setup": setup,
        "refused": refused,
    }
    return render(request, TEMPLATES + "preview.html", context, status=status)


def _decisions_of(proposal) -> dict:
    return {
        "people": {key: choice.decision for key, choice in proposal.people.items()},
        "organisations": {key: choice.decision for key, choice in proposal.organisations.items()},
    }
