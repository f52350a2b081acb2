"""Hostile text typed by editors or visitors: shown as text on every public page, in the
feeds, the JSON-LD and the API, and never obeyed as markup; script URLs are refused.

Every field that reaches the public holds markup meant to run (a script, an image
with an error handler, an attribute break-out, a script break-out aimed at the
claim page's JSON-LD block and a template expression). Each page is checked
twice: the escaped text is there, and the page's real elements (read as a
browser reads them) hold no script, image or event handler of the payload's.
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from claims.models import Claim, CounterSource, Stance, Status, StatusChange, Topic
from sources.models import Article, Outlet, Speaker
from tests import factories

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
SCRIPT_BREAKOUT = "</script><script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = "' onmouseover='alert(1)"
TEMPLATE_EXPRESSION = "{{ 7*7 }}"

# What a payload leaves in a page only if the page failed to escape it.
UNESCAPED_PAYLOADS = [
    "<script>alert",
    "<img src=x",
    "<img/src=x",
    "onmouseover='",
    "</script><script>",
]

SCRIPT_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
]
# Valid http(s) addresses whose query strings would break out of an href unescaped.
ARTICLE_URL = "https://news.example/story?x=\"><script>alert(1)</script>&y='onmouseover='alert(1)"
COUNTER_SOURCE_URL = 'https://evidence.example/report?"><img/src=x/onerror=alert(1)>'
OUTLET_URL = 'https://outlet.example/?"><script>alert(1)</script>'

DATELINE = f"SOCHI {IMAGE}"
QUOTE = (
    f"Our networks face {SCRIPT_BREAKOUT} and {IMAGE} from {ATTRIBUTE_BREAKOUT} "
    + TEMPLATE_EXPRESSION
)
SECOND_QUOTE = f"Nothing {SCRIPT} happened"
FIRST_PARAGRAPH = f"{DATELINE}, May 1. Reporters heard {SCRIPT} first."
ARTICLE_TEXT = (
    f"{FIRST_PARAGRAPH}\n\n"
    f"\u201c{QUOTE},\u201d the speaker said.\n\n"
    f"\u201c{SECOND_QUOTE},\u201d he added, {IMAGE} {TEMPLATE_EXPRESSION}."
)
VERDICT_LINES = [f"Verdict {SCRIPT}", f"Second paragraph {IMAGE}", f"A line {SCRIPT_BREAKOUT}"]
NOTE_LINES = [f"Note {SCRIPT}", ATTRIBUTE_BREAKOUT]
CORRECTION_LINES = [f"Correction {SCRIPT_BREAKOUT}", f"Because {IMAGE}"]
ALIASES = [f"Alias {SCRIPT}", f"Alias {IMAGE}", TEMPLATE_EXPRESSION]


@dataclass
class Hostile:
    outlet: Outlet
    speaker: Speaker
    article: Article
    topic: Topic
    claim: Claim
    second_claim: Claim
    counter_source: CounterSource
    correction: StatusChange


@pytest.fixture
def hostile():
    """Two published claims, one corrected, in which every public field holds payloads.

    Each row passes full_clean(), as it must for an editor to save it in the admin.
    """
    outlet = Outlet(name=f"Outlet {IMAGE} {TEMPLATE_EXPRESSION}", homepage_url=OUTLET_URL)
    speaker = Speaker(
        name=f"Speaker {SCRIPT} {ATTRIBUTE_BREAKOUT}",
        role=f"Role {IMAGE}",
        affiliation=f"Affiliation {SCRIPT_BREAKOUT}",
        aliases="\n".join(ALIASES),
    )
    topic = Topic(name=f"Topic {SCRIPT} {ATTRIBUTE_BREAKOUT}")
    for row in [outlet, speaker, topic]:
        row.full_clean()
        row.save()
    article = Article(
        outlet=outlet,
        title=f"Title {SCRIPT_BREAKOUT} {IMAGE} {ATTRIBUTE_BREAKOUT}",
        url=ARTICLE_URL,
        dateline=DATELINE,
        text=ARTICLE_TEXT,
        raw_text=ARTICLE_TEXT,
    )
    article.full_clean()
    article.save()
    claim = factories.make_claim(
        statement=f"Statement {SCRIPT_BREAKOUT} {IMAGE} {ATTRIBUTE_BREAKOUT} {TEMPLATE_EXPRESSION}",
        quote=QUOTE,
        verdict="\n\n".join(VERDICT_LINES[:2]) + "\n" + VERDICT_LINES[2],
        article=article,
        speaker=speaker,
        topics=[topic],
    )
    second_claim = factories.make_claim(
        statement=f"Second {IMAGE}",
        quote=SECOND_QUOTE,
        article=article,
        speaker=speaker,
        topics=[topic],
        status=Status.UNSUPPORTED,
    )
    counter_source = CounterSource(
        claim=claim,
        stance=Stance.CONTRADICTS,
        title=f"Source {SCRIPT_BREAKOUT}",
        publisher=f"Publisher {IMAGE}",
        url=COUNTER_SOURCE_URL,
        note="\n".join(NOTE_LINES),
    )
    for row in [claim, second_claim, counter_source]:
        row.full_clean()
    counter_source.save()
    correction = claim.change_status(Status.MISLEADING, note="\n".join(CORRECTION_LINES))
    return Hostile(outlet, speaker, article, topic, claim, second_claim, counter_source, correction)


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
# Elements that run or show what they load: the site's own come from its own paths.
EMBEDDING_TAGS = {"script", "img", "iframe", "object", "embed"}
JSON_TYPES = {"application/ld+json", "application/json"}
URL_ATTRIBUTES = {"href", "src", "action", "cite", "formaction"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")


class Elements(HTMLParser):
    """The start tags of a page as a browser's tokenizer sees them (script content is text)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_no_injected_markup(html):
    """No element, handler or script URL that the site's templates do not write themselves."""
    for tag, attributes in Elements(html).tags:
        if tag in EMBEDDING_TAGS:
            is_data = tag == "script" and attributes.get("type") in JSON_TYPES
            source = attributes.get("src") or attributes.get("data") or ""
            is_ours = source.startswith("/") and not source.startswith("//")
            assert is_data or is_ours, (tag, attributes)
        handlers = [name for name in attributes if name.startswith("on")]
        assert not handlers, (tag, attributes)
        for name, value in attributes.items():
            if name in URL_ATTRIBUTES or name.startswith("data-hx"):
                address = (value or "").strip().lower()
                assert not address.startswith(SCRIPT_SCHEMES), (tag, name, value)
    without_json_ld = JSON_LD.sub("", html)
    for payload in UNESCAPED_PAYLOADS:
        assert payload not in without_json_ld, payload


