"""The core app's admin pages, gathered here for Django's admin to find."""

from actionplans.kernel.jobs import admin as jobs_admin  # noqa: F401
from actionplans.measures import admin as measures_admin  # noqa: F401
from actionplans.meetings import admin as meetings_admin  # noqa: F401
from actionplans.plans import admin as plans_admin  # noqa: F401
from actionplans.plans.snapshots import admin as snapshots_admin  # noqa: F401
