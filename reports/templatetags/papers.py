"""Template tags of committee papers: paragraphs of a text, and a meeting's published papers."""

from django import template

from reports.models import PublishedPaper
from reports.papers.content import paragraphs as split_paragraphs

register = template.Library()


@register.filter
def paragraphs(text: str) -> list[str]:
    """The text's paragraphs: the parts between blank lines."""
    return split_paragraphs(text or "")


@register.inclusion_tag("reports/papers/_published_list.html")
def published_papers(meeting, *, may_edit: bool = False, heading_class: str = "govuk-heading-m"):
    """The papers published for the meeting, newest first, and for managers a link to prepare
    one. One query."""
    return {
        "meeting": meeting,
        "papers": list(PublishedPaper.objects.filter(meeting=meeting).listed()),
        "may_edit": may_edit,
        "heading_class": heading_class,
    }
