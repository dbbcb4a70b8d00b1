"""What a committee paper and a plan report print, fetched in a fixed number of queries.

The monitoring tracker (Appendix 1) is `actionplans.meetings.lists.monitoring_list(meeting)`,
as the meeting's monitoring page shows it; the plan report is `actionplans.plans.selectors.plan_page`,
as the plan's page shows it; RAGs come from the rules in actionplans.plans.rag. People are shown by
`reports.papers.people.name_in_paper`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils.formats import date_format

from actionplans.kernel import clock
from actionplans.meetings.lists import MonitoringList, end_of_day, monitoring_list
from actionplans.meetings.since import SinceLastMeeting, actions_before_body, since_last_meeting
from actionplans.plans import rag
from actionplans.plans.models import Action, Plan, ProgressUpdate
from actionplans.plans.selectors import RAG_KEYS, PlanPage, RagSummary, plan_page
from actionplans.plans.timeline import load_histories
from partners.models import BodyKind, Meeting, Person
from reports.charts import RAG_SERIES, Bar, count_words, stacked_bar_chart, summarise
from reports.models import CommitteePaper
from reports.papers.measures import MeasuresAppendix, MonthlyAppendix, paper_measures_content
from reports.papers.people import member_ids, name_and_title_in_paper, name_in_paper


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs: the parts between blank lines, each stripped."""
    parts = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    return [part for part in parts if part]


# --- The cover report -----------------------------------------------------------------------


@dataclass(frozen=True)
class NumberedParagraph:
    number: int
    text: str


@dataclass(frozen=True)
class Section:
    """A heading of the cover report with its numbered paragraphs, under sub-headings if any."""

    heading: str
    parts: list[tuple[str, list[NumberedParagraph]]]  # (sub-heading or "", paragraphs)


# The numbered sections of the cover report, in order: (heading, [(sub-heading, field)]).
NUMBERED_SECTIONS = [
    ("Reasons for report recommendations", [("", "reasons")]),
    ("Alternative options considered and rejected", [("", "alternative_options")]),
    ("Detail (Including consultation carried out)", [("", "detail")]),
    ("Resource implications", [("Capital/Revenue/Property/Other", "resource_implications")]),
    (
        "Legal implications",
        [
            ("Statutory power to undertake proposals in the report", "legal_power"),
            ("Other legal implications", "legal_implications"),
        ],
    ),
    ("Risk management implications", [("", "risk_implications")]),
    ("Policy framework implications", [("", "policy_implications")]),
]


def numbered_sections(paper: CommitteePaper) -> list[Section]:
    """The sections from "Reasons" to "Policy framework", their paragraphs numbered 1, 2, 3…
    straight through, as council papers number them."""
    number = 0
    sections = []
    for heading, parts in NUMBERED_SECTIONS:
        numbered_parts = []
        for sub_heading, name in parts:
            numbered = []
            for text in paragraphs(getattr(paper, name)):
                number += 1
                numbered.append(NumberedParagraph(number, text))
            numbered_parts.append((sub_heading, numbered))
        sections.append(Section(heading, numbered_parts))
    return sections


# --- Appendices -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Appendix:
    number: int
    title: str
    anchor: str


@dataclass(frozen=True)
class RagRow:
    label: str
    summary: RagSummary

    @property
    def values(self) -> list[int]:
        return [self.summary.counts[key] for key in RAG_KEYS]


@dataclass(frozen=True)
class RagAppendix:
    on: datetime.date
    overall: RagRow
    plans: list[RagRow]
    chart: str

    @property
    def rags(self) -> list[str]:
        return [series.label for series in RAG_SERIES]


