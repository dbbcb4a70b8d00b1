from django.contrib import admin

from actionplans.kernel.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Jobs are asked for from the pages and written by the workers: read here, never edited."""

    list_display = ["title", "kind", "status", "requested_by", "created_at", "finished_at", "attempt"]
    list_filter = ["status", "kind"]
    list_select_related = ["requested_by"]
    search_fields = ["title", "key", "failure_reason"]
    exclude = ["result"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("result")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
