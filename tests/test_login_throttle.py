"""Throttling failed admin logins, per client address and per user name, through the real form."""

import logging
import re
import threading
import time
from unittest import mock

import pytest
import redis
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts import throttling
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("admin:login")
ADMIN_URL = reverse("admin:index")
PASSWORD = "editor-password-123"  # factories.make_editor's
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"

HOME = "192.0.2.10"
ELSEWHERE = "198.51.100.20"


@pytest.fixture(autouse=True)
def throttle_settings(settings):
    """The documented defaults, whatever the environment of the test run says."""
    settings.CLAIMTRACK_LOGIN_FAILURES_ALLOWED = 5
    settings.CLAIMTRACK_LOGIN_LOCKOUT_SECONDS = 15 * 60
    # Local memory even when REDIS_URL is set: its expiry follows the `clock` fixture.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "login-throttle-tests",
        }
    }
    # Every test sends dozens of passwords; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def redis_cache(settings):
    """The production arrangement: every app server counting in one Redis database."""
    settings.CACHES = {
        "default": {
            "BACKEND": "serving.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": "claimtrack-tests",
        }
    }
    cache.clear()
    yield redis.Redis.from_url(REDIS_TEST_URL)
    cache.clear()


class Clock:
    """Stands in for time.time(), which both our code and LocMemCache's expiry read."""

    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake_clock = Clock()
    monkeypatch.setattr(time, "time", fake_clock)
    return fake_clock


@pytest.fixture
def editor(db):
    return factories.make_editor()


def attempt_login(username, password, address=HOME):
    """Fill in and send the admin's login form as a browser would, CSRF token included."""
    browser = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
    page = browser.get(LOGIN_URL, {"next": ADMIN_URL})
    assert page.status_code == 200
    action = re.search(rb'<form action="([^"]+)" method="post" id="login-form">', page.content)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    response = browser.post(
        action[1].decode(),
        {
            "csrfmiddlewaretoken": token[1].decode(),
            "username": username,
            "password": password,
            "next": ADMIN_URL,
        },
    )
    response.browser = browser
    return response


def fail_logins(count, username="editor", address=HOME):
    for _ in range(count):
        response = attempt_login(username, "wrong-password", address)
        assertContains(response, "Please enter the correct username and password")


def assert_logged_in(response, user):
    assertRedirects(response, ADMIN_URL, fetch_redirect_response=False)
    assert response.browser.session["_auth_user_id"] == str(user.pk)
    assert response.browser.get(ADMIN_URL).status_code == 200


def assert_locked_out(response, *, minutes=15, retry_after=15 * 60):
    assert response.status_code == 429
    assert response["Retry-After"] == str(retry_after)
    unit = "minute" if minutes == 1 else "minutes"
    message = f"Too many failed attempts to log in. Please try again in {minutes} {unit}."
    assertContains(response, message, status_code=429)
    assertContains(response, 'id="login-form"', status_code=429)  # still the login page
    assert "_auth_user_id" not in response.browser.session


class TestLockout:
    def test_failures_below_the_limit_do_not_lock(self, editor):
        fail_logins(4)

        assert_logged_in(attempt_login("editor", PASSWORD), editor)

    def test_right_password_is_refused_unchecked_after_the_limit(self, editor, clock):
        fail_logins(5)

        with mock.patch("django.contrib.auth.forms.authenticate", wraps=authenticate) as checked:
            response = attempt_login("editor", PASSWORD)

        assert_locked_out(response)
        checked.assert_not_called()

    def test_another_name_from_the_same_address_is_refused(self, editor, clock):
        other_editor = factories.make_editor("other-editor")
        fail_logins(5, username="editor", address=HOME)

        assert_locked_out(attempt_login("other-editor", PASSWORD, address=HOME))
        assert_logged_in(attempt_login("other-editor", PASSWORD, address=ELSEWHERE), other_editor)

    def test_the_same_name_from_another_address_is_refused(self, editor, clock):
        fail_logins(5, username="editor", address=HOME)

        assert_locked_out(attempt_login("editor", PASSWORD, address=ELSEWHERE))

    def test_names_count_case_folded_and_normalised(self, editor, clock):
        # Fullwidth letters: NFKC makes them plain "editor", as Django's username field does.
        spellings = ["Editor", "EDITOR", "eDiToR", "\uff45\uff44\uff49\uff54\uff4f\uff52", "editor"]
        for number, spelling in enumerate(spellings):
            fail_logins(1, username=spelling, address=f"203.0.113.{number}")

        assert_locked_out(attempt_login("editor", PASSWORD, address=ELSEWHERE))

    def test_failures_for_unknown_names_count_too(self, editor, clock):
        for number in range(5):
            fail_logins(1, username=f"guess-{number}", address=HOME)

        assert_locked_out(attempt_login("editor", PASSWORD, address=HOME))

    def test_the_settings_set_the_limit_and_the_period(self, editor, clock, throttle_settings):
        throttle_settings.CLAIMTRACK_LOGIN_FAILURES_ALLOWED = 2
        throttle_settings.CLAIMTRACK_LOGIN_LOCKOUT_SECONDS = 45
        fail_logins(2)

        assert_locked_out(attempt_login("editor", PASSWORD), minutes=1, retry_after=45)


