"""A council's worth of generated data, for the benchmark (bench/) and for trying pages at scale:
`python manage.py seed_scale --actions 20000 --seed 1`.

The shapes are those of the demo papers (fixtures/demo, actionplans/demo.py): sources made by
bodies, with numbered and nested recommendations and the executive's responses; plans taking
their actions from those recommendations (and, in plans of a body's minutes, actions agreed
with none); a lead, further responsible people and partner organisations on each action;
progress updates over the years with statuses and RAGs, and target dates moved with reasons;
bodies with members, meetings with attendance, and decisions on their monitoring lists.

Sizes scale with the number of actions N (`Sizes`): N = 20,000 is a council (3,000
recommendations, 100,000 progress updates, 400 people, 60 plans), N = 100,000 a county. A few
things the benchmark looks at keep their size from council scale up, so that a bigger database
under the same page is what changes: a plan of 1,000 actions, a body whose next meeting has a
monitoring list of 300 items, and an officer responsible for 200 open actions (`featured()`
finds them). Below council scale they shrink with N.

The same seed and the same `today` give the same rows (`dataset_digest`). Dates are laid out
around `today` (by default the tracker's today): some actions complete, some overdue, some
never reported, target dates over years either side of it.

Fast: rows are written with bulk_create in batches, in one transaction. Generated rows get no
change history: they are written through a plain QuerySet, not the audited managers
(actionplans.kernel.audit records a history row for every bulk-created row), since nobody
changed them; the history tables stay empty.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import os
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from actionplans import scale_words as words
from actionplans.kernel import clock
from actionplans.meetings.models import MonitoringDecision, SignOffDecision
from actionplans.meetings.signoff import ItemState, decision_error, item_state
from actionplans.plans.models import Action, ActionComment, Plan, PlanStatus, ProgressUpdate, TargetDateRevision
from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.target_dates import parse_target_date
from partners.access import DEMOCRATIC_SUPPORT_GROUP
from partners.models import (
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Meeting,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Person,
)
from recommendations.models import Recommendation, ResponseDecision, Source, SourceKind
from recommendations.responses import add_months

COUNCIL_ACTIONS = 20_000
COUNTY_ACTIONS = 5 * COUNCIL_ACTIONS
MIN_ACTIONS = 100
BATCH = 2_000
HISTORY_YEARS = 6
DECISION_MEETINGS = 4  # each body records decisions at its last few meetings before today

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


# --- small helpers -----------------------------------------------------------------------------


def _insert(model, objs: list, using: str) -> list:
    """bulk_create through a plain QuerySet: no history rows (see the module docstring)."""
    if objs:
        models.QuerySet(model=model, using=using).bulk_create(objs, batch_size=BATCH)
    return objs


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@cache
def _read_target(text: str) -> datetime.date | None:
    return parse_target_date(text)


def target_text(day: datetime.date, style: int) -> str:
    """A target as a paper might print it (style 0-4), for a month-end date."""
    month = calendar.month_name[day.month]
    return [
        f"{month} {day.year}",
        f"{day:%d/%m/%Y}",
        f"End of {month} {day.year}",
        f"Quarterly, by {month} {day.year}",
        "",
    ][style]


class _ActionSpec:
    """An action before it is written: what the generator decides first, for every action, so the
    number of updates can be spread over all of them in proportion to how long they ran."""

    __slots__ = (
        "plan",
        "position",
        "rec",
        "created",
        "target",
        "text",
        "lead",
        "others",
        "partners",
        "complete_day",
        "end_day",
        "force",
        "pk",
        "first_day",
        "partial_day",
        "final_target",
    )

    def __init__(self, plan: int, position: int, rec: int | None, created: datetime.date):
        self.plan, self.position, self.rec, self.created = plan, position, rec, created
        self.target: datetime.date | None = None
        self.text = ""
        self.lead: int | None = None
        self.others: list[int] = []
        self.partners: list[int] = []
        self.complete_day: datetime.date | None = None
        self.end_day: datetime.date | None = None  # the last update of an open action; None: never reported
        self.force: tuple[str, datetime.date | None] | None = None
        self.pk: int | None = None
        self.first_day: datetime.date | None = None
        self.partial_day: datetime.date | None = None
        self.final_target: datetime.date | None = None  # after any revisions

    @property
    def first_update_day(self) -> datetime.date:
        return self.created + datetime.timedelta(days=14)

    def span(self) -> int:
        last = self.complete_day or self.end_day
        return (last - self.first_update_day).days if last else 0

    def status_on(self, day: datetime.date) -> str | None:
        if self.complete_day and self.complete_day <= day:
            return ActionStatus.COMPLETE
        if self.partial_day and self.partial_day <= day:
            return ActionStatus.PARTIALLY_COMPLETE
        if self.first_day and self.first_day <= day:
            return ActionStatus.IN_PROGRESS
        return None


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    featured_plan_actions: int = 0
    featured_list_items: int = 0
    officer_open_actions: int = 0
    password: str = ""


# --- the generator ---------------------------------------------------------------------------------


class ScaleGenerator:
    def __init__(self, *, actions: int, seed: int, today: datetime.date | None = None, using=DEFAULT_DB_ALIAS):
        if actions < MIN_ACTIONS:
            raise ValueError(f"Generate at least {MIN_ACTIONS} actions")
        self.sizes = Sizes(actions)
        self.rng = random.Random(seed)
        self.today = today or clock.today()
        self.start = self.today - datetime.timedelta(days=365 * HISTORY_YEARS)
        self.using = using
        self.tz = timezone.get_default_timezone()
        self.report = SeedReport(password=bench_password())
        self.nested_yet = False

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    def days(self, day: datetime.date, low: int, high: int) -> datetime.date:
        return day + datetime.timedelta(days=self.rng.randint(low, high))

    def run(self) -> SeedReport:
        with transaction.atomic(using=self.using):
            self._organisations()
            self._people()
            self._bodies()
            self._meetings()
            self._sources()
            self._plans()
            self._action_specs()
            self._write_actions()
            self._decisions()
            self._comments()
            self._accounts()
        return self.report

    def _count(self, name: str, objs: list) -> list:
        self.report.counts[name] = self.report.counts.get(name, 0) + len(objs)
        return _insert(type(objs[0]), objs, self.using) if objs else objs

    # --- organisations and people ----------------------------------------------------------------

    def _organisations(self):
        place = words.PLACE
        orgs = [
            Organisation(name=f"{place} City Council", short_name="ECC", kind=OrganisationKind.COUNCIL),
            Organisation(name="Ofsted", kind=OrganisationKind.OTHER),
        ]
        kinds = list(words.ORGANISATIONS)
        used: defaultdict[str, int] = defaultdict(int)
        while len(orgs) < self.sizes.organisations:
            kind = kinds[(len(orgs) - 2) % len(kinds)]
            patterns = words.ORGANISATIONS[kind]
            index = used[kind]
            used[kind] += 1
            name = patterns[index % len(patterns)].format(place=place)
            if index >= len(patterns):
                name = f"{name} ({index // len(patterns) + 1})"
            orgs.append(Organisation(name=name, kind=kind))
        self.orgs = self._count("organisations", orgs)
        self.council = self.orgs[0]
        self.partner_orgs = self.orgs[2:]

    def _people(self):
        rng, total = self.rng, self.sizes.people
        combos = rng.sample(range(len(words.FIRST_NAMES) * len(words.LAST_NAMES)), total)
        names = [
            (words.FIRST_NAMES[c // len(words.LAST_NAMES)], words.LAST_NAMES[c % len(words.LAST_NAMES)]) for c in combos
        ]
        councillors = min(max(8, self.sizes.bodies * 4), total // 4)
        people, self.councillors, self.officers, self.partner_staff = [], [], [], []
        for index, (first, last) in enumerate(names):
            if index < councillors:
                person = Person(name=f"Councillor {first} {last}", organisation=self.council)
                self.councillors.append(index)
            elif index < councillors + (total - councillors) * 2 // 3:
                title = rng.choice(words.OFFICER_TITLES)
                # A few are known only by their post, as papers often print them.
                name = "" if rng.random() < 0.04 else f"{first} {last}"
                person = Person(name=name, job_title=title, organisation=self.council, is_senior=rng.random() < 0.1)
                self.officers.append(index)
            else:
                org = self.partner_orgs[index % len(self.partner_orgs)]
                person = Person(name=f"{first} {last}", job_title=rng.choice(words.PARTNER_TITLES), organisation=org)
                self.partner_staff.append(index)
            if person.name:
                domain = "eastbrook.gov.uk" if person.organisation_id == self.council.pk else "partner.example.org"
                person.email = f"{first}.{last}@{domain}".lower().replace("'", "")
            people.append(person)
        # The people behind the accounts: an officer, the featured plan's lead, democratic support.
        named_officers = [i for i in self.officers if people[i].name]
        self.officer_index, self.lead_index, self.support_index = named_officers[:3]
        people[self.support_index].job_title = "Democratic Support Officer"
        people[self.lead_index].job_title = "Head of Service, Children's Social Care"
        people[self.lead_index].is_senior = True
        self.people = self._count("people", people)
        # Everyone responsible for actions, but the featured officer, whose actions are chosen later.
        self.responsible_pool = [i for i in self.officers + self.partner_staff if i != self.officer_index]

    # --- bodies, members, meetings ---------------------------------------------------------------

    def _bodies(self):
        rng, total = self.rng, self.sizes.bodies
        specs = [
            ("Cabinet", BodyKind.CABINET, self.council),
            ("Ofsted", BodyKind.INSPECTORATE, self.orgs[1]),
            (FEATURED_BODY, BodyKind.SCRUTINY_PANEL, self.council),
        ]
        theme = 1
        while len(specs) < total:
            name = words.THEMES[theme % len(words.THEMES)]
            suffix = f" {theme // len(words.THEMES) + 1}" if theme >= len(words.THEMES) else ""
            if len(specs) % 2 == 1:
                specs.append((f"{name} Scrutiny Panel{suffix}", BodyKind.SCRUTINY_PANEL, self.council))
            else:
                kind, label = words.BOARD_KINDS[theme % len(words.BOARD_KINDS)]
                host = self.council if kind != BodyKind.TRUST_BOARD else rng.choice(self.partner_orgs)
                specs.append((f"{name} {label}{suffix}", kind, host))
            theme += 1
        bodies = [
            Body(name=name, kind=kind, organisation=org, remit=f"To oversee {name.lower()} work.")
            for name, kind, org in specs
        ]
        self.bodies = self._count("bodies", bodies)
        self.cabinet, self.inspectorate, self.featured_body = self.bodies[:3]

        memberships, roles = [], []
        self.members: dict[int, list[int]] = {}  # body index -> person indices
        for b, body in enumerate(self.bodies):
            if body.kind == BodyKind.INSPECTORATE:
                self.members[b] = []
                continue
            chosen: list[tuple[int, str, str]] = []
            if body.kind in (BodyKind.CABINET, BodyKind.SCRUTINY_PANEL):
                for n, person in enumerate(rng.sample(self.councillors, min(len(self.councillors), rng.randint(5, 9)))):
                    role = [MembershipRole.CHAIR, MembershipRole.VICE_CHAIR][n] if n < 2 else MembershipRole.MEMBER
                    chosen.append((person, role, ""))
                if body.kind == BodyKind.SCRUTINY_PANEL:
                    for person in rng.sample(self.partner_staff, 2):
                        org = self.people[person].organisation
                        chosen.append((person, MembershipRole.APPOINTED_MEMBER, org.name if org else ""))
                chosen.append((self.support_index, MembershipRole.OFFICER, "Democratic Support Officer"))
            else:
                pool = self.officers + self.partner_staff
                for n, person in enumerate(rng.sample(pool, rng.randint(6, 12))):
                    org = self.people[person].organisation
                    role = MembershipRole.CHAIR if n == 0 else MembershipRole.MEMBER
                    chosen.append((person, role, org.name if org else ""))
            seen = set()
            self.members[b] = []
            for person, role, representing in chosen:
                if person in seen:
                    continue
                seen.add(person)
                self.members[b].append(person)
                roles.append((b, person, role))
                memberships.append(
                    Membership(body=body, person=self.people[person], role=role, representing=representing)
                )
        self._count("memberships", memberships)
        # The panel account: a councillor on the featured body (not its chair).
        self.panel_index = next(person for body, person, role in roles if body == 2 and role == MembershipRole.MEMBER)

    def _meetings(self):
        rng = self.rng
        meetings, self.meetings = [], defaultdict(list)  # body index -> [Meeting] by date
        last_day = self.today + datetime.timedelta(days=180)
        for b, body in enumerate(self.bodies):
            if body.kind == BodyKind.INSPECTORATE:
                continue
            evening = body.kind in (BodyKind.CABINET, BodyKind.SCRUTINY_PANEL)
            day = self.days(self.start, 0, 60)
            while day <= last_day:
                if body is self.featured_body and self.today <= day < self._featured_gap_end():
                    day = self._featured_gap_end()  # so the featured meeting is a week or more ahead
                meeting = Meeting(
                    body=body,
                    date=day,
                    time=datetime.time(17, 30) if evening else datetime.time(10, 0),
                    venue=rng.choice(words.VENUES),
                )
                meetings.append(meeting)
                self.meetings[b].append(meeting)
                day = self.days(day, 42, 70)
        self._count("meetings", meetings)
        self.featured_meeting = next(m for m in self.meetings[2] if m.date >= self.today)

        attendance = []
        for b, body_meetings in self.meetings.items():
            members = self.members[b]
            for meeting in body_meetings:
                if meeting.date >= self.today:
                    continue
                for person in members:
                    roll = rng.random()
                    status = (
                        AttendanceStatus.PRESENT
                        if roll < 0.8
                        else AttendanceStatus.APOLOGIES
                        if roll < 0.95
                        else AttendanceStatus.ABSENT
                    )
                    attendance.append(Attendance(meeting=meeting, person=self.people[person], status=status))
                if rng.random() < 0.5:
                    guest = rng.choice(self.officers)
                    if guest not in members:
                        attendance.append(
                            Attendance(
                                meeting=meeting,
                                person=self.people[guest],
                                status=AttendanceStatus.IN_ATTENDANCE,
                                capacity=self.people[guest].job_title,
                            )
                        )
        self._count("attendance", attendance)

    def _featured_gap_end(self) -> datetime.date:
        return self.today + datetime.timedelta(days=FEATURED_MEETING_AFTER_DAYS)

    # --- sources and recommendations --------------------------------------------------------------

    def _tree(self, *, rows: int | None = None, leaves: int | None = None) -> list[tuple[str, int | None]]:
        """Recommendations as printed: (label, index of parent or None), numbered 1, 2, 3 with
        some split into a), b), c). Exactly `rows` rows, or exactly `leaves` items without children."""
        rng, tree, top, leaf_count = self.rng, [], 0, 0
        while (rows is not None and len(tree) < rows) or (leaves is not None and leaf_count < leaves):
            top += 1
            room = (rows - len(tree) - 1) if rows is not None else (leaves - leaf_count)
            # Some items are split into a), b), c): item 2 of the first source always, so even a
            # small data set has nested recommendations.
            nested = rng.random() < 0.12 or (top == 2 and not self.nested_yet)
            children = rng.randint(2, 3) if nested else 0
            children = min(children, room)
            if children < 2:
                tree.append((str(top), None))
                leaf_count += 1
                continue
            self.nested_yet = True
            parent = len(tree)
            tree.append((str(top), None))
            for c in range(children):
                tree.append((f"{'abc'[c]})", parent))
            leaf_count += children
        return tree

    def _sources(self):
        rng, sizes = self.rng, self.sizes
        featured_leaves = sizes.list_items + round(sizes.list_items * 0.2)
        makers = [b for b, body in enumerate(self.bodies) if body.kind != BodyKind.CABINET and b != 2]
        # (body index, kind, number of rows or leaves)
        plan_of_sources: list[tuple[int, str, dict]] = []
        per_source = max(8, featured_leaves // max(1, round(sizes.sources * 0.12)))
        left = featured_leaves
        while left > 0:
            take = min(left, per_source)
            plan_of_sources.append((2, SourceKind.SCRUTINY_INQUIRY, {"leaves": take}))
            left -= take
        featured_trees = [self._tree(**spec) for _b, _k, spec in plan_of_sources]
        rows_left = sizes.recommendations - sum(len(tree) for tree in featured_trees)
        others = max(1, sizes.sources - len(plan_of_sources))
        trees = list(featured_trees)
        board_sources = 0
        for n in range(others):
            b = makers[n % len(makers)]
            body = self.bodies[b]
            kind = {
                BodyKind.INSPECTORATE: SourceKind.INSPECTION,
                BodyKind.SCRUTINY_PANEL: SourceKind.SCRUTINY_INQUIRY,
            }.get(body.kind)
            if kind is None:  # a board: every third source its minutes, starting with the first
                kind = SourceKind.MEETING if board_sources % 3 == 0 else SourceKind.REVIEW
                board_sources += 1
            share = rows_left // (others - n)
            rows_left -= share
            plan_of_sources.append((b, kind, {"rows": max(1, share)}))
            trees.append(self._tree(rows=max(1, share)))

        sources, self.source_body = [], []
        counters: defaultdict[str, int] = defaultdict(int)
        for (b, kind, _spec), _tree in zip(plan_of_sources, trees, strict=True):
            featured = b == 2
            topic = rng.choice(words.TOPICS)
            meeting = None
            if kind == SourceKind.MEETING:
                past = [m for m in self.meetings[b] if m.date <= self.today - datetime.timedelta(days=30)]
                meeting = rng.choice(past) if past else None
            latest = self.today - datetime.timedelta(days=90 if featured else 30)
            if featured and not sources:  # the featured body's first report is years old
                latest = self.start + (latest - self.start) / 2
            date = None if meeting else self.start + datetime.timedelta(days=rng.randint(0, (latest - self.start).days))
            counters[kind] += 1
            sources.append(
                Source(
                    kind=kind,
                    reference=f"{kind[:3].upper()}-{counters[kind]:04d}",
                    title=words.SOURCE_TITLES[kind].format(topic=topic) + f" ({counters[kind]})",
                    made_by=self.bodies[b],
                    meeting=meeting,
                    date=date,
                    summary=f"Generated {kind.replace('_', ' ')} about {topic}.",
                )
            )
            self.source_body.append(b)
        self.sources = self._count("sources", sources)
        self.source_made = [s.date or s.meeting.date for s in self.sources]

        # Recommendations: top level first (their children need their keys).
        recs: list[Recommendation] = []
        self.rec_source: list[int] = []
        self.rec_is_leaf: list[bool] = []
        parents_of: list[int | None] = []
        for s, tree in enumerate(trees):
            source, made = self.sources[s], self.source_made[s]
            has_children = {parent for _label, parent in tree if parent is not None}
            group = rng.choice(words.GROUPS) if rng.random() < 0.3 else ""
            base = len(recs)
            for position, (label, parent) in enumerate(tree, start=1):
                recs.append(self._recommendation(source, made, position, label, group))
                parents_of.append(None if parent is None else base + parent)
                self.rec_source.append(s)
                self.rec_is_leaf.append((position - 1) not in has_children)
        top = [rec for rec, parent in zip(recs, parents_of, strict=True) if parent is None]
        _insert(Recommendation, top, self.using)
        children = []
        for rec, parent in zip(recs, parents_of, strict=True):
            if parent is not None:
                rec.parent = recs[parent]
                children.append(rec)
        _insert(Recommendation, children, self.using)
        self.report.counts["recommendations"] = len(recs)
        self.recs = recs

    def _recommendation(self, source, made, position, label, group) -> Recommendation:
        rng = self.rng
        recent = (self.today - made).days < 120
        roll = rng.random()
        if rng.random() < (0.4 if recent else 0.05):
            decision = ResponseDecision.PENDING
        elif roll < 0.75:
            decision = ResponseDecision.ACCEPTED
        elif roll < 0.87:
            decision = ResponseDecision.PARTIALLY_ACCEPTED
        elif roll < 0.93:
            decision = ResponseDecision.NOTED
        else:
            decision = ResponseDecision.REJECTED
        response_date = None
        if decision != ResponseDecision.PENDING:
            response_date = min(self.days(made, 14, 100), self.today)
        text = ""
        if decision in ResponseDecision.needing_reasons() or (decision != ResponseDecision.PENDING and roll < 0.6):
            text = words.RESPONSE_TEXTS[decision]
        body_kind = source.made_by.kind
        responding = self.cabinet if body_kind in (BodyKind.SCRUTINY_PANEL, BodyKind.INSPECTORATE) else source.made_by
        return Recommendation(
            source=source,
            position=position,
            label=label,
            group=group,
            text=f"{rng.choice(words.RECOMMENDATION_VERBS)} {rng.choice(words.RECOMMENDATION_SUBJECTS)}.",
            current_activity=rng.choice(words.CURRENT_ACTIVITY) if rng.random() < 0.3 else "",
            lead=self.people[rng.choice(self.officers)] if rng.random() < 0.5 else None,
            response_decision=decision,
            response_text=text,
            responding_body=responding if decision != ResponseDecision.PENDING or rng.random() < 0.5 else None,
            response_date=response_date,
            response_due_date=add_months(made, 2),
        )

    # --- plans ---------------------------------------------------------------------------------------

    def _plans(self):
        rng, sizes = self.rng, self.sizes
        featured_sources = [s for s, b in enumerate(self.source_body) if b == 2]
        other_sources = [s for s, b in enumerate(self.source_body) if b != 2]
        rng.shuffle(other_sources)
        plan_sources: list[list[int]] = [featured_sources]
        others = sizes.plans - 1
        for p in range(others):
            plan_sources.append([other_sources[p % len(other_sources)]])
        for n, s in enumerate(other_sources[others:]):
            plan_sources[1 + n % others].append(s)

        plans, self.plan_body = [], []
        inspection_plans = 0
        for p, sources in enumerate(plan_sources):
            maker = self.source_body[sources[0]]
            if p == 0:
                owner, title = 2, FEATURED_PLAN
            else:
                owner = maker
                if self.bodies[maker].kind == BodyKind.INSPECTORATE:
                    # Inspection plans are monitored by a panel or a board: the first by the featured body.
                    owner = 2 if inspection_plans == 0 else rng.choice(range(3, len(self.bodies)) or [2])
                    inspection_plans += 1
                theme = words.THEMES[p % len(words.THEMES)]
                title = f"{theme} Improvement Plan {p:03d}"
            status = PlanStatus.ACTIVE if p == 0 or rng.random() < 0.85 else rng.choice(PlanStatus.values)
            lead = self.lead_index if p == 0 else rng.choice(self.officers)
            plans.append(
                Plan(
                    title=title,
                    owning_body=self.bodies[owner],
                    lead=self.people[lead],
                    status=status,
                    summary=f"The actions agreed in response to {self.sources[sources[0]].title.lower()}.",
                )
            )
            self.plan_body.append(owner)
        self.plans = self._count("plans", plans)
        self.plan_sources = plan_sources
        through = Plan.sources.through
        self._count(
            "plan sources",
            [
                through(plan_id=self.plans[p].pk, source_id=self.sources[s].pk)
                for p, sources in enumerate(plan_sources)
                for s in sources
            ],
        )

    # --- actions: first what each will be, then the rows ------------------------------------------

    def _plan_sizes(self) -> list[int]:
        sizes, rng = self.sizes, self.rng
        rest = sizes.actions - sizes.featured_plan_actions
        weights = [rng.uniform(0.2, 1.8) for _ in range(len(self.plans) - 1)]
        counts = [max(5, int(rest * w / sum(weights))) for w in weights]
        counts[counts.index(max(counts))] += rest - sum(counts)
        return [sizes.featured_plan_actions, *counts]

    def _action_specs(self):
        rng = self.rng
        self.specs: list[_ActionSpec] = []
        self.rec_actions: defaultdict[int, list[int]] = defaultdict(list)
        leaves_of_source = defaultdict(list)
        for r, s in enumerate(self.rec_source):
            if self.rec_is_leaf[r]:
                leaves_of_source[s].append(r)
        decision_days = [m.date for m in self.meetings[2] if m.date < self.today][-DECISION_MEETINGS:]
        designated: dict[int, datetime.date] = {}  # featured recommendation -> meeting that signs it off

        for p, count in enumerate(self._plan_sizes()):
            leaves = [r for s in self.plan_sources[p] for r in leaves_of_source[s]]
            eligible = [r for r in leaves if self.recs[r].response_decision != ResponseDecision.REJECTED]
            minutes = any(self.sources[s].kind == SourceKind.MEETING for s in self.plan_sources[p])
            unlinked = round(count * 0.4) if minutes or not eligible else 0
            linked = count - unlinked
            if p == 0:
                # Every recommendation of the featured body gets an action (as far as they go).
                allocation = [1] * min(linked, len(eligible))
                for _ in range(linked - len(allocation)):
                    allocation[rng.randrange(len(allocation))] += 1
                rec_list = [r for r, n in zip(eligible, allocation, strict=False) for _ in range(n)]
                designated = self._designate(eligible[: len(allocation)], decision_days)
            else:
                rec_list = [eligible[k * len(eligible) // linked] for k in range(linked)] if linked else []
            earliest = min(self.source_made[s] for s in self.plan_sources[p])
            for position, rec in enumerate([*rec_list, *[None] * unlinked], start=1):
                if rec is None:
                    span = max(1, (self.today - earliest).days - 14)
                    created = earliest + datetime.timedelta(days=rng.randint(0, span))
                else:
                    created = self.days(self.source_made[self.rec_source[rec]], 7, 90)
                    if rec in designated:
                        created = min(created, designated[rec] - datetime.timedelta(days=40))
                created = min(created, self.today - datetime.timedelta(days=1))
                spec = _ActionSpec(p, position, rec, created)
                if rec in designated:
                    spec.force = ("complete_by", designated[rec])
                self._people_of(spec)
                self._target_of(spec)
                self._fate_of(spec)
                if rec is not None:
                    self.rec_actions[rec].append(len(self.specs))
                self.specs.append(spec)
        self.designated = designated
        self._officer_actions()

    def _designate(self, eligible: list[int], decision_days: list[datetime.date]) -> dict[int, datetime.date]:
        """The featured body's items it signs off at earlier meetings (they leave its list), so its
        next meeting's list has exactly Sizes.list_items items."""
        wanted = round(self.sizes.list_items * 0.2)
        if not decision_days:
            return {}
        margin = datetime.timedelta(days=150)  # time for its actions to be made and completed first
        old_enough = [r for r in eligible if self.source_made[self.rec_source[r]] <= decision_days[-1] - margin]
        chosen = sorted(self.rng.sample(old_enough, min(wanted, len(old_enough))))
        designated = {}
        for n, r in enumerate(chosen):
            days = [day for day in decision_days if self.source_made[self.rec_source[r]] <= day - margin]
            designated[r] = days[n % len(days)]
        return designated

    def _people_of(self, spec: _ActionSpec):
        rng, pool = self.rng, self.responsible_pool
        spec.lead = rng.choice(pool) if rng.random() < 0.97 else None
        roll = rng.random()
        extra = 0 if roll < 0.45 else 1 if roll < 0.75 else 2 if roll < 0.92 else 3
        spec.others = [p for p in rng.sample(pool, extra) if p != spec.lead]
        roll = rng.random()
        partners = 0 if roll < 0.55 else 1 if roll < 0.85 else 2
        spec.partners = rng.sample(range(len(self.partner_orgs)), partners)

    def _target_of(self, spec: _ActionSpec):
        rng = self.rng
        if rng.random() < 0.08:
            spec.text = rng.choice(["ongoing", "To be confirmed", "Ongoing – reviewed annually"])
            spec.target = None
            return
        day = month_end(self.days(spec.created, 60, 900))
        spec.text = target_text(day, rng.choice([0, 0, 0, 1, 1, 2, 3, 4]))
        spec.target = _read_target(spec.text) if spec.text else day

    def _fate_of(self, spec: _ActionSpec):
        """Complete (and when), or open with its last update on end_day, or never reported."""
        rng, today = self.rng, self.today
        spec.complete_day = spec.end_day = None
        first = spec.first_update_day
        last_possible = today - datetime.timedelta(days=1)
        force, until = spec.force or (None, None)
        if force == "complete_by":
            latest = min(until - datetime.timedelta(days=1), last_possible)
            spec.complete_day = first + datetime.timedelta(days=rng.randint(0, max(0, (latest - first).days)))
            return
        if first > last_possible or (force != "complete" and rng.random() < 0.12):
            return  # never reported
        target = spec.target
        if force == "complete":
            chance = 1.0
        elif force == "open":
            chance = 0.0
        elif target is None:
            chance = 0.3
        else:
            chance = 0.6 if target < today else 0.08
        if rng.random() < chance:
            around = target + datetime.timedelta(days=rng.randint(-90, 60)) if target and target < today else None
            day = around or first + datetime.timedelta(days=rng.randint(0, (last_possible - first).days))
            spec.complete_day = min(max(day, first), last_possible)
            return
        ago = rng.randint(0, 80) if rng.random() < 0.6 else rng.randint(90, 400)
        spec.end_day = max(first, today - datetime.timedelta(days=ago))

    def _officer_actions(self):
        """The featured officer: responsible (as lead, or alongside) for exactly Sizes.officer_actions
        open actions, and a quarter as many complete ones, outside the featured plan."""
        rng, wanted = self.rng, self.sizes.officer_actions
        outside = [i for i, spec in enumerate(self.specs) if spec.plan != 0]
        open_ones = rng.sample(outside, wanted)
        chosen = set(open_ones)
        old = [
            i for i in outside if i not in chosen and self.specs[i].created <= self.today - datetime.timedelta(days=45)
        ]
        done = rng.sample(old, min(len(old), wanted // 4))
        for indices, force in ((open_ones, "open"), (done, "complete")):
            for i in sorted(indices):
                spec = self.specs[i]
                spec.force = (force, None)
                self._fate_of(spec)
                if rng.random() < 0.6:
                    spec.lead = self.officer_index
                    spec.others = [p for p in spec.others if p != self.officer_index]
                else:
                    spec.others = [p for p in spec.others if p != spec.lead] + [self.officer_index]
        self.report.officer_open_actions = wanted

    def _write_actions(self):
        """Actions plan by plan, then their people, updates and target date revisions, in batches."""
        rng = self.rng
        total_span = sum(spec.span() for spec in self.specs)
        reported = sum(1 for spec in self.specs if spec.complete_day or spec.end_day)
        # Each reported action gets one update, and more in proportion to how long it ran.
        rate = max(0, self.sizes.updates - reported) / total_span if total_span else 0
        by_plan = defaultdict(list)
        for spec in self.specs:
            by_plan[spec.plan].append(spec)
        pending: dict[str, list] = defaultdict(list)
        for p, plan_specs in by_plan.items():
            plan = self.plans[p]
            histories = [
                self._history(spec, 1 + int(spec.span() * rate + rng.random()) if spec.span() else 0)
                for spec in plan_specs
            ]
            actions = [self._action(plan, spec) for spec in plan_specs]
            self._count("actions", actions)
            for spec, action, (updates, revisions) in zip(plan_specs, actions, histories, strict=True):
                spec.pk = action.pk
                for person in dict.fromkeys(spec.others):
                    pending["supporting officers"].append(
                        Action.supporting_officers.through(action_id=action.pk, person_id=self.people[person].pk)
                    )
                for org in spec.partners:
                    pending["partners"].append(
                        Action.partners.through(action_id=action.pk, organisation_id=self.partner_orgs[org].pk)
                    )
                pending["progress updates"] += [ProgressUpdate(action_id=action.pk, **update) for update in updates]
                pending["target date revisions"] += [
                    TargetDateRevision(action_id=action.pk, **revision) for revision in revisions
                ]
            if p == 0:
                self.report.featured_plan_actions = len(actions)
            if sum(len(rows) for rows in pending.values()) > 20_000:
                self._flush(pending)
        self._flush(pending)

    def _flush(self, pending: dict[str, list]):
        for name, rows in pending.items():
            self._count(name, rows)
        pending.clear()

    def _action(self, plan: Plan, spec: _ActionSpec) -> Action:
        rng = self.rng
        position = spec.position
        reference = "" if rng.random() < 0.05 else f"{(position - 1) // 10 + 1}.{(position - 1) % 10 + 1}"
        return Action(
            plan=plan,
            recommendation=self.recs[spec.rec] if spec.rec is not None else None,
            position=position,
            reference=reference,
            description=(
                f"{rng.choice(words.ACTION_VERBS)} {rng.choice(words.ACTION_OBJECTS)} "
                f"{rng.choice(words.ACTION_PURPOSES)}."
            ),
            lead=self.people[spec.lead] if spec.lead is not None else None,
            target_date=spec.final_target,  # the printed target, moved by any revisions
            target_date_text=spec.text,
            success_criteria=rng.choice(words.SUCCESS_CRITERIA) if rng.random() < 0.5 else "",
            milestones=rng.choice(words.MILESTONES) if rng.random() < 0.3 else "",
            created_at=self.at(spec.created, 9, rng.randint(0, 59)),
        )

    def _history(self, spec: _ActionSpec, count: int) -> tuple[list[dict], list[dict]]:
        """`count` progress updates from two weeks after the action was made to its last, and the
        target date revisions among them, as field values. They keep the update rules: an overdue
        action is reported Green or Amber only with its target date moved."""
        spec.final_target = spec.target
        if not count:
            return [], []
        rng = self.rng
        first, last = spec.first_update_day, spec.complete_day or spec.end_day
        span = (last - first).days
        count = max(1, min(count, span // 20 + 1))
        days = [first + datetime.timedelta(days=span * (j + 1) // count) for j in range(count)]
        authors = [p for p in [spec.lead, *spec.others] if p is not None] or [rng.choice(self.officers)]
        target = spec.target
        partial = False
        spec.first_day = days[0]
        updates, revisions = [], []
        for j, day in enumerate(days):
            author = self.people[authors[0] if rng.random() < 0.8 else rng.choice(authors)]
            reported_at = self.at(day, rng.randint(9, 17), rng.randint(0, 59))
            if j == count - 1 and spec.complete_day is not None:
                status, rag_value = ActionStatus.COMPLETE, Rag.BLUE
                narrative = rng.choice(words.COMPLETION_DETAILS)
            else:
                if not partial and j >= count * 0.6 and rng.random() < 0.5:
                    partial = True
                    spec.partial_day = day
                status = ActionStatus.PARTIALLY_COMPLETE if partial else ActionStatus.IN_PROGRESS
                if j == 0 and rng.random() < 0.1:
                    status = ActionStatus.NOT_STARTED
                roll = rng.random()
                rag_value = Rag.GREEN if roll < 0.55 else Rag.AMBER if roll < 0.85 else Rag.RED
                narrative = f"{rng.choice(words.UPDATE_OPENINGS)}: {rng.choice(words.UPDATE_DETAILS)}."
                if target is not None and target < day and rag_value != Rag.RED:
                    if rng.random() < 0.5:
                        new = month_end(self.days(day, 60, 365))
                        revisions.append(
                            {
                                "previous_date": target,
                                "previous_text": spec.text if target == spec.target else "",
                                "new_date": new,
                                "reason": rng.choice(words.REVISION_REASONS),
                                "revised_by": author,
                                "revised_at": reported_at,
                            }
                        )
                        target = new
                    else:
                        rag_value = Rag.RED
            evidence = rng.random() < 0.1
            updates.append(
                {
                    "author": author,
                    "reported_at": reported_at,
                    "status": status,
                    "rag": rag_value,
                    "narrative": narrative,
                    "evidence_url": f"https://intranet.eastbrook.gov.uk/evidence/{spec.plan}-{spec.position}-{j + 1}"
                    if evidence
                    else "",
                }
            )
        spec.final_target = target
        return updates, revisions

    # --- decisions and comments -----------------------------------------------------------------------

    def _decisions(self):
        """Each body's decisions on its monitoring list at its last few meetings before today,
        keeping the sign-off rules (actionplans.meetings.signoff)."""
        rng = self.rng
        support = self.people[self.support_index]
        unlinked_by_body = defaultdict(list)
        for i, spec in enumerate(self.specs):
            if spec.rec is None:
                for s in self.plan_sources[spec.plan]:
                    unlinked_by_body[self.source_body[s]].append(i)
        leaves_by_body = defaultdict(list)
        for r, s in enumerate(self.rec_source):
            if self.rec_is_leaf[r]:
                leaves_by_body[self.source_body[s]].append(r)

        decisions = []
        for b, body_meetings in self.meetings.items():
            if not leaves_by_body[b] and not unlinked_by_body[b]:
                continue
            removed: set[tuple[str, int]] = set()
            for meeting in [m for m in body_meetings if m.date < self.today][-DECISION_MEETINGS:]:
                day = meeting.date
                items = [("r", r) for r in leaves_by_body[b] if self.source_made[self.rec_source[r]] <= day]
                items += [("a", i) for i in dict.fromkeys(unlinked_by_body[b]) if self.specs[i].created <= day]
                for item in items:
                    if item in removed:
                        continue
                    decision, comment = self._decision(b, item, day)
                    if decision is None:
                        continue
                    kind, index = item
                    decisions.append(
                        MonitoringDecision(
                            meeting=meeting,
                            recommendation=self.recs[index] if kind == "r" else None,
                            action_id=self.specs[index].pk if kind == "a" else None,
                            decision=decision,
                            comment=comment,
                            recorded_by=support,
                            recorded_at=self.at(day, 21, rng.randint(0, 59)),
                        )
                    )
                    if decision in SignOffDecision.removing():
                        removed.add(item)
        self._count("monitoring decisions", decisions)

    def _decision(self, b: int, item: tuple[str, int], day: datetime.date) -> tuple[str | None, str]:
        rng = self.rng
        kind, index = item
        if kind == "r":
            statuses = [self.specs[i].status_on(day) for i in self.rec_actions.get(index, [])]
            rejected = self.recs[index].response_decision == ResponseDecision.REJECTED
        else:
            statuses, rejected = [self.specs[index].status_on(day)], False
        state = item_state(action_statuses=statuses, rejected=rejected)
        featured = b == 2
        roll = rng.random()
        decision, comment = None, ""
        if featured and kind == "r" and self.designated.get(index) == day:
            decision = SignOffDecision.ACCEPTED_COMPLETE
        elif state == ItemState.COMPLETE:
            if not featured and roll < 0.7:
                decision = SignOffDecision.ACCEPTED_COMPLETE
            elif roll < 0.85:
                decision, comment = SignOffDecision.NOT_ACCEPTED, rng.choice(words.NOT_ACCEPTED_COMMENTS)
            else:
                decision = SignOffDecision.CARRIED_FORWARD
        elif state == ItemState.REJECTED:
            if not featured and roll < 0.6:
                decision = SignOffDecision.REJECTION_REPORTED
            elif roll < 0.8:
                decision = SignOffDecision.CARRIED_FORWARD
        elif roll < 0.12:
            decision = SignOffDecision.CARRIED_FORWARD
        if decision is not None:
            error = decision_error(state=state, decision=decision, comment=comment)
            if error:
                raise AssertionError(f"Generated decision breaks the sign-off rules: {error}")
        return decision, comment

    def _comments(self):
        rng = self.rng
        comments = []
        for spec in self.specs:
            members = self.members.get(self.plan_body[spec.plan], [])
            if not members or rng.random() >= 0.04:
                continue
            day = self.days(spec.created, 1, max(1, (self.today - spec.created).days))
            comments.append(
                ActionComment(
                    action_id=spec.pk,
                    author=self.people[rng.choice(members)],
                    created_at=self.at(min(day, self.today), 19, rng.randint(0, 59)),
                    text=rng.choice(words.COMMENTS),
                )
            )
        self._count("comments", comments)

    # --- accounts -------------------------------------------------------------------------------------

    def _accounts(self):
        User = get_user_model()
        password = make_password(self.report.password)  # one hash for all: hashing is slow on purpose
        joined = self.at(self.start, 9)
        users = {
            role: User(
                username=role,
                email=f"{role}@eastbrook.gov.uk",
                password=password,
                is_staff=role == ADMIN,
                is_superuser=role == ADMIN,
                date_joined=joined,
            )
            for role in ACCOUNTS
        }
        _insert(User, list(users.values()), self.using)
        group, _created = Group.objects.using(self.using).get_or_create(name=DEMOCRATIC_SUPPORT_GROUP)
        users[SUPPORT].groups.add(group)
        people = models.QuerySet(model=Person, using=self.using)  # not audited: see the module docstring
        for role, index in (
            (OFFICER, self.officer_index),
            (LEAD, self.lead_index),
            (PANEL, self.panel_index),
            (SUPPORT, self.support_index),
        ):
            people.filter(pk=self.people[index].pk).update(user=users[role])
        self.report.counts["accounts"] = len(users)


def seed_scale(*, actions: int, seed: int, today: datetime.date | None = None, using=DEFAULT_DB_ALIAS) -> SeedReport:
    """Fill an empty database with generated data; see the module docstring."""
    generator = ScaleGenerator(actions=actions, seed=seed, today=today, using=using)
    report = generator.run()
    report.featured_list_items = _list_size(generator)
    return report


def _list_size(generator: ScaleGenerator) -> int:
    from actionplans.meetings.lists import monitoring_list

    meeting = Meeting.objects.using(generator.using).select_related("body").get(pk=generator.featured_meeting.pk)
    return len(monitoring_list(meeting).items)


def analyse(using: str = DEFAULT_DB_ALIAS) -> None:
    """Refresh PostgreSQL's planner statistics, as autovacuum would soon after a bulk load. (Not
    on SQLite: a SQLite file has statistics only if someone runs ANALYZE, and Django does not.)"""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- the digest: same seed, same rows ---------------------------------------------------------------


def _digest_models() -> list:
    User = get_user_model()
    return [
        Organisation,
        Person,
        Body,
        Membership,
        Meeting,
        Attendance,
        Source,
        Recommendation,
        Plan,
        Plan.sources.through,
        Action,
        Action.supporting_officers.through,
        Action.partners.through,
        ProgressUpdate,
        TargetDateRevision,
        ActionComment,
        MonitoringDecision,
        Group,
        User,
        User.groups.through,
    ]


def dataset_digest(using: str = DEFAULT_DB_ALIAS) -> str:
    """A SHA-256 of every generated row, with each id (and each reference to one) counted from
    the first id of its table, so two databases filled from the same seed on the same day
    give the same digest whatever ids their sequences handed out. Passwords (salted) and
    last sign-in times are left out."""
    digest_models = _digest_models()
    bases = {}
    for model in digest_models:
        bases[model] = model._default_manager.using(using).aggregate(first=models.Min("pk"))["first"] or 0
    digest = hashlib.sha256()
    for model in digest_models:
        fields = [f for f in model._meta.concrete_fields if f.name not in ("password", "last_login")]
        digest.update(f"{model._meta.label}\n".encode())
        rows = model._default_manager.using(using).order_by("pk").values_list(*[f.attname for f in fields])
        for row in rows.iterator(chunk_size=5_000):
            values = []
            for f, value in zip(fields, row, strict=True):
                if value is not None and (f.primary_key or f.is_relation):
                    target = model if f.primary_key else f.related_model
                    value = value - bases.get(target, 0)
                values.append(value.isoformat() if isinstance(value, datetime.date | datetime.time) else value)
            digest.update(repr(values).encode())
            digest.update(b"\n")
    return digest.hexdigest()
