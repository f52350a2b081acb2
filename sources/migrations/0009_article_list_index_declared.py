import sources.indexes
from django.db import migrations, models

# Migration 0007 made this index with SQL of its own, so Django did not know of it, and
# SQLite lost it whenever it copied the table to change a column. Declared now in
# Article.Meta.indexes (sources.indexes.NullsLastIndex), it is already in the database.


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0008_speaker_list_order'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name='article',
                    index=sources.indexes.NullsLastIndex(models.OrderBy(models.F('published_on'), descending=True, nulls_last=True), models.F('title'), models.F('id'), name='article_list_idx'),
                ),
            ],
        ),
    ]