def assert_shown_escaped(html, *texts):
    for text in texts:
        assert escape(text) in html, text


def page(client, url, *, htmx=False):
    """The HTML of a public page (its results region alone for htmx), checked for injections."""
    response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert_no_injected_markup(html)
    return html


def claim_card_texts(hostile):
    return [hostile.claim.statement, hostile.speaker.name, hostile.outlet.name, hostile.topic.name]


class TestPages:
    @pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx-partial"])
    def test_tracker(self, client, hostile, htmx):
        html = page(client, reverse("claims:tracker"), htmx=htmx)

        assert_shown_escaped(html, *claim_card_texts(hostile), hostile.second_claim.statement)
        if htmx:
            assert "<html" not in html and '<form id="filters"' not in html
        else:
            assert html.rstrip().endswith("</html>")
            # The filter menus name every speaker, outlet and topic with published claims.
            for name in [hostile.speaker.name, hostile.outlet.name, hostile.topic.name]:
                assert f">{escape(name)}</option>" in html

    def test_claim_page(self, client, hostile):
        html = page(client, hostile.claim.get_absolute_url())

        speaker, article, source = hostile.speaker, hostile.article, hostile.counter_source
        assert_shown_escaped(
            html,
            *claim_card_texts(hostile),
            speaker.role,
            speaker.affiliation,
            QUOTE,
            *VERDICT_LINES,
            article.title,
            article.url,
            source.title,
            source.publisher,
            source.url,
            *NOTE_LINES,
            *CORRECTION_LINES,
            hostile.second_claim.statement,
        )
        assert f'<a href="{escape(ARTICLE_URL)}" rel="external noopener">' in html
        assert "(news.example)" in html

    def test_claim_page_json_ld_cannot_be_broken_out_of(self, client, hostile):
        html = page(client, hostile.claim.get_absolute_url())

        [block] = JSON_LD.findall(html)
        # Every < is escaped, so neither </script nor <!-- can end or hide the element.
        assert "<" not in block and "</script" not in block.lower()
        review = json.loads(block)
        assert review["claimReviewed"] == hostile.claim.statement
        assert review["reviewRating"]["alternateName"] == "Misleading"
        author = review["itemReviewed"]["author"]
        assert author == {
            "@type": "Person",
            "name": hostile.speaker.name,
            "jobTitle": "Role " + IMAGE,
        }
        appearance = review["itemReviewed"]["firstAppearance"]
        assert appearance["headline"] == hostile.article.title
        assert appearance["url"] == ARTICLE_URL
        assert appearance["publisher"]["name"] == hostile.outlet.name

    def test_speaker_list(self, client, hostile):
        html = page(client, reverse("claims:speakers"))

        speaker = hostile.speaker
        assert_shown_escaped(html, speaker.name, speaker.role, speaker.affiliation)

    def test_topic_list(self, client, hostile):
        html = page(client, reverse("claims:topics"))

        assert_shown_escaped(html, hostile.topic.name)

    @pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx-partial"])
    def test_speaker_page(self, client, hostile, htmx):
        url = hostile.speaker.get_absolute_url()

        html = page(client, url, htmx=htmx)

        assert_shown_escaped(html, *claim_card_texts(hostile))
        if not htmx:
            speaker = hostile.speaker
            assert_shown_escaped(html, speaker.role, speaker.affiliation, *ALIASES)
            # The feed links in <head> name the speaker in an attribute.
            assert f'title="Claims by {escape(speaker.name)} (RSS)"' in html

    def test_article_list(self, client, hostile):
        html = page(client, reverse("claims:articles"))

        assert_shown_escaped(html, hostile.article.title, hostile.outlet.name, DATELINE)

    def test_article_page(self, client, hostile):
        html = page(client, hostile.article.get_absolute_url())

        assert_shown_escaped(
            html,
            hostile.article.title,
            hostile.outlet.name,
            DATELINE,
            ARTICLE_URL,
            FIRST_PARAGRAPH,
            QUOTE,
            SECOND_QUOTE,
            hostile.claim.statement,
            hostile.speaker.name,
        )
        assert f"<mark>{escape(QUOTE)}</mark>" in html

    @pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx-partial"])
    def test_topic_page(self, client, hostile, htmx):
        url = hostile.topic.get_absolute_url()

        html = page(client, url, htmx=htmx)

        assert_shown_escaped(html, *claim_card_texts(hostile))
        if not htmx:
            assert f"<h1>{escape(hostile.topic.name)}</h1>" in html

    def test_corrections(self, client, hostile):
        html = page(client, reverse("claims:corrections"))

        assert_shown_escaped(html, hostile.claim.statement, *CORRECTION_LINES)

    def test_methodology(self, client, hostile):
        page(client, reverse("claims:methodology"))


