"""The RAG snapshots in the admin, to read only: they are worked out from the history
(`manage.py rag_snapshots --rebuild` writes them again), never typed in."""

from django.contrib import admin

from actionplans.plans.snapshots.models import RagSnapshot, RagSnapshotCount, RagSnapshotPeriod


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RagSnapshotPeriod)
class RagSnapshotPeriodAdmin(ReadOnlyAdmin):
    list_display = ["period_end", "cutoff", "stale_before", "cycle_days", "recorded_at"]


@admin.register(RagSnapshot)
class RagSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["period", "action", "plan", "rag", "is_overdue", "is_update_due"]
    list_filter = ["period", "rag", "is_overdue", "is_update_due"]
    list_select_related = ["action", "plan"]
    raw_id_fields = ["action", "plan"]


@admin.register(RagSnapshotCount)
class RagSnapshotCountAdmin(ReadOnlyAdmin):
    list_display = ["period", "plan", "blue", "green", "amber", "red", "not_reported", "overdue", "update_due"]
    list_filter = ["period"]
    list_select_related = ["plan"]
