from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partners.models import Attendance, Body, Meeting, Membership, Organisation, Person, PersonGroup


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["display_name", "job_title", "organisation", "email", "user"]
    list_filter = ["organisation__kind", "organisation"]
    list_select_related = ["organisation", "user"]
    search_fields = ["name", "job_title", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]

    @admin.display(description="Name", ordering="name")
    def display_name(self, person):
        return person.display_name


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "organisation"]
    list_filter = ["kind"]
    list_select_related = ["organisation"]
    search_fields = ["name"]
    autocomplete_fields = ["organisation"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["person", "body", "role", "representing"]
    list_filter = ["role", "body"]
    list_select_related = ["person", "body"]
    search_fields = ["person__name", "person__job_title", "body__name", "representing"]
    autocomplete_fields = ["person", "body"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["date", "body", "time", "venue"]
    list_filter = ["body"]
    list_select_related = ["body"]
    search_fields = ["body__name", "venue"]
    date_hierarchy = "date"
    autocomplete_fields = ["body"]
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["person", "meeting", "status", "capacity"]
    list_filter = ["status", "meeting__body"]
    list_select_related = ["person", "meeting__body"]
    search_fields = ["person__name", "person__job_title", "meeting__body__name", "capacity"]
    autocomplete_fields = ["person", "meeting"]


@admin.register(PersonGroup)
class PersonGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
