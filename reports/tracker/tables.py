"""The tracker table: one row an action. Its RAG and flags are Action.assessment(): the with_rag()
annotations the table was filtered and sorted by where the row has them, else the same rules
(actionplans.plans.rag, which a test proves agree) on the action's kept fields."""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable
from functools import cached_property

import django_tables2 as tables
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.template.defaultfilters import truncatewords
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from actionplans.kernel import clock
from actionplans.kernel.urls import pk_url
from actionplans.plans.rag import Assessment, rag_tag_html

DESCRIPTION_WORDS = 20
# Each sortable column in words, for the table's caption.
SORT_NAMES = {"plan": "plan", "lead": "lead", "target": "target date", "rag": "RAG", "last_update": "last update"}
# Rows equal on the sorted column keep the order of the plans as printed.
TIEBREAK = ("plan__title", "position", "pk")


def _ordered(queryset: QuerySet, expression, descending: bool, *, nulls: str = "last"):
    """Order by `expression`, then the plan order; rows without a value first or last as `nulls` says,
    whatever the direction and the database."""
    nulls_kwargs = {"nulls_last": True} if nulls == "last" else {"nulls_first": True}
    expression = expression.desc(**nulls_kwargs) if descending else expression.asc(**nulls_kwargs)
    return queryset.order_by(expression, *TIEBREAK), True


