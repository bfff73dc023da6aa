from django.contrib import admin

from mediagov.core.audit import log_action

from .models import CalendarYear, WorkdayOverride


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "loaded_at"]
    search_fields = ["source"]
    readonly_fields = ["loaded_at"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name", "source", "updated_by", "updated_at"]
    list_filter = ["is_workday", "name"]
    search_fields = ["name", "source"]
    date_hierarchy = "date"
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        data = {"date": obj.date.isoformat(), "is_workday": obj.is_workday, "name": obj.name, "via": "admin"}
        log_action(obj, "calendar.override_saved", user=request.user, data=data)

    def delete_model(self, request, obj):
        data = {"date": obj.date.isoformat(), "deleted": True, "via": "admin"}
        log_action(obj, "calendar.override_saved", user=request.user, data=data)
        super().delete_model(request, obj)
