"""Forms officers use on the action page: a progress update, and a comment or question."""

from django import forms

from actionplans.kernel.dates import DATE_INPUT_FORMATS
from actionplans.plans.models import ActionComment
from actionplans.plans.rag import ActionStatus, Rag

NARRATIVE_MAX = 10_000


def rag_choices_with_meaning():
    return [(rag.value, f"{rag.label}: {rag.meaning}") for rag in Rag]


RAG_HELP = (
    "Blue: complete. Green: on track to meet the target date. Amber: at risk of missing it. "
    "Red: off track, or past its target date."
)


class ProgressUpdateForm(forms.Form):
    status = forms.ChoiceField(
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status of the action", "invalid_choice": "Choose one of the statuses"},
    )
    rag = forms.ChoiceField(
        label="RAG",
        choices=rag_choices_with_meaning,
        widget=forms.RadioSelect,
        help_text=RAG_HELP,
        error_messages={"required": "Choose a RAG", "invalid_choice": "Choose Blue, Green, Amber or Red"},
    )
    narrative = forms.CharField(
        label="Action taken",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=NARRATIVE_MAX,
        required=False,
        help_text="What has been done since the last update, and what happens next.",
        error_messages={"max_length": f"Action taken must be {NARRATIVE_MAX:,} characters or fewer"},
    )
    evidence_url = forms.URLField(
        label="Link to evidence (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example, a link to the report or minutes that show the progress.",
        error_messages={"invalid": "Enter a web address, like https://www.example.org/report"},
    )
    revised_target_date = forms.DateField(
        label="New target date (optional)",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text="Only if the target date is moving. For example, 31/03/2022.",
        error_messages={"invalid": "Enter a real date, like 31/03/2022"},
    )
    revision_reason = forms.CharField(
        label="Reason the target date is moving",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )


class CommentForm(forms.ModelForm):
    class Meta:
        model = ActionComment
        fields = ["text"]
        labels = {"text": "Comment or question"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "text": {
                "required": "Enter your comment or question",
                "max_length": "The comment must be 4,000 characters or fewer",
            }
        }
