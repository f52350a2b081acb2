"""The measurement core: each public page timed through the whole middleware stack.

Django's test client sends the requests in-process, so the numbers are Django's
own work (middleware, views, queries, templates) without a server or a network.
bench.run measures each database, size and cache setting in a process of its own
(`python -m bench.run measure RESULT.json`), the environment saying which.
"""

import math
import statistics
import time
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import django
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import FLOOR_PATH, MIN_TIMED_SECONDS, HarnessError
from bench.floor import floor_rows
from claims.models import Claim, PublishedTally, Status, StatusChange, TallyKind
from sources.models import Article, Speaker

WARMUP_REQUESTS = 5
TIMED_REQUESTS = 100
# The page asked for by number: deep in the list at 100 000 claims, past its end
# at 1 000 (the tracker then shows the last page with a message).
DEEP_PAGE = 200
# Words and dates that the demo archive (claims.demo) holds at every size: one of
# its topics, and six of the ten years its claims are stated in.
SEARCH = "cyber attacks"
DATE_RANGE = ("2019-01-01", "2024-12-31")


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    headers: dict = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Measurement:
    name: str
    path: str
    note: str
    bytes: int
    queries: int
    median_ms: float
    p95_ms: float


def busiest_speaker(claims):
    """The speaker with the most published claims (the lowest id among equals)."""
    speaker_id = (
        claims.order_by()
        .values("speaker")
        .annotate(claim_count=Count("pk"))
        .order_by("-claim_count", "speaker")
        .values_list("speaker", flat=True)
        .first()
    )
    return Speaker.objects.get(pk=speaker_id)


