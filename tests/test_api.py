"""The read-only JSON API and the CSV download of a search."""

import csv
import datetime
import io
import json

import pytest
from django.http import QueryDict
from django.test import Client, RequestFactory
from django.urls import reverse

from claims import api
from claims.filters import ClaimFilter
from claims.models import Claim, Stance, Status
from claims.serializers import CSV_COLUMNS
from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:claims")
CSV_URL = reverse("api:claims-csv")

# In the README's order, which the JSON keeps.
CLAIM_KEYS = [
    "slug",
    "url",
    "api_url",
    "statement",
    "quote",
    "speaker",
    "article",
    "stated_on",
    "first_published_at",
    "updated_at",
    "status",
    "verdict",
    "topics",
    "counter_sources",
    "history",
]
SPEAKER_KEYS = ["name", "slug", "role", "affiliation", "url"]
ARTICLE_KEYS = ["title", "slug", "outlet", "published_on", "url", "original_url", "dateline"]
STATUS_KEYS = ["value", "label", "definition", "rating"]
COUNTER_SOURCE_KEYS = ["stance", "title", "publisher", "published_on", "url", "note"]
HISTORY_KEYS = ["from", "to", "changed_at", "note"]


def detail_url(claim):
    return reverse("api:claim", kwargs={"slug": claim.slug})


