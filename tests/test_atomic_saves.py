"""The import and every admin save are atomic: a failure halfway leaves the database as it was.

Failures are injected by making one save raise partway through; each test
checks first that the work really had begun when it failed.
"""

import io
import textwrap
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from claims.models import Claim, CounterSource, Stance, Status, StatusChange, Topic
from sources.models import Article
from tests import factories
from tests.test_admin import (
    CLAIM_ADD_URL,
    claim_change_url,
    counter_source_fields,
    existing_claim_form,
    management_form,
    new_claim_form,
)

pytestmark = pytest.mark.django_db

CLAIMED_ARTICLE = """Minister says talks will resume

MOSCOW, June 2. /TASS/. The minister spoke to reporters on Tuesday.

"Talks with our partners on cybersecurity will resume next month," the minister said.
"""
CITED_ARTICLE = """Envoy expects an answer soon

WASHINGTON (RIA Novosti): The envoy spoke to reporters.

"We expect an answer to our proposals soon," he said.
"""
# One claim on a.txt with everything an import writes: a new speaker and topics,
# a status with its history, publication, two external counter-sources, and one
# citing b.txt, linked once b.txt is imported after it.
MANIFEST = """
[[speakers]]
name = "Sergey Lavrov"
aliases = ["Sergei Lavrov"]

[[claims]]
slug = "talks-to-resume"
article = "a.txt"
speaker = "Sergei Lavrov"
statement = "Cybersecurity talks will resume next month"
quote = "Talks with our partners on cybersecurity will resume next month"
stated_on = 2021-06-02
topics = ["Cybersecurity", "Diplomacy"]
status = "unsupported"
status_note = "The other side has announced no date."
published = true

[[claims.counter_sources]]
title = "Department press briefing"
publisher = "US State Department"
url = "https://www.state.gov/briefings/"
stance = "contradicts"

[[claims.counter_sources]]
title = "Cybersecurity advisory"
publisher = "NCSC"
stance = "context"

[[claims.counter_sources]]
article = "b.txt"
stance = "context"
"""


def snapshot():
    """Every row of every table of our apps (m2m tables, tallies and revision included)."""
    models = [
        model
        for app_label in ["sources", "claims"]
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
    ]
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values()) for model in models
    }


def fail_on_call(model, number, *, error=None, witness=lambda: True):
    """A patch making `model.save` raise on call `number`, and a list it fills.

    The list holds what `witness()` returned at each call: evidence of how far
    the work had gone when it failed.
    """
    original_save = model.save
    calls = []

    def save(instance, *args, **kwargs):
        calls.append(witness())
        if len(calls) == number:
            raise error or DatabaseError("could not extend file: No space left on device")
        return original_save(instance, *args, **kwargs)

    return mock.patch.object(model, "save", save), calls


def article_a_saved():
    return Article.objects.filter(seed_file="a.txt").exists()


