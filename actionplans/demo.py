"""Loading the demo data in fixtures/demo/ (the five seed papers) into the database.

Every object is looked up by its natural key before it is created, so loading
twice changes nothing. The whole load is one transaction: a mistake in any file
leaves the database as it was. See fixtures/README.md for the file shape.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from actionplans.measures.models import Measure, MeasureTarget, MeasureValue
from actionplans.meetings.agenda import agenda_item_create, agreed_action_create
from actionplans.meetings.models import AgendaItem
from actionplans.plans.models import Action, Plan, ProgressUpdate
from actionplans.plans.target_dates import parse_target_date
from partners.access import DEMOCRATIC_SUPPORT_GROUP
from partners.models import Attendance, Body, Meeting, Membership, Organisation, Person, PersonGroup
from recommendations.models import Recommendation, Source
from recommendations.responses import default_response_due_date, report_date_of

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
ILLUSTRATIVE_PREFIX = "Illustrative demo update (not in the source paper): "
DEMO_PASSWORD_DEFAULT = "tracker-demo-2021"


class DemoDataError(Exception):
    pass


@dataclass
class LoadReport:
    files: list[str] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, kind: str, was_created: bool) -> None:
        if was_created:
            self.created[kind] = self.created.get(kind, 0) + 1


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)


def _as_date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _as_figure(value) -> Decimal | None:
    """A figure as printed: YAML reads 53.76 as a float, so go through its text, not its binary."""
    return None if value in (None, "") else Decimal(str(value))


def _as_time(value) -> datetime.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, int):  # YAML reads 17:30 unquoted as minutes in base 60
        return datetime.time(value // 60, value % 60)
    return datetime.time.fromisoformat(str(value))


def _as_aware_datetime(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    day = _as_date(value)
    # An update dated only by day is taken as reported at noon, so it falls on that
    # day in any time zone the app runs in.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _saved(instance, report: LoadReport, kind: str, created: bool):
    instance.full_clean()
    instance.save()
    report.count(kind, created)
    return instance


class DemoLoader:
    def __init__(self, directory: Path = DEMO_DIR):
        self.directory = directory
        self.report = LoadReport()
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        # A post with no name ("Deputy Director") means that post in the paper that names
        # it; two councils' posts of the same title are different people.
        self.posts: dict[tuple[str, str], Person] = {}
        self.current_file = ""
        self.bodies: dict[str, Body] = {}
        self.recommendations: dict[str, Recommendation] = {}
        self.groups: dict[str, PersonGroup] = {}

    # --- entry point --------------------------------------------------------------
    def load(self) -> LoadReport:
        documents = self._read_documents()
        self.report.files = [name for name, _document in documents]
        # Section by section across all files, so a file may use what another declares.
        phases = [
            ("organisations", self._organisation),
            ("people", self._person),
            ("person_groups", self._person_group),
            ("bodies", self._body),
            ("meetings", self._meeting),
            ("sources", self._source),
            ("plans", self._plan),
            ("measures", self._measure),
            ("agendas", self._agenda),
            ("accounts", self._account),
        ]
        with transaction.atomic():
            for section, build in phases:
                for name, document in documents:
                    self.current_file = name
                    for entry in document.get(section, []):
                        build(entry)
        return self.report

    def _read_documents(self) -> list[tuple[str, dict]]:
        paths = sorted(self.directory.glob("*.yaml"))
        if not paths:
            raise DemoDataError(f"No demo files found in {self.directory}.")
        documents = []
        for path in paths:
            with path.open(encoding="utf-8") as handle:
                document = yaml.safe_load(handle) or {}
            if not isinstance(document, dict):
                raise DemoDataError(f"{path.name}: expected a mapping at the top level.")
            documents.append((path.name, document))
        return documents

    # --- lookups ----------------------------------------------------------------
    def organisation(self, name: str | None) -> Organisation | None:
        if not name:
            return None
        try:
            return self.organisations[name]
        except KeyError:
            raise DemoDataError(f"Organisation {name!r} is used but not declared.") from None

    def person(self, key: str | None) -> Person | None:
        if not key:
            return None
        person = self.people.get(key) or self.posts.get((self.current_file, key))
        if person is None:
            raise DemoDataError(f"{self.current_file}: person {key!r} is used but not declared.")
        return person

    def body(self, name: str | None) -> Body | None:
        if not name:
            return None
        try:
            return self.bodies[name]
        except KeyError:
            raise DemoDataError(f"Body {name!r} is used but not declared.") from None

    def meeting(self, ref: dict | None) -> Meeting | None:
        if not ref:
            return None
        return Meeting.objects.get(body=self.body(ref["body"]), date=_as_date(ref["date"]))

    # --- builders ---------------------------------------------------------------
    def _organisation(self, entry: dict) -> None:
        name = entry["name"]
        organisation, created = Organisation.objects.get_or_create(
            name=name, defaults={"kind": entry.get("kind", "other"), "short_name": entry.get("short_name", "")}
        )
        if created:
            _saved(organisation, self.report, "organisations", True)
        self.organisations[name] = organisation

    def _person(self, entry: dict) -> None:
        name = entry.get("name", "") or ""
        job_title = entry.get("job_title", "") or ""
        if not (name or job_title):
            raise DemoDataError(f"A person needs a name or a job title: {entry!r}")
        organisation = self.organisation(entry.get("organisation"))
        registry, key = (self.people, name) if name else (self.posts, (self.current_file, job_title))
        if key in registry:
            person = registry[key]
            changed = False
            for attribute, value in (("job_title", job_title), ("email", entry.get("email", "") or "")):
                if value and not getattr(person, attribute):
                    setattr(person, attribute, value)
                    changed = True
            if organisation and person.organisation_id is None:
                person.organisation = organisation
                changed = True
            if changed:
                _saved(person, self.report, "people", False)
            return
        if name:
            person = Person.objects.filter(name=name).first()
        else:
            person = Person.objects.filter(name="", job_title=job_title, organisation=organisation).first()
        created = person is None
        if created:
            person = Person(
                name=name, job_title=job_title, organisation=organisation, email=entry.get("email", "") or ""
            )
            _saved(person, self.report, "people", True)
        registry[key] = person

    def _person_group(self, entry: dict) -> None:
        group, created = PersonGroup.objects.get_or_create(
            name=entry["name"], defaults={"description": entry.get("description", "") or ""}
        )
        self.report.count("person groups", created)
        if created:
            group.members.set([self.person(key) for key in entry.get("members", [])])
        self.groups[group.name] = group

    def group(self, name: str) -> PersonGroup:
        try:
            return self.groups[name]
        except KeyError:
            raise DemoDataError(f"Group {name!r} is used but not declared.") from None

    def _agenda(self, entry: dict) -> None:
        """A meeting's agenda and, where the paper is its minutes, each item's minute: the
        clauses RESOLVED and the actions AGREED, each the action of the body's log it became
        (`log_action`: its position in the plan named by `log`)."""
        meeting = self.meeting(entry["meeting"])
        for item_entry in entry.get("items", []):
            if AgendaItem.objects.filter(meeting=meeting, number=item_entry["number"]).exists():
                continue
            item = agenda_item_create(
                meeting=meeting,
                number=item_entry["number"],
                title=item_entry["title"],
                summary=item_entry.get("summary", "") or "",
                presenter=self.person(item_entry.get("presenter")),
                report_title=item_entry.get("report_title", "") or "",
                outcome=item_entry.get("outcome", "") or "",
                discussion=item_entry.get("discussion", "") or "",
                numbering=item_entry.get("numbering", entry.get("numbering", "roman")),
                resolutions=item_entry.get("resolutions", []),
            )
            self.report.count("agenda items", True)
            for agreed in item_entry.get("actions", []):
                action = Action.objects.get(plan__title=entry["log"], position=agreed["log_action"])
                clause = agreed.get("resolution")
                agreed_action_create(
                    item=item,
                    text=action.description,
                    owner_as_printed=agreed.get("owner", "") or "",
                    resolution=item.resolutions.get(position=clause) if clause else None,
                    action=action,
                )
                self.report.count("actions agreed", True)

    def _body(self, entry: dict) -> None:
        body, created = Body.objects.get_or_create(
            name=entry["name"],
            defaults={
                "kind": entry["kind"],
                "organisation": self.organisation(entry.get("organisation")),
                "remit": entry.get("remit", "") or "",
            },
        )
        self.report.count("bodies", created)
        self.bodies[body.name] = body
        for member in entry.get("members", []):
            membership, created = Membership.objects.get_or_create(
                body=body,
                person=self.person(member["person"]),
                defaults={"role": member.get("role", "member"), "representing": member.get("representing", "") or ""},
            )
            if created:
                _saved(membership, self.report, "memberships", True)

    def _meeting(self, entry: dict) -> None:
        meeting, created = Meeting.objects.get_or_create(
            body=self.body(entry["body"]),
            date=_as_date(entry["date"]),
            defaults={"time": _as_time(entry.get("time")), "venue": entry.get("venue", "") or ""},
        )
        self.report.count("meetings", created)
        for row in entry.get("attendance", []):
            attendance, created = Attendance.objects.get_or_create(
                meeting=meeting,
                person=self.person(row["person"]),
                defaults={"status": row["status"], "capacity": row.get("capacity", "") or ""},
            )
            if created:
                _saved(attendance, self.report, "attendance", True)

    def _source(self, entry: dict) -> None:
        source = Source.objects.filter(reference=entry["reference"]).first()
        created = source is None
        if created:
            source = Source(
                reference=entry["reference"],
                kind=entry["kind"],
                title=entry["title"],
                made_by=self.body(entry.get("made_by")),
                meeting=self.meeting(entry.get("meeting")),
                date=_as_date(entry.get("date")),
                summary=entry.get("summary", "") or "",
            )
            _saved(source, self.report, "sources", True)
        position = 0
        for item in entry.get("recommendations", []):
            position = self._recommendation(source, item, parent=None, position=position)

    def _recommendation(self, source: Source, entry: dict, *, parent, position: int) -> int:
        position += 1
        recommendation = Recommendation.objects.filter(source=source, position=position).first()
        created = recommendation is None
        if created:
            response = entry.get("response") or {}
            recommendation = Recommendation(
                source=source,
                parent=parent,
                position=position,
                label=entry.get("label", "") or "",
                group=entry.get("group", "") or "",
                text=entry["text"],
                current_activity=entry.get("current_activity", "") or "",
                lead=self.person(entry.get("lead")),
                response_decision=response.get("decision", "pending"),
                response_text=response.get("text", "") or "",
                responding_body=self.body(response.get("body")),
                response_date=_as_date(response.get("date")),
                response_due_date=_as_date(response.get("due_date"))
                or default_response_due_date(report_date_of(source)),
            )
            _saved(recommendation, self.report, "recommendations", True)
        if entry.get("key"):
            if entry["key"] in self.recommendations:
                raise DemoDataError(f"Recommendation key {entry['key']!r} is used twice.")
            self.recommendations[entry["key"]] = recommendation
        for child in entry.get("children", []):
            position = self._recommendation(source, child, parent=recommendation, position=position)
        return position

    def _plan(self, entry: dict) -> None:
        plan, created = Plan.objects.get_or_create(
            title=entry["title"],
            defaults={
                "owning_body": self.body(entry["owning_body"]),
                "lead": self.person(entry.get("lead")),
                "status": entry.get("status", "active"),
                "summary": entry.get("summary", "") or "",
            },
        )
        self.report.count("plans", created)
        plan.sources.add(*Source.objects.filter(reference__in=entry.get("sources", [])))
        for position, item in enumerate(entry.get("actions", []), start=1):
            self._action(plan, dict(item, _plan_dated=entry.get("dated")), position)

    def _action(self, plan: Plan, entry: dict, position: int) -> None:
        action = Action.objects.filter(plan=plan, position=position).first()
        created = action is None
        if created:
            recommendation_key = entry.get("recommendation")
            if recommendation_key and recommendation_key not in self.recommendations:
                raise DemoDataError(
                    f"Action {entry.get('reference')!r} in {plan}: unknown recommendation {recommendation_key!r}."
                )
            target_text = entry.get("target_date_text", "") or ""
            target_date = _as_date(entry.get("target_date")) or parse_target_date(target_text)
            action = Action(
                plan=plan,
                position=position,
                reference=entry.get("reference", "") or "",
                recommendation=self.recommendations.get(recommendation_key) if recommendation_key else None,
                description=entry["description"],
                lead=self.person(entry.get("lead")),
                target_date=target_date,
                target_date_text=target_text,
                success_criteria=entry.get("success_criteria", "") or "",
                milestones=entry.get("milestones", "") or "",
            )
            action.created_at = self._action_dated(action, plan_dated=entry.get("_plan_dated"), updates=entry)
            _saved(action, self.report, "actions", True)
            action.supporting_officers.set([self.person(key) for key in entry.get("others", [])])
            action.partners.set([self.organisation(name) for name in entry.get("partners", [])])
            action.owning_groups.set([self.group(name) for name in entry.get("groups", [])])
        for update in entry.get("updates", []):
            self._update(action, update)

    @staticmethod
    def _action_dated(action: Action, *, plan_dated, updates: dict) -> datetime.datetime:
        """When the action came into being: the date of the paper that made its recommendation, else
        when the plan was tabled, else its plan's earliest source; never after its first update. So
        views of the tracker as at a past date (a meeting's list, RAG over time) see the demo as the
        papers had it."""

        def source_date(source):
            return source.date or (source.meeting.date if source.meeting else None)

        source = action.recommendation.source if action.recommendation else None
        plan_source_dates = [d for d in (source_date(s) for s in action.plan.sources.select_related("meeting")) if d]
        first_update = min((_as_date(update["date"]) for update in updates.get("updates", [])), default=None)
        candidates = [source and source_date(source), _as_date(plan_dated), min(plan_source_dates, default=None)]
        day = next((candidate for candidate in candidates if candidate), None)
        if first_update and (day is None or first_update < day):
            day = first_update  # an action exists by the time anyone reports on it
        if day is None:
            return timezone.now()
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))

    def _update(self, action: Action, entry: dict) -> None:
        reported_at = _as_aware_datetime(entry["date"])
        narrative = entry["narrative"]
        if entry.get("illustrative"):
            narrative = ILLUSTRATIVE_PREFIX + narrative
        if ProgressUpdate.objects.filter(action=action, reported_at=reported_at).exists():
            return
        update = ProgressUpdate(
            action=action,
            author=self.person(entry.get("author")),
            reported_at=reported_at,
            status=entry["status"],
            rag=entry["rag"],
            narrative=narrative,
        )
        _saved(update, self.report, "progress updates", True)

    def _measure(self, entry: dict) -> None:
        """A measure of a plan, with its targets and the values the paper prints (none where it
        prints none): looked up by plan and name, its targets by date, its values by period."""
        plan = Plan.objects.filter(title=entry["plan"]).first()
        if plan is None:
            raise DemoDataError(f"{self.current_file}: measure {entry['name']!r} of unknown plan {entry['plan']!r}.")
        measure = Measure.objects.filter(plan=plan, name=entry["name"]).first()
        if measure is None:
            baseline = entry.get("baseline") or {}
            bands = entry.get("bands") or {}
            tolerances = entry.get("tolerances") or {}
            measure = Measure(
                plan=plan,
                position=plan.measures.count() + 1,
                name=entry["name"],
                description=entry.get("description", "") or "",
                unit=entry["unit"],
                direction=entry.get("direction", "higher"),
                frequency=entry.get("frequency", "monthly"),
                baseline_value=_as_figure(baseline.get("value")),
                baseline_date=_as_date(baseline.get("date")),
                data_owner=self.person(entry.get("data_owner")),
                data_source=entry.get("data_source", "") or "",
                rag_rule=entry.get("rag_rule", "bands" if bands else "tolerance"),
                green_tolerance=_as_figure(tolerances.get("green", 5)),
                amber_tolerance=_as_figure(tolerances.get("amber", 15)),
                green_threshold=_as_figure(bands.get("green")),
                amber_threshold=_as_figure(bands.get("amber")),
            )
            _saved(measure, self.report, "measures", True)
            references = [str(reference) for reference in entry.get("actions", [])]
            actions = list(Action.objects.filter(plan=plan, reference__in=references))
            if len(actions) != len(set(references)):
                raise DemoDataError(f"Measure {measure.name!r}: unknown actions among {references!r}.")
            measure.actions.set(actions)
            measure.recommendations.set([self._recommendation_key(key) for key in entry.get("recommendations", [])])
            measure.core_data_set_of.set([self.body(name) for name in entry.get("core_data_set_of", [])])
        for target in entry.get("targets", []):
            applies_from = _as_date(target.get("from"))
            if not MeasureTarget.objects.filter(measure=measure, applies_from=applies_from).exists():
                made = MeasureTarget(
                    measure=measure,
                    value=_as_figure(target["value"]),
                    applies_from=applies_from,
                    note=target.get("note", "") or "",
                )
                _saved(made, self.report, "measure targets", True)
        entered_at = _as_aware_datetime(entry["entered"]) if entry.get("entered") else timezone.now()
        for value in entry.get("values", []):
            period_end = _as_date(value["period_end"])
            if not MeasureValue.objects.filter(measure=measure, period_end=period_end).exists():
                made = MeasureValue(
                    measure=measure,
                    period_end=period_end,
                    value=_as_figure(value["value"]),
                    numerator=value.get("numerator"),
                    denominator=value.get("denominator"),
                    note=value.get("note", "") or "",
                    entered_at=entered_at,
                )
                made.unit = measure.unit
                _saved(made, self.report, "measure values", True)

    def _recommendation_key(self, key: str) -> Recommendation:
        try:
            return self.recommendations[key]
        except KeyError:
            raise DemoDataError(f"{self.current_file}: unknown recommendation {key!r}.") from None

    def _account(self, entry: dict) -> None:
        User = get_user_model()
        username = entry["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=entry.get("email", "") or "")
            user.set_password(demo_password())
            user.is_staff = bool(entry.get("admin"))
            user.is_superuser = bool(entry.get("admin"))
            user.save()
            self.report.count("accounts", True)
        if entry.get("democratic_support"):
            group, _ = Group.objects.get_or_create(name=DEMOCRATIC_SUPPORT_GROUP)
            user.groups.add(group)
        person = self.person(entry.get("person"))
        if person is not None and person.user_id != user.pk:
            Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
            person.user = user
            person.save(update_fields=["user"])
        self.report.accounts.append((username, entry.get("role", ""), person.display_name if person else ""))


def load_demo(directory: Path = DEMO_DIR) -> LoadReport:
    return DemoLoader(directory).load()
