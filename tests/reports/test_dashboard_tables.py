"""The rows of the dashboards' tables of figures, made in Python (reports/templatetags/dashboard.py):
the same markup the templates made, every text and link escaped."""

import datetime
import re

from django.template import Context, Template
from django.utils import timezone

from actionplans.plans.models import Action, Plan
from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.selectors import RagSummary
from partners.models import Person
from recommendations.models import Recommendation, Source
from recommendations.responses import ResponseLateness
from reports.dashboard.breakdowns import BreakdownRow, TrackerLink
from reports.dashboard.history import PeriodFigures, month_periods
from reports.dashboard.selectors import ListedAction
from reports.templatetags.dashboard import action_list_rows, late_response_rows, over_time_rows, rag_table_rows

# What rag_table.html and over_time_table.html rendered for each row before the rows were made in
# Python: the yardstick the tags are held to.
RAG_ROW_TEMPLATE = """{% for row in rows %}
<tr class="govuk-table__row">
  <th scope="row" class="govuk-table__header">{% if row.url %}<a class="govuk-link" href="{{ row.url }}">{{ row.label }}</a>{% else %}{{ row.label }}{% endif %}</th>
  <td class="govuk-table__cell govuk-table__cell--numeric">{% if row.total_url %}<a class="govuk-link" href="{{ row.total_url }}">{{ row.total }}<span class="govuk-visually-hidden"> actions: {{ row.label }}</span></a>{% else %}{{ row.total }}{% endif %}</td>
  {% for cell in row.cells %}
  <td class="govuk-table__cell govuk-table__cell--numeric app-nowrap">{% if cell.url %}<a class="govuk-link" href="{{ cell.url }}">{{ cell.count }}<span class="govuk-visually-hidden"> {{ cell.label }}: {{ row.label }}</span></a> <span class="app-secondary-text">({{ cell.percentage }}%)</span>{% elif cell.count %}<span class="govuk-visually-hidden">{{ cell.label }}: </span>{{ cell.count }} <span class="app-secondary-text">({{ cell.percentage }}%)</span>{% else %}<span class="govuk-visually-hidden">{{ cell.label }}: </span><span class="app-secondary-text">0</span>{% endif %}</td>
  {% endfor %}
  <td class="govuk-table__cell govuk-table__cell--numeric">{% if row.overdue_url %}<a class="govuk-link" href="{{ row.overdue_url }}">{{ row.summary.overdue }}<span class="govuk-visually-hidden"> overdue: {{ row.label }}</span></a>{% else %}<span class="govuk-visually-hidden">Overdue: </span>{{ row.summary.overdue }}{% endif %}</td>
  <td class="govuk-table__cell govuk-table__cell--numeric">{% if row.update_due_url %}<a class="govuk-link" href="{{ row.update_due_url }}">{{ row.summary.update_due }}<span class="govuk-visually-hidden"> with an update due: {{ row.label }}</span></a>{% else %}<span class="govuk-visually-hidden">Update due: </span>{{ row.summary.update_due }}{% endif %}</td>
</tr>
{% endfor %}"""  # noqa: E501 (the template's lines as they were)
OVER_TIME_ROW_TEMPLATE = """{% for row in figures %}
<tr class="govuk-table__row">
  <th scope="row" class="govuk-table__header">{{ row.period.heading }}</th>
  <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.summary.total }}</td>
  {% for share in row.shares %}
  <td class="govuk-table__cell govuk-table__cell--numeric app-nowrap"><span class="govuk-visually-hidden">{{ share.label }}: </span>{% if share.count %}{{ share.count }} <span class="app-secondary-text">({{ share.percentage }}%)</span>{% else %}<span class="app-secondary-text">0</span>{% endif %}</td>
  {% endfor %}
</tr>
{% endfor %}"""  # noqa: E501 (the template's lines as they were)


def markup(html: str) -> str:
    """The markup without the white space between tags, which HTML ignores."""
    return re.sub(r">\s+<", "><", html).strip()


def summary(blue=0, green=0, amber=0, red=0, none=0, overdue=0, update_due=0) -> RagSummary:
    counts = {"blue": blue, "green": green, "amber": amber, "red": red, "": none}
    return RagSummary.from_counts(counts | {"overdue": overdue, "update_due": update_due})


def test_rag_rows_are_the_markup_the_template_made_with_every_text_escaped():
    tracker = TrackerLink.to("/tracker/", {"body": 3})
    rows = [
        # A plan whose title needs escaping, linking to its dashboard and to the tracker.
        BreakdownRow(
            label='<b>"Tom & Jerry\'s" plan</b>',
            summary=summary(blue=1, green=2, red=1234, overdue=1000, update_due=7),
            page=("plan_dashboard", 5),
            tracker=tracker.narrowed(plan=5),
        ),
        # A row the tracker cannot show (no organisation filter): no links; zeros.
        BreakdownRow(label="No organisation", summary=summary(amber=3, none=1), is_unassigned=True),
        BreakdownRow(label="Empty & nothing", summary=summary(), tracker=tracker.narrowed(source=9)),
    ]
    made = str(rag_table_rows(rows))
    assert markup(made) == markup(Template(RAG_ROW_TEMPLATE).render(Context({"rows": rows})))
    assert "&lt;b&gt;&quot;Tom &amp; Jerry&#x27;s&quot; plan&lt;/b&gt;" in made
    assert 'href="/tracker/?body=3&amp;plan=5&amp;rag=red"' in made
    assert "<b>" not in made


