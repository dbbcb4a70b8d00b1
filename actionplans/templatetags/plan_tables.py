"""The rows of the home page's table of plans and of My actions, made in Python.

Home lists every plan the viewer may read with its RAG counts (60 rows of eleven cells at
council scale); My actions an officer's open actions (200 rows of six). Through the template
engine each row cost a dozen escaped and localised lookups, more than the queries that fetch
them. Here each row is a few f-strings, every text and link escaped as the template escaped them
(html.escape, which Django's escape is), with the same markup; the tables' captions and headers
stay in the templates (actionplans/home.html, my_actions.html). tests/plans/test_table_rows.py
compares the rows with what the templates made.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from html import escape

from django import template
from django.template.defaultfilters import truncatewords
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from actionplans.kernel.urls import pk_url
from actionplans.plans.rag import rag_tag_html
from actionplans.plans.selectors import MyActionsPage, PlanRow

register = template.Library()

_NUMERIC = "govuk-table__cell govuk-table__cell--numeric"


def _e(value) -> str:
    return escape(str(value))


@register.simple_tag
def home_plan_rows(rows: Iterable[PlanRow]) -> SafeString:
    """The <tr> of each plan: its title (a link) and owning body, its lead, its status, how many
    of its actions show each RAG, and how many are overdue and have an update due."""
    plan_url, person_url = pk_url("plan_detail"), pk_url("person_detail")
    made = []
    for row in rows:
        plan, summary = row.plan, row.summary
        lead = "Not named"
        if plan.lead_id:
            lead = f'<a class="govuk-link" href="{_e(person_url(plan.lead_id))}">{_e(plan.lead)}</a>'
        counts = "\n".join(
            f'<td class="{_NUMERIC}"><span class="govuk-visually-hidden">{_e(item.label)}: </span>{item.count}</td>'
            for item in summary.items
        )
        made.append(
            '<tr class="govuk-table__row">\n<th scope="row" class="govuk-table__header">\n'
            f'<a class="govuk-link" href="{_e(plan_url(plan.pk))}">{_e(plan.title)}</a>\n'
            '<span class="govuk-body-s app-secondary-text govuk-!-display-block govuk-!-margin-0 '
            f'govuk-!-font-weight-regular">Owned by {_e(plan.owning_body)}</span>\n</th>\n'
            f'<td class="govuk-table__cell">{lead}</td>\n'
            f'<td class="govuk-table__cell">{_e(plan.get_status_display())}</td>\n{counts}\n'
            f'<td class="{_NUMERIC}"><span class="govuk-visually-hidden">Overdue: </span>{summary.overdue}</td>\n'
            f'<td class="{_NUMERIC}"><span class="govuk-visually-hidden">Update due: </span>{summary.update_due}</td>\n'
            "</tr>"
        )
    return mark_safe("\n".join(made))  # every value escaped by _e()


def _day(value) -> str:
    """As the template's |date showed it: the day in DATE_FORMAT, a moment in local time first."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return date_format(value)


_NOTE = '<span class="govuk-!-display-block govuk-body-s govuk-!-margin-0 govuk-!-margin-top-1">{}</span>'
_SECONDARY = '<span class="govuk-!-display-block app-secondary-text">{}</span>'


@register.simple_tag
def my_action_rows(page: MyActionsPage) -> SafeString:
    """The <tr> of each of the person's open actions, most urgent first: the action (a link; its
    lead when it is not theirs), its plan, its target, its last update, its RAG with overdue,
    due soon and update due in words, and a button to post an update."""
    made = []
    for action in page.actions:
        assessment = action.assessment()
        url = _e(action.url)
        reference = f"{_e(action.reference)} " if action.reference else ""
        lead = ""
        if action.lead_id != page.person.pk:
            lead = "\n" + _SECONDARY.format(f"Lead: {_e(action.lead) if action.lead else 'not named'}")
        target = _e(_day(action.target_date) or "No date")
        if action.target_date_text:
            target += _SECONDARY.format(f"As printed: “{_e(action.target_date_text)}”")
        notes = ""
        if assessment.is_overdue:
            notes += "\n" + _NOTE.format("Overdue")
        elif action.urgency == 1:
            notes += "\n" + _NOTE.format("Due soon")
        if assessment.is_update_due:
            notes += "\n" + _NOTE.format("Update due")
        on = _e(action.reference or "this action")
        made.append(
            '<tr class="govuk-table__row">\n<td class="govuk-table__cell">\n'
            f'<a class="govuk-link" href="{url}">{reference}{_e(truncatewords(action.description, 20))}</a>{lead}\n'
            f'</td>\n<td class="govuk-table__cell">{_e(action.plan)}</td>\n'
            f'<td class="govuk-table__cell">{target}</td>\n'
            f'<td class="govuk-table__cell">{_e(_day(action.last_update_at) or "Not yet reported")}</td>\n'
            f'<td class="govuk-table__cell">\n{rag_tag_html(assessment.rag)}{notes}\n</td>\n'
            '<td class="govuk-table__cell"><a class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" '
            f'href="{url}#update">Post update<span class="govuk-visually-hidden"> on {on}</span></a></td>\n</tr>'
        )
    return mark_safe("\n".join(made))  # every value escaped by _e()