# What visitors may type into the address bar. Some come back in the page: in the search
# box, the window title, an error message or the "page does not exist" notice.
REFLECTED = {
    "q": SCRIPT_BREAKOUT,
    "status": IMAGE,
    "speaker": SCRIPT,
    "outlet": ATTRIBUTE_BREAKOUT,
    "topic": IMAGE,
    "date_from": SCRIPT,
    "date_to": IMAGE,
    "ordering": SCRIPT_BREAKOUT,
    "page": IMAGE,
}
ECHOED = {"q", "status", "ordering", "page"}


class TestReflectedInput:
    @pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx-partial"])
    @pytest.mark.parametrize("parameter", REFLECTED)
    def test_tracker(self, client, hostile, parameter, htmx):
        payload = REFLECTED[parameter]
        url = reverse("claims:tracker") + "?" + urlencode({parameter: payload})

        html = page(client, url, htmx=htmx)

        if parameter in ECHOED:
            # The notice for a missing page shortens what was typed.
            assert escape(payload[:15]) in html

    @pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx-partial"])
    @pytest.mark.parametrize("where", ["speaker", "topic"])
    def test_speaker_and_topic_pages(self, client, hostile, where, htmx):
        url = getattr(hostile, where).get_absolute_url() + "?" + urlencode(REFLECTED)

        html = page(client, url, htmx=htmx)

        assert "Some filters could not be used" in html
        assert escape(REFLECTED["status"]) in html

    def test_a_valid_hostile_search_is_echoed_as_text(self, client, hostile):
        html = page(client, reverse("claims:tracker") + "?" + urlencode({"q": SCRIPT_BREAKOUT}))

        assert f'value="{escape(SCRIPT_BREAKOUT)}"' in html
        assert f"<title>Claims: matching “{escape(SCRIPT_BREAKOUT)}” · Claimtrack</title>" in html

    @pytest.mark.parametrize("name", ["claims:speakers", "claims:articles", "claims:corrections"])
    def test_page_numbers_on_index_pages(self, client, hostile, name):
        html = page(client, reverse(name) + "?" + urlencode({"page": IMAGE}))

        assert "does not exist; showing page 1." in html

    @pytest.mark.parametrize("fmt", ["", "-atom"])
    def test_feed_of_a_hostile_search(self, client, hostile, fmt):
        response = client.get(
            reverse(f"feeds:claims{fmt}") + "?" + urlencode({"q": SCRIPT_BREAKOUT})
        )

        root = parse_feed(response)
        title = root.findtext(f"{ATOM}title" if fmt else "channel/title")
        assert title == f"Claimtrack claims: matching “{SCRIPT_BREAKOUT}”"

    @pytest.mark.parametrize("fmt", ["", "-atom"])
    def test_feed_refuses_a_hostile_filter_as_plain_text(self, client, hostile, fmt):
        response = client.get(reverse(f"feeds:claims{fmt}") + "?" + urlencode({"status": SCRIPT}))

        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"

    @pytest.mark.parametrize("name", ["api:claims", "api:claims-csv"])
    def test_api_refuses_a_hostile_filter_as_json(self, client, hostile, name):
        response = client.get(reverse(name) + "?" + urlencode({"status": SCRIPT, "page": IMAGE}))

        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        errors = response.json()["errors"]
        # The CSV has no pages.
        expected = {"status", "page"} if name == "api:claims" else {"status"}
        assert set(errors) == expected


