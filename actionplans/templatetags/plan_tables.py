"""The rows of the home page's table of plans, made in Python.

Every plan the viewer may read, each with its RAG counts: at council scale 60 rows of eleven
cells, which through the template engine cost more than the queries that fetch them (a reverse()
for each plan and lead, a dozen escaped and localised lookups a row). Here each row is a few
f-strings, every text and link escaped as the template escaped them (html.escape, which Django's
escape is), with the same markup; the table's caption and header stay in
templates/actionplans/home.html. tests/plans/test_home_rows.py compares the rows with what the
template made.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from actionplans.kernel.urls import pk_url
from actionplans.plans.selectors import PlanRow

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