class TestLockoutPeriod:
    def test_login_works_once_the_lockout_period_has_passed(self, editor, clock):
        fail_logins(5)

        clock.advance(10 * 60)
        assert_locked_out(attempt_login("editor", PASSWORD), minutes=5, retry_after=5 * 60)
        clock.advance(5 * 60 - 1)
        assert_locked_out(attempt_login("editor", PASSWORD), minutes=1, retry_after=1)
        clock.advance(1)
        assert_logged_in(attempt_login("editor", PASSWORD), editor)

    def test_the_lockout_lasts_its_full_period_from_the_last_failure(self, editor, clock):
        fail_logins(4)
        clock.advance(14 * 60)
        fail_logins(1)

        clock.advance(14 * 60)
        assert_locked_out(attempt_login("editor", PASSWORD), minutes=1, retry_after=60)

    def test_the_counting_window_starts_with_the_first_failure(self, editor, clock):
        fail_logins(1)
        clock.advance(10 * 60)
        fail_logins(3)
        # The first failure is forgotten now; later ones must not have stretched its window.
        clock.advance(5 * 60)
        fail_logins(1)

        assert_logged_in(attempt_login("editor", PASSWORD), editor)

    def test_refused_attempts_do_not_extend_the_lockout(self, editor, clock):
        fail_logins(5)
        for _ in range(3):
            clock.advance(5 * 60 - 1)
            assert attempt_login("editor", PASSWORD).status_code == 429

        clock.advance(3)
        assert_logged_in(attempt_login("editor", PASSWORD), editor)


class TestSuccessfulLogin:
    def test_clears_the_count_for_the_name(self, editor):
        fail_logins(4, address=HOME)
        assert_logged_in(attempt_login("editor", PASSWORD, address=HOME), editor)

        # Four more for the name (from elsewhere): eight if the first four still counted.
        fail_logins(4, address=ELSEWHERE)
        assert_logged_in(attempt_login("editor", PASSWORD, address=ELSEWHERE), editor)

    def test_clears_the_count_for_the_address(self, editor):
        fail_logins(4, address=HOME)
        assert_logged_in(attempt_login("editor", PASSWORD, address=HOME), editor)

        # Four more from the address (for other names): eight if the first four still counted.
        for number in range(4):
            fail_logins(1, username=f"guess-{number}", address=HOME)
        assert_logged_in(attempt_login("editor", PASSWORD, address=HOME), editor)

    def test_an_empty_form_neither_counts_nor_clears(self, editor):
        fail_logins(4)
        for username, password in [("", ""), ("editor", ""), ("", PASSWORD)]:
            response = attempt_login(username, password)
            assertContains(response, "This field is required.")

        fail_logins(1)
        assert_locked_out(attempt_login("editor", PASSWORD))


class TestLogging:
    def test_failures_and_lockouts_are_logged_without_the_password(self, editor, caplog):
        with caplog.at_level(logging.WARNING, logger="accounts"):
            fail_logins(5, username="Editor")
            attempt_login("editor", PASSWORD)

        ours = [record for record in caplog.records if record.name == "accounts"]
        messages = [record.getMessage() for record in ours]
        assert messages.count(f"Failed admin login for user name 'Editor' from {HOME}") == 5
        assert (
            f"Admin login locked out for 900 seconds for address '{HOME}' after 5 failures"
            in messages
        )
        assert (
            "Admin login locked out for 900 seconds for username 'editor' after 5 failures"
            in messages
        )
        assert f"Admin login refused while locked out: user name 'editor' from {HOME}" in messages
        assert all(record.levelno == logging.WARNING for record in ours)
        assert "wrong-password" not in caplog.text
        assert PASSWORD not in caplog.text


