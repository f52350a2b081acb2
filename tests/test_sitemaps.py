"""/sitemap.xml lists every public page and nothing else; /robots.txt points crawlers to it."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from claims.models import Claim
from tests import factories

pytestmark = pytest.mark.django_db

NAMESPACE = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client):
    """{location: lastmod or None} from /sitemap.xml."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return {
        url.findtext("sm:loc", namespaces=NAMESPACE): url.findtext(
            "sm:lastmod", namespaces=NAMESPACE
        )
        for url in root.findall("sm:url", NAMESPACE)
    }


def absolute(path):
    return f"http://testserver{path}"


def set_updated(claim, moment):
    Claim.objects.filter(pk=claim.pk).update(updated_at=moment)


class TestSitemap:
    def test_lists_the_static_pages(self, client):
        entries = sitemap_entries(client)

        for name in ["tracker", "methodology", "corrections", "speakers", "articles"]:
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

    def test_leaves_out_drafts_and_whom_and_what_only_drafts_concern(self, client):
        draft = factories.make_claim(published=False, topics=[factories.make_topic()])
        unused_topic = factories.make_topic()

        entries = sitemap_entries(client)

        assert absolute(draft.get_absolute_url()) not in entries
        assert absolute(draft.speaker.get_absolute_url()) not in entries
        assert absolute(draft.topics.get().get_absolute_url()) not in entries
        assert absolute(unused_topic.get_absolute_url()) not in entries
        assert not any(draft.slug in location for location in entries)

    def test_query_count_does_not_grow_with_the_site(self, client, django_assert_num_queries):
        def add_claims(count):
            for _ in range(count):
                factories.make_claim(topics=[factories.make_topic()])

        # A count and a page for each of claims, speakers, topics and articles.
        add_claims(2)
        with django_assert_num_queries(8):
            sitemap_entries(client)
        add_claims(10)
        with django_assert_num_queries(8):
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

    def test_sitemap_address_follows_the_request(self, client, settings):
        settings.ALLOWED_HOSTS = ["claims.example.org"]

        response = client.get("/robots.txt", secure=True, headers={"host": "claims.example.org"})

        assert "Sitemap: https://claims.example.org/sitemap.xml" in response.content.decode()