ATOM = "{http://www.w3.org/2005/Atom}"
DUBLIN_CORE = "{http://purl.org/dc/elements/1.1/}"


def parse_feed(response):
    """The feed's XML root, after checking that both a strict parser and feedparser accept it."""
    assert response.status_code == 200
    assert feedparser.parse(response.content).bozo == 0
    return ET.fromstring(response.content)


def feed_entries(root):
    """(title, author, categories, description HTML) of each entry, in RSS or Atom."""
    if root.tag == f"{ATOM}feed":
        return [
            (
                entry.findtext(f"{ATOM}title"),
                entry.findtext(f"{ATOM}author/{ATOM}name"),
                [category.get("term") for category in entry.findall(f"{ATOM}category")],
                entry.findtext(f"{ATOM}summary"),
            )
            for entry in root.findall(f"{ATOM}entry")
        ]
    return [
        (
            item.findtext("title"),
            item.findtext(f"{DUBLIN_CORE}creator"),
            [category.text for category in item.findall("category")],
            item.findtext("description"),
        )
        for item in root.findall("channel/item")
    ]


def channel_title(root):
    return root.findtext(f"{ATOM}title" if root.tag == f"{ATOM}feed" else "channel/title")


def claim_feed_urls(hostile):
    speaker, topic = hostile.speaker.slug, hostile.topic.slug
    for fmt in ["", "-atom"]:
        yield reverse(f"feeds:claims{fmt}")
        yield reverse(f"feeds:speaker{fmt}", args=[speaker])
        yield reverse(f"feeds:topic{fmt}", args=[topic])
        yield reverse(f"feeds:status{fmt}", args=[Status.MISLEADING])
        search = urlencode({"speaker": hostile.speaker.pk, "q": "statement"})
        yield reverse(f"feeds:claims{fmt}") + "?" + search


