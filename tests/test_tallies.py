"""Published tallies: the counts by status, speaker, outlet and topic follow every edit."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from claims.models import TALLIED_BY, Claim, PublishedTally, Status, TallyKind
from tests import factories

pytestmark = pytest.mark.django_db


def stored_tallies():
    return {(tally.kind, tally.key): tally.count for tally in PublishedTally.objects.all()}


def counted_afresh():
    counts = {}
    for kind, lookups in TALLIED_BY.items():
        for *values, count in (
            Claim.objects.published().order_by().values_list(*lookups).annotate(n=Count("pk"))
        ):
            if None not in values:
                counts[(kind.value, ":".join(map(str, values)))] = count
    return counts


@pytest.fixture
def world():
    topics = [factories.make_topic() for _ in range(3)]
    claims = [factories.make_claim(topics=topics[:2]) for _ in range(3)]
    claims.append(factories.make_claim(published=False, topics=topics[1:]))
    return claims, topics


EDITS = {
    "publish a draft": lambda claims, topics: claims[3].publish(),
    "unpublish": lambda claims, topics: claims[0].unpublish(),
    "change status": lambda claims, topics: claims[1].change_status(Status.TRUE, note="New."),
    "change speaker": lambda claims, topics: (
        setattr(claims[1], "speaker", factories.make_speaker()),
        claims[1].save(),
    ),
    "move the article to another outlet": lambda claims, topics: (
        setattr(claims[2].article, "outlet", factories.make_outlet()),
        claims[2].article.save(),
    ),
    "add a topic": lambda claims, topics: claims[0].topics.add(topics[2]),
    "remove a topic": lambda claims, topics: claims[0].topics.remove(topics[0]),
    "clear topics": lambda claims, topics: claims[1].topics.clear(),
    "add claims to a topic": lambda claims, topics: topics[2].claims.add(claims[1], claims[2]),
    "clear a topic's claims": lambda claims, topics: topics[1].claims.clear(),
    "delete a claim": lambda claims, topics: claims[2].delete(),
    "delete a topic": lambda claims, topics: topics[0].delete(),
}


@pytest.mark.parametrize("edit", EDITS)
def test_tallies_follow_each_kind_of_edit(world, edit):
    claims, topics = world
    assert stored_tallies() == counted_afresh()

    EDITS[edit](claims, topics)

    assert stored_tallies() == counted_afresh()


def test_tallies_follow_a_long_sequence_of_edits(world):
    claims, topics = world
    for edit in EDITS.values():
        edit(claims, topics)
        assert stored_tallies() == counted_afresh()


def test_rebuild_counts_claims_loaded_without_signals(world):
    article, speaker = world[0][0].article, world[0][0].speaker
    Claim.objects.bulk_create(
        Claim(
            statement=f"Bulk {n}",
            slug=f"bulk-{n}",
            quote=factories.ARTICLE_QUOTE,
            speaker=speaker,
            article=article,
            stated_on="2021-01-01",
            is_published=True,
            first_published_at="2021-01-02T00:00:00Z",
        )
        for n in range(5)
    )
    assert stored_tallies() != counted_afresh()

    PublishedTally.objects.rebuild()

    assert stored_tallies() == counted_afresh()


def test_a_verdict_edit_recounts_nothing(world, django_assert_max_num_queries):
    claim = world[0][0]
    claim.verdict = "A clearer explanation."
    # Reading the claim's keys before and after, the save, and the revision.
    with django_assert_max_num_queries(6):
        claim.save()


def test_the_tracker_counts_from_the_tallies_match_counting(client, world):
    claims, topics = world
    claims[1].change_status(Status.TRUE, note="New evidence.")
    claims[3].publish()
    for query in [
        {},
        {"status": ["false", "true"]},
        {"ordering": "oldest"},
        {"topic": topics[1].pk},
        {"topic": topics[0].pk, "status": ["true"]},
    ]:
        with CaptureQueriesContext(connection) as queries:
            from_tallies = client.get("/", query).context["status_counts"]
        assert not any("GROUP BY" in query["sql"] for query in queries.captured_queries)
        query["q"] = "cyberattacks"  # any other filter counts the claims themselves
        counted = client.get("/", query).context["status_counts"]
        assert from_tallies == counted
        assert sum(count for _, count in counted) > 0


def test_a_topics_page_counts_from_the_tallies(client, world):
    claims, topics = world
    claims[0].change_status(Status.TRUE, note="New evidence.")
    response = client.get(topics[0].get_absolute_url())

    assert response.context["status_counts"] == (
        Claim.objects.published().for_topic(topics[0]).status_counts()
    )
    assert dict(response.context["status_counts"])[Status.TRUE] == 1


def test_the_menus_are_read_from_the_tallies_in_one_query(world, django_assert_num_queries):
    claims, topics = world
    busiest = claims[0].speaker
    for _ in range(2):
        factories.make_claim(speaker=busiest)
    with django_assert_num_queries(1):
        menus = PublishedTally.objects.for_menus(speakers_limit=2)
    assert {key: count for key, _, count in menus[TallyKind.STATUS]} == {"false": 5}
    # The most claimed speakers first, as many as asked for.
    speakers = menus[TallyKind.SPEAKER]
    assert len(speakers) == 2
    assert speakers[0] == (str(busiest.pk), busiest.name, 3)
    published = Claim.objects.published()
    assert {int(key) for key, _, _ in menus[TallyKind.OUTLET]} == set(
        published.values_list("article__outlet", flat=True)
    )
    # A topic of drafts only is no menu's.
    assert {(int(key), name) for key, name, _ in menus[TallyKind.TOPIC]} == {
        (topic.pk, topic.name) for topic in topics[:2]
    }
