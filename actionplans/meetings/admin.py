from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actionplans.meetings.models import (
    AgendaItem,
    AgreedAction,
    MonitoringDecision,
    Resolution,
    SentReminder,
    UpdateRound,
)


@admin.register(MonitoringDecision)
class MonitoringDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "recommendation", "action", "decision", "recorded_by", "recorded_at"]
    list_filter = ["decision", "meeting__body"]
    list_select_related = ["meeting__body", "recommendation", "action", "recorded_by"]
    search_fields = ["comment", "recommendation__text", "action__description"]
    raw_id_fields = ["meeting", "recommendation", "action"]
    autocomplete_fields = ["recorded_by"]


@admin.register(UpdateRound)
class UpdateRoundAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "deadline", "started_by", "started_at"]
    list_select_related = ["meeting__body", "started_by"]
    raw_id_fields = ["meeting"]
    autocomplete_fields = ["started_by"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "person", "sent_at", "update_round"]
    list_filter = ["kind"]
    list_select_related = ["person", "update_round__meeting"]
    search_fields = ["key", "person__name", "person__email"]
    raw_id_fields = ["person", "update_round", "sent_by"]


class ResolutionInline(admin.TabularInline):
    model = Resolution
    extra = 0


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "number", "title", "presenter"]
    list_select_related = ["meeting__body", "presenter"]
    list_filter = ["meeting__body"]
    search_fields = ["title", "discussion", "report_title"]
    raw_id_fields = ["meeting"]
    autocomplete_fields = ["presenter"]
    inlines = [ResolutionInline]


@admin.register(AgreedAction)
class AgreedActionAdmin(SimpleHistoryAdmin):
    list_display = ["item", "position", "owner_as_printed", "action"]
    list_select_related = ["item__meeting__body", "action"]
    search_fields = ["text", "owner_as_printed"]
    raw_id_fields = ["item", "resolution", "action"]


@admin.register(Resolution)
class ResolutionAdmin(SimpleHistoryAdmin):
    list_display = ["item", "position", "text"]
    list_select_related = ["item__meeting__body"]
    search_fields = ["text"]
    raw_id_fields = ["item"]
