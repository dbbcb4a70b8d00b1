"""The dashboard's charts, drawn by reports.charts from the figures the page's tables show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.safestring import SafeString

from reports.charts import RAG_SERIES, Bar, Column, count_words, stacked_bar_chart, stacked_column_chart, summarise

if TYPE_CHECKING:
    from reports.dashboard.history import PeriodFigures
    from reports.dashboard.selectors import DashboardPage


def _described(label: str, values: Sequence[int]) -> str:
    total = sum(values)
    if not total:
        return f"{label}: no actions."
    return f"{label}: {count_words(total)} – {summarise(RAG_SERIES, values)}."


def overall_chart(page: DashboardPage) -> SafeString:
    values = page.overall.values
    return stacked_bar_chart(
        [Bar(label=page.scope_title, values=values)],
        chart_id="chart-overall",
        title=f"RAG of all actions as at {date_format(page.on)}",
        description=_described(page.scope_title, values),
    )


def plans_chart(page: DashboardPage) -> SafeString:
    """The plans the page's table shows: every plan, or those most in need of attention."""
    breakdown = page.breakdowns["plans"]
    which = (
        f"the actions of the {len(breakdown.shown)} plans with the most overdue actions"
        if breakdown.is_cut
        else "each plan's actions"
    )
    return stacked_bar_chart(
        [Bar(label=row.label, values=row.values) for row in breakdown.shown],
        chart_id="chart-plans",
        title=f"RAG of {which} as at {date_format(page.on)}",
        description=" ".join(_described(row.label, row.values) for row in breakdown.shown),
    )


def over_time_chart(figures: Sequence[PeriodFigures], *, chart_id: str, period_name: str) -> SafeString:
    first, last = figures[0].period, figures[-1].period
    return stacked_column_chart(
        [Column(label_lines=f.period.label_lines, label=f.period.heading, values=f.values) for f in figures],
        chart_id=chart_id,
        title=f"Share of actions showing each RAG at the end of each {period_name}, {first.label} to {last.label}",
        description=" ".join(f"{f.sentence}." for f in figures),
    )
