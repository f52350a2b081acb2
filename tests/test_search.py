"""Claim.objects.search: full-text search with one behaviour on PostgreSQL and SQLite."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from claims import search
from claims.models import Claim
from claims.paging import rows_between
from tests import factories

pytestmark = pytest.mark.django_db

ARTICLE_TEXT = (
    "MOSCOW, May 1.\n\n"
    "“The majority of cyber attacks on Russian Internet resources come from the US,” he said.\n\n"
    "“Sanctions against our banks have failed,” he went on.\n\n"
    "“Лавров сказал: переговоры продолжатся,” the agency added.\n\n"
    "“We never interfered in the election,” she said."
)


@pytest.fixture
def claims():
    article = factories.make_article(text=ARTICLE_TEXT)
    lavrov = factories.make_speaker(name="Sergey Lavrov", aliases="Sergei Lavrov\nЛавров")
    zakharova = factories.make_speaker(name="Maria Zakharova")
    make = factories.make_claim
    return {
        "attacks": make(
            statement="Most cyber attacks on Russia come from the US",
            quote="The majority of cyber attacks on Russian Internet resources come from the US",
            speaker=lavrov,
            article=article,
            stated_on=datetime.date(2019, 5, 14),
        ),
        "sanctions": make(
            statement="Sanctions against Russian banks & <their allies> have failed",
            quote="Sanctions against our banks have failed",
            speaker=lavrov,
            article=article,
            stated_on=datetime.date(2020, 1, 1),
        ),
        "talks": make(
            statement="Talks will continue",
            quote="Лавров сказал: переговоры продолжатся",
            speaker=zakharova,
            article=article,
            stated_on=datetime.date(2021, 1, 1),
        ),
        "election": make(
            statement="Russia never interfered in the US election",
            quote="We never interfered in the election",
            speaker=zakharova,
            article=article,
            stated_on=datetime.date(2022, 1, 1),
        ),
    }


def found(text):
    return {claim.statement for claim in Claim.objects.search(text)}


def statements(claims, *names):
    return {claims[name].statement for name in names}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("attacks", ["attacks"]),
        ("ATTACKS", ["attacks"]),
        ("cyber attacks", ["attacks"]),
        ("US", ["attacks", "election"]),  # a stop word in English, a word here
        ("banks failed", ["sanctions"]),  # words from the quote, not the statement
        ("attacks election", []),  # every plain word must occur
        ("Sergei", ["attacks", "sanctions"]),  # a speaker's alias
        ("lavrov", ["attacks", "sanctions"]),
        ("переговоры", ["talks"]),
        ("Лавров", ["attacks", "sanctions", "talks"]),  # an alias, and words in a quote
        ("attack", []),  # whole words: no stemming, no prefixes
        ("allies", ["sanctions"]),  # inside <...>, which PostgreSQL would read as a tag
    ],
)
def test_plain_words_find_the_same_claims_on_every_database(claims, query, expected):
    assert found(query) == statements(claims, *expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"cyber attacks"', ["attacks"]),
        ('"attacks cyber"', []),
        ("US -election", ["attacks"]),
        ("-lavrov", ["talks", "election"]),
        ("sanctions or election", ["sanctions", "election"]),
    ],
)
def test_phrases_exclusions_and_alternatives(claims, query, expected):
    assert found(query) == statements(claims, *expected)


@pytest.mark.parametrize("query", ["!!!", "  ", '"', "-", "()", "*"])
def test_text_without_words_leaves_the_claims_unfiltered(claims, query):
    assert found(query) == statements(claims, *claims)


@pytest.mark.parametrize(
    "query",
    ["NEAR(attacks US)", "attacks AND", "attacks:*", "^attacks", "a\x00b", '"unclosed', "{col}:x"],
)
def test_search_syntax_of_the_engines_is_read_as_words(claims, query):
    list(Claim.objects.search(query))  # no database error


def test_search_follows_edits_to_the_claim_and_to_the_speakers_names(claims):
    claim = claims["talks"]
    claim.statement = "Negotiations will resume"
    claim.save()
    assert found("negotiations") == {"Negotiations will resume"}
    assert found("talks") == set()

    zakharova = claim.speaker
    zakharova.aliases = "Мария Захарова"
    zakharova.save()
    assert found("Захарова") == {"Negotiations will resume", claims["election"].statement}


def test_deleted_claims_leave_the_search(claims):
    claims["attacks"].delete()
    assert found("attacks") == set()


def test_relevance_order_puts_the_best_match_first(claims, client):
    response = client.get("/", {"q": "US", "ordering": "relevance"})
    assert response.status_code == 200
    listed = [claim.statement for claim in response.context["page_obj"].object_list]
    if connection.vendor == "postgresql":
        # Ranked: "US" twice (statement and quote) beats once.
        assert listed == [claims["attacks"].statement, claims["election"].statement]
    else:
        # SQLite does not rank: newest stated first.
        assert listed == [claims["election"].statement, claims["attacks"].statement]


def test_tracker_search_uses_the_same_search(claims, client):
    response = client.get("/", {"q": "banks failed"})
    assert [claim.statement for claim in response.context["page_obj"].object_list] == [
        claims["sanctions"].statement
    ]


def test_a_later_page_of_a_search_reads_the_same_matches(claims, client, settings):
    # Pages after the first find their claims' ids in a subquery, which renames the
    # claims table: the search must follow it (PostgreSQL's stored search column).
    settings.CLAIMTRACK_PAGE_SIZE = 1
    response = client.get("/", {"q": "US", "ordering": "oldest", "page": 2})
    assert response.context["page_obj"].paginator.count == 2
    assert [claim.statement for claim in response.context["page_obj"].object_list] == [
        claims["election"].statement
    ]
    assert [
        claim.statement
        for claim in rows_between(Claim.objects.search("lavrov").order_by("stated_on"), 1, 2)
    ] == [claims["sanctions"].statement]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plan")
def test_postgresql_search_reads_the_stored_search_column(claims):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = Claim.objects.search("cyber attacks").explain()
        cursor.execute("RESET enable_seqscan")
    assert "claim_search_document_idx" in plan
    # The tsvector is read, never worked out again row by row: that cost a second for
    # a word most of 100 000 claims hold, in every plan PostgreSQL could choose.
    for ordering in (["-stated_on"], ["-search_rank"]):
        plan = Claim.objects.search("the").order_by(*ordering).explain()
        assert "to_tsvector" not in plan
    counting_plan = (
        Claim.objects.search("the")
        .order_by()
        .values("status")
        .annotate(count=Count("pk"))
        .explain()
    )
    assert "to_tsvector" not in counting_plan


def test_the_search_index_exists_after_migrations():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'claims_claim'"
                " AND indexdef LIKE '%%USING gin%%'"
            )
            assert [definition for (definition,) in cursor.fetchall()] == [
                "CREATE INDEX claim_search_document_idx ON public.claims_claim"
                " USING gin (search_document)"
            ]
        else:
            # Rebuilding claims_claim (as some SQLite migrations do) would drop these triggers.
            cursor.execute(
                "SELECT name FROM sqlite_master"
                " WHERE tbl_name = 'claims_claim' AND type = 'trigger'"
            )
            assert {name for (name,) in cursor.fetchall()} == {
                "claims_claim_fts_insert",
                "claims_claim_fts_delete",
                "claims_claim_fts_update",
            }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
@pytest.mark.django_db(transaction=True)
def test_a_migration_that_rebuilds_the_claims_table_keeps_search_working():
    before = factories.make_claim(statement="Sanctions have failed")
    statement = Claim._meta.get_field("statement")
    wider = statement.clone()
    wider.set_attributes_from_name("statement")
    wider.max_length = statement.max_length + 1
    # SQLite changes a column by copying the table into a new one: the triggers stay behind.
    with connection.schema_editor() as editor:
        editor.alter_field(Claim, statement, wider)
    try:
        lost = factories.make_claim(statement="Espionage comes from abroad")
        assert not Claim.objects.search("espionage").exists()

        call_command("migrate", verbosity=0)

        assert list(Claim.objects.search("espionage")) == [lost]
        found_later = factories.make_claim(statement="Talks on espionage will continue")
        before.statement = "Sanctions on espionage have failed"
        before.save()
        assert set(Claim.objects.search("espionage")) == {lost, found_later, before}
        assert call_command("migrate", verbosity=0) is None
        assert search.ensure_sqlite_index(connection) == []
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(Claim, wider, statement)
        search.ensure_sqlite_index(connection)
