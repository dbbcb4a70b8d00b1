"""The rows of the home page's table of plans and of My actions, made in Python
(actionplans/templatetags/plan_tables.py): the markup the templates made, every text and link
escaped."""

import datetime
import re

from django.template import Context, Template
from django.utils import timezone

from actionplans.plans.models import Action, Plan, PlanStatus
from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.selectors import MyActionsPage, PlanRow, RagSummary
from actionplans.templatetags.plan_tables import home_plan_rows, my_action_rows
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


# What templates/actionplans/my_actions.html rendered for each action before the rows were made in Python.
MY_ACTIONS_ROW_TEMPLATE = """{% load tracker %}    {% for action in page.actions %}{% with assessment=action.assessment %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">
        <a class="govuk-link" href="{{ action.url }}">{% if action.reference %}{{ action.reference }} {% endif %}{{ action.description|truncatewords:20 }}</a>
        {% if action.lead_id != page.person.pk %}<span class="govuk-!-display-block app-secondary-text">Lead: {{ action.lead|default:"not named" }}</span>{% endif %}
      </td>
      <td class="govuk-table__cell">{{ action.plan }}</td>
      <td class="govuk-table__cell">{{ action.target_date|date|default:"No date" }}{% if action.target_date_text %}<span class="govuk-!-display-block app-secondary-text">As printed: “{{ action.target_date_text }}”</span>{% endif %}</td>
      <td class="govuk-table__cell">{{ action.last_update_at|date|default:"Not yet reported" }}</td>
      <td class="govuk-table__cell">
        {% rag_tag assessment %}
        {% if assessment.is_overdue %}<span class="govuk-!-display-block govuk-body-s govuk-!-margin-0 govuk-!-margin-top-1">Overdue</span>{% elif action.urgency == 1 %}<span class="govuk-!-display-block govuk-body-s govuk-!-margin-0 govuk-!-margin-top-1">Due soon</span>{% endif %}
        {% if assessment.is_update_due %}<span class="govuk-!-display-block govuk-body-s govuk-!-margin-0 govuk-!-margin-top-1">Update due</span>{% endif %}
      </td>
      <td class="govuk-table__cell"><a class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" href="{{ action.url }}#update">Post update<span class="govuk-visually-hidden"> on {{ action.reference|default:"this action" }}</span></a></td>
    </tr>
    {% endwith %}{% endfor %}"""  # noqa: E501 (the template's lines as they were)


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


def test_my_action_rows_are_the_markup_the_template_made(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.TRACKER_AS_AT = datetime.date(2021, 11, 4)
    me, someone = Person(pk=1, name="Sue Allan"), Person(pk=2, name="<Dan> & Co")
    plan = Plan(pk=3, title="Plan “A” & <b>B</b>")

    def action(pk, **fields):
        made = Action(pk=pk, plan=plan, description="Do <it> & " + "more " * 30, **fields)
        made.url = f"/actions/{pk}/?x=1&y=2"
        return made

    actions = [
        # Overdue, led by someone else, reported late in the evening (local time), printed target.
        action(
            10,
            lead=someone,
            lead_id=2,
            reference="1 & 2",
            target_date=datetime.date(2021, 10, 1),
            target_date_text="Autumn <2021>",
            latest_status=ActionStatus.IN_PROGRESS,
            latest_rag=Rag.GREEN,
            last_update_at=timezone.make_aware(datetime.datetime(2021, 7, 31, 23, 30)),
        ),
        action(11, lead=me, lead_id=1, reference="", target_date=datetime.date(2021, 11, 20)),  # due soon
        action(12, lead=None, reference="3", target_date=None),  # no lead, no date, never reported
    ]
    for made, urgency in zip(actions, [0, 1, 2], strict=True):
        made.urgency = urgency
    page = MyActionsPage(person=me, actions=actions, overdue=1, due_soon=1, needs_update=2, due_soon_days=30)
    made = str(my_action_rows(page))
    assert markup(made) == markup(Template(MY_ACTIONS_ROW_TEMPLATE).render(Context({"page": page})))
    assert "Lead: &lt;Dan&gt; &amp; Co" in made and "Lead: not named" in made
    assert "31 July 2021" in made and "<it>" not in made
