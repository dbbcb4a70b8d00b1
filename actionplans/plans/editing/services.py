"""Writes that shape plans and their actions: create and edit plans; add, edit and delete
actions, one at a time or (for the plan import) many at once; assign the people responsible;
move a target date; hand an officer's open actions to a successor.

Every function validates in full before it writes (raising ValidationError, field ->
messages, with nothing written; actions_create_bulk raises RowRefused, which names the action
as well), and every write lands in the audit history: saves through django-simple-history,
bulk writes through AuditedQuerySet, link changes through the many-to-many history of
Plan.sources and Action.supporting_officers/partners. Edits of an action go through
save_if_unchanged, so two people editing at once cannot overwrite each other: the second gets
EditConflict.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Max, Value, When

from actionplans.kernel import bulk
from actionplans.kernel.bulk import RowRefused
from actionplans.kernel.concurrency import EditConflict, changes_since, save_if_unchanged
from actionplans.plans.models import Action, Plan, TargetDateRevision
from actionplans.plans.target_dates import parse_target_date
from partners.models import Body, Organisation, Person
from recommendations.models import Recommendation, Source

REASON_REQUIRED = "Give the reason the target date is moving"
DATE_CANNOT_BE_CLEARED = (
    "Enter the new target date: an action that has a target date cannot lose it. "
    "If the target as printed names no date, enter the date yourself"
)
SAME_DATE = "The new target date is the same as the current one"
NOT_A_SOURCE_OF_THE_PLAN = "Choose a recommendation of one of the plan's sources"
SUCCESSOR_IS_LEAVER = "Choose somebody other than the person who is leaving"

# The fields the action edit form writes.
ACTION_FIELDS = [
    "recommendation",
    "reference",
    "description",
    "target_date",
    "target_date_text",
    "success_criteria",
    "milestones",
]
# The fields the form for the people responsible writes.
PEOPLE_FIELDS = ["lead", "supporting_officers", "partners"]


# --- Plans ------------------------------------------------------------------------------


def plan_create(
    *,
    title: str,
    owning_body: Body,
    lead: Person | None,
    status: str,
    sources: Iterable[Source] = (),
    summary: str = "",
) -> Plan:
    plan = Plan(title=title.strip(), owning_body=owning_body, lead=lead, status=status, summary=summary.strip())
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        plan.sources.set(list(sources))
    return plan


def plan_update(
    *,
    plan: Plan,
    title: str,
    owning_body: Body,
    lead: Person | None,
    status: str,
    sources: Iterable[Source] = (),
    summary: str = "",
) -> Plan:
    plan.title, plan.owning_body, plan.lead = title.strip(), owning_body, lead
    plan.status, plan.summary = status, summary.strip()
    plan.full_clean()
    with transaction.atomic():
        _links_set(plan, "sources", sources)
        plan.save()  # one history row: the fields and the sources
    return plan


# --- Actions ------------------------------------------------------------------------------


def resolve_target_date(*, target_date: datetime.date | None, target_date_text: str) -> datetime.date | None:
    """The date an action's target means: the date given, or else the one read from the
    target as printed (None when none can be read)."""
    return target_date if target_date is not None else parse_target_date(target_date_text)


def _recommendation_errors(
    *,
    plan: Plan,
    recommendation: Recommendation | None,
    current_id: int | None,
    source_ids: set[int] | None = None,
) -> dict:
    """An action answers a recommendation of one of its plan's sources (or keeps the one it has).
    `source_ids`, the ids of the plan's sources, saves a query when they have been read already."""
    if recommendation is None or recommendation.pk == current_id:
        return {}
    if source_ids is not None:
        found = recommendation.source_id in source_ids
    else:
        found = plan.sources.filter(pk=recommendation.source_id).exists()
    return {} if found else {"recommendation": [NOT_A_SOURCE_OF_THE_PLAN]}


def _new_action(
    *,
    plan: Plan,
    description: str,
    recommendation: Recommendation | None,
    reference: str,
    target_date: datetime.date | None,
    target_date_text: str,
    success_criteria: str,
    milestones: str,
) -> Action:
    """An unsaved action as given, its texts trimmed and its target date resolved."""
    return Action(
        plan=plan,
        recommendation=recommendation,
        reference=reference.strip(),
        description=description.strip(),
        target_date=resolve_target_date(target_date=target_date, target_date_text=target_date_text),
        target_date_text=target_date_text.strip(),
        success_criteria=success_criteria.strip(),
        milestones=milestones.strip(),
    )