def last_full_page(item_count):
    """The deepest page that shows as many rows as the first: pages compare at both sizes."""
    return max(1, item_count // settings.CLAIMTRACK_PAGE_SIZE)


def pages_to_measure():
    """The pages to time, with the speaker, claim and article picked from the data."""
    claims = Claim.objects.published()
    count = claims.count()
    if not count:
        raise HarnessError("No published claims: seed the database first (manage.py seed_demo).")
    speaker = busiest_speaker(claims)
    topics = list(PublishedTally.objects.topics())
    topic_counts = PublishedTally.objects.counts_of(TallyKind.TOPIC, [topic.pk for topic in topics])
    busiest_topic = min(topics, key=lambda topic: (-topic_counts[topic.pk], topic.pk))
    median_claim = claims.select_related("article").order_by("pk")[count // 2]
    date_from, date_to = DATE_RANGE
    narrowed = claims.filter(status=Status.FALSE, speaker=speaker, stated_on__range=DATE_RANGE)
    # A search or a filter that finds nothing would measure an empty page.
    if not claims.search(SEARCH).exists() or not narrowed.exists():
        raise HarnessError(
            f"No published claim matches {SEARCH!r}, or is false, by {speaker} and stated "
            f"between {date_from} and {date_to}: is this the demo archive (seed_demo)?"
        )
    narrowed_query = urlencode(
        {
            "status": Status.FALSE.value,
            "speaker": speaker.pk,
            "date_from": date_from,
            "date_to": date_to,
        }
    )
    page_count = math.ceil(count / settings.CLAIMTRACK_PAGE_SIZE)
    deep_article_page = last_full_page(Article.objects.count())
    deep_corrections_page = last_full_page(StatusChange.objects.public_corrections().count())
    deep_page_note = (
        ""
        if page_count >= DEEP_PAGE
        else f"{page_count} pages only: the tracker shows the last with a message"
    )
    return [
        Page("floor", FLOOR_PATH),
        Page("tracker", "/"),
        Page("tracker: one status", "/?status=false"),
        Page("tracker: status, speaker, dates", f"/?{narrowed_query}"),
        Page("tracker: two-word search", f"/?{urlencode({'q': SEARCH})}"),
        Page(f"tracker: page {DEEP_PAGE}", f"/?page={DEEP_PAGE}", note=deep_page_note),
        Page("tracker: htmx fragment", "/", headers={"HX-Request": "true"}),
        Page("claim", median_claim.get_absolute_url()),
        Page("speaker", speaker.get_absolute_url()),
        Page("article", median_claim.article.get_absolute_url()),
        Page("topic", busiest_topic.get_absolute_url()),
        Page("speakers", reverse("claims:speakers")),
        Page("topics", reverse("claims:topics")),
        Page("articles", reverse("claims:articles")),
        Page("corrections", reverse("claims:corrections")),
        # The deepest pages of the longest indexes, whatever their number at each size.
        Page("articles: deep page", f"{reverse('claims:articles')}?page={deep_article_page}"),
        Page(
            "corrections: deep page",
            f"{reverse('claims:corrections')}?page={deep_corrections_page}",
        ),
        Page("RSS feed", "/feeds/claims/"),
        Page("RSS feed: one status", "/feeds/claims/?status=false"),
        Page("RSS feed: changed verdicts", reverse("feeds:updates")),
        Page("JSON API", "/api/claims/"),
        Page("sitemap index", reverse("sitemap")),
    ]


def _get(client, page):
    # Every request comes from a first-time visitor, as wrk's do: no cookie from before.
    client.cookies = SimpleCookie()
    response = client.get(page.path, headers=page.headers)
    if response.status_code != 200:
        raise HarnessError(f"{page.path} answered {response.status_code}, not 200.")
    return response


def measure_page(
    client,
    page,
    *,
    warmups=WARMUP_REQUESTS,
    requests=TIMED_REQUESTS,
    min_seconds=MIN_TIMED_SECONDS,
):
    """Time `requests` requests for `page`, or more to fill `min_seconds`, after `warmups`.

    The warm-up requests also fill the cache.
    """
    for _ in range(warmups):
        _get(client, page)
    with CaptureQueriesContext(connection) as queries:
        response = _get(client, page)
    # Counted now: every request starts by emptying the connection's log of queries.
    query_count = len(queries)
    timings = []
    deadline = time.perf_counter() + min_seconds
    while len(timings) < requests or time.perf_counter() < deadline:
        started = time.perf_counter()
        _get(client, page)
        timings.append((time.perf_counter() - started) * 1000)
    return Measurement(
        name=page.name,
        path=page.path,
        note=page.note,
        bytes=len(response.content),
        queries=query_count,
        median_ms=statistics.median(timings),
        p95_ms=statistics.quantiles(timings, n=20, method="inclusive")[18],
    )


def database_description():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        (version,) = cursor.fetchone()
    return {"vendor": connection.vendor, "version": version.split()[0]}


def check_floor_matches_tracker(client):
    """The floor must show what the tracker shows, or comparing them would mean nothing."""
    tracker = _get(client, Page("tracker", "/")).content.decode()
    for slug, *_ in floor_rows():
        if reverse("claims:claim", args=[slug]) not in tracker:
            raise HarnessError(f"The tracker's first page does not list the claim {slug}.")


def measure_site(
    *,
    warmups=WARMUP_REQUESTS,
    requests=TIMED_REQUESTS,
    min_seconds=MIN_TIMED_SECONDS,
    progress=print,
):
    """Every page measured, with what it was measured on: a dict ready for JSON."""
    client = Client()
    check_floor_matches_tracker(client)
    measurements = []
    for page in pages_to_measure():
        progress(f"{page.name}: {page.path}")
        measurements.append(
            measure_page(client, page, warmups=warmups, requests=requests, min_seconds=min_seconds)
        )
    return {
        "cache_seconds": settings.CLAIMTRACK_CACHE_SECONDS,
        "cache_backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "claims": Claim.objects.count(),
        "published_claims": Claim.objects.published().count(),
        "django": django.get_version(),
        "database": database_description(),
        "pages": [asdict(measurement) for measurement in measurements],
    }
