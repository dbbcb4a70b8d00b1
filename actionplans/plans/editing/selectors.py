"""What the editing pages show: the handover preview, and what somebody else changed while
a form was open."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format

from actionplans.kernel.concurrency import EditConflict
from actionplans.plans.models import Action, Plan
from partners.models import Person

# --- Handover preview ------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverPreview:
    person: Person
    actions: list[Action]  # open actions, each with `is_lead` set
    completed_count: int
    led_plans: list[Plan]

    @property
    def led_count(self) -> int:
        return sum(1 for action in self.actions if action.is_lead)

    @property
    def supported_count(self) -> int:
        return len(self.actions) - self.led_count


def handover_preview(*, person: Person) -> HandoverPreview:
    """Queries: 1 the person's open actions with RAG, plan, lead and recommendation, 1 how many
    of their actions are complete, 1 the plans they lead. However many actions they have."""
    actions = list(Action.objects.for_person(person).open())
    for action in actions:
        action.is_lead = action.lead_id == person.pk
    completed = Action.objects.responsible(person).with_rag().filter(is_complete=True).count()
    return HandoverPreview(
        person=person,
        actions=actions,
        completed_count=completed,
        led_plans=list(Plan.objects.filter(lead=person).order_by("title")),
    )


# --- Edit conflicts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    label: str
    was: str
    now: str
    changed_by: str


def conflict_rows(*, conflict: EditConflict, fields: list[str]) -> list[ConflictRow]:
    """What somebody else changed in `fields` since the form was opened, in words."""
    current = conflict.current
    return [
        ConflictRow(
            label=change.label,
            was=_in_words(current, change.field, change.old),
            now=_in_words(current, change.field, change.new),
            changed_by=change.changed_by,
        )
        for change in conflict.changes
        if change.field in fields
    ]


def _in_words(instance, field_name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "Blank"
    model_field = instance._meta.get_field(field_name)
    if model_field.many_to_many:  # the links, as rows of the through table
        target = model_field.m2m_reverse_field_name()
        related = model_field.related_model._default_manager.filter(pk__in=[row[target] for row in value])
        return ", ".join(sorted((str(obj) for obj in related), key=str.casefold)) or "None"
    if model_field.is_relation:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else "Deleted since"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)