class TestStaffOnly:
    def test_anonymous_visitors_are_sent_to_the_login_page(self, client):
        response = client.get(ADMIN_URL)

        assertRedirects(response, f"{LOGIN_URL}?next={ADMIN_URL}")

    def test_an_active_user_who_is_not_staff_cannot_sign_in(self, db):
        User.objects.create_user("reader", password=PASSWORD, is_active=True, is_staff=False)

        response = attempt_login("reader", PASSWORD)

        assertContains(response, "Please enter the correct username and password for a staff")
        assert "_auth_user_id" not in response.browser.session
        assert response.browser.get(ADMIN_URL).status_code == 302

    def test_a_signed_in_user_who_is_not_staff_sees_no_admin_page(self, client, db):
        reader = User.objects.create_user("reader", password=PASSWORD, is_staff=False)
        client.force_login(reader)

        response = client.get(ADMIN_URL)

        assertRedirects(response, f"{LOGIN_URL}?next={ADMIN_URL}", fetch_redirect_response=False)
        assertContains(client.get(response.url), "You are authenticated as reader, but are not")


class TestSharedCache:
    def test_failures_are_counted_in_redis_for_every_app_server(self, editor, redis_cache):
        fail_logins(4)
        # Another app server: this thread gets its own cache backend and Redis connection.
        request = RequestFactory(REMOTE_ADDR=HOME).post(LOGIN_URL)
        other_server = threading.Thread(target=throttling.record_failure, args=(request, "editor"))
        other_server.start()
        other_server.join(timeout=30)
        assert not other_server.is_alive()

        assert_locked_out(attempt_login("editor", PASSWORD))
        stored = sorted(key.decode().split(":")[2:4] for key in redis_cache.keys("*"))
        assert stored == [
            ["accounts", "login-failures"],
            ["accounts", "login-failures"],
            ["accounts", "login-lockout"],
            ["accounts", "login-lockout"],
        ]
        assert all(0 < redis_cache.ttl(key) <= 15 * 60 for key in redis_cache.keys("*"))

    def test_success_clears_the_counts_in_redis(self, editor, redis_cache):
        fail_logins(4)
        assert len(redis_cache.keys("*login-failures*")) == 2

        assert_logged_in(attempt_login("editor", PASSWORD), editor)

        assert redis_cache.keys("*login-failures*") == []

    def test_concurrent_failures_are_all_counted(self, editor, redis_cache, throttle_settings):
        throttle_settings.CLAIMTRACK_LOGIN_FAILURES_ALLOWED = 40
        requests = [RequestFactory(REMOTE_ADDR=f"203.0.113.{n}").post(LOGIN_URL) for n in range(40)]
        start_together = threading.Barrier(len(requests))

        def fail(request):
            start_together.wait(timeout=30)
            throttling.record_failure(request, "editor")

        threads = [threading.Thread(target=fail, args=(request,)) for request in requests]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        # Forty failures for the name, none lost to a race: the fortieth locked it out.
        assert_locked_out(attempt_login("editor", PASSWORD, address=ELSEWHERE))


class TestClientAddress:
    def test_a_direct_visitor_is_known_by_the_peer_address(self, settings):
        settings.CLAIMTRACK_TRUSTED_PROXIES = ["10.0.0.2"]
        request = RequestFactory(
            REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9"
        ).post(LOGIN_URL)
        assert throttling.client_address(request) == "198.51.100.7"

    def test_behind_a_trusted_proxy_the_address_it_appended_counts(self, settings):
        settings.CLAIMTRACK_TRUSTED_PROXIES = ["10.0.0.2"]
        request = RequestFactory(
            REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7"
        ).post(LOGIN_URL)
        # The first entry was written by the client: it cannot choose whom to lock out.
        assert throttling.client_address(request) == "198.51.100.7"

    def test_visitors_behind_the_proxy_are_counted_apart(self, editor, settings):
        settings.CLAIMTRACK_TRUSTED_PROXIES = ["127.0.0.1"]
        for _ in range(settings.CLAIMTRACK_LOGIN_FAILURES_ALLOWED):
            guesser = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
            guesser.post(LOGIN_URL, {"username": "nobody", "password": "wrong"})
        editor_browser = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        response = editor_browser.post(
            LOGIN_URL, {"username": editor.username, "password": PASSWORD, "next": "/admin/"}
        )
        assert response.status_code == 302
