from django.db import migrations, models

# The articles list's order (Article.Meta.ordering) now ends with the id, and its index
# with it: the ids of a page deep in the list are then read from the index alone
# (claims.paging.rows_between), where a plain OFFSET read every article before it.
# Meta.indexes cannot hold it, for the reasons migration 0006 gives.
INDEX_NAME = "article_list_idx"
COLUMNS = {
    "postgresql": '"published_on" DESC NULLS LAST, "title", "id"',
    "sqlite": '"published_on" DESC, "title", "id"',
}
COLUMNS_BEFORE = {
    "postgresql": '"published_on" DESC NULLS LAST, "title"',
    "sqlite": '"published_on" DESC, "title"',
}


def index_on(columns_by_vendor):
    def create_index(apps, schema_editor):
        columns = columns_by_vendor.get(schema_editor.connection.vendor)
        if columns:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')
            schema_editor.execute(f'CREATE INDEX "{INDEX_NAME}" ON "sources_article" ({columns})')

    return create_index


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0006_article_list_index"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "get_latest_by": "published_on",
                "ordering": [
                    models.OrderBy(models.F("published_on"), descending=True, nulls_last=True),
                    "title",
                    "pk",
                ],
            },
        ),
        migrations.RunPython(index_on(COLUMNS), index_on(COLUMNS_BEFORE)),
    ]