class TestFeeds:
    def test_claims_feeds(self, client, hostile):
        claim, speaker, topic = hostile.claim, hostile.speaker, hostile.topic
        for url in claim_feed_urls(hostile):
            root = parse_feed(client.get(url))

            [entry] = [entry for entry in feed_entries(root) if entry[0] == claim.statement]
            _, author, categories, description = entry
            assert author == speaker.name, url
            assert categories == ["Misleading", topic.name], url
            assert_no_injected_markup(description)
            assert_shown_escaped(description, QUOTE, speaker.name, *VERDICT_LINES[:2])
            assert_shown_escaped(description, speaker.role, hostile.article.title)
            assert_shown_escaped(description, hostile.outlet.name)

    @pytest.mark.parametrize("fmt", ["", "-atom"])
    def test_speaker_and_topic_feeds_name_them_in_the_channel(self, client, hostile, fmt):
        speaker, topic = hostile.speaker, hostile.topic

        speaker_feed = parse_feed(client.get(reverse(f"feeds:speaker{fmt}", args=[speaker.slug])))
        topic_feed = parse_feed(client.get(reverse(f"feeds:topic{fmt}", args=[topic.slug])))

        assert channel_title(speaker_feed) == f"Claimtrack: claims by {speaker.name}"
        assert channel_title(topic_feed) == f"Claimtrack: claims on {topic.name}"

    @pytest.mark.parametrize("fmt", ["", "-atom"])
    def test_updates_feed(self, client, hostile, fmt):
        root = parse_feed(client.get(reverse(f"feeds:updates{fmt}")))

        [(title, _, categories, description)] = feed_entries(root)
        assert title == f"{hostile.claim.statement}: False → Misleading"
        assert categories == ["Misleading"]
        assert_no_injected_markup(description)
        assert_shown_escaped(description, hostile.claim.statement, *CORRECTION_LINES)


class TestApi:
    def assert_round_trips(self, data, hostile):
        claim, speaker, article, source = (
            hostile.claim,
            hostile.speaker,
            hostile.article,
            hostile.counter_source,
        )
        assert data["statement"] == claim.statement
        assert data["quote"] == QUOTE
        assert data["verdict"] == claim.verdict
        assert data["speaker"]["name"] == speaker.name
        assert data["speaker"]["role"] == speaker.role
        assert data["speaker"]["affiliation"] == speaker.affiliation
        assert data["article"]["title"] == article.title
        assert data["article"]["dateline"] == DATELINE
        assert data["article"]["original_url"] == ARTICLE_URL
        assert data["article"]["outlet"]["name"] == hostile.outlet.name
        assert data["topics"] == [{"name": hostile.topic.name, "slug": hostile.topic.slug}]
        [evidence] = data["counter_sources"]
        assert evidence["title"] == source.title
        assert evidence["publisher"] == source.publisher
        assert evidence["url"] == COUNTER_SOURCE_URL
        assert evidence["note"] == source.note
        [change] = data["history"]
        assert change["note"] == hostile.correction.note

    def test_list(self, client, hostile):
        response = client.get(reverse("api:claims"))

        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        [data] = [item for item in response.json()["results"] if item["slug"] == hostile.claim.slug]
        self.assert_round_trips(data, hostile)

    def test_detail(self, client, hostile):
        response = client.get(reverse("api:claim", args=[hostile.claim.slug]))

        assert response["Content-Type"] == "application/json"
        self.assert_round_trips(response.json(), hostile)

    def test_csv(self, client, hostile):
        response = client.get(reverse("api:claims-csv"))

        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(content))}
        row = rows[hostile.claim.slug]
        assert row["statement"] == hostile.claim.statement
        assert row["quote"] == QUOTE
        assert row["speaker"] == hostile.speaker.name
        assert row["article"] == hostile.article.title
        assert row["outlet"] == hostile.outlet.name
        assert row["verdict"] == hostile.claim.verdict
        assert row["topics"] == hostile.topic.name


