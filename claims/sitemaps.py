"""What search engines may crawl: /sitemap.xml lists the public pages, /robots.txt points to it."""

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims.models import Claim, Topic
from sources.models import Article, Speaker


def _latest_claim_update(**claim_filter):
    """For an annotation: when the newest-updated published claim matching the filter changed."""
    return Subquery(
        Claim.objects.published()
        .filter(**claim_filter)
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )


class ClaimSitemap(Sitemap):
    def items(self):
        return Claim.objects.published().order_by("pk")

    def lastmod(self, claim):
        return claim.updated_at


class SpeakerSitemap(Sitemap):
    """Speakers with published claims; a page changes when one of its claims does."""

    def items(self):
        return (
            Speaker.objects.filter(pk__in=Claim.objects.published().values("speaker"))
            .annotate(claims_updated_at=_latest_claim_update(speaker=OuterRef("pk")))
            .order_by("pk")
        )

    def lastmod(self, speaker):
        return speaker.claims_updated_at


class TopicSitemap(Sitemap):
    """Topics with published claims; a page changes when one of its claims does."""

    def items(self):
        return (
            Topic.objects.filter(pk__in=Claim.objects.published().values("topics"))
            .annotate(claims_updated_at=_latest_claim_update(topics=OuterRef("pk")))
            .order_by("pk")
        )

    def lastmod(self, topic):
        return topic.claims_updated_at


class ArticleSitemap(Sitemap):
    """Every article; a page changes with its text or with one of its published claims."""

    def items(self):
        return Article.objects.annotate(
            claims_updated_at=_latest_claim_update(article=OuterRef("pk"))
        ).order_by("pk")

    def lastmod(self, article):
        return max(filter(None, [article.updated_at, article.claims_updated_at]))


class PageSitemap(Sitemap):
    """The pages that are not about one thing: the tracker, the indexes, how we work."""

    def items(self):
        return [
            "claims:tracker",
            "claims:speakers",
            "claims:articles",
            "claims:methodology",
            "claims:corrections",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "claims": ClaimSitemap,
    "speakers": SpeakerSitemap,
    "topics": TopicSitemap,
    "articles": ArticleSitemap,
}


@require_safe
def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {
            "admin_path": reverse("admin:index"),
            # Data for programs, not pages to index: a prefix of the list, the claims and the
            # CSV, which a crawler would otherwise export again for every search it finds.
            "api_prefix": reverse("api:claims").rstrip("/"),
            "sitemap_url": request.build_absolute_uri(reverse("sitemap")),
        },
        content_type="text/plain; charset=utf-8",
    )
