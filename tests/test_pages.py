"""The public pages besides the tracker: claims, speakers, articles, topics and the trust pages."""

import datetime
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Stance, Status, StatusChange
from claims.views import scorecard_bar
from sources.models import Article
from tests import factories

pytestmark = pytest.mark.django_db


class PageStructure(HTMLParser):
    """What the CSP and accessibility checks need to know about a page."""

    def __init__(self, html):
        super().__init__()
        self.h1_count = 0
        self.style_attributes = []
        self.style_elements = 0
        self.inline_scripts = []
        self.landmarks = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self.h1_count += 1
        if "style" in attrs:
            self.style_attributes.append(tag)
        if tag == "style":
            self.style_elements += 1
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/ld+json":
            self.inline_scripts.append(attrs)
        if tag in {"header", "nav", "main", "footer"}:
            self.landmarks.add(tag)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def index_definition(table, name):
    """The SQL that the database holds for an index, or None when there is no such index."""
    if connection.vendor == "postgresql":
        query = "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s"
    else:
        query = "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND name = %s"
    with connection.cursor() as cursor:
        cursor.execute(query, [table, name])
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.fixture
def lavrov():
    return factories.make_speaker(
        name="Sergey Lavrov",
        role="Foreign Minister",
        affiliation="Government of Russia",
        aliases="Sergei Lavrov\nS. V. Lavrov",
    )


@pytest.fixture
def tass_article():
    return factories.make_article(
        title="Lavrov on cybersecurity talks",
        outlet=factories.make_outlet(name="TASS"),
        url="https://tass.com/politics/1000001",
        dateline="SOCHI",
        published_on=datetime.date(2021, 5, 1),
    )


@pytest.fixture
def rated_claim(lavrov, tass_article):
    topic = factories.make_topic(name="Cybersecurity")
    claim = factories.make_claim(
        statement="Most cyberattacks on Russia come from the US",
        speaker=lavrov,
        article=tass_article,
        status=Status.CHECKING,
        verdict="Public data do not show this.\n\nThe ministry gave no source.",
        topics=[topic],
    )
    editor = User.objects.create_user("wanda_watchful", first_name="Wanda", last_name="Watchful")
    claim.change_status(Status.FALSE, note="Checked against the joint advisory.", by=editor)
    factories.make_counter_source(
        claim,
        stance=Stance.CONTRADICTS,
        title="Joint cybersecurity advisory",
        publisher="NSA, CISA, FBI and NCSC",
        url="https://example.org/advisory",
        published_on=datetime.date(2021, 7, 1),
        note="Attributes most intrusions to other sources.",
    )
    factories.make_counter_source(
        claim,
        stance=Stance.SUPPORTS,
        article=factories.make_article(title="A report that agrees"),
        note="Repeats the ministry's figure.",
    )
    return claim


ALL_PAGES = [
    "/",
    "/speakers/",
    "/topics/",
    "/articles/",
    "/methodology/",
    "/corrections/",
    "claim",
    "speaker",
    "article",
    "topic",
]


def page_url(name, claim):
    return {
        "claim": claim.get_absolute_url(),
        "speaker": claim.speaker.get_absolute_url(),
        "article": claim.article.get_absolute_url(),
        "topic": claim.topics.first().get_absolute_url(),
    }.get(name, name)


@pytest.mark.parametrize("name", ALL_PAGES)
def test_every_page_is_accessible_and_obeys_the_csp(client, rated_claim, name):
    response = client.get(page_url(name, rated_claim))
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = PageStructure(response.text)
    assert page.h1_count == 1
    assert page.style_attributes == []
    assert page.style_elements == 0
    assert page.inline_scripts == []
    assert page.landmarks == {"header", "nav", "main", "footer"}
    assert '<html lang="en">' in response.text
    assert 'href="#main"' in response.text
    assert "/static/django_htmx/htmx-2.min.js" in response.text


def test_every_page_has_a_title_of_its_own(client, rated_claim):
    titles = []
    for name in ALL_PAGES:
        html = client.get(page_url(name, rated_claim)).text
        titles.append(re.search(r"<title>(.*)</title>", html).group(1))

    assert len(set(titles)) == len(ALL_PAGES), titles
    assert all(title.endswith(" · Claimtrack") for title in titles)
    assert "Most cyberattacks on Russia come from the US · Claimtrack" in titles


