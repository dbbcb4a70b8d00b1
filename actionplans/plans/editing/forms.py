"""Forms for plans and actions, with error messages written the GOV.UK way.

Only the fields each form declares are ever read from a request: a posted `version`,
`plan`, `position` or `id` is ignored. The action forms carry the version of the action
they were opened on in `opened_version`, which is not a model field, so nobody can
overwrite somebody else's change without seeing it first.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q

from actionplans.kernel.dates import DATE_INPUT_FORMATS
from actionplans.kernel.forms import OpenedVersionMixin, opened_version_field
from actionplans.plans.models import Action, Plan, PlanStatus
from partners.forms import (
    GroupedChoiceMixin,
    PeopleChoiceField,
    PersonChoiceField,
    choose_from_list,
    text_area,
    too_long,
)
from partners.models import Body, Organisation
from recommendations.models import Recommendation, Source

CONFLICT = "Somebody else changed this action while you were editing it"
STALE_FORM = "This form is out of date. Open it again from the action's page"
REASON_MAX = 2_000


# --- Plans ---------------------------------------------------------------------------------


class SourcesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, source):
        return f"{source.title} ({source.reference})"


class PlanForm(forms.ModelForm):
    owning_body = forms.ModelChoiceField(
        label="Owned by",
        queryset=Body.objects.only("pk", "name").order_by("name"),
        empty_label="Choose a body",
        help_text="The body that owns the plan and monitors its progress.",
        error_messages={"required": "Choose the body that owns the plan", **choose_from_list("a body")},
    )
    lead = PersonChoiceField(
        label="Lead (optional)",
        required=False,
        empty_label="Not named",
        help_text="The officer who leads the plan and assigns its actions.",
        what="a person",
    )
    status = forms.ChoiceField(
        label="Status",
        choices=PlanStatus.choices,
        initial=PlanStatus.ACTIVE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status of the plan", "invalid_choice": "Choose one of the statuses"},
    )
    sources = SourcesField(
        label="Where its recommendations come from (optional)",
        queryset=Source.objects.only("pk", "title", "reference").order_by("-date", "title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The reports, inquiries or minutes whose recommendations the plan answers.",
        error_messages=choose_from_list("sources"),
    )
    summary = text_area("Summary (optional)", "The summary")

    class Meta:
        model = Plan
        fields = ["title", "owning_body", "lead", "status", "sources", "summary"]
        labels = {"title": "Title"}
        help_texts = {"title": "For example, Children's APA Scrutiny Inquiry action plan."}
        error_messages = {
            "title": {
                "required": "Enter the title of the plan",
                "max_length": too_long("The title", 300),
                "unique": "There is already a plan with this title",
            },
        }


# --- Actions ---------------------------------------------------------------------------------


class RecommendationChoiceField(GroupedChoiceMixin, forms.ModelChoiceField):
    """A recommendation of the plan's sources, grouped by source, labelled as printed."""

    def prepare_labels(self, objects):
        self._by_pk = {recommendation.pk: recommendation for recommendation in objects}

    def group_of(self, recommendation) -> str:
        return recommendation.source.title

    def label_from_instance(self, recommendation) -> str:
        by_pk = getattr(self, "_by_pk", {})
        labels, node, seen = [], recommendation, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            if node.label:
                labels.append(node.label)
            node = by_pk.get(node.parent_id)
        return f"{' '.join(reversed(labels))} {recommendation.short_text}".strip()


def date_field(label: str, help_text: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"invalid": "Enter a real date, like 31/03/2022"},
    )


