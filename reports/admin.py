from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import CommitteePaper, PublishedPaper


@admin.register(CommitteePaper)
class CommitteePaperAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "agenda_item", "subject"]
    list_select_related = ["meeting__body"]
    search_fields = ["subject", "meeting__body__name"]
    raw_id_fields = ["meeting"]


@admin.register(PublishedPaper)
class PublishedPaperAdmin(admin.ModelAdmin):
    """Published papers are a record of what went out: read them here, never change them."""

    list_display = ["title", "meeting", "created_by", "created_at", "size", "sha256"]
    list_select_related = ["meeting__body", "created_by"]
    search_fields = ["title", "sha256"]
    exclude = ["content"]
    readonly_fields = ["meeting", "paper", "title", "sha256", "size", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
