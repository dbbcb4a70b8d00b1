"""The rules for sources, recommendations and responses, each in one function.

The forms show their messages next to the fields, the services refuse to write anything
that breaks them, and the database constraints in recommendations.models back the ones
that can be written as constraints. Each function returns the errors as
{field name: [messages]}, empty when the rule holds.

This module imports no models at import time, so recommendations.models may call it from
a model's clean() (import it inside the method).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

Errors = dict[str, list[str]]

# The decisions that need the reasons written down (ResponseDecision.needing_reasons()).
REASONS_NEEDED = {
    "rejected": "Give the reasons the recommendation was rejected",
    "partially_accepted": "Give the reasons the recommendation was only partially accepted",
}
PENDING = "pending"
PENDING_HAS_NO_RESPONSE_DATE = (
    "Leave the response date blank while the decision is pending, or choose the decision that was made"
)
MEETING_OF_ANOTHER_BODY = "Choose a meeting of the body that made the recommendations, or no meeting"
MEETING_WITHOUT_BODY = "Choose the body that held the meeting"
PARENT_IN_ANOTHER_SOURCE = "Choose a recommendation from this source"
PARENT_IS_A_PART = "A recommendation cannot be part of itself or of one of its own parts"


def response_errors(*, decision: str, response_text: str, response_date: datetime.date | None) -> Errors:
    """A rejected or partially accepted recommendation needs the reasons; a pending decision
    has no response date yet."""
    errors: Errors = {}
    if decision in REASONS_NEEDED and not (response_text or "").strip():
        errors["response_text"] = [REASONS_NEEDED[decision]]
    if decision == PENDING and response_date is not None:
        errors["response_date"] = [PENDING_HAS_NO_RESPONSE_DATE]
    return errors


def meeting_errors(*, made_by, meeting) -> Errors:
    """The meeting at which recommendations were made is a meeting of the body that made them."""
    if meeting is None:
        return {}
    if made_by is None:
        return {"made_by": [MEETING_WITHOUT_BODY]}
    if meeting.body_id != made_by.pk:
        return {"meeting": [MEETING_OF_ANOTHER_BODY]}
    return {}


def parent_errors(*, recommendation, source, parent) -> Errors:
    """A sub-item belongs to a recommendation of the same source, and never to itself or to
    one of its own parts (which would make a loop)."""
    if parent is None:
        return {}
    if parent.source_id != source.pk:
        return {"parent": [PARENT_IN_ANOTHER_SOURCE]}
    if recommendation.pk is not None:
        node, seen = parent, set()
        while node is not None and node.pk not in seen:
            if node.pk == recommendation.pk:
                return {"parent": [PARENT_IS_A_PART]}
            seen.add(node.pk)
            node = node.parent
    return {}


def subtree_ids(pairs: Iterable[tuple[int, int | None]], root: int) -> set[int]:
    """The id of `root` and of every recommendation below it, from (id, parent id) pairs."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in pairs:
        children[parent_id].append(pk)
    found, stack = set(), [root]
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children[pk])
    return found


def source_deletion_blocker(source) -> str:
    """Why the source cannot be deleted, or "" if it can: actions answering its
    recommendations keep them (the database protects them too)."""
    count = source.recommendations.filter(actions__isnull=False).values("actions").count()
    if not count:
        return ""
    return (
        f"This source cannot be deleted because {_actions_answer(count)} its recommendations. "
        "Move those actions to another recommendation, or delete them, first."
    )


def recommendation_deletion_blocker(recommendation) -> str:
    """Why the recommendation cannot be deleted, or "" if it can: actions answering it or
    one of its parts (which are deleted with it) keep it."""
    pairs = recommendation.source.recommendations.values_list("pk", "parent_id")
    ids = subtree_ids(pairs, recommendation.pk)
    count = recommendation.source.recommendations.filter(pk__in=ids, actions__isnull=False).values("actions").count()
    if not count:
        return ""
    whom = "it or its parts" if len(ids) > 1 else "it"
    return (
        f"This recommendation cannot be deleted because {_actions_answer(count)} {whom}. "
        "Move those actions to another recommendation, or delete them, first."
    )


def _actions_answer(count: int) -> str:
    return "1 action answers" if count == 1 else f"{count:,} actions answer"
