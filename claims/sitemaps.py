"""What search engines may crawl: /sitemap.xml lists the public pages, /robots.txt points to it."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims.caching import shared_page
from claims.models import Claim, PublishedTally
from claims.paging import IdsFirstPaginator
from sources.models import Article


def _latest_claim_update(*conditions, **claim_filter):
    """For an annotation: when the newest-updated published claim matching the filter changed."""
    return Subquery(
        Claim.objects.published()
        .filter(*conditions, **claim_filter)
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )


def _latest_published_claim_update(claims=None):
    """When the newest-updated published claim (of `claims`) changed; read off its index."""
    claims = Claim.objects.published() if claims is None else claims
    return claims.order_by("-updated_at").values_list("updated_at", flat=True).first()


class SectionSitemap(Sitemap):
    """A section of the site, listed in sitemaps of at most `limit` addresses each.

    Small enough that making one costs the same however large the archive grows
    (the protocol allows 50 000). Each section says when it last changed with one
    query: Django would otherwise read the date of every item for the index.
    """

    limit = 1000


class ClaimSitemap(SectionSitemap):
    def items(self):
        return Claim.objects.published().order_by("pk")

    @property
    def paginator(self):
        count = PublishedTally.objects.published_claim_count()
        return IdsFirstPaginator(self.items(), self.limit, count=count)

    def lastmod(self, claim):
        return claim.updated_at

    def get_latest_lastmod(self):
        return _latest_published_claim_update()


class SpeakerSitemap(SectionSitemap):
    """Speakers with published claims; a page changes when one of its claims does."""

    def items(self):
        return (
            PublishedTally.objects.speakers()
            .annotate(claims_updated_at=_latest_claim_update(speaker=OuterRef("pk")))
            .order_by("pk")
        )

    def lastmod(self, speaker):
        return speaker.claims_updated_at

    def get_latest_lastmod(self):
        # Every claim has a speaker.
        return _latest_published_claim_update()


class TopicSitemap(SectionSitemap):
    """Topics with published claims; a page changes when one of its claims does."""

    def items(self):
        # A topic's claims are many: the newest updated claims are read in order until
        # one on the topic is found, rather than all of the topic's claims sorted.
        on_topic = Exists(
            Claim.topics.through.objects.filter(
                claim_id=OuterRef("pk"), topic_id=OuterRef(OuterRef("pk"))
            )
        )
        return (
            PublishedTally.objects.topics()
            .annotate(claims_updated_at=_latest_claim_update(on_topic))
            .order_by("pk")
        )

    def lastmod(self, topic):
        return topic.claims_updated_at

    def get_latest_lastmod(self):
        has_topics = Exists(Claim.topics.through.objects.filter(claim_id=OuterRef("pk")))
        return _latest_published_claim_update(Claim.objects.published().filter(has_topics))


class ArticleSitemap(SectionSitemap):
    """Every article; a page changes with its text or with one of its published claims."""

    def items(self):
        return Article.objects.annotate(
            claims_updated_at=_latest_claim_update(article=OuterRef("pk"))
        ).order_by("pk")

    def lastmod(self, article):
        return max(filter(None, [article.updated_at, article.claims_updated_at]))

    def get_latest_lastmod(self):
        # Every claim is in an article: the latest updated article, and in the same
        # query the latest updated published claim.
        dates = (
            Article.objects.order_by("-updated_at")
            .annotate(latest_claim=_latest_claim_update())
            .values_list("updated_at", "latest_claim")
            .first()
        )
        return max(filter(None, dates), default=None) if dates else None


class PageSitemap(SectionSitemap):
    """The pages that are not about one thing: the tracker, the indexes, how we work."""

    def items(self):
        return [
            "claims:tracker",
            "claims:speakers",
            "claims:topics",
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
@shared_page
def sitemap_index(request):
    """/sitemap.xml: the sections' sitemaps, each page of them, and when each changed."""
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap-section").render()


@require_safe
@shared_page
def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section).render()


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
