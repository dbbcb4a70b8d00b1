"""What the source and recommendation pages show, fetched in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404

from actionplans.models import Action, Plan
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


def source_page(*, source_id: int) -> SourcePage:
    """Queries: 1 source with its body and meeting, 1 plans, 1 recommendations,
    1 their actions with RAG, plan and lead."""
    source = get_object_or_404(Source.objects.select_related("made_by", "meeting__body"), pk=source_id)
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


def recommendation_page(*, recommendation_id: int) -> RecommendationPage:
    """Queries: 1 recommendation with source, parents, lead and responding body,
    1 its children, 1 its actions with RAG, plan and lead."""
    recommendation = get_object_or_404(
        Recommendation.objects.select_related(
            "source__made_by", "parent__parent", "lead__organisation", "responding_body"
        ),
        pk=recommendation_id,
    )
    children = list(recommendation.children.order_by("position"))
    for child in children:
        child.parent = recommendation
    actions = list(
        recommendation.actions.with_rag()
        .select_related("plan", "lead__organisation")
        .order_by("plan__title", "position", "pk")
    )
    return RecommendationPage(recommendation=recommendation, children=children, actions=actions)
