"""Template tags shared by every page: RAG tags, GOV.UK form widgets and the change history."""

import functools
import html

from django import forms, template
from django.template.defaultfilters import date, linebreaksbr
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import Truncator

from actionplans.plans import history
from actionplans.plans.rag import Assessment, Rag, rag_tag_html

register = template.Library()


@register.simple_tag
def rag_tag(rag: Assessment | Rag | str | None) -> SafeString:
    """A RAG as a coloured tag with its words, never colour alone: an action's Assessment, or an
    effective_rag value. Made in Python, not from a template of its own: a table shows one in
    every row."""
    return rag_tag_html(rag.rag if isinstance(rag, Assessment) else rag)


@register.simple_tag
def action_rows(actions, show_plan=False, show_others=False):
    """The rows of includes/actions_table.html: each action linked by its reference, its
    description, [plan,] the people responsible, target, status and RAG (annotated with_rag()).
    Written in Python, as Django's admin writes its changelist rows: a plan's page shows a
    table row for each of many actions, and the template engine costs several times as much.
    Links are the objects' `url` where a selector set it (one reverse() for a whole page), else
    get_absolute_url(). The lead and, with show_others, the further responsible people."""
    rows = []
    for action in actions:
        assessment = action.assessment()
        url = getattr(action, "url", None) or action.get_absolute_url()
        summary = Truncator(action.description).words(12, truncate=" …")
        cells = [
            f'<a class="govuk-link" href="{_escape(url)}">{_escape(action.reference or "View")}'
            f'<span class="govuk-visually-hidden"> action: {_escape(summary)}</span></a>',
            linebreaksbr(action.description, autoescape=True),
        ]
        if show_plan:
            cells.append(
                f'<a class="govuk-link" href="{_escape(action.plan.get_absolute_url())}">{_escape(action.plan)}</a>'
            )
        cells.append(_people_cell(action, show_others))
        target = (
            f'<span class="app-nowrap">{_escape(date(action.target_date))}</span>' if action.target_date else "No date"
        )
        if action.target_date_text:
            printed = _escape(action.target_date_text)
            target += f'<span class="govuk-!-display-block app-secondary-text">As printed: “{printed}”</span>'
        cells.append(target)
        cells.append(_escape(action.current_status_label))
        flag = '<span class="govuk-!-display-block govuk-body-s govuk-!-margin-0 govuk-!-margin-top-1">{}</span>'
        rag = rag_tag(assessment)
        if assessment.is_overdue:
            rag += flag.format("Overdue")
        if assessment.is_update_due:
            rag += flag.format("Update due")
        cells.append(rag)
        tds = "".join(f'<td class="govuk-table__cell">{cell}</td>' for cell in cells)
        rows.append(f'<tr class="govuk-table__row" id="action-{action.pk}">{tds}</tr>')
    return mark_safe("\n".join(rows))  # every value in it escaped above


def _people_cell(action, show_others: bool) -> str:
    def link(person) -> str:
        url = getattr(person, "url", None) or person.get_absolute_url()
        return f'<a class="govuk-link" href="{_escape(url)}">{_escape(person)}</a>'

    if not show_others:
        return f"{link(action.lead)} (lead)" if action.lead else "Not named"
    people = []
    for index, person in enumerate(action.responsible_people):
        text = link(person) + (" (lead)" if index == 0 and action.lead else "")
        if organisation := person.organisation:
            name = organisation.short_name or organisation.name
            text += f'<span class="app-secondary-text">, {_escape(name)}</span>'
        people.append(f'<span class="govuk-!-display-block">{text}</span>')
    return "".join(people) or "Not named"


# GOV.UK Frontend class of each kind of widget, keyed by Django's BoundField.widget_type.
_WIDGET_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "longselect": "govuk-select",  # actionplans.kernel.forms.LongSelect
    "selectmultiple": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