def body(response):
    """The response's bytes, whether it was sent at once or streamed (the CSV is)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def get_json(client, url, expected_status=200):
    response = client.get(url)
    assert response.status_code == expected_status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def full_claim(editor):
    """A published claim with every kind of related row, some of it written by an editor."""
    outlet = factories.make_outlet(name="TASS")
    article = factories.make_article(
        outlet=outlet,
        title="Russia ready for cybersecurity talks",
        url="https://tass.com/politics/1",
        dateline="SOCHI",
        published_on=datetime.date(2021, 5, 1),
    )
    speaker = factories.make_speaker(
        name="Sergey Lavrov", role="Foreign Minister", affiliation="Government of Russia"
    )
    claim = factories.make_claim(
        statement="Most attacks on Russian resources come from the US",
        article=article,
        speaker=speaker,
        status=Status.CHECKING,
        stated_on=datetime.date(2021, 4, 30),
        topics=[factories.make_topic(name="Cyberattacks"), factories.make_topic(name="Diplomacy")],
        internal_notes="INTERNAL: ask the desk before changing",
    )
    claim.change_status(Status.MISLEADING, note="The advisory says otherwise.", by=editor)
    evidence = factories.make_article(title="Joint advisory coverage", published_on=None)
    factories.make_counter_source(claim, article=evidence, stance=Stance.CONTEXT, added_by=editor)
    factories.make_counter_source(
        claim,
        title="Joint cybersecurity advisory",
        publisher="NSA",
        url="https://example.org/advisory.pdf",
        published_on=datetime.date(2021, 4, 15),
        note="Names Russian services as the source.",
        added_by=editor,
    )
    claim.refresh_from_db()
    return claim


class TestClaimShape:
    def test_detail_has_the_documented_shape(self, client, full_claim):
        data = get_json(client, detail_url(full_claim))

        # Compared as lists: the keys come in the same order every time.
        assert list(data) == CLAIM_KEYS
        assert list(data["speaker"]) == SPEAKER_KEYS
        assert list(data["article"]) == ARTICLE_KEYS
        assert list(data["article"]["outlet"]) == ["name", "slug"]
        assert list(data["status"]) == STATUS_KEYS
        assert all(list(topic) == ["name", "slug"] for topic in data["topics"])
        assert all(list(source) == COUNTER_SOURCE_KEYS for source in data["counter_sources"])
        assert all(list(change) == HISTORY_KEYS for change in data["history"])
        assert all(list(change["to"]) == ["value", "label"] for change in data["history"])

    def test_detail_values(self, client, full_claim):
        claim = full_claim

        data = get_json(client, detail_url(claim))

        assert data["slug"] == claim.slug
        assert data["url"] == f"http://testserver/claims/{claim.slug}/"
        assert data["api_url"] == f"http://testserver/api/claims/{claim.slug}/"
        assert data["statement"] == claim.statement
        assert data["quote"] == claim.quote
        assert data["speaker"] == {
            "name": "Sergey Lavrov",
            "slug": claim.speaker.slug,
            "role": "Foreign Minister",
            "affiliation": "Government of Russia",
            "url": f"http://testserver/speakers/{claim.speaker.slug}/",
        }
        assert data["article"] == {
            "title": "Russia ready for cybersecurity talks",
            "slug": claim.article.slug,
            "outlet": {"name": "TASS", "slug": claim.article.outlet.slug},
            "published_on": "2021-05-01",
            "url": f"http://testserver/articles/{claim.article.slug}/",
            "original_url": "https://tass.com/politics/1",
            "dateline": "SOCHI",
        }
        assert data["stated_on"] == "2021-04-30"
        assert datetime.datetime.fromisoformat(data["first_published_at"]) == (
            claim.first_published_at
        )
        assert datetime.datetime.fromisoformat(data["updated_at"]) == claim.updated_at
        assert data["status"] == {
            "value": "misleading",
            "label": "Misleading",
            "definition": Status.MISLEADING.definition,
            "rating": None,
        }
        assert data["verdict"] == claim.verdict
        assert [topic["name"] for topic in data["topics"]] == ["Cyberattacks", "Diplomacy"]

    def test_counter_sources_in_the_claim_pages_order_and_history(self, client, full_claim):
        data = get_json(client, detail_url(full_claim))

        evidence_article = full_claim.counter_sources.get(stance=Stance.CONTEXT).article
        assert data["counter_sources"] == [
            {
                "stance": {"value": "context", "label": "Adds context"},
                "title": "Joint advisory coverage",
                "publisher": evidence_article.outlet.name,
                "published_on": None,
                "url": f"http://testserver/articles/{evidence_article.slug}/",
                "note": "",
            },
            {
                "stance": {"value": "contradicts", "label": "Contradicts"},
                "title": "Joint cybersecurity advisory",
                "publisher": "NSA",
                "published_on": "2021-04-15",
                "url": "https://example.org/advisory.pdf",
                "note": "Names Russian services as the source.",
            },
        ]
        [change] = data["history"]
        assert change["from"] == {"value": "checking", "label": "Being checked"}
        assert change["to"] == {"value": "misleading", "label": "Misleading"}
        assert change["note"] == "The advisory says otherwise."
        assert datetime.datetime.fromisoformat(change["changed_at"]).tzinfo is not None

    def test_rated_status_has_its_rating(self, client):
        claim = factories.make_claim(status=Status.MOSTLY_TRUE)

        assert get_json(client, detail_url(claim))["status"]["rating"] == 4

    def test_list_results_have_the_same_shape_as_detail(self, client, full_claim):
        listed = get_json(client, LIST_URL)["results"][0]

        assert listed == get_json(client, detail_url(full_claim))

    def test_editors_and_internal_notes_never_appear(self, client, full_claim, editor):
        editor.first_name, editor.last_name = "Janet", "Overseer"
        editor.save()
        responses = [
            client.get(LIST_URL),
            client.get(detail_url(full_claim)),
            client.get(CSV_URL),
        ]

        for response in responses:
            content = body(response).decode("utf-8-sig")
            assert "INTERNAL" not in content
            assert editor.username not in content
            assert "Janet" not in content
            assert "Overseer" not in content
            assert "added_by" not in content
            assert "changed_by" not in content


class TestList:
    def test_lists_only_published_claims(self, client, claim, draft_claim):
        data = get_json(client, LIST_URL)

        assert data["count"] == 1
        assert [item["slug"] for item in data["results"]] == [claim.slug]

    def test_unknown_and_draft_claims_are_json_404s(self, client, draft_claim):
        for url in [
            detail_url(draft_claim),
            reverse("api:claim", args=["no-such-claim"]),
            # Not even a slug: still the API's answer, not an HTML page.
            "/api/claims/лавров/",
            "/api/claims/a.b%20c/",
        ]:
            assert get_json(client, url, 404) == {"detail": "Not found."}

    def test_paginates_and_keeps_the_filters_in_next_and_previous(self, client):
        speaker, article = factories.make_speaker(), factories.make_article()
        for _ in range(25):
            factories.make_claim(speaker=speaker, article=article)
        factories.make_claim(status=Status.TRUE)

        first = get_json(client, f"{LIST_URL}?status=false&page_size=10")
        second = get_json(client, first["next"])
        third = get_json(client, second["next"])

        assert first["count"] == 25
        assert first["previous"] is None
        assert first["next"] == "http://testserver/api/claims/?status=false&page_size=10&page=2"
        assert second["previous"] == (
            "http://testserver/api/claims/?status=false&page_size=10&page=1"
        )
        assert [len(page["results"]) for page in (first, second, third)] == [10, 10, 5]
        assert third["next"] is None
        slugs = [item["slug"] for page in (first, second, third) for item in page["results"]]
        newest_first = Claim.objects.published().filter(status=Status.FALSE).order_by("-pk")
        assert slugs == [claim.slug for claim in newest_first]

    def test_default_page_size_is_the_sites(self, client, settings):
        settings.CLAIMTRACK_PAGE_SIZE = 3
        speaker, article = factories.make_speaker(), factories.make_article()
        for _ in range(4):
            factories.make_claim(speaker=speaker, article=article)

        data = get_json(client, LIST_URL)

        assert len(data["results"]) == 3
        assert data["next"] == "http://testserver/api/claims/?page=2"

    def test_page_size_is_capped_at_100(self, client):
        speaker, article = factories.make_speaker(), factories.make_article()
        for _ in range(101):
            factories.make_claim(speaker=speaker, article=article)

        data = get_json(client, f"{LIST_URL}?page_size=500")

        assert len(data["results"]) == 100
        assert data["next"].endswith("page_size=500&page=2")

    # Not named `page`: pytest-playwright would take that for its browser page fixture.
    @pytest.mark.parametrize("page_parameter", ["", "&page=1"])
    def test_an_empty_result_is_an_empty_first_page(self, client, claim, page_parameter):
        data = get_json(client, f"{LIST_URL}?q=nothing-matches-this{page_parameter}")

        assert data == {"count": 0, "next": None, "previous": None, "results": []}
        assert list(data) == ["count", "next", "previous", "results"]

    def test_no_claims_at_all_is_an_empty_first_page(self, client, draft_claim):
        assert get_json(client, f"{LIST_URL}?page=1")["count"] == 0

    @pytest.mark.parametrize("page_size, shown", [("1", 1), ("100", 100), ("101", 100), ("007", 7)])
    def test_page_size_bounds(self, client, page_size, shown):
        speaker, article = factories.make_speaker(), factories.make_article()
        for _ in range(101):
            factories.make_claim(speaker=speaker, article=article)

        data = get_json(client, f"{LIST_URL}?page_size={page_size}")

        assert len(data["results"]) == shown

    def test_numbers_too_long_for_python_are_answered_not_crashed_on(self, client, claim):
        huge = "9" * 5000

        page = get_json(client, f"{LIST_URL}?page={huge}", 400)
        page_size = get_json(client, f"{LIST_URL}?page_size={huge}")

        assert page["errors"]["page"] == [f"Page {huge} is out of range: the last is 1."]
        assert page_size["count"] == len(page_size["results"]) == 1

    def test_unicode_search_and_results(self, client):
        factories.make_claim(statement="Лавров: атаки идут из США")
        factories.make_claim()

        data = get_json(client, f"{LIST_URL}?q=атаки")

        assert [item["statement"] for item in data["results"]] == ["Лавров: атаки идут из США"]

    @pytest.mark.parametrize(
        "query",
        [
            "status=false",
            "status=false&status=true",
            "speaker={speaker}",
            "topic={topic}&ordering=oldest",
            "q=ransomware",
            "date_from=2021-05-10&date_to=2021-05-20",
            "ordering=updated",
            "ordering=oldest",
        ],
    )
    def test_filters_and_orders_like_the_tracker(self, client, query):
        speaker, topic = factories.make_speaker(), factories.make_topic()
        for day, status in enumerate([Status.FALSE, Status.TRUE, Status.FALSE, Status.HALF_TRUE]):
            factories.make_claim(
                status=status, speaker=speaker, stated_on=datetime.date(2021, 5, 5 + day * 5)
            )
        factories.make_claim(statement="Ransomware comes from Russia", topics=[topic])
        factories.make_claim(status=Status.FALSE, speaker=speaker, published=False)
        query = query.format(speaker=speaker.pk, topic=topic.pk)

        data = get_json(client, f"{LIST_URL}?{query}&page_size=100")

        filterset = ClaimFilter(QueryDict(query), queryset=Claim.objects.published())
        assert filterset.is_valid()
        assert [item["slug"] for item in data["results"]] == [c.slug for c in filterset.results]
        assert data["count"] == filterset.results.count() > 0

    @pytest.mark.parametrize(
        "query, parameter",
        [
            ("status=bogus", "status"),
            ("speaker=abc", "speaker"),
            ("speaker=999999", "speaker"),
            ("outlet=1.5", "outlet"),
            ("topic=-3", "topic"),
            ("date_from=soon", "date_from"),
            ("date_to=2021-02-30", "date_to"),
            ("ordering=sideways", "ordering"),
            ("page=abc", "page"),
            ("page=0", "page"),
            ("page=-1", "page"),
            ("page=2", "page"),
            ("page=٣", "page"),
            ("page_size=abc", "page_size"),
            ("page_size=0", "page_size"),
        ],
    )
    def test_bad_parameters_are_400s_naming_the_parameter(self, client, claim, query, parameter):
        data = get_json(client, f"{LIST_URL}?{query}", 400)

        assert list(data) == ["errors"]
        assert list(data["errors"]) == [parameter]
        messages = data["errors"][parameter]
        assert messages
        assert all(isinstance(message, str) and message for message in messages)

    def test_every_bad_parameter_is_named_at_once(self, client):
        data = get_json(client, f"{LIST_URL}?status=bogus&page=x&page_size=y", 400)

        assert set(data["errors"]) == {"status", "page", "page_size"}

    def test_out_of_range_page_says_how_many_pages_there_are(self, client, claim):
        data = get_json(client, f"{LIST_URL}?page=5", 400)

        assert data["errors"]["page"] == ["Page 5 is out of range: the last is 1."]

    def test_query_count_does_not_grow_with_the_page(
        self, client, editor, django_assert_num_queries
    ):
        def add_claims(count):
            for _ in range(count):
                claim = factories.make_claim(topics=[factories.make_topic()])
                claim.change_status(Status.TRUE, note="Revised.", by=editor)
                factories.make_counter_source(claim)
                factories.make_counter_source(claim, article=factories.make_article())

        # The revision, the count (from the tallies), the page, then topics,
        # counter-sources (with their articles and outlets) and history: one query each.
        add_claims(5)
        with django_assert_num_queries(6):
            assert len(get_json(client, f"{LIST_URL}?page_size=100")["results"]) == 5
        add_claims(35)
        with django_assert_num_queries(6):
            assert len(get_json(client, f"{LIST_URL}?page_size=100")["results"]) == 40


class TestMethodsAndCors:
    @pytest.mark.parametrize("url", [LIST_URL, CSV_URL, "/api/claims/some-claim/"])
    def test_get_responses_allow_any_origin(self, client, claim, url):
        response = client.get(url)

        assert response["Access-Control-Allow-Origin"] == "*"

    def test_preflight_allows_reading_only(self, client):
        response = client.options(
            LIST_URL,
            headers={"origin": "https://elsewhere.example", "access-control-request-method": "GET"},
        )

        assert response.status_code == 204
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
        assert response["Access-Control-Allow-Origin"] == "*"

    @pytest.mark.parametrize("url", [LIST_URL, CSV_URL, "/api/claims/some-claim/"])
    def test_preflight_allows_any_request_header(self, client, url):
        response = client.options(
            url,
            headers={
                "origin": "https://elsewhere.example",
                "access-control-request-method": "GET",
                "access-control-request-headers": "if-none-match, x-requested-with",
            },
        )

        assert response.status_code == 204
        assert response["Access-Control-Allow-Headers"] == "*"
        assert response["Access-Control-Max-Age"] == "86400"

    @pytest.mark.parametrize(
        "url, status_code",
        [(f"{LIST_URL}?status=bogus", 400), ("/api/claims/no-such-claim/", 404)],
    )
    def test_errors_allow_any_origin_too(self, client, url, status_code):
        response = client.get(url)

        assert response.status_code == status_code
        assert response["Access-Control-Allow-Origin"] == "*"

    @pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
    @pytest.mark.parametrize("url", [LIST_URL, CSV_URL])
    def test_writes_are_405_even_without_a_csrf_token(self, method, url):
        client = Client(enforce_csrf_checks=True)

        response = getattr(client, method)(url, data={}, content_type="application/json")

        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
        assert response["Access-Control-Allow-Origin"] == "*"

    @pytest.mark.parametrize("url", [LIST_URL, CSV_URL, "/api/claims/{slug}/"])
    def test_head_is_answered_like_get_without_a_body(self, client, claim, url):
        url = url.format(slug=claim.slug)

        head, get = client.head(url), client.get(url)

        assert head.status_code == 200
        assert head["Content-Type"] == get["Content-Type"]
        assert body(head) == b""

    def test_head_of_the_csv_reads_no_claims(self, claim, django_assert_num_queries):
        request = RequestFactory().head(CSV_URL)

        with django_assert_num_queries(0):
            response = api.claims_csv(request)
            assert body(response) == b""

        assert response["Content-Type"] == "text/csv; charset=utf-8"


class TestCsv:
    def read_csv(self, response):
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="claims.csv"'
        content = body(response)
        assert content.startswith(b"\xef\xbb\xbf")
        content = content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(content, newline="")))

    def test_has_a_header_and_one_row_per_published_claim(self, client, full_claim, draft_claim):
        claim = full_claim

        header, *rows = self.read_csv(client.get(CSV_URL))

        assert header == CSV_COLUMNS
        assert len(rows) == 1
        row = dict(zip(header, rows[0], strict=True))
        assert row == {
            "slug": claim.slug,
            "url": f"http://testserver/claims/{claim.slug}/",
            "statement": claim.statement,
            "quote": claim.quote,
            "speaker": "Sergey Lavrov",
            "article": "Russia ready for cybersecurity talks",
            "outlet": "TASS",
            "stated_on": "2021-04-30",
            "status": "misleading",
            "status_label": "Misleading",
            "rating": "",
            "verdict": claim.verdict,
            "topics": "Cyberattacks; Diplomacy",
            "first_published_at": claim.first_published_at.isoformat(),
            "updated_at": claim.updated_at.isoformat(),
        }

    def test_holds_every_match_of_the_search_unpaginated(self, client, settings):
        settings.CLAIMTRACK_PAGE_SIZE = 2
        speaker, article = factories.make_speaker(), factories.make_article()
        matching = [factories.make_claim(speaker=speaker, article=article) for _ in range(5)]
        factories.make_claim(status=Status.TRUE, speaker=speaker, article=article)

        _, *rows = self.read_csv(client.get(f"{CSV_URL}?status=false&page=2"))

        assert sorted(row[0] for row in rows) == sorted(claim.slug for claim in matching)

    def test_rated_claims_carry_their_rating(self, client):
        factories.make_claim(status=Status.FALSE)

        _, row = self.read_csv(client.get(CSV_URL))

        assert row[CSV_COLUMNS.index("rating")] == "1"

    def test_cells_that_a_spreadsheet_would_run_are_neutralised(self, client):
        factories.make_claim(
            statement='=HYPERLINK("http://evil.example","click")',
            verdict="@SUM(A1:A9)",
            speaker=factories.make_speaker(name="+Plus Speaker"),
            topics=[factories.make_topic(name="-Minus topic")],
        )

        _, row = self.read_csv(client.get(CSV_URL))

        cells = dict(zip(CSV_COLUMNS, row, strict=True))
        assert cells["statement"] == '\'=HYPERLINK("http://evil.example","click")'
        assert cells["verdict"] == "'@SUM(A1:A9)"
        assert cells["speaker"] == "'+Plus Speaker"
        assert cells["topics"] == "'-Minus topic"
        assert cells["quote"] == Claim.objects.get().quote

    def test_bad_parameters_are_400s(self, client):
        data = get_json(client, f"{CSV_URL}?status=bogus&date_to=never", 400)

        assert set(data["errors"]) == {"status", "date_to"}

    @pytest.mark.parametrize(
        "statement",
        [" =1+1", '\n=HYPERLINK("http://evil.example")', "\u00a0@SUM(A1)", "\t-2", "\rx"],
    )
    def test_formulas_behind_spaces_and_line_breaks_are_neutralised(self, client, statement):
        factories.make_claim(statement=statement)

        _, row = self.read_csv(client.get(CSV_URL))

        assert row[CSV_COLUMNS.index("statement")] == "'" + statement

    def test_lines_end_in_crlf_and_line_breaks_stay_inside_their_cells(self, client):
        verdict = 'First paragraph.\r\n\r\nSecond, with a comma and a "quote".\nThird.'
        factories.make_claim(verdict=verdict)

        response = client.get(CSV_URL)

        content = body(response)
        assert content.count(b"\xef\xbb\xbf") == 1
        header_line, _ = content.removeprefix(b"\xef\xbb\xbf").split(b"\r\n", 1)
        assert header_line.decode() == ",".join(CSV_COLUMNS)
        assert content.endswith(b"\r\n")
        _, row = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
        assert row[CSV_COLUMNS.index("verdict")] == verdict

    def test_non_latin_text_survives(self, client):
        factories.make_claim(statement="Лавров: атаки идут из США")

        _, row = self.read_csv(client.get(CSV_URL))

        assert row[CSV_COLUMNS.index("statement")] == "Лавров: атаки идут из США"


def test_json_is_utf8_not_escaped(client):
    claim = factories.make_claim(statement="Лавров: атаки идут из США")

    response = client.get(detail_url(claim))

    assert "Лавров".encode() in response.content
    assert json.loads(response.content)["statement"] == claim.statement


def test_a_date_range_that_ends_before_it_starts_is_a_bad_request(client, claim):
    response = client.get("/api/claims/", {"date_from": "2021-06-01", "date_to": "2021-01-01"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["date_to"]


def test_the_csv_streams_its_rows_instead_of_building_the_file(client, claim):
    response = client.get(CSV_URL)

    assert response.streaming
    assert len(list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))) == 2


def test_a_cached_list_answers_from_the_cache_until_the_data_changes(
    client, claim, django_assert_num_queries
):
    first = get_json(client, LIST_URL)
    with django_assert_num_queries(1):  # the revision
        assert get_json(client, LIST_URL) == first

    claim.change_status(Status.TRUE, note="New evidence.")

    assert get_json(client, LIST_URL)["results"][0]["status"]["value"] == "true"
