from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Lexicon, LexiconVersion, Term
from .services import lexicon_bump


class TermInline(admin.TabularInline):
    model = Term
    extra = 1
    fields = ["text", "category", "variants", "allowlist", "severity", "blocks_publication", "correction"]


class LexiconVersionInline(admin.TabularInline):
    model = LexiconVersion
    extra = 0
    can_delete = False
    readonly_fields = ["number", "source", "term_count", "created_by", "created"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lexicon)
class LexiconAdmin(SimpleHistoryAdmin):
    list_display = ["name", "institution", "category", "version", "updated"]
    list_filter = ["institution", "category"]
    search_fields = ["name", "terms__text"]
    readonly_fields = ["version"]
    inlines = [TermInline, LexiconVersionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(fs.has_changed() for fs in formsets if fs.model is Term) or not change:
            lexicon_bump(lexicon=form.instance, source="管理后台", user=request.user)


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["text", "category", "lexicon", "severity", "blocks_publication", "correction"]
    list_filter = ["lexicon__institution", "category", "lexicon"]
    search_fields = ["text", "correction"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        lexicon_bump(lexicon=obj.lexicon, source="管理后台", user=request.user)

    def delete_model(self, request, obj):
        lexicon = obj.lexicon
        super().delete_model(request, obj)
        lexicon_bump(lexicon=lexicon, source="管理后台", user=request.user)
