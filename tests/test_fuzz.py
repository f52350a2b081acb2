"""Whatever a visitor types into a public address, the answer is never a server error.

Hypothesis builds query strings the way a server hands them to Django: known
parameter names and made-up ones, repeated keys, any Unicode (NUL, control
characters, lone surrogates sent as the bytes that encode them), very long
values, bytes that are not UTF-8, escapes that are not escapes and raw bytes
that were never escaped at all. Every answer must be one a visitor can act on
(200, a redirect, 304, 400 or 404), and a 200 must be the whole page, feed or
data, not a fragment of one.
"""

import csv
import datetime
import io
import json
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from claims.filters import ORDERINGS
from claims.models import Status
from tests import factories

pytestmark = pytest.mark.django_db

ANSWERS_A_VISITOR_CAN_ACT_ON = {200, 301, 302, 304, 400, 404}

# Hypothesis caches Unicode tables on disk even with no example database: not in the checkout.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "claimtrack-hypothesis")
# Examples share the test's data and keep no database of failures between runs.
fuzz = hypothesis_settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PARAMETERS = [
    "q",
    "status",
    "speaker",
    "outlet",
    "topic",
    "date_from",
    "date_to",
    "ordering",
    "page",
    "page_size",
]
EDGE_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "-99999999999999999999",
    "NaN",
    "inf",
    "null",
    "[]",
    "2021-05-01",
    "2021-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2021-05-01T00:00:00",
    *Status.values,
    "newest",
    "relevance",
    "\x00",
    "1\x00",
    "\ud800",
    "\udfff",
    "\ufeff",
    "\u202e",
]
# Search syntax of PostgreSQL's websearch and of SQLite's FTS5, and words that occur.
SEARCH_TOKENS = [
    '"',
    "-",
    "or",
    "OR",
    "AND",
    "NOT",
    "NEAR",
    "NEAR(",
    "(",
    ")",
    "*",
    "^",
    ":",
    "+",
    "'",
    "\\",
    "{",
    "}",
    "&",
    "|",
    "!",
    "<->",
    "US",
    "cyberattacks",
    "claim",
    "Sergei",
    "Лавров",
    "\x00",
    "\x01",
    "\x0b",
    "\x1f",
    "\ufffe",
    " ",
]
NUMBER_LIKE = [
    " 2 ",
    "+1",
    "1.0",
    "1e3",
    "1_000",
    "０",  # fullwidth zero: Python's int() reads it
    "٣",  # Arabic-Indic three
    "²",  # a digit to str.isdigit(), not to int()
    "①",
    "99999999999999999999",
    "9" * 5000,
]
BROKEN_ESCAPES = [
    "%",
    "%2",
    "%G0",
    "%%",
    "%u0041",
    "=",
    "==",
    "+",
    "&",
    ";",
    "%00",
    "%FF",
    "%ED%A0%80",  # a UTF-16 surrogate encoded as if it were a character
    "%C0%80",  # an overlong NUL
    "%E2%80",  # a character cut short
    "q",
    "q=",
    "=q",
]

known_keys = st.sampled_from(PARAMETERS)
any_text = st.text(st.characters(exclude_categories=()), max_size=30)  # NUL and surrogates too
long_text = st.builds(
    lambda character, length: character * length,
    st.sampled_from(["9", "a", "ж", "%", "\x00", '"', "-"]),
    st.integers(min_value=201, max_value=20_000),
)
search_text = st.lists(st.sampled_from(SEARCH_TOKENS), max_size=15).map("".join)
numbers = st.one_of(
    st.integers(min_value=-3, max_value=12).map(str),
    st.integers().map(str),
    st.sampled_from(NUMBER_LIKE),
)


def percent_encoded(text):
    """`text` as %-escaped UTF-8; a lone surrogate becomes bytes that are not UTF-8 at all."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def plausible_values(key, row_ids):
    """What the site's own links and form send for `key`, give or take a hand edit."""
    if key == "q":
        return st.one_of(search_text, any_text)
    if key == "status":
        return st.sampled_from(Status.values)
    if key in row_ids:
        return st.one_of(st.sampled_from(row_ids[key]), numbers)
    if key in {"date_from", "date_to"}:
        days = st.dates(min_value=datetime.date(2018, 1, 1), max_value=datetime.date(2023, 1, 1))
        return days.map(datetime.date.isoformat)
    if key == "ordering":
        return st.sampled_from(list(ORDERINGS))
    return numbers


