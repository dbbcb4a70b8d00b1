"""Forms and the services behind them, one way for every page.

* A service refuses with ValidationError ({field: [messages]}): `add_validation_errors` puts
  each message on its field, or at the top of the form; `save_or_add_errors` calls a service
  and does that when it refuses.
* "No lost updates": a form carries the version of the object it was opened on, in a hidden
  field that is not a model field (so nobody can set the version by posting it), and on a
  conflict keeps the person's typing and carries the new version so that submitting again,
  having seen the other person's change, saves. `save_or_show_conflict` calls a service that
  may raise EditConflict and returns what the other person changed, in words, for
  templates/includes/edit_conflict.html; `form_status` is the page's HTTP status (409 for a
  conflict, 400 for any other refusal).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

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


# --- Edit conflicts: what the other person changed, in words ---------------------------------


@dataclass(frozen=True)
class ChangedField:
    label: str
    was: str  # when the form was opened
    now: str  # as the other person saved it


@dataclass(frozen=True)
class ConflictSummary:
    """What somebody else changed while the form was open, to show beside the person's own
    typing (templates/includes/edit_conflict.html)."""

    what: str  # the kind of object, e.g. "action"
    changes: list[ChangedField]
    changed_by: str
    changed_at: datetime.datetime | None


def conflict_summary(*, conflict: EditConflict, labels: Mapping[str, str] | None = None) -> ConflictSummary:
    """`labels`: what the form calls each field, where it differs from the model's name for it."""
    labels = labels or {}
    current = conflict.current
    changed_at = current.history.order_by("-history_date").values_list("history_date", flat=True).first()
    changes = [
        ChangedField(
            label=labels.get(change.field, change.label),
            was=_in_words(current, change.field, change.old),
            now=_in_words(current, change.field, change.new),
        )
        for change in conflict.changes
    ]
    changed_by = conflict.changes[0].changed_by if conflict.changes else "someone else"
    return ConflictSummary(
        what=str(current._meta.verbose_name), changes=changes, changed_by=changed_by, changed_at=changed_at
    )


def _in_words(instance: models.Model, field_name: str, value) -> str:
    """A field's value as the pages show it: the names of related objects, the label of a choice."""
    if value is None or value == "" or value == []:
        return "Blank"
    model_field = instance._meta.get_field(field_name)
    if model_field.many_to_many:  # the links, as rows of the through table
        target = model_field.m2m_reverse_field_name()
        related = model_field.related_model._default_manager.filter(pk__in=[row[target] for row in value])
        return ", ".join(sorted((str(obj) for obj in related), key=str.casefold)) or "None"
    if model_field.is_relation:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else "Deleted since"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value)
    return str(value)


def form_labels(form: forms.Form) -> dict[str, str]:
    return {name: str(field.label).removesuffix(" (optional)") for name, field in form.fields.items() if field.label}


def save_or_show_conflict(form: forms.Form, service, **values) -> tuple[object | None, ConflictSummary | None]:
    """Call the service and return (what it saved, None). If it refuses, put its reasons on
    the form and return (None, None); if somebody else saved the object after the form was
    opened, say so on the form (form.note_conflict) and return (None, what they changed)."""
    try:
        return service(**values), None
    except ValidationError as error:
        add_validation_errors(form, error)
        return None, None
    except EditConflict as conflict:
        form.note_conflict(conflict)
        return None, conflict_summary(conflict=conflict, labels=form_labels(form))


def form_status(form: forms.Form, conflict: ConflictSummary | None = None) -> int:
    """A form page's status: 409 after an edit conflict, 400 for a form sent back with errors."""
    return 409 if conflict else 400 if form.is_bound else 200


class LongSelect(forms.Select):
    """A select of tens or hundreds of options (every plan, every source) whose options are made
    in Python: the markup of Django's Select, which renders a template for every option, at a
    fraction of its cost. Choices in groups are left to Django's Select."""

    def render(self, name, value, attrs=None, renderer=None):
        # Read once: a model choice field's choices are a query (and list() would ask its
        # length first: a count query more).
        choices = [choice for choice in self.choices]
        if any(isinstance(label, (list, tuple)) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]  # without the options
        chosen, options = set(widget["value"]), []
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = text in chosen
            if selected:
                chosen = set()  # as Select: only the first option with the value is selected
            options.append(_option(text, label, selected))
        return mark_safe(f'<select name="{escape(name)}"{_attributes(widget["attrs"])}>{"".join(options)}\n</select>')


def _option(value: str, label, selected: bool) -> str:
    """An option as Django writes it (django/forms/widgets/select_option.html), with the white
    space around it that its template and django/forms/widgets/select.html leave."""
    selected_attribute = " selected" if selected else ""
    return f'\n  <option value="{escape(value)}"{selected_attribute}>{conditional_escape(label)}</option>\n'


def _attributes(attrs: Mapping) -> str:
    """HTML attributes as Django's widgets write them (django/forms/widgets/attrs.html)."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
