"""RSS and Atom feeds: well-formed, complete, filtered like the tracker, cheap to poll."""

import calendar
import contextlib
import datetime
import email.utils
import re
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from unittest import mock

import feedparser
import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from claims.caching import current_revision
from claims.filters import ClaimFilter
from claims.models import Claim, Status
from tests import factories

pytestmark = pytest.mark.django_db

CYRILLIC_TEXT = (
    "МОСКВА, 1 мая. Министр выступил перед журналистами.\n\n"
    "«Атаки на наши ресурсы идут из США & их союзников», — сказал министр.\n\n"
    "Переговоры продолжатся."
)
CYRILLIC_QUOTE = "Атаки на наши ресурсы идут из США & их союзников"
TRICKY_STATEMENT = 'Lavrov: "most attacks" come from the US & <its allies> — Лавров'

FORMATS = ["rss", "atom"]
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC_822_DATE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


def feed_url(name, fmt="rss", *args):
    return reverse(f"feeds:{name}" if fmt == "rss" else f"feeds:{name}-atom", args=args)


def parse(response):
    """The feed in `response`, asserting that it is well-formed XML in UTF-8."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].endswith("charset=utf-8")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    if feed.version == "atom10":
        # Atom requires <updated> on the feed and every entry (feedparser would not mind).
        assert response.content.count(b"<updated>") == len(feed.entries) + 1
    return feed


def set_first_published(claim, moment):
    Claim.objects.filter(pk=claim.pk).update(first_published_at=moment)
    claim.refresh_from_db()
    return claim


def at(day, hour=12):
    return datetime.datetime(2021, 5, day, hour, tzinfo=datetime.UTC)


def struct_to_datetime(value):
    return datetime.datetime.fromtimestamp(calendar.timegm(value), tz=datetime.UTC)


def entry_slugs(feed):
    return [entry.link.rstrip("/").rsplit("/", 1)[-1] for entry in feed.entries]


def xml_root(response):
    assert response.status_code == 200, response.content[:500]
    return ET.fromstring(response.content)


class HtmlChecker(HTMLParser):
    """Reads an HTML fragment once: its text, and whether every element that opens closes."""

    VOID_ELEMENTS = {"br", "hr", "img"}

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.open_elements, self.text, self.well_formed = [], [], True
        self.feed(html)
        self.close()
        self.well_formed = self.well_formed and not self.open_elements
        self.text = "".join(self.text)

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID_ELEMENTS:
            self.open_elements.append(tag)

    def handle_endtag(self, tag):
        if not self.open_elements or self.open_elements.pop() != tag:
            self.well_formed = False

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture
def tricky_claim():
    """A claim whose texts hold everything XML and HTML escaping can get wrong."""
    article = factories.make_article(title="Лавров & <США>", text=CYRILLIC_TEXT)
    speaker = factories.make_speaker(name="Сергей Лавров", role="Foreign Minister")
    topic = factories.make_topic(name="Cyber & security")
    claim = factories.make_claim(
        statement=TRICKY_STATEMENT,
        quote=CYRILLIC_QUOTE,
        article=article,
        speaker=speaker,
        verdict='<b>Not</b> borne out & "disputed".\n\nSee the advisory\'s figures.',
        status=Status.MISLEADING,
        topics=[topic],
    )
    return set_first_published(claim, at(3))


class TestClaimsFeed:
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_lists_published_claims_newest_first_publication_first(self, client, fmt):
        older = set_first_published(
            factories.make_claim(stated_on=datetime.date(2021, 5, 9)), at(1)
        )
        newest = set_first_published(factories.make_claim(), at(5))
        middle = set_first_published(factories.make_claim(), at(3))
        draft = factories.make_claim(published=False)

        feed = parse(client.get(feed_url("claims", fmt)))

        assert entry_slugs(feed) == [newest.slug, middle.slug, older.slug]
        assert draft.slug not in entry_slugs(feed)

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_items_carry_the_claim(self, client, settings, tricky_claim, fmt):
        settings.CLAIMTRACK_SITE_URL = "https://claims.example.org"
        claim = tricky_claim

        feed = parse(client.get(feed_url("claims", fmt)))

        [entry] = feed.entries
        assert entry.title == TRICKY_STATEMENT
        assert entry.link == f"http://testserver/claims/{claim.slug}/"
        assert entry.id == f"tag:claims.example.org,2021-05-03:claim:{claim.pk}"
        assert entry.guidislink is False
        assert [tag.term for tag in entry.tags] == ["Misleading", "Cyber & security"]
        published = struct_to_datetime(entry.published_parsed)
        assert published == claim.first_published_at
        if fmt == "atom":
            updated = struct_to_datetime(entry.updated_parsed)
            assert updated == claim.updated_at.replace(microsecond=0)

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_description_holds_quote_status_and_verdict_escaped(self, client, tricky_claim, fmt):
        response = client.get(feed_url("claims", fmt))

        [entry] = parse(response).entries
        assert CYRILLIC_QUOTE.replace("&", "&amp;") in entry.summary
        assert "<strong>Misleading</strong>" in entry.summary
        assert Status.MISLEADING.definition in entry.summary
        # The verdict's markup is text to show, not markup to obey.
        assert "&lt;b&gt;Not&lt;/b&gt; borne out &amp; &quot;disputed&quot;." in entry.summary
        assert "<b>" not in entry.summary
        assert "“Лавров &amp; &lt;США&gt;”" in entry.summary
        # Non-Latin text travels as UTF-8, not as character references.
        assert "Сергей Лавров" in response.content.decode("utf-8")

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_channel_describes_the_feed(self, client, fmt):
        feed = parse(client.get(feed_url("claims", fmt)))

        assert feed.feed.title == "Claimtrack: claims"
        assert feed.feed.link == "http://testserver/"

    def test_sends_cors_header_and_feed_content_types(self, client, claim):
        rss = client.get(feed_url("claims"))
        atom = client.get(feed_url("claims", "atom"))

        assert rss["Content-Type"] == "application/rss+xml; charset=utf-8"
        assert atom["Content-Type"] == "application/atom+xml; charset=utf-8"
        assert rss["Access-Control-Allow-Origin"] == "*"

    def test_shows_at_most_fifty_items(self, client):
        speaker, article = factories.make_speaker(), factories.make_article()
        for _ in range(52):
            factories.make_claim(speaker=speaker, article=article)

        assert len(parse(client.get(feed_url("claims"))).entries) == 50

    def test_refuses_to_write(self, client):
        assert client.post(feed_url("claims")).status_code == 405


class TestSearchFeed:
    @pytest.fixture
    def claims(self):
        lavrov = factories.make_speaker(name="Sergey Lavrov")
        biden = factories.make_speaker(name="Joe Biden")
        topic = factories.make_topic(name="Ransomware")
        made = [
            factories.make_claim(speaker=lavrov, status=Status.FALSE, topics=[topic]),
            factories.make_claim(
                speaker=lavrov, status=Status.TRUE, stated_on=datetime.date(2021, 6, 1)
            ),
            factories.make_claim(speaker=biden, status=Status.FALSE, statement="Ransomware gangs"),
            factories.make_claim(speaker=biden, status=Status.MISLEADING, topics=[topic]),
            factories.make_claim(speaker=lavrov, status=Status.FALSE, published=False),
        ]
        for day, claim in enumerate(made, start=1):
            if claim.is_published:
                set_first_published(claim, at(day))
        return {"lavrov": lavrov, "biden": biden, "topic": topic}

    def tracker_results(self, query):
        filterset = ClaimFilter(QueryDict(query), queryset=Claim.objects.published())
        assert filterset.is_valid()
        return filterset.results

    @pytest.mark.parametrize(
        "make_query",
        [
            lambda c: "",
            lambda c: "status=false",
            lambda c: f"status=false&speaker={c['lavrov'].pk}",
            lambda c: "status=false&status=misleading",
            lambda c: f"topic={c['topic'].pk}",
            lambda c: "q=ransomware",
            lambda c: "date_from=2021-05-15&page=3",
            lambda c: f"speaker={c['biden'].pk}&q=nothing-matches",
        ],
    )
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_holds_what_the_tracker_shows_newest_published_first(
        self, client, claims, make_query, fmt
    ):
        query = make_query(claims)

        feed = parse(client.get(f"{feed_url('claims', fmt)}?{query}"))

        expected = self.tracker_results(query).order_by("-first_published_at", "-pk")
        assert entry_slugs(feed) == [claim.slug for claim in expected]

    @pytest.mark.parametrize("ordering", ["oldest", "newest", "updated"])
    def test_honours_the_trackers_ordering(self, client, claims, ordering):
        query = f"status=false&status=true&ordering={ordering}"

        feed = parse(client.get(f"{feed_url('claims')}?{query}"))

        assert entry_slugs(feed) == [claim.slug for claim in self.tracker_results(query)]

    def test_title_and_link_describe_the_search(self, client, claims):
        lavrov = claims["lavrov"]
        query = f"speaker={lavrov.pk}&status=false&status=misleading&q=attacks&page=2&outlet="

        feed = parse(client.get(f"{feed_url('claims')}?{query}"))

        assert feed.feed.title == (
            "Claimtrack claims: False or Misleading, by Sergey Lavrov, matching “attacks”"
        )
        assert feed.feed.link == (
            f"http://testserver/?speaker={lavrov.pk}&status=false&status=misleading&q=attacks"
        )

    @pytest.mark.parametrize(
        "query, parameter",
        [
            ("status=bogus", "status"),
            ("speaker=abc", "speaker"),
            ("speaker=999999", "speaker"),
            ("topic=-1", "topic"),
            ("date_from=yesterday", "date_from"),
            ("ordering=sideways", "ordering"),
        ],
    )
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_invalid_parameters_get_a_plain_400(self, client, claims, query, parameter, fmt):
        response = client.get(f"{feed_url('claims', fmt)}?{query}")

        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert f"{parameter}: " in response.content.decode()
        assert "ETag" not in response


class TestSpeakerTopicAndStatusFeeds:
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_speaker_feed_holds_the_speakers_published_claims(self, client, fmt):
        speaker = factories.make_speaker(name="Sergey Lavrov", role="Foreign Minister")
        theirs = factories.make_claim(speaker=speaker)
        factories.make_claim(speaker=speaker, published=False)
        factories.make_claim()

        feed = parse(client.get(feed_url("speaker", fmt, speaker.slug)))

        assert entry_slugs(feed) == [theirs.slug]
        assert feed.feed.title == "Claimtrack: claims by Sergey Lavrov"
        assert feed.feed.link == f"http://testserver/speakers/{speaker.slug}/"
        description = feed.feed.subtitle if fmt == "atom" else feed.feed.description
        assert description == "Published claims by Sergey Lavrov, Foreign Minister, newest first."

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_topic_feed_holds_the_topics_published_claims(self, client, fmt):
        topic = factories.make_topic(name="Ransomware")
        on_topic = factories.make_claim(topics=[topic])
        factories.make_claim(topics=[topic], published=False)
        factories.make_claim()

        feed = parse(client.get(feed_url("topic", fmt, topic.slug)))

        assert entry_slugs(feed) == [on_topic.slug]
        assert feed.feed.title == "Claimtrack: claims on Ransomware"
        assert feed.feed.link == f"http://testserver/topics/{topic.slug}/"

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_status_feed_holds_claims_with_that_status(self, client, fmt):
        misleading = factories.make_claim(status=Status.MISLEADING)
        factories.make_claim(status=Status.MISLEADING, published=False)
        factories.make_claim(status=Status.FALSE)

        feed = parse(client.get(feed_url("status", fmt, "misleading")))

        assert entry_slugs(feed) == [misleading.slug]
        assert feed.feed.title == "Claimtrack: claims rated “Misleading”"
        assert feed.feed.link == "http://testserver/?status=misleading"

    @pytest.mark.parametrize(
        "name, argument", [("speaker", "nobody"), ("topic", "nothing"), ("status", "probably")]
    )
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_unknown_subject_is_404(self, client, name, argument, fmt):
        response = client.get(feed_url(name, fmt, argument))

        assert response.status_code == 404
        assert "ETag" not in response

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_speakers_and_topics_known_only_from_drafts_have_no_feed(self, client, fmt):
        draft = factories.make_claim(published=False, topics=[factories.make_topic()])

        speaker_feed = client.get(feed_url("speaker", fmt, draft.speaker.slug))
        topic_feed = client.get(feed_url("topic", fmt, draft.topics.get().slug))

        assert speaker_feed.status_code == topic_feed.status_code == 404


class TestUpdatesFeed:
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_lists_public_corrections_newest_first(self, client, editor, fmt):
        claim = factories.make_claim(statement="Most attacks come from the US & allies")
        first = claim.change_status(Status.HALF_TRUE, note="A new report.", by=editor)
        second = claim.change_status(
            Status.MOSTLY_FALSE, note="The report <was> revised.", by=editor
        )
        before_publication = factories.make_claim(published=False)
        before_publication.change_status(Status.TRUE, note="Checked before publishing.")
        before_publication.publish()
        draft = factories.make_claim(published=False)
        draft.change_status(Status.TRUE, note="A draft's change.")

        response = client.get(feed_url("updates", fmt))

        feed = parse(response)
        assert [entry.title for entry in feed.entries] == [
            "Most attacks come from the US & allies: Half true → Mostly false",
            "Most attacks come from the US & allies: False → Half true",
        ]
        newest = feed.entries[0]
        assert newest.link == f"http://testserver/claims/{claim.slug}/#change-{second.pk}"
        assert feed.entries[1].link.endswith(f"#change-{first.pk}")
        assert newest.id.endswith(f":status-change:{second.pk}")
        changed_at = second.changed_at.replace(microsecond=0)
        assert struct_to_datetime(newest.published_parsed) == changed_at
        if fmt == "atom":
            assert struct_to_datetime(newest.updated_parsed) == changed_at
        assert "The report &lt;was&gt; revised." in newest.summary
        assert feed.feed.link == "http://testserver/corrections/"
        content = response.content.decode()
        assert editor.username not in content
        assert "before publishing" not in content
        assert "A draft's change" not in content


class TestConditionalGet:
    def test_answers_304_to_a_current_etag_without_building_the_feed(
        self, client, claim, django_assert_num_queries
    ):
        etag = client.get(feed_url("claims"))["ETag"]

        # The public revision: the number of items and the last change are cached under it.
        with django_assert_num_queries(1):
            response = client.get(feed_url("claims"), headers={"if-none-match": etag})

        assert response.status_code == 304
        assert response["ETag"] == etag
        assert response["Access-Control-Allow-Origin"] == "*"

    def test_answers_304_to_a_current_last_modified(self, client, claim, django_assert_num_queries):
        last_modified = client.get(feed_url("claims", "atom"))["Last-Modified"]
        assert last_modified == http_date(current_revision().changed_at.timestamp())

        with django_assert_num_queries(1):
            response = client.get(
                feed_url("claims", "atom"), headers={"if-modified-since": last_modified}
            )

        assert response.status_code == 304

    def test_speaker_feed_304_costs_the_lookup_and_the_revision(
        self, client, claim, django_assert_num_queries
    ):
        url = feed_url("speaker", "rss", claim.speaker.slug)
        etag = client.get(url)["ETag"]

        with django_assert_num_queries(2):
            response = client.get(url, headers={"if-none-match": etag})

        assert response.status_code == 304

    def test_updates_feed_answers_304(self, client, claim, django_assert_num_queries):
        claim.change_status(Status.TRUE, note="Revised.")
        first = client.get(feed_url("updates"))

        with django_assert_num_queries(1):
            response = client.get(feed_url("updates"), headers={"if-none-match": first["ETag"]})

        assert response.status_code == 304
        assert first["Last-Modified"]

    def test_a_changed_claim_changes_the_etag(self, client, claim):
        etag = client.get(feed_url("claims"))["ETag"]
        claim.verdict = "A corrected explanation."
        claim.save()

        response = client.get(feed_url("claims"), headers={"if-none-match": etag})

        assert response.status_code == 200
        assert response["ETag"] != etag

    def test_an_unpublished_claim_changes_the_etag(self, client, claim):
        factories.make_claim()
        etag = client.get(feed_url("claims"))["ETag"]
        claim.unpublish()

        response = client.get(feed_url("claims"), headers={"if-none-match": etag})

        assert response.status_code == 200
        assert claim.slug not in entry_slugs(parse(response))

    def test_a_later_update_answers_200_to_an_old_last_modified(self, client, claim):
        last_modified = client.get(feed_url("claims"))["Last-Modified"]
        with seconds_later(2):
            claim.save()

        response = client.get(feed_url("claims"), headers={"if-modified-since": last_modified})

        assert response.status_code == 200

    def test_each_search_has_its_own_etag(self, client, claim):
        everything = client.get(feed_url("claims"))["ETag"]
        searched = client.get(f"{feed_url('claims')}?q=attacks")["ETag"]

        assert everything != searched


class TestDraftsAppearNowhere:
    def test_no_feed_mentions_a_draft(self, client, claim):
        topic = factories.make_topic()
        claim.topics.add(topic)
        draft = factories.make_claim(
            published=False,
            statement="An unpublished draft claim",
            speaker=claim.speaker,
            topics=[topic],
            status=claim.status,
        )
        draft.change_status(Status.TRUE, note="Checked the draft.")
        urls = [
            url
            for fmt in FORMATS
            for url in [
                feed_url("claims", fmt),
                feed_url("speaker", fmt, claim.speaker.slug),
                feed_url("topic", fmt, topic.slug),
                feed_url("status", fmt, Status.TRUE.value),
                feed_url("updates", fmt),
            ]
        ]
        for url in urls:
            response = client.get(url)
            parse(response)
            content = response.content.decode()
            assert draft.statement not in content, url
            assert draft.slug not in content, url


class TestAutodiscoveryLinks:
    def test_every_page_offers_the_site_feeds(self, client):
        content = client.get(reverse("claims:methodology")).content.decode()

        for name, kind in [
            ("feeds:claims", "rss"),
            ("feeds:claims-atom", "atom"),
            ("feeds:updates", "rss"),
            ("feeds:updates-atom", "atom"),
        ]:
            link = f'type="application/{kind}+xml" title="'
            assert link in content
            assert f'href="{reverse(name)}"' in content

    def test_speaker_and_topic_pages_offer_their_feeds(self, client):
        topic = factories.make_topic(name="Ransomware")
        claim = factories.make_claim(topics=[topic])
        speaker_page = client.get(claim.speaker.get_absolute_url()).content.decode()
        topic_page = client.get(topic.get_absolute_url()).content.decode()

        assert f'href="{feed_url("speaker", "rss", claim.speaker.slug)}"' in speaker_page
        assert f'href="{feed_url("speaker", "atom", claim.speaker.slug)}"' in speaker_page
        assert f'href="{feed_url("topic", "rss", topic.slug)}"' in topic_page
        assert f'href="{feed_url("topic", "atom", topic.slug)}"' in topic_page
        assert "/feeds/topics/" not in speaker_page

    def test_the_tracker_offers_the_search_feed_without_the_page(self, client, claim):
        content = client.get("/?status=false&q=attacks&page=1").content.decode()

        assert 'href="/feeds/claims/?status=false&amp;q=attacks"' in content
        assert 'href="/feeds/claims/atom/?status=false&amp;q=attacks"' in content

    def test_the_tracker_without_a_search_offers_no_search_feed(self, client, claim):
        assert "This search" not in client.get("/?page=1").content.decode()
        assert "This search" in client.get("/?status=false").content.decode()

    def test_other_pages_offer_no_search_feed(self, client, claim):
        content = client.get("/methodology/?status=true").content.decode()

        assert "This search" not in content

    def test_subscribe_links_keep_the_search_without_the_page(self, client, claim):
        query = f"status=false&speaker={claim.speaker.pk}"

        html = client.get(f"/?{query}&page=1").content.decode()

        query = query.replace("&", "&amp;")
        assert f'href="/feeds/claims/?{query}"' in html
        assert f'href="/feeds/claims/atom/?{query}"' in html
        assert f'href="/api/claims.csv?{query}"' in html

    def test_subscribe_links_without_a_search_link_to_everything(self, client, claim):
        html = client.get("/").content.decode()

        assert 'href="/feeds/claims/"' in html
        assert 'href="/api/claims.csv"' in html

    def test_the_form_sending_its_default_order_is_no_search(self, client, claim):
        # What the filter form sends, untouched, with JavaScript off.
        html = client.get("/?q=&status=false&speaker=&ordering=newest").content.decode()

        assert 'href="/feeds/claims/?status=false"' in html
        assert 'href="/api/claims.csv?status=false"' in html
        html = client.get("/?q=&speaker=&ordering=newest").content.decode()
        assert "This search" not in html
        assert 'href="/feeds/claims/"' in html

    def test_subscribe_links_on_a_speaker_page_keep_the_speaker(self, client, claim):
        html = client.get(claim.speaker.get_absolute_url(), {"status": "false"}).content.decode()

        query = f"status=false&amp;speaker={claim.speaker.pk}"
        assert f'href="/feeds/claims/?{query}"' in html
        assert f'href="/api/claims.csv?{query}"' in html

    def test_subscribe_links_on_a_topic_page_keep_the_topic(self, client):
        topic = factories.make_topic()
        factories.make_claim(topics=[topic])

        html = client.get(topic.get_absolute_url()).content.decode()

        assert f'href="/feeds/claims/?topic={topic.pk}"' in html

    def test_tracker_results_show_the_subscribe_links(self, client, claim):
        response = client.get("/?status=false", headers={"hx-request": "true"})

        assert 'href="/feeds/claims/?status=false"' in response.content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_dates_are_the_same_instant_in_any_time_zone(client, settings, fmt):
    settings.TIME_ZONE = "Asia/Vladivostok"
    claim = set_first_published(factories.make_claim(), at(1, hour=23))

    entry = parse(client.get(feed_url("claims", fmt))).entries[0]

    assert struct_to_datetime(entry.published_parsed) == claim.first_published_at


@pytest.fixture
def corrected_claim(tricky_claim, editor):
    """The tricky claim with a verdict changed after publication: an item of the updates feed."""
    tricky_claim.change_status(Status.FALSE, note='The advisory says "no" & <means> it.', by=editor)
    return tricky_claim


def every_feed(claim, fmt):
    """The address of every kind of feed, each with the claim in it."""
    return [
        feed_url("claims", fmt),
        f"{feed_url('claims', fmt)}?status=false&q=allies",
        feed_url("speaker", fmt, claim.speaker.slug),
        feed_url("topic", fmt, claim.topics.get().slug),
        feed_url("status", fmt, claim.status),
        feed_url("updates", fmt),
    ]


DUBLIN_CORE = "{http://purl.org/dc/elements/1.1/}"


class TestAtomRequirements:
    def test_the_feed_and_every_entry_have_what_rfc_4287_requires(self, client, corrected_claim):
        for url in every_feed(corrected_claim, "atom"):
            feed = xml_root(client.get(url))

            assert feed.tag == f"{ATOM}feed"
            assert feed.get(XML_LANG) == "en-gb"
            for element in ["id", "title", "updated"]:
                assert feed.findtext(f"{ATOM}{element}"), (url, element)
            assert datetime.datetime.fromisoformat(feed.findtext(f"{ATOM}updated")).tzinfo
            # The organisation publishes the feed; each claim's entry names its speaker.
            assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Claimtrack"
            links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
            assert links["self"] == f"http://testserver{url}"
            assert links["alternate"].startswith("http://testserver/")
            entries = feed.findall(f"{ATOM}entry")
            assert entries, url
            for entry in entries:
                for element in ["id", "title", "updated", "published", "summary"]:
                    assert entry.findtext(f"{ATOM}{element}"), (url, element)
                assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")).tzinfo
                [link] = entry.findall(f"{ATOM}link")
                assert link.get("rel") == "alternate"
                assert link.get("href").startswith("http://testserver/claims/")
                if "/feeds/updates/" not in url:
                    assert (
                        entry.findtext(f"{ATOM}author/{ATOM}name") == corrected_claim.speaker.name
                    )

    def test_entry_ids_are_unique_tag_uris(self, client, corrected_claim):
        factories.make_claim(topics=corrected_claim.topics.all())
        ids = [
            entry.findtext(f"{ATOM}id")
            for url in [feed_url("claims", "atom"), feed_url("updates", "atom")]
            for entry in xml_root(client.get(url)).findall(f"{ATOM}entry")
        ]

        assert len(ids) == 3
        assert len(set(ids)) == 3
        assert all(re.fullmatch(r"tag:[a-z0-9.-]+,\d{4}-\d{2}-\d{2}:[a-z-]+:\d+", id) for id in ids)

    def test_each_search_has_its_own_feed_id(self, client, claim):
        urls = [
            feed_url("claims", "atom"),
            f"{feed_url('claims', 'atom')}?status=false",
            f"{feed_url('claims', 'atom')}?status=false&q=attacks",
            f"{feed_url('claims', 'atom')}?status=true",
            f"{feed_url('claims', 'atom')}?status=false&ordering=oldest",
            # Newest stated first, where the feed's own order is newest published first.
            f"{feed_url('claims', 'atom')}?status=false&ordering=newest",
            feed_url("status", "atom", "false"),
            feed_url("speaker", "atom", claim.speaker.slug),
            feed_url("updates", "atom"),
        ]

        ids = [xml_root(client.get(url)).findtext(f"{ATOM}id") for url in urls]

        assert len(set(ids)) == len(urls)

    def test_the_feed_id_is_the_public_address_of_the_search(self, client, settings, claim):
        settings.CLAIMTRACK_SITE_URL = "https://claims.example.org"
        settings.ALLOWED_HOSTS = ["testserver", "mirror.example.net"]
        url = f"{feed_url('claims', 'atom')}?status=false&q=attacks"

        plain = xml_root(client.get(url)).findtext(f"{ATOM}id")
        paged = xml_root(client.get(f"{url}&page=2&outlet=")).findtext(f"{ATOM}id")
        elsewhere = xml_root(
            client.get(url, secure=True, headers={"host": "mirror.example.net"})
        ).findtext(f"{ATOM}id")

        assert plain == "https://claims.example.org/feeds/claims/atom/?status=false&q=attacks"
        assert paged == elsewhere == plain


class TestRssRequirements:
    @pytest.mark.parametrize(
        "make_url",
        [
            lambda claim: f"{feed_url('claims')}?status=false&q=US%20%26%20allies&page=2&outlet=",
            lambda claim: f"{feed_url('speaker', 'rss', claim.speaker.slug)}?utm_source=x&a=b",
            lambda claim: feed_url("updates"),
        ],
    )
    def test_self_link_is_the_address_requested(self, client, claim, make_url):
        url = make_url(claim)

        response = client.get(url)

        self_link = xml_root(response).find("channel/{http://www.w3.org/2005/Atom}link")
        assert self_link.get("rel") == "self"
        assert self_link.get("href") == f"http://testserver{url}"
        escaped = f'href="http://testserver{url.replace("&", "&amp;")}"'
        assert escaped.encode() in response.content

    def test_items_have_unique_guids_and_rfc_822_dates(self, client, corrected_claim):
        factories.make_claim()
        for url in every_feed(corrected_claim, "rss"):
            items = xml_root(client.get(url)).findall("channel/item")

            guids = [item.findtext("guid") for item in items]
            assert items and len(set(guids)) == len(items), url
            for item in items:
                assert item.find("guid").get("isPermaLink") == "false"
                published = item.findtext("pubDate")
                assert RFC_822_DATE.match(published), published
                assert email.utils.parsedate_to_datetime(published).tzinfo is not None
                # RSS's <author> must be an e-mail address; the speaker is named as dc:creator.
                assert item.find("author") is None
            if "/feeds/updates/" not in url:
                creators = {item.findtext(f"{DUBLIN_CORE}creator") for item in items}
                assert corrected_claim.speaker.name in creators, url
                assert None not in creators, url

    def test_pub_date_is_the_first_publication(self, client, tricky_claim):
        [item] = xml_root(client.get(feed_url("claims"))).findall("channel/item")

        published = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
        assert published == tricky_claim.first_published_at


class TestEscaping:
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_titles_are_plain_text_escaped_once_for_xml(self, client, tricky_claim, fmt):
        response = client.get(feed_url("claims", fmt))

        root = xml_root(response)
        title = root.findtext(f"{ATOM}entry/{ATOM}title" if fmt == "atom" else "channel/item/title")
        assert title == TRICKY_STATEMENT
        escaped = 'Lavrov: "most attacks" come from the US &amp; &lt;its allies&gt; — Лавров'
        assert escaped.encode() in response.content

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_descriptions_are_well_formed_html_escaped_once(self, client, corrected_claim, fmt):
        for url in [feed_url("claims", fmt), feed_url("updates", fmt)]:
            root = xml_root(client.get(url))
            path = f"{ATOM}entry/{ATOM}summary" if fmt == "atom" else "channel/item/description"

            html = HtmlChecker(root.findtext(path))

            assert html.well_formed, url
            # Read once as HTML, the text is what editors typed: no entity is left over.
            assert not re.search(r"&(amp|lt|gt|quot|#x?[0-9a-f]+);", html.text), html.text
            if url == feed_url("updates", fmt):
                assert 'The advisory says "no" & <means> it.' in html.text
                assert TRICKY_STATEMENT in html.text
            else:
                assert CYRILLIC_QUOTE in html.text
                assert '<b>Not</b> borne out & "disputed".' in html.text
                assert "“Лавров & <США>”" in html.text

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_channel_text_is_escaped_once(self, client, fmt):
        topic = factories.make_topic(name="Cyber & <security>")
        factories.make_claim(topics=[topic])

        response = client.get(feed_url("topic", fmt, topic.slug))

        title = xml_root(response).findtext(f"{ATOM}title" if fmt == "atom" else "channel/title")
        assert title == "Claimtrack: claims on Cyber & <security>"
        assert b"Cyber &amp; &lt;security&gt;" in response.content


class TestTextXmlCannotCarry:
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_a_search_with_control_characters_is_still_a_feed(self, client, claim, fmt):
        response = client.get(f"{feed_url('claims', fmt)}?q=%01cyber%08attacks")

        feed = parse(response)
        assert feed.feed.title == "Claimtrack claims: matching “cyberattacks”"

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_control_characters_pasted_into_a_claim_do_not_break_the_feeds(self, client, fmt):
        claim = factories.make_claim(
            statement="Attacks\x08 come\x0c from the US", verdict="Not\x1f so.\ufffe"
        )
        claim.change_status(Status.TRUE, note="Revised\x0b.")

        for url in [feed_url("claims", fmt), feed_url("updates", fmt)]:
            feed = parse(client.get(url))

            assert feed.entries[0].title.startswith("Attacks come from the US"), url
        assert "Not so." in parse(client.get(feed_url("claims", fmt))).entries[0].summary


@contextlib.contextmanager
def seconds_later(seconds):
    """Edits made inside happen `seconds` from now: HTTP dates count whole seconds."""
    later = timezone.now() + datetime.timedelta(seconds=seconds)
    with mock.patch("claims.caching.timezone.now", return_value=later):
        yield


class TestValidators:
    """What a reader's If-None-Match and If-Modified-Since are answered, and when they go stale."""

    def test_the_etag_is_weak_and_compared_weakly(self, client, claim):
        etag = client.get(feed_url("claims"))["ETag"]

        assert re.fullmatch(r'W/"[0-9a-f]{32}"', etag)
        strong_form = etag.removeprefix("W/")
        response = client.get(feed_url("claims"), headers={"if-none-match": strong_form})
        assert response.status_code == 304

    @pytest.mark.parametrize(
        "if_none_match, status_code",
        [
            ('"stale", {etag}', 304),
            ('W/"stale",{etag} , "other"', 304),
            ("*", 304),
            ('"stale", W/"older"', 200),
        ],
    )
    def test_if_none_match_lists_and_star(self, client, claim, if_none_match, status_code):
        etag = client.get(feed_url("claims", "atom"))["ETag"]

        response = client.get(
            feed_url("claims", "atom"), headers={"if-none-match": if_none_match.format(etag=etag)}
        )

        assert response.status_code == status_code

    def test_a_stale_etag_outweighs_a_current_date(self, client, claim):
        last_modified = client.get(feed_url("claims"))["Last-Modified"]

        response = client.get(
            feed_url("claims"),
            headers={"if-none-match": '"stale"', "if-modified-since": last_modified},
        )

        assert response.status_code == 200

    def test_an_if_modified_since_in_the_future_is_ignored(self, client, claim):
        tomorrow = http_date(time.time() + 24 * 60 * 60)

        response = client.get(feed_url("claims"), headers={"if-modified-since": tomorrow})

        assert response.status_code == 200

    def test_a_304_carries_the_validators_of_the_200(self, client, claim):
        full = client.get(feed_url("claims"))

        for headers in [
            {"if-none-match": full["ETag"]},
            {"if-modified-since": full["Last-Modified"]},
        ]:
            response = client.get(feed_url("claims"), headers=headers)

            assert response.status_code == 304
            assert response.content == b""
            assert response["ETag"] == full["ETag"]
            assert response["Last-Modified"] == full["Last-Modified"]
            assert response.get("Vary") == full.get("Vary")
            assert response["Access-Control-Allow-Origin"] == "*"

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_head_answers_headers_only(self, client, claim, fmt):
        full = client.get(feed_url("claims", fmt))

        head = client.head(feed_url("claims", fmt))
        conditional_head = client.head(
            feed_url("claims", fmt), headers={"if-none-match": full["ETag"]}
        )

        assert head.status_code == 200
        assert head.content == b""
        assert head["Content-Type"] == full["Content-Type"]
        assert head["ETag"] == full["ETag"]
        assert head["Last-Modified"] == full["Last-Modified"]
        assert conditional_head.status_code == 304

    def test_unpublishing_the_newest_claim_is_news_to_if_modified_since(self, client):
        older, newer = factories.make_claim(), factories.make_claim()
        Claim.objects.filter(pk=older.pk).update(updated_at=at(1))
        Claim.objects.filter(pk=newer.pk).update(updated_at=at(2))
        first = client.get(feed_url("claims"))

        newer.refresh_from_db()
        with seconds_later(2):
            newer.unpublish()
        response = client.get(
            feed_url("claims"), headers={"if-modified-since": first["Last-Modified"]}
        )

        assert response.status_code == 200
        assert entry_slugs(parse(response)) == [older.slug]
        assert response["ETag"] != first["ETag"]

    def test_a_claim_leaving_a_status_is_news_to_that_status_feed(self, client):
        staying, leaving = factories.make_claim(), factories.make_claim()
        Claim.objects.filter(pk=staying.pk).update(updated_at=at(1))
        Claim.objects.filter(pk=leaving.pk).update(updated_at=at(2))
        url = feed_url("status", "rss", "false")
        first = client.get(url)

        leaving.refresh_from_db()
        with seconds_later(2):
            leaving.change_status(Status.TRUE, note="A new report.")
        by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        by_etag = client.get(url, headers={"if-none-match": first["ETag"]})

        assert by_date.status_code == by_etag.status_code == 200
        assert entry_slugs(parse(by_etag)) == [staying.slug]

    def test_a_changed_status_changes_the_etag(self, client, claim):
        etag = client.get(feed_url("claims", "atom"))["ETag"]

        claim.change_status(Status.MOSTLY_FALSE, note="A new report.")

        response = client.get(feed_url("claims", "atom"), headers={"if-none-match": etag})
        assert response.status_code == 200
        assert [tag.term for tag in parse(response).entries[0].tags] == ["Mostly false"]

    def test_a_renamed_topic_or_speaker_is_news_to_its_own_feed(self, client):
        topic = factories.make_topic(name="Ransomware")
        claim = factories.make_claim(topics=[topic])
        topic_url = feed_url("topic", "rss", topic.slug)
        speaker_url = feed_url("speaker", "rss", claim.speaker.slug)
        etags = {url: client.get(url)["ETag"] for url in [topic_url, speaker_url]}

        topic.name = "Ransomware attacks"
        topic.save()
        claim.speaker.name = "Sergey V. Lavrov"
        claim.speaker.save()

        for url, etag in etags.items():
            response = client.get(url, headers={"if-none-match": etag})
            assert response.status_code == 200, url
        assert parse(client.get(topic_url)).feed.title == "Claimtrack: claims on Ransomware attacks"

    def test_a_renamed_topic_is_news_to_every_feed_at_once(self, client):
        topic = factories.make_topic(name="Ransomware")
        factories.make_claim(topics=[topic])
        etag = client.get(feed_url("claims"))["ETag"]

        topic.name = "Ransomware attacks"
        topic.save()
        changed = client.get(feed_url("claims"), headers={"if-none-match": etag})

        assert changed.status_code == 200
        assert "Ransomware attacks" in [tag.term for tag in parse(changed).entries[0].tags]

    def test_last_modified_never_goes_back_when_a_claim_is_deleted(self, client):
        older, newer = factories.make_claim(), factories.make_claim()
        first = client.get(feed_url("claims"))
        with seconds_later(2):
            newer.delete()

        response = client.get(
            feed_url("claims"), headers={"if-modified-since": first["Last-Modified"]}
        )

        assert response.status_code == 200
        assert entry_slugs(parse(response)) == [older.slug]
        assert parse_http_date(response["Last-Modified"]) > parse_http_date(first["Last-Modified"])

    def test_last_modified_ignores_claims_never_published(self, client, claim):
        last_modified = client.get(feed_url("claims"))["Last-Modified"]
        draft = factories.make_claim(published=False)
        Claim.objects.filter(pk=draft.pk).update(
            updated_at=claim.updated_at + datetime.timedelta(1)
        )

        assert client.get(feed_url("claims"))["Last-Modified"] == last_modified


class TestMethods:
    def test_a_cors_preflight_is_answered(self, client):
        response = client.options(
            feed_url("claims"),
            headers={
                "origin": "https://reader.example",
                "access-control-request-method": "GET",
                "access-control-request-headers": "if-none-match",
            },
        )

        assert response.status_code == 204
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
        assert response["Access-Control-Allow-Headers"] == "*"

    @pytest.mark.parametrize("method", ["post", "put", "delete"])
    def test_writes_are_405_even_without_a_csrf_token(self, method):
        response = getattr(Client(enforce_csrf_checks=True), method)(feed_url("updates"))

        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