# The Nu HTML Checker that `make test` installs (see the Makefile).
VNU_JAR = (
    Path(__file__).resolve().parent.parent / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
)
# Pages in states that the ones above do not show: form errors, no results, a
# page number past the end, a search of the speakers, and a missing page.
UNUSUAL_PAGES = [
    "/?date_from=2021-13-45&status=bogus&speaker=999999",
    "/?q=nothing+matches+this",
    "/?status=false&page=99",
    "/speakers/?q=nobody",
    "/no-such-page/",
]


def nu_checker_messages(documents, folder):
    """The Nu HTML Checker's errors and warnings about `documents` ({name: HTML bytes})."""
    java = shutil.which("java")
    assert java and VNU_JAR.exists(), "`make test` installs Java and the Nu HTML Checker"
    for name, html in documents.items():
        (folder / f"{name}.html").write_bytes(html)
    checked = subprocess.run(
        [java, "-jar", VNU_JAR, "--format", "json", "--stdout", "--exit-zero-always", folder],
        capture_output=True,
        check=True,
    )
    return [
        f"{Path(message.get('url', '')).name}:{message.get('lastLine')}: {message['message']}"
        for message in json.loads(checked.stdout)["messages"]
    ]


def test_every_page_is_valid_html(client, rated_claim, tmp_path):
    documents = {}
    for number, url in enumerate([page_url(name, rated_claim) for name in ALL_PAGES]):
        response = client.get(url)
        assert response.status_code == 200
        documents[f"page-{number}"] = response.content
    for number, url in enumerate(UNUSUAL_PAGES):
        documents[f"unusual-{number}"] = client.get(url).content

    assert nu_checker_messages(documents, tmp_path) == []


def test_the_html_check_finds_mistakes(tmp_path):
    """The check above would fail on a page the checker does not accept."""
    page = b"<!doctype html><html lang=en><title>A</title><p><div>Unclosed</p></html>"
    assert nu_checker_messages({"broken": page}, tmp_path)


