from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from recommendations.models import Recommendation, Source


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    fields = ["position", "label", "group", "text", "parent", "response_decision"]
    raw_id_fields = ["parent"]
    show_change_link = True


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "reference", "kind", "made_by", "date"]
    list_filter = ["kind", "made_by"]
    list_select_related = ["made_by"]
    search_fields = ["title", "reference", "summary"]
    date_hierarchy = "date"
    autocomplete_fields = ["made_by", "meeting"]
    inlines = [RecommendationInline]


class ChildRecommendationInline(admin.TabularInline):
    model = Recommendation
    fk_name = "parent"
    extra = 0
    fields = ["source", "position", "label", "text", "response_decision"]
    raw_id_fields = ["source"]
    show_change_link = True
    verbose_name = "part"
    verbose_name_plural = "parts of this recommendation"


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "source", "position", "group", "response_decision", "lead"]
    list_filter = ["response_decision", "source"]
    list_select_related = ["source", "lead", "parent"]
    search_fields = ["text", "label", "group", "source__title", "source__reference"]
    autocomplete_fields = ["source", "lead", "responding_body"]
    raw_id_fields = ["parent"]
    inlines = [ChildRecommendationInline]
