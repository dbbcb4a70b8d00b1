"""A council's worth of generated data, for the benchmark (bench/) and for trying pages at scale:
`python manage.py seed_scale --actions 20000 --seed 1`.

The shapes are those of the demo papers (fixtures/demo, actionplans/demo.py): sources made by
bodies, with numbered and nested recommendations and the executive's responses; plans taking
their actions from those recommendations (and, in plans of a body's minutes, actions agreed
with none); a lead, further responsible people and partner organisations on each action;
progress updates over the years with statuses and RAGs, and target dates moved with reasons;
bodies with members, meetings with attendance, and decisions on their monitoring lists.

Sizes scale with the number of actions N (`Sizes`): N = 20,000 is a council (3,000
recommendations, 100,000 progress updates, 400 people, 60 plans, 500 measures with 36 monthly
values each), N = 100,000 a county. A few
things the benchmark looks at keep their size from council scale up, so that a bigger database
under the same page is what changes: a plan of 1,000 actions, a body whose next meeting has a
monitoring list of 300 items, an officer responsible for 200 open actions, and the plan's 100
measures (a page of its "Measures that matter" table) (`featured()` finds them). Below council
scale they shrink with N.

The same seed and the same `today` give the same rows (`dataset_digest`). Dates are laid out
around `today` (by default the tracker's today): some actions complete, some overdue, some
never reported, target dates over years either side of it.

Fast: rows are written with bulk_create in batches, in one transaction. Generated rows get no
change history: they are written through a plain QuerySet, not the audited managers
(actionplans.kernel.audit records a history row for every bulk-created row), since nobody
changed them; the history tables stay empty.

In parts: sizes.py (how much of everything), council.py (organisations, people, bodies,
meetings, sources, recommendations, plans), generator.py (actions, their updates and target date
moves, decisions, comments, accounts), measures.py (measures, their targets and monthly values),
digest.py, words.py (the vocabulary).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS

from actionplans.kernel import clock
from actionplans.plans.models import Action, Plan
from actionplans.scale.digest import dataset_digest
from actionplans.scale.generator import ScaleGenerator, SeedReport, analyse, seed_scale
from actionplans.scale.measures import measure_periods
from actionplans.scale.sizes import (
    ACCOUNTS,
    ADMIN,
    COUNCIL_ACTIONS,
    COUNTY_ACTIONS,
    FEATURED_BODY,
    FEATURED_MEETING_AFTER_DAYS,
    FEATURED_PLAN,
    LEAD,
    MEASURE_PERIODS,
    MIN_ACTIONS,
    OFFICER,
    PANEL,
    PASSWORD_DEFAULT,
    PASSWORD_ENV,
    SUPPORT,
    Sizes,
    bench_password,
)
from partners.models import Body, Meeting, Organisation, Person
from recommendations.models import Source

__all__ = [
    "ACCOUNTS",
    "ADMIN",
    "COUNCIL_ACTIONS",
    "COUNTY_ACTIONS",
    "FEATURED_BODY",
    "FEATURED_MEETING_AFTER_DAYS",
    "FEATURED_PLAN",
    "LEAD",
    "MEASURE_PERIODS",
    "MIN_ACTIONS",
    "OFFICER",
    "PANEL",
    "PASSWORD_DEFAULT",
    "PASSWORD_ENV",
    "SUPPORT",
    "Featured",
    "ScaleGenerator",
    "SeedReport",
    "Sizes",
    "analyse",
    "bench_password",
    "dataset_digest",
    "featured",
    "holds_data",
    "measure_periods",
    "seed_scale",
]


@dataclass
class Featured:
    """What the benchmark looks at in a generated database."""

    body: Body
    plan: Plan
    meeting: Meeting
    users: dict[str, object]  # role -> User

    @property
    def officer(self) -> Person:
        return self.users[OFFICER].person


def featured(*, on: datetime.date | None = None) -> Featured:
    """The featured body, plan, meeting (the body's first meeting on or after `on`) and accounts."""
    on = on or clock.today()
    body = Body.objects.get(name=FEATURED_BODY)
    User = get_user_model()
    return Featured(
        body=body,
        plan=Plan.objects.get(title=FEATURED_PLAN),
        meeting=Meeting.objects.filter(body=body, date__gte=on).order_by("date").first(),
        users={user.username: user for user in User.objects.filter(username__in=ACCOUNTS)},
    )


def holds_data(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows already in the tables seed_scale fills, by kind (only kinds with rows)."""
    counted = {
        "users": get_user_model(),
        "people": Person,
        "organisations": Organisation,
        "bodies": Body,
        "sources": Source,
        "plans": Plan,
        "actions": Action,
    }
    counts = {name: model._default_manager.using(using).count() for name, model in counted.items()}
    return {name: count for name, count in counts.items() if count}
