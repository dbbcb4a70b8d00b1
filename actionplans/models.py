"""The core app's models, gathered here for Django to find: plans and actions, their RAG
snapshots, their measures (outcome indicators) with targets and values, what meetings decide
about them, and the background jobs of the kernel.

Code imports them from their own layer (`actionplans.plans.models`,
`actionplans.measures.models`, `actionplans.meetings.models`), never from here: this module sits above every layer,
beside the settings and the root URLs.
"""

from actionplans.kernel.jobs.models import Job  # noqa: F401
from actionplans.measures.models import Measure, MeasureTarget, MeasureValue  # noqa: F401
from actionplans.meetings.models import (  # noqa: F401
    AgendaItem,
    AgreedAction,
    MonitoringDecision,
    Resolution,
    SentReminder,
    UpdateRound,
)
from actionplans.plans.models import Action, ActionComment, Plan, ProgressUpdate, TargetDateRevision  # noqa: F401
from actionplans.plans.snapshots.models import RagSnapshot, RagSnapshotCount, RagSnapshotPeriod  # noqa: F401