class ActionForm(forms.Form):
    """Adds an action to a plan; ActionEditForm edits one."""

    recommendation = RecommendationChoiceField(
        label="Recommendation it answers (optional)",
        queryset=Recommendation.objects.none(),
        required=False,
        empty_label="None: agreed in a meeting's minutes",
        error_messages=choose_from_list("a recommendation of the plan's sources"),
    )
    reference = forms.CharField(
        label="Reference (optional)",
        required=False,
        max_length=30,
        help_text="As printed, for example 2.3.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"max_length": too_long("The reference", 30)},
    )
    description = text_area("Action", "The action", required=True, rows=4, help_text="What will be done, as printed.")
    target_date_text = forms.CharField(
        label="Target as printed (optional)",
        required=False,
        max_length=300,
        help_text="For example, April 2010, End August 2008, ongoing or To be confirmed.",
        error_messages={"max_length": too_long("The target as printed", 300)},
    )
    target_date = date_field(
        "Target date (optional)",
        "For example, 30/04/2010. Leave blank to read the date from the target as printed.",
    )
    success_criteria = text_area("Success criteria (optional)", "The success criteria")
    milestones = text_area("Milestones (optional)", "The milestones")

    def __init__(self, *args, plan: Plan, action: Action | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.action = action
        condition = Q(source__plans=plan)
        if action is not None and action.recommendation_id:
            condition |= Q(pk=action.recommendation_id)
        self.fields["recommendation"].queryset = (
            Recommendation.objects.filter(pk__in=Recommendation.objects.filter(condition).values("pk"))
            .select_related("source")
            .only("pk", "label", "text", "parent_id", "position", "source__title", "source__date")
            .order_by("source__date", "source__title", "source_id", "position")
        )

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if reference:
            others = Action.objects.filter(plan=self.plan, reference=reference)
            if self.action is not None:
                others = others.exclude(pk=self.action.pk)
            if others.exists():
                raise forms.ValidationError(
                    f"Another action in this plan has the reference {reference}: enter a different one"
                )
        return reference


class ActionVersionMixin(OpenedVersionMixin):
    """Carries the version of the action the form was opened on."""

    conflict_message = CONFLICT
    stale_message = STALE_FORM


class ActionEditForm(ActionVersionMixin, ActionForm):
    opened_version = opened_version_field()
    revision_reason = forms.CharField(
        label="Reason the target date is moving",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only if you change the target date.",
        error_messages={"max_length": too_long("The reason", REASON_MAX)},
    )

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "recommendation": action.recommendation_id,
                "reference": action.reference,
                "description": action.description,
                "target_date_text": action.target_date_text,
                "target_date": action.target_date,
                "success_criteria": action.success_criteria,
                "milestones": action.milestones,
                "opened_version": action.version,
            },
        )
        super().__init__(*args, plan=action.plan, action=action, **kwargs)


class ActionPeopleForm(ActionVersionMixin, forms.Form):
    lead = PersonChoiceField(
        label="Lead (optional)",
        required=False,
        empty_label="Not named",
        help_text="The one person who answers for the action.",
        what="a person",
    )
    supporting_officers = PeopleChoiceField(
        label="Further responsible people (optional)",
        required=False,
        help_text="People responsible alongside the lead. Hold Ctrl (or Cmd) to choose more than one.",
        what="people",
    )
    partners = forms.ModelMultipleChoiceField(
        label="Partner organisations (optional)",
        queryset=Organisation.objects.only("pk", "name").order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Organisations working on the action.",
        error_messages=choose_from_list("organisations"),
    )
    opened_version = opened_version_field()

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "lead": action.lead_id,
                "supporting_officers": list(action.supporting_officers.values_list("pk", flat=True)),
                "partners": list(action.partners.values_list("pk", flat=True)),
                "opened_version": action.version,
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        lead, supporting = cleaned.get("lead"), cleaned.get("supporting_officers")
        if lead is not None and supporting is not None and lead in supporting:
            self.add_error(
                "supporting_officers",
                f"{lead.display_name} is the lead: choose further responsible people other than the lead",
            )
        return cleaned


# --- Handover ---------------------------------------------------------------------------------


class HandoverForm(forms.Form):
    successor = PersonChoiceField(
        label="Who takes over their actions",
        empty_label="Choose a person",
        error_messages={"required": "Choose who takes over their actions"},
        what="a person",
    )
    deactivate_login = forms.BooleanField(
        label="Deactivate their login: they can no longer sign in",
        required=False,
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, leaver, **kwargs):
        super().__init__(*args, **kwargs)
        self.leaver = leaver
        self.fields["successor"].queryset = self.fields["successor"].queryset.exclude(pk=leaver.pk)
        if leaver.user_id is None:
            del self.fields["deactivate_login"]
