"""The benchmark's harness (`make bench`) still works: measured at a tiny scale, in seconds.

The benchmark itself runs for many minutes outside the test suite; these tests
make sure a change to the site cannot break it unnoticed.
"""

import datetime
import time

import pytest
from django.core.management import call_command

from bench import FLOOR_PATH, HarnessError, report
from bench.floor import floor_rows
from bench.measure import SEARCH, Page, measure_page, measure_site
from bench.throughput import parse_wrk
from tests import factories

DEMO_CLAIMS = 50
PAGE_NAMES = [
    "floor",
    "tracker",
    "tracker: one status",
    "tracker: status, speaker, dates",
    "tracker: two-word search",
    "tracker: page 200",
    "tracker: htmx fragment",
    "claim",
    "speaker",
    "article",
    "topic",
    "speakers",
    "topics",
    "articles",
    "corrections",
    "articles: deep page",
    "corrections: deep page",
    "RSS feed",
    "RSS feed: one status",
    "RSS feed: changed verdicts",
    "JSON API",
    "sitemap index",
]
WRK_OUTPUT = """\
Running 2s test @ http://127.0.0.1:18765/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.55ms    2.30ms   1.02s    83.99%
    Req/Sec   587.20     96.13   760.00     62.50%
  Latency Distribution
     50%  750.00us
     75%    4.25ms
     90%    6.53ms
     99%    1.20s
  2341 requests in 2.01s, 429.97KB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:   1167.47
Transfer/sec:    214.43KB
"""


@pytest.fixture
def demo_site(db, settings):
    settings.ROOT_URLCONF = "bench.urls"
    call_command("seed_demo", claims=DEMO_CLAIMS, seed=1, verbosity=0)
    # The benchmark searches for words that a demo archive this small may not hold yet.
    factories.make_claim(statement=f"{SEARCH.capitalize()} doubled last year")


def synthetic_run(median_ms=10.0, queries=3, **page_medians):
    """A measurement as bench.measure returns it, every page at `median_ms` unless named."""
    pages = [
        {
            "name": name,
            "path": "/",
            "note": "",
            "bytes": 1000,
            "queries": 1 if name == "floor" else queries,
            "median_ms": page_medians.get(name, 3.0 if name == "floor" else median_ms),
            "p95_ms": 2 * page_medians.get(name, median_ms),
        }
        for name in PAGE_NAMES
    ]
    return {
        "database": {"vendor": "sqlite", "version": "3"},
        "cache_seconds": 900,
        "cache_backend": "LocMemCache",
        "pages": pages,
    }


def test_the_floor_lists_the_trackers_first_page(demo_site, client):
    tracker = client.get("/")
    floor = client.get("/bench/floor/")

    shown = [claim.slug for claim in tracker.context["page_obj"]]
    assert [slug for slug, *_ in floor_rows()] == shown
    assert floor.status_code == 200
    for claim in tracker.context["page_obj"]:
        assert claim.get_absolute_url() in floor.text


def test_a_quick_page_is_timed_for_the_least_time_given(demo_site, client):
    # A cached page's 100 requests would last 30 ms, too short to outlast a spell of load.
    started = time.perf_counter()
    measure_page(client, Page("floor", FLOOR_PATH), warmups=0, requests=2, min_seconds=0.3)
    assert time.perf_counter() - started >= 0.3


def test_every_page_is_measured_and_has_its_row(demo_site):
    measurement = measure_site(warmups=1, requests=3, min_seconds=0, progress=lambda message: None)
    pages = report.pages_of(measurement)

    assert list(pages) == PAGE_NAMES
    assert measurement["published_claims"] > 0
    assert measurement["database"]["vendor"] in {"sqlite", "postgresql"}
    for page in pages.values():
        assert 0 < page["median_ms"] <= page["p95_ms"]
        assert page["bytes"] > 0
        assert 1 <= page["queries"] <= 20
    assert pages["floor"]["queries"] == 1
    assert "the last" in pages["tracker: page 200"]["note"]
    assert pages["tracker: htmx fragment"]["bytes"] < pages["tracker"]["bytes"]

    runs = {("sqlite", 1000): {"off": measurement, "on": measurement}}
    table, footnotes = report.results_table(runs)
    rows = table.splitlines()[2:]
    assert [row.split(" | ")[1] for row in rows] == PAGE_NAMES
    assert any("page 200, sqlite, 1 000 claims" in footnote for footnote in footnotes)


