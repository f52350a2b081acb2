"""Speed and memory goals, run by `make bench` (deselected from the normal suite).

Each benchmark builds a realistic newsroom (hundreds of published claims with topics,
counter-sources and history) and measures one public request.
"""

import tracemalloc

import pytest
from django.urls import reverse

from claims.models import Status
from tests import factories

pytestmark = [pytest.mark.benchmark(group="public pages"), pytest.mark.django_db]

NEWSROOM_SIZE = 400
STATUSES = list(Status)


@pytest.fixture
def newsroom():
    speakers = [factories.make_speaker() for _ in range(10)]
    articles = [factories.make_article() for _ in range(20)]
    topics = [factories.make_topic() for _ in range(6)]
    claims = []
    for number in range(NEWSROOM_SIZE):
        claim = factories.make_claim(
            speaker=speakers[number % len(speakers)],
            article=articles[number % len(articles)],
            topics=[topics[number % len(topics)]],
            status=STATUSES[number % len(STATUSES)],
        )
        factories.make_counter_source(claim)
        claims.append(claim)
    return claims


def test_tracker_first_page(benchmark, client, newsroom):
    response = benchmark(client.get, reverse("claims:tracker"))
    assert response.status_code == 200


def test_tracker_filtered_htmx_partial(benchmark, client, newsroom):
    query = {"status": ["false", "true"], "q": "cyberattacks", "ordering": "updated"}
    response = benchmark(
        client.get, reverse("claims:tracker"), query, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200


def test_claim_page(benchmark, client, newsroom):
    response = benchmark(client.get, newsroom[0].get_absolute_url())
    assert response.status_code == 200


def test_rss_feed(benchmark, client, newsroom):
    response = benchmark(client.get, reverse("feeds:claims"))
    assert response.status_code == 200


def test_api_list(benchmark, client, newsroom):
    response = benchmark(client.get, reverse("api:claims"), {"page_size": 100})
    assert response.status_code == 200


def test_csv_of_every_claim_stays_small_in_memory(benchmark, client, newsroom):
    """The whole CSV of a large search must not need memory in proportion to a full page render."""

    def download():
        tracemalloc.start()
        response = client.get(reverse("api:claims-csv"))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return body, peak

    body, peak = benchmark.pedantic(download, rounds=3)
    benchmark.extra_info["peak_bytes"] = peak
    assert body.count(b"\n") > NEWSROOM_SIZE
    assert peak < 40 * 1024 * 1024