def query_strings(row_ids, *, keys=known_keys):
    """Raw query strings, as the latin-1 text WSGI carries them in QUERY_STRING.

    Most parameters are ones the site could have sent, so that searches get past
    validation to the database, the pagination and the feed writer; the rest are
    anything at all. `row_ids` maps "speaker", "outlet" and "topic" to ids in use.
    """
    plausible_pair = keys.flatmap(
        lambda key: plausible_values(key, row_ids).map(
            lambda value: f"{key}={percent_encoded(value)}"
        )
    )
    values = st.one_of(
        any_text,
        search_text,
        st.sampled_from(EDGE_VALUES),
        numbers,
        st.dates().map(datetime.date.isoformat),
        long_text,
    )
    any_key = st.one_of(keys, keys, any_text)
    encoded_pair = st.builds(
        lambda key, value: f"{percent_encoded(key)}={percent_encoded(value)}", any_key, values
    )
    bare_key = any_key.map(percent_encoded)
    # Bytes no client escaped, as a lenient server may pass them on.
    raw_pair = st.builds(
        lambda key, value: f"{key}={value.decode('latin-1')}", keys, st.binary(max_size=30)
    )
    hostile_piece = st.one_of(encoded_pair, bare_key, raw_pair, st.sampled_from(BROKEN_ESCAPES))
    return st.builds(
        lambda plausible, hostile, hostile_last: "&".join(
            plausible + hostile if hostile_last else hostile + plausible
        ),
        st.lists(plausible_pair, max_size=6),
        st.lists(hostile_piece, max_size=4),
        st.booleans(),
    )


