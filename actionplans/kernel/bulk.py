"""Creating many new rows at once, with the checks one save would make, in a fixed number of
queries (for the plan import: thousands of rows in one transaction).

A service that creates one object runs full_clean() and save(): a query for each relation it
looks up and for each constraint it checks, then an INSERT and its history row. For a batch,
`create_all()` checks every object in Python first (its fields and clean(); a relation is not
looked up, since the caller passes objects it holds), then writes them all with bulk_create()
through the model's default manager, an AuditedQuerySet, which records a history row for each
(actionplans.kernel.audit) and sends `bulk_written`.

The database's constraints stand behind the checks that read other rows or that only SQL
evaluates (unique and CHECK constraints). When it refuses the batch, nothing is written and
RowRefused names the object it refuses (found by writing them one at a time, in a savepoint
that is then rolled back), with the message full_clean() gives for it, or with the database's
error if full_clean() finds nothing wrong (another transaction got there first).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

# Rows in one INSERT: few statements, and well inside every database's limit on parameters.
BATCH_SIZE = 1000


class RowRefused(Exception):
    """The object at `index` of the batch could not be saved, for `error` (a ValidationError or
    an IntegrityError). Nothing of the batch was written."""

    def __init__(self, index: int, error: ValidationError | IntegrityError):
        super().__init__(f"object {index}: {error}")
        self.index = index
        self.error = error


def relation_names(model: type[models.Model]) -> list[str]:
    """The model's foreign keys and one-to-one fields, which full_clean() would look up one by one."""
    return [field.name for field in model._meta.concrete_fields if field.is_relation]


def check_each(objs: Sequence[models.Model], *, exclude: Iterable[str] = ()) -> None:
    """full_clean() each object without a query: its fields (but its relations) and clean().
    Raises RowRefused for the first that fails."""
    for index, obj in enumerate(objs):
        try:
            obj.full_clean(
                exclude=[*relation_names(type(obj)), *exclude], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            raise RowRefused(index, error) from error


def create_all(model: type[models.Model], objs: Sequence[models.Model], *, exclude: Iterable[str] = ()) -> list:
    """Check the new objects (check_each) and insert them with bulk_create() through the model's
    audited manager (an INSERT and a history INSERT for each BATCH_SIZE objects), all or none.
    Raises RowRefused, having written nothing, naming the first object that fails a check or
    that the database refuses."""
    objs = list(objs)
    check_each(objs, exclude=exclude)
    try:
        with transaction.atomic():
            return model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
    except IntegrityError as error:
        raise _refused(model, objs, error) from error


class _RollBack(Exception):
    pass


def _refused(model: type[models.Model], objs: list, error: IntegrityError) -> RowRefused:
    """Which object the database refused: insert copies one at a time (plainly: no history, no
    signals), in a savepoint rolled back whatever happens, until one fails."""
    index = None
    try:
        with transaction.atomic():
            plain = models.QuerySet(model)
            for position, obj in enumerate(objs):
                trial = copy.copy(obj)
                trial.pk = None
                try:
                    with transaction.atomic():
                        plain.bulk_create([trial])
                except IntegrityError:
                    index = position
                    break
            raise _RollBack
    except _RollBack:
        pass
    if index is None:  # refused only all together: say so of the first
        return RowRefused(0, error)
    try:
        objs[index].full_clean()
    except ValidationError as invalid:
        return RowRefused(index, invalid)
    return RowRefused(index, error)
