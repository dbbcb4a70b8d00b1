"""The rows of the home page's table of plans, made in Python (actionplans/templatetags/
plan_tables.py): the markup the template made, every text and link escaped."""

import re

from django.template import Context, Template

from actionplans.plans.models import Plan, PlanStatus
from actionplans.plans.selectors import PlanRow, RagSummary
from actionplans.templatetags.plan_tables import home_plan_rows
from partners.models import Body, Person

# What templates/actionplans/home.html rendered for each row before the rows were made in Python.
HOME_ROW_TEMPLATE = """{% for row in rows %}
<tr class="govuk-table__row">
  <th scope="row" class="govuk-table__header">
    <a class="govuk-link" href="{{ row.plan.get_absolute_url }}">{{ row.plan.title }}</a>
    <span class="govuk-body-s app-secondary-text govuk-!-display-block govuk-!-margin-0 govuk-!-font-weight-regular">Owned by {{ row.plan.owning_body }}</span>
  </th>
  <td class="govuk-table__cell">{% if row.plan.lead %}<a class="govuk-link" href="{{ row.plan.lead.get_absolute_url }}">{{ row.plan.lead }}</a>{% else %}Not named{% endif %}</td>
  <td class="govuk-table__cell">{{ row.plan.get_status_display }}</td>
  {% for item in row.summary.items %}
  <td class="govuk-table__cell govuk-table__cell--numeric"><span class="govuk-visually-hidden">{{ item.label }}: </span>{{ item.count }}</td>
  {% endfor %}
  <td class="govuk-table__cell govuk-table__cell--numeric"><span class="govuk-visually-hidden">Overdue: </span>{{ row.summary.overdue }}</td>
  <td class="govuk-table__cell govuk-table__cell--numeric"><span class="govuk-visually-hidden">Update due: </span>{{ row.summary.update_due }}</td>
</tr>
{% endfor %}"""  # noqa: E501 (the template's lines as they were)


def markup(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_home_rows_are_the_markup_the_template_made_with_every_text_escaped():
    body = Body(pk=2, name="Children & Families <Panel>")
    lead = Person(pk=5, name="", job_title='Head of "Early" Help')
    counts = {"blue": 1, "green": 2, "amber": 0, "red": 1234, "": 3, "overdue": 1000, "update_due": 7}
    rows = [
        PlanRow(
            plan=Plan(pk=1, title="<b>APA</b> & plan", owning_body=body, lead=lead, status=PlanStatus.ACTIVE),
            summary=RagSummary.from_counts(counts),
        ),
        PlanRow(
            plan=Plan(pk=3, title="No lead", owning_body=body, status=PlanStatus.CLOSED),
            summary=RagSummary.from_counts(None),
        ),
    ]
    made = str(home_plan_rows(rows))
    assert markup(made) == markup(Template(HOME_ROW_TEMPLATE).render(Context({"rows": rows})))
    assert "&lt;b&gt;APA&lt;/b&gt; &amp; plan" in made and "<b>" not in made
