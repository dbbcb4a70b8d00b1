"""The tracker table's filters: a GET form, so every view of the table is a link to share.

Choices come only from what the viewer may read, and none of them lists every person or
organisation: the lead officer is typed (or comes as a person id, `lead_id`, from links on a
person's page), and partner organisations are those partnering some action the viewer reads.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.formats import date_format

from actionplans.kernel.forms import LongSelect
from actionplans.plans import rag
from actionplans.plans.access import readable_plans
from actionplans.plans.models import Action, Plan
from actionplans.plans.rag import NOT_REPORTED_LABEL, ActionStatus, Rag
from partners.access import Viewer
from partners.models import Body, Organisation, Person
from recommendations.models import ResponseDecision, Source
from reports.tracker.search import search_actions
from reports.tracker.selectors import tracker_actions, tracker_scope

DATE_FORMAT = "%d/%m/%Y"
DATE_HINT = "For example, 31/03/2022"
NOT_REPORTED = "none"
RAG_CHOICES = [(rag.value, rag.label) for rag in Rag] + [(NOT_REPORTED, NOT_REPORTED_LABEL)]
YES, NO = "yes", "no"
YES_NO_CHOICES = [(YES, "Yes"), (NO, "No")]


class FetchedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """A filter's choices read in one plain query: Django reads a model choice field's choices
    through QuerySet.iterator(), which on PostgreSQL is a server-side cursor (declare, fetch,
    close) for a list of tens of rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class FetchedChoiceField(django_filters.fields.ModelChoiceField):
    iterator = FetchedChoiceIterator


class ListFilter(django_filters.ModelChoiceFilter):
    """A choice of every plan, source, body or partner the viewer can see: a long list, read in
    one query (FetchedChoiceIterator) and written by LongSelect."""

    field_class = FetchedChoiceField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=LongSelect, **kwargs)


