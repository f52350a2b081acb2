import pytest
from django.core.cache import cache
from django.db import connections

from tests import factories


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as the database it sees starts anew.

    Cached values are keyed by the public revision, a row in that database: a
    test's revision numbers repeat those of the tests before it.
    """
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def claim(db):
    return factories.make_claim()


@pytest.fixture
def draft_claim(db):
    return factories.make_claim(published=False, statement="An unpublished draft claim")


@pytest.fixture
def editor(db):
    return factories.make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let the PostgreSQL test database be dropped at the end of the run.

    Connections that the live server's request threads took from psycopg's pool
    are never handed back when those threads end, and PostgreSQL refuses to drop
    a database that still has sessions.
    """
    yield
    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            if connection.vendor == "postgresql" and connection.pool is not None:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                connection.close()
                connection.close_pool()
