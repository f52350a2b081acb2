"""/sitemap.xml lists every public page and nothing else; /robots.txt points crawlers to it."""

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from claims import sitemaps
from claims.models import Claim
from sources.models import Article
from tests import factories

pytestmark = pytest.mark.django_db

NAMESPACE = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# The W3C Datetime profile that sitemaps.org requires: a date, or a date and time with a zone.
W3C_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?")


def fetch_sitemap(client, url):
    """The parsed sitemap or sitemap index at `url`, checking what every crawler relies on."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def sitemap_entries(client):
    """{location: lastmod or None} of every URL /sitemap.xml leads to, through an index if any."""
    root = fetch_sitemap(client, "/sitemap.xml")
    roots = [root]
    if root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex":
        roots = [
            fetch_sitemap(client, urlsplit(location).path + f"?{urlsplit(location).query}")
            for location in [loc.text for loc in root.iterfind("sm:sitemap/sm:loc", NAMESPACE)]
        ]
    entries = {}
    for sitemap in roots:
        assert sitemap.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
        for url in sitemap.findall("sm:url", NAMESPACE):
            location = url.findtext("sm:loc", namespaces=NAMESPACE)
            assert location not in entries, f"{location} is listed twice"
            entries[location] = url.findtext("sm:lastmod", namespaces=NAMESPACE)
    return entries


def absolute(path):
    return f"http://testserver{path}"


def set_updated(claim, moment):
    Claim.objects.filter(pk=claim.pk).update(updated_at=moment)


class TestSitemap:
    def test_lists_the_static_pages(self, client):
        entries = sitemap_entries(client)

        for name in ["tracker", "methodology", "corrections", "speakers", "topics", "articles"]:
            assert absolute(reverse(f"claims:{name}")) in entries

    def test_lists_published_claims_with_their_last_update(self, client):
        claim = factories.make_claim()
        set_updated(claim, datetime.datetime(2021, 6, 3, 10, tzinfo=datetime.UTC))

        entries = sitemap_entries(client)

        assert entries[absolute(claim.get_absolute_url())] == "2021-06-03"

    def test_lists_speakers_and_topics_with_published_claims(self, client):
        topic = factories.make_topic()
        older = factories.make_claim(topics=[topic])
        newer = factories.make_claim(topics=[topic], speaker=older.speaker)
        set_updated(older, datetime.datetime(2021, 6, 1, tzinfo=datetime.UTC))
        set_updated(newer, datetime.datetime(2021, 6, 9, tzinfo=datetime.UTC))
        # A draft's later edit is nobody's business.
        draft = factories.make_claim(published=False, topics=[topic], speaker=older.speaker)
        set_updated(draft, datetime.datetime(2021, 7, 1, tzinfo=datetime.UTC))

        entries = sitemap_entries(client)

        assert entries[absolute(older.speaker.get_absolute_url())] == "2021-06-09"
        assert entries[absolute(topic.get_absolute_url())] == "2021-06-09"

    def test_lists_articles(self, client):
        article = factories.make_article()

        entries = sitemap_entries(client)

        assert entries[absolute(article.get_absolute_url())] == article.updated_at.strftime(
            "%Y-%m-%d"
        )

    def test_an_article_changes_with_its_published_claims(self, client):
        claim = factories.make_claim()
        article = claim.article
        draft = factories.make_claim(published=False, article=article)
        factories.make_claim()
        Article.objects.filter(pk=article.pk).update(
            updated_at=datetime.datetime(2021, 5, 1, tzinfo=datetime.UTC)
        )
        set_updated(claim, datetime.datetime(2021, 6, 2, tzinfo=datetime.UTC))
        set_updated(draft, datetime.datetime(2021, 7, 1, tzinfo=datetime.UTC))

        entries = sitemap_entries(client)

        assert entries[absolute(article.get_absolute_url())] == "2021-06-02"

    def test_is_valid_sitemap_protocol(self, client):
        factories.make_claim(topics=[factories.make_topic()])

        entries = sitemap_entries(client)

        assert entries
        for location, lastmod in entries.items():
            # Absolute, on the host that served the sitemap, and no longer than the protocol allows.
            assert location.startswith("http://testserver/"), location
            assert len(location) < 2048
            assert lastmod is None or W3C_DATETIME.fullmatch(lastmod), lastmod

    def test_a_large_site_is_listed_in_full(self, client, monkeypatch):
        monkeypatch.setattr(sitemaps.ClaimSitemap, "limit", 2)
        speaker, article = factories.make_speaker(), factories.make_article()
        claims = [factories.make_claim(speaker=speaker, article=article) for _ in range(5)]

        entries = sitemap_entries(client)

        assert all(absolute(claim.get_absolute_url()) in entries for claim in claims)

    def test_leaves_out_drafts_and_whom_and_what_only_drafts_concern(self, client):
        draft = factories.make_claim(published=False, topics=[factories.make_topic()])
        unused_topic = factories.make_topic()

        entries = sitemap_entries(client)

        assert absolute(draft.get_absolute_url()) not in entries
        assert absolute(draft.speaker.get_absolute_url()) not in entries
        assert absolute(draft.topics.get().get_absolute_url()) not in entries
        assert absolute(unused_topic.get_absolute_url()) not in entries
        assert not any(draft.slug in location for location in entries)

    def test_the_index_dates_each_section_by_its_latest_change(self, client):
        on_topic = factories.make_claim(topics=[factories.make_topic()])
        without_topic = factories.make_claim()
        draft = factories.make_claim(published=False, topics=on_topic.topics.all())
        set_updated(on_topic, datetime.datetime(2021, 6, 1, tzinfo=datetime.UTC))
        set_updated(without_topic, datetime.datetime(2021, 6, 5, tzinfo=datetime.UTC))
        set_updated(draft, datetime.datetime(2021, 7, 1, tzinfo=datetime.UTC))
        Article.objects.update(updated_at=datetime.datetime(2021, 5, 1, tzinfo=datetime.UTC))

        index = fetch_sitemap(client, "/sitemap.xml")

        dates = {
            urlsplit(entry.findtext("sm:loc", namespaces=NAMESPACE)).path: entry.findtext(
                "sm:lastmod", namespaces=NAMESPACE
            )
            for entry in index.iterfind("sm:sitemap", NAMESPACE)
        }
        assert dates["/sitemap-claims.xml"].startswith("2021-06-05")
        assert dates["/sitemap-speakers.xml"].startswith("2021-06-05")
        assert dates["/sitemap-topics.xml"].startswith("2021-06-01")
        assert dates["/sitemap-articles.xml"].startswith("2021-06-05")

    def test_query_count_does_not_grow_with_the_site(self, client, django_assert_num_queries):
        def add_claims(count):
            for _ in range(count):
                factories.make_claim(topics=[factories.make_topic()])

        # The index counts and dates each of claims, speakers, topics and articles; each
        # section's sitemap then costs a count and a page. Each of the six reads the
        # revision it is cached at.
        add_claims(2)
        with django_assert_num_queries(22):
            sitemap_entries(client)
        add_claims(10)
        with django_assert_num_queries(22):
            sitemap_entries(client)


class TestRobots:
    def test_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(self, client):
        response = client.get("/robots.txt")

        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.content.decode().splitlines()
        assert "User-agent: *" in lines
        assert "Disallow: /admin/" in lines
        assert "Sitemap: http://testserver/sitemap.xml" in lines
        assert response.content.endswith(b"xml\n")

    def test_keeps_crawlers_out_of_the_api_but_not_the_pages_or_feeds(self, client):
        lines = client.get("/robots.txt").content.decode().splitlines()

        disallowed = [line.removeprefix("Disallow: ") for line in lines if "Disallow" in line]
        for path in ["/api/claims/", "/api/claims.csv", "/api/claims/some-claim/", "/admin/"]:
            assert any(path.startswith(prefix) for prefix in disallowed), path
        for path in ["/", "/claims/some-claim/", "/feeds/claims/", "/sitemap.xml"]:
            assert not any(path.startswith(prefix) for prefix in disallowed), path

    def test_answers_head(self, client):
        response = client.head("/robots.txt")

        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"

    def test_sitemap_address_follows_the_request(self, client, settings):
        settings.ALLOWED_HOSTS = ["claims.example.org"]

        response = client.get("/robots.txt", secure=True, headers={"host": "claims.example.org"})

        assert "Sitemap: https://claims.example.org/sitemap.xml" in response.content.decode()