def _date_filter(lookup_expr: str, label: str, name: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name="target_date",
        lookup_expr=lookup_expr,
        label=label,
        input_formats=[DATE_FORMAT],
        help_text=DATE_HINT,
        error_messages={"invalid": f"Enter a real date for ‘{name}’, like 31/03/2022"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )


class TrackerFilterForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("target_from"), cleaned_data.get("target_to")
        if start and end and start > end:
            self.add_error("target_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        if "lead_id" in self.errors:
            # A hidden field, set by links from a person's page: say so at the top of the page.
            self.add_error(None, "The lead officer in this link was not found. Clear the filters and search by name.")
        return cleaned_data


class TrackerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        max_length=200,
        help_text="Words in an action, its success criteria or milestones, or its recommendation",
    )
    plan = ListFilter(label="Plan", queryset=Plan.objects.none(), empty_label="All plans")
    source = ListFilter(
        label="Source", field_name="recommendation__source", queryset=Source.objects.none(), empty_label="All sources"
    )
    body = ListFilter(
        label="Body that owns the plan",
        field_name="plan__owning_body",
        queryset=Body.objects.none(),
        empty_label="All bodies",
    )
    rag = django_filters.MultipleChoiceFilter(
        label="RAG", choices=RAG_CHOICES, method="filter_rag", distinct=False, widget=forms.CheckboxSelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status",
        choices=ActionStatus.choices,
        method="filter_status",
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue", choices=YES_NO_CHOICES, method="filter_flag", empty_label="Any"
    )
    update_due = django_filters.ChoiceFilter(
        label="Update due", choices=YES_NO_CHOICES, method="filter_flag", empty_label="Any"
    )
    lead = django_filters.CharFilter(
        label="Lead officer", method="filter_lead_name", max_length=150, help_text="All or part of their name"
    )
    lead_id = django_filters.ModelChoiceFilter(
        field_name="lead", queryset=Person.objects.all(), widget=forms.HiddenInput, label="Lead officer"
    )
    partner = ListFilter(
        label="Partner organisation",
        field_name="partners",
        queryset=Organisation.objects.none(),
        empty_label="All partners",
    )
    target_from = _date_filter("gte", "Target date from", "target date from")
    target_to = _date_filter("lte", "Target date to", "target date to")
    decision = django_filters.ChoiceFilter(
        label="Response to the recommendation",
        field_name="recommendation__response_decision",
        choices=ResponseDecision.choices,
        empty_label="Any",
    )

    class Meta:
        model = Action
        fields: list[str] = []
        form = TrackerFilterForm

    def __init__(self, data=None, queryset=None, *, viewer: Viewer, scope: QuerySet, plan: Plan | None = None):
        """`scope`: the actions the table draws from (tracker_scope), to limit the choices. Each
        choice reads only what it is called by (its title or name): hundreds are listed."""
        super().__init__(data, queryset)
        if plan is not None:
            del self.filters["plan"], self.filters["body"]
        else:
            plans = readable_plans(viewer)
            self.filters["plan"].queryset = plans.order_by("title").only("title")
            bodies = Body.objects.filter(pk__in=plans.values("owning_body"))
            self.filters["body"].queryset = bodies.order_by("name").only("name")
        sources = Source.objects.filter(pk__in=scope.values("recommendation__source"))
        self.filters["source"].queryset = sources.order_by("title").only("title")
        partners = Organisation.objects.filter(pk__in=scope.values("partners"))
        self.filters["partner"].queryset = partners.order_by("name").only("name")

    def filter_text(self, queryset, name, value):
        return search_actions(queryset, value)

    # The RAG and the flags filter by rag.count_conditions(), which pick out the same actions as
    # the with_rag() annotations the rows show (a test proves it) but compare the stored columns:
    # the database need not work every action's RAG out to filter, and can use an index.

    def filter_rag(self, queryset, name, values):
        conditions = rag.count_conditions()
        return queryset.filter(reduce(or_, (conditions["" if value == NOT_REPORTED else value] for value in values)))

    def filter_status(self, queryset, name, values):
        """The status of the newest update; an action never reported on has not started."""
        condition = Q(latest_status__in=values)
        if ActionStatus.NOT_STARTED in values:
            condition |= Q(latest_status__isnull=True)
        return queryset.filter(condition)

    def filter_flag(self, queryset, name, value):
        condition = rag.count_conditions()[name]
        return queryset.filter(condition if value == YES else ~condition)

    def filter_lead_name(self, queryset, name, value):
        """Matched as the lead's name is shown: their name, or their job title if unnamed."""
        value = value.strip()
        return queryset.filter(Q(lead__name__icontains=value) | Q(lead__name="", lead__job_title__icontains=value))

    def active_filters(self) -> list[str]:
        """The filters applied, in words, e.g. ["RAG Red", "lead ‘Sue Allan’"]. Needs is_valid()."""
        data = self.form.cleaned_data
        described = []
        for name in self.filters:
            value = data.get(name)
            if value in (None, "", []):
                continue
            described.append(_describe(self.form.fields[name], name, value))
        return described


def _choice_labels(field: forms.ChoiceField, values) -> str:
    """The labels of the chosen values, in the order the form lists them."""
    return " or ".join(str(label) for value, label in field.choices if value in values)


def _describe(field: forms.Field, name: str, value) -> str:
    match name:
        case "q":
            return f"matching ‘{value.strip()}’"
        case "rag":
            return f"RAG {_choice_labels(field, value)}"
        case "status":
            return f"status {_choice_labels(field, value)}"
        case "overdue":
            return "overdue" if value == YES else "not overdue"
        case "update_due":
            return "update due" if value == YES else "no update due"
        case "lead":
            return f"lead ‘{value.strip()}’"
        case "lead_id":
            return f"lead ‘{value.display_name}’"
        case "body":
            return f"plan owned by ‘{value}’"
        case "target_from":
            return f"target on or after {date_format(value)}"
        case "target_to":
            return f"target on or before {date_format(value)}"
        case "decision":
            return f"response {_choice_labels(field, [value])}"
        case _:
            return f"{name} ‘{value}’"


def tracker_filterset(viewer: Viewer, params, *, plan: Plan | None = None) -> TrackerFilterSet:
    """The tracker's filters under the GET parameters `params`, over what the viewer may read:
    the one way the page, its exports and its update sheets select their rows."""
    return TrackerFilterSet(
        params, tracker_actions(viewer, plan=plan), viewer=viewer, scope=tracker_scope(viewer, plan=plan), plan=plan
    )
