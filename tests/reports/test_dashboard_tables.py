"""The rows of the dashboards' tables of figures, made in Python (reports/templatetags/dashboard.py):
the same markup the templates made, every text and link escaped."""

import datetime
import re

from django.template import Context, Template

from actionplans.plans.selectors import RagSummary
from reports.dashboard.breakdowns import BreakdownRow, TrackerLink
from reports.dashboard.history import PeriodFigures, month_periods
from reports.templatetags.dashboard import over_time_rows, rag_table_rows

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