htmx_headers = st.fixed_dictionaries(
    {},
    optional={
        "HX-Request": st.just("true"),
        "HX-History-Restore-Request": st.just("true"),
        "HX-Trigger": st.sampled_from(["filters", "results", ""]),
    },
)
http_dates = st.one_of(
    st.datetimes(timezones=st.just(datetime.UTC)).map(
        lambda moment: moment.strftime("%a, %d %b %Y %H:%M:%S GMT")
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
conditional_headers = st.fixed_dictionaries(
    {},
    optional={
        "If-Modified-Since": http_dates,
        "If-None-Match": st.one_of(
            st.just("*"), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
        ),
    },
)


@dataclass
class World:
    speaker_slug: str
    topic_slug: str
    row_ids: dict


@pytest.fixture
def world(settings):
    """Published claims on several pages (two a page), a correction and a draft."""
    settings.CLAIMTRACK_PAGE_SIZE = 2
    lavrov = factories.make_speaker(name="Sergey Lavrov", aliases="Sergei Lavrov\nЛавров")
    zakharova = factories.make_speaker(name="Maria Zakharova")
    cyber, sanctions = factories.make_topic(name="Cyber"), factories.make_topic(name="Sanctions")
    claims = [
        factories.make_claim(speaker=speaker, topics=topics, status=status, stated_on=day)
        for speaker, topics, status, day in [
            (lavrov, [cyber], Status.FALSE, datetime.date(2019, 5, 14)),
            (lavrov, [cyber, sanctions], Status.MISLEADING, datetime.date(2020, 1, 1)),
            (lavrov, [], Status.UNCHECKED, datetime.date(2020, 6, 1)),
            (zakharova, [sanctions], Status.TRUE, datetime.date(2021, 1, 1)),
            (zakharova, [cyber], Status.HALF_TRUE, datetime.date(2022, 1, 1)),
        ]
    ]
    claims[0].change_status(Status.MOSTLY_FALSE, note="New evidence came to light.")
    factories.make_claim(published=False, speaker=zakharova, statement="A draft")
    outlets = [claim.article.outlet for claim in claims]
    return World(
        speaker_slug=lavrov.slug,
        topic_slug=cyber.slug,
        row_ids={
            name: [str(row.pk) for row in rows]
            for name, rows in [
                ("speaker", [lavrov, zakharova]),
                ("outlet", outlets),
                ("topic", [cyber, sanctions]),
            ]
        },
    )


def fetch(client, path, query, headers=None):
    """GET path?query, with the body of a streamed answer read in full."""
    # A database error must fail this example only: the test's transaction stays usable.
    with transaction.atomic():
        response = client.get(path, QUERY_STRING=query, headers=headers or {})
        if response.streaming:
            response.body = b"".join(response.streaming_content)
        else:
            response.body = response.content
    assert response.status_code in ANSWERS_A_VISITOR_CAN_ACT_ON, (path, query, headers)
    return response


def assert_whole_page(response, headers):
    if response.status_code != 200:
        return
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.body.decode()
    is_partial = "HX-Request" in headers and "HX-History-Restore-Request" not in headers
    if is_partial:
        assert html.lstrip().startswith('<section id="results"')
        assert "<html" not in html
    else:
        assert '<main id="main"' in html
        assert html.rstrip().endswith("</html>")


PAGES_WITH_RESULTS = {
    "tracker": lambda world: reverse("claims:tracker"),
    "speaker": lambda world: reverse("claims:speaker", args=[world.speaker_slug]),
    "topic": lambda world: reverse("claims:topic", args=[world.topic_slug]),
}


@pytest.mark.parametrize("target", PAGES_WITH_RESULTS)
@fuzz
@given(data=st.data(), headers=htmx_headers)
def test_pages_with_results(client, world, target, data, headers):
    query = data.draw(query_strings(world.row_ids), label="query")

    response = fetch(client, PAGES_WITH_RESULTS[target](world), query, headers)

    assert_whole_page(response, headers)


FEEDS = {
    "claims": lambda world: reverse("feeds:claims"),
    "claims-atom": lambda world: reverse("feeds:claims-atom"),
    "speaker": lambda world: reverse("feeds:speaker", args=[world.speaker_slug]),
    "topic-atom": lambda world: reverse("feeds:topic-atom", args=[world.topic_slug]),
    "status": lambda world: reverse("feeds:status", args=[Status.FALSE]),
    "updates-atom": lambda world: reverse("feeds:updates-atom"),
}


@pytest.mark.parametrize("target", FEEDS)
@fuzz
@given(data=st.data(), headers=conditional_headers, filtered=st.booleans())
def test_feeds(client, world, target, data, headers, filtered):
    query = data.draw(query_strings(world.row_ids), label="query")
    if filtered:
        # Parameters of a search the feed follows, then whatever else was typed.
        query = f"status=false&status=misleading&q=attacks&{query}"

    response = fetch(client, FEEDS[target](world), query, headers)

    if response.status_code == 200:
        assert response["Content-Type"].startswith(("application/rss+xml", "application/atom+xml"))
        root = ET.fromstring(response.body)
        assert root.tag in {"rss", "{http://www.w3.org/2005/Atom}feed"}
    elif response.status_code == 400:
        assert response["Content-Type"] == "text/plain; charset=utf-8"


@fuzz
@given(data=st.data())
def test_api_list(client, world, data):
    query = data.draw(query_strings(world.row_ids), label="query")

    response = fetch(client, reverse("api:claims"), query)

    assert response["Content-Type"] == "application/json"
    body = json.loads(response.body)
    assert ("results" in body) if response.status_code == 200 else ("errors" in body)


@fuzz
@given(data=st.data())
def test_csv(client, world, data):
    query = data.draw(query_strings(world.row_ids), label="query")

    response = fetch(client, reverse("api:claims-csv"), query)

    if response.status_code == 200:
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
        assert rows[0][:2] == ["slug", "url"]
    else:
        assert "errors" in json.loads(response.body)


SEARCHES = {
    # Pages answer a refused search with the page and its errors; the rest with 400.
    "tracker": lambda world: reverse("claims:tracker"),
    "speaker": lambda world: reverse("claims:speaker", args=[world.speaker_slug]),
    "speakers by name": lambda world: reverse("claims:speakers"),
    "feed": lambda world: reverse("feeds:claims"),
    "feed-atom": lambda world: reverse("feeds:claims-atom"),
    "api": lambda world: reverse("api:claims"),
    "csv": lambda world: reverse("api:claims-csv"),
}


@pytest.mark.parametrize("target", SEARCHES)
@fuzz
@given(
    text=st.one_of(search_text, any_text),
    ordering=st.sampled_from(["", "relevance", "newest", "oldest", "updated"]),
)
def test_searches(client, world, target, text, ordering):
    """Full-text search syntax, which each database reads in its own way, ranked or not."""
    query = f"q={percent_encoded(text)}&ordering={ordering}"

    response = fetch(client, SEARCHES[target](world), query)

    # The form refuses NUL before any database sees it: pages say so, data endpoints answer 400.
    refused = "\x00" in text and target in {"feed", "feed-atom", "api", "csv"}
    assert response.status_code == (400 if refused else 200)


LISTS = {
    "tracker": lambda world: reverse("claims:tracker"),
    "speakers": lambda world: reverse("claims:speakers"),
    "articles": lambda world: reverse("claims:articles"),
    "corrections": lambda world: reverse("claims:corrections"),
    "speaker": lambda world: reverse("claims:speaker", args=[world.speaker_slug]),
}


@pytest.mark.parametrize("target", LISTS)
@fuzz
@given(data=st.data())
def test_page_numbers(client, world, target, data):
    query = data.draw(query_strings(world.row_ids, keys=st.just("page")), label="query")

    response = fetch(client, LISTS[target](world), query)

    assert response.status_code == 200
    assert_whole_page(response, {})


# Routes whose last segment is any text, not only a slug: the text reaches a lookup.
ANY_TEXT_ROUTES = {
    "api-claim": lambda segment: f"/api/claims/{segment}/",
    "status-feed": lambda segment: f"/feeds/status/{segment}/",
    "status-feed-atom": lambda segment: f"/feeds/status/{segment}/atom/",
    "sitemap-section": lambda segment: f"/sitemap-{segment}.xml",
}


@pytest.mark.parametrize("route", ANY_TEXT_ROUTES)
@fuzz
@given(
    segment=st.one_of(any_text, st.sampled_from(EDGE_VALUES), long_text).filter(
        lambda text: text and "/" not in text
    )
)
def test_paths_with_any_text(client, world, route, segment):
    path = ANY_TEXT_ROUTES[route](percent_encoded(segment))

    response = fetch(client, path, "")

    assert response.status_code in {200, 301, 404}


def test_too_many_parameters_is_a_bad_request(client, world):
    query = "&".join(f"p{number}=x" for number in range(2000))

    assert fetch(client, reverse("claims:tracker"), query).status_code == 400
