from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actionplans.measures.models import Measure, MeasureTarget, MeasureValue


class MeasureTargetInline(admin.TabularInline):
    model = MeasureTarget
    extra = 0


class MeasureValueInline(admin.TabularInline):
    model = MeasureValue
    extra = 0
    fields = ["period_end", "value", "numerator", "denominator", "note", "entered_by", "entered_at"]
    autocomplete_fields = ["entered_by"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "unit", "direction", "frequency", "rag_rule", "data_owner"]
    list_filter = ["unit", "frequency", "rag_rule", "plan"]
    list_select_related = ["plan", "data_owner"]
    search_fields = ["name", "description", "plan__title"]
    autocomplete_fields = ["plan", "data_owner", "recommendations", "actions", "core_data_set_of"]
    inlines = [MeasureTargetInline, MeasureValueInline]


@admin.register(MeasureValue)
class MeasureValueAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "period_end", "value", "numerator", "denominator", "entered_by", "entered_at"]
    list_filter = ["measure__plan"]
    list_select_related = ["measure", "entered_by"]
    search_fields = ["measure__name", "note"]
    date_hierarchy = "period_end"
    autocomplete_fields = ["measure", "entered_by"]


@admin.register(MeasureTarget)
class MeasureTargetAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "value", "applies_from", "note"]
    list_filter = ["measure__plan"]
    list_select_related = ["measure"]
    search_fields = ["measure__name", "note"]
    autocomplete_fields = ["measure"]