def rag_appendix(meeting: Meeting, *, on: datetime.date) -> RagAppendix:
    """The RAG of every action before the body (its plans' and those answering what it asked
    for), as at `on` from the update history, overall and by plan. Queries: 1 the actions'
    plans, 3 their history."""
    actions = actions_before_body(meeting).filter(created_at__lte=end_of_day(on))
    plan_of = {
        pk: title for pk, title in Action.objects.filter(pk__in=actions.values("pk")).values_list("pk", "plan__title")
    }
    by_plan: dict[str, list] = defaultdict(list)
    for history in load_histories(Action.objects.filter(pk__in=list(plan_of))):
        assessment = history.assessment_on(on)
        if assessment is not None:
            by_plan[plan_of[history.action_id]].append(assessment)
    plans = [RagRow(title, RagSummary.from_assessments(by_plan[title])) for title in sorted(by_plan, key=str.casefold)]
    overall = RagRow(
        "All actions", RagSummary.from_assessments(a for assessments in by_plan.values() for a in assessments)
    )
    day = date_format(on)
    rows = [overall, *plans] if len(plans) > 1 else [overall]
    chart = stacked_bar_chart(
        [Bar(label=row.label, values=row.values) for row in rows],
        chart_id="chart-rag",
        title=f"RAG of the actions before the {meeting.body.name} as at {day}",
        description=" ".join(
            f"{row.label}: {count_words(row.summary.total)}"
            + (f" – {summarise(RAG_SERIES, row.values)}." if row.summary.total else ".")
            for row in rows
        ),
    )
    return RagAppendix(on=on, overall=overall, plans=plans, chart=chart)


@dataclass(frozen=True)
class SinceRow:
    reference: str
    description: str
    plan: str
    lead: str
    summary: str


@dataclass(frozen=True)
class SinceSection:
    title: str
    rows: list[SinceRow]


@dataclass(frozen=True)
class SinceAppendix:
    report: SinceLastMeeting
    sections: list[SinceSection]


def since_appendix(meeting: Meeting) -> SinceAppendix:
    """What changed since the body's previous meeting (actionplans.meetings.since), with each action's lead
    as papers show people. Queries: those of since_last_meeting, 1 which leads are members."""
    report = since_last_meeting(meeting)
    rows = [row for _key, _title, section in report.sections for row in section]
    members = member_ids(row.action.lead for row in rows)
    return SinceAppendix(
        report=report,
        sections=[
            SinceSection(
                title=title,
                rows=[
                    SinceRow(
                        reference=row.action.reference,
                        description=row.action.description,
                        plan=row.action.plan.title,
                        lead=name_in_paper(row.action.lead, members=members) or "Not named",
                        summary=row.summary,
                    )
                    for row in section
                ],
            )
            for _key, title, section in report.sections
        ],
    )


# --- The whole paper ------------------------------------------------------------------------


@dataclass
class PaperContent:
    paper: CommitteePaper
    meeting: Meeting
    is_scrutiny: bool
    sections: list[Section]
    recommendations: list[str]
    listing: MonitoringList
    appendices: list[Appendix]
    rag: RagAppendix | None = None
    since: SinceAppendix | None = None
    measures: MeasuresAppendix | None = None
    monthly: MonthlyAppendix | None = None
    draft: bool = False
    other_documents: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        meeting = self.meeting
        return (
            f"Agenda Item {self.paper.agenda_item or '–'}: {self.paper.subject} – "
            f"{meeting.body.name}, {date_format(meeting.date)}"
        )

    @property
    def author(self) -> str:
        body = self.meeting.body
        return self.paper.report_of or (body.organisation.name if body.organisation else body.name)

    @property
    def appendix_1(self) -> Appendix:
        return self.appendices[0]

    def _entry(self, anchor: str) -> Appendix | None:
        return next((appendix for appendix in self.appendices if appendix.anchor == anchor), None)

    @property
    def rag_entry(self) -> Appendix | None:
        return self._entry("appendix-rag")

    @property
    def since_entry(self) -> Appendix | None:
        return self._entry("appendix-since")

    @property
    def measures_entry(self) -> Appendix | None:
        return self._entry("appendix-measures")

    @property
    def monthly_entry(self) -> Appendix | None:
        return self._entry("appendix-monthly")


