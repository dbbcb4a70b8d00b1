"""A digest of every generated row, to show the same seed gives the same data."""

from __future__ import annotations

import datetime
import hashlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, models

from actionplans.measures.models import Measure, MeasureTarget, MeasureValue
from actionplans.meetings.models import MonitoringDecision
from actionplans.plans.models import Action, ActionComment, Plan, ProgressUpdate, TargetDateRevision
from partners.models import Attendance, Body, Meeting, Membership, Organisation, Person
from recommendations.models import Recommendation, Source


def _digest_models() -> list:
    User = get_user_model()
    return [
        Organisation,
        Person,
        Body,
        Membership,
        Meeting,
        Attendance,
        Source,
        Recommendation,
        Plan,
        Plan.sources.through,
        Action,
        Action.supporting_officers.through,
        Action.partners.through,
        ProgressUpdate,
        TargetDateRevision,
        ActionComment,
        MonitoringDecision,
        Measure,
        Measure.actions.through,
        Measure.core_data_set_of.through,
        MeasureTarget,
        MeasureValue,
        Group,
        User,
        User.groups.through,
    ]


def dataset_digest(using: str = DEFAULT_DB_ALIAS) -> str:
    """A SHA-256 of every generated row, with each id (and each reference to one) counted from
    the first id of its table, so two databases filled from the same seed on the same day
    give the same digest whatever ids their sequences handed out. Passwords (salted) and
    last sign-in times are left out."""
    digest_models = _digest_models()
    bases = {}
    for model in digest_models:
        bases[model] = model._default_manager.using(using).aggregate(first=models.Min("pk"))["first"] or 0
    digest = hashlib.sha256()
    for model in digest_models:
        fields = [f for f in model._meta.concrete_fields if f.name not in ("password", "last_login")]
        digest.update(f"{model._meta.label}\n".encode())
        rows = model._default_manager.using(using).order_by("pk").values_list(*[f.attname for f in fields])
        for row in rows.iterator(chunk_size=5_000):
            values = []
            for f, value in zip(fields, row, strict=True):
                if value is not None and (f.primary_key or f.is_relation):
                    target = model if f.primary_key else f.related_model
                    value = value - bases.get(target, 0)
                values.append(value.isoformat() if isinstance(value, datetime.date | datetime.time) else value)
            digest.update(repr(values).encode())
            digest.update(b"\n")
    return digest.hexdigest()
