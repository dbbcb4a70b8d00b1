"""The rows of the dashboards' tables, made in Python.

A dashboard shows four breakdowns and two tables over time, some 130 rows of eight cells, most
of them a link with words for screen readers, and three lists of 25. Through the template engine
every one of those cells cost a dozen variable lookups, each escaped and localised, which made
rendering the tables the largest part of the dashboard's time. Here each row is a few f-strings, every text
and link escaped by _e() as the template escaped them, with the same markup; the tables'
captions and headers stay in the templates (reports/dashboard/rag_table.html,
over_time_table.html, action_list.html, late_responses_table.html).
tests/reports/test_dashboard_tables.py compares the rows with what the templates made, for text
that needs escaping too.

Numbers are printed as the template printed them: whole numbers with no thousands separator
(settings.USE_THOUSAND_SEPARATOR is off).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from html import escape

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from actionplans.kernel.urls import pk_url
from actionplans.plans.rag import rag_tag_html
from recommendations.responses import ResponseLateness
from reports.dashboard.breakdowns import BreakdownRow, Cell
from reports.dashboard.history import PeriodFigures, Share
from reports.dashboard.selectors import ListedAction

register = template.Library()

_NUMERIC = "govuk-table__cell govuk-table__cell--numeric"


def _e(value) -> str:
    """Escaped as the template engine escapes (django.utils.html.escape is html.escape), but
    without its checks for lazy and safe strings: these are plain strings and numbers."""
    return escape(str(value))


def _cell(row_label: str, cell: Cell) -> str:
    label = _e(cell.label)
    if cell.url:
        return (
            f'<td class="{_NUMERIC} app-nowrap"><a class="govuk-link" href="{_e(cell.url)}">{cell.count}'
            f'<span class="govuk-visually-hidden"> {label}: {row_label}</span></a> '
            f'<span class="app-secondary-text">({cell.percentage}%)</span></td>'
        )
    if cell.count:
        return (
            f'<td class="{_NUMERIC} app-nowrap"><span class="govuk-visually-hidden">{label}: </span>{cell.count} '
            f'<span class="app-secondary-text">({cell.percentage}%)</span></td>'
        )
    return (
        f'<td class="{_NUMERIC} app-nowrap"><span class="govuk-visually-hidden">{label}: </span>'
        '<span class="app-secondary-text">0</span></td>'
    )


def _count_cell(row_label: str, count: int, url: str | None, linked_words: str, words: str) -> str:
    """The overdue or update-due count: a link to those actions where the tracker can show them."""
    if url:
        return (
            f'<td class="{_NUMERIC}"><a class="govuk-link" href="{_e(url)}">{count}'
            f'<span class="govuk-visually-hidden"> {linked_words}: {row_label}</span></a></td>'
        )
    return f'<td class="{_NUMERIC}"><span class="govuk-visually-hidden">{words}: </span>{count}</td>'


def _rag_row(row: BreakdownRow) -> str:
    label = _e(row.label)
    heading = f'<a class="govuk-link" href="{_e(row.url)}">{label}</a>' if row.url else label
    total_url = row.total_url
    total = (
        f'<a class="govuk-link" href="{_e(total_url)}">{row.total}'
        f'<span class="govuk-visually-hidden"> actions: {label}</span></a>'
        if total_url
        else str(row.total)
    )
    cells = "\n".join(_cell(label, cell) for cell in row.cells)
    overdue = _count_cell(label, row.summary.overdue, row.overdue_url, "overdue", "Overdue")
    update_due = _count_cell(label, row.summary.update_due, row.update_due_url, "with an update due", "Update due")
    return (
        f'<tr class="govuk-table__row">\n<th scope="row" class="govuk-table__header">{heading}</th>\n'
        f'<td class="{_NUMERIC}">{total}</td>\n{cells}\n{overdue}\n{update_due}\n</tr>'
    )


@register.simple_tag
def rag_table_rows(rows: Iterable[BreakdownRow]) -> SafeString:
    """The <tr> of each row of a table of RAG counts: its name (a link to its page, if it has
    one), its total, each RAG's count and percentage, overdue and update due; each count a link
    to the tracker table showing those actions, where the tracker can."""
    return mark_safe("\n".join(_rag_row(row) for row in rows))  # every value escaped by _e()


def _share_cell(share: Share) -> str:
    label = _e(share.label)
    if share.count:
        return (
            f'<td class="{_NUMERIC} app-nowrap"><span class="govuk-visually-hidden">{label}: </span>{share.count} '
            f'<span class="app-secondary-text">({share.percentage}%)</span></td>'
        )
    return (
        f'<td class="{_NUMERIC} app-nowrap"><span class="govuk-visually-hidden">{label}: </span>'
        '<span class="app-secondary-text">0</span></td>'
    )


def _period_row(row: PeriodFigures) -> str:
    cells = "\n".join(_share_cell(share) for share in row.shares)
    return (
        f'<tr class="govuk-table__row">\n<th scope="row" class="govuk-table__header">{_e(row.period.heading)}</th>\n'
        f'<td class="{_NUMERIC}">{row.summary.total}</td>\n{cells}\n</tr>'
    )


@register.simple_tag
def over_time_rows(figures: Iterable[PeriodFigures]) -> SafeString:
    """The <tr> of each period of a table of RAG over time: the period, how many actions, and
    each RAG's count and share."""
    return mark_safe("\n".join(_period_row(row) for row in figures))  # every value escaped by _e()


