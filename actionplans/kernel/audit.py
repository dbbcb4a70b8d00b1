"""The audit trail: django-simple-history records every save and delete of the
audited models; this queryset makes sure bulk writes cannot slip past it.

QuerySet.update(), bulk_update() and bulk_create() write rows without calling
save(), so simple-history would never hear of them. Every audited model's
queryset inherits from AuditedQuerySet, which records a history row for each
row such a call writes, attributed to the signed-in user of the request
(HistoryRequestMiddleware) like any other change.

Those writes send no post_save either, so the queryset sends `bulk_written` instead, in the
same transaction, for what else must follow a change (derived state such as RAG snapshots).
"""

from collections import defaultdict

from django.db import models, transaction
from django.dispatch import Signal

# Sent by AuditedQuerySet after update(), bulk_update() and bulk_create(), inside their
# transaction: sender the model, `objs` the rows as written, `fields` the names of the fields
# written (None for rows created).
bulk_written = Signal()


def record_links(model, history_rows) -> None:
    """bulk_history_create() copies an object's fields but not its many-to-many links; copy
    the links too, as a save does, so a bulk write does not show every link as removed."""
    history_model = model.history.model
    pk_name = model._meta.pk.attname
    for field in getattr(history_model, "_history_m2m_fields", ()):
        links_model = getattr(history_model, field.name).model
        through = field.remote_field.through
        own = field.m2m_field_name()
        links = defaultdict(list)
        for row in through.objects.filter(**{f"{own}_id__in": {getattr(r, pk_name) for r in history_rows}}):
            links[getattr(row, f"{own}_id")].append(row)
        links_model.objects.bulk_create(
            links_model(history=history, **{f.attname: getattr(link, f.attname) for f in through._meta.fields})
            for history in history_rows
            for link in links[getattr(history, pk_name)]
        )


class AuditedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            if pks:
                changed = list(self.model._default_manager.using(self.db).filter(pk__in=pks))
                record_links(self.model, self.model.history.bulk_history_create(changed, update=True))
                bulk_written.send(sender=self.model, objs=changed, fields=set(kwargs))
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            # Django's bulk_update() writes each batch with update(), which here would record every
            # row a second time: let a plain QuerySet write, and record each row once, below.
            plain = models.QuerySet(self.model, query=self.query.chain(), using=self._db)
            count = plain.bulk_update(objs, fields, batch_size=batch_size)
            if objs:
                record_links(self.model, self.model.history.bulk_history_create(objs, update=True))
                bulk_written.send(sender=self.model, objs=objs, fields=set(fields))
        return count

    bulk_update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            saved = [obj for obj in created if obj.pk is not None]
            if saved:
                # As save() records a new row: no change reason (NULL, where the default is "").
                self.model.history.bulk_history_create(saved, default_change_reason=None)
                bulk_written.send(sender=self.model, objs=saved, fields=None)
        return created

    bulk_create.alters_data = True
