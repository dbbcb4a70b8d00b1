"""Large imports are saved by a background job: checking and saving more than
TRACKER_IMPORT_JOB_ROWS rows (settings) takes minutes, too long for a request.

The job carries the import as the session held it when the person confirmed (the rows read from
the upload, the mapping, the choices made for each name: reports.imports.state) and the user who
asked. In the worker it checks that user may still import there (a plan's editors for an
existing plan, managers for a new one: the checks of the import pages), then imports exactly as
the confirm step does, all or nothing (services.import_plan).
"""

from __future__ import annotations

from dataclasses import asdict

from django.urls import reverse

from actionplans.kernel.jobs.models import Job
from actionplans.kernel.jobs.registry import job
from actionplans.kernel.jobs.runner import JobFailed, JobOutcome, JobRun
from actionplans.kernel.jobs.services import job_enqueue
from actionplans.plans.access import get_plan_for_user
from actionplans.plans.models import Plan
from partners.access import creation_access, viewer_for
from reports.imports.services import ImportRefused, import_plan, import_summary
from reports.imports.state import ImportState

IMPORT = "plan_import"


def data_rows(current: ImportState) -> int:
    """The rows below the header row: at most one action each."""
    return max(0, len(current.rows) - current.header_row - 1)


def import_enqueue(*, user, current: ImportState, plan: Plan | None) -> Job:
    """Queue the import `current` (confirmed, with its choices stored). The same import confirmed
    again while it runs gives the same job."""
    stored = asdict(current) | {"job": None}
    where = f"into {plan.title}" if plan else f"as the new plan {current.setup.get('title', '')}"
    return job_enqueue(
        kind=IMPORT,
        title=f"Import {data_rows(current):,} rows from {current.name or 'a pasted table'} {where}",
        user=user,
        parameters={"state": stored},
        key=f"{IMPORT}:user={user.pk}:{ImportState(**stored).digest()}",
        back=(reverse("plan_import_preview"), "Back to the import"),
    )


@job(IMPORT)
def plan_import(run: JobRun) -> JobOutcome:
    viewer = viewer_for(run.require_user())
    current = ImportState(**run.parameters["state"])
    plan = None
    if current.plan is not None:
        plan, access = get_plan_for_user(viewer, Plan.objects.select_related("owning_body"), current.plan)
        access.require("edit")
    else:
        creation_access(viewer).require("edit")
    try:
        setup = current.import_setup(plan)
    except LookupError as gone:
        raise JobFailed(str(gone)) from None
    run.progress(stage=f"Checking and saving {data_rows(current):,} rows, all or nothing")
    try:
        result = import_plan(
            rows=current.table_rows,
            header_row=current.header_row,
            mapping=current.mapping,
            decisions=current.decisions,
            setup=setup,
        )
    except ImportRefused as error:
        raise JobFailed(str(error)) from None
    return JobOutcome(summary=import_summary(result), url=result.plan.get_absolute_url(), link_text="Open the plan")
