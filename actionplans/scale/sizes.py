"""How much of everything a generated council has, and the names the benchmark finds it by."""

from __future__ import annotations

import os
from dataclasses import dataclass

from actionplans.scale import words

COUNCIL_ACTIONS = 20_000
COUNTY_ACTIONS = 5 * COUNCIL_ACTIONS
MIN_ACTIONS = 100
BATCH = 2_000
HISTORY_YEARS = 6
DECISION_MEETINGS = 4  # each body records decisions at its last few meetings before today
MEASURE_PERIODS = 36  # monthly values of every measure, up to the last month end before today

# The accounts, one for each role (see README's demo accounts). Their password is
# SEED_SCALE_PASSWORD, or this one, meant for generated benchmark data only.
PASSWORD_ENV = "SEED_SCALE_PASSWORD"
PASSWORD_DEFAULT = "scale-bench-only-password"
ADMIN, OFFICER, LEAD, PANEL, SUPPORT = "admin", "officer", "lead", "panel", "support"
ACCOUNTS = {
    ADMIN: "administrator",
    OFFICER: "officer with the featured open actions",
    LEAD: "lead of the featured plan",
    PANEL: "member of the featured body",
    SUPPORT: "democratic support",
}

FEATURED_BODY = f"{words.THEMES[0]} Scrutiny Panel"
FEATURED_PLAN = f"{FEATURED_BODY}: recommendations tracker"
FEATURED_MEETING_AFTER_DAYS = 7  # the featured meeting is at least this far after `today`


def bench_password() -> str:
    return os.environ.get(PASSWORD_ENV) or PASSWORD_DEFAULT


@dataclass(frozen=True)
class Sizes:
    """How much of everything N actions come with."""

    actions: int

    @property
    def factor(self) -> float:
        """1 from council scale up; smaller below it."""
        return min(1.0, self.actions / COUNCIL_ACTIONS)

    @property
    def recommendations(self) -> int:
        return max(30, round(self.actions * 0.15))

    @property
    def updates(self) -> int:
        """The number of progress updates aimed at (the result is within a few per cent)."""
        return 5 * self.actions

    @property
    def people(self) -> int:
        return max(40, round(self.actions / 50))

    @property
    def plans(self) -> int:
        return max(4, round(self.actions * 3 / 1000))

    @property
    def organisations(self) -> int:
        return max(8, round(self.actions / 500))

    @property
    def bodies(self) -> int:
        return max(5, round(self.actions / 1000))

    @property
    def sources(self) -> int:
        return max(4, round(self.recommendations / 20))

    @property
    def featured_plan_actions(self) -> int:
        return max(24, round(1000 * self.factor))

    @property
    def list_items(self) -> int:
        return max(10, round(300 * self.factor))

    @property
    def officer_actions(self) -> int:
        return max(5, round(200 * self.factor))

    @property
    def measures(self) -> int:
        """Outcome indicators (issue 10): 500 at council scale, 36 monthly values each."""
        return max(5, round(self.actions / 40))

    @property
    def featured_plan_measures(self) -> int:
        """The featured plan's share: a page of its "Measures that matter" table (100 rows) from
        council scale up."""
        return min(self.measures, max(2, round(100 * self.factor)))

    @property
    def core_measures(self) -> int:
        """Of the featured plan's measures, those in the featured body's core data set."""
        return max(1, round(20 * self.factor))
