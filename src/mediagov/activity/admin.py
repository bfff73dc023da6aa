from django.contrib import admin

from .models import Post, Report


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["published_at", "title", "account", "source"]
    list_filter = ["source", "account__institution"]
    search_fields = ["title", "account__name"]
    raw_id_fields = ["account"]
    date_hierarchy = "published_at"


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["account", "kind", "period", "submitted_at"]
    list_filter = ["kind", "account__institution"]
    raw_id_fields = ["account", "submitted_by"]