def test_targets_pass_when_pages_keep_their_speed():
    runs = {
        ("sqlite", 1000): {"off": synthetic_run(), "on": synthetic_run()},
        ("sqlite", 100_000): {"off": synthetic_run(20), "on": synthetic_run(12)},
    }
    texts = [str(target) for target in report.page_targets(runs)]

    assert texts == [
        "PASS  cached growth ≤ 1.5 (sqlite, 100 000 vs 1 000 claims): the highest, tracker, 1.20",
        "PASS  uncached growth < 3 (sqlite, 100 000 vs 1 000 claims): the highest, tracker, 2.00",
        "PASS  at most 8 queries a page (sqlite)",
        "PASS  the same number of queries at 1 000 and 100 000 claims (sqlite)",
        "PASS  uncached tracker within 4× the floor (sqlite, 1 000 claims): 3.33×",
        "MISS  uncached tracker within 4× the floor (sqlite, 100 000 claims): 6.67×",
    ]


def test_targets_name_the_pages_that_miss():
    runs = {
        ("sqlite", 1000): {"off": synthetic_run(), "on": synthetic_run()},
        ("sqlite", 100_000): {
            "off": synthetic_run(queries=9, **{"JSON API": 30.0}),
            "on": synthetic_run(**{"claim": 16.0, "tracker": 7.0}),
        },
    }
    texts = [str(target) for target in report.page_targets(runs)]

    assert texts[0] == "MISS  cached growth ≤ 1.5 (sqlite, 100 000 vs 1 000 claims): claim 1.60"
    assert texts[1] == "MISS  uncached growth < 3 (sqlite, 100 000 vs 1 000 claims): JSON API 3.00"
    assert texts[2].startswith("MISS  at most 8 queries a page (sqlite): tracker (uncached) 9,")
    assert "claim (uncached) 3 → 9" in texts[3]
    assert "(cached)" not in texts[3]


def test_the_document_keeps_the_hand_written_notes():
    runs = {("sqlite", 1000): {"off": synthetic_run(), "on": synthetic_run()}}
    previous = "Generated text\n<!-- notes -->\n## What we measured\nWhy.\n<!-- /notes -->\nmore\n"
    document = report.document(
        runs,
        None,
        machine={"CPU": "test"},
        when=datetime.datetime(2026, 1, 2, 3, 4),
        invocation="make bench",
        commands=["python -m bench.run"],
        requests=3,
        rounds=2,
        notes=report.keep_notes(previous),
    )

    assert "<!-- notes -->\n## What we measured\nWhy.\n<!-- /notes -->" in document.markdown
    assert "each the median of 2 rounds" in document.markdown
    assert "Generated text" not in document.markdown
    assert "SKIP  cached growth ≤ 1.5 (sqlite): one size only" in document.markdown
    assert document.summary.count("| sqlite |") == len(PAGE_NAMES)
    assert report.keep_notes("no markers") == "<!-- notes -->\n<!-- /notes -->"


def test_rounds_are_combined_page_by_page_by_their_median():
    rounds = [synthetic_run(claim=12.0), synthetic_run(claim=30.0), synthetic_run(claim=11.0)]

    combined = report.median_of_rounds(rounds)

    claim = report.pages_of(combined)["claim"]
    assert (claim["median_ms"], claim["p95_ms"]) == (12.0, 24.0)
    assert report.pages_of(combined)["tracker"]["median_ms"] == 10.0
    assert report.pages_of(rounds[1])["claim"]["median_ms"] == 30.0  # Left as it was.


def test_throughput_target_compares_with_the_static_file():
    def wrk_run(name, requests_per_second, non_2xx=0):
        return {
            "name": name,
            "requests_per_second": requests_per_second,
            "non_2xx": non_2xx,
            "socket_errors": 0,
        }

    def texts(*runs):
        return [str(target) for target in report.throughput_targets({"runs": list(runs)})]

    fast = texts(wrk_run("tracker (cached)", 500), wrk_run("static file", 1000))
    slow = texts(wrk_run("tracker (cached)", 300, non_2xx=4), wrk_run("static file", 1000))

    assert fast[0].startswith("PASS  cached tracker ≥ 40% of the static file's requests/s")
    assert fast[1] == "PASS  no errors under load"
    assert slow[0].endswith("300 vs 1000, 30%") and slow[0].startswith("MISS")
    assert slow[1].startswith("MISS  no errors under load: tracker (cached) 4 non-2xx")


def test_the_served_uncached_tracker_is_compared_with_the_floor():
    runs = [
        {"name": "floor", "requests_per_second": 1800.0},
        {"name": "tracker (uncached)", "requests_per_second": 600.0},
    ]
    assert "a page costs 3.00 times the floor's" in report.served_against_floor({"runs": runs})
    # Not measured: nothing said.
    assert report.served_against_floor({"runs": runs[:1]}) == ""


def test_wrk_output_is_read_in_milliseconds():
    result = parse_wrk(WRK_OUTPUT)

    assert result == {
        "requests_per_second": 1167.47,
        "requests": 2341,
        "p50_ms": 0.75,
        "p90_ms": 6.53,
        "p99_ms": 1200.0,
        "non_2xx": 7,
        "socket_errors": 5,
        "socket_error_kinds": "connect 0, read 3, write 0, timeout 2",
    }
    with pytest.raises(HarnessError):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")
