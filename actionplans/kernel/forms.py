"""The form side of "no lost updates": a form carries the version of the object it was
opened on, in a hidden field that is not a model field (so nobody can set the version
by posting it), and on a conflict keeps the person's typing and carries the new version
so that submitting again, having seen the other person's change, saves."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from actionplans.kernel.concurrency import EditConflict


class OpenedVersionMixin:
    """Mix into a form that declares `opened_version` and sets `conflict_message` (what the
    conflict was) and `stale_message` (what to do when the hidden version is missing or wrong)."""

    conflict_message = "Somebody else changed this while you were editing it"
    stale_message = "This form is out of date. Open it again"

    def clean(self):
        cleaned = super().clean()
        if "opened_version" in self._errors:  # a hidden field: say so at the top instead
            del self._errors["opened_version"]
            self.add_error(None, self.stale_message)
        return cleaned

    def note_conflict(self, conflict: EditConflict) -> None:
        data = self.data.copy()
        data[self.add_prefix("opened_version")] = conflict.current.version
        self.data = data
        self.add_error(None, self.conflict_message)


def opened_version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=True)


def add_validation_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: each message on its field where the form has
    that field, otherwise at the top of the form."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    for field, messages in by_field.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def save_or_add_errors(form: forms.Form, service, **values):
    """Call the service; if it refuses, put its reasons on the form and return None."""
    try:
        return service(**values)
    except ValidationError as error:
        add_validation_errors(form, error)
        return None