def import_articles(*paths):
    """(stdout, stderr, CommandError or None) of import_articles run on `paths`."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=stdout, stderr=stderr)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), error
    return stdout.getvalue(), stderr.getvalue(), None


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "a.txt").write_text(CLAIMED_ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(CITED_ARTICLE, encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(textwrap.dedent(MANIFEST), encoding="utf-8")
    return tmp_path


@pytest.fixture
def existing_claim(db):
    """Something in the database before the import, which a failure must not touch either."""
    return factories.make_claim(topics=[factories.make_topic(name="Cybersecurity")])


class TestImport:
    def test_the_control_imports_everything(self, folder, existing_claim):
        _, stderr, error = import_articles(folder)

        assert error is None, stderr
        claim = Claim.objects.get(slug="talks-to-resume")
        assert claim.is_published
        assert claim.status_changes.get().to_status == Status.UNSUPPORTED
        assert claim.counter_sources.count() == 3
        assert sorted(claim.topics.values_list("name", flat=True)) == [
            "Cybersecurity",
            "Diplomacy",
        ]

    @pytest.mark.parametrize(
        ("model", "call"),
        [
            (Topic, 1),  # The claim's new topic (the other exists already).
            (Claim, 1),  # The claim itself.
            (StatusChange, 1),  # Its history.
            (CounterSource, 2),  # Its second counter-source.
        ],
    )
    def test_a_failure_halfway_through_an_article_leaves_nothing_of_it(
        self, folder, existing_claim, model, call
    ):
        before = snapshot()
        patch, calls = fail_on_call(model, call, witness=article_a_saved)

        with patch:
            _, stderr, error = import_articles(folder / "a.txt")

        assert calls[call - 1], "the article was saved before the failure"
        assert snapshot() == before
        assert stderr == (
            f"{folder / 'a.txt'}: the database refused it: "
            "could not extend file: No space left on device\n"
        )
        assert str(error) == "1 problem(s) stopped part of the import; see above."

    def test_the_other_articles_of_the_run_still_import(self, folder, existing_claim):
        """Each article is its own transaction (see ManifestImporter.import_file)."""
        patch, calls = fail_on_call(CounterSource, 2, witness=article_a_saved)

        with patch:
            _, stderr, error = import_articles(folder)

        assert calls == [True, True]
        assert error is not None
        assert stderr.startswith(f"{folder / 'a.txt'}: the database refused it: ")
        assert not Article.objects.filter(seed_file="a.txt").exists()
        assert Article.objects.filter(seed_file="b.txt").exists()
        assert list(Claim.objects.all()) == [existing_claim]
        assert not Topic.objects.filter(name="Diplomacy").exists()

    def test_a_link_the_database_refuses_is_one_line_and_the_rest_stays(
        self, folder, existing_claim
    ):
        # The third counter-source cites b.txt: it is added after b.txt is imported.
        patch, calls = fail_on_call(CounterSource, 3)

        with patch:
            _, stderr, error = import_articles(folder)

        assert len(calls) == 3
        assert stderr == (
            f"{folder / 'a.txt'}: claim 'talks-to-resume': its counter-source b.txt: "
            "the database refused it: could not extend file: No space left on device; "
            "the claim was imported without it\n"
        )
        assert error is not None
        claim = Claim.objects.get(slug="talks-to-resume")
        assert claim.counter_sources.count() == 2
        assert Article.objects.filter(seed_file="b.txt").exists()

    def test_an_unexpected_error_still_leaves_nothing_of_the_article(self, folder, existing_claim):
        before = snapshot()
        patch, calls = fail_on_call(
            StatusChange, 1, error=RuntimeError("a bug"), witness=article_a_saved
        )

        with patch, pytest.raises(RuntimeError):
            import_articles(folder / "a.txt")

        assert calls == [True]
        assert snapshot() == before


class TestAdmin:
    def test_a_failing_inline_leaves_the_claim_as_it_was(self, editor_client, claim):
        factories.make_counter_source(claim)
        data = existing_claim_form(
            claim, statement="A statement rewritten", verdict="A verdict rewritten"
        )
        data["counter_sources-0-note"] = "A note rewritten"
        data.update(management_form("counter_sources", 2, 1))
        data.update(counter_source_fields("counter_sources-1", title="Report", publisher="NCSC"))
        before = snapshot()
        patch, calls = fail_on_call(CounterSource, 2)

        with patch, pytest.raises(DatabaseError):
            editor_client.post(claim_change_url(claim), data)

        assert len(calls) == 2  # The changed counter-source was saved, then the new one failed.
        assert snapshot() == before
        claim.refresh_from_db()
        assert (claim.statement, claim.verdict) != ("A statement rewritten", "A verdict rewritten")

    def test_a_failing_status_change_leaves_the_status_as_it_was(self, editor_client, claim):
        data = existing_claim_form(
            claim,
            status=Status.MISLEADING,
            status_note="The figures are real, the framing not.",
            verdict="A verdict rewritten",
        )
        before = snapshot()
        patch, calls = fail_on_call(StatusChange, 1)

        with patch, pytest.raises(DatabaseError):
            editor_client.post(claim_change_url(claim), data)

        assert calls
        assert snapshot() == before
        claim.refresh_from_db()
        assert claim.status == Status.FALSE
        assert not claim.status_changes.exists()

    def test_a_failure_while_publishing_undoes_the_status_change(self, editor_client, draft_claim):
        data = existing_claim_form(
            draft_claim,
            status=Status.MOSTLY_FALSE,
            status_note="Most attacks come from elsewhere.",
            is_published="on",
        )
        before = snapshot()
        published = []

        def publish(claim):
            published.append(claim.status_changes.exists())
            raise DatabaseError("could not extend file: No space left on device")

        with mock.patch.object(Claim, "publish", publish), pytest.raises(DatabaseError):
            editor_client.post(claim_change_url(draft_claim), data)

        assert published == [True]  # The status change had been recorded.
        assert snapshot() == before
        draft_claim.refresh_from_db()
        assert (draft_claim.status, draft_claim.is_published) == (Status.FALSE, False)

    def test_a_failing_counter_source_leaves_no_new_claim(self, editor_client):
        data = new_claim_form(
            factories.make_article(),
            factories.make_speaker(),
            status=Status.FALSE,
            status_note="The joint advisory shows the reverse.",
            counter_sources=[
                {"title": "Joint cybersecurity advisory", "publisher": "CISA"},
                {"title": "Threat report", "publisher": "NCSC", "stance": Stance.CONTEXT},
            ],
        )
        before = snapshot()
        patch, calls = fail_on_call(CounterSource, 2)

        with patch, pytest.raises(DatabaseError):
            editor_client.post(CLAIM_ADD_URL, data)

        assert len(calls) == 2
        assert snapshot() == before
        assert not Claim.objects.exists()
