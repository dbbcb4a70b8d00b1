"""What the source and recommendation pages show, fetched in a fixed number of queries, and
what deleting would take with it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from actionplans.plans.models import Action, Plan
from recommendations import rules
from recommendations.models import Recommendation, Source


@dataclass(frozen=True)
class RecommendationRow:
    """A recommendation in the order printed, with its depth below the top level, the group
    heading to show above it (when the group changes), and its actions."""

    recommendation: Recommendation
    depth: int
    group_heading: str
    has_children: bool = False
    actions: list[Action] = field(default_factory=list)


def recommendation_rows(
    recommendations: Sequence[Recommendation],
    actions_by_recommendation: Mapping[int | None, list[Action]] | None = None,
) -> list[RecommendationRow]:
    """Lay out one source's recommendations as printed: each followed by its children.

    Runs no queries: parents are taken from the list given, so `full_label` is free too.
    """
    actions_by_recommendation = actions_by_recommendation or {}
    by_pk = {recommendation.pk: recommendation for recommendation in recommendations}
    children: dict[int | None, list[Recommendation]] = defaultdict(list)
    for recommendation in sorted(recommendations, key=lambda r: (r.position, r.pk)):
        parent_id = recommendation.parent_id if recommendation.parent_id in by_pk else None
        if parent_id is not None:
            recommendation.parent = by_pk[parent_id]
        children[parent_id].append(recommendation)

    rows: list[RecommendationRow] = []
    current_group = ""

    def visit(recommendation: Recommendation, depth: int) -> None:
        nonlocal current_group
        heading = ""
        if recommendation.group and recommendation.group != current_group:
            heading = current_group = recommendation.group
        rows.append(
            RecommendationRow(
                recommendation=recommendation,
                depth=depth,
                group_heading=heading,
                has_children=bool(children[recommendation.pk]),
                actions=list(actions_by_recommendation.get(recommendation.pk, [])),
            )
        )
        for child in children[recommendation.pk]:
            visit(child, depth + 1)

    for top_level in children[None]:
        visit(top_level, 0)
    return rows


def actions_by_recommendation(actions: Sequence[Action]) -> dict[int | None, list[Action]]:
    """Actions keyed by the id of the recommendation they answer (None: agreed in minutes)."""
    grouped: dict[int | None, list[Action]] = defaultdict(list)
    for action in actions:
        grouped[action.recommendation_id].append(action)
    return grouped


# --- Source page ----------------------------------------------------------------


@dataclass(frozen=True)
class SourcePage:
    source: Source
    plans: list[Plan]
    rows: list[RecommendationRow]


def sources_for_page() -> QuerySet[Source]:
    """What the source page and forms look a source up in (through the access helper)."""
    return Source.objects.select_related("made_by", "meeting__body")


def source_page(*, source: Source) -> SourcePage:
    """Queries (the source, with its body and meeting, is looked up already): 1 plans,
    1 recommendations, 1 their actions with RAG, plan and lead."""
    plans = list(source.plans.select_related("owning_body").order_by("title"))
    recommendations = list(source.recommendations.select_related("responding_body").order_by("position"))
    actions = list(
        Action.objects.filter(recommendation__source=source)
        .with_rag()
        .select_related("plan", "lead")
        .order_by("plan__title", "position", "pk")
    )
    return SourcePage(
        source=source,
        plans=plans,
        rows=recommendation_rows(recommendations, actions_by_recommendation(actions)),
    )


# --- Recommendation page ------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationPage:
    recommendation: Recommendation
    children: list[Recommendation]
    actions: list[Action]


def recommendations_for_page() -> QuerySet[Recommendation]:
    """What the recommendation page and forms look a recommendation up in (through the access helper)."""
    return Recommendation.objects.select_related(
        "source__made_by", "parent__parent", "lead__organisation", "responding_body"
    )


def recommendation_page(*, recommendation: Recommendation) -> RecommendationPage:
    """Queries (the recommendation, with its source, parents, lead and responding body, is
    looked up already): 1 its children, 1 its actions with RAG, plan and lead."""
    children = list(recommendation.children.order_by("position"))
    for child in children:
        child.parent = recommendation
    actions = list(
        recommendation.actions.with_rag()
        .select_related("plan", "lead__organisation")
        .order_by("plan__title", "position", "pk")
    )
    return RecommendationPage(recommendation=recommendation, children=children, actions=actions)


# --- Deleting -------------------------------------------------------------------------


@dataclass(frozen=True)
class Deletion:
    """What deleting a source or recommendation would take with it, or why it cannot be deleted."""

    blocker: str
    recommendation_count: int
    plans: list[Plan]


def source_deletion(*, source: Source) -> Deletion:
    return Deletion(
        blocker=rules.source_deletion_blocker(source),
        recommendation_count=source.recommendations.count(),
        plans=list(source.plans.order_by("title")),
    )


def recommendation_deletion(*, recommendation: Recommendation) -> Deletion:
    """recommendation_count: its parts, deleted with it."""
    pairs = recommendation.source.recommendations.values_list("pk", "parent_id")
    return Deletion(
        blocker=rules.recommendation_deletion_blocker(recommendation),
        recommendation_count=len(rules.subtree_ids(pairs, recommendation.pk)) - 1,
        plans=[],
    )
