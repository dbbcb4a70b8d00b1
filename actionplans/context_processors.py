from functools import cached_property

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from actionplans.kernel.jobs.models import Job


class SignedIn:
    """What the header and the menu show of the signed-in person: their Person (the name in the
    header) and how many of the jobs they asked for are queued or running (the menu's "Jobs").
    Both are read in one query, the first time a page asks for either, so a page that shows the
    header costs the one query it always did, and a response that shows neither costs none."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def _row(self):
        in_progress = (
            Job.objects.active()
            .filter(requested_by=OuterRef("pk"))
            .order_by()
            .values("requested_by")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            get_user_model()
            .objects.select_related("person")
            .annotate(jobs_in_progress=Coalesce(Subquery(in_progress), 0))
            .get(pk=self._user.pk)
        )

    @property
    def person(self):
        try:
            return self._row.person
        except ObjectDoesNotExist:
            return None

    @property
    def jobs_in_progress(self) -> int:
        return self._row.jobs_in_progress


def tracker(request):
    """What every page shows: the service name, the date the tracker is viewed as at, and the
    signed-in person's header and menu (`signed_in`, read only if the page shows them)."""
    context = {
        "service_name": settings.TRACKER_SERVICE_NAME,
        "tracker_as_at": settings.TRACKER_AS_AT,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["signed_in"] = SignedIn(user)
    return context
