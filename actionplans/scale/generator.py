"""The generated council's actions: who is responsible, their target dates, their progress
updates and target date moves over the years; then the bodies' decisions on their monitoring
lists, comments, and the accounts. See actionplans/scale/__init__.py."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from actionplans.meetings.models import MonitoringDecision, SignOffDecision
from actionplans.meetings.signoff import ItemState, decision_error, item_state
from actionplans.plans.models import (
    Action,
    ActionComment,
    Plan,
    ProgressUpdate,
    TargetDateRevision,
    refresh_latest_updates,
)
from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.target_dates import parse_target_date
from actionplans.scale import words
from actionplans.scale.council import CouncilGenerator, SeedReport, insert, month_end
from actionplans.scale.measures import MeasuresMixin
from actionplans.scale.sizes import ACCOUNTS, ADMIN, DECISION_MEETINGS, LEAD, OFFICER, PANEL, SUPPORT
from partners.access import DEMOCRATIC_SUPPORT_GROUP
from partners.models import Meeting, Person
from recommendations.models import ResponseDecision, SourceKind


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


class ScaleGenerator(MeasuresMixin, CouncilGenerator):
    """The whole data set, in one transaction: the council (CouncilGenerator), then its actions,
    then their plans' measures (MeasuresMixin)."""

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
            # The rows went in through plain QuerySets, so keep each action's newest update
            # (status, RAG, date) in step here, set-based, as every other write does.
            refresh_latest_updates(Action.objects.using(self.using).values_list("pk", flat=True), using=self.using)
            self._decisions()
            self._comments()
            self._accounts()
            self._measures()  # last: its random draws leave every row above as it was
        return self.report

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
        insert(User, list(users.values()), self.using)
        group, _created = Group.objects.using(self.using).get_or_create(name=DEMOCRATIC_SUPPORT_GROUP)
        users[SUPPORT].groups.add(group)
        people = models.QuerySet(model=Person, using=self.using)  # not audited: see actionplans/scale/__init__.py
        for role, index in (
            (OFFICER, self.officer_index),
            (LEAD, self.lead_index),
            (PANEL, self.panel_index),
            (SUPPORT, self.support_index),
        ):
            people.filter(pk=self.people[index].pk).update(user=users[role])
        self.report.counts["accounts"] = len(users)


def seed_scale(*, actions: int, seed: int, today: datetime.date | None = None, using=DEFAULT_DB_ALIAS) -> SeedReport:
    """Fill an empty database with generated data; see actionplans/scale/__init__.py."""
    generator = ScaleGenerator(actions=actions, seed=seed, today=today, using=using)
    report = generator.run()
    report.featured_list_items = _list_size(generator)
    return report


def _list_size(generator: ScaleGenerator) -> int:
    from actionplans.meetings.lists import monitoring_list

    meeting = Meeting.objects.using(generator.using).select_related("body").get(pk=generator.featured_meeting.pk)
    return len(monitoring_list(meeting).items)


def analyse(using: str = DEFAULT_DB_ALIAS) -> None:
    """Vacuum PostgreSQL's tables and refresh its planner statistics, as autovacuum would soon
    after a bulk load: writing each action's newest update after its updates leaves a dead row
    version of every action, and a vacuum also marks the tables' pages all-visible, so that a
    query can read an index alone (index-only scans) as it would on a database in use. (Not on
    SQLite: a SQLite file has statistics only if someone runs ANALYZE, and Django does not.)
    VACUUM cannot run inside a transaction: inside one (a test's), only ANALYZE."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
