from django.db import models
from django.db.models import OrderBy


class NullsLastIndex(models.Index):
    """An index for an order whose descending columns put NULLs last.

    PostgreSQL reads an index in such an order only when the index says NULLS LAST.
    SQLite refuses those words in an index, and puts NULLs last in a descending one
    anyway, so it gets the index without them. Declared in Meta.indexes rather than
    made by a migration, the index is made again when SQLite copies the table into a
    new one to change a column.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "sqlite":
            return self._without_nulls_order().create_sql(model, schema_editor, using, **kwargs)
        return super().create_sql(model, schema_editor, using, **kwargs)

    def _without_nulls_order(self):
        expressions = [
            OrderBy(expression.expression, descending=expression.descending)
            if isinstance(expression, OrderBy)
            else expression
            for expression in self.expressions
        ]
        return models.Index(*expressions, name=self.name)
