from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from actionplans.plans.models import Action, ActionComment, Plan, ProgressUpdate, TargetDateRevision


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["position", "reference", "description", "lead", "target_date", "target_date_text"]
    raw_id_fields = ["lead"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owning_body", "lead", "status"]
    list_filter = ["status", "owning_body"]
    list_select_related = ["owning_body", "lead"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["owning_body", "lead"]
    filter_horizontal = ["sources"]
    inlines = [ActionInline]


# An evidence link typed without a scheme is taken as https (Django 6's default, chosen now).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class ProgressUpdateInline(admin.StackedInline):
    model = ProgressUpdate
    extra = 0
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    autocomplete_fields = ["author"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "position", "lead", "target_date", "target_date_text"]
    list_filter = ["plan"]
    list_select_related = ["plan", "lead"]
    search_fields = ["reference", "description", "plan__title", "lead__name", "lead__job_title"]
    date_hierarchy = "target_date"
    autocomplete_fields = ["plan", "recommendation", "lead", "supporting_officers", "partners"]
    inlines = [ProgressUpdateInline]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["action", "reported_at", "status", "rag", "author"]
    list_filter = ["status", "rag", "action__plan"]
    list_select_related = ["action", "author"]
    search_fields = ["narrative", "action__reference", "action__description", "author__name"]
    date_hierarchy = "reported_at"
    autocomplete_fields = ["action", "author"]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS


@admin.register(TargetDateRevision)
class TargetDateRevisionAdmin(admin.ModelAdmin):
    list_display = ["action", "previous_date", "new_date", "revised_by", "revised_at"]
    list_select_related = ["action", "revised_by"]
    search_fields = ["action__description", "action__reference", "reason"]
    raw_id_fields = ["action"]
    autocomplete_fields = ["revised_by"]


@admin.register(ActionComment)
class ActionCommentAdmin(SimpleHistoryAdmin):
    list_display = ["action", "author", "created_at"]
    list_select_related = ["action", "author"]
    search_fields = ["text", "action__description"]
    raw_id_fields = ["action"]
    autocomplete_fields = ["author"]
