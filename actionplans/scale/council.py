"""The generated council before its actions: organisations, people, bodies with members and
meetings, sources with their recommendations and the executive's responses, and plans."""

from __future__ import annotations

import calendar
import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, models
from django.utils import timezone

from actionplans.kernel import clock
from actionplans.plans.models import Plan, PlanStatus
from actionplans.scale import words
from actionplans.scale.sizes import (
    BATCH,
    FEATURED_BODY,
    FEATURED_MEETING_AFTER_DAYS,
    FEATURED_PLAN,
    HISTORY_YEARS,
    MIN_ACTIONS,
    Sizes,
    bench_password,
)
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


def insert(model, objs: list, using: str) -> list:
    """bulk_create through a plain QuerySet: no history rows (see actionplans/scale/__init__.py)."""
    if objs:
        models.QuerySet(model=model, using=using).bulk_create(objs, batch_size=BATCH)
    return objs


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    featured_plan_actions: int = 0
    featured_list_items: int = 0
    officer_open_actions: int = 0
    password: str = ""


# --- the council -------------------------------------------------------------------------------------


class CouncilGenerator:
    """Everything but the actions: organisations, people, bodies, meetings, sources and
    recommendations, plans. ScaleGenerator (generator.py) goes on from here."""

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

    def _count(self, name: str, objs: list) -> list:
        self.report.counts[name] = self.report.counts.get(name, 0) + len(objs)
        return insert(type(objs[0]), objs, self.using) if objs else objs

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
        insert(Recommendation, top, self.using)
        children = []
        for rec, parent in zip(recs, parents_of, strict=True):
            if parent is not None:
                rec.parent = recs[parent]
                children.append(rec)
        insert(Recommendation, children, self.using)
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
