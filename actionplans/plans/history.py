"""The change history of audited objects, for people to read.

django-simple-history keeps a copy of an object at every create, change and delete
(actionplans.kernel.audit makes sure bulk writes keep one too), and for Plan.sources and
Action.supporting_officers/partners a copy of the links at each of those moments. This
module turns consecutive copies into entries: when, who, and which fields went from what
to what, with foreign keys, choices, dates and links shown as people read them.

Queries do not grow with the number of history rows. For each model read (a plan's page
reads plans and actions): 1 its newest history rows, with the row before each to compare
with, the user and the user's person; 1 per many-to-many field. Then 1 per model that the
foreign keys and links of the rows read point at (+1 per such model for objects since
deleted, named from their last copy).
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Window
from django.db.models.functions import Lag
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator

from actionplans.plans.models import Action, ActionComment, Plan, ProgressUpdate
from partners.models import Body, Meeting, Membership, Person

EMPTY = "Not set"
SYSTEM = "System"
CREATED, CHANGED, DELETED = "Created", "Changed", "Deleted"
_KINDS = {"+": CREATED, "~": CHANGED, "-": DELETED}
# Values longer than this are cut on screen, with the whole text in a <details>.
SHORT_LENGTH = 100
# The "old value" of a field in the first copy of an object.
_INITIAL = object()
# Fields never worth showing: the row id, and the edit counter raised by every save.
_HIDDEN_FIELDS = {"id", "version"}
# What a model's __str__ reads from related objects, so naming objects costs one query per model.
_STR_NEEDS = {
    Meeting: ["body"],
    Membership: ["person", "body"],
    ProgressUpdate: ["action"],
    ActionComment: ["author", "action"],
}


@dataclass(frozen=True)
class ChangedField:
    """One field of one entry. For a many-to-many field, `added` and `removed` name the links
    made and broken; `old` and `new` list all of them before and after."""

    field: str
    label: str
    old: str
    new: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    is_many: bool = False
    is_initial: bool = False  # a value the object was created with: there is no old value

    @property
    def old_short(self) -> str:
        return Truncator(self.old).chars(SHORT_LENGTH)

    @property
    def new_short(self) -> str:
        return Truncator(self.new).chars(SHORT_LENGTH)

    @property
    def is_long(self) -> bool:
        return len(self.old) > SHORT_LENGTH or len(self.new) > SHORT_LENGTH


@dataclass(frozen=True)
class HistoryEntry:
    """One create, change or delete. On a page that merges related objects' history (a plan
    and its actions), `subject` names the related object the entry is about."""

    when: datetime.datetime
    who: str
    kind: str  # CREATED, CHANGED or DELETED
    changes: list[ChangedField] = field(default_factory=list)
    subject: str = ""
    subject_url: str = ""
    history_id: int = 0


# --- Public selectors -------------------------------------------------------------------------


def history_entries(obj: models.Model, *, limit: int | None = None) -> list[HistoryEntry]:
    """The object's own history, newest first (at most `limit` entries when given). Saves that
    changed nothing are left out."""
    return _entries([_Reader(type(obj), {type(obj)._meta.pk.attname: obj.pk})], limit=limit)


def plan_activity(plan: Plan, *, limit: int | None = 30) -> list[HistoryEntry]:
    """The plan's history merged with its actions', newest first (at most `limit` entries)."""
    return activity(plan, limit=limit)


def activity(obj: models.Model, *, limit: int | None = None) -> list[HistoryEntry]:
    """What the object's page shows: its own history merged with that of the records that
    belong to it and have no page of their own (or, for a plan, are listed on it): a plan's
    actions, an action's progress updates and comments, the memberships of a body or person."""
    model = type(obj)
    readers = [_Reader(model, {model._meta.pk.attname: obj.pk})]
    for child, link in _CHILDREN.get(model, []):
        readers.append(_Reader(child, {f"{link}_id": obj.pk}, subject=_SUBJECTS[child], link=link))
    return _entries(readers, limit=limit)


# --- Which records belong to which page, and how to name them ----------------------------------


