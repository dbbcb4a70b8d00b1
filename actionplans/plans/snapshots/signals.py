"""Keep RAG snapshots right: after every write that changes an action's past, work its rows out
again, in the same transaction. Connected by ActionPlansConfig.ready() (actionplans/apps.py).

What changes an action's past, and what is worked out again:

* a progress update added: the action's rows from the day it was reported;
* a progress update deleted: the action's rows from the day it had been reported;
* a progress update or target date revision changed in place (the admin): every row of the
  action it belongs to now and of the one it belonged to;
* a target date revision added or deleted: every row of the action (the first revision's
  previous date is the target before it, so even the days before it may change);
* an action saved, or bulk-written with its target date, creation moment or plan: every row
  of it (a row carries the action's plan, so a move recounts both plans);
* an action deleted: its rows go (its updates' deletions, which come first, may have written
  some again), and its plan is counted again.

Every refresh also counts again the plans of the actions it touches (RagSnapshotCount).

Bulk writes (QuerySet.update, bulk_update, bulk_create) send no post_save; AuditedQuerySet
sends actionplans.kernel.audit.bulk_written instead, handled here for actions and updates.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from actionplans.kernel.audit import bulk_written
from actionplans.plans.models import Action, ProgressUpdate, TargetDateRevision
from actionplans.plans.snapshots.writer import snapshots_refresh

# Fields of an action that its snapshots read.
ACTION_FIELDS = {"target_date", "created_at", "plan"}


@receiver(pre_save, sender=ProgressUpdate, dispatch_uid="snapshots.update_before_change")
@receiver(pre_save, sender=TargetDateRevision, dispatch_uid="snapshots.revision_before_change")
def _note_action_before_change(sender, instance, raw=False, **kwargs):
    """Changing a saved update or revision in place: note which action it belonged to."""
    if not instance._state.adding and instance.pk is not None:
        instance._snapshot_action_before = (
            sender.objects.filter(pk=instance.pk).values_list("action_id", flat=True).first()
        )


def _changed_actions(instance) -> set:
    return {instance.action_id, getattr(instance, "_snapshot_action_before", None)}


@receiver(post_save, sender=ProgressUpdate, dispatch_uid="snapshots.update_saved")
def _update_saved(sender, instance, created, raw=False, **kwargs):
    if created:
        snapshots_refresh(action_ids=[instance.action_id], since=timezone.localdate(instance.reported_at))
    else:
        snapshots_refresh(action_ids=_changed_actions(instance))


@receiver(post_delete, sender=ProgressUpdate, dispatch_uid="snapshots.update_deleted")
def _update_deleted(sender, instance, **kwargs):
    snapshots_refresh(action_ids=[instance.action_id], since=timezone.localdate(instance.reported_at))


@receiver(post_save, sender=TargetDateRevision, dispatch_uid="snapshots.revision_saved")
def _revision_saved(sender, instance, raw=False, **kwargs):
    snapshots_refresh(action_ids=_changed_actions(instance))


@receiver(post_delete, sender=TargetDateRevision, dispatch_uid="snapshots.revision_deleted")
def _revision_deleted(sender, instance, **kwargs):
    snapshots_refresh(action_ids=[instance.action_id])


@receiver(post_save, sender=Action, dispatch_uid="snapshots.action_saved")
def _action_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if update_fields is None or ACTION_FIELDS & set(update_fields):
        snapshots_refresh(action_ids=[instance.pk])


@receiver(post_delete, sender=Action, dispatch_uid="snapshots.action_deleted")
def _action_deleted(sender, instance, **kwargs):
    snapshots_refresh(action_ids=[instance.pk], plan_ids=[instance.plan_id])


@receiver(bulk_written, sender=Action, dispatch_uid="snapshots.actions_bulk_written")
def _actions_bulk_written(sender, objs, fields, **kwargs):
    if fields is None or ACTION_FIELDS & fields:
        snapshots_refresh(action_ids=[action.pk for action in objs])


@receiver(bulk_written, sender=ProgressUpdate, dispatch_uid="snapshots.updates_bulk_written")
def _updates_bulk_written(sender, objs, fields, **kwargs):
    snapshots_refresh(action_ids=[update.action_id for update in objs])
