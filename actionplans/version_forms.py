"""The form side of "no lost updates": a form carries the version of the object it was
opened on, in a hidden field that is not a model field (so nobody can set the version
by posting it), and on a conflict keeps the person's typing and carries the new version
so that submitting again, having seen the other person's change, saves."""

from django import forms

from actionplans.concurrency import EditConflict


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
