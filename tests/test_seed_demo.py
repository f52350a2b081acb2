"""The seed_demo command: a realistic, valid and reproducible archive for demos and benchmarks."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils.html import escape

from claims import demo, search
from claims.caching import current_revision
from claims.filters import FilterMenus
from claims.management.commands.seed_demo import ARCHIVE_MODELS, MAX_CLAIMS
from claims.models import Claim, CounterSource, PublishedTally, Status, StatusChange, Topic
from sources.models import Article, Outlet, Speaker
from tests import factories

pytestmark = pytest.mark.django_db

SIZE = 500


class TerminalStream(io.StringIO):
    def isatty(self):
        return True


def seed_demo(*args, stderr=None):
    """Run the command; returns what it wrote to stdout."""
    stdout = io.StringIO()
    call_command("seed_demo", *map(str, args), stdout=stdout, stderr=stderr or io.StringIO())
    return stdout.getvalue()


def archive_snapshot():
    """What a reader sees of the archive, in insertion order (ids aside)."""
    return {
        "claims": list(
            Claim.objects.order_by("pk").values_list(
                "statement",
                "quote",
                "slug",
                "status",
                "stated_on",
                "is_published",
                "first_published_at",
                "created_at",
                "updated_at",
                "verdict",
            )
        ),
        "articles": list(Article.objects.order_by("pk").values_list("title", "url", "text")),
        "speakers": list(Speaker.objects.order_by("pk").values_list("name", "aliases")),
        "counter_sources": list(
            CounterSource.objects.order_by("pk").values_list("title", "stance", "note")
        ),
        "status_changes": list(
            StatusChange.objects.order_by("pk").values_list("to_status", "changed_at", "note")
        ),
    }


@pytest.fixture
def archive():
    return seed_demo("--claims", SIZE, "--seed", 3)


def test_the_archive_has_the_promised_sizes_and_proportions(archive):
    claims = Claim.objects.all()

    assert claims.count() == SIZE
    assert Article.objects.count() == SIZE // 5
    assert Speaker.objects.count() == SIZE // 50
    assert Outlet.objects.count() == 50
    assert Topic.objects.count() == 30
    assert 0.85 <= claims.published().count() / SIZE <= 0.95
    assert 0.8 * 2 * SIZE <= CounterSource.objects.count() <= 1.2 * 2 * SIZE
    assert 0.8 * 2 * SIZE <= StatusChange.objects.count() <= 1.2 * 2 * SIZE
    statuses = Counter(claims.values_list("status", flat=True))
    for status, share in demo.STATUS_SHARES.items():
        assert abs(statuses[status] / SIZE - share) < 0.06, status
    assert f"Made {SIZE} claims" in archive


def test_claims_articles_and_evidence_are_spread_realistically(archive):
    topics_per_claim = Counter(Claim.topics.through.objects.values_list("claim_id", flat=True))
    assert len(topics_per_claim) == SIZE
    assert set(topics_per_claim.values()) == {1, 2, 3}
    assert not Article.objects.filter(claims=None).exists()
    # Evidence of both kinds, as the database's constraint allows them.
    internal = CounterSource.objects.filter(article__isnull=False)
    external = CounterSource.objects.filter(article__isnull=True)
    assert internal.count() > 100
    assert external.count() > 300
    assert not internal.exclude(title="", publisher="", url="").exists()
    assert not external.filter(title="").exists()
    assert all(url.startswith("https://") for url in external.values_list("url", flat=True))
    # Ten years of claims up to a fixed day, whatever day it is today.
    years = Counter(date.year for date in Claim.objects.values_list("stated_on", flat=True))
    assert min(years) in (2015, 2016) and max(years) == 2025
    assert len(years) >= 10
    assert Claim.objects.latest("stated_on").stated_on <= demo.LAST_DAY
    assert all(Speaker.objects.values_list("aliases", flat=True))
    assert len(set(Article.objects.values_list("url", flat=True))) == SIZE // 5


def test_every_quote_occurs_in_its_article(archive):
    for claim in Claim.objects.select_related("article"):
        assert claim.article.contains_quote(claim.quote), claim.slug


def test_the_rows_pass_the_models_own_validation(archive):
    for claim in Claim.objects.select_related("article", "speaker").order_by("pk")[:: SIZE // 25]:
        claim.full_clean()
        assert claim.search_text == search.search_text(
            claim.statement, claim.quote, claim.speaker.name, claim.speaker.aliases
        )
    for article in Article.objects.all()[:20]:
        article.full_clean()
    for counter_source in CounterSource.objects.all()[:50]:
        counter_source.full_clean()
    for model in (Speaker, Outlet, Topic):
        for row in model.objects.all()[:10]:
            row.full_clean()


def test_every_status_history_leads_to_the_claims_status(archive):
    changes_by_claim = {}
    for change in StatusChange.objects.order_by("changed_at", "pk"):
        changes_by_claim.setdefault(change.claim_id, []).append(change)

    for claim in Claim.objects.all():
        changes = changes_by_claim.get(claim.pk, [])
        status = Status.UNCHECKED
        moment = datetime.datetime.combine(claim.stated_on, datetime.time(), datetime.UTC)
        assert claim.created_at > moment
        moment = claim.created_at
        for change in changes:
            assert change.from_status == status
            assert change.to_status != change.from_status
            assert change.changed_at > moment
            assert change.note.strip()
            status, moment = change.to_status, change.changed_at
        assert status == claim.status, claim.slug
        assert claim.updated_at >= moment


def test_published_claims_have_a_first_publication_and_drafts_none(archive):
    published = Claim.objects.published()
    assert not published.filter(first_published_at__isnull=True).exists()
    assert not Claim.objects.drafts().filter(first_published_at__isnull=False).exists()
    for claim in published:
        assert claim.created_at < claim.first_published_at <= claim.updated_at
    # A verdict changed after publication shows in the corrections log.
    assert StatusChange.objects.public_corrections().exists()


def test_the_tallies_and_the_public_revision_are_brought_up_to_date():
    revision = current_revision().number

    seed_demo("--claims", SIZE)

    assert current_revision().number > revision
    published = Claim.objects.published()
    assert FilterMenus().status_counts() == published.status_counts()
    assert set(PublishedTally.objects.speakers().values_list("pk", flat=True)) == set(
        published.values_list("speaker", flat=True)
    )


def test_the_public_pages_show_the_demo_archive(archive, client):
    newest = Claim.objects.published().order_by("-stated_on", "-pk").first()
    claim = (
        Claim.objects.published()
        .filter(counter_sources__article__isnull=False, status_changes__isnull=False)
        .first()
    )

    tracker = client.get(reverse("claims:tracker"))
    page = client.get(claim.get_absolute_url())
    found = client.get(reverse("claims:tracker"), {"q": "cyber attacks"})

    assert tracker.status_code == 200
    assert escape(newest.statement) in tracker.text
    assert page.status_code == 200
    assert escape(claim.statement) in page.text
    assert escape(claim.counter_sources.filter(article__isnull=False)[0].article.title) in page.text
    assert found.status_code == 200
    assert Claim.objects.published().search("cyber attacks").exists()
    assert found.context["page_obj"].paginator.count == (
        Claim.objects.published().search("cyber attacks").count()
    )
    # Later changes to published claims are corrections, and only those.
    after_publication = StatusChange.objects.filter(
        claim__is_published=True, changed_at__gt=F("claim__first_published_at")
    )
    assert StatusChange.objects.public_corrections().count() == after_publication.count() > 0


def test_the_smallest_archive_is_complete():
    seed_demo("--claims", 1)

    claim = Claim.objects.select_related("article").get()
    assert (Article.objects.count(), Speaker.objects.count()) == (1, 1)
    assert claim.article.contains_quote(claim.quote)
    # With one article there is none other to cite: its evidence is outside documents.
    assert not CounterSource.objects.filter(article__isnull=False).exists()


def test_the_same_seed_gives_the_same_archive_and_another_seed_another():
    seed_demo("--claims", 300, "--seed", 5)
    first = archive_snapshot()

    seed_demo("--claims", 300, "--seed", 5, "--replace")
    again = archive_snapshot()
    seed_demo("--claims", 300, "--seed", 6, "--replace")
    other = archive_snapshot()

    assert again == first
    assert [row[0] for row in other["claims"]] != [row[0] for row in first["claims"]]
    assert [row[3] for row in other["claims"]] != [row[3] for row in first["claims"]]


def test_it_refuses_a_database_that_holds_claims(archive):
    before = archive_snapshot()

    with pytest.raises(CommandError, match=f"already holds {SIZE} claims.*--replace"):
        seed_demo("--claims", 10)

    assert archive_snapshot() == before


def test_it_refuses_a_database_with_articles_but_no_claims():
    factories.make_article(title="Imported by an editor")

    with pytest.raises(CommandError, match="already holds 1 article, 1 outlet"):
        seed_demo("--claims", 10)

    assert list(Article.objects.values_list("title", flat=True)) == ["Imported by an editor"]
    assert not Claim.objects.exists()


def test_replace_deletes_what_was_there_first():
    factories.make_claim(statement="An editor's own claim", topics=[factories.make_topic()])

    seed_demo("--claims", 100, "--replace")

    assert Claim.objects.count() == 100
    assert not Claim.objects.filter(statement="An editor's own claim").exists()
    assert Outlet.objects.count() == 50
    assert Topic.objects.count() == 30


def test_a_failure_while_loading_loses_nothing(monkeypatch):
    original = factories.make_claim(statement="An editor's own claim")
    inserted = demo.insert_rows

    def fail_on_history(model, rows):
        if model is StatusChange:
            raise RuntimeError("disk full")
        return inserted(model, rows)

    monkeypatch.setattr(demo, "insert_rows", fail_on_history)

    with pytest.raises(RuntimeError, match="disk full"):
        seed_demo("--claims", 100, "--replace")

    assert list(Claim.objects.all()) == [original]
    assert Outlet.objects.count() == 1
    # The creation and update times are automatic again for everyone else.
    assert Claim._meta.get_field("created_at").auto_now_add
    assert Claim._meta.get_field("updated_at").auto_now
    assert Article._meta.get_field("updated_at").auto_now


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "must be between 1 and 2,000,000, not 0"),
        ("-5", "must be between 1 and 2,000,000, not -5"),
        ("2000001", "must be between 1 and 2,000,000, not 2000001"),
        ("many", "'many' is not a whole number"),
    ],
)
def test_a_bad_number_of_claims_is_refused_clearly(value, message):
    with pytest.raises(CommandError, match=f"--claims: {message}"):
        seed_demo("--claims", value)

    assert not Outlet.objects.exists()


def test_the_number_of_claims_is_required():
    with pytest.raises(CommandError, match="the following arguments are required: --claims"):
        call_command("seed_demo")


def test_progress_goes_to_stderr_in_tenths_when_it_is_not_a_terminal(monkeypatch):
    monkeypatch.setattr(demo, "CHUNK_CLAIMS", 10)  # Some 60 chunks.
    stderr = io.StringIO()

    seed_demo("--claims", 600, stderr=stderr)

    lines = stderr.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[0].startswith("Claims [....................] ")
    assert lines[5].startswith("Claims [##########..........] ")
    assert lines[-1] == "Claims [####################] 600/600"
    assert "\r" not in stderr.getvalue()


def test_progress_is_redrawn_in_place_on_a_terminal(monkeypatch):
    monkeypatch.setattr(demo, "CHUNK_CLAIMS", 100)
    stderr = TerminalStream()

    seed_demo("--claims", 300, stderr=stderr)

    output = stderr.getvalue()
    assert output.count("\r") >= 3
    assert output.count("\n") == 1
    assert output.endswith("\rClaims [####################] 300/300\n")


def test_verbosity_zero_shows_no_progress():
    stderr = TerminalStream()

    seed_demo("--claims", 50, "--verbosity", 0, stderr=stderr)

    assert stderr.getvalue() == ""


def test_replace_empties_every_table_that_points_at_the_archive():
    # Otherwise PostgreSQL refuses to truncate, or SQLite leaves rows pointing nowhere.
    for model in ARCHIVE_MODELS:
        for relation in model._meta.related_objects:
            assert relation.related_model in ARCHIVE_MODELS, relation


def test_the_largest_archive_allowed_has_enough_different_speaker_names():
    archive = demo.DemoArchive(MAX_CLAIMS, seed=1)

    names = [speaker.name for speaker in archive.speakers]
    assert len(names) == MAX_CLAIMS // 50
    assert len(set(names)) == len(names)
    assert len({speaker.slug for speaker in archive.speakers}) == len(names)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's VACUUM")
@pytest.mark.django_db(transaction=True)
def test_postgresql_vacuums_the_new_archive_at_once():
    # Left to autovacuum, the vacuum would come later, in the middle of what runs next.
    seed_demo("--claims", 50, "--verbosity", 0)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL"
            " FROM pg_stat_user_tables WHERE relname = %s",
            [Claim._meta.db_table],
        )
        assert cursor.fetchone() == (True, True)
