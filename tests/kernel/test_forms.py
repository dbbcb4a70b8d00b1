"""A service's refusal put on the form that called it: each message on its field where the form
has that field, the rest at the top; and nothing saved, the form keeping the errors."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from actionplans.kernel.forms import add_validation_errors, save_or_add_errors


class NameForm(forms.Form):
    name = forms.CharField()
    notes = forms.CharField(required=False)


def valid_form() -> NameForm:
    form = NameForm({"name": "Children's Trust Board", "notes": ""})
    assert form.is_valid()
    return form


def test_field_errors_go_on_their_fields_and_the_rest_at_the_top():
    form = valid_form()
    add_validation_errors(
        form,
        ValidationError(
            {
                "name": ["There is already a body with this name", "Names are kept short"],
                "kind": "Choose a kind",  # not a field of this form
                NON_FIELD_ERRORS: "Somebody else changed this",
            }
        ),
    )
    assert form.errors["name"] == ["There is already a body with this name", "Names are kept short"]
    assert sorted(form.non_field_errors()) == ["Choose a kind", "Somebody else changed this"]
    assert "kind" not in form.errors and "notes" not in form.errors
    assert not form.is_valid()


def test_a_refusal_without_fields_goes_at_the_top():
    form = valid_form()
    add_validation_errors(form, ValidationError(["The plan is closed", "Open it again"]))
    assert form.non_field_errors() == ["The plan is closed", "Open it again"]
    assert set(form.errors) == {NON_FIELD_ERRORS}


def test_save_or_add_errors_returns_what_the_service_returns():
    form = valid_form()
    calls = []

    def service(**values):
        calls.append(values)
        return "saved"

    assert save_or_add_errors(form, service, name="Board", by=None) == "saved"
    assert calls == [{"name": "Board", "by": None}]
    assert form.is_valid() and not form.errors


def test_save_or_add_errors_returns_none_and_leaves_the_form_with_the_reasons():
    form = valid_form()

    def service(**values):
        raise ValidationError({"name": "There is already a body with this name", "kind": "Choose a kind"})

    assert save_or_add_errors(form, service, name="Board") is None
    assert form.errors["name"] == ["There is already a body with this name"]
    assert form.non_field_errors() == ["Choose a kind"]
    assert not form.is_valid()
