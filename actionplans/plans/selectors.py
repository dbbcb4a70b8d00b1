"""What each page of plans and actions shows, fetched in a fixed number of queries.

Every RAG comes from the rules in actionplans.plans.rag: the `with_rag()` annotations in the
database, or `Action.assessment()` (which reads those annotations when present), both as at
clock.today() (settings.TRACKER_AS_AT when set).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from actionplans.kernel import clock
from actionplans.kernel.urls import pk_url
from actionplans.plans import rag
from actionplans.plans.models import Action, ActionComment, Plan, ProgressUpdate, TargetDateRevision
from actionplans.plans.rag import Assessment, Rag, rag_css_class, rag_label
from recommendations.models import Recommendation, Source
from recommendations.pages.selectors import RecommendationRow, actions_by_recommendation, recommendation_rows

RAG_KEYS = [rag.value for rag in Rag] + [""]  # "" is "not yet reported"


@dataclass(frozen=True)
class RagCount:
    rag: str  # a Rag value, or "" for not yet reported
    count: int

    @property
    def label(self) -> str:
        return rag_label(self.rag)

    @property
    def css_class(self) -> str:
        return rag_css_class(self.rag)


@dataclass(frozen=True)
class RagSummary:
    """How many actions show each RAG, and how many are overdue or have an update due."""

    counts: dict[str, int]
    overdue: int = 0
    update_due: int = 0

    @classmethod
    def from_counts(cls, counts: dict[str, int] | None) -> RagSummary:
        counts = counts or {}
        return cls(
            counts={key: counts.get(key, 0) for key in RAG_KEYS},
            overdue=counts.get("overdue", 0),
            update_due=counts.get("update_due", 0),
        )

    @classmethod
    def from_assessments(cls, assessments: Iterable[Assessment]) -> RagSummary:
        counts = dict.fromkeys(RAG_KEYS, 0) | {"overdue": 0, "update_due": 0}
        for assessment in assessments:
            counts[assessment.rag.value if assessment.rag else ""] += 1
            counts["overdue"] += assessment.is_overdue
            counts["update_due"] += assessment.is_update_due
        return cls.from_counts(counts)

    @property
    def items(self) -> list[RagCount]:
        return [RagCount(rag=key, count=self.counts[key]) for key in RAG_KEYS]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# --- Home: every plan with its RAG counts ------------------------------------


@dataclass(frozen=True)
class PlanRow:
    plan: Plan
    summary: RagSummary


def plan_rows_for_home(*, plans=None) -> list[PlanRow]:
    """Queries: 1 plans with body and lead, 1 RAG counts of those plans' actions.
    `plans` is the queryset of plans the viewer may read (all by default)."""
    plans = list((plans if plans is not None else Plan.objects.all()).for_index())
    counts = Action.objects.filter(plan__in=[plan.pk for plan in plans]).rag_counts_by_plan()
    return [PlanRow(plan=plan, summary=RagSummary.from_counts(counts.get(plan.pk))) for plan in plans]


# --- Plan page ----------------------------------------------------------------

# About how many actions one page of a plan shows. A page ends with the top-level
# recommendation that reaches this many, so no recommendation is split across pages.
PLAN_PAGE_ACTIONS = 50


@dataclass
class SourceSection:
    source: Source
    rows: list[RecommendationRow] = field(default_factory=list)
    continued: bool = False  # its first recommendations are on a page before


@dataclass(frozen=True)
class PlanPage:
    plan: Plan
    sources: list[Source]
    sections: list[SourceSection]
    unlinked_actions: list[Action]
    summary: RagSummary
    # One page of a plan: where it is among the pages (None: the whole plan, as the report prints it).
    page: Page | None = None
    page_range: list = field(default_factory=list)
    unlinked_continued: bool = False  # the actions agreed without a recommendation began on a page before
    shown: int = 0  # actions on this page


def plans_for_page() -> QuerySet[Plan]:
    """What the plan page and its progress report look a plan up in (through the access helper)."""
    return Plan.objects.select_related("owning_body", "lead__organisation")


def plan_page(*, plan: Plan, number=None) -> PlanPage:
    """The plan's sources, recommendations nested as printed with their actions, and the RAG
    counts of all its actions. `number` (as an address gives it) asks for one page of it
    (PLAN_PAGE_ACTIONS), as the plan's page shows it; None for the whole plan, as its
    progress report prints it.

    Queries (the plan, as plans_for_page() gives it, is looked up already): 1 its sources,
    1 recommendations (for a page, those on it), 1 actions with RAG and lead (for a page, those
    on it), 1 their further responsible people; for a page, 2 more to cut the pages: every
    recommendation's place, and the plan's actions counted by RAG for each recommendation
    (which give the RAG counts of the whole plan).

    Each row's RAG is what the database worked out (Action.assessment() reads the with_rag()
    annotations), and its links (`url`) are built from one reverse() a kind."""
    sources = list(plan.sources.select_related("made_by").order_by("date", "title"))
    recommendations = _plan_recommendations(plan, sources)
    if number is not None:
        return _plan_page_part(plan, sources, recommendations, number)
    recommendations = list(recommendations.select_related("source__made_by", "responding_body"))
    actions = list(plan.actions.for_plan_page())
    return PlanPage(
        plan=plan,
        sources=sources,
        sections=_sections(sources, recommendations, actions),
        unlinked_actions=actions_by_recommendation(actions)[None],
        summary=RagSummary.from_assessments(action.assessment() for action in actions),
    )


def _plan_recommendations(plan: Plan, sources: list[Source]) -> QuerySet[Recommendation]:
    """The recommendations of the plan's sources, and any other its actions answer, as printed."""
    return Recommendation.objects.filter(
        Q(source__in=[s.pk for s in sources]) | Q(pk__in=plan.actions.values("recommendation_id"))
    ).order_by("source__date", "source__title", "source", "position")