class TestClaimPage:
    def test_describes_itself_to_search_engines_and_link_previews(self, client, rated_claim):
        html = client.get(rated_claim.get_absolute_url()).text
        summary = (
            "Sergey Lavrov: “Most cyberattacks on Russia come from the US” Our verdict: False."
        )
        url = f"http://testserver{rated_claim.get_absolute_url()}"

        assert f'<meta name="description" content="{summary}">' in html
        assert f'<link rel="canonical" href="{url}">' in html
        assert f'<meta property="og:url" content="{url}">' in html
        assert f'<meta property="og:title" content="{rated_claim.statement}">' in html
        assert f'<meta property="og:description" content="{summary}">' in html
        assert html.count('name="description"') == 1

    def test_a_claim_without_a_verdict_says_where_it_stands(self, client, lavrov, tass_article):
        claim = factories.make_claim(
            statement="Talks were offered in 2015",
            speaker=lavrov,
            article=tass_article,
            status=Status.CHECKING,
        )
        html = client.get(claim.get_absolute_url()).text

        assert '<span class="verdict__caption">Status</span>' in html
        assert "Our verdict" not in html
        assert "Status: Being checked." in html
        assert "We are still gathering the evidence for this claim" in html
        assert "The verdict has not changed since this claim was recorded." in html

    def test_a_rated_claim_without_sources_says_so(self, client, lavrov, tass_article):
        claim = factories.make_claim(speaker=lavrov, article=tass_article, status=Status.TRUE)
        html = client.get(claim.get_absolute_url()).text

        assert '<span class="verdict__caption">Our verdict</span>' in html
        assert '<p class="empty-note">We have not recorded any sources for this claim.</p>' in html
        assert 'class="evidence__group' not in html

    def test_an_undated_article_without_a_link(self, client, lavrov):
        article = factories.make_article(title="An undated report", published_on=None, url="")
        claim = factories.make_claim(speaker=lavrov, article=article)

        claim_html = client.get(claim.get_absolute_url()).text
        assert re.search(r"An undated report</a>,\s*Outlet \d+\.", claim_html)
        assert "Read the article as published" not in claim_html
        article_html = client.get(article.get_absolute_url()).text
        assert "publication date not recorded" in article_html
        assert "We have no link to the article as published" in article_html
        assert "date not recorded" in client.get("/articles/").text

    def test_shows_the_claim_and_its_verdict(self, client, rated_claim):
        response = client.get(rated_claim.get_absolute_url())
        html = response.text
        assert response.status_code == 200
        assert "<h1>Most cyberattacks on Russia come from the US</h1>" in html
        assert 'class="badge badge--false">False</span>' in html
        assert Status.FALSE.definition in html
        assert "<p>Public data do not show this.</p>\n\n<p>The ministry gave no source.</p>" in html

    def test_highlights_the_quote_inside_its_paragraph(self, client, rated_claim):
        html = client.get(rated_claim.get_absolute_url()).text
        assert f"\u201c<mark>{factories.ARTICLE_QUOTE}</mark>,\u201d the minister said." in html

    def test_highlights_a_quote_that_runs_over_two_paragraphs_in_both(
        self, client, lavrov, tass_article
    ):
        claim = factories.make_claim(
            speaker=lavrov,
            article=tass_article,
            quote="the minister said. He added that talks would continue",
        )
        html = client.get(claim.get_absolute_url()).text
        assert (
            "<p>\u201cAttacks on our Internet resources, the majority of them, come from the US,"
            "\u201d <mark>the minister said.</mark></p>"
            "<p><mark>He added that talks would continue</mark>.</p>"
        ) in html
        assert "The minister spoke to reporters" not in html

        article_html = client.get(tass_article.get_absolute_url()).text
        assert article_html.count("<mark>") == 2
        link = f'<a class="claim-passage" href="{claim.get_absolute_url()}">'
        assert article_html.count(link) == 2

    def test_falls_back_to_the_bare_quote(self, client, lavrov, tass_article):
        claim = factories.make_claim(
            speaker=lavrov, article=tass_article, quote="Words the article does not contain"
        )
        html = client.get(claim.get_absolute_url()).text
        assert "<p>Words the article does not contain</p>" in html
        assert "<mark>" not in html

    def test_names_the_speaker_and_the_article(self, client, rated_claim):
        html = client.get(rated_claim.get_absolute_url()).text
        assert '<a href="/speakers/sergey-lavrov/">Sergey Lavrov</a>, Foreign Minister' in html
        assert f'<a href="{rated_claim.article.get_absolute_url()}">' in html
        assert 'href="https://tass.com/politics/1000001"' in html
        assert "TASS" in html

    def test_groups_counter_sources_by_stance(self, client, rated_claim):
        html = client.get(rated_claim.get_absolute_url()).text
        assert re.search(r'<h3 id="evidence-supports">Supports the claim <span[^>]*>\(1\)', html)
        assert re.search(r'<h3 id="evidence-contradicts">Contradicts the claim <span', html)
        assert "evidence-context" not in html
        assert '<a href="https://example.org/advisory" rel="external noopener">' in html
        assert "NSA, CISA, FBI and NCSC" in html
        assert '<time datetime="2021-07-01">1 July 2021</time>' in html
        assert "Attributes most intrusions to other sources." in html
        # A counter-source held in Claimtrack links to our page for it.
        assert '<a href="/articles/a-report-that-agrees/">A report that agrees</a>' in html
        assert html.index("evidence-supports") < html.index("evidence-contradicts")

    def test_shows_the_status_history_without_editors(self, client, rated_claim):
        html = client.get(rated_claim.get_absolute_url()).text
        timeline = html[html.index('<ol class="timeline">') :]
        assert re.search(r"Being checked .*<strong>False</strong>", timeline)
        assert "Checked against the joint advisory." in timeline
        assert "wanda" not in html.lower()
        assert "Watchful" not in html

    def test_lists_related_published_claims_only(self, client, rated_claim, lavrov):
        for number in range(7):
            factories.make_claim(statement=f"Another Lavrov claim {number}", speaker=lavrov)
        factories.make_claim(
            statement="Same topic, other speaker", topics=[rated_claim.topics.first()]
        )
        factories.make_claim(statement="Unpublished Lavrov claim", speaker=lavrov, published=False)
        factories.make_claim(statement="Unrelated claim")
        html = client.get(rated_claim.get_absolute_url()).text
        related = html[html.index('id="related-heading"') :]
        assert related.count('class="claim-card"') == 5
        assert "Unpublished Lavrov claim" not in html
        assert "Unrelated claim" not in html

    def test_drafts_and_unknown_slugs_are_not_found(self, client, draft_claim):
        assert client.get(draft_claim.get_absolute_url()).status_code == 404
        assert client.get("/claims/no-such-claim/").status_code == 404

    def test_query_count_is_bounded(self, client, rated_claim, lavrov, settings):
        settings.CLAIMTRACK_CACHE_SECONDS = 0  # every query a request can cost
        factories.make_claim(speaker=lavrov)
        before = queries_for(client, rated_claim.get_absolute_url())
        assert before <= 8
        for number in range(4):
            factories.make_counter_source(rated_claim, title=f"Document {number}")
            factories.make_counter_source(
                rated_claim, article=factories.make_article(), stance=Stance.CONTEXT
            )
            factories.make_claim(speaker=lavrov, topics=[factories.make_topic()])
        rated_claim.change_status(Status.MISLEADING, note="A second look.")
        assert queries_for(client, rated_claim.get_absolute_url()) == before