def action_create(
    *,
    plan: Plan,
    description: str,
    recommendation: Recommendation | None = None,
    reference: str = "",
    target_date: datetime.date | None = None,
    target_date_text: str = "",
    success_criteria: str = "",
    milestones: str = "",
) -> Action:
    """Add an action at the end of the plan. A target date left out is read from the text."""
    if errors := _recommendation_errors(plan=plan, recommendation=recommendation, current_id=None):
        raise ValidationError(errors)
    action = _new_action(
        plan=plan,
        description=description,
        recommendation=recommendation,
        reference=reference,
        target_date=target_date,
        target_date_text=target_date_text,
        success_criteria=success_criteria,
        milestones=milestones,
    )
    action.full_clean(exclude=["position"])
    attempts = 3
    for attempt in range(1, attempts + 1):
        action.position = (plan.actions.aggregate(last=Max("position"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                action.save()
        except IntegrityError:  # somebody added an action to the plan at that position first
            if attempt == attempts:
                raise
        else:
            return action
    raise AssertionError("unreachable")  # pragma: no cover


def _version_to_write(action: Action, expected_version: int, fields: list[str]) -> int:
    """The version to save `fields` of the action against.

    If somebody saved the action since the form was opened at `expected_version` but changed
    none of `fields` (say, the people responsible while the description was being edited),
    nothing of theirs can be overwritten: save against the version loaded for this request.
    Otherwise raise EditConflict with what they changed."""
    if action.version == expected_version:
        return expected_version
    current = Action.objects.get(pk=action.pk)
    conflict = EditConflict(current, changes_since(current, expected_version))
    overlaps = any(change.field in fields for change in conflict.changes)
    if overlaps or not conflict.changes or current.version != action.version:
        raise conflict
    return action.version


def action_update(
    *,
    action: Action,
    expected_version: int,
    description: str,
    recommendation: Recommendation | None = None,
    reference: str = "",
    target_date: datetime.date | None = None,
    target_date_text: str = "",
    success_criteria: str = "",
    milestones: str = "",
    revision_reason: str = "",
    by: Person | None = None,
) -> Action:
    """Save an edit of an action opened at `expected_version`.

    A target date left out is read from the text. Moving the target date of an action that
    has one records a TargetDateRevision (the previous date and text, the new date and the
    reason, which is then required); the date cannot be taken away. Raises EditConflict if
    somebody changed any of these fields since the form was opened, ValidationError if a rule
    is broken; nothing is written in either case."""
    expected_version = _version_to_write(action, expected_version, ACTION_FIELDS)
    new_date = resolve_target_date(target_date=target_date, target_date_text=target_date_text)
    errors = _recommendation_errors(
        plan=action.plan, recommendation=recommendation, current_id=action.recommendation_id
    )
    revision = None
    if action.target_date is not None and new_date != action.target_date:
        if new_date is None:
            errors["target_date"] = [DATE_CANNOT_BE_CLEARED]
        elif not revision_reason.strip():
            errors["revision_reason"] = [REASON_REQUIRED]
        else:
            revision = _revision(action=action, new_date=new_date, reason=revision_reason, by=by)
    if errors:
        raise ValidationError(errors)

    action.recommendation = recommendation
    action.reference = reference.strip()
    action.description = description.strip()
    action.target_date = new_date
    action.target_date_text = target_date_text.strip()
    action.success_criteria = success_criteria.strip()
    action.milestones = milestones.strip()
    action.full_clean()
    with transaction.atomic():
        save_if_unchanged(action, expected_version=expected_version, fields=ACTION_FIELDS)
        if revision is not None:
            revision.save()
    return action


def _revision(*, action: Action, new_date: datetime.date, reason: str, by: Person | None) -> TargetDateRevision:
    """A validated, unsaved record of moving the action's target date from what it is now."""
    revision = TargetDateRevision(
        action=action,
        previous_date=action.target_date,
        previous_text=action.target_date_text,
        new_date=new_date,
        reason=reason.strip(),
        revised_by=by,
    )
    revision.full_clean()
    return revision


def target_date_revise(
    *, action: Action, new_date: datetime.date, reason: str, by: Person | None
) -> TargetDateRevision:
    """Move an action's target date, keeping the previous date and text and the reason (for
    the progress-update form and any other way a date moves without editing the action).

    The printed target text is kept as it was: it records what the paper said, and the
    revision records the move."""
    errors = {}
    if not reason.strip():
        errors["reason"] = [REASON_REQUIRED]
    if new_date == action.target_date:
        errors["new_date"] = [SAME_DATE]
    if errors:
        raise ValidationError(errors)
    revision = _revision(action=action, new_date=new_date, reason=reason, by=by)
    with transaction.atomic():
        revision.save()
        Action.objects.filter(pk=action.pk).update(target_date=new_date, version=F("version") + 1)
    action.target_date = new_date
    action.version += 1
    return revision


def action_delete(*, action: Action) -> None:
    """Delete an action with its progress updates, comments and target-date revisions. The
    history keeps a copy of each."""
    with transaction.atomic():
        action.delete()


# --- The people responsible -------------------------------------------------------------------


def _links_set(obj: Plan | Action, field_name: str, targets: Iterable) -> None:
    """Set the object's links in `field_name` directly in the through table, so they get no
    history row of their own: the save that follows (which copies the links into the history)
    records them together with the object's fields, as one change."""
    field = type(obj)._meta.get_field(field_name)
    through, own, other = field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()
    wanted = {target.pk for target in targets}
    rows = through.objects.filter(**{f"{own}_id": obj.pk})
    current = set(rows.values_list(f"{other}_id", flat=True))
    if current - wanted:
        rows.filter(**{f"{other}_id__in": current - wanted}).delete()
    if wanted - current:
        through.objects.bulk_create([through(**{f"{own}_id": obj.pk, f"{other}_id": pk}) for pk in wanted - current])


def action_people_assign(
    *,
    action: Action,
    expected_version: int,
    lead: Person | None,
    supporting_officers: Iterable[Person] = (),
    partners: Iterable[Organisation] = (),
) -> Action:
    """Set an action's lead, further responsible people and partner organisations, as one
    change in its history.

    The lead is not also listed as a further responsible person. Raises EditConflict if
    somebody changed the people since the form was opened; nothing is written then."""
    supporting = [person for person in supporting_officers if lead is None or person.pk != lead.pk]
    expected_version = _version_to_write(action, expected_version, PEOPLE_FIELDS)
    action.lead = lead
    action.full_clean(validate_constraints=False, validate_unique=False)
    with transaction.atomic():
        _links_set(action, "supporting_officers", supporting)
        _links_set(action, "partners", partners)
        save_if_unchanged(action, expected_version=expected_version, fields=["lead"])
    return action


# --- Many new actions at once (the plan import) --------------------------------------------------


@dataclass
class NewAction:
    """One action for actions_create_bulk: what action_create takes, and the people
    action_people_assign sets."""

    description: str
    recommendation: Recommendation | None = None
    reference: str = ""
    target_date: datetime.date | None = None
    target_date_text: str = ""
    success_criteria: str = ""
    milestones: str = ""
    lead: Person | None = None
    supporting_officers: Sequence[Person] = ()
    partners: Sequence[Organisation] = ()

    @property
    def has_people(self) -> bool:
        return self.lead is not None or bool(self.supporting_officers) or bool(self.partners)


def actions_create_bulk(*, plan: Plan, new: Sequence[NewAction]) -> list[Action]:
    """Add many actions at the end of the plan, with their people, in one transaction and a
    fixed number of queries however many there are (an INSERT per bulk.BATCH_SIZE).

    Each action is checked as action_create checks it, and lands in the history as
    action_create and then action_people_assign would have left it: created (version 1, nobody
    responsible), then, if it has people or partners, changed to its lead, further responsible
    people and partners (version 2). Raises RowRefused (actionplans.kernel.bulk) with the index
    of the first action that cannot be saved; nothing is written then."""
    source_ids = set(plan.sources.values_list("pk", flat=True))
    actions = []
    for index, item in enumerate(new):
        errors = _recommendation_errors(
            plan=plan, recommendation=item.recommendation, current_id=None, source_ids=source_ids
        )
        if errors:
            raise RowRefused(index, ValidationError(errors))
        actions.append(
            _new_action(
                plan=plan,
                description=item.description,
                recommendation=item.recommendation,
                reference=item.reference,
                target_date=item.target_date,
                target_date_text=item.target_date_text,
                success_criteria=item.success_criteria,
                milestones=item.milestones,
            )
        )
    with transaction.atomic():
        last = plan.actions.aggregate(last=Max("position"))["last"] or 0
        for offset, action in enumerate(actions, start=1):
            action.position = last + offset
        bulk.create_all(Action, actions)
        _new_actions_people_assign([(action, item) for action, item in zip(actions, new, strict=True)])
    return actions


def _new_actions_people_assign(pairs: list[tuple[Action, NewAction]]) -> None:
    """action_people_assign for actions created in this transaction, which nobody else can have
    changed: every link straight into the through tables, then, for each bulk.BATCH_SIZE actions,
    one audited UPDATE of their leads and versions (the lead of each chosen by a CASE over the
    different leads), whose history rows copy the links, as the save of one action does."""
    assigned = [(action, item) for action, item in pairs if item.has_people]
    for field_name, targets in (
        ("supporting_officers", lambda item: [p for p in item.supporting_officers if p != item.lead]),
        ("partners", lambda item: item.partners),
    ):
        field = Action._meta.get_field(field_name)
        through, own, other = field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()
        through.objects.bulk_create(
            [
                through(**{f"{own}_id": action.pk, f"{other}_id": pk})
                for action, item in assigned
                for pk in sorted({target.pk for target in targets(item)})
            ],
            batch_size=bulk.BATCH_SIZE,
        )
    for start in range(0, len(assigned), bulk.BATCH_SIZE):
        batch = assigned[start : start + bulk.BATCH_SIZE]
        led_by: dict[int, list[int]] = defaultdict(list)
        for action, item in batch:
            if item.lead is not None:
                led_by[item.lead.pk].append(action.pk)
        leads = [When(pk__in=ids, then=Value(lead_id)) for lead_id, ids in led_by.items()]
        Action.objects.filter(pk__in=[action.pk for action, _ in batch]).update(
            lead_id=Case(*leads, default=None, output_field=IntegerField()), version=F("version") + 1
        )
    for action, item in assigned:
        action.lead = item.lead
        action.version += 1


# --- Handing an officer's actions over ---------------------------------------------------------


@dataclass(frozen=True)
class HandoverResult:
    led: int  # actions the successor now leads
    supported: int  # actions where the successor replaced them as a further responsible person
    login_deactivated: bool = False

    @property
    def total(self) -> int:
        return self.led + self.supported


def open_action_ids(*, person: Person) -> list[int]:
    """The actions the person leads or is further responsible for that are not complete."""
    return list(Action.objects.responsible(person).with_rag().open().values_list("pk", flat=True))


def actions_hand_over(
    *, leaver: Person, successor: Person, deactivate_login: bool = False, by: AbstractBaseUser | None = None
) -> HandoverResult:
    """Hand every open action of `leaver` to `successor`, in one transaction: where the leaver
    leads, the successor becomes the lead; where the leaver is a further responsible person,
    the successor takes their place. Completed actions are left as they are, as a record of
    who did them. Optionally deactivates the leaver's login. Every action changed gets a new
    version and a row in its history."""
    if successor.pk == leaver.pk:
        raise ValidationError({"successor": [SUCCESSOR_IS_LEAVER]})
    if deactivate_login and by is not None and leaver.user_id == by.pk:
        raise ValidationError({"deactivate_login": ["You cannot deactivate your own login"]})
    through = Action.supporting_officers.through
    with transaction.atomic():
        ids = open_action_ids(person=leaver)
        led_ids = set(Action.objects.filter(pk__in=ids, lead=leaver).values_list("pk", flat=True))
        links = through.objects.filter(action_id__in=ids)
        supported_ids = set(links.filter(person=leaver).values_list("action_id", flat=True))
        # The links first, straight in the through table (no history rows of their own): the
        # successor takes the leaver's place, unless already on the action or now its lead.
        taken = set(links.filter(person=successor).values_list("action_id", flat=True))
        taken |= led_ids | set(Action.objects.filter(pk__in=ids, lead=successor).values_list("pk", flat=True))
        links.filter(person=leaver, action_id__in=taken).delete()
        links.filter(person=leaver).update(person=successor)
        links.filter(person=successor, action_id__in=led_ids).delete()
        # Then one UPDATE each: AuditedQuerySet records a history row for every action, with
        # its links as they now are, so each action shows the whole handover as one change.
        Action.objects.filter(pk__in=led_ids).update(lead=successor, version=F("version") + 1)
        Action.objects.filter(pk__in=supported_ids - led_ids).update(version=F("version") + 1)
        deactivated = False
        if deactivate_login and leaver.user_id is not None:
            user = leaver.user
            user.is_active = False
            user.save(update_fields=["is_active"])
            deactivated = True
    return HandoverResult(led=len(led_ids), supported=len(supported_ids - led_ids), login_deactivated=deactivated)
