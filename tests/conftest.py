import pytest

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
