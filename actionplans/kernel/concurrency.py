"""No lost updates: an edit form carries the version it was opened on, and the save
is an UPDATE ... WHERE version = <that version>. If somebody saved first, nothing
is written and the caller gets what they changed, to show beside the person's own
typing (which the form keeps)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import F


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: object
    new: object
    changed_by: str


class EditConflict(Exception):
    """Someone saved the object after the form was opened."""

    def __init__(self, current: models.Model, changes: list[FieldChange]):
        super().__init__(f"{current} was changed by someone else.")
        self.current = current
        self.changes = changes


def changes_since(instance: models.Model, version: int) -> list[FieldChange]:
    """What changed in the object since it was at `version`, from its audit history."""
    history = instance.history.order_by("history_date", "history_id")
    opened = history.filter(version=version).last()
    newer = list(history.filter(version__gt=version))
    if opened is None or not newer:
        return []
    latest = newer[-1]
    user = latest.history_user
    changed_by = (
        (getattr(getattr(user, "person", None), "display_name", "") or getattr(user, "username", "")) if user else ""
    )
    changes = []
    for change in latest.diff_against(opened, excluded_fields=["version"]).changes:
        field = instance._meta.get_field(change.field)
        changes.append(
            FieldChange(
                field=change.field,
                label=str(field.verbose_name).capitalize(),
                old=change.old,
                new=change.new,
                changed_by=changed_by or "someone else",
            )
        )
    return changes


def save_if_unchanged(instance: models.Model, *, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of `instance` only if it is still at `expected_version`; raise EditConflict if not."""
    model = type(instance)
    values = {
        model._meta.get_field(name).attname: getattr(instance, model._meta.get_field(name).attname) for name in fields
    }
    with transaction.atomic():
        written = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
            version=F("version") + 1, **values
        )
        if not written:
            current = model._default_manager.get(pk=instance.pk)
            raise EditConflict(current, changes_since(current, expected_version))
    instance.version = expected_version + 1