class TestSpeakers:
    def test_index_lists_speakers_with_published_claims(self, client, rated_claim):
        factories.make_claim(speaker=rated_claim.speaker, published=False)
        drafts_only = factories.make_speaker(name="Only Drafted")
        factories.make_claim(speaker=drafts_only, published=False)
        response = client.get("/speakers/")
        assert response.status_code == 200
        assert '<a href="/speakers/sergey-lavrov/">Sergey Lavrov</a>' in response.text
        assert "1 claim</p>" in response.text
        assert "Only Drafted" not in response.text

    def test_index_finds_speakers_by_name_or_alias(self, client, rated_claim, settings):
        settings.CLAIMTRACK_PAGE_SIZE = 2
        ryabkov = factories.make_speaker(name="Sergey Ryabkov", aliases="S. Ryabkov")
        factories.make_claim(speaker=ryabkov)
        for number in range(3):
            factories.make_claim(speaker=factories.make_speaker(name=f"Other Speaker {number}"))
        factories.make_claim(speaker=factories.make_speaker(name="Only Drafted"), published=False)

        def names(response):
            return re.findall(r'index-list__title"><a href="[^"]+">([^<]+)</a>', response.text)

        assert names(client.get("/speakers/", {"q": "sergey"})) == [
            "Sergey Lavrov",
            "Sergey Ryabkov",
        ]
        assert names(client.get("/speakers/", {"q": " s. ryab "})) == ["Sergey Ryabkov"]
        assert names(client.get("/speakers/", {"q": "drafted"})) == []
        response = client.get("/speakers/", {"q": "other"})
        assert names(response) == ["Other Speaker 0", "Other Speaker 1"]
        assert 'href="/speakers/?q=other&amp;page=2"' in response.text
        assert 'value="other"' in response.text
        assert names(client.get("/speakers/", {"q": "other", "page": 2})) == ["Other Speaker 2"]
        # A NUL character, which PostgreSQL refuses, is dropped: here nothing is left.
        assert len(names(client.get("/speakers/", {"q": "\x00"}))) == 2

    def test_every_speaker_is_on_exactly_one_page_by_name(self, client, settings):
        settings.CLAIMTRACK_PAGE_SIZE = 2
        # Namesakes: the id orders them.
        speakers = [
            factories.make_speaker(name=name) for name in ["Zoe", "Ann", "Ann", "Bo", "Ann"]
        ]
        for speaker in speakers:
            factories.make_claim(speaker=speaker)
        factories.make_claim(speaker=factories.make_speaker(name="Al"), published=False)
        listed = []
        for number in (1, 2, 3):
            response = client.get("/speakers/", {"page": number})
            assert response.context["page_obj"].paginator.count == 5
            listed += [speaker.pk for speaker in response.context["page_obj"].object_list]
        zoe, ann, second_ann, bo, third_ann = speakers
        assert listed == [ann.pk, second_ann.pk, third_ann.pk, bo.pk, zoe.pk]

    @pytest.mark.parametrize("typed", ["nobody at all", "<script>", "x" * 5000, "%", "_", "a\x00b"])
    def test_a_name_that_matches_nobody_says_so(self, client, rated_claim, typed):
        response = client.get("/speakers/", {"q": typed})

        assert response.status_code == 200
        assert "No speaker’s name matches" in response.text
        assert "<script>" not in response.text.split("<main", 1)[1]

    def test_page_shows_the_speaker_and_scorecard(self, client, rated_claim, lavrov):
        for status in [Status.TRUE, Status.FALSE, Status.FALSE]:
            factories.make_claim(speaker=lavrov, status=status)
        factories.make_claim(speaker=lavrov, status=Status.TRUE, published=False)
        response = client.get(lavrov.get_absolute_url())
        html = response.text
        assert response.status_code == 200
        assert response.context["speaker"] == lavrov
        assert "<h1>Sergey Lavrov</h1>" in html
        assert "Foreign Minister, Government of Russia" in html
        assert "Also spelled Sergei Lavrov and S. V. Lavrov." in html
        assert "4 published claims by Sergey Lavrov" in html
        rows = dict(
            re.findall(
                r'<span class="badge badge--(\w+)">[^<]+</span>\s*'
                r'<span class="scorecard__count">(\d+)'
                r'<span class="visually-hidden"> claims?</span>',
                html,
            )
        )
        assert rows["false"] == "3"
        assert rows["true"] == "1"
        assert rows["misleading"] == "0"
        # Segments follow the scale's order, true before false, with a sliver between them.
        assert '<rect class="bar--true" x="0.00" y="0" width="24.60" height="6">' in html
        assert '<rect class="bar--false" x="25.00" y="0" width="75.00" height="6">' in html
        assert html.count("<rect ") == 2

    def test_page_lists_claims_through_the_tracker_results(self, client, rated_claim, lavrov):
        second = factories.make_claim(statement="Lavrov's second claim", speaker=lavrov)
        other = factories.make_claim(statement="Someone else's claim")
        response = client.get(lavrov.get_absolute_url(), {"speaker": other.speaker.pk})
        html = response.text
        assert '<section id="results"' in html
        assert rated_claim.statement in html
        assert second.statement.replace("'", "&#x27;") in html
        assert "Someone else" not in html
        assert 'name="speaker"' not in html  # The page has chosen the speaker.
        assert 'data-hx-get="/speakers/sergey-lavrov/"' in html
        assert "HX-Request" in response.headers["Vary"]

    def test_page_answers_htmx_with_the_results_fragment(self, client, rated_claim, lavrov):
        response = client.get(
            lavrov.get_absolute_url(), {"status": "true"}, headers={"HX-Request": "true"}
        )
        assert "<html" not in response.text
        assert response.text.lstrip().startswith('<section id="results"')
        assert rated_claim.statement not in response.text
        assert "0 claims" in response.text
        assert "HX-Request" in response.headers["Vary"]

    def test_unknown_speaker_is_not_found(self, client):
        assert client.get("/speakers/nobody/").status_code == 404

    def test_speaker_known_only_from_drafts_is_not_found(self, client, draft_claim):
        assert client.get(draft_claim.speaker.get_absolute_url()).status_code == 404

    def test_query_count_is_bounded(self, client, rated_claim, lavrov):
        factories.make_claim(speaker=lavrov)  # Two claims or more: the page offers filters.
        before = queries_for(client, lavrov.get_absolute_url())
        for status in [Status.TRUE, Status.HALF_TRUE, Status.MISLEADING]:
            factories.make_claim(speaker=lavrov, status=status, topics=[factories.make_topic()])
        assert queries_for(client, lavrov.get_absolute_url()) == before

    def test_the_speakers_claims_are_counted_by_status_once(self, client, rated_claim, lavrov):
        """The scorecard's counts are also those of the unfiltered list under it."""
        factories.make_claim(speaker=lavrov, status=Status.TRUE)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(lavrov.get_absolute_url(), {"status": "true"})
        counting = [query for query in queries if "GROUP BY" in query["sql"]]
        assert len(counting) == 1
        assert '<h2 id="results-heading">1 claim</h2>' in response.text
        assert "2 published claims by Sergey Lavrov" in response.text

    def test_a_speaker_with_one_claim_gets_no_filters(self, client, rated_claim, lavrov):
        html = client.get(lavrov.get_absolute_url()).text

        assert "1 published claim by Sergey Lavrov" in html
        assert '<form id="filters"' not in html
        assert '<section id="results"' in html
        assert rated_claim.statement in html
        assert '<rect class="bar--false" x="0.00" y="0" width="100.00" height="6">' in html

    def test_title_names_the_speaker_and_the_filters(self, client, rated_claim, lavrov):
        factories.make_claim(speaker=lavrov, status=Status.TRUE)
        html = client.get(lavrov.get_absolute_url(), {"status": "true"}).text

        assert "<title>Sergey Lavrov: True · Claimtrack</title>" in html


