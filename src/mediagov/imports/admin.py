from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(SimpleHistoryAdmin):
    list_display = [
        "filename",
        "institution",
        "kind",
        "state",
        "rows",
        "created_count",
        "created_by",
        "created",
    ]
    list_filter = ["institution", "kind", "state"]
    readonly_fields = ["state"]
