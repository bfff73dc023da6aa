from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mediagov.policy.admin import pack_summary, reload_shipped_pack

from .models import INSTITUTION_WIDE_ROLES, Institution, Membership, Person, Unit


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    """Institutions come from policy packs (`mediagov policy load`); their pack fields are read-only here."""

    list_display = [
        "code",
        "name",
        "short_name",
        "regulation_title",
        "regulation_published",
        "pack_loaded_at",
    ]
    search_fields = ["code", "name", "short_name"]
    readonly_fields = [
        "code",
        "name",
        "short_name",
        "regulation_title",
        "regulation_published",
        "pack_sha256",
        "pack_loaded_at",
        pack_summary,
    ]
    exclude = ["pack"]
    actions = [reload_shipped_pack]

    def has_add_permission(self, request) -> bool:
        return False  # 学校只能通过加载政策包创建：mediagov policy load


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["institution", "parent", "code", "name", "kind", "first_responsible"]

    def clean(self):
        data = super().clean()
        institution, parent = data.get("institution"), data.get("parent")
        if parent and institution and parent.institution_id != institution.pk:
            self.add_error("parent", "上级单位须属于同一学校")
        if parent and self.instance.pk and parent.path.startswith(self.instance.path or "\0"):
            self.add_error("parent", "上级单位不能是本单位或其下级单位")
        first = data.get("first_responsible")
        if first and institution and first.institution_id != institution.pk:
            self.add_error("first_responsible", "第一责任人须为本校教职工")
        return data


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitForm
    list_display = ["name", "code", "institution", "kind", "parent", "first_responsible"]
    list_filter = ["institution", "kind"]
    search_fields = ["name", "code"]
    list_select_related = ["institution", "parent", "first_responsible"]
    autocomplete_fields = ["parent", "first_responsible"]
    ordering = ["institution", "path"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["staff_no", "name", "institution", "unit", "title", "on_staff", "on_roster", "user"]
    list_filter = ["institution", "on_staff", "on_roster"]
    search_fields = ["staff_no", "name", "phone", "email"]
    list_select_related = ["institution", "unit", "user"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["user"]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "institution", "role", "unit"]

    def clean(self):
        data = super().clean()
        role, unit, institution = data.get("role"), data.get("unit"), data.get("institution")
        if role in INSTITUTION_WIDE_ROLES and unit:
            self.add_error("unit", "该角色为全校范围，不应指定单位")
        elif role and role not in INSTITUTION_WIDE_ROLES and not unit:
            self.add_error("unit", "该角色须指定单位")
        if unit and institution and unit.institution_id != institution.pk:
            self.add_error("unit", "单位须属于所选学校")
        return data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "institution", "role", "unit"]
    list_filter = ["institution", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name", "unit__code"]
    list_select_related = ["user", "institution", "unit"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["user"]