class TestSitemaps:
    def test_index_and_sections_are_well_formed(self, client, hostile):
        namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
        index = client.get(reverse("sitemap"))
        assert index.status_code == 200
        sections = [loc.text for loc in ET.fromstring(index.content).iter(f"{namespace}loc")]

        locations = []
        for section in sections:
            response = client.get(section.removeprefix("http://testserver"))
            assert response.status_code == 200, section
            locations += [
                loc.text for loc in ET.fromstring(response.content).iter(f"{namespace}loc")
            ]

        for row in [hostile.claim, hostile.speaker, hostile.article, hostile.topic]:
            assert "http://testserver" + row.get_absolute_url() in locations
        assert all(re.fullmatch(r"http://testserver/[-a-z0-9/]*", loc) for loc in locations)


for_each_url_field = pytest.mark.parametrize(
    ("model", "field"),
    [(Outlet, "homepage_url"), (Article, "url"), (CounterSource, "url")],
    ids=["outlet", "article", "counter-source"],
)


def unsaved_row_with_url(model, url):
    """A row of `model` valid in every way except, perhaps, its URL."""
    if model is Outlet:
        return Outlet(name="An outlet", slug="an-outlet", homepage_url=url)
    if model is Article:
        outlet = factories.make_outlet()
        fields = {"title": "An article", "slug": "an-article", "text": "Text.", "raw_text": "Text."}
        return Article(outlet=outlet, url=url, **fields)
    claim = factories.make_claim()
    return CounterSource(
        claim=claim, stance=Stance.CONTEXT, title="A report", publisher="An agency", url=url
    )


class TestScriptUrls:
    @pytest.mark.parametrize("url", SCRIPT_URLS)
    @for_each_url_field
    def test_validation_rejects_them(self, model, field, url):
        row = unsaved_row_with_url(model, url)

        with pytest.raises(ValidationError) as raised:
            row.full_clean()

        assert list(raised.value.message_dict) == [field]

    @for_each_url_field
    def test_validation_accepts_the_hostile_but_valid_addresses(self, model, field):
        for url in [ARTICLE_URL, COUNTER_SOURCE_URL, OUTLET_URL, ""]:
            unsaved_row_with_url(model, url).full_clean()

    # Imports, shells and data migrations skip full_clean(): CHECK constraints hold for them.
    @pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:,x"])
    @for_each_url_field
    def test_the_database_refuses_them_without_validation(self, model, field, url):
        row = unsaved_row_with_url(model, url)

        with pytest.raises(IntegrityError), transaction.atomic():
            row.save()

        assert not model.objects.filter(**{field: url}).exists()


