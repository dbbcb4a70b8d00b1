"""The forms democratic support minute a meeting with: an agenda item with what it RESOLVED,
and an action AGREED on it."""

from __future__ import annotations

from django import forms

from actionplans.kernel.forms import OpenedVersionMixin, opened_version_field
from actionplans.meetings.agenda import split_resolutions
from actionplans.meetings.models import AgendaItem, Numbering, Resolution
from partners.forms import PersonChoiceField, too_long


class AgendaItemForm(OpenedVersionMixin, forms.Form):
    number = forms.IntegerField(
        label="Item number",
        min_value=1,
        max_value=999,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the item's number on the agenda",
            "invalid": "Enter the item number as a whole number, like 5",
            "min_value": "Enter an item number of 1 or more",
            "max_value": "Enter an item number of 999 or less",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=500,
        error_messages={"required": "Enter the item's title", "max_length": too_long("The title", 500)},
    )
    summary = forms.CharField(
        label="What the agenda says (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="As printed under the title, for example whose report it is and what it asks.",
        error_messages={"max_length": too_long("What the agenda says", 4000)},
    )
    presenter = PersonChoiceField(label="Presenting officer (optional)", required=False, what="the presenting officer")
    report_title = forms.CharField(
        label="Report considered (optional)",
        required=False,
        max_length=500,
        help_text="The title of the report, as its cover prints it.",
        error_messages={"max_length": too_long("The report's title", 500)},
    )
    outcome = forms.CharField(
        label="Outcome (optional)",
        required=False,
        max_length=300,
        help_text="For example, Received and noted.",
        error_messages={"max_length": too_long("The outcome", 300)},
    )
    discussion = forms.CharField(
        label="Discussion (optional)",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The minute of the discussion.",
        error_messages={"max_length": too_long("The discussion", 20000)},
    )
    resolutions = forms.CharField(
        label="RESOLVED (optional)",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Each clause as printed, with a blank line between clauses. Leave out the numbers: "
        "they are added in the style chosen below.",
        error_messages={"max_length": too_long("What was resolved", 20000)},
    )
    numbering = forms.ChoiceField(
        label="Number the clauses",
        choices=Numbering.choices,
        initial=Numbering.ROMAN,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how to number the clauses",
            "invalid_choice": "Choose how to number the clauses",
        },
    )
    opened_version = opened_version_field()

    conflict_message = "Somebody else changed this item while you were editing it"
    stale_message = "This form is out of date. Open the item again"

    def __init__(self, *args, item: AgendaItem | None = None, **kwargs):
        if item is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "number": item.number,
                "title": item.title,
                "summary": item.summary,
                "presenter": item.presenter_id,
                "report_title": item.report_title,
                "outcome": item.outcome,
                "discussion": item.discussion,
                "numbering": item.numbering,
                "resolutions": "\n\n".join(r.text for r in item.resolutions.order_by("position")),
                "opened_version": item.version,
            }
        super().__init__(*args, **kwargs)
        if item is None:
            del self.fields["opened_version"]

    def clean_resolutions(self):
        return split_resolutions(self.cleaned_data["resolutions"])


class AgreedActionForm(forms.Form):
    text = forms.CharField(
        label="What was agreed",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what was agreed", "max_length": too_long("What was agreed", 10000)},
    )
    owner_as_printed = forms.CharField(
        label="Owner, as printed (optional)",
        required=False,
        max_length=200,
        help_text="As the margin prints it, for example AW/AA/FB or CYPTE. Initials and names are found "
        "among the meeting's attendance.",
        error_messages={"max_length": too_long("The owner", 200)},
    )
    lead = PersonChoiceField(
        label="Lead (optional)",
        required=False,
        what="the lead",
        help_text="Leave blank to take the first person the owner names.",
    )
    resolution = forms.ModelChoiceField(
        label="Carries out the RESOLVED clause (optional)",
        queryset=Resolution.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose a clause of this item"},
    )
    target_date_text = forms.CharField(
        label="Target date, as printed (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": too_long("The target date", 300)},
    )

    def __init__(self, *args, item: AgendaItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"].queryset = item.resolutions.order_by("position")
        self.fields["resolution"].label_from_instance = lambda r: r.text[:100]
