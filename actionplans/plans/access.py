"""Who may read and change plans, actions, sources and recommendations: one helper per
object kind, called by every view.

Roles:
* admin (superuser) and democratic support: everything.
* plan lead (Plan.lead): reads, edits and assigns the plan and its actions, posts updates.
* officer: posts updates on actions they are responsible for (as lead or further
  responsible person) and reads the plans those actions are in, and plans owned by
  a body of their own organisation.
* member of a body (panel or board): reads its plans and may comment on their actions.

Anyone else is an outsider to an object: the helpers raise Http404, so outsiders
cannot even learn that it exists. Someone who may read but not change an object
gets 403 from `require()`.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404

from actionplans.kernel.access import FULL, NO_ACCESS, READ_ONLY, Access, get_or_404
from actionplans.plans.models import Action, Plan, supporting_action_ids
from partners.access import Viewer
from partners.models import Body
from recommendations.models import Source


# --- plans ----------------------------------------------------------------------
def readable_plans(viewer: Viewer) -> QuerySet:
    """Each way in is its own indexed lookup of plan ids, never a join through the actions
    and their people (that repeats a plan once per action and link, then needs DISTINCT)."""
    if viewer.is_manager:
        return Plan.objects.all()
    person = viewer.person
    if person is None:
        return Plan.objects.none()
    # The plans of the actions they lead, and of those they are a further responsible person
    # for, as two lookups: one of both (Action.objects.responsible) reads every action's row.
    condition = (
        Q(lead=person)
        | Q(owning_body_id__in=viewer.body_ids)
        | Q(pk__in=Action.objects.filter(lead=person).values("plan_id"))
        | Q(pk__in=Action.objects.filter(pk__in=supporting_action_ids(person)).values("plan_id"))
    )
    if person.organisation_id:
        condition |= Q(owning_body__in=Body.objects.filter(organisation_id=person.organisation_id).values("pk"))
    return Plan.objects.filter(condition)


def plan_access(viewer: Viewer, plan) -> Access:
    if viewer.is_manager:
        return FULL
    person = viewer.person
    if person is None:
        return NO_ACCESS
    if plan.lead_id == person.pk:
        return FULL
    if not readable_plans(viewer).filter(pk=plan.pk).exists():
        return NO_ACCESS
    return Access(read=True, comment=plan.owning_body_id in viewer.body_ids)


def get_plan_for_user(viewer: Viewer, queryset: QuerySet, pk) -> tuple:
    plan = get_or_404(queryset, pk)
    access = plan_access(viewer, plan)
    if not access.read:
        raise Http404
    return plan, access


# --- actions --------------------------------------------------------------------
def is_responsible(viewer: Viewer, action) -> bool:
    person = viewer.person
    if person is None:
        return False
    if action.lead_id == person.pk:
        return True
    return action.supporting_officers.filter(pk=person.pk).exists()


def action_access(viewer: Viewer, action) -> Access:
    plan = action.plan
    access = plan_access(viewer, plan)
    if access.edit:
        return FULL
    if is_responsible(viewer, action):
        return Access(read=True, comment=True, update=True)
    return access


def readable_actions(viewer: Viewer) -> QuerySet:

    return Action.objects.filter(plan__in=readable_plans(viewer))


def updatable_actions(viewer: Viewer) -> QuerySet:
    """The actions the viewer may post progress updates on, as one queryset: every action for
    managers; for a person, the actions of the plans they lead and the actions they lead or
    are a further responsible person for; none for a login with no person. The same answer
    as action_access(viewer, action).update for each action."""
    if viewer.is_manager:
        return Action.objects.all()
    person = viewer.person
    if person is None:
        return Action.objects.none()
    condition = Q(plan__lead=person) | Q(lead=person) | Q(supporting_officers=person)
    return Action.objects.filter(pk__in=Action.objects.filter(condition).values("pk"))


def with_may_update(actions: QuerySet, viewer: Viewer) -> QuerySet:
    """Annotate `may_update` (updatable_actions) on each action, in the same query however
    many actions there are."""
    if viewer.is_manager:
        return actions.annotate(may_update=Value(True))
    return actions.annotate(may_update=Exists(updatable_actions(viewer).filter(pk=OuterRef("pk"))))


def get_action_for_user(viewer: Viewer, queryset: QuerySet, pk) -> tuple:
    action = get_or_404(queryset, pk)
    access = action_access(viewer, action)
    if not access.read:
        raise Http404
    return action, access


# --- sources and recommendations --------------------------------------------------
def readable_sources(viewer: Viewer) -> QuerySet:
    if viewer.is_manager:
        return Source.objects.all()
    condition = Q(plans__in=readable_plans(viewer)) | Q(made_by_id__in=viewer.body_ids)
    return Source.objects.filter(pk__in=Source.objects.filter(condition).values("pk"))


def source_access(viewer: Viewer, source) -> Access:
    if viewer.is_manager:
        return FULL
    if readable_sources(viewer).filter(pk=source.pk).exists():
        return READ_ONLY
    return NO_ACCESS


def get_source_for_user(viewer: Viewer, queryset: QuerySet, pk) -> tuple:
    source = get_or_404(queryset, pk)
    access = source_access(viewer, source)
    if not access.read:
        raise Http404
    return source, access


def get_recommendation_for_user(viewer: Viewer, queryset: QuerySet, pk) -> tuple:
    recommendation = get_or_404(queryset, pk)
    access = source_access(viewer, recommendation.source)
    if not access.read:
        raise Http404
    return recommendation, access
