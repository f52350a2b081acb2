import pytest
from django.db import connections

from tests import factories


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
    """Close PostgreSQL connection pools before the test database is dropped."""
    yield
    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            if connection.vendor == "postgresql" and connection.pool is not None:
                connection.close_pool()