def _sections(sources, recommendations, actions, *, continued=frozenset()) -> list[SourceSection]:
    """The recommendations by source (the plan's own sources first) as printed, with their actions."""
    by_recommendation = actions_by_recommendation(actions)
    by_pk = {recommendation.pk: recommendation for recommendation in recommendations}
    for action in actions:  # the recommendation shown above it, not a copy of its own
        if action.recommendation_id in by_pk:
            action.recommendation = by_pk[action.recommendation_id]
    _link(actions, recommendations)
    sections: dict[int, SourceSection] = {source.pk: SourceSection(source) for source in sources}
    by_source: dict[int, list[Recommendation]] = defaultdict(list)
    for recommendation in recommendations:
        by_source[recommendation.source_id].append(recommendation)
        sections.setdefault(recommendation.source_id, SourceSection(recommendation.source))
    for source_id, section in sections.items():
        section.rows = recommendation_rows(by_source[source_id], by_recommendation)
        section.continued = source_id in continued
    return [section for section in sections.values() if section.rows]


@dataclass(frozen=True)
class _Part:
    """What a page is cut from: a top-level recommendation with everything under it, or one
    action agreed without a recommendation (`unlinked`, its place among them)."""

    source_id: int | None
    recommendation_ids: tuple[int, ...]
    actions: int
    first_of_source: bool = False
    unlinked: int | None = None


def _parts(sources, recommendations, plan: Plan) -> tuple[list[_Part], RagSummary]:
    """The whole plan in the order its page prints it, as parts, and the RAG counts of all its
    actions: from a few columns of each recommendation, and each one's actions counted by RAG
    (2 queries)."""
    summed = dict.fromkeys(RAG_KEYS, 0) | {"overdue": 0, "update_due": 0}
    counts: dict[int | None, int] = {}
    for values, rag_counts in plan.actions.with_rag().rag_counts_by("recommendation"):
        counts[values["recommendation"]] = sum(rag_counts[key] for key in RAG_KEYS)
        for key, count in rag_counts.items():
            summed[key] += count
    by_source: dict[int, list[tuple]] = {source.pk: [] for source in sources}
    for row in recommendations.values_list("pk", "source_id", "parent_id", "position"):
        by_source.setdefault(row[1], []).append(row)
    parts = []
    for source_id, rows in by_source.items():
        # As recommendation_rows() lays a source out: each recommendation followed by its children.
        in_source = {pk for pk, *_ in rows}
        children: dict[int | None, list[int]] = defaultdict(list)
        for pk, _source, parent_id, _position in sorted(rows, key=lambda row: (row[3], row[0])):
            children[parent_id if parent_id in in_source else None].append(pk)
        for index, top in enumerate(children[None]):
            ids = tuple(_subtree(top, children))
            parts.append(_Part(source_id, ids, sum(counts.get(pk, 0) for pk in ids), first_of_source=index == 0))
    parts.extend(_Part(None, (), 1, unlinked=index) for index in range(counts.get(None, 0)))
    return parts, RagSummary.from_counts(summed)


def _subtree(pk: int, children: dict) -> list[int]:
    """The recommendation and everything under it, as printed."""
    return [pk] + [below for child in children[pk] for below in _subtree(child, children)]


def _pages(parts: list[_Part]) -> list[list[_Part]]:
    """The parts cut into pages of about PLAN_PAGE_ACTIONS actions (a recommendation with no
    actions counts as one): a page takes parts until the next would take it past the limit."""
    pages: list[list[_Part]] = [[]]
    size = 0
    for part in parts:
        weight = max(part.actions, 1)
        if pages[-1] and size + weight > PLAN_PAGE_ACTIONS:
            pages.append([])
            size = 0
        pages[-1].append(part)
        size += weight
    return pages


