"""What a dashboard covers: everything the viewer may read, a body's plans, or one plan."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet

from actionplans.plans.access import readable_plans
from actionplans.plans.models import Action, Plan
from partners.access import Viewer
from partners.models import Body


@dataclass(frozen=True)
class Scope:
    """The plans a dashboard counts the actions of: only ever ones the viewer may read."""

    plans: QuerySet
    body: Body | None = None
    plan: Plan | None = None

    @cached_property
    def plan_titles(self) -> list[tuple[int, str]]:
        """The id and title of every plan in scope, by title. 1 query (none for one plan)."""
        if self.plan is not None:
            return [(self.plan.pk, self.plan.title)]
        return list(self.plans.order_by("title").values_list("pk", "title"))

    @property
    def plan_ids(self) -> list[int]:
        return [pk for pk, _ in self.plan_titles]

    @cached_property
    def actions(self) -> QuerySet:
        """The actions of the plans in scope, found by the plans' ids (plan_titles): which plans
        the viewer may read is worked out once, not again inside every query that counts. Even
        for every plan: so SQLite, too, counts from the index that starts with the plan
        (Action's action_rag_counts_idx) rather than reading each action's row."""
        return Action.objects.filter(plan_id__in=self.plan_ids)

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
    return Scope(plans=readable_plans(viewer))


def scope_body(*, viewer: Viewer, body: Body) -> Scope:
    """The plans the body owns that the viewer may read."""
    return Scope(plans=readable_plans(viewer).filter(owning_body=body), body=body)


def scope_plan(*, plan: Plan) -> Scope:
    """One plan, which the caller has checked the viewer may read (get_plan_for_user)."""
    return Scope(plans=Plan.objects.filter(pk=plan.pk), plan=plan)
