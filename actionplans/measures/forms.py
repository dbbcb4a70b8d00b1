"""Forms for measures, with error messages written the GOV.UK way: set a measure up or change it,
choose a period, and enter one period's values across several measures.

Only the fields each form declares are read from a request: a posted `version`, `plan` or
`unit` of a value is ignored. The edit form carries the version of the measure it was opened
on, and the values form the version of each value it showed, so nobody overwrites somebody
else's figures without seeing them first.
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q

from actionplans.kernel.dates import DATE_INPUT_FORMATS
from actionplans.kernel.forms import OpenedVersionMixin, opened_version_field
from actionplans.measures.models import FIGURE, Measure, MeasureValue
from actionplans.measures.services import ValueEntry, key, values_check
from actionplans.measures.units import Frequency, MeasureUnit, month_end
from actionplans.plans.models import Action, Plan
from actionplans.plans.rag import Direction, RagRule
from partners.forms import PersonChoiceField, choose_from_list, text_area, too_long
from partners.models import Body
from recommendations.models import Recommendation

NOTE_MAX = 4_000


def figure_field(
    label: str, what: str, *, help_text: str = "", width: str = "govuk-input--width-5"
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=FIGURE["max_digits"],
        decimal_places=FIGURE["decimal_places"],
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": width, "inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": f"{what} must be a number, like 87 or 53.76",
            "max_digits": f"{what} must be a number of 10 digits or fewer before the point",
            "max_decimal_places": f"{what} must have no more than 4 decimal places",
            "max_whole_digits": f"{what} must be a number of 10 digits or fewer before the point",
        },
    )


def count_field(label: str, what: str, *, minimum: int = 0) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=minimum,
        max_value=2_147_483_647,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": f"{what} must be a whole number, like 196",
            "min_value": f"{what} must be {minimum} or more",
            "max_value": f"{what} must be 2,147,483,647 or less",
        },
    )


def date_field(label: str, help_text: str, *, required: bool = False, what: str = "the date") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"invalid": "Enter a real date, like 31/10/2021", "required": f"Enter {what}"},
    )


def radios(label: str, choices, what: str, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose {what}", "invalid_choice": f"Choose one of the options for {what}"},
        **kwargs,
    )


class RecommendationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, recommendation) -> str:
        return f"{recommendation.label} {recommendation.short_text}".strip()


class ActionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, action) -> str:
        return str(action)


class MeasureForm(forms.Form):
    """Adds a measure to a plan; MeasureEditForm changes one."""

    name = forms.CharField(
        label="Measure",
        max_length=300,
        help_text="As the paper names it, for example Percentage of CLA visits in timescale.",
        error_messages={"required": "Enter the name of the measure", "max_length": too_long("The name", 300)},
    )
    description = text_area("Description (optional)", "The description", rows=3)
    unit = radios("Unit", MeasureUnit.choices, "the unit", initial=MeasureUnit.PERCENTAGE)
    direction = radios("Which way is better", Direction.choices, "which way is better", initial=Direction.HIGHER)
    frequency = radios(
        "How often it is reported", Frequency.choices, "how often it is reported", initial=Frequency.MONTHLY
    )
    baseline_value = figure_field("Baseline (optional)", "The baseline")
    baseline_date = date_field(
        "Date of the baseline (optional)", "When the baseline was measured, for example 30/11/2019."
    )
    target = figure_field("Target (optional)", "The target", help_text="Leave blank where the paper sets no target.")
    target_from = date_field(
        "Target applies from (optional)",
        "The first period end it applies to, for example 31/03/2022. Leave blank for from the start. "
        "A target for a later date is added beside the earlier one: a target may change by period.",
    )
    rag_rule = radios("How its RAG is set", RagRule.choices, "how its RAG is set", initial=RagRule.TOLERANCE)
    green_tolerance = figure_field(
        "Green tolerance, per cent of the target (optional)",
        "The green tolerance",
        help_text="Tolerance rule: green within this many per cent of the target, or better. Blank is 5.",
    )
    amber_tolerance = figure_field(
        "Amber tolerance, per cent of the target (optional)",
        "The amber tolerance",
        help_text="Tolerance rule: amber within this many per cent of the target; red beyond. Blank is 15.",
    )
    green_threshold = figure_field(
        "Green threshold (threshold bands only)",
        "The green threshold",
        help_text="Green at or beyond this value, for example 70 for “70% good or outstanding – green”.",
    )
    amber_threshold = figure_field(
        "Amber threshold (threshold bands only)",
        "The amber threshold",
        help_text="Amber at or beyond this value, red otherwise, for example 60.",
    )
    data_owner = PersonChoiceField(
        label="Data owner (optional)",
        required=False,
        empty_label="Not named",
        help_text="The officer who enters the measure’s values.",
        what="a person",
    )
    data_source = forms.CharField(
        label="Where the figures come from (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": too_long("Where the figures come from", 300)},
    )
    recommendations = RecommendationsField(
        label="Recommendations it evidences (optional)",
        queryset=Recommendation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=choose_from_list("recommendations of the plan's sources"),
    )
    actions = ActionsField(
        label="Actions it evidences (optional)",
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=choose_from_list("actions of this plan"),
    )
    core_data_set_of = forms.ModelMultipleChoiceField(
        label="In the core data set of (optional)",
        queryset=Body.objects.only("pk", "name").order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The bodies whose core data set of key performance indicators includes it.",
        error_messages=choose_from_list("bodies"),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["recommendations"].queryset = (
            Recommendation.objects.filter(pk__in=Recommendation.objects.filter(Q(source__plans=plan)).values("pk"))
            .only("pk", "label", "text")
            .order_by("source_id", "position")
        )
        self.fields["actions"].queryset = (
            Action.objects.filter(plan=plan).only("pk", "reference", "description").order_by("position")
        )

    def service_values(self) -> dict:
        return dict(self.cleaned_data)


class MeasureEditForm(OpenedVersionMixin, MeasureForm):
    conflict_message = "Somebody else changed this measure while you were editing it"
    stale_message = "This form is out of date. Open it again from the measure's page"
    opened_version = opened_version_field()

    def __init__(self, *args, measure: Measure, **kwargs):
        initial = {
            name: getattr(measure, name)
            for name in (
                "name",
                "description",
                "unit",
                "direction",
                "frequency",
                "baseline_value",
                "baseline_date",
                "data_source",
                "rag_rule",
                "green_tolerance",
                "amber_tolerance",
                "green_threshold",
                "amber_threshold",
            )
        }
        initial |= {
            "data_owner": measure.data_owner_id,
            "recommendations": [r.pk for r in measure.recommendations.all()],
            "actions": [a.pk for a in measure.actions.all()],
            "core_data_set_of": [b.pk for b in measure.core_data_set_of.all()],
            "opened_version": measure.version,
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, plan=measure.plan, **kwargs)
        self.fields["target"].label = "New target (optional)"
        self.fields[
            "target"
        ].help_text = "To set or change a target: it replaces the target of the same date, and leaves the others."

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values.pop("opened_version", None)
        return values


# --- Values of one period ---------------------------------------------------------------------


def last_month_end(day: datetime.date) -> datetime.date:
    """The last month end on or before `day`: the period most likely being reported."""
    return day if day == month_end(day) else day.replace(day=1) - datetime.timedelta(days=1)


class PeriodForm(forms.Form):
    """Which period's values to enter: a GET form, so the period is in the address."""

    period = date_field(
        "Period end",
        "The last day of the period the figures are for: a month end like 31/10/2021, or the day the "
        "paper gives, like 19/10/2021.",
        required=True,
        what="the period end",
    )


