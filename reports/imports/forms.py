"""The importer's forms: what is imported and from where, which column holds what, and who is
who. Error messages are written the GOV.UK way; every choice is checked against options made on
the server, so nothing posted can name a column, a field or a person that was not offered.
"""

from __future__ import annotations

from django import forms
from openpyxl.utils import get_column_letter

from actionplans.kernel.dates import DATE_INPUT_FORMATS
from actionplans.plans.models import Plan
from partners.forms import PersonChoiceField, choose_from_list, too_long
from partners.models import Body
from recommendations.models import SourceKind
from reports.imports import headers
from reports.imports.parse import data_rows_below
from reports.spreadsheets import cell_text
from reports.uploads import UploadRefused, max_bytes, read_pasted, read_upload

PASTED_MAX = 2_000_000  # characters; Django refuses a form body much larger than this anyway


class StartForm(forms.Form):
    title = forms.CharField(
        label="Title of the plan",
        max_length=300,
        help_text="For example, Joint Area Review action plan.",
        error_messages={"required": "Enter the title of the plan", "max_length": too_long("The title", 300)},
    )
    owning_body = forms.ModelChoiceField(
        label="Owned by",
        queryset=Body.objects.only("pk", "name").order_by("name"),
        empty_label="Choose a body",
        help_text="The body that owns the plan and monitors its progress.",
        error_messages={"required": "Choose the body that owns the plan", **choose_from_list("a body")},
    )
    lead = PersonChoiceField(
        label="Lead of the plan (optional)",
        required=False,
        empty_label="Not named",
        what="a person",
    )
    source_title = forms.CharField(
        label="Title of the paper the actions come from",
        max_length=300,
        help_text="The report, inspection or minutes, for example Joint Area Review of Leicester (2008).",
        error_messages={
            "required": "Enter the title of the paper the actions come from",
            "max_length": too_long("The title of the paper", 300),
        },
    )
    source_kind = forms.ChoiceField(
        label="Kind of paper",
        choices=SourceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of paper", "invalid_choice": "Choose one of the kinds of paper"},
    )
    source_date = forms.DateField(
        label="Date of the paper (optional)",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text="For example, 17/06/2008.",
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"invalid": "Enter a real date, like 17/06/2008"},
    )
    upload = forms.FileField(
        label="Upload a spreadsheet (optional)",
        required=False,
        help_text="An Excel workbook (.xlsx) or a CSV file. Only the first worksheet is read.",
        error_messages={"empty": "The file is empty", "invalid": "Choose a spreadsheet to upload"},
    )
    pasted = forms.CharField(
        label="Or paste a table (optional)",
        required=False,
        max_length=PASTED_MAX,
        strip=False,
        help_text="Select the whole table in Word or Excel, copy it, and paste it here.",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        error_messages={"max_length": "The pasted table is too long: upload it as a spreadsheet instead"},
    )

    def __init__(self, *args, new_plan: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_plan = new_plan
        self.table = None
        self.header_row = 0
        if not new_plan:
            for name in ("title", "owning_body", "lead"):
                del self.fields[name]
        self.fields["upload"].help_text += f" {max_bytes() // (1024 * 1024) or 1} MB at most."

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if Plan.objects.filter(title=title).exists():
            raise forms.ValidationError("There is already a plan with this title")
        return title

    def clean(self):
        cleaned = super().clean()
        upload, pasted = cleaned.get("upload"), cleaned.get("pasted") or ""
        if self.errors.get("upload") or self.errors.get("pasted"):
            return cleaned
        if upload and pasted.strip():
            self.add_error("upload", "Upload a spreadsheet or paste a table, not both")
            return cleaned
        if not upload and not pasted.strip():
            self.add_error("upload", "Choose a spreadsheet to upload, or paste a table")
            return cleaned
        field_name = "upload" if upload else "pasted"
        try:
            self.table = read_upload(upload) if upload else read_pasted(pasted)
        except UploadRefused as refused:
            self.add_error(field_name, str(refused))
            return cleaned
        self.header_row = headers.find_header_row(self.table.rows)
        if data_rows_below(self.table.rows, self.header_row) == 0:
            where = "The pasted table" if field_name == "pasted" else f"“{self.table.name}”"
            self.add_error(field_name, f"{where} has column headings but no rows of actions under them")
            self.table = None
        return cleaned

    def setup(self) -> dict:
        data = self.cleaned_data
        setup = {
            "source_title": data["source_title"].strip(),
            "source_kind": data["source_kind"],
            "source_date": data["source_date"].isoformat() if data["source_date"] else None,
        }
        if self.new_plan:
            setup |= {
                "title": data["title"],
                "owning_body": data["owning_body"].pk,
                "lead": data["lead"].pk if data["lead"] else None,
            }
        return setup


def _summary(row: list, limit: int = 6) -> str:
    texts = [cell_text(value) for value in row if value is not None][:limit]
    text = " | ".join(t if len(t) <= 40 else t[:37] + "…" for t in texts)
    return text or "(empty)"


class ColumnsForm(forms.Form):
    """Which row holds the column headings, and what each column holds."""

    def __init__(self, *args, rows: list[list], header_row: int, mapping: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows, self.current_header_row = rows, header_row
        scan = [(str(i), f"Row {i + 1}: {_summary(row)}") for i, row in enumerate(rows[: headers.HEADER_SCAN_ROWS])]
        scan = [(value, label) for value, label in scan if not label.endswith("(empty)")]
        if str(header_row) not in {value for value, _ in scan}:
            scan.append((str(header_row), f"Row {header_row + 1}: {_summary(rows[header_row])}"))
        self.fields["header_row"] = forms.TypedChoiceField(
            label="Row with the column headings",
            choices=scan,
            coerce=int,
            initial=str(header_row),
            help_text="The rows above it, such as a title, are not imported.",
            error_messages={"required": "Choose the row with the column headings", **choose_from_list("a row")},
        )
        header = rows[header_row]
        samples = [row for row in rows[header_row + 1 :] if any(value is not None for value in row)][:3]
        choices = [(field.key, field.label) for field in headers.FIELDS]
        self.column_names = []
        for index, heading in enumerate(header):
            examples = [cell_text(row[index]) for row in samples if row[index] is not None]
            examples = [e if len(e) <= 50 else e[:47] + "…" for e in examples]
            name = f"column_{index}"
            heading_text = cell_text(heading)
            self.fields[name] = forms.ChoiceField(
                label=f"Column {get_column_letter(index + 1)}: "
                + (f"“{heading_text}”" if heading_text else "no heading"),
                choices=choices,
                initial=mapping[index] if index < len(mapping) else headers.IGNORE,
                help_text=("For example: " + "; ".join(examples)) if examples else "Empty in the first rows.",
                error_messages={
                    "required": "Choose what the column holds",
                    **choose_from_list("what the column holds"),
                },
            )
            self.column_names.append(name)

    @property
    def column_fields(self):
        return [self[name] for name in self.column_names]

    @property
    def header_row_changed(self) -> bool:
        return self.cleaned_data["header_row"] != self.current_header_row

    def mapping(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.column_names]

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("header_row") != self.current_header_row:
            return cleaned
        for index, message in headers.mapping_errors(self.mapping()).items():
            self.add_error(None if index == "__all__" else f"column_{index}", message)
        return cleaned


class NamesForm(forms.Form):
    """Who each name in the spreadsheet is, and which organisation each partner is."""

    CONFIRM, REFRESH = "confirm", "refresh"

    digest = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.person_names, self.organisation_names = [], []
        for kind, choices, names in (
            ("person", proposal.people, self.person_names),
            ("organisation", proposal.organisations, self.organisation_names),
        ):
            for index, choice in enumerate(choices.values()):
                name = f"{kind}_{index}"
                rows = ", ".join(str(row) for row in choice.rows[:8]) + ("…" if len(choice.rows) > 8 else "")
                how = f" Matched by {choice.how}." if choice.candidates and choice.how else ""
                self.fields[name] = forms.ChoiceField(
                    label=f"“{choice.text}”",
                    choices=choice.options,
                    initial=choice.decision,
                    help_text=f"Row{'s' if len(choice.rows) > 1 else ''} {rows}.{how}",
                    error_messages={"required": "Choose who this is", **choose_from_list("who this is")},
                )
                names.append((name, choice.key))
        self.choices = {
            name: choice
            for name, choice in zip(
                [n for n, _ in self.person_names + self.organisation_names],
                [*proposal.people.values(), *proposal.organisations.values()],
                strict=True,
            )
        }

    @property
    def person_fields(self):
        return [self[name] for name, _ in self.person_names]

    @property
    def organisation_fields(self):
        return [self[name] for name, _ in self.organisation_names]

    @classmethod
    def as_stored(cls, *, proposal, digest: str) -> NamesForm:
        """The form bound to the choices the proposal was built with, so that a name that cannot
        be imported as chosen shows its error on its own select."""
        data = {"digest": digest}
        for kind, choices in (("person", proposal.people), ("organisation", proposal.organisations)):
            data |= {f"{kind}_{index}": choice.decision for index, choice in enumerate(choices.values())}
        return cls(data, proposal=proposal)

    def add_name_errors(self) -> None:
        for name, choice in self.choices.items():
            if choice.error and name not in self.errors:
                self.add_error(name, choice.error)

    def decisions(self) -> dict:
        return {
            "people": {key: self.cleaned_data[name] for name, key in self.person_names},
            "organisations": {key: self.cleaned_data[name] for name, key in self.organisation_names},
        }
