"""The models: what the database guarantees, and the behaviour the rest of the site builds on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from claims.models import (
    BEST_RATING,
    WORST_RATING,
    Claim,
    PublishedTally,
    Stance,
    Status,
    StatusChange,
)
from claims.paging import rows_between
from sources.models import Article, Speaker
from tests import factories

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(operation):
    with pytest.raises(IntegrityError), transaction.atomic():
        operation()


class TestConstraints:
    def test_invalid_status_is_rejected(self, claim):
        assert_rejected_by_database(
            lambda: Claim.objects.filter(pk=claim.pk).update(status="probably")
        )

    def test_empty_quote_is_rejected(self, claim):
        assert_rejected_by_database(lambda: Claim.objects.filter(pk=claim.pk).update(quote=""))

    def test_empty_statement_is_rejected(self, claim):
        assert_rejected_by_database(lambda: Claim.objects.filter(pk=claim.pk).update(statement=""))

    def test_published_claim_needs_first_publication_time(self, draft_claim):
        assert_rejected_by_database(
            lambda: Claim.objects.filter(pk=draft_claim.pk).update(is_published=True)
        )

    def test_counter_source_cannot_be_both_article_and_external(self, claim):
        article = factories.make_article()
        assert_rejected_by_database(
            lambda: factories.make_counter_source(claim, article=article, title="A report")
        )

    def test_counter_source_must_be_article_or_external(self, claim):
        assert_rejected_by_database(
            lambda: factories.make_counter_source(claim, title="", publisher="")
        )

    def test_counter_source_of_either_kind_is_accepted(self, claim):
        factories.make_counter_source(claim, article=factories.make_article())
        factories.make_counter_source(claim, title="Joint advisory", stance=Stance.CONTEXT)
        assert claim.counter_sources.count() == 2

    def test_article_url_is_unique_when_given(self):
        factories.make_article(url="https://tass.com/politics/1058104")
        assert_rejected_by_database(
            lambda: factories.make_article(url="https://tass.com/politics/1058104")
        )

    def test_many_articles_may_have_no_url(self):
        for _ in range(3):
            factories.make_article(url="")
        assert Article.objects.filter(url="").count() == 3

    def test_status_change_needs_a_note(self, claim):
        assert_rejected_by_database(
            lambda: StatusChange.objects.create(
                claim=claim, from_status=Status.FALSE, to_status=Status.TRUE, note=""
            )
        )


class TestStatusChanges:
    def test_change_status_records_history(self, claim, editor):
        change = claim.change_status(Status.MISLEADING, note="New evidence", by=editor)

        claim.refresh_from_db()
        assert claim.status == Status.MISLEADING
        stored = StatusChange.objects.get(claim=claim)
        assert stored == change
        assert (stored.from_status, stored.to_status) == (Status.FALSE, Status.MISLEADING)
        assert stored.changed_by == editor
        assert stored.note == "New evidence"
        assert stored.changed_at is not None

    def test_change_status_requires_a_note(self, claim, editor):
        with pytest.raises(ValidationError):
            claim.change_status(Status.TRUE, note="   ", by=editor)

        claim.refresh_from_db()
        assert claim.status == Status.FALSE
        assert not claim.status_changes.exists()

    def test_change_to_the_same_status_records_nothing(self, claim):
        assert claim.change_status(Status.FALSE, note="Checked again") is None
        assert not claim.status_changes.exists()


class TestPublication:
    def test_publish_sets_first_publication_once(self, draft_claim):
        draft_claim.publish()
        first_published_at = draft_claim.first_published_at
        assert first_published_at is not None

        draft_claim.unpublish()
        draft_claim.publish()

        draft_claim.refresh_from_db()
        assert draft_claim.is_published
        assert draft_claim.first_published_at == first_published_at

    def test_unpublish_keeps_first_publication(self, claim):
        first_published_at = claim.first_published_at
        claim.unpublish()

        claim.refresh_from_db()
        assert not claim.is_published
        assert claim.first_published_at == first_published_at


class TestSlugs:
    def test_claims_with_the_same_statement_get_different_slugs(self):
        first = factories.make_claim(statement="Attacks come from the US")
        second = factories.make_claim(statement="Attacks come from the US")
        assert first.slug == "attacks-come-from-the-us"
        assert second.slug != first.slug

    def test_speakers_articles_and_topics_get_unique_slugs(self):
        speakers = [factories.make_speaker(name="Sergey Lavrov") for _ in range(2)]
        articles = [factories.make_article(title="Lavrov on cyberattacks") for _ in range(2)]
        topics = [factories.make_topic(name=name) for name in ["Cybersecurity", "Cyber security"]]
        for rows in (speakers, articles, topics):
            slugs = [row.slug for row in rows]
            assert all(slugs)
            assert len(set(slugs)) == len(slugs)

    @pytest.mark.parametrize(
        "name, slug",
        [
            ("Сергей Лавров", "sergey-lavrov"),
            ("Мария Захарова", "mariya-zakharova"),
            ("Дмитрий Щёголев", "dmitriy-shchyogolev"),
            ("Ілля Їжак", "illya-yizhak"),
            ("Лавров, Sergey", "lavrov-sergey"),
        ],
    )
    def test_a_name_in_cyrillic_gets_its_slug_in_latin_letters(self, name, slug):
        assert factories.make_speaker(name=name).slug == slug

    def test_a_name_no_latin_letters_can_write_gets_a_numbered_slug(self):
        speakers = [factories.make_speaker(name=name) for name in ["王毅", "习近平"]]
        assert [speaker.slug for speaker in speakers] == ["item", "item-2"]

    def test_slug_survives_a_change_of_statement(self, claim):
        slug = claim.slug
        claim.statement = "A corrected statement"
        claim.save()
        assert claim.slug == slug


class TestStatusScale:
    def test_every_status_has_a_definition(self):
        for status in Status:
            assert status.definition.strip()

    def test_only_ordinal_verdicts_have_ratings(self):
        ordinal = [
            Status.TRUE,
            Status.MOSTLY_TRUE,
            Status.HALF_TRUE,
            Status.MOSTLY_FALSE,
            Status.FALSE,
        ]
        assert [status.rating for status in ordinal] == [5, 4, 3, 2, 1]
        assert (BEST_RATING, WORST_RATING) == (5, 1)
        for status in set(Status) - set(ordinal):
            assert status.rating is None

    def test_unchecked_and_checking_are_not_rated(self):
        assert not Status.UNCHECKED.is_rated
        assert not Status.CHECKING.is_rated
        assert Status.MISLEADING.is_rated
        assert Status.FALSE.is_rated


class TestClaimQuerySet:
    def test_published_leaves_out_drafts(self, claim, draft_claim):
        assert list(Claim.objects.published()) == [claim]
        assert list(Claim.objects.drafts()) == [draft_claim]

    def test_search_finds_a_speaker_by_alias(self):
        lavrov = factories.make_speaker(name="Sergey Lavrov", aliases="Sergei Lavrov\nS. Lavrov")
        wanted = factories.make_claim(speaker=lavrov)
        factories.make_claim(speaker=factories.make_speaker(name="Mike Pompeo"))

        assert list(Claim.objects.search("Sergei")) == [wanted]
        assert list(Claim.objects.search("sergei lavrov")) == [wanted]
        assert list(Claim.objects.search("Sergei Pompeo")) == []

    def test_search_matches_every_word_in_statement_or_quote(self):
        wanted = factories.make_claim(statement="Most attacks come from the US")
        other = factories.make_claim(statement="Talks will continue")

        # "attacks" is in both quotes, "most" and "talks" each in one statement.
        assert list(Claim.objects.search("most attacks")) == [wanted]
        assert list(Claim.objects.search("ATTACKS talks")) == [other]
        assert set(Claim.objects.search("Internet resources")) == set(Claim.objects.all())

    def test_status_counts_covers_the_whole_scale(self):
        factories.make_claim(status=Status.FALSE)
        factories.make_claim(status=Status.FALSE)
        factories.make_claim(status=Status.TRUE)

        counts = Claim.objects.status_counts()

        assert [status for status, _ in counts] == list(Status)
        assert dict(counts) == {
            **dict.fromkeys(Status, 0),
            Status.FALSE: 2,
            Status.TRUE: 1,
        }

    def test_related_to_finds_same_speaker_or_shared_topic(self):
        speaker = factories.make_speaker()
        cyber, talks = factories.make_topic(), factories.make_topic()
        claim = factories.make_claim(speaker=speaker, topics=[cyber, talks])
        same_speaker = factories.make_claim(speaker=speaker)
        both_topics = factories.make_claim(topics=[cyber, talks])
        unrelated = factories.make_claim(topics=[factories.make_topic()])

        related = Claim.objects.related_to(claim, 5)

        assert sorted(related) == [same_speaker.pk, both_topics.pk]
        assert claim.pk not in related
        assert unrelated.pk not in related

    @pytest.mark.parametrize("topic_claims", [2, 12], ids=["few on the topic", "many"])
    def test_related_to_gives_the_newest_of_both_kinds_each_once(self, topic_claims):
        speaker, topic = factories.make_speaker(), factories.make_topic()
        claim = factories.make_claim(speaker=speaker, topics=[topic])
        start = datetime.date(2020, 1, 1)
        by_speaker = [
            factories.make_claim(speaker=speaker, stated_on=start + datetime.timedelta(days=day))
            for day in range(0, 30, 3)
        ]
        on_topic = [
            factories.make_claim(topics=[topic], stated_on=start + datetime.timedelta(days=day))
            for day in range(29, 29 - 3 * topic_claims, -3)
        ]
        both = factories.make_claim(
            speaker=speaker, topics=[topic], stated_on=start + datetime.timedelta(days=40)
        )
        factories.make_claim(stated_on=start + datetime.timedelta(days=50))
        factories.make_claim(speaker=speaker, topics=[topic], stated_on=start, published=False)
        published = Claim.objects.published()
        expected = list(
            published.filter(Q(speaker=speaker) | Q(topics=topic))
            .exclude(pk=claim.pk)
            .distinct()
            .order_by("-stated_on", "-pk")
            .values_list("pk", flat=True)[:6]
        )

        assert published.related_to(claim, 6) == expected
        assert expected[0] == both.pk
        assert set(expected) & {c.pk for c in on_topic}
        assert set(expected) & {c.pk for c in by_speaker}

    def test_for_speaker_article_topic_and_status(self):
        topic = factories.make_topic()
        claim = factories.make_claim(topics=[topic], status=Status.MISLEADING)
        factories.make_claim()

        assert list(Claim.objects.for_speaker(claim.speaker)) == [claim]
        assert list(Claim.objects.for_article(claim.article)) == [claim]
        assert list(Claim.objects.for_topic(topic)) == [claim]
        assert list(Claim.objects.with_status(Status.MISLEADING)) == [claim]

    def test_a_topic_finds_its_claims_whether_many_or_few_are_on_it(self, settings):
        settings.CLAIMTRACK_PAGE_SIZE = 2
        common, rare, unused = (factories.make_topic() for _ in range(3))
        for number in range(6):
            factories.make_claim(topics=[common, rare] if number == 0 else [common])
        factories.make_claim(topics=[common], published=False)
        factories.make_claim()
        published = Claim.objects.published().order_by("-stated_on", "-pk")

        # 6 of 7 published claims: more than a page's worth (2) out of every 7 read.
        assert PublishedTally.objects.is_widespread([common.pk], wanted=2)
        assert not PublishedTally.objects.is_widespread([rare.pk], wanted=2)
        for topic in (common, rare, unused):
            assert list(published.for_topic(topic)) == list(published.filter(topics=topic))
        assert published.for_topic(common).count() == 6

    def test_rated_leaves_out_claims_without_verdict(self):
        rated = factories.make_claim(status=Status.HALF_TRUE)
        factories.make_claim(status=Status.UNCHECKED)
        factories.make_claim(status=Status.CHECKING)
        assert list(Claim.objects.rated()) == [rated]

    @pytest.mark.parametrize(
        "ordering", [("-stated_on", "-pk"), ("stated_on", "pk"), ("-updated_at", "-pk")]
    )
    def test_rows_between_are_the_rows_an_offset_would_give(self, ordering):
        for day in range(1, 10):
            # Two claims a day: the id breaks the ties.
            for _ in range(2):
                factories.make_claim(stated_on=datetime.date(2021, 5, day))
        factories.make_claim(is_published=False)
        claims = Claim.objects.published().order_by(*ordering)

        for start in (0, 1, 5, 16, 17, 40):
            assert list(rows_between(claims, start, start + 5)) == list(claims[start : start + 5])

    def test_rows_between_deep_in_a_search_keep_its_order(self):
        for day in range(1, 8):
            factories.make_claim(statement=f"Attacks {day}", stated_on=datetime.date(2021, 5, day))
        factories.make_claim(statement="Talks")
        claims = Claim.objects.published().search("attacks").by_relevance()

        assert [claim.statement for claim in rows_between(claims, 2, 5)] == [
            claim.statement for claim in claims[2:5]
        ]
        assert len(rows_between(claims, 2, 5)) == 3


class TestSpeakers:
    def test_matching_finds_a_speaker_by_any_spelling(self):
        lavrov = factories.make_speaker(name="Sergey Lavrov", aliases="Sergei Lavrov")
        factories.make_speaker(name="Sergey Ryabkov")

        assert list(Speaker.objects.matching("sergei  lavrov")) == [lavrov]
        assert list(Speaker.objects.matching("Sergey Lavrov")) == [lavrov]
        assert list(Speaker.objects.matching("Lavrov")) == []


class TestCorrections:
    def test_only_changes_after_first_publication_are_corrections(self, draft_claim, editor):
        draft_claim.change_status(Status.CHECKING, note="Started checking", by=editor)
        draft_claim.publish()
        correction = draft_claim.change_status(Status.MISLEADING, note="New evidence", by=editor)
        factories.make_claim(published=False).change_status(Status.TRUE, note="Draft only")

        assert list(StatusChange.objects.public_corrections()) == [correction]

    def test_withdrawing_a_claim_takes_its_corrections_out_of_the_log(self, claim, editor):
        correction = claim.change_status(Status.MISLEADING, note="New evidence", by=editor)

        claim.unpublish()
        assert not StatusChange.objects.public_corrections().exists()

        claim.publish()
        assert list(StatusChange.objects.public_corrections()) == [correction]

    def test_a_change_dated_before_publication_is_no_correction(self, claim, editor):
        change = claim.change_status(Status.MISLEADING, note="New evidence", by=editor)
        assert change.is_public_correction

        change.changed_at = claim.first_published_at - datetime.timedelta(hours=1)
        change.save()

        assert not StatusChange.objects.public_corrections().exists()
