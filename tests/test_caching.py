"""The cache: costly shared data kept under the public revision; every edit shows at once."""

import re

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from claims.caching import cached, current_revision, note_public_change
from claims.models import Claim, PublicRevision, Status
from tests import factories

pytestmark = pytest.mark.django_db

REDIS_CACHES = {
    "default": {
        "BACKEND": "serving.redis_cache.SharedClientRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/12",
        "KEY_PREFIX": "claimtrack-test",
    }
}


def status_count(response, status):
    return dict(response.context["status_counts"])[status]


def test_every_public_edit_moves_the_revision(claim):
    before = current_revision().number
    claim.change_status(Status.TRUE, note="New evidence.")  # the claim, then a StatusChange
    factories.make_counter_source(claim)
    claim.topics.add(factories.make_topic())  # a topic, then the link to it
    claim.speaker.save()
    claim.article.outlet.save()
    assert current_revision().number == before + 7


def test_a_status_change_shows_in_the_next_tracker_counts(client, claim):
    assert status_count(client.get("/"), Status.FALSE) == 1

    claim.change_status(Status.TRUE, note="New evidence.")

    response = client.get("/")
    assert status_count(response, Status.FALSE) == 0
    assert status_count(response, Status.TRUE) == 1


def test_a_published_claim_shows_in_the_next_feed_and_filter_menu(client, claim):
    client.get("/feeds/claims/")
    client.get("/")
    draft = factories.make_claim(
        published=False, statement="Freshly published", speaker=factories.make_speaker(name="Nova")
    )

    assert "Freshly published" not in client.get("/feeds/claims/").text
    draft.publish()

    assert "Freshly published" in client.get("/feeds/claims/").text
    assert re.search(r"<option value=\"\d+\">Nova</option>", client.get("/").text)


def test_the_sitemap_is_cached_until_a_claim_is_published(client, claim):
    index = client.get("/sitemap.xml")
    claims = client.get("/sitemap-claims.xml")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap.xml").content == index.content
        assert client.get("/sitemap-claims.xml").content == claims.content
    # Each read only the revision.
    assert len(queries) == 2
    assert client.get("/sitemap.xml")["X-Robots-Tag"] == index["X-Robots-Tag"]

    published = factories.make_claim(statement="Freshly published")

    assert published.get_absolute_url() in client.get("/sitemap-claims.xml").text


def test_an_unpublished_claim_leaves_the_next_speaker_page(client, claim):
    other = factories.make_claim(speaker=claim.speaker, statement="Second claim")
    page = client.get(claim.speaker.get_absolute_url())
    assert page.context["scorecard_total"] == 2

    other.unpublish()

    page = client.get(claim.speaker.get_absolute_url())
    assert page.context["scorecard_total"] == 1
    assert "Second claim" not in page.text


