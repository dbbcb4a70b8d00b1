"""What a dashboard covers: everything the viewer may read, a body's plans, or one plan."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from actionplans.plans.access import readable_actions, readable_plans
from actionplans.plans.models import Action, Plan
from partners.access import Viewer
from partners.models import Body


@dataclass(frozen=True)
class Scope:
    """The plans and actions a dashboard counts: only ever ones the viewer may read."""

    plans: QuerySet
    actions: QuerySet
    body: Body | None = None
    plan: Plan | None = None

    @property
    def tracker_params(self) -> dict:
        """The tracker filters that show the same actions."""
        if self.plan is not None:
            return {"plan": self.plan.pk}
        if self.body is not None:
            return {"body": self.body.pk}
        return {}

    @property
    def title(self) -> str:
        if self.plan is not None:
            return self.plan.title
        if self.body is not None:
            return self.body.name
        return "All plans"


def scope_everything(*, viewer: Viewer) -> Scope:
    return Scope(plans=readable_plans(viewer), actions=readable_actions(viewer))


def scope_body(*, viewer: Viewer, body: Body) -> Scope:
    """The plans the body owns that the viewer may read."""
    return Scope(
        plans=readable_plans(viewer).filter(owning_body=body),
        actions=readable_actions(viewer).filter(plan__owning_body=body),
        body=body,
    )


def scope_plan(*, plan: Plan) -> Scope:
    """One plan, which the caller has checked the viewer may read (get_plan_for_user)."""
    return Scope(plans=Plan.objects.filter(pk=plan.pk), actions=Action.objects.filter(plan=plan), plan=plan)