def _action_subject(record, names: _Names, deleted: set, link: str) -> tuple[str, str]:
    text = f"Action {record.reference}" if record.reference else f"Action: {Truncator(record.description).chars(60)}"
    return text, "" if record.id in deleted else reverse("action_detail", args=[record.id])


def _update_subject(record, names: _Names, deleted: set, link: str) -> tuple[str, str]:
    return f"Progress update of {_format_value(record.reported_at)}", ""


def _comment_subject(record, names: _Names, deleted: set, link: str) -> tuple[str, str]:
    return f"Comment by {names.label(Person, record.author_id)}", ""


def _membership_subject(record, names: _Names, deleted: set, link: str) -> tuple[str, str]:
    """Named by the other end: "Membership of <person>" on a body's page, "of <body>" on a person's."""
    if link == "body":
        return f"Membership of {names.label(Person, record.person_id)}", ""
    return f"Membership of {names.label(Body, record.body_id)}", ""


# model -> [(child model, name of its foreign key to the model)]
_CHILDREN: dict[type[models.Model], list[tuple[type[models.Model], str]]] = {
    Plan: [(Action, "plan")],
    Action: [(ProgressUpdate, "action"), (ActionComment, "action")],
    Body: [(Membership, "body")],
    Person: [(Membership, "person")],
}
MERGED_MODELS = frozenset(_CHILDREN)
# child model -> (subject of an entry and a link to it unless deleted, objects to look up to name it),
# each given the history record and the name of its foreign key to the page's object
_SUBJECTS: dict[type[models.Model], tuple[Callable, Callable]] = {
    Action: (_action_subject, lambda record, link: []),
    ProgressUpdate: (_update_subject, lambda record, link: []),
    ActionComment: (_comment_subject, lambda record, link: [(Person, record.author_id)]),
    Membership: (
        _membership_subject,
        lambda record, link: [(Person, record.person_id)] if link == "body" else [(Body, record.body_id)],
    ),
}


def register_children(
    model: type[models.Model],
    children: list[tuple[type[models.Model], str, Callable, Callable]],
    *,
    str_needs: dict[type[models.Model], list[str]] | None = None,
) -> None:
    """Let a layer above this one merge records that belong to its own kind of object into that
    object's page: `children` as (child model, its foreign key to the model, subject function,
    objects-to-name function), like _CHILDREN and _SUBJECTS; `str_needs` as _STR_NEEDS. The
    measures layer registers a measure's values and targets this way."""
    global MERGED_MODELS
    _CHILDREN[model] = [(child, link) for child, link, _subject, _names in children]
    for child, _link, subject, names in children:
        _SUBJECTS[child] = (subject, names)
    _STR_NEEDS.update(str_needs or {})
    MERGED_MODELS = frozenset(_CHILDREN)


# --- Reading history --------------------------------------------------------------------------


@functools.cache
def _history_model(model: type[models.Model]) -> type[models.Model]:
    """The model of a model's history rows. Kept: django-simple-history makes a manager class
    afresh every time `Model.history` is read (a couple of milliseconds)."""
    return model.history.model