def test_an_edit_saved_through_the_admin_shows_on_the_next_request(admin_client, client, claim):
    assert claim.statement in client.get("/").text
    form = admin_client.get(f"/admin/claims/claim/{claim.pk}/change/").context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data |= {
        "statement": "Rewritten by an editor",
        "stated_on": claim.stated_on.isoformat(),
        "topics": [],
        "counter_sources-TOTAL_FORMS": 0,
        "counter_sources-INITIAL_FORMS": 0,
        "status_changes-TOTAL_FORMS": 0,
        "status_changes-INITIAL_FORMS": 0,
    }
    response = admin_client.post(f"/admin/claims/claim/{claim.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert "Rewritten by an editor" in client.get("/").text


def page_nonces(response):
    header_nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    return header_nonce, set(re.findall(r'<script[^>]* nonce="([^"]+)"', response.text))


@pytest.mark.parametrize("path", ["/", "/methodology/"])
def test_a_cached_page_gets_each_requests_own_nonce(client, claim, path):
    first, second = client.get(path), client.get(path)
    assert second.context is None  # served from the cache, not rendered

    for response in (first, second):
        header_nonce, script_nonces = page_nonces(response)
        assert script_nonces == {header_nonce}
        assert "claimtrack-csp-nonce" not in response.text
    assert page_nonces(first)[0] != page_nonces(second)[0]


def test_public_pages_set_no_cookie_and_carry_no_csrf_token(client, claim):
    for path in ["/", claim.get_absolute_url(), "/methodology/"]:
        response = client.get(path)
        assert not response.cookies, path
        assert "csrf" not in response.text.lower(), path
        assert "Cookie" not in response.get("Vary", ""), path


def test_an_htmx_fragment_and_the_full_page_are_cached_apart(client, claim):
    full = client.get("/")
    fragment = client.get("/", headers={"HX-Request": "true"})
    again = client.get("/")
    assert "<html" in full.text and "<html" in again.text
    assert "<html" not in fragment.text and fragment["HX-Push-Url"] == "/"
    assert again["Vary"] == full["Vary"]


def test_cache_seconds_zero_switches_the_cache_off(client, claim, settings):
    settings.CLAIMTRACK_CACHE_SECONDS = 0
    calls = []
    request = client.get("/").wsgi_request
    for _ in range(2):
        cached(request, "test", "key", lambda: calls.append(1) or len(calls))
    assert calls == [1, 1]


def test_a_write_that_bypasses_save_shows_once_it_is_noted(client, claim):
    client.get("/")
    Claim.objects.filter(pk=claim.pk).update(statement="Changed in bulk")
    note_public_change()
    assert "Changed in bulk" in client.get("/").text


def test_a_database_where_nothing_has_changed_yet_gets_its_revision_row(client, claim):
    PublicRevision.objects.all().delete()

    assert claim.statement in client.get("/").text
    assert PublicRevision.objects.get().number == 0
    claim.change_status(Status.MISLEADING, note="Context matters.")
    assert status_count(client.get("/"), Status.MISLEADING) == 1


@override_settings(CACHES=REDIS_CACHES)
def test_a_shared_redis_cache_serves_the_next_request_and_sees_edits(client, claim):
    caches["default"].clear()
    try:
        client.get("/")
        assert any(key for key in cache._cache.get_client().keys("claimtrack-test:*"))
        claim.change_status(Status.MISLEADING, note="Context matters.")
        assert status_count(client.get("/"), Status.MISLEADING) == 1
    finally:
        caches["default"].clear()


@override_settings(CACHES=REDIS_CACHES)
def test_the_redis_cache_reuses_one_client_and_round_trips_values():
    caches["default"].clear()
    try:
        cache.set("answer", {"claims": [1, 2]}, 30)
        assert cache.get("answer") == {"claims": [1, 2]}
        # Django's own backend builds a new redis-py client for every operation.
        assert cache._cache.get_client() is cache._cache.get_client(write=True)
    finally:
        caches["default"].clear()


@override_settings(
    CACHES=REDIS_CACHES
    | {"process": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}}
)
def test_each_process_keeps_copies_of_what_it_read_from_redis(client, claim):
    caches["default"].clear()
    caches["process"].clear()
    try:
        client.get("/")
        caches["default"].clear()  # Redis forgets: the process's copy still serves.
        with CaptureQueriesContext(connection) as queries:
            assert claim.statement in client.get("/").text
        assert len(queries) == 1  # The revision: nothing was computed again.
        assert not cache._cache.get_client().keys("claimtrack-test:*")

        claim.change_status(Status.MISLEADING, note="Context matters.")
        assert status_count(client.get("/"), Status.MISLEADING) == 1
    finally:
        caches["default"].clear()
        caches["process"].clear()


UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "serving.redis_cache.SharedClientRedisCache",
        # Nothing listens here: every cache call fails at once with a refused connection.
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@override_settings(CACHES=UNREACHABLE_REDIS)
def test_public_pages_do_without_a_cache_that_is_down(client, claim, caplog):
    for url in ["/", "/feeds/claims/", "/api/claims/", claim.speaker.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert claim.statement in response.content.decode()
    assert "Cache unavailable" in caplog.text


@override_settings(CACHES=UNREACHABLE_REDIS)
def test_the_admin_login_answers_503_while_its_limits_cannot_be_read(client, editor):
    response = client.post(
        "/admin/login/", {"username": editor.username, "password": "wrong", "next": "/admin/"}
    )
    assert response.status_code == 503
    assert response["Retry-After"]