class TestArticles:
    def test_index_lists_articles_with_published_claim_counts(self, client, rated_claim):
        factories.make_claim(article=rated_claim.article, published=False)
        html = client.get("/articles/").text
        item = html[html.index("Lavrov on cybersecurity talks") :]
        item = item[: item.index("</li>")]
        assert "TASS" in item
        assert '<time datetime="2021-05-01">1 May 2021</time>' in item
        assert "SOCHI" in item
        assert "1 claim checked" in item

    def test_index_counts_zero_for_an_article_of_drafts_only(self, client, rated_claim):
        drafts_only = factories.make_article(title="An article still being checked")
        factories.make_claim(article=drafts_only, published=False)
        html = client.get("/articles/").text
        item = html[html.index("An article still being checked") :]
        assert "0 claims checked" in item[: item.index("</li>")]

    def test_page_highlights_published_claims_only(self, client, rated_claim, tass_article):
        factories.make_claim(
            statement="A draft about the talks",
            article=tass_article,
            quote="He added that talks would continue.",
            published=False,
        )
        response = client.get(tass_article.get_absolute_url())
        html = response.text
        assert response.status_code == 200
        assert "<h1>Lavrov on cybersecurity talks</h1>" in html
        assert 'href="https://tass.com/politics/1000001"' in html
        assert "Dateline: SOCHI" in html
        assert (
            f'<a class="claim-passage" href="{rated_claim.get_absolute_url()}">'
            f"<mark>{factories.ARTICLE_QUOTE}</mark>"
        ) in html
        assert html.count("<mark>") == 1
        assert "<p>He added that talks would continue.</p>" in html
        assert "A draft about the talks" not in html
        assert f">{rated_claim.statement}</a>" in html

    def test_links_the_article_where_it_was_published(self, client, rated_claim, tass_article):
        tass_article.url = "https://republished.example.org/story"
        tass_article.save()

        content = client.get(tass_article.get_absolute_url()).content.decode()

        assert 'href="https://republished.example.org/story"' in content
        assert "(republished.example.org)" in content

    def test_unknown_article_is_not_found(self, client):
        assert client.get("/articles/nothing-here/").status_code == 404

    def test_every_article_is_on_exactly_one_page_in_order(self, client, settings):
        settings.CLAIMTRACK_PAGE_SIZE = 2
        # Same days and same titles: the id orders them, and undated ones come last.
        articles = {
            key: factories.make_article(
                title="Talks" if day else "Undated",
                published_on=datetime.date(2021, 5, day) if day else None,
            )
            for key, day in [
                ("3a", 3),
                ("3b", 3),
                ("undated a", None),
                ("1", 1),
                ("3c", 3),
                ("undated b", None),
                ("2", 2),
            ]
        }
        listed = []
        for number in range(1, 5):
            page = client.get("/articles/", {"page": number}).context["page_obj"]
            listed += [article.pk for article in page.object_list]
        in_order = ["3a", "3b", "3c", "2", "1", "undated a", "undated b"]
        assert listed == [articles[key].pk for key in in_order]

    def test_a_deep_page_reads_its_ids_from_the_list_index(self):
        page_ids = Article.objects.values("pk")[40:60]
        if connection.vendor == "postgresql":
            # The tables are too small here for PostgreSQL to prefer the index. SET LOCAL
            # lasts until the test's transaction ends.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        plan = str(page_ids.explain())
        assert "article_list_idx" in plan
        assert "Index Only Scan" in plan or "COVERING INDEX" in plan
        assert "Sort" not in plan and "TEMP B-TREE" not in plan

    def test_the_list_index_puts_undated_articles_last(self):
        definition = index_definition("sources_article", "article_list_idx")
        if connection.vendor == "postgresql":
            assert "published_on DESC NULLS LAST, title, id" in definition
        else:
            # SQLite puts NULLs last in a descending index, and refuses to be told so.
            assert '"published_on" DESC, "title", "id"' in definition

    @pytest.mark.django_db(transaction=True)
    def test_the_list_index_outlives_a_migration_that_copies_the_table(self):
        title = Article._meta.get_field("title")
        longer = title.clone()
        longer.set_attributes_from_name("title")
        longer.max_length = title.max_length + 1
        definition = index_definition("sources_article", "article_list_idx")
        # SQLite changes a column by copying the table into a new one, and makes again
        # only the indexes that the model declares.
        with connection.schema_editor() as editor:
            editor.alter_field(Article, title, longer)
        try:
            assert index_definition("sources_article", "article_list_idx") == definition
        finally:
            with connection.schema_editor() as editor:
                editor.alter_field(Article, longer, title)

    def test_query_count_is_bounded(self, client, rated_claim, tass_article):
        before = queries_for(client, tass_article.get_absolute_url())
        for _ in range(3):
            factories.make_claim(article=tass_article, speaker=factories.make_speaker())
        assert queries_for(client, tass_article.get_absolute_url()) == before