@dataclass
class _Reader:
    """The history rows of one model matching `filters`, and what the page needs to show them."""

    model: type[models.Model]
    filters: dict
    subject: tuple[Callable, Callable] | None = None
    link: str = ""  # a child's foreign key to the page's object: not worth listing in its first copy
    records: list = field(default_factory=list)
    previous: dict[int, object] = field(default_factory=dict)
    links: dict[str, dict[int, set]] = field(default_factory=dict)  # m2m field -> history id -> pks
    # Objects deleted since: a deletion is an object's newest copy, so it is among those read.
    deleted_ids: set = field(default_factory=set)

    @property
    def history_model(self):
        return _history_model(self.model)

    def _previous_id(self) -> Window:
        """The history_id of the object's copy before this one."""
        return Window(
            Lag("history_id"),
            partition_by=[F(self.model._meta.pk.attname)],
            order_by=[F("history_date").asc(), F("history_id").asc()],
        )

    @property
    def m2m_fields(self) -> list[models.ManyToManyField]:
        return list(self.history_model._history_m2m_fields)

    def fetch(self, window: int | None) -> None:
        """Read the newest `window` copies (all when None) and, in the same query, the copy just
        before each of them, to compare with."""
        history = self.history_model.objects.filter(**self.filters)
        newest_first = ("-history_date", "-history_id")
        rows = history
        if window is not None:
            newest = history.annotate(previous_id=self._previous_id()).order_by(*newest_first)[:window]
            rows = history.filter(
                Q(history_id__in=newest.values("history_id")) | Q(history_id__in=newest.values("previous_id"))
            )
        # Copies before the newest `window` are older than all of those, so they sort after them.
        rows = list(
            rows.select_related("history_user__person")
            .annotate(previous_history_id=self._previous_id())
            .order_by(*newest_first)
        )
        self.records = rows if window is None else rows[:window]
        self.previous = {record.history_id: record for record in rows}
        pk_name = self.model._meta.pk.attname
        self.deleted_ids = {getattr(r, pk_name) for r in self.records if r.history_type == "-"}
        history_ids = set(self.previous)
        for m2m in self.m2m_fields:
            by_record: dict[int, set] = defaultdict(set)
            if history_ids:
                through = getattr(self.history_model, m2m.name).model
                target = f"{m2m.m2m_reverse_field_name()}_id"
                for history_id, pk in through.objects.filter(history_id__in=history_ids).values_list(
                    "history_id", target
                ):
                    by_record[history_id].add(pk)
            self.links[m2m.name] = by_record

    def raw_entries(self) -> list[tuple[object, list[tuple]]]:
        """Each record with its raw changes: (model field, old, new) or, for links,
        (m2m field, old pks, new pks); old is _INITIAL for the values of a first copy."""
        excluded = [m2m.name for m2m in self.m2m_fields] + sorted(_HIDDEN_FIELDS)
        order = {f.name: index for index, f in enumerate(self._plain_fields())}
        result = []
        for record in self.records:
            previous = self.previous.get(record.previous_history_id)
            changes: list[tuple] = []
            if record.history_type == "+" or (previous is None and record.history_type == "~"):
                # A first copy: what it was created with (or, if its earlier copies are gone, is).
                for model_field in self._plain_fields():
                    if model_field.name == self.link:
                        continue
                    value = getattr(record, model_field.attname)
                    if value not in (None, ""):
                        changes.append((model_field, _INITIAL, value))
                for m2m in self.m2m_fields:
                    if new := self.links[m2m.name].get(record.history_id, set()):
                        changes.append((m2m, _INITIAL, new))
            elif record.history_type == "~":
                delta = record.diff_against(previous, excluded_fields=excluded)
                for change in sorted(delta.changes, key=lambda c: order.get(c.field, len(order))):
                    changes.append((self.model._meta.get_field(change.field), change.old, change.new))
                for m2m in self.m2m_fields:
                    old = self.links[m2m.name].get(previous.history_id, set())
                    new = self.links[m2m.name].get(record.history_id, set())
                    if old != new:
                        changes.append((m2m, old, new))
                if not changes:
                    continue  # saved without changing anything
            result.append((record, changes))
        return result

    def want_names(self, record, changes: list[tuple], names: _Names) -> None:
        """Ask `names` for every related object the entry will name."""
        for model_field, old, new in changes:
            if model_field.is_relation:
                values = [new] if old is _INITIAL else [old, new]
                for pk in set().union(*values) if model_field.many_to_many else values:
                    names.want(model_field.related_model, pk)
        if self.subject:
            for model, pk in self.subject[1](record, self.link):
                names.want(model, pk)

    def _plain_fields(self) -> list[models.Field]:
        m2m_names = {m2m.name for m2m in self.m2m_fields}
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.editable and f.name not in _HIDDEN_FIELDS and f.name not in m2m_names
        ]


