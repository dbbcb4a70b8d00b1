from django import forms


class UploadForm(forms.Form):
    spreadsheet = forms.FileField(
        label="Upload your filled-in update sheet",
        help_text="The Excel workbook (.xlsx) you downloaded and filled in. A CSV file saved from it works too.",
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={
            "required": "Choose the update sheet to upload",
            "empty": "The file you chose is empty",
            "invalid": "Choose the update sheet to upload",
        },
    )
