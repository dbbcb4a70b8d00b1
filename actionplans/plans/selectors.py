"""What each page of plans and actions shows, fetched in a fixed number of queries.

Every RAG comes from the rules in actionplans.plans.rag: the `with_rag()` annotations in the
database, or `Action.assessment()` (which reads those annotations when present), both as at
clock.today() (settings.TRACKER_AS_AT when set).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

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


@dataclass
class SourceSection:
    source: Source
    rows: list[RecommendationRow] = field(default_factory=list)


@dataclass(frozen=True)
class PlanPage:
    plan: Plan
    sources: list[Source]
    sections: list[SourceSection]
    unlinked_actions: list[Action]
    summary: RagSummary


def plans_for_page() -> QuerySet[Plan]:
    """What the plan page and its progress report look a plan up in (through the access helper)."""
    return Plan.objects.select_related("owning_body", "lead__organisation")


def plan_page(*, plan: Plan) -> PlanPage:
    """Queries (the plan, as plans_for_page() gives it, is looked up already): 1 its sources,
    1 recommendations, 1 actions with RAG, lead and recommendation, 1 further responsible
    people with organisations, 1 partner organisations.

    Each row's RAG is what the database worked out (Action.assessment() reads the with_rag()
    annotations), and its links (`url`) are built from one reverse() a kind."""
    sources = list(plan.sources.select_related("made_by").order_by("date", "title"))
    actions = list(plan.actions.for_plan_page())
    # The recommendations of the plan's sources, and any other its actions answer.
    recommendations = list(
        Recommendation.objects.filter(Q(source__in=[s.pk for s in sources]) | Q(actions__plan=plan))
        .distinct()
        .select_related("source__made_by", "responding_body")
        .order_by("source__date", "source__title", "source", "position")
    )
    by_recommendation = actions_by_recommendation(actions)
    _link(actions, recommendations)

    sections: dict[int, SourceSection] = {source.pk: SourceSection(source) for source in sources}
    by_source: dict[int, list[Recommendation]] = defaultdict(list)
    for recommendation in recommendations:
        by_source[recommendation.source_id].append(recommendation)
        sections.setdefault(recommendation.source_id, SourceSection(recommendation.source))
    for source_id, section in sections.items():
        section.rows = recommendation_rows(by_source[source_id], by_recommendation)

    return PlanPage(
        plan=plan,
        sources=sources,
        sections=[section for section in sections.values() if section.rows],
        unlinked_actions=by_recommendation[None],
        summary=RagSummary.from_assessments(action.assessment() for action in actions),
    )


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
    update with its author, 1 target date revisions, 1 comments."""
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
