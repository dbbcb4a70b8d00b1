"""Writes for sources, recommendations and executive responses.

Each function checks the rules (recommendations.rules) and runs full_clean() before it
writes, so the browser forms, the admin and any command obey the same ones. They raise
ValidationError ({field: [messages]}) when a rule is broken, EditConflict when somebody
saved the recommendation after the form was opened, and DeletionRefused when something
still depends on what is to be deleted; nothing is written then.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from actionplans.kernel import bulk
from actionplans.kernel.concurrency import save_if_unchanged
from partners.models import Body, Meeting, Person
from recommendations import rules
from recommendations.models import Recommendation, Source
from recommendations.responses import default_response_due_date, report_date_of


class DeletionRefused(Exception):
    """Something still depends on the object, so it was not deleted."""


def _check(errors: rules.Errors) -> None:
    if errors:
        raise ValidationError(errors)


# --- Sources ------------------------------------------------------------------------


def source_create(
    *,
    kind: str,
    reference: str,
    title: str,
    made_by: Body | None,
    meeting: Meeting | None = None,
    date: datetime.date | None = None,
    summary: str = "",
) -> Source:
    source = Source()
    return source_update(
        source=source,
        kind=kind,
        reference=reference,
        title=title,
        made_by=made_by,
        meeting=meeting,
        date=date,
        summary=summary,
    )


def source_update(
    *,
    source: Source,
    kind: str,
    reference: str,
    title: str,
    made_by: Body | None,
    meeting: Meeting | None = None,
    date: datetime.date | None = None,
    summary: str = "",
) -> Source:
    _check(rules.meeting_errors(made_by=made_by, meeting=meeting))
    source.kind = kind
    source.reference = reference.strip()
    source.title = title.strip()
    source.made_by = made_by
    source.meeting = meeting
    source.date = date
    source.summary = summary.strip()
    source.full_clean()
    source.save()
    return source


def source_delete(*, source: Source) -> None:
    """Delete the source with its recommendations and their responses; refused while actions
    answer any of them."""
    if reason := rules.source_deletion_blocker(source):
        raise DeletionRefused(reason)
    try:
        with transaction.atomic():
            source.delete()
    except ProtectedError:  # an action was added since the check
        raise DeletionRefused(rules.source_deletion_blocker(source)) from None


# --- Recommendations ----------------------------------------------------------------
#
# Positions order a source's recommendations as printed and are unique within the source:
# a new recommendation goes at the end of the source, or, as a sub-item, after the last
# part of its parent. Making room moves later recommendations down one at a time, last
# first, so no two ever share a position, inside a transaction that holds the source's
# row lock, so two people adding to the same source cannot pick the same position.


def recommendation_create(
    *,
    source: Source,
    parent: Recommendation | None,
    text: str,
    label: str = "",
    group: str = "",
    current_activity: str = "",
    lead: Person | None = None,
) -> Recommendation:
    recommendation = Recommendation(
        source=source,
        parent=parent,
        label=label.strip(),
        group=group.strip(),
        text=text.strip(),
        current_activity=current_activity.strip(),
        lead=lead,
        response_due_date=default_response_due_date(report_date_of(source)),
    )
    _check(rules.parent_errors(recommendation=recommendation, source=source, parent=parent))
    with transaction.atomic():
        layout = _lock_and_lay_out(source)
        after = _end_of(layout, parent.pk if parent else None, skip=set())
        _move_down(layout, after=after, by=1, skip=set())
        recommendation.position = after + 1
        recommendation.full_clean()
        recommendation.save()
    return recommendation


def recommendations_create_bulk(*, source: Source, new: Sequence[Recommendation]) -> list[Recommendation]:
    """Add many top-level recommendations (unsaved, their source and position left to this) at
    the end of the source, in their order, in a fixed number of queries however many there are:
    each as recommendation_create adds one, with its default response due date, checked
    (actionplans.kernel.bulk.check_each) and recorded in the history. Raises RowRefused with the
    index of the first that cannot be saved; nothing is written then."""
    new = list(new)
    due = default_response_due_date(report_date_of(source))
    with transaction.atomic():
        layout = _lock_and_lay_out(source)
        after = _end_of(layout, None, skip=set())
        for offset, recommendation in enumerate(new, start=1):
            recommendation.source, recommendation.parent = source, None
            recommendation.label = recommendation.label.strip()
            recommendation.group = recommendation.group.strip()
            recommendation.text = recommendation.text.strip()
            recommendation.current_activity = recommendation.current_activity.strip()
            recommendation.response_due_date = due
            recommendation.position = after + offset
        return bulk.create_all(Recommendation, new)


def recommendation_update(
    *,
    recommendation: Recommendation,
    expected_version: int,
    parent: Recommendation | None,
    text: str,
    label: str = "",
    group: str = "",
    current_activity: str = "",
    lead: Person | None = None,
) -> Recommendation:
    """Save the recommendation if nobody has saved it since `expected_version`. Given a new
    parent, it moves with its own parts to follow the new parent's last part."""
    source = recommendation.source
    _check(rules.parent_errors(recommendation=recommendation, source=source, parent=parent))
    recommendation.parent = parent
    recommendation.label = label.strip()
    recommendation.group = group.strip()
    recommendation.text = text.strip()
    recommendation.current_activity = current_activity.strip()
    recommendation.lead = lead
    recommendation.full_clean()
    with transaction.atomic():
        layout = _lock_and_lay_out(source)
        saved_parent_id = next((parent_id for pk, parent_id, _ in layout if pk == recommendation.pk), None)
        save_if_unchanged(
            recommendation,
            expected_version=expected_version,
            fields=["parent", "label", "group", "text", "current_activity", "lead"],
        )
        if recommendation.parent_id != saved_parent_id:
            _move_with_parts(layout, recommendation)
    return recommendation


