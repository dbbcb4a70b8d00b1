"""Forms democratic support use to keep people, organisations, bodies, memberships and
meetings up to date, and the people pickers every form shares.

Error messages are written the GOV.UK way. Only the fields each form declares are read
from a request: a posted `id`, `body` or `version` is ignored.
"""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils.formats import date_format

from actionplans.kernel.dates import DATE_INPUT_FORMATS
from partners.models import (
    Body,
    BodyKind,
    Meeting,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Person,
)

TEXT_MAX = 10_000
NO_ORGANISATION = "No organisation"
DATE_EXAMPLE = "For example, 30/09/2021."
TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%I:%M%p", "%I.%M%p", "%I:%M %p", "%I%p", "%I %p"]


def too_long(what: str, limit: int) -> str:
    return f"{what} must be {limit:,} characters or fewer"


def choose_from_list(what: str) -> dict[str, str]:
    """The messages of a picker given a value that is not one of its options."""
    message = f"Choose {what} from the list"
    return {"invalid_choice": message, "invalid_pk_value": message, "invalid_list": message}


def text_area(label: str, what: str, *, required: bool = False, rows: int = 4, **kwargs) -> forms.CharField:
    """A TextField's form field, with the length limit the model does not have."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": too_long(what, TEXT_MAX), "required": f"Enter {what.lower()}"},
        **kwargs,
    )


# --- People pickers: options grouped by organisation -------------------------------------


def people_for_picker():
    """Everyone, with only the columns a picker shows, ordered by organisation then name:
    one query however many people there are."""
    return (
        Person.objects.select_related("organisation")
        .only("pk", "name", "job_title", "organisation__name")
        .order_by(F("organisation__name").asc(nulls_last=True), "name", "job_title", "pk")
    )


def person_label(person: Person) -> str:
    if person.name and person.job_title:
        return f"{person.name}, {person.job_title}"
    return person.display_name


class GroupedModelChoiceIterator(forms.models.ModelChoiceIterator):
    """Options in <optgroup>s, one per value of the field's `group_of(obj)`, in queryset order."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        objects = list(self.queryset)
        self.field.prepare_labels(objects)
        for group, members in groupby(objects, key=self.field.group_of):
            yield (group, [self.choice(obj) for obj in members])


class GroupedChoiceMixin:
    iterator = GroupedModelChoiceIterator

    def group_of(self, obj) -> str:
        raise NotImplementedError

    def prepare_labels(self, objects: list) -> None:
        """Called with every option before any label is asked for."""


class PersonChoiceField(GroupedChoiceMixin, forms.ModelChoiceField):
    """One person, picked from everyone grouped by organisation."""

    def __init__(self, *, what: str = "a person", **kwargs):
        kwargs.setdefault("queryset", people_for_picker())
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = choose_from_list(what) | kwargs["error_messages"]
        super().__init__(**kwargs)

    def group_of(self, person) -> str:
        return person.organisation.name if person.organisation_id else NO_ORGANISATION

    def label_from_instance(self, person) -> str:
        return person_label(person)


class PeopleChoiceField(GroupedChoiceMixin, forms.ModelMultipleChoiceField):
    """Several people, picked from everyone grouped by organisation."""

    def __init__(self, *, what: str = "people", **kwargs):
        kwargs.setdefault("queryset", people_for_picker())
        # GOV.UK Frontend gives every select one line's height; a multiple select needs more.
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 12, "style": "height: auto"}))
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = choose_from_list(what) | kwargs["error_messages"]
        super().__init__(**kwargs)

    def group_of(self, person) -> str:
        return person.organisation.name if person.organisation_id else NO_ORGANISATION

    def label_from_instance(self, person) -> str:
        return person_label(person)


# --- Organisations ----------------------------------------------------------------------


class OrganisationForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of organisation",
            "invalid_choice": "Choose one of the kinds of organisation",
        },
    )

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind"]
        labels = {"name": "Name", "short_name": "Short name (optional)"}
        help_texts = {"short_name": "For example, SCC."}
        widgets = {"short_name": forms.TextInput(attrs={"class": "govuk-input--width-10"})}
        error_messages = {
            "name": {
                "required": "Enter the name of the organisation",
                "max_length": too_long("The name", 200),
                "unique": "There is already an organisation with this name",
            },
            "short_name": {"max_length": too_long("The short name", 40)},
        }


# --- People ---------------------------------------------------------------------------


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        full_name = user.get_full_name()
        return f"{user.get_username()} ({full_name})" if full_name else user.get_username()


class PersonForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label="Organisation (optional)",
        queryset=Organisation.objects.only("pk", "name").order_by("name"),
        required=False,
        empty_label="Not recorded",
        error_messages=choose_from_list("an organisation"),
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": too_long("The email address", 254),
        },
    )
    user = UserChoiceField(
        label="Login account (optional)",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="No login account",
        help_text="The account this person signs in with, if they use the tracker.",
        error_messages=choose_from_list("a login account that belongs to nobody else"),
    )

    class Meta:
        model = Person
        fields = ["name", "job_title", "organisation", "email", "user", "is_senior"]
        labels = {"name": "Name", "job_title": "Job title"}
        help_texts = {
            "name": "Leave blank if papers name only the post.",
            "job_title": "For example, Head of Commissioning.",
        }
        error_messages = {
            "name": {"max_length": too_long("The name", 150)},
            "job_title": {"max_length": too_long("The job title", 250)},
            "user": {"unique": "That login account belongs to somebody else"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(person__isnull=True)
        if self.instance.user_id:
            users = users | get_user_model().objects.filter(pk=self.instance.user_id)
        self.fields["user"].queryset = users.only("pk", "username", "first_name", "last_name").order_by("username")

    def clean(self):
        cleaned = super().clean()
        if "name" in cleaned and "job_title" in cleaned:
            if not cleaned["name"].strip() and not cleaned["job_title"].strip():
                self.add_error("name", "Enter a name or a job title")
        return cleaned


# --- Bodies and their members --------------------------------------------------------------


class BodyForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label="Kind of body",
        choices=BodyKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of body", "invalid_choice": "Choose one of the kinds of body"},
    )
    organisation = forms.ModelChoiceField(
        label="Hosted by (optional)",
        queryset=Organisation.objects.only("pk", "name").order_by("name"),
        required=False,
        empty_label="Not recorded",
        help_text="The organisation that hosts the body.",
        error_messages=choose_from_list("an organisation"),
    )
    remit = text_area("Remit (optional)", "The remit")

    class Meta:
        model = Body
        fields = ["name", "kind", "organisation", "remit"]
        labels = {"name": "Name"}
        help_texts = {"name": "For example, Children and Young People Scrutiny Panel."}
        error_messages = {
            "name": {
                "required": "Enter the name of the body",
                "max_length": too_long("The name", 200),
                "unique": "There is already a body with this name",
            },
        }


class MembershipForm(forms.ModelForm):
    """Adds somebody to a body, or changes their role on it (then the person is fixed)."""

    person = PersonChoiceField(label="Person", empty_label="Choose a person", what="a person")
    role = forms.ChoiceField(
        label="Role",
        choices=MembershipRole.choices,
        initial=MembershipRole.MEMBER,
        error_messages={"required": "Choose the role", "invalid_choice": "Choose one of the roles"},
    )

    class Meta:
        model = Membership
        fields = ["person", "role", "representing"]
        labels = {"representing": "Representing (optional)"}
        help_texts = {"representing": "As printed, for example Police Authority."}
        error_messages = {"representing": {"max_length": too_long("Representing", 250)}}

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.instance.body = body
        if self.instance.pk is not None:
            del self.fields["person"]
        else:
            self.fields["person"].error_messages["required"] = "Choose the person to add"

    def clean_person(self):
        person = self.cleaned_data["person"]
        if Membership.objects.filter(body=self.body, person=person).exists():
            raise forms.ValidationError(f"{person.display_name} is already a member of {self.body.name}")
        return person


# --- Meetings ------------------------------------------------------------------------------


class MeetingForm(forms.ModelForm):
    date = forms.DateField(
        label="Date",
        input_formats=DATE_INPUT_FORMATS,
        help_text=DATE_EXAMPLE,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter the date of the meeting", "invalid": "Enter a real date, like 30/09/2021"},
    )
    time = forms.TimeField(
        label="Time (optional)",
        required=False,
        input_formats=TIME_INPUT_FORMATS,
        help_text="For example, 18:30 or 6:30pm.",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
        error_messages={"invalid": "Enter a real time, like 18:30 or 6:30pm"},
    )

    class Meta:
        model = Meeting
        fields = ["date", "time", "venue"]
        labels = {"venue": "Venue (optional)"}
        help_texts = {"venue": "For example, Civic Centre."}
        error_messages = {"venue": {"max_length": too_long("The venue", 250)}}

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.instance.body = body

    def clean_date(self):
        date = self.cleaned_data["date"]
        others = Meeting.objects.filter(body=self.body, date=date).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"{self.body.name} already has a meeting on {date_format(date)}")
        return date