def paper_content(paper: CommitteePaper, *, draft: bool = False) -> PaperContent:
    """Everything the paper prints. Queries: the monitoring list's 7; with the RAG summary, 4
    more; with what changed since the last meeting, since_last_meeting's and 1 more; with
    "Measures that matter", 1 more, and with the monthly figures 1 more again (see
    reports.papers.measures for which measures a paper holds). Each measures appendix is listed
    only when it has something in it."""
    meeting = paper.meeting
    day = date_format(meeting.date)
    is_scrutiny = meeting.body.kind == BodyKind.SCRUTINY_PANEL
    appendices = [
        Appendix(
            1, f"{'Monitoring Scrutiny Recommendations' if is_scrutiny else 'Monitoring list'} – {day}", "appendix-1"
        )
    ]
    content = PaperContent(
        paper=paper,
        meeting=meeting,
        is_scrutiny=is_scrutiny,
        sections=numbered_sections(paper),
        recommendations=[line.strip() for line in paper.recommendations.splitlines() if line.strip()],
        listing=monitoring_list(meeting),
        appendices=appendices,
        draft=draft,
        other_documents=paragraphs(paper.supporting_documentation),
    )
    if paper.include_rag_summary:
        on = min(meeting.date, clock.today())
        content.rag = rag_appendix(meeting, on=on)
        appendices.append(Appendix(len(appendices) + 1, f"RAG summary as at {date_format(on)}", "appendix-rag"))
    if paper.include_since_last:
        content.since = since_appendix(meeting)
        appendices.append(
            Appendix(len(appendices) + 1, f"What changed {content.since.report.since_label}", "appendix-since")
        )
    if paper.include_measures or paper.include_measure_figures:
        _add_measures(content, paper)
    return content


def _add_measures(content: PaperContent, paper: CommitteePaper) -> None:
    meeting, appendices = content.meeting, content.appendices
    on = min(meeting.date, clock.today())
    plan_ids = {action.plan_id for item in content.listing.items for action in item.actions}
    found = paper_measures_content(meeting, plan_ids=plan_ids, on=on, monthly=paper.include_measure_figures)
    if paper.include_measures and found.measures.count:
        content.measures = found.measures
        appendices.append(
            Appendix(len(appendices) + 1, f"Measures that matter as at {date_format(on)}", "appendix-measures")
        )
    if found.monthly is not None and found.monthly.tables:
        content.monthly = found.monthly
        appendices.append(
            Appendix(len(appendices) + 1, f"Key performance data, {found.monthly.span}", "appendix-monthly")
        )


# --- The plan report ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportAction:
    action: Action
    people: str
    latest_update: ProgressUpdate | None

    @property
    def assessment(self) -> rag.Assessment:
        return self.action.assessment()


@dataclass(frozen=True)
class ReportRecommendation:
    recommendation: object
    depth: int
    group_heading: str
    actions: list[ReportAction]


@dataclass(frozen=True)
class ReportSection:
    source: object
    rows: list[ReportRecommendation]


@dataclass(frozen=True)
class PlanReport:
    page: PlanPage
    lead: str
    sections: list[ReportSection]
    unlinked: list[ReportAction]
    on: datetime.date

    @property
    def title(self) -> str:
        return f"Progress report: {self.page.plan.title}"


def _people(action: Action, members) -> str:
    shown = []
    for person in action.responsible_people:
        text = name_and_title_in_paper(person, members=members)
        if person == action.lead:
            text += " (lead)"
        shown.append(text)
    return "; ".join(shown) or "Not named"


def plan_report(*, plan: Plan) -> PlanReport:
    """The plan (as plans.selectors.plans_for_page() gives it), its sources, its recommendations
    nested as printed with their actions, each with its latest update and RAG. Queries:
    plan_page's 5, 1 latest updates, 1 which people are members of bodies."""
    page = plan_page(plan=plan)
    actions = [a for section in page.sections for row in section.rows for a in row.actions] + page.unlinked_actions
    newest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-reported_at", "-pk").values("pk")[:1]
    latest = {
        update.action_id: update
        for update in ProgressUpdate.objects.filter(
            pk__in=Action.objects.filter(plan=page.plan).annotate(latest=Subquery(newest)).values("latest")
        )
    }
    people: list[Person | None] = [page.plan.lead]
    for action in actions:
        people.extend(action.responsible_people)
    members = member_ids(people)

    def shown(action: Action) -> ReportAction:
        return ReportAction(action=action, people=_people(action, members), latest_update=latest.get(action.pk))

    return PlanReport(
        page=page,
        lead=name_and_title_in_paper(page.plan.lead, members=members) if page.plan.lead else "Not named",
        sections=[
            ReportSection(
                source=section.source,
                rows=[
                    ReportRecommendation(
                        recommendation=row.recommendation,
                        depth=row.depth,
                        group_heading=row.group_heading,
                        actions=[shown(action) for action in row.actions],
                    )
                    for row in section.rows
                ],
            )
            for section in page.sections
        ],
        unlinked=[shown(action) for action in page.unlinked_actions],
        on=clock.today(),
    )
