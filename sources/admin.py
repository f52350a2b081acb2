import contextlib
import dataclasses
import hashlib

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from sources.forms import ArticleImportForm
from sources.importing import (
    ARTICLE_FILE_MAX_BYTES,
    ARTICLE_FILE_MAX_MEGABYTES,
    ArticleImportError,
    Outcome,
    import_new_article,
)
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

    def get_urls(self):
        import_url = path(
            "import/", self.admin_site.admin_view(self.import_view), name="sources_article_import"
        )
        # Before the model's own, whose last pattern takes any path as an article's id.
        return [import_url, *super().get_urls()]

    def import_view(self, request):
        """Upload article files; each is imported, or refused with its reason, on its own."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = ArticleImportForm(request.POST, request.FILES)
        else:
            form = ArticleImportForm()
        imported_files = None
        if form.is_bound and form.is_valid():
            imported_files = self.import_uploads(request, **form.cleaned_data)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import articles",
            "form": form,
            "imported_files": imported_files,
            "checked_only": imported_files is not None and form.cleaned_data["check_only"],
        }
        return TemplateResponse(request, "admin/sources/article/import.html", context)

    def import_uploads(self, request, files, *, outlet_otherwise, check_only):
        """[ImportedFile] for each upload. Checked only, everything is rolled back at the end."""
        imported_files, digests_by_name = [], {}
        with transaction.atomic() if check_only else contextlib.nullcontext():
            for upload in files:
                # Django keeps only the last part of the name that the browser sent.
                name = upload.name
                if upload.size > ARTICLE_FILE_MAX_BYTES:
                    limit = ARTICLE_FILE_MAX_MEGABYTES
                    problem = f"the file is larger than {limit} MB: is it an article?"
                    imported_files.append(ImportedFile(name, problem=problem))
                    continue
                data = upload.read()
                digest = hashlib.sha256(data).hexdigest()
                if name in digests_by_name:
                    if digests_by_name[name] != digest:
                        # Articles are known by file name: the second would pass for the first.
                        problem = "another file of this name, with other text, is in this import"
                        imported_files.append(ImportedFile(name, problem=problem))
                    continue
                digests_by_name[name] = digest
                try:
                    article, outcome = import_new_article(
                        name, data, outlet_otherwise=outlet_otherwise
                    )
                except ArticleImportError as error:
                    imported_files.append(ImportedFile(name, problem=str(error)))
                    continue
                if outcome is Outcome.CREATED and not check_only:
                    self.log_addition(request, article, f"Imported from the file {name}.")
                imported_files.append(ImportedFile(name, outcome, article))
            if check_only:
                transaction.set_rollback(True)
        return imported_files


@dataclasses.dataclass(frozen=True)
class ImportedFile:
    """What became of one uploaded file: its outcome and article, or why it was not imported."""

    name: str
    outcome: Outcome | None = None
    article: Article | None = None
    problem: str = ""

    @property
    def missing(self):
        """What a new article still needs from its editor: what its text did not give."""
        if self.outcome is not Outcome.CREATED:
            return []
        missing = []
        if self.article.published_on is None:
            missing.append("publication date")
        if not self.article.url:
            missing.append("URL")
        return missing