@register.filter
def govuk_describedby(field: forms.BoundField) -> str:
    """The ids of the field's hint and error message, for aria-describedby."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.simple_tag
def govuk_widget(field: forms.BoundField):
    """Render a text-like widget (input, textarea, select) with GOV.UK classes and ARIA links."""
    css_class = _WIDGET_CLASSES.get(field.widget_type, "govuk-input")
    if field.errors:
        css_class += f" {css_class}--error"
    attrs = {"class": f"{css_class} {field.field.widget.attrs.get('class', '')}".strip()}
    if describedby := govuk_describedby(field):
        attrs["aria-describedby"] = describedby
    return field.as_widget(attrs=attrs)


@register.simple_tag
def govuk_row_field(field: forms.BoundField, for_item: str = ""):
    """A select or textarea in the markup of includes/form_field.html, written in Python, for
    a page that repeats fields on every row of a table (the monitoring list's decisions): the
    template engine and Django's widget templates cost several times as much per field.
    `for_item` ends the label, visually hidden but read out, so each row's label is its own
    ("Decision for item 12"). Any other kind of field is rendered by govuk_widget. Every
    value written is escaped."""
    errors = field.errors
    field_id = _escape(field.auto_id)
    hidden = f'<span class="govuk-visually-hidden"> {_escape(for_item)}</span>' if for_item else ""
    parts = [f'<label class="govuk-label" for="{_escape(field.id_for_label)}">{_escape(field.label)}{hidden}</label>']
    if field.help_text:
        parts.append(f'<div id="{field_id}-hint" class="govuk-hint">{_escape(field.help_text)}</div>')
    if errors:
        messages = "<br>".join(
            f'<span class="govuk-visually-hidden">Error:</span> {_escape(error)}' for error in errors
        )
        parts.append(f'<p id="{field_id}-error" class="govuk-error-message">{messages}</p>')
    parts.append(_lean_widget(field) or govuk_widget(field))
    css = "govuk-form-group govuk-form-group--error" if errors else "govuk-form-group"
    return mark_safe(f'<div class="{css}">{"".join(parts)}</div>')  # every value in it escaped above


def _lean_widget(field: forms.BoundField) -> str | None:
    """The <select> or <textarea> of govuk_widget without Django's widget templates, or None
    for a widget it does not write (grouped choices, any other kind)."""
    kind = field.widget_type
    if kind not in ("select", "textarea"):
        return None
    widget = field.field.widget
    css = _WIDGET_CLASSES[kind] + (f" {_WIDGET_CLASSES[kind]}--error" if field.errors else "")
    extra = {"class": f"{css} {widget.attrs.get('class', '')}".strip(), "id": field.auto_id}
    if describedby := govuk_describedby(field):
        extra["aria-describedby"] = describedby
    attrs = _attributes(widget.build_attrs(widget.attrs, field.build_widget_attrs(extra)))
    value = field.value()
    if kind == "textarea":
        text = _escape(widget.format_value(value) or "")
        return f'<textarea name="{_escape(field.html_name)}"{attrs}>\n{text}</textarea>'
    choices = tuple(field.field.choices)
    if any(isinstance(label, (list, tuple)) for _, label in choices):  # grouped: Django's template
        return None
    options = _options(choices, "" if value is None else str(value))
    return f'<select name="{_escape(field.html_name)}"{attrs}>{options}</select>'


def _escape(value) -> str:
    """As conditional_escape, for the many small strings of a long page: what is marked safe
    stays as it is; anything else is escaped."""
    return str(value) if isinstance(value, SafeData) else html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """As django.forms.utils.flatatt: ' name="value"' for each, a bare name for True, none for False or None."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


@functools.lru_cache(maxsize=256)
def _options(choices: tuple, current: str) -> str:
    """A select's <option>s, the one whose value is `current` selected. Cached: a page's rows
    repeat a few sets of choices."""
    options = []
    for value, label in choices:
        selected = " selected" if str(value) == current else ""
        options.append(f'<option value="{_escape(value)}"{selected}>{_escape(label)}</option>')
    return "".join(options)


# How many entries of the change history an object's page shows.
CHANGE_HISTORY_LIMIT = 50


@register.inclusion_tag("includes/change_history.html")
def change_history(obj, limit: int = CHANGE_HISTORY_LIMIT):
    """The "Change history" section of an object's page: who changed what and when, newest
    first, with what belongs to the object (a plan's actions, an action's updates and comments,
    memberships). See actionplans.plans.history for what it costs in queries."""
    return {
        "entries": history.activity(obj, limit=limit),
        "object_name": obj._meta.verbose_name,
        "has_related": type(obj) in history.MERGED_MODELS,
    }