class TrackerTable(tables.Table):
    reference = tables.Column(verbose_name="Ref.", orderable=False, empty_values=())
    description = tables.Column(verbose_name="Action", orderable=False)
    plan = tables.Column(verbose_name="Plan")
    recommendation = tables.Column(verbose_name="Recommendation", orderable=False, empty_values=())
    lead = tables.Column(verbose_name="Lead", empty_values=())
    target = tables.Column(verbose_name="Target date", accessor="target_date", empty_values=())
    status = tables.Column(verbose_name="Status", accessor="latest_status", orderable=False, empty_values=())
    rag = tables.Column(verbose_name="RAG", accessor="effective_rag", empty_values=())
    last_update = tables.Column(verbose_name="Last update", accessor="last_update_at", empty_values=())
    flags = tables.Column(verbose_name="Flags", accessor="pk", orderable=False, empty_values=())

    class Meta:
        template_name = "reports/tracker/table.html"
        order_by_field = "sort"
        page_field = "page"
        empty_text = "No actions match these filters."

    @cached_property
    def _on(self) -> datetime.date:
        return clock.today()

    def _assessment(self, record) -> Assessment:
        """The record's Action.assessment() as at the table's day, worked out once a row."""
        assessment = getattr(record, "_tracker_assessment", None)
        if assessment is None:
            assessment = record._tracker_assessment = record.assessment(on=self._on)
        return assessment

    @cached_property
    def _urls(self) -> dict[str, Callable[[int], str]]:
        """The links of every row, for one reverse() of each kind a page (actionplans.kernel.urls)."""
        return {name: pk_url(name) for name in ("action_detail", "plan_detail", "person_detail")}

    def body_html(self) -> SafeString:
        """The rows of the page shown (self.page, whose objects are the actions, as the view reads
        them: reports.tracker.selectors.rows_of), as the <tr> of django_tables2's rows would be
        in reports/tracker/table.html: each visible column's cell, from its render_ method (the
        RAG tag for the RAG). Made here, not by django_tables2's BoundRow, which works out every
        render method's signature again for every cell: most of the page's time, for the same
        markup. Sorting, paging and the header stay django_tables2's."""
        columns = [(column.name, self._cell(column)) for column in self.columns]
        if not self.page.object_list:
            return format_html(
                '<tr class="govuk-table__row">\n<td class="govuk-table__cell" colspan="{}">{}</td>\n</tr>',
                len(columns),
                self.empty_text,
            )
        rows = []
        for record in self.page.object_list:
            cells = "".join(
                f'\n<td class="govuk-table__cell app-tracker-table__{name}">{conditional_escape(cell(record))}</td>'
                for name, cell in columns
            )
            rows.append(f'<tr class="govuk-table__row" id="action-{record.pk}">{cells}\n</tr>')
        return mark_safe("\n".join(rows))  # every cell escaped, as {{ cell }} escapes

    def _cell(self, column) -> Callable:
        """What a column shows for a record: its render_ method, given the record and the value its
        accessor reads as it asks (worked out once a column, not once a cell), or the value; an
        empty value the column does not render is shown as its default, as django_tables2 does."""
        accessor, empty, default = column.accessor, column.column.empty_values, column.default
        render = getattr(self, f"render_{column.name}", None)
        if render is None:
            show = accessor.resolve
        else:
            wants = set(inspect.signature(render).parameters)
            with_record, with_value = "record" in wants, "value" in wants

            def show(record):
                arguments = {"record": record} if with_record else {}
                if with_value:
                    arguments["value"] = accessor.resolve(record)
                return render(**arguments)

        if not empty:
            return show
        return lambda record: default if accessor.resolve(record) in empty else show(record)

    @property
    def sorted_by(self) -> str:
        """The sort in words, e.g. "target date, descending"; empty in the plans' own order."""
        for column in self.columns:
            if column.is_ordered:
                direction = "descending" if column.order_by_alias.is_descending else "ascending"
                return f"{SORT_NAMES[column.name]}, {direction}"
        return ""

    # --- cells ------------------------------------------------------------------------

    def render_reference(self, record):
        return format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> action: {}</span></a>',
            self._urls["action_detail"](record.pk),
            record.reference or "View",
            truncatewords(record.description, 12),
        )

    def render_description(self, value):
        return truncatewords(value, DESCRIPTION_WORDS)

    def render_plan(self, record):
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', self._urls["plan_detail"](record.plan_id), record.plan
        )

    def render_recommendation(self, record):
        recommendation = record.recommendation
        if recommendation is None:
            return format_html('<span class="app-secondary-text">{}</span>', "None: agreed at a meeting")
        return format_html(
            '{}<span class="govuk-!-display-block app-secondary-text">{}</span>',
            recommendation.label or recommendation.short_text,
            recommendation.source,
        )

    def render_lead(self, record):
        lead = (
            format_html(
                '<a class="govuk-link" href="{}">{}</a>', self._urls["person_detail"](record.lead_id), record.lead
            )
            if record.lead
            else "Not named"
        )
        others = [person for person in record.supporting_officers.all() if person.pk != record.lead_id]
        if not others:
            return lead
        names = format_html_join(", ", "{}", ((person,) for person in others))
        return format_html('{}<span class="govuk-!-display-block app-secondary-text">With {}</span>', lead, names)

    def render_target(self, record):
        date = (
            format_html('<span class="app-nowrap">{}</span>', date_format(record.target_date, "SHORT_DATE_FORMAT"))
            if record.target_date
            else "No date"
        )
        if not record.target_date_text:
            return date
        return format_html(
            '{}<span class="govuk-!-display-block app-secondary-text">As printed: “{}”</span>',
            date,
            record.target_date_text,
        )

    def render_status(self, record):
        return record.current_status_label

    def render_rag(self, record):
        return rag_tag_html(self._assessment(record).rag)

    def render_last_update(self, value):
        if not value:
            return "Never"
        return format_html(
            '<span class="app-nowrap">{}</span>', date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")
        )

    def render_flags(self, record):
        assessment = self._assessment(record)
        flags = [
            label
            for label, flagged in (
                ("Overdue", assessment.is_overdue),
                ("Update due", assessment.is_update_due),
                ("Not yet reported", assessment.is_not_yet_reported),
            )
            if flagged
        ]
        return format_html_join("", '<span class="govuk-!-display-block">{}</span>', ((flag,) for flag in flags))

    # --- sorting, in the database -----------------------------------------------------

    def order_plan(self, queryset, is_descending):
        return _ordered(queryset, F("plan__title"), is_descending)

    def order_lead(self, queryset, is_descending):
        # As the lead's name is shown: the job title of someone known only by their post.
        return _ordered(queryset, Coalesce(NullIf("lead__name", Value("")), "lead__job_title"), is_descending)

    def order_target(self, queryset, is_descending):
        return _ordered(queryset, F("target_date"), is_descending)

    def order_rag(self, queryset, is_descending):
        return _ordered(queryset, F("rag_severity"), is_descending)

    def order_last_update(self, queryset, is_descending):
        # Never reported counts as the oldest update.
        return _ordered(queryset, F("last_update_at"), is_descending, nulls="last" if is_descending else "first")