def _entries(readers: list[_Reader], *, limit: int | None) -> list[HistoryEntry]:
    # Saves that change nothing are dropped, so read a little more than the limit.
    window = None if limit is None else 2 * limit + 1
    raw = []
    for order, reader in enumerate(readers):
        reader.fetch(window)
        raw.extend((order, reader, record, changes) for record, changes in reader.raw_entries())
    # Name what every entry read names, shown or not: then which models are looked up depends on
    # the kinds of changes made, not on which of them happen to be the newest.
    names = _Names()
    for _order, reader, record, changes in raw:
        reader.want_names(record, changes, names)
    names.load()

    raw.sort(key=lambda item: (item[2].history_date, -item[0], item[2].history_id), reverse=True)
    if limit is not None:
        raw = raw[:limit]
    entries = []
    for _order, reader, record, changes in raw:
        subject, subject_url = (
            reader.subject[0](record, names, reader.deleted_ids, reader.link) if reader.subject else ("", "")
        )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_who(record.history_user),
                kind=_KINDS[record.history_type],
                changes=[_changed_field(model_field, old, new, names) for model_field, old, new in changes],
                subject=subject,
                subject_url=subject_url,
                history_id=record.history_id,
            )
        )
    return entries


def _who(user) -> str:
    if user is None:
        return SYSTEM
    person = getattr(user, "person", None)
    return (person.display_name if person else "") or user.get_username()


# --- Showing values ---------------------------------------------------------------------------


def _changed_field(model_field, old, new, names: _Names) -> ChangedField:
    label = str(model_field.verbose_name)
    label = label[:1].upper() + label[1:]
    is_initial = old is _INITIAL
    if is_initial:
        old = set() if model_field.many_to_many else None
    if model_field.many_to_many:
        model = model_field.related_model
        added = sorted((names.label(model, pk) for pk in new - old), key=str.casefold)
        removed = sorted((names.label(model, pk) for pk in old - new), key=str.casefold)
        before = sorted((names.label(model, pk) for pk in old), key=str.casefold)
        after = sorted((names.label(model, pk) for pk in new), key=str.casefold)
        return ChangedField(
            field=model_field.name,
            label=label,
            old=", ".join(before) or EMPTY,
            new=", ".join(after) or EMPTY,
            added=tuple(added),
            removed=tuple(removed),
            is_many=True,
            is_initial=is_initial,
        )
    return ChangedField(
        field=model_field.name,
        label=label,
        old="" if is_initial else _show(model_field, old, names),
        new=_show(model_field, new, names),
        is_initial=is_initial,
    )


def _show(model_field, value, names: _Names) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field.is_relation:
        return names.label(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return _format_value(value)


def _format_value(value) -> str:
    if isinstance(value, Decimal):  # a figure as typed: 77, not 77.0000
        return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value)
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value)


class _Names:
    """Names of related objects: asked for first, then looked up in one query per model."""

    def __init__(self):
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.objects: dict[tuple[type[models.Model], object], models.Model] = {}
        self.deleted: dict[tuple[type[models.Model], object], str] = {}

    def want(self, model: type[models.Model], pk) -> None:
        if pk is not None:
            self.wanted[model].add(pk)

    def load(self) -> None:
        for model, pks in self.wanted.items():
            queryset = model._default_manager.filter(pk__in=pks)
            if model in _STR_NEEDS:
                queryset = queryset.select_related(*_STR_NEEDS[model])
            found = {obj.pk: obj for obj in queryset}
            self.objects.update({(model, pk): obj for pk, obj in found.items()})
            if missing := pks - set(found):
                self._load_deleted(model, missing)

    def _load_deleted(self, model: type[models.Model], pks: set) -> None:
        """Name objects deleted since from their last copy in the history, where there is one."""
        if not getattr(model._meta, "simple_history_manager_attribute", None) or model in _STR_NEEDS:
            return
        pk_name = model._meta.pk.attname
        for record in model.history.filter(**{f"{pk_name}__in": pks}).order_by(pk_name, "history_date", "history_id"):
            self.deleted[(model, getattr(record, pk_name))] = f"{record.instance} (deleted)"

    def label(self, model: type[models.Model], pk) -> str:
        if pk is None:
            return EMPTY
        if (model, pk) in self.objects:
            return str(self.objects[(model, pk)])
        return self.deleted.get((model, pk), f"{model._meta.verbose_name} {pk} (deleted)".capitalize())
