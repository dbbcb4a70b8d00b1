"""Who may read measures, enter their values and set them up: one helper per object kind,
called by every view of the measures layer.

Roles:
* admin and democratic support, and the plan's lead: everything, for the plan's measures
  (set them up, change them, enter any of their values).
* the data owner of a measure: reads it and enters its values, even in a plan they have no
  other part in.
* anyone who may read the plan (its officers, the members of the body that owns it): reads its
  measures.

Anyone else is an outsider to a measure: Http404, as for plans. `Access.update` means "may
enter values"; `Access.edit` "may change the measure itself".
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from actionplans.kernel.access import FULL, NO_ACCESS, Access, get_or_404
from actionplans.measures.models import Measure
from actionplans.plans.access import plan_access, readable_plans
from partners.access import Viewer

VALUES = Access(read=True, update=True)


# --- measures -------------------------------------------------------------------------------
def readable_measures(viewer: Viewer) -> QuerySet:
    """The measures of the plans the viewer may read, and those they own the data of."""
    if viewer.is_manager:
        return Measure.objects.all()
    person = viewer.person
    if person is None:
        return Measure.objects.none()
    return Measure.objects.filter(Q(plan__in=readable_plans(viewer)) | Q(data_owner=person))


def measure_access(viewer: Viewer, measure) -> Access:
    access = plan_access(viewer, measure.plan)
    if access.edit:
        return FULL
    person = viewer.person
    if person is not None and measure.data_owner_id == person.pk:
        return Access(read=True, comment=access.comment, update=True)
    return Access(read=access.read, comment=access.comment) if access.read else NO_ACCESS


def get_measure_for_user(viewer: Viewer, queryset: QuerySet, pk) -> tuple:
    measure = get_or_404(queryset, pk)
    access = measure_access(viewer, measure)
    if not access.read:
        raise Http404
    return measure, access


# --- a plan's measures ------------------------------------------------------------------------
def plan_measures_access(viewer: Viewer, plan) -> Access:
    """What the viewer may do with the plan's measures as a whole: read them (anyone who may read
    the plan), enter values (the plan's lead and managers; a data owner for their own, see
    enterable_measures), and set measures up (edit: managers and the plan's lead)."""
    access = plan_access(viewer, plan)
    if access.edit:
        return FULL
    if enterable_measures(viewer, plan).exists():
        return Access(read=True, comment=access.comment, update=True)
    return Access(read=access.read, comment=access.comment) if access.read else NO_ACCESS


def enterable_measures(viewer: Viewer, plan) -> QuerySet:
    """The plan's measures whose values the viewer may enter: all of them for managers and the
    plan's lead; a data owner's own; none for anyone else. The same answer as
    measure_access(viewer, measure).update for each measure."""
    measures = Measure.objects.filter(plan=plan)
    if plan_access(viewer, plan).edit:
        return measures
    person = viewer.person
    if person is None:
        return Measure.objects.none()
    return measures.filter(data_owner=person)


def get_plan_measures_for_user(viewer: Viewer, queryset: QuerySet, pk) -> tuple:
    """The plan, and what the viewer may do with its measures; Http404 for an outsider."""
    plan = get_or_404(queryset, pk)
    access = plan_measures_access(viewer, plan)
    if not access.read:
        raise Http404
    return plan, access