def recommendation_response_record(
    *,
    recommendation: Recommendation,
    expected_version: int,
    decision: str,
    response_text: str = "",
    responding_body: Body | None = None,
    response_date: datetime.date | None = None,
    response_due_date: datetime.date | None = None,
) -> Recommendation:
    """Record the executive's response, if nobody has saved the recommendation since
    `expected_version`."""
    _check(rules.response_errors(decision=decision, response_text=response_text, response_date=response_date))
    recommendation.response_decision = decision
    recommendation.response_text = response_text.strip()
    recommendation.responding_body = responding_body
    recommendation.response_date = response_date
    recommendation.response_due_date = response_due_date
    recommendation.full_clean()
    save_if_unchanged(
        recommendation,
        expected_version=expected_version,
        fields=["response_decision", "response_text", "responding_body", "response_date", "response_due_date"],
    )
    return recommendation


def recommendation_delete(*, recommendation: Recommendation) -> None:
    """Delete the recommendation with its parts; refused while actions answer any of them."""
    if reason := rules.recommendation_deletion_blocker(recommendation):
        raise DeletionRefused(reason)
    try:
        with transaction.atomic():
            recommendation.delete()
    except ProtectedError:  # an action was added since the check
        raise DeletionRefused(rules.recommendation_deletion_blocker(recommendation)) from None


# --- Positions ----------------------------------------------------------------------

Layout = list[tuple[int, int | None, int]]  # (id, parent id, position), by position


def _lock_and_lay_out(source: Source) -> Layout:
    list(Source.objects.select_for_update().filter(pk=source.pk).values_list("pk"))
    return list(source.recommendations.order_by("position").values_list("pk", "parent_id", "position"))


def _end_of(layout: Layout, parent_id: int | None, *, skip: set[int]) -> int:
    """The position after which a new part of `parent_id` (None: a top-level one) goes."""
    if parent_id is None:
        members = {pk for pk, _, _ in layout}
    else:
        members = rules.subtree_ids(((pk, parent) for pk, parent, _ in layout), parent_id)
    return max((position for pk, _, position in layout if pk in members and pk not in skip), default=0)


def _set_position(pk: int, position: int) -> None:
    Recommendation.objects.filter(pk=pk).update(position=position)


def _move_down(layout: Layout, *, after: int, by: int, skip: set[int]) -> None:
    """Move every recommendation after `after` (but those in `skip`) down by `by`, last first."""
    for pk, _, position in reversed(layout):
        if position > after and pk not in skip:
            _set_position(pk, position + by)


def _move_with_parts(layout: Layout, recommendation: Recommendation) -> None:
    """Move the recommendation and its parts, in their order, to follow its new parent's last
    part (or the end of the source, when it no longer has a parent)."""
    block_ids = rules.subtree_ids(((pk, parent_id) for pk, parent_id, _ in layout), recommendation.pk)
    block = [pk for pk, _, _ in layout if pk in block_ids]
    highest = max((position for _, _, position in layout), default=0)
    # Out of the way first: past every position the others can move down to.
    parked = highest + len(block)
    for index, pk in enumerate(block, start=1):
        _set_position(pk, parked + index)
    after = _end_of(layout, recommendation.parent_id, skip=block_ids)
    _move_down(layout, after=after, by=len(block), skip=block_ids)
    for index, pk in enumerate(block, start=1):
        _set_position(pk, after + index)
        if pk == recommendation.pk:
            recommendation.position = after + index
