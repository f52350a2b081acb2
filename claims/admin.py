"""The editors' admin: claims with their evidence, verdicts and history."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.db import transaction
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import ngettext

from claims.forms import ArticleAdminForm, ClaimActionForm, ClaimAdminForm, StatusChangeForm
from claims.models import Claim, CounterSource, Status, StatusChange, Topic
from sources.admin import ArticleAdmin
from sources.models import Article


def claims_counted(count):
    return ngettext("%(count)d claim", "%(count)d claims", count) % {"count": count}


def public_url(claim):
    """The claim's public page, or None for a draft, which has none."""
    return claim.get_absolute_url() if claim.is_published else None


def user_name(user):
    # Shown as text: a link to the user admin would be forbidden to editors.
    # No user: recorded by an import, or by an account since deleted.
    return (user.get_full_name() or user.get_username()) if user else "—"


class ReadOnlyInline(admin.TabularInline):
    """Rows shown for reference, written elsewhere."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ArticleClaimInline(ReadOnlyInline):
    """The claims quoting an article, listed on the article's page; edited on their own pages."""

    model = Claim
    fields = ["speaker", "status", "is_published", "stated_on"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "claims quoting this article"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")

    def view_on_site(self, claim):
        return public_url(claim)


admin.site.unregister(Article)


@admin.register(Article)
class ArticleWithClaimsAdmin(ArticleAdmin):
    form = ArticleAdminForm
    inlines = [ArticleClaimInline]
    change_form_template = "admin/claims/article_change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The claim form opens with this article chosen (admin forms take initial values
        # from the query string), for those who may add claims.
        if request.user.has_perm("claims.add_claim"):
            query = urlencode({"article": object_id})
            extra_context = {
                **(extra_context or {}),
                "record_claim_url": f"{reverse('admin:claims_claim_add')}?{query}",
            }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CounterSourceInline(admin.StackedInline):
    model = CounterSource
    extra = 1
    autocomplete_fields = ["article"]
    fields = [
        "stance",
        "article",
        ("title", "publisher"),
        ("url", "published_on"),
        "note",
        ("added_by_name", "added_at"),
    ]
    readonly_fields = ["added_by_name", "added_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "added_by")

    @admin.display(description="added by")
    def added_by_name(self, counter_source):
        return user_name(counter_source.added_by)


class StatusChangeInline(ReadOnlyInline):
    """The claim's status history: written only by Claim.change_status, never by hand."""

    model = StatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by_name", "note"]
    readonly_fields = fields
    verbose_name_plural = "status history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    @admin.display(description="changed by")
    def changed_by_name(self, change):
        return user_name(change.changed_by)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    form = ClaimAdminForm
    action_form = ClaimActionForm
    list_display = ["statement", "status", "speaker", "article_title", "is_published", "updated_at"]
    list_filter = ["status", "is_published", "speaker", "article__outlet", "topics"]
    list_select_related = ["speaker", "article"]
    search_fields = ["statement", "quote", "speaker__name", "speaker__aliases"]
    autocomplete_fields = ["speaker", "article", "topics"]
    date_hierarchy = "stated_on"
    prepopulated_fields = {"slug": ["statement"]}
    readonly_fields = ["first_published_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["statement", "speaker", "article", "quote", "stated_on", "topics"]}),
        ("Verdict", {"fields": ["status", "status_note", "verdict"]}),
        ("Publication", {"fields": ["is_published", "slug", "first_published_at"]}),
        ("For editors only", {"fields": ["internal_notes", "created_at", "updated_at"]}),
    ]
    inlines = [CounterSourceInline, StatusChangeInline]
    actions = ["publish", "unpublish", "change_status", "delete_selected"]

    def view_on_site(self, claim):
        return public_url(claim)

    @admin.display(description="source article", ordering="article__title")
    def article_title(self, claim):
        return Truncator(claim.article.title).chars(60)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Save, then publish and change status through the model, which keeps the record."""
        new_status, publish = obj.status, obj.is_published
        obj.status, obj.is_published = form.stored_status, form.stored_is_published
        super().save_model(request, obj, form, change)
        if new_status != obj.status:
            obj.change_status(new_status, note=form.cleaned_data["status_note"], by=request.user)
        # After the status change, so a verdict reached while publishing is not a correction.
        if publish:
            obj.publish()
        else:
            obj.unpublish()

    def save_formset(self, request, form, formset, change):
        if formset.model is not CounterSource:
            super().save_formset(request, form, formset, change)
            return
        for counter_source in formset.save(commit=False):
            if counter_source.pk is None:
                counter_source.added_by = request.user
            counter_source.save()
        for counter_source in formset.deleted_objects:
            counter_source.delete()

    # Each action changes every selected claim or, if one fails, none of them.

    @admin.action(description="Publish selected claims", permissions=["change"])
    @transaction.atomic
    def publish(self, request, queryset):
        drafts = list(queryset.drafts())
        for claim in drafts:
            claim.publish()
        self.message_user(request, f"Published {claims_counted(len(drafts))}.", messages.SUCCESS)

    @admin.action(description="Unpublish selected claims", permissions=["change"])
    @transaction.atomic
    def unpublish(self, request, queryset):
        published = list(queryset.published())
        for claim in published:
            claim.unpublish()
        self.message_user(
            request, f"Unpublished {claims_counted(len(published))}.", messages.SUCCESS
        )

    @admin.action(
        description="Change status of selected claims (needs a note)",
        permissions=["change"],
    )
    @transaction.atomic
    def change_status(self, request, queryset):
        form = StatusChangeForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request,
                "Choose a new status and write a note explaining the change "
                "in the action bar. No claims were changed.",
                messages.ERROR,
            )
            return
        new_status = Status(form.cleaned_data["new_status"])
        note = form.cleaned_data["status_note"]
        changed = [
            claim
            for claim in queryset
            if claim.change_status(new_status, note=note, by=request.user) is not None
        ]
        self.message_user(
            request,
            f"Changed the status of {claims_counted(len(changed))} to “{new_status.label}”.",
            messages.SUCCESS,
        )

    @admin.action(description=django_delete_selected.short_description, permissions=["delete"])
    def delete_selected(self, request, queryset):
        # The delete view refuses a published claim through has_delete_permission;
        # the bulk action does not ask it object by object.
        published = queryset.published().count()
        if published and not request.user.is_superuser:
            self.message_user(
                request,
                f"{claims_counted(published).capitalize()} of those selected "
                f"{'is' if published == 1 else 'are'} published and cannot be deleted: "
                "unpublish instead. No claims were deleted.",
                messages.ERROR,
            )
            return None
        return django_delete_selected(self, request, queryset)
