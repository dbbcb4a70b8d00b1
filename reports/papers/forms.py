"""The committee paper's edit form, with error messages written the GOV.UK way.

Only the fields declared here are read from a request. The form carries the version of the
paper it was opened on (0 for a draft not saved yet), so nobody overwrites somebody else's
change without seeing it first.
"""

from __future__ import annotations

from django import forms

from actionplans.kernel.forms import OpenedVersionMixin
from partners.forms import text_area, too_long
from reports.models import CommitteePaper
from reports.papers.services import PAPER_TEXT_FIELDS

APPENDIX_RAG = "rag"
APPENDIX_SINCE = "since"
APPENDIX_MEASURES = "measures"
APPENDIX_MEASURE_FIGURES = "measure_figures"
APPENDIX_CHOICES = [
    (APPENDIX_RAG, "RAG summary: the RAG of the actions before the body, with a chart and a table"),
    (APPENDIX_SINCE, "What changed since the last meeting: updates, RAG moves, overdue actions, target dates"),
    (
        APPENDIX_MEASURES,
        "Measures that matter: each measure's baseline, latest figure, target, RAG and direction of travel",
    ),
    (APPENDIX_MEASURE_FIGURES, "Key performance data: each measure's figures month by month, over the year"),
]
# Which field of the paper says whether each optional appendix is in it.
APPENDIX_FIELDS = {
    APPENDIX_RAG: "include_rag_summary",
    APPENDIX_SINCE: "include_since_last",
    APPENDIX_MEASURES: "include_measures",
    APPENDIX_MEASURE_FIGURES: "include_measure_figures",
}
YES_NO = [(True, "Yes"), (False, "No")]


def _required(what: str, limit: int | None = None) -> dict[str, str]:
    messages = {"required": f"Enter {what}"}
    if limit:
        messages["max_length"] = too_long(what[0].upper() + what[1:], limit)
    return messages


class CommitteePaperForm(OpenedVersionMixin, forms.ModelForm):
    conflict_message = "Somebody else saved this paper while you were editing it. Check their changes below"
    stale_message = "This form is out of date. Open the paper again from the meeting's page"

    opened_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=True)
    agenda_item = forms.CharField(
        label="Agenda item number",
        max_length=10,
        help_text='As on the agenda, for example "9". Printed at the top of every page.',
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4"}),
        error_messages=_required("the agenda item number", 10),
    )
    confidentiality = text_area(
        "Statement of confidentiality", "The statement of confidentiality", required=True, rows=2
    )
    brief_summary = text_area("Brief summary", "The brief summary", required=True, rows=3)
    recommendations = text_area(
        "Recommendations",
        "The recommendations",
        required=True,
        rows=3,
        help_text='Each on its own line, for example "(i) That the Panel considers…".',
    )
    reasons = text_area(
        "Reasons for report recommendations",
        "The reasons",
        required=True,
        rows=3,
        help_text="Leave a blank line between paragraphs: each is numbered in the paper.",
    )
    alternative_options = text_area(
        "Alternative options considered and rejected", "The alternative options", required=True, rows=2
    )
    detail = text_area(
        "Detail (including consultation carried out)",
        "The detail",
        required=True,
        rows=10,
        help_text="Leave a blank line between paragraphs: each is numbered in the paper.",
    )
    resource_implications = text_area("Resource implications", "The resource implications", required=True, rows=2)
    legal_power = text_area(
        "Statutory power to undertake proposals in the report", "The statutory power", required=True, rows=2
    )
    legal_implications = text_area("Other legal implications", "The other legal implications", required=True, rows=2)
    risk_implications = text_area(
        "Risk management implications", "The risk management implications", required=True, rows=2
    )
    policy_implications = text_area(
        "Policy framework implications", "The policy framework implications", required=True, rows=2
    )
    key_decision = forms.TypedChoiceField(
        label="Key decision?",
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this is a key decision", "invalid_choice": "Choose yes or no"},
    )
    supporting_documentation = text_area(
        "Other supporting documentation",
        "The other supporting documentation",
        required=True,
        rows=2,
        help_text="Documents in members' rooms and background papers. The appendices are listed for you.",
    )
    appendices = forms.MultipleChoiceField(
        label="Optional appendices",
        choices=APPENDIX_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Appendix 1, the monitoring list, is always included. The measures appendices hold the measures of "
            "the plans before the body and of its core data set, and are left out when there are none."
        ),
        error_messages={"invalid_choice": "Choose appendices from the list"},
    )

    class Meta:
        model = CommitteePaper
        fields = PAPER_TEXT_FIELDS
        labels = {
            "subject": "Subject",
            "report_of": "Report of (optional)",
            "contact_name": "Contact name (optional)",
            "contact_title": "Contact job title (optional)",
            "contact_phone": "Contact telephone (optional)",
            "contact_email": "Contact e-mail (optional)",
            "wards_affected": "Wards or communities affected",
        }
        help_texts = {
            "report_of": 'The post the report is of, for example "Service Director – Legal and Business Operations".',
        }
        error_messages = {
            "subject": _required("the subject", 300),
            "report_of": _required("the post the report is of", 250),
            "contact_name": _required("the contact's name", 150),
            "contact_title": _required("the contact's job title", 250),
            "contact_phone": _required("the contact's telephone number", 40),
            "contact_email": {
                "invalid": "Enter an e-mail address in the correct format, like name@example.org",
                "max_length": too_long("The e-mail address", 254),
            },
            "wards_affected": _required("the wards or communities affected", 300),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        paper = self.instance
        self.fields["opened_version"].initial = paper.version if paper.pk else 0
        self.fields["appendices"].initial = [key for key, name in APPENDIX_FIELDS.items() if getattr(paper, name)]

    def _post_clean(self):
        super()._post_clean()
        appendices = self.cleaned_data.get("appendices") or []
        for key, name in APPENDIX_FIELDS.items():
            setattr(self.instance, name, key in appendices)
