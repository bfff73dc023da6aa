from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AccountManager, ApprovalStep, Filing, MediaAccount


class AccountManagerInline(admin.TabularInline):
    model = AccountManager
    extra = 0


@admin.register(MediaAccount)
class MediaAccountAdmin(SimpleHistoryAdmin):
    list_display = ("name", "institution", "platform", "responsible_unit", "status", "alliance_member")
    list_filter = ("institution", "platform", "status", "owner_kind", "alliance_member")
    search_fields = ("name", "platform_id", "handle", "owner")
    raw_id_fields = ("responsible_unit", "first_responsible", "direct_responsible", "guiding_teacher")
    inlines = [AccountManagerInline]


class ApprovalStepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    readonly_fields = (
        "round",
        "order",
        "role",
        "unit",
        "label",
        "article",
        "decision",
        "opinion",
        "signed_by",
        "signed_at",
    )
    can_delete = False


@admin.register(Filing)
class FilingAdmin(SimpleHistoryAdmin):
    """Read-mostly: decisions are made through the approval pages so the chain and audit trail hold."""

    list_display = ("__str__", "institution", "kind", "state", "due_date", "submitted_at")
    list_filter = ("institution", "kind", "state")
    search_fields = ("account__name",)
    readonly_fields = ("state", "round", "checks", "diff", "submitted_by", "submitted_at", "decided_at")
    raw_id_fields = ("account", "created_by")
    inlines = [ApprovalStepInline]
