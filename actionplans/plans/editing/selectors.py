"""What the editing pages show: the handover preview. (What somebody else changed while a
form was open is actionplans.kernel.forms.conflict_summary.)"""

from __future__ import annotations

from dataclasses import dataclass

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
