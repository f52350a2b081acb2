from django.apps import AppConfig
from django.db.models.signals import post_migrate


def restore_search_index(sender, using, **kwargs):
    from django.db import connections

    from claims import search

    connection = connections[using]
    if connection.vendor == "sqlite":
        search.ensure_sqlite_index(connection)


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        from claims import signals  # noqa: F401  (connects the receivers)

        post_migrate.connect(restore_search_index, sender=self, dispatch_uid="search-index")
