from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ContentReview, DiscoveredAccount, Lexicon, LexiconVersion, ReviewDecision, Term
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


@admin.register(DiscoveredAccount)
class DiscoveredAccountAdmin(admin.ModelAdmin):
    """Read-only: results come from the name watch (page or `mediagov namewatch --save`), with their audit."""

    list_display = ["name", "institution", "platform", "verdict", "keyword", "account", "created"]
    list_filter = ["institution", "verdict", "platform", "source"]
    search_fields = ["name", "handle", "handle_raw", "url", "keyword"]
    raw_id_fields = ["account", "created_by"]
    date_hierarchy = "created"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


# 先审后发: read-only here (痕迹管理); drafts change only through the services (screening/reviews.py).


class ReviewDecisionInline(admin.TabularInline):
    model = ReviewDecision
    extra = 0
    can_delete = False
    fields = ["round", "level", "label", "decision", "comment", "override", "override_reason", "reviewer"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ContentReview)
class ContentReviewAdmin(SimpleHistoryAdmin):
    list_display = ["title", "account", "author", "state", "round", "submitted_at"]
    list_filter = ["institution", "state"]
    search_fields = ["title", "account__name"]
    inlines = [ReviewDecisionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ContentReview._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
