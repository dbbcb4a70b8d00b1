"""The audit trail: django-simple-history records every save and delete of the
audited models; this queryset makes sure bulk writes cannot slip past it.

QuerySet.update(), bulk_update() and bulk_create() write rows without calling
save(), so simple-history would never hear of them. Every audited model's
queryset inherits from AuditedQuerySet, which records a history row for each
row such a call writes, attributed to the signed-in user of the request
(HistoryRequestMiddleware) like any other change.
"""

from django.db import models, transaction


class AuditedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            if pks:
                changed = list(self.model._default_manager.using(self.db).filter(pk__in=pks))
                self.model.history.bulk_history_create(changed, update=True)
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            count = super().bulk_update(objs, fields, batch_size=batch_size)
            if objs:
                self.model.history.bulk_history_create(objs, update=True)
        return count

    bulk_update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            saved = [obj for obj in created if obj.pk is not None]
            if saved:
                self.model.history.bulk_history_create(saved)
        return created

    bulk_create.alters_data = True
