"""The editors' admin: recording claims, their evidence and verdicts through the real forms."""

import re
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, CounterSource, Stance, Status, StatusChange
from tests import factories

pytestmark = pytest.mark.django_db

CLAIM_ADD_URL = reverse("admin:claims_claim_add")
CLAIM_CHANGELIST_URL = reverse("admin:claims_claim_changelist")


def claim_change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def management_form(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def counter_source_fields(prefix, counter_source=None, **fields):
    values = {
        "stance": Stance.CONTRADICTS,
        "article": "",
        "title": "",
        "publisher": "",
        "url": "",
        "published_on": "",
        "note": "",
    }
    if counter_source is not None:
        values.update(
            id=counter_source.pk,
            claim=counter_source.claim_id,
            stance=counter_source.stance,
            article=counter_source.article_id or "",
            title=counter_source.title,
            publisher=counter_source.publisher,
            url=counter_source.url,
            published_on=counter_source.published_on or "",
            note=counter_source.note,
        )
    values.update(fields)
    return {f"{prefix}-{name}": value for name, value in values.items()}


def new_claim_form(article, speaker, *, counter_sources=(), **fields):
    """What the add form posts, with one dict of fields per new counter-source."""
    data = {
        "statement": "Most attacks on Russia come from the US",
        "speaker": speaker.pk,
        "article": article.pk,
        "quote": factories.ARTICLE_QUOTE,
        "stated_on": "2021-05-14",
        "status": Status.UNCHECKED,
        "status_note": "",
        "verdict": "",
        "slug": "",
        "internal_notes": "",
        **management_form("counter_sources", len(counter_sources)),
        **management_form("status_changes", 0),
    }
    for number, source in enumerate(counter_sources):
        data.update(counter_source_fields(f"counter_sources-{number}", **source))
    data.update(fields)
    return data


def existing_claim_form(claim, **fields):
    """What the change form posts when the editor changes only `fields`.

    A field given as None is left out, as a browser leaves out an unticked checkbox.
    """
    data = {
        "statement": claim.statement,
        "speaker": claim.speaker_id,
        "article": claim.article_id,
        "quote": claim.quote,
        "stated_on": claim.stated_on.isoformat(),
        "topics": [topic.pk for topic in claim.topics.all()],
        "status": claim.status,
        "status_note": "",
        "verdict": claim.verdict,
        "slug": claim.slug,
        "internal_notes": claim.internal_notes,
    }
    if claim.is_published:
        data["is_published"] = "on"
    sources = list(claim.counter_sources.all())
    data.update(management_form("counter_sources", len(sources), len(sources)))
    for number, source in enumerate(sources):
        data.update(counter_source_fields(f"counter_sources-{number}", source))
    history = list(claim.status_changes.all())
    data.update(management_form("status_changes", len(history), len(history)))
    for number, change in enumerate(history):
        data[f"status_changes-{number}-id"] = change.pk
        data[f"status_changes-{number}-claim"] = claim.pk
    for name, value in fields.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def form_errors(response):
    return response.context["adminform"].form.errors


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def run_action(client, action, claims, **fields):
    data = {"action": action, "_selected_action": [claim.pk for claim in claims], **fields}
    return client.post(CLAIM_CHANGELIST_URL, data, follow=True)


@pytest.fixture
def lavrov():
    return factories.make_speaker(
        name="Sergey Lavrov", role="Foreign Minister", aliases="Sergei Lavrov\nS. Lavrov"
    )


class TestAddingClaims:
    def test_editor_adds_claim_with_counter_sources(self, editor_client, editor, lavrov):
        article, other_article = factories.make_article(), factories.make_article()
        topic = factories.make_topic()
        data = new_claim_form(
            article,
            lavrov,
            topics=[topic.pk],
            counter_sources=[
                {"title": "Joint cybersecurity advisory", "publisher": "CISA", "note": "Two"},
                {"article": other_article.pk, "stance": Stance.CONTEXT},
            ],
        )

        response = editor_client.post(CLAIM_ADD_URL, data)

        assert response.status_code == 302
        claim = Claim.objects.get()
        assert claim.speaker == lavrov
        assert list(claim.topics.all()) == [topic]
        assert claim.status == Status.UNCHECKED
        assert not claim.is_published
        assert not claim.status_changes.exists()
        external, internal = sorted(claim.counter_sources.all(), key=lambda source: source.pk)
        assert (external.title, external.publisher, external.stance) == (
            "Joint cybersecurity advisory",
            "CISA",
            Stance.CONTRADICTS,
        )
        assert internal.article == other_article
        assert external.added_by == editor
        assert internal.added_by == editor

    def test_adding_with_a_verdict_needs_a_note(self, editor_client, lavrov):
        data = new_claim_form(factories.make_article(), lavrov, status=Status.FALSE)

        response = editor_client.post(CLAIM_ADD_URL, data)

        assert response.status_code == 200
        assert "status_note" in form_errors(response)
        assert "the note is kept in the claim" in response.content.decode()
        assert not Claim.objects.exists()

    def test_adding_with_a_verdict_records_it(self, editor_client, editor, lavrov):
        data = new_claim_form(
            factories.make_article(),
            lavrov,
            status=Status.FALSE,
            status_note="The joint advisory shows the reverse.",
        )

        response = editor_client.post(CLAIM_ADD_URL, data)

        assert response.status_code == 302
        claim = Claim.objects.get()
        assert claim.status == Status.FALSE
        change = claim.status_changes.get()
        assert (change.from_status, change.to_status) == (Status.UNCHECKED, Status.FALSE)
        assert change.changed_by == editor
        assert change.note == "The joint advisory shows the reverse."

    def test_quote_missing_from_the_article_is_an_error_on_the_quote(self, editor_client, lavrov):
        data = new_claim_form(
            factories.make_article(), lavrov, quote="All attacks come from the moon"
        )

        response = editor_client.post(CLAIM_ADD_URL, data)

        assert response.status_code == 200
        assert list(form_errors(response)) == ["quote"]
        assert "does not occur in the article" in form_errors(response)["quote"][0]
        assert not Claim.objects.exists()

    def test_quote_may_differ_in_spacing_and_quotation_marks(self, editor_client, lavrov):
        quote = "Attacks  on our Internet resources,\nthe majority of them, come from the US"
        data = new_claim_form(factories.make_article(), lavrov, quote=quote)

        response = editor_client.post(CLAIM_ADD_URL, data)

        assert response.status_code == 302
        assert Claim.objects.get().quote == quote

    def test_counter_source_both_article_and_external_is_an_error(self, editor_client, lavrov):
        article = factories.make_article()
        data = new_claim_form(
            article, lavrov, counter_sources=[{"article": article.pk, "title": "A report"}]
        )

        response = editor_client.post(CLAIM_ADD_URL, data)

        assert response.status_code == 200
        assert "not both" in response.content.decode()
        assert not Claim.objects.exists()
        assert not CounterSource.objects.exists()

    def test_publishing_from_the_add_form(self, editor_client, lavrov):
        data = new_claim_form(factories.make_article(), lavrov, is_published="on")

        response = editor_client.post(CLAIM_ADD_URL, data)

        assert response.status_code == 302
        claim = Claim.objects.get()
        assert claim.is_published
        assert claim.first_published_at is not None


class TestChangingClaims:
    def test_editor_changes_claim_and_adds_counter_source(self, editor_client, editor, claim):
        factories.make_counter_source(claim)
        data = existing_claim_form(claim, verdict="A new explanation.")
        data.update(management_form("counter_sources", 2, 1))
        data.update(counter_source_fields("counter_sources-1", title="Report", publisher="NCSC"))

        response = editor_client.post(claim_change_url(claim), data)

        assert response.status_code == 302
        claim.refresh_from_db()
        assert claim.verdict == "A new explanation."
        assert claim.status == Status.FALSE
        assert not claim.status_changes.exists()
        first, added = claim.counter_sources.order_by("pk")
        assert first.added_by is None
        assert (added.title, added.added_by) == ("Report", editor)

    def test_status_change_without_note_is_refused(self, editor_client, claim):
        data = existing_claim_form(claim, status=Status.TRUE, verdict="Changed too")

        response = editor_client.post(claim_change_url(claim), data)

        assert response.status_code == 200
        assert list(form_errors(response)) == ["status_note"]
        claim.refresh_from_db()
        assert claim.status == Status.FALSE
        assert claim.verdict != "Changed too"
        assert not StatusChange.objects.exists()

    def test_status_change_with_note_is_recorded(self, editor_client, editor, claim):
        data = existing_claim_form(
            claim, status=Status.MISLEADING, status_note="The figures are real, the framing not."
        )

        response = editor_client.post(claim_change_url(claim), data)

        assert response.status_code == 302
        claim.refresh_from_db()
        assert claim.status == Status.MISLEADING
        change = StatusChange.objects.get()
        assert change.claim == claim
        assert (change.from_status, change.to_status) == (Status.FALSE, Status.MISLEADING)
        assert change.changed_by == editor
        assert change.note == "The figures are real, the framing not."

    def test_history_is_shown_read_only(self, editor_client, editor, claim):
        claim.change_status(Status.MISLEADING, note="Reconsidered the framing", by=editor)

        response = editor_client.get(claim_change_url(claim))

        assert response.status_code == 200
        history = next(
            formset
            for formset in response.context["inline_admin_formsets"]
            if formset.opts.model is StatusChange
        )
        assert not history.has_add_permission
        assert not history.has_change_permission
        assert not history.has_delete_permission
        assert "Reconsidered the framing" in response.content.decode()

    def test_changing_history_by_posting_it_has_no_effect(self, editor_client, editor, claim):
        change = claim.change_status(Status.MISLEADING, note="Original note", by=editor)
        claim.refresh_from_db()
        data = existing_claim_form(claim, **{"status_changes-0-note": "Forged"})

        response = editor_client.post(claim_change_url(claim), data)

        assert response.status_code == 302
        change.refresh_from_db()
        assert change.note == "Original note"
        assert claim.status_changes.count() == 1

    def test_unpublishing_from_the_form_keeps_first_publication(self, editor_client, claim):
        first_published_at = claim.first_published_at

        response = editor_client.post(
            claim_change_url(claim), existing_claim_form(claim, is_published=None)
        )
        assert response.status_code == 302
        claim.refresh_from_db()
        assert not claim.is_published

        response = editor_client.post(
            claim_change_url(claim), existing_claim_form(claim, is_published="on")
        )
        assert response.status_code == 302
        claim.refresh_from_db()
        assert claim.is_published
        assert claim.first_published_at == first_published_at

    def test_published_claim_links_to_its_public_page(self, editor_client, claim):
        response = editor_client.get(claim_change_url(claim))

        assert response.status_code == 200
        assert f'href="{claim.get_absolute_url()}"' in response.content.decode()
        assert editor_client.get(claim.get_absolute_url()).status_code == 200

    def test_draft_has_no_view_on_site_link(self, editor_client, draft_claim):
        response = editor_client.get(claim_change_url(draft_claim))

        assert response.status_code == 200
        assert draft_claim.get_absolute_url() not in response.content.decode()
        assert "viewsitelink" not in response.content.decode()


class TestActions:
    def test_publish_and_unpublish(self, editor_client):
        drafts = [factories.make_claim(published=False) for _ in range(2)]
        already_published = factories.make_claim()

        response = run_action(editor_client, "publish", [*drafts, already_published])

        assert response.status_code == 200
        assert "Published 2 claims." in messages_of(response)
        assert Claim.objects.published().count() == 3
        first_published = {c.pk: c.first_published_at for c in Claim.objects.all()}
        assert all(first_published.values())

        response = run_action(editor_client, "unpublish", drafts)

        assert "Unpublished 2 claims." in messages_of(response)
        assert list(Claim.objects.published()) == [already_published]

        run_action(editor_client, "publish", drafts)
        assert {c.pk: c.first_published_at for c in Claim.objects.all()} == first_published

    def test_change_status_action_records_each_change(self, editor_client, editor):
        claims = [factories.make_claim(status=Status.CHECKING) for _ in range(2)]
        untouched = factories.make_claim(status=Status.CHECKING)

        response = run_action(
            editor_client,
            "change_status",
            claims,
            new_status=Status.UNSUPPORTED,
            status_note="No evidence was offered or found.",
        )

        assert response.status_code == 200
        assert "Changed the status of 2 claims to “Unsupported”." in messages_of(response)
        for claim in claims:
            claim.refresh_from_db()
            assert claim.status == Status.UNSUPPORTED
            change = claim.status_changes.get()
            assert (change.from_status, change.to_status) == (Status.CHECKING, claim.status)
            assert (change.changed_by, change.note) == (editor, "No evidence was offered or found.")
        untouched.refresh_from_db()
        assert untouched.status == Status.CHECKING

    def test_change_status_action_that_fails_halfway_changes_nothing(self, editor_client):
        claims = [factories.make_claim(status=Status.CHECKING) for _ in range(2)]
        original_save = StatusChange.save
        saved = []

        def save_once_then_fail(change, *args, **kwargs):
            if saved:
                raise DatabaseError("disk full")
            saved.append(change)
            original_save(change, *args, **kwargs)

        with (
            mock.patch.object(StatusChange, "save", save_once_then_fail),
            pytest.raises(DatabaseError),
        ):
            run_action(
                editor_client,
                "change_status",
                claims,
                new_status=Status.FALSE,
                status_note="Contradicted by the record.",
            )

        assert saved  # the first claim was changed before the failure, then rolled back
        assert not StatusChange.objects.exists()
        assert set(Claim.objects.values_list("status", flat=True)) == {Status.CHECKING}

    def test_change_status_action_without_note_changes_nothing(self, editor_client):
        claims = [factories.make_claim(status=Status.CHECKING) for _ in range(2)]

        response = run_action(
            editor_client, "change_status", claims, new_status=Status.TRUE, status_note="  "
        )

        assert response.status_code == 200
        assert any("No claims were changed" in message for message in messages_of(response))
        assert set(Claim.objects.values_list("status", flat=True)) == {Status.CHECKING}
        assert not StatusChange.objects.exists()

    def test_change_status_action_without_status_changes_nothing(self, editor_client, claim):
        response = run_action(editor_client, "change_status", [claim], status_note="Because")

        assert any("No claims were changed" in message for message in messages_of(response))
        assert not StatusChange.objects.exists()

    def test_action_bar_offers_the_status_fields(self, editor_client, claim):
        response = editor_client.get(CLAIM_CHANGELIST_URL)

        content = response.content.decode()
        assert 'name="new_status"' in content
        assert 'name="status_note"' in content
        actions = dict(response.context["action_form"].fields["action"].choices)
        assert {"publish", "unpublish", "change_status"} <= set(actions)


class TestSearch:
    def test_speaker_search_finds_an_alias(self, editor_client, lavrov):
        factories.make_speaker(name="Mike Pompeo")

        response = editor_client.get(
            reverse("admin:sources_speaker_changelist"), {"q": "Sergei Lavrov"}
        )

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [lavrov]

    def test_claim_search_finds_claims_by_speaker_alias(self, editor_client, lavrov):
        wanted = factories.make_claim(speaker=lavrov)
        factories.make_claim(speaker=factories.make_speaker(name="Mike Pompeo"))

        response = editor_client.get(CLAIM_CHANGELIST_URL, {"q": "Sergei"})

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [wanted]
        assert wanted.statement in response.content.decode()

    def test_speaker_autocomplete_finds_an_alias(self, editor_client, lavrov):
        response = editor_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "claims",
                "model_name": "claim",
                "field_name": "speaker",
                "term": "Sergei",
            },
        )

        assert response.status_code == 200
        assert [result["text"] for result in response.json()["results"]] == ["Sergey Lavrov"]


