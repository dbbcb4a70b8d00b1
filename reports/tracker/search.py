"""Free-text search of actions: PostgreSQL full-text search, or a plain match elsewhere.

Both look in the same fields: the action's description, reference, success criteria and
milestones, and the text of the recommendation it answers."""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Q, QuerySet

SEARCH_FIELDS = ("description", "reference", "success_criteria", "milestones", "recommendation__text")
SEARCH_CONFIG = "english"


def search_actions(actions: QuerySet, text: str) -> QuerySet:
    """Actions matching `text`. On PostgreSQL, full-text search in English (so "publishing"
    finds "published"; words may be quoted, or excluded with a minus sign); on any other
    database, every word must appear, in any case, in one of the fields."""
    text = text.strip()
    if not text:
        return actions
    if connections[actions.db].vendor == "postgresql":
        vector = SearchVector(*SEARCH_FIELDS, config=SEARCH_CONFIG)
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return actions.alias(search_text=vector).filter(search_text=query)
    return actions.filter(_every_word_in_some_field(text.split()))


def _every_word_in_some_field(words: list[str]) -> Q:
    return reduce(
        and_, (reduce(or_, (Q(**{f"{field}__icontains": word}) for field in SEARCH_FIELDS)) for word in words)
    )
