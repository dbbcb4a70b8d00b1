from django import forms


class UploadForm(forms.Form):
    spreadsheet = forms.FileField(
        label="Upload your values sheet",
        help_text="An Excel workbook (.xlsx) or a CSV file, laid out as the values template.",
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={
            "required": "Choose the values sheet to upload",
            "empty": "The file you chose is empty",
            "invalid": "Choose the values sheet to upload",
        },
    )
