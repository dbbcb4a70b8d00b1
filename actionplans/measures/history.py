"""A measure's page shows its own change history merged with its values' and targets' (each
corrected value keeps every earlier figure): registered with actionplans.plans.history, which
reads and names the changes. Imported once, by ActionPlansConfig.ready()."""

from __future__ import annotations

from django.utils.formats import date_format

from actionplans.measures.models import Measure, MeasureTarget, MeasureValue
from actionplans.plans import history
from partners.models import Person


def _value_subject(record, names, deleted: set, link: str) -> tuple[str, str]:
    return f"Value for the period ending {date_format(record.period_end)}", ""


def _target_subject(record, names, deleted: set, link: str) -> tuple[str, str]:
    since = f"from {date_format(record.applies_from)}" if record.applies_from else "from the start"
    return f"Target {since}", ""


history.register_children(
    Measure,
    [
        (MeasureValue, "measure", _value_subject, lambda record, link: [(Person, record.entered_by_id)]),
        (MeasureTarget, "measure", _target_subject, lambda record, link: []),
    ],
    str_needs={MeasureValue: ["measure"], MeasureTarget: ["measure"]},
)