def _management_form(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


class TestAdminRefusesScriptUrls:
    @pytest.mark.parametrize("url", SCRIPT_URLS)
    def test_outlet(self, editor_client, url):
        data = {"name": "Hostile outlet", "slug": "", "homepage_url": url}

        response = editor_client.post(reverse("admin:sources_outlet_add"), data)

        assert response.status_code == 200
        assert response.context["adminform"].form.errors.keys() == {"homepage_url"}
        assert not Outlet.objects.exists()

    @pytest.mark.parametrize("url", ["ftp://example.org/file", "FTPS://example.org/"])
    def test_outlet_with_an_address_that_is_not_for_the_web(self, editor_client, url):
        # URL validation allows FTP; the database's constraint does not, and says so.
        data = {"name": "Outlet on FTP", "slug": "", "homepage_url": url}

        response = editor_client.post(reverse("admin:sources_outlet_add"), data)

        assert response.status_code == 200
        assert response.context["adminform"].form.errors
        assert not Outlet.objects.exists()

    @pytest.mark.parametrize("url", SCRIPT_URLS)
    def test_article(self, editor_client, url):
        outlet = factories.make_outlet()
        data = {
            "outlet": outlet.pk,
            "title": "Hostile article",
            "slug": "",
            "url": url,
            "published_on": "2021-05-01",
            "dateline": "",
            "text": "The text.",
            "raw_text": "The text.",
            **_management_form("claims", 0),
        }

        response = editor_client.post(reverse("admin:sources_article_add"), data)

        assert response.status_code == 200
        assert response.context["adminform"].form.errors.keys() == {"url"}
        assert not Article.objects.exists()

    @pytest.mark.parametrize("url", SCRIPT_URLS)
    def test_article_change_keeps_the_stored_address(self, editor_client, url):
        article = factories.make_article(url="https://news.example/original")
        data = {
            "outlet": article.outlet_id,
            "title": article.title,
            "slug": article.slug,
            "url": url,
            "published_on": "2021-05-01",
            "dateline": "",
            "text": article.text,
            **_management_form("claims", 0),
        }

        response = editor_client.post(
            reverse("admin:sources_article_change", args=[article.pk]), data
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors.keys() == {"url"}
        article.refresh_from_db()
        assert article.url == "https://news.example/original"

    @pytest.mark.parametrize("url", SCRIPT_URLS)
    def test_counter_source_of_a_new_claim(self, editor_client, url):
        article, speaker = factories.make_article(), factories.make_speaker()
        data = {
            "statement": "A claim with hostile evidence",
            "speaker": speaker.pk,
            "article": article.pk,
            "quote": factories.ARTICLE_QUOTE,
            "stated_on": "2021-05-01",
            "status": Status.UNCHECKED,
            "status_note": "",
            "verdict": "",
            "slug": "",
            "internal_notes": "",
            **_management_form("counter_sources", 1),
            **_management_form("status_changes", 0),
            "counter_sources-0-stance": Stance.CONTRADICTS,
            "counter_sources-0-article": "",
            "counter_sources-0-title": "A report",
            "counter_sources-0-publisher": "An agency",
            "counter_sources-0-url": url,
            "counter_sources-0-published_on": "",
            "counter_sources-0-note": "",
        }

        response = editor_client.post(reverse("admin:claims_claim_add"), data)

        assert response.status_code == 200
        [formset] = [
            inline.formset
            for inline in response.context["inline_admin_formsets"]
            if inline.formset.prefix == "counter_sources"
        ]
        assert formset.errors == [{"url": ["Enter a valid URL."]}]
        assert not Claim.objects.exists()
        assert not CounterSource.objects.exists()


class TestAdminPages:
    """Editors see each other's text escaped too: the raw text block is markup of our own."""

    def test_change_pages(self, editor_client, hostile):
        hostile.article.raw_text = f"</textarea>{SCRIPT}\n{ARTICLE_TEXT}"
        hostile.article.save()
        urls = [
            reverse("admin:claims_claim_change", args=[hostile.claim.pk]),
            reverse("admin:sources_article_change", args=[hostile.article.pk]),
            reverse("admin:sources_speaker_change", args=[hostile.speaker.pk]),
            reverse("admin:claims_claim_changelist"),
            reverse("admin:claims_claim_changelist") + "?" + urlencode({"q": SCRIPT}),
        ]
        for url in urls:
            response = editor_client.get(url)

            assert response.status_code == 200, url
            html = response.content.decode()
            assert_no_injected_markup(html)
            if url == urls[1]:
                assert escape(f"</textarea>{SCRIPT}") in html
