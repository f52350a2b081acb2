from django.db import migrations

# The articles list's order, newest first with undated articles last (Article.Meta.ordering).
# Meta.indexes cannot hold it: PostgreSQL needs NULLS LAST in the index to read it in that
# order, and SQLite, which puts NULLs last in a descending index anyway, refuses the words.
INDEX_NAME = "article_list_idx"
COLUMNS = {
    "postgresql": '"published_on" DESC NULLS LAST, "title"',
    "sqlite": '"published_on" DESC, "title"',
}


def create_index(apps, schema_editor):
    columns = COLUMNS.get(schema_editor.connection.vendor)
    if columns:
        schema_editor.execute(f'CREATE INDEX "{INDEX_NAME}" ON "sources_article" ({columns})')


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0005_article_updated_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
