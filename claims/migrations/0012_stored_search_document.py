from django.db import migrations

# PostgreSQL's search (claims.search) reads a stored tsvector column instead of an index
# on the expression. With that index, every plan still worked the expression out again
# for each row it read (a sequential scan for a word most claims hold, a walk in date
# order for a rare one): a search for "the" over 100 000 claims took a second, ranked
# by relevance a second and a half. The database computes the column, so the model does
# not declare it; SQLite keeps its FTS5 table (migration 0003).
COLUMN = "search_document"
INDEX = "claim_search_document_idx"
EXPRESSION = "to_tsvector('simple'::regconfig, COALESCE(search_text, ''))"
EXPRESSION_INDEX = "claim_search_text_gin_idx"  # made by migration 0003


def store_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE claims_claim ADD COLUMN {COLUMN} tsvector"
        f" GENERATED ALWAYS AS ({EXPRESSION}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON claims_claim USING gin ({COLUMN})")
    schema_editor.execute(f"DROP INDEX {EXPRESSION_INDEX}")


def drop_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX {EXPRESSION_INDEX} ON claims_claim USING gin ({EXPRESSION})"
    )
    schema_editor.execute(f"ALTER TABLE claims_claim DROP COLUMN {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0011_topic_status_tallies"),
    ]

    operations = [
        migrations.RunPython(store_search_documents, drop_search_documents),
    ]
