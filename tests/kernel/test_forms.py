"""A service's refusal put on the form that called it: each message on its field where the form
has that field, the rest at the top; and nothing saved, the form keeping the errors. And
LongSelect writing what Django's Select writes."""

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from actionplans.kernel.forms import LongSelect, add_validation_errors, save_or_add_errors


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


# --- LongSelect -------------------------------------------------------------------------------------

CHOICES = [("", "All plans"), (1, "Plan <one> & “two”"), (2, "Plan 2"), (2, "Plan 2 again"), (10, "Plan 10")]


@pytest.mark.parametrize("value", [None, "", "1", "2", "10", "99", ["1", "10"]])
def test_long_select_writes_the_markup_of_djangos_select(value):
    attrs = {"id": "id_plan", "class": "govuk-select", "aria-describedby": "id_plan-hint", "required": True}
    expected = forms.Select(choices=CHOICES).render("plan", value, attrs=attrs)
    assert LongSelect(choices=CHOICES).render("plan", value, attrs=attrs) == expected


def test_long_select_leaves_groups_of_choices_to_djangos_select():
    grouped = [("", "Any"), ("Councils", [(1, "Southampton"), (2, "Leicester")])]
    expected = forms.Select(choices=grouped).render("organisation", "2")
    assert LongSelect(choices=grouped).render("organisation", "2") == expected
    assert "<optgroup" in expected


@pytest.mark.django_db
def test_long_select_of_a_model_choice_field_reads_its_choices_in_one_query(django_assert_num_queries):
    from partners.models import Organisation
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="NHS Southampton City")
    OrganisationFactory(name="Hampshire Constabulary")
    field = forms.ModelChoiceField(queryset=Organisation.objects.order_by("name"), widget=LongSelect, required=False)
    with django_assert_num_queries(1):
        html = LongSelect.render(field.widget, "partner", None)
    assert html.count("<option") == 3  # the empty choice, and the two
