"""Writing a meeting's agenda and minutes: its items, what each RESOLVED, and the actions each
AGREED, every one of which becomes a tracked action in the body's action log.

Services take keyword arguments, check with full_clean() and raise ValidationError
({field: [messages]}) for what a person can put right; an edit made while somebody else saved
the same item raises EditConflict (actionplans.kernel.concurrency).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from actionplans.kernel.concurrency import save_if_unchanged
from actionplans.meetings.models import AgendaItem, AgreedAction, Resolution
from actionplans.plans.models import Action, Plan
from partners.models import Body, Meeting, Person, PersonGroup

ACTION_LOG_SUFFIX = "action log"
ITEM_FIELDS = ("number", "title", "summary", "presenter", "report_title", "outcome", "discussion", "numbering")
_TITLES = ("cllr", "councillor", "dr", "mr", "mrs", "ms", "miss")
_OWNER_SEPARATORS = re.compile(r"\s*(?:/|,|&|\band\b)\s*")


# --- Owners as the margin prints them ------------------------------------------------------------


def initials(name: str) -> str:
    """ "Alice Wrighton" -> "AW"; a title such as "Cllr" is not part of them."""
    words = [word for word in re.split(r"[\s\-]+", name) if word and word.lower().rstrip(".") not in _TITLES]
    return "".join(word[0] for word in words).upper()


def _surname_key(name: str) -> str:
    words = [word for word in name.split() if word.lower().rstrip(".") not in _TITLES]
    return " ".join(words).casefold()


def resolve_owner(owner_as_printed: str, people: Sequence[Person]) -> list[Person]:
    """The people a margin owner names, found among `people` (the meeting's attendance): each
    part of "AW/AA/FB" by initials, "Cllr Holmes" by name (a title matches "Councillor" or
    none). A part that names nobody there ("CYPTE") resolves to no one; each person once."""
    found: list[Person] = []
    for part in _OWNER_SEPARATORS.split(owner_as_printed.strip()):
        part = part.strip()
        if not part:
            continue
        by_name = [p for p in people if p.name and _surname_key(p.name) == _surname_key(part)]
        by_initials = []
        if part.isalpha() and part.isupper() and 2 <= len(part) <= 4:
            by_initials = [p for p in people if p.name and initials(p.name) == part]
        matches = by_name or (by_initials if len(by_initials) == 1 else [])
        for person in matches[:1]:
            if person not in found:
                found.append(person)
    return found


def resolve_owner_groups(owner_as_printed: str, groups: Sequence[PersonGroup]) -> list[PersonGroup]:
    """The groups a margin owner names: "All Steering Group Leads" names the group "Steering
    Group Leads" ("All" is how minutes address every member of it)."""
    printed = re.sub(r"^all\s+(the\s+)?", "", " ".join(owner_as_printed.split()), flags=re.IGNORECASE).casefold()
    return [group for group in groups if group.name.casefold() == printed] if printed else []


def attendees(meeting: Meeting) -> list[Person]:
    """Everyone on the meeting's attendance, apologies included: one query."""
    return [attendance.person for attendance in meeting.attendances.select_related("person").order_by("pk")]


# --- Agenda items and what they RESOLVED -----------------------------------------------------------


def split_resolutions(text: str) -> list[str]:
    """The clauses typed into one box, one paragraph each (a blank line between clauses): each
    clause's own line breaks are kept, as the minutes print sub-points under a clause."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [paragraph.strip() for paragraph in paragraphs if paragraph.strip()]


def _check_number(meeting: Meeting, number: int, *, item: AgendaItem | None = None) -> None:
    others = AgendaItem.objects.filter(meeting=meeting, number=number)
    if item is not None:
        others = others.exclude(pk=item.pk)
    if others.exists():
        raise ValidationError({"number": f"The agenda already has an item {number}"})


def _write_resolutions(item: AgendaItem, clauses: Iterable[str]) -> None:
    """Make the item's clauses these, in order: changed ones edited in place, so an action
    agreed against a clause keeps its clause; extra ones removed."""
    clauses = list(clauses)
    existing = {resolution.position: resolution for resolution in item.resolutions.all()}
    for position, text in enumerate(clauses, start=1):
        resolution = existing.pop(position, None)
        if resolution is None:
            resolution = Resolution(item=item, position=position, text=text)
        elif resolution.text == text:
            continue
        resolution.text = text
        resolution.full_clean()
        resolution.save()
    for resolution in existing.values():
        resolution.delete()


def agenda_item_create(*, meeting: Meeting, resolutions: Sequence[str] = (), **fields) -> AgendaItem:
    with transaction.atomic():
        _check_number(meeting, fields["number"])
        item = AgendaItem(meeting=meeting, **{name: fields[name] for name in ITEM_FIELDS if name in fields})
        item.full_clean()
        item.save()
        _write_resolutions(item, resolutions)
    return item


def agenda_item_update(
    *, item: AgendaItem, expected_version: int, resolutions: Sequence[str] = (), **fields
) -> AgendaItem:
    with transaction.atomic():
        _check_number(item.meeting, fields["number"], item=item)
        for name in ITEM_FIELDS:
            if name in fields:
                setattr(item, name, fields[name])
        item.full_clean(exclude=["meeting"])
        save_if_unchanged(item, expected_version=expected_version, fields=list(ITEM_FIELDS))
        _write_resolutions(item, resolutions)
    return item


# --- Actions AGREED ------------------------------------------------------------------------------


def action_log_for(body: Body) -> Plan:
    """The body's action log, the plan that holds the actions its meetings agree: the plan it
    owns whose title ends "action log", made the first time an action is agreed."""
    plan = Plan.objects.filter(owning_body=body, title__endswith=ACTION_LOG_SUFFIX).order_by("pk").first()
    if plan is None:
        plan = Plan(owning_body=body, title=f"{body.name} – {ACTION_LOG_SUFFIX}")
        plan.full_clean()
        plan.save()
    return plan


def agreed_action_create(
    *,
    item: AgendaItem,
    text: str,
    owner_as_printed: str = "",
    lead: Person | None = None,
    resolution: Resolution | None = None,
    target_date_text: str = "",
    action: Action | None = None,
) -> AgreedAction:
    """Record an action AGREED on the item, and track it: as a new action in the body's action
    log (or `action`, one already there), led by `lead` or else by the first person the owner
    as printed names among the meeting's attendance, the others it names responsible with them,
    and owned by the group it names, if it names one."""
    if not text.strip():
        raise ValidationError({"text": "Enter what was agreed"})
    if resolution is not None and resolution.item_id != item.pk:
        raise ValidationError({"resolution": "Choose a clause of this item"})
    with transaction.atomic():
        named = resolve_owner(owner_as_printed, attendees(item.meeting)) if owner_as_printed else []
        groups = resolve_owner_groups(owner_as_printed, PersonGroup.objects.all()) if owner_as_printed else []
        people = ([lead] if lead else []) + [person for person in named if person != lead]
        if action is None:
            plan = action_log_for(item.meeting.body)
            position = (plan.actions.aggregate(last=Max("position"))["last"] or 0) + 1
            action = Action(
                plan=plan,
                position=position,
                description=text.strip(),
                lead=people[0] if people else None,
                target_date_text=target_date_text,
            )
            action.full_clean()
            action.save()
            action.supporting_officers.set(people[1:])
            action.owning_groups.set(groups)
        position = (item.agreed_actions.aggregate(last=Max("position"))["last"] or 0) + 1
        agreed = AgreedAction(
            item=item,
            position=position,
            text=text.strip(),
            owner_as_printed=owner_as_printed.strip(),
            resolution=resolution,
            action=action,
        )
        agreed.full_clean()
        agreed.save()
    return agreed