def _plan_page_part(plan: Plan, sources, recommendations, number) -> PlanPage:
    parts, summary = _parts(sources, recommendations, plan)
    pages = _pages(parts)
    paginator = Paginator(pages, 1)
    page = paginator.get_page(number)
    parts = page.object_list[0]
    recommendation_ids = [pk for part in parts for pk in part.recommendation_ids]
    unlinked = [part.unlinked for part in parts if part.unlinked is not None]
    on_page = Q(recommendation__in=recommendation_ids)
    if unlinked:
        agreed = plan.actions.filter(recommendation__isnull=True).order_by("position", "pk").values("pk")
        on_page |= Q(pk__in=agreed[unlinked[0] : unlinked[-1] + 1])
    actions = list(plan.actions.for_plan_page().filter(on_page))
    recommendations = list(
        recommendations.filter(pk__in=recommendation_ids).select_related("source__made_by", "responding_body")
    )
    continued = {part.source_id for part in parts if part.source_id is not None and not part.first_of_source}
    first_parts = {part.source_id for part in parts if part.first_of_source}
    return PlanPage(
        plan=plan,
        sources=sources,
        sections=_sections(sources, recommendations, actions, continued=continued - first_parts),
        unlinked_actions=actions_by_recommendation(actions)[None],
        summary=summary,
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        unlinked_continued=bool(unlinked) and unlinked[0] > 0,
        shown=len(actions),
    )


def plan_page_number(action: Action) -> int:
    """The page of its plan's page that shows the action. Queries: 1 the plan's sources, 2 to
    cut the pages (as plan_page), and for an action agreed without a recommendation 1 more."""
    plan = action.plan
    sources = list(plan.sources.order_by("date", "title"))
    recommendations = _plan_recommendations(plan, sources)
    place = None  # among the actions agreed without a recommendation
    if action.recommendation_id is None:
        agreed = plan.actions.filter(recommendation__isnull=True)
        place = agreed.filter(Q(position__lt=action.position) | Q(position=action.position, pk__lt=action.pk)).count()
    for number, parts in enumerate(_pages(_parts(sources, recommendations, plan)[0]), start=1):
        for part in parts:
            if action.recommendation_id in part.recommendation_ids or (
                action.recommendation_id is None and part.unlinked == place
            ):
                return number
    return 1


def _link(actions: list[Action], recommendations: list[Recommendation]) -> None:
    """Give the rows of a long page their links (`url`, which the templates read before
    get_absolute_url()) for one reverse() of each kind."""
    action_url, person_url = pk_url("action_detail"), pk_url("person_detail")
    recommendation_url = pk_url("recommendation_detail")
    for action in actions:
        action.url = action_url(action.pk)
        for person in action.responsible_people:
            person.url = person_url(person.pk)
    for recommendation in recommendations:
        recommendation.url = recommendation_url(recommendation.pk)


# --- Action page --------------------------------------------------------------


@dataclass(frozen=True)
class ActionPage:
    action: Action
    assessment: Assessment
    updates: list[ProgressUpdate]
    reporting_cycle_days: int
    revisions: list[TargetDateRevision]
    comments: list[ActionComment]
    groups: list = ()  # the groups of people that own the action as one, with their members


def actions_for_page() -> QuerySet[Action]:
    """What the action page looks an action up in (through the access helper): with RAG, plan,
    recommendation and source; 1 query, and 1 each for its further responsible people with
    their organisations and its partner organisations."""
    return (
        Action.objects.with_rag()
        .with_people()
        .select_related("plan__owning_body", "recommendation__source", "recommendation__parent__parent")
    )


def action_page(*, action: Action) -> ActionPage:
    """Queries (the action, as actions_for_page() gives it, is looked up already): 1 every
    update with its author, 1 target date revisions, 1 comments, 1 the groups that own it
    (+1 their members, when there are any)."""
    updates = list(action.updates.newest_first())
    revisions = list(action.target_revisions.select_related("revised_by").order_by("revised_at", "pk"))
    comments = list(action.comments.select_related("author__organisation").order_by("created_at", "pk"))
    return ActionPage(
        action=action,
        assessment=action.assessment(),
        updates=updates,
        reporting_cycle_days=rag.reporting_cycle_days(),
        revisions=revisions,
        comments=comments,
        groups=list(action.owning_groups.prefetch_related("members")),
    )


# --- My actions -----------------------------------------------------------------


@dataclass(frozen=True)
class MyActionsPage:
    person: object
    actions: list[Action]
    overdue: int
    due_soon: int
    needs_update: int
    due_soon_days: int


def my_actions_page(*, person) -> MyActionsPage:
    """The person's open actions, most urgent first: overdue, due soon (rag.is_due_soon), needing
    an update, then the rest, each with its link (`url`). Queries: 1 actions with RAG, plan and
    lead."""
    on = clock.today()
    actions = list(
        Action.objects.responsible(person)
        .with_rag(on=on)
        .open()
        .with_urgency(on=on)
        .select_related("plan", "lead", "recommendation")
        .order_by("urgency", "target_date", "plan__title", "position")
    )
    action_url = pk_url("action_detail")
    for action in actions:
        action.url = action_url(action.pk)  # one reverse() for the page, not two a row
    return MyActionsPage(
        person=person,
        actions=actions,
        overdue=sum(action.urgency == 0 for action in actions),
        due_soon=sum(action.urgency == 1 for action in actions),
        needs_update=sum(action.is_update_due or action.is_not_yet_reported for action in actions),
        due_soon_days=rag.due_soon_days(),
    )
