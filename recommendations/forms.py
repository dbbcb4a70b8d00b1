"""Forms democratic support use to record sources, recommendations and the executive's
responses, with error messages written the GOV.UK way.

Only the fields each form declares are ever read from a request: a posted `version`,
`source`, `position` or `id` is ignored. The edit forms carry the version of the
recommendation they were opened on in `opened_version`, which is not a model field, so
nobody can overwrite somebody else's change without seeing it first.
"""

from __future__ import annotations

from django import forms

from actionplans.kernel.dates import DATE_INPUT_FORMATS
from actionplans.kernel.forms import OpenedVersionMixin, opened_version_field
from partners.models import Body, Meeting, Person
from recommendations import rules
from recommendations.models import Recommendation, ResponseDecision, Source, SourceKind

TEXT_MAX = 10_000
DATE_EXAMPLE = "For example, 17/06/2021."
REAL_DATE = "Enter a real date, like 17/06/2021"
CONFLICT = "Somebody else changed this recommendation while you were editing it"
STALE_FORM = "This form is out of date. Open it again from the recommendation's page"


def too_long(what: str, limit: int) -> str:
    return f"{what} must be {limit:,} characters or fewer"


def date_field(label: str, help_text: str = DATE_EXAMPLE) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"invalid": REAL_DATE},
    )


def text_area(label: str, what: str, *, required: bool = False, rows: int = 5, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": too_long(what, TEXT_MAX), "required": f"Enter {what.lower()}"},
        **kwargs,
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        parts = [person.display_name, person.job_title if person.name else "", person.organisation]
        return ", ".join(str(part) for part in parts if part)


class RecommendationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, recommendation):
        return f"{recommendation.full_label} {recommendation.short_text}".strip()


def _invalid_choice(what: str) -> dict[str, str]:
    return {"invalid_choice": f"Choose {what} from the list"}


# --- Sources ------------------------------------------------------------------------


class SourceForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label="Kind of source",
        choices=SourceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of source", "invalid_choice": "Choose one of the kinds of source"},
    )
    made_by = forms.ModelChoiceField(
        label="Made by",
        queryset=Body.objects.order_by("name"),
        empty_label="Choose a body",
        help_text="The body that made the recommendations.",
        error_messages={"required": "Choose the body that made the recommendations", **_invalid_choice("a body")},
    )
    meeting = forms.ModelChoiceField(
        label="Meeting (optional)",
        queryset=Meeting.objects.select_related("body").order_by("body__name", "-date"),
        required=False,
        empty_label="No meeting",
        help_text="The meeting of that body at which the recommendations were made, if any.",
        error_messages=_invalid_choice("a meeting"),
    )
    date = date_field("Date (optional)", f"When the recommendations were made or published. {DATE_EXAMPLE}")
    summary = text_area("Summary (optional)", "The summary", rows=4)

    class Meta:
        model = Source
        fields = ["kind", "reference", "title", "made_by", "meeting", "date", "summary"]
        widgets = {"reference": forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"})}
        labels = {"reference": "Reference", "title": "Title"}
        help_texts = {
            "reference": "A short reference unique to this source, for example CYP-2021-01.",
            "title": "As printed on the report, for example Children's APA Scrutiny Inquiry.",
        }
        error_messages = {
            "reference": {
                "required": "Enter a reference",
                "max_length": too_long("The reference", 60),
                "unique": "Another source already has this reference: enter a different one",
            },
            "title": {"required": "Enter the title", "max_length": too_long("The title", 300)},
        }

    def clean(self):
        cleaned = super().clean()
        errors = rules.meeting_errors(made_by=cleaned.get("made_by"), meeting=cleaned.get("meeting"))
        _add_rule_errors(self, errors)
        return cleaned


# --- Recommendations ----------------------------------------------------------------


class OpenedVersionForm(OpenedVersionMixin, forms.ModelForm):
    """Carries the version of the recommendation the form was opened on."""

    conflict_message = CONFLICT
    stale_message = STALE_FORM
    opened_version = opened_version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version


class RecommendationForm(OpenedVersionForm):
    parent = RecommendationChoiceField(
        label="Part of (optional)",
        queryset=Recommendation.objects.none(),
        required=False,
        empty_label="None: a recommendation in its own right",
        help_text="For a sub-item such as i) under b), choose the recommendation it belongs to.",
        error_messages=_invalid_choice("a recommendation of this source"),
    )
    text = text_area("Recommendation", "The recommendation", required=True, rows=5, help_text="As printed.")
    current_activity = text_area(
        "Current activity (optional)",
        "The current activity",
        rows=4,
        help_text="What is already being done towards it, if the report says.",
    )
    lead = PersonChoiceField(
        label="Lead (optional)",
        queryset=Person.objects.select_related("organisation"),
        required=False,
        empty_label="Not named",
        error_messages=_invalid_choice("a person"),
    )

    class Meta:
        model = Recommendation
        fields = ["parent", "label", "group", "text", "current_activity", "lead"]
        labels = {"label": "Label as printed (optional)", "group": "Group or timeframe (optional)"}
        help_texts = {
            "label": "For example a), i), REC 3 or 4.",
            "group": "A heading it is printed under, for example For immediate action.",
        }
        widgets = {"label": forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"})}
        error_messages = {
            "label": {"max_length": too_long("The label", 30)},
            "group": {"max_length": too_long("The group or timeframe", 200)},
        }

    def __init__(self, *args, source: Source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.instance.source = source
        parents = source.recommendations.select_related("parent__parent").order_by("position")
        if self.instance.pk is not None:
            pairs = source.recommendations.values_list("pk", "parent_id")
            parents = parents.exclude(pk__in=rules.subtree_ids(pairs, self.instance.pk))
        self.fields["parent"].queryset = parents
        if self.instance.pk is None:  # a new recommendation has no version to carry
            del self.fields["opened_version"]

    def clean(self):
        cleaned = super().clean()
        errors = rules.parent_errors(recommendation=self.instance, source=self.source, parent=cleaned.get("parent"))
        _add_rule_errors(self, errors)
        return cleaned


class ResponseForm(OpenedVersionForm):
    response_decision = forms.ChoiceField(
        label="Decision",
        choices=ResponseDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision", "invalid_choice": "Choose one of the decisions"},
    )
    response_text = text_area(
        "Response",
        "The response",
        rows=6,
        help_text="If the recommendation was rejected or only partially accepted, give the reasons.",
    )
    responding_body = forms.ModelChoiceField(
        label="Responding body (optional)",
        queryset=Body.objects.order_by("name"),
        required=False,
        empty_label="Not recorded",
        help_text="Usually the Cabinet or the board that considered the recommendation.",
        error_messages=_invalid_choice("a body"),
    )
    response_date = date_field(
        "Date of the response (optional)", f"Leave blank while the decision is pending. {DATE_EXAMPLE}"
    )
    response_due_date = date_field("Response due by (optional)")

    class Meta:
        model = Recommendation
        fields = ["response_decision", "response_text", "responding_body", "response_date", "response_due_date"]

    def clean(self):
        cleaned = super().clean()
        errors = rules.response_errors(
            decision=cleaned.get("response_decision", ""),
            response_text=cleaned.get("response_text", ""),
            response_date=cleaned.get("response_date"),
        )
        _add_rule_errors(self, errors)
        return cleaned


def _add_rule_errors(form: forms.Form, errors: rules.Errors) -> None:
    """Add a rule's messages to their fields, unless the field already has an error."""
    for field, messages in errors.items():
        if field not in form.errors:
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