class ValuesForm(forms.Form):
    """One period's figure for each of several measures: value, numerator, denominator and note,
    and the version of the value the form showed (0 for none)."""

    error_messages = {"conflict": "Somebody else entered figures for this period while you were entering yours"}

    def __init__(
        self, *args, measures: list[Measure], existing: dict[int, MeasureValue], period_end: datetime.date, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.measures, self.existing, self.period_end = measures, existing, period_end
        for measure in measures:
            unit = measure.unit_choice
            current = existing.get(measure.pk)
            self.fields[key("value", measure)] = figure_field(
                f"Figure ({unit.label.lower()})", f"The figure for {measure.name}"
            )
            if unit.ratio_scale is not None:
                self.fields[key("numerator", measure)] = count_field(
                    "Numerator (optional)", f"The numerator for {measure.name}"
                )
                self.fields[key("denominator", measure)] = count_field(
                    "Denominator (optional)", f"The denominator for {measure.name}", minimum=1
                )
            self.fields[key("note", measure)] = forms.CharField(
                label="Note (optional)",
                required=False,
                max_length=NOTE_MAX,
                error_messages={"max_length": too_long(f"The note for {measure.name}", NOTE_MAX)},
            )
            self.fields[key("version", measure)] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0, required=False
            )
            if current is not None:
                self.initial |= {
                    key("value", measure): current.value.normalize() if current.value is not None else None,
                    key("numerator", measure): current.numerator,
                    key("denominator", measure): current.denominator,
                    key("note", measure): current.note,
                }
            self.initial[key("version", measure)] = current.version if current else 0

    @property
    def rows(self) -> list[dict]:
        """Each measure with its bound fields, in the order the page lists them."""
        rows = []
        for measure in self.measures:
            fields = {
                name: self[key(name, measure)]
                for name in ("value", "numerator", "denominator", "note", "version")
                if key(name, measure) in self.fields
            }
            rows.append({"measure": measure, "current": self.existing.get(measure.pk), **fields})
        return rows

    def clean(self):
        """Check every figure that was typed well by the rules of the service too, so one form
        sent back names every problem at once, not the typing mistakes first."""
        cleaned = super().clean()
        well_typed = [
            entry
            for entry in self.entries()
            if not any(
                key(name, entry.measure) in self.errors for name in ("value", "numerator", "denominator", "note")
            )
        ]
        errors, _figures, _existing = values_check(period_end=self.period_end, entries=well_typed)
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return cleaned

    def entries(self) -> list[ValueEntry]:
        data = self.cleaned_data
        return [
            ValueEntry(
                measure=measure,
                value=data.get(key("value", measure)),
                numerator=data.get(key("numerator", measure)),
                denominator=data.get(key("denominator", measure)),
                note=data.get(key("note", measure)) or "",
                opened_version=data.get(key("version", measure)) or 0,
            )
            for measure in self.measures
        ]

    def note_conflict(self, conflicts) -> None:
        """Carry the versions the others saved, so that saving again, having seen them, saves."""
        data = self.data.copy()
        for conflict in conflicts:
            data[self.add_prefix(key("version", conflict.measure))] = conflict.current.version
        self.data = data
        self.add_error(None, self.error_messages["conflict"])
