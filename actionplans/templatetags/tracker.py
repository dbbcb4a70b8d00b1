"""Template tags shared by every page: RAG tags, GOV.UK form widgets and the change history."""

from django import forms, template
from django.utils.safestring import SafeString

from actionplans.plans import history
from actionplans.plans.rag import Assessment, Rag, rag_tag_html

register = template.Library()


@register.simple_tag
def rag_tag(rag: Assessment | Rag | str | None) -> SafeString:
    """A RAG as a coloured tag with its words, never colour alone: an action's Assessment, or an
    effective_rag value. Made in Python, not from a template of its own: a table shows one in
    every row."""
    return rag_tag_html(rag.rag if isinstance(rag, Assessment) else rag)


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