class TestTopicPage:
    def test_lists_the_topics_published_claims(self, client, rated_claim):
        topic = rated_claim.topics.first()
        factories.make_claim(statement="Draft on the topic", topics=[topic], published=False)
        factories.make_claim(statement="Claim on another topic")
        response = client.get(topic.get_absolute_url())
        assert response.status_code == 200
        assert response.context["topic"] == topic
        assert "<h1>Cybersecurity</h1>" in response.text
        assert rated_claim.statement in response.text
        assert "Draft on the topic" not in response.text
        assert "Claim on another topic" not in response.text
        assert 'name="topic"' not in response.text
        assert "HX-Request" in response.headers["Vary"]

    def test_answers_htmx_with_the_results_fragment(self, client, rated_claim):
        topic = rated_claim.topics.first()
        response = client.get(topic.get_absolute_url(), headers={"HX-Request": "true"})
        assert "<html" not in response.text
        assert rated_claim.statement in response.text
        assert "HX-Request" in response.headers["Vary"]

    def test_the_index_lists_topics_with_published_claims_and_counts_them(
        self, client, rated_claim, settings
    ):
        cybersecurity = rated_claim.topics.first()
        factories.make_claim(topics=[cybersecurity])
        factories.make_claim(published=False, topics=[cybersecurity])
        factories.make_claim(topics=[factories.make_topic(name="Arms control")])
        factories.make_claim(published=False, topics=[factories.make_topic(name="Embargoed")])

        response = client.get("/topics/")

        assert response.status_code == 200
        listed = [(topic.name, topic.published_claims) for topic in response.context["page_obj"]]
        assert listed == [("Arms control", 1), ("Cybersecurity", 2)]
        assert f'<a href="{cybersecurity.get_absolute_url()}">Cybersecurity</a>' in response.text
        assert "2 claims" in response.text and "1 claim<" in response.text
        assert "Embargoed" not in response.text
        assert 'href="/topics/" aria-current="page"' in response.text

        settings.CLAIMTRACK_PAGE_SIZE = 1
        second = client.get("/topics/", {"page": "2"})
        assert [(topic.name, topic.published_claims) for topic in second.context["page_obj"]] == [
            ("Cybersecurity", 2)
        ]
        assert "<title>Topics (page 2 of 2) · Claimtrack</title>" in second.text

    def test_the_index_says_so_when_no_claim_has_a_topic(self, client):
        factories.make_claim(published=False, topics=[factories.make_topic()])
        response = client.get("/topics/")
        assert response.status_code == 200
        assert "No published claim has a topic yet." in response.text

    def test_a_topic_page_leads_back_to_the_index(self, client, rated_claim):
        response = client.get(rated_claim.topics.first().get_absolute_url())
        assert '<p class="eyebrow"><a href="/topics/">Topics</a></p>' in response.text
        assert 'href="/topics/" aria-current="page"' in response.text

    def test_unknown_topic_is_not_found(self, client):
        assert client.get("/topics/nothing/").status_code == 404

    def test_topic_of_drafts_only_is_not_found(self, client):
        topic = factories.make_topic(name="Embargoed")
        factories.make_claim(published=False, topics=[topic])
        assert client.get(topic.get_absolute_url()).status_code == 404


