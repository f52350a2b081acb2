"""Full-text search over claims, with one behaviour on PostgreSQL and SQLite.

Each claim keeps `search_text`: its statement, quote and speaker's names in one
column. PostgreSQL searches its tsvector, stored beside it in `search_document`
(migration 0012) and GIN-indexed, with websearch queries (quoted phrases,
-exclusions, "or"), ranking the matches. SQLite searches an FTS5 index of the
same column, with the visitor's words translated into FTS5's own syntax. Both
use the 'simple' configuration: whole words, no stemming and no stop words, so
that "US" still finds "the US" and plain words find the same claims on either
database.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import Expression, F
from django.db.models.expressions import RawSQL

SEARCH_CONFIG = "simple"
SQLITE_INDEX_TABLE = "claims_claim_fts"
# What a visitor may type: "a phrase", -excluded words, the word "or" between
# alternatives, and plain words; anything else is punctuation to ignore.
_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")


# PostgreSQL's parser reads <...> as an HTML tag and &...; as an entity, and skips
# both: "the US & <its allies>" would not be found by "allies".
_MARKUP = str.maketrans("<>&", "   ")


def search_text(statement, quote, speaker_name, speaker_aliases):
    """The text a search looks in: everything a reader might remember a claim by."""
    return "\n".join([statement, quote, speaker_name, speaker_aliases]).translate(_MARKUP)


class StoredSearchDocument(Expression):
    """PostgreSQL's `search_document` column of the claims in a query.

    The column is generated from `search_text` by the database (migration 0012)
    and the model does not declare it, so it is named through `search_text`'s
    column: the query's alias for the claims table, relabelled in subqueries, comes
    with it.
    """

    output_field = SearchVectorField()

    def __init__(self, search_text=None):
        super().__init__()
        self.search_text = search_text or F("search_text")

    def get_source_expressions(self):
        return [self.search_text]

    def set_source_expressions(self, expressions):
        (self.search_text,) = expressions

    def as_sql(self, compiler, connection):
        table = compiler.quote_name(self.search_text.alias)
        return f"{table}.{connection.ops.quote_name('search_document')}", []


def has_words(text):
    return bool(_WORD.search(text))


def postgresql_search(claims, text):
    query = SearchQuery(text.translate(_MARKUP), config=SEARCH_CONFIG, search_type="websearch")
    return (
        claims.alias(search_document=StoredSearchDocument())
        .filter(search_document=query)
        .annotate(search_rank=SearchRank(StoredSearchDocument(), query))
    )


def sqlite_search(claims, text):
    included, excluded = fts5_queries(text)
    if included:
        claims = claims.filter(pk__in=_fts5_matches(included))
    if excluded:
        claims = claims.exclude(pk__in=_fts5_matches(excluded))
    return claims


# The triggers that keep SQLite's index in step with claims_claim, as migration 0003
# made them. SQLite changes a table's columns by copying it into a new table, and
# the triggers go with the old one: after any migration that does so, new and
# edited claims would no longer be found. ensure_sqlite_index puts them back.
_SQLITE_TRIGGERS = {
    "claims_claim_fts_insert": "AFTER INSERT ON claims_claim BEGIN"
    f" INSERT INTO {SQLITE_INDEX_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    "claims_claim_fts_delete": "AFTER DELETE ON claims_claim BEGIN"
    f" INSERT INTO {SQLITE_INDEX_TABLE}({SQLITE_INDEX_TABLE}, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text); END",
    "claims_claim_fts_update": "AFTER UPDATE OF search_text ON claims_claim BEGIN"
    f" INSERT INTO {SQLITE_INDEX_TABLE}({SQLITE_INDEX_TABLE}, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    f" INSERT INTO {SQLITE_INDEX_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
}


def ensure_sqlite_index(connection):
    """Put back the index's triggers where a migration lost them, and rebuild the index.

    Returns the names of the triggers put back. Run after every migrate (claims.apps).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        existing = set(cursor.fetchall())
        if ("table", SQLITE_INDEX_TABLE) not in existing:
            return []  # migration 0003, which makes the index, has not run yet
        missing = [name for name in _SQLITE_TRIGGERS if ("trigger", name) not in existing]
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {_SQLITE_TRIGGERS[name]}")
        if missing:
            # Claims may have changed while the triggers were gone.
            cursor.execute(
                f"INSERT INTO {SQLITE_INDEX_TABLE}({SQLITE_INDEX_TABLE}) VALUES ('rebuild')"
            )
    return missing


def _fts5_matches(query):
    return RawSQL(
        f"SELECT rowid FROM {SQLITE_INDEX_TABLE} WHERE {SQLITE_INDEX_TABLE} MATCH %s", [query]
    )


def fts5_queries(text):
    """`text`, written in websearch's syntax, as two FTS5 queries: what to find, what to leave out.

    Every word goes into a double-quoted FTS5 string, so nothing a visitor types
    can be read as FTS5 syntax of its own. Either query may be "" (nothing to do).
    """
    required, excluded, pending_or = [], [], False
    for match in _TERM.finditer(text):
        minus = match.group(1) or match.group(3)
        typed = match.group(2) if match.group(2) is not None else match.group(4)
        if match.group(4) is not None and typed.lower() == "or" and not minus:
            pending_or = bool(required)
            continue
        words = _WORD.findall(typed.lower())
        if not words:
            continue
        phrase = '"' + " ".join(words) + '"'
        if minus:
            excluded.append(phrase)
        elif pending_or:
            required[-1] = f"{required[-1]} OR {phrase}"
            pending_or = False
        else:
            required.append(phrase)
    return (
        " AND ".join(f"({alternatives})" for alternatives in required),
        " OR ".join(excluded),
    )