def test_over_time_rows_are_the_markup_the_template_made():
    periods = month_periods(on=datetime.date(2021, 11, 4), count=3)
    figures = [
        PeriodFigures(period=periods[0], summary=summary()),
        PeriodFigures(period=periods[1], summary=summary(blue=1, green=2, amber=0, red=3, none=1)),
        PeriodFigures(period=periods[2], summary=summary(green=5)),
    ]
    made = str(over_time_rows(figures))
    assert markup(made) == markup(Template(OVER_TIME_ROW_TEMPLATE).render(Context({"figures": figures})))
    assert "November 2021 so far (4 November 2021)" in made


ACTION_LIST_TEMPLATE = """{% load tracker %}{% for item in items %}{% with action=item.action %}
<tr class="govuk-table__row">
  <td class="govuk-table__cell"><a class="govuk-link" href="{{ item.url }}">{{ action }}</a></td>
  {% if show_plan %}<td class="govuk-table__cell"><a class="govuk-link" href="{{ item.plan_url }}">{{ action.plan }}</a></td>{% endif %}
  <td class="govuk-table__cell">{% if item.lead_url %}<a class="govuk-link" href="{{ item.lead_url }}">{{ action.lead }}</a>{% else %}Not named{% endif %}</td>
  {% if kind == "overdue" %}
  <td class="govuk-table__cell app-nowrap">{{ action.target_date|date }}</td>
  <td class="govuk-table__cell govuk-table__cell--numeric">{{ item.days }}</td>
  {% else %}
  <td class="govuk-table__cell app-nowrap">{{ action.last_update_at|date }}</td>
  <td class="govuk-table__cell govuk-table__cell--numeric">{{ item.days }}</td>
  <td class="govuk-table__cell">{% rag_tag item.assessment %}</td>
  {% endif %}
</tr>
{% endwith %}{% endfor %}"""  # noqa: E501 (the template's lines as they were)
LATE_RESPONSES_TEMPLATE = """{% for late in responses %}{% with recommendation=late.recommendation %}
<tr class="govuk-table__row">
  <td class="govuk-table__cell"><a class="govuk-link" href="{{ recommendation.get_absolute_url }}">{% if recommendation.label %}{{ recommendation.label }} {% endif %}{{ recommendation.short_text }}</a><span class="govuk-!-display-block app-secondary-text">{{ recommendation.source }}</span></td>
  <td class="govuk-table__cell app-nowrap">{{ recommendation.response_due_date|date }}</td>
  <td class="govuk-table__cell">{{ late.label }}</td>
</tr>
{% endwith %}{% endfor %}"""  # noqa: E501 (the template's lines as they were)


def listed_actions(on: datetime.date) -> list[ListedAction]:
    """Unsaved actions, one with text that needs escaping and no lead, one reported late at night."""
    plan = Plan(pk=4, title="Plan <i>&</i> “Co”")
    lead = Person(pk=9, name="", job_title="Head of <Service>")
    risky = Action(
        pk=7,
        plan=plan,
        reference="1 & 2",
        description="<script>alert('x')</script> " + "word " * 30,
        target_date=datetime.date(2021, 10, 31),
        latest_status=ActionStatus.IN_PROGRESS,
        latest_rag=Rag.AMBER,
        # 23:30 on 31 July in London is 31 July, though 22:30 UTC.
        last_update_at=timezone.make_aware(datetime.datetime(2021, 7, 31, 23, 30)),
    )
    plain = Action(pk=8, plan=plan, lead=lead, reference="", description="Do it", target_date=datetime.date(2021, 9, 1))
    return [
        ListedAction(action=risky, days=4, on=on, url="/actions/7/?a=1&b=2", plan_url="/plans/4/", lead_url=None),
        ListedAction(action=plain, days=64, on=on, url="/actions/8/", plan_url="/plans/4/", lead_url="/people/9/"),
    ]


def test_list_rows_are_the_markup_the_template_made(settings):
    settings.TIME_ZONE = "Europe/London"
    items = listed_actions(datetime.date(2021, 11, 4))
    for kind, show_plan in [("overdue", True), ("overdue", False), ("update_due", True), ("update_due", False)]:
        made = str(action_list_rows(items, kind, show_plan))
        context = Context({"items": items, "kind": kind, "show_plan": show_plan})
        assert markup(made) == markup(Template(ACTION_LIST_TEMPLATE).render(context)), (kind, show_plan)
    made = str(action_list_rows(items, "update_due", True))
    assert "&lt;script&gt;" in made and "<script>" not in made
    assert "31 July 2021" in made


def test_late_response_rows_are_the_markup_the_template_made():
    source = Source(pk=3, title="Inquiry <b>one</b> & two")
    labelled = Recommendation(
        pk=11, source=source, label="1)", text="Respond & <act> " * 10, response_due_date=datetime.date(2021, 8, 17)
    )
    unlabelled = Recommendation(
        pk=12, source=source, label="", text="Short", response_due_date=datetime.date(2021, 9, 1)
    )
    responses = [
        ResponseLateness(recommendation=labelled, is_missing=True, days_late=79),
        ResponseLateness(recommendation=unlabelled, is_missing=False, days_late=1),
    ]
    made = str(late_response_rows(responses))
    assert markup(made) == markup(Template(LATE_RESPONSES_TEMPLATE).render(Context({"responses": responses})))
    assert "Inquiry &lt;b&gt;one&lt;/b&gt; &amp; two" in made