def test_methodology_explains_every_status(client):
    html = client.get("/methodology/").text
    for status in Status:
        assert f'<span class="badge badge--{status.value}">{status.label}</span>' in html
        assert status.definition in html
    assert "rating 5 of 5" in html
    assert "rating 1 of 5" in html
    assert html.count("rating ") == 5


class TestCorrections:
    def test_lists_changes_after_publication_newest_first(self, client):
        claim = factories.make_claim(statement="A corrected claim", status=Status.CHECKING)
        before_publication = StatusChange.objects.create(
            claim=claim,
            from_status=Status.UNCHECKED,
            to_status=Status.CHECKING,
            note="Started checking.",
            changed_at=claim.first_published_at - datetime.timedelta(days=1),
        )
        claim.change_status(Status.FALSE, note="First verdict after publication.")
        later = claim.change_status(Status.MISLEADING, note="Reconsidered the framing.")
        later.changed_at = timezone.now() + datetime.timedelta(minutes=5)
        later.save()
        draft = factories.make_claim(statement="A draft claim", published=False)
        draft.change_status(Status.TRUE, note="Draft change.")

        html = client.get("/corrections/").text
        assert html.count('class="correction"') == 2
        assert html.index("Reconsidered the framing.") < html.index("First verdict after")
        assert before_publication.note not in html
        assert "Draft change." not in html
        assert '<a href="/claims/a-corrected-claim/">A corrected claim</a>' in html
        assert re.search(r"False <span[^>]*>→</span>.*<strong>Misleading</strong>", html)

    def test_empty_log_says_so(self, client):
        assert "We have not changed any published verdict yet." in client.get("/corrections/").text

    def test_is_paginated(self, client, settings):
        settings.CLAIMTRACK_PAGE_SIZE = 2
        claim = factories.make_claim(status=Status.CHECKING)
        for status in [Status.FALSE, Status.MISLEADING, Status.HALF_TRUE]:
            claim.change_status(status, note=f"Now {status.label}.")
        first = client.get("/corrections/").text
        assert first.count('class="correction"') == 2
        assert '<a href="/corrections/" aria-label="Page 1" aria-current="page">1</a>' in first
        assert '<a class="pagination__step" rel="next" href="/corrections/?page=2">' in first
        assert "<title>Corrections · Claimtrack</title>" in first
        second = client.get("/corrections/", {"page": "2"}).text
        assert second.count('class="correction"') == 1
        assert '<a class="pagination__step" rel="prev" href="/corrections/">' in second
        assert 'aria-label="Page 2" aria-current="page"' in second
        assert "<title>Corrections (page 2 of 2) · Claimtrack</title>" in second
        assert "data-hx-get" not in second  # Index pages are plain links.
        bad = client.get("/corrections/", {"page": "x"})
        assert bad.status_code == 200
        assert "Page x does not exist; showing page 1." in bad.text

    def test_every_correction_is_on_exactly_one_page_newest_first(self, client, settings):
        settings.CLAIMTRACK_PAGE_SIZE = 2
        claim = factories.make_claim(status=Status.CHECKING)
        same_moment = timezone.now()
        changes = []
        for status in [Status.FALSE, Status.MISLEADING, Status.HALF_TRUE, Status.TRUE]:
            change = claim.change_status(status, note=f"Now {status.label}.")
            # Two pairs made at the same moment: the id orders them.
            change.changed_at = same_moment + datetime.timedelta(minutes=len(changes) // 2)
            change.save()
            changes.append(change)
        listed = []
        for number in (1, 2):
            page = client.get("/corrections/", {"page": number}).context["page_obj"]
            listed += [change.pk for change in page.object_list]
        assert listed == [change.pk for change in reversed(changes)]


@pytest.mark.parametrize("url", ["/speakers/", "/topics/", "/articles/", "/corrections/"])
def test_index_pages_have_bounded_query_counts(client, url):
    speaker = factories.make_speaker()
    factories.make_claim(speaker=speaker, topics=[factories.make_topic()]).change_status(
        Status.TRUE, note="Rechecked."
    )
    before = queries_for(client, url)
    for _ in range(4):
        factories.make_claim(
            speaker=factories.make_speaker(), topics=[factories.make_topic()]
        ).change_status(Status.TRUE, note="Rechecked.")
    assert queries_for(client, url) == before


def test_the_claims_folder_leads_to_the_tracker(client):
    response = client.get("/claims/")

    assert response.status_code == 301
    assert response["Location"] == "/"


def test_the_default_favicon_address_leads_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].startswith("/static/favicon")


def test_not_found_page_offers_a_way_on_and_marks_no_section(client, settings):
    settings.DEBUG = False

    response = client.get("/claims/no-such-claim/")

    assert response.status_code == 404
    html = response.text
    assert "<title>Page not found · Claimtrack</title>" in html
    assert "<h1>Page not found</h1>" in html
    assert '<a href="/">Search all claims</a>' in html
    assert 'aria-current="page"' not in html


def test_the_scorecard_bar_keeps_a_thin_segment_visible():
    segments = scorecard_bar([(Status.TRUE, 1), (Status.HALF_TRUE, 0), (Status.FALSE, 399)])

    assert segments == [
        {"status": Status.TRUE, "x": "0.00", "width": "0.25"},
        {"status": Status.FALSE, "x": "0.25", "width": "99.75"},
    ]