# --- The lists: overdue, update due, late or missing responses -----------------------------------


def _day(value) -> str:
    """As the template's |date showed it: the day in DATE_FORMAT, a moment in local time first."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return date_format(value)


@register.simple_tag
def action_list_rows(items: Iterable[ListedAction], kind: str, show_plan: bool) -> SafeString:
    """The <tr> of each action of a dashboard's overdue list (kind "overdue") or update-due list:
    the action, its plan (unless the dashboard is a plan's), its lead, and the target date and
    days overdue, or the last update, the days since and the RAG."""
    rows = []
    for item in items:
        action = item.action
        cells = [f'<td class="govuk-table__cell"><a class="govuk-link" href="{_e(item.url)}">{_e(action)}</a></td>']
        if show_plan:
            plan = f'<a class="govuk-link" href="{_e(item.plan_url)}">{_e(action.plan)}</a>'
            cells.append(f'<td class="govuk-table__cell">{plan}</td>')
        lead = "Not named"
        if item.lead_url:
            lead = f'<a class="govuk-link" href="{_e(item.lead_url)}">{_e(action.lead)}</a>'
        cells.append(f'<td class="govuk-table__cell">{lead}</td>')
        if kind == "overdue":
            cells.append(f'<td class="govuk-table__cell app-nowrap">{_e(_day(action.target_date))}</td>')
            cells.append(f'<td class="{_NUMERIC}">{item.days}</td>')
        else:
            cells.append(f'<td class="govuk-table__cell app-nowrap">{_e(_day(action.last_update_at))}</td>')
            cells.append(f'<td class="{_NUMERIC}">{item.days}</td>')
            cells.append(f'<td class="govuk-table__cell">{rag_tag_html(item.assessment.rag)}</td>')
        rows.append('<tr class="govuk-table__row">\n' + "\n".join(cells) + "\n</tr>")
    return mark_safe("\n".join(rows))  # every value escaped by _e()


@register.simple_tag
def late_response_rows(responses: Iterable[ResponseLateness]) -> SafeString:
    """The <tr> of each late or missing executive response: the recommendation (a link) and its
    source, when the response was due, and how late it is or came."""
    recommendation_url = pk_url("recommendation_detail")
    rows = []
    for late in responses:
        recommendation = late.recommendation
        label = f"{_e(recommendation.label)} " if recommendation.label else ""
        rows.append(
            '<tr class="govuk-table__row">\n'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{_e(recommendation_url(recommendation.pk))}">'
            f"{label}{_e(recommendation.short_text)}</a>"
            f'<span class="govuk-!-display-block app-secondary-text">{_e(recommendation.source)}</span></td>\n'
            f'<td class="govuk-table__cell app-nowrap">{_e(_day(recommendation.response_due_date))}</td>\n'
            f'<td class="govuk-table__cell">{_e(late.label)}</td>\n</tr>'
        )
    return mark_safe("\n".join(rows))  # every value escaped by _e()