class TestChangelist:
    def changelist_queries(self, client):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CLAIM_CHANGELIST_URL)
        assert response.status_code == 200
        return len(queries), len(response.context["cl"].result_list)

    def test_query_count_does_not_grow_with_claims(self, editor_client):
        topic = factories.make_topic()
        for _ in range(2):
            factories.make_claim(topics=[topic])
        few_queries, few_rows = self.changelist_queries(editor_client)

        for _ in range(8):
            factories.make_claim(topics=[topic])
        many_queries, many_rows = self.changelist_queries(editor_client)

        assert (few_rows, many_rows) == (2, 10)
        assert many_queries == few_queries

    def test_lists_status_speaker_and_publication(self, editor_client, claim, draft_claim):
        response = editor_client.get(CLAIM_CHANGELIST_URL)

        content = response.content.decode()
        assert claim.statement in content
        assert draft_claim.statement in content
        assert claim.speaker.name in content
        assert "False" in content


class TestArticles:
    def test_article_lists_its_claims_with_links(self, editor_client, claim):
        response = editor_client.get(
            reverse("admin:sources_article_change", args=[claim.article_id])
        )

        assert response.status_code == 200
        content = response.content.decode()
        assert f'href="{claim_change_url(claim)}"' in content
        assert claim.statement in content
        assert f'href="{claim.get_absolute_url()}"' in content

    def test_draft_quoting_the_article_has_no_public_link(self, editor_client, draft_claim):
        response = editor_client.get(
            reverse("admin:sources_article_change", args=[draft_claim.article_id])
        )

        content = response.content.decode()
        assert f'href="{claim_change_url(draft_claim)}"' in content
        assert "View on site" not in content.split("Claims quoting this article", 1)[1]

    def test_raw_text_is_shown_read_only(self, editor_client):
        article = factories.make_article(raw_text="\nAll news\n\nTITLE  with  spaces <b>\n")

        response = editor_client.get(reverse("admin:sources_article_change", args=[article.pk]))

        content = response.content.decode()
        raw_text_block = re.search(r"<textarea [^>]*readonly[^>]*>(.*?)</textarea>", content, re.S)
        assert raw_text_block.group(1) == "\n\nAll news\n\nTITLE  with  spaces &lt;b&gt;\n"
        assert 'name="raw_text"' not in content
        assert 'name="content_hash"' not in content
        assert 'name="seed_file"' not in content

    def test_editing_the_text_cannot_orphan_a_quote(self, editor_client, claim):
        article = claim.article
        data = {
            "outlet": article.outlet_id,
            "title": article.title,
            "slug": article.slug,
            "url": article.url,
            "published_on": article.published_on.isoformat(),
            "dateline": article.dateline,
            "text": "The minister spoke to reporters.",
            **management_form("claims", 1, 1),
            "claims-0-id": claim.pk,
            "claims-0-article": article.pk,
        }
        url = reverse("admin:sources_article_change", args=[article.pk])

        response = editor_client.post(url, data)

        assert response.status_code == 200
        assert "would no longer occur" in response.content.decode()
        article.refresh_from_db()
        assert article.text == factories.ARTICLE_TEXT

        data["text"] = factories.ARTICLE_TEXT + "\n\nA paragraph added later."
        assert editor_client.post(url, data).status_code == 302
        article.refresh_from_db()
        assert article.text.endswith("A paragraph added later.")

    def test_article_typed_in_by_hand_gets_a_content_hash(self, editor_client):
        outlet = factories.make_outlet()
        data = {
            "outlet": outlet.pk,
            "title": "Lavrov on cybersecurity",
            "slug": "",
            "url": "",
            "published_on": "2019-05-14",
            "dateline": "SOCHI",
            "text": "The text.",
            "raw_text": "All news\n\nThe text.",
            **management_form("claims", 0),
        }

        response = editor_client.post(reverse("admin:sources_article_add"), data)

        assert response.status_code == 302
        article = outlet.articles.get()
        assert article.slug == "lavrov-on-cybersecurity"
        assert len(article.content_hash) == 64


class TestRecordingAClaimFromItsArticle:
    def test_the_article_page_opens_the_claim_form_with_the_article_chosen(self, editor_client):
        article = factories.make_article()
        article_page = editor_client.get(reverse("admin:sources_article_change", args=[article.pk]))
        add_url = f"{CLAIM_ADD_URL}?article={article.pk}"
        assert f'href="{add_url}"' in article_page.text

        claim_form = editor_client.get(add_url)

        assert claim_form.context["adminform"].form.initial["article"] == str(article.pk)
        assert f'<option value="{article.pk}" selected>{article.title}</option>' in claim_form.text

    def test_no_such_link_for_those_who_may_not_add_claims(self, client, django_user_model):
        article = factories.make_article()
        viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
        viewer.user_permissions.add(
            Permission.objects.get(codename="view_article", content_type__app_label="sources")
        )
        client.force_login(viewer)

        article_page = client.get(reverse("admin:sources_article_change", args=[article.pk]))

        assert article_page.status_code == 200
        assert CLAIM_ADD_URL not in article_page.text
