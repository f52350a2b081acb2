import hashlib

from django.contrib import admin
from django.utils.html import format_html

from sources.models import Article, Outlet, Speaker


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "homepage_url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "affiliation"]
    # Aliases are searched too, so "Sergei Lavrov" finds the Sergey Lavrov row
    # here and in every autocomplete that picks a speaker.
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "role", "affiliation", "aliases"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published_on", "dateline", "seed_file"]
    list_filter = ["outlet", "published_on"]
    list_select_related = ["outlet"]
    search_fields = ["title", "text"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["raw_text_block", "seed_file", "content_hash", "created_at", "updated_at"]

    def get_fieldsets(self, request, obj=None):
        details = (
            None,
            {"fields": ["outlet", "title", "slug", "url", "published_on", "dateline", "text"]},
        )
        if obj is None:
            # An article typed in by hand has no import to show: its raw text is entered here.
            return [details, ("As received", {"fields": ["raw_text"]})]
        imported = ["raw_text_block", "seed_file", "content_hash", "created_at", "updated_at"]
        return [details, ("As imported", {"classes": ["collapse"], "fields": imported})]

    @admin.display(description="raw text")
    def raw_text_block(self, article):
        # A read-only text area keeps every space and line break, as <pre> would, but
        # wraps long lines within the page (the admin's CSS cannot be extended inline).
        # HTML drops one newline right after <textarea>, so one is added to keep the text's own.
        return format_html(
            '<textarea class="vLargeTextField" rows="20" readonly aria-label="Raw text">\n{}'
            "</textarea>",
            article.raw_text,
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.content_hash = hashlib.sha256(obj.raw_text.encode()).hexdigest()
        super().save_model(request, obj, form, change)
