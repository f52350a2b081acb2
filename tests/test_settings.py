"""The settings module reads the environment and refuses values it cannot trust."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent


def load_settings(**environment):
    """Import config.settings in a fresh interpreter with exactly these DJANGO_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(environment)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from config import settings as s; print(s.DEBUG, s.SECRET_KEY, s.ALLOWED_HOSTS,"
            " s.DATABASES['default']['ENGINE'])",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_debug_is_off_unless_asked_for_and_then_a_secret_key_is_required():
    result = load_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_use_the_given_secret_and_hosts():
    result = load_settings(
        DJANGO_SECRET_KEY="a-real-secret", DJANGO_ALLOWED_HOSTS="claims.example.org, example.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["False", "a-real-secret"]
    assert "['claims.example.org', 'example.org']" in result.stdout


def test_development_settings_run_without_a_secret():
    result = load_settings(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True django-insecure-")


@pytest.mark.parametrize("value", ["ture", "2", "enabled"])
def test_an_unreadable_boolean_stops_the_process(value):
    result = load_settings(DJANGO_DEBUG=value)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_database_url_selects_postgresql():
    result = load_settings(DJANGO_DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("django.db.backends.postgresql")


def read_setting(expression, **environment):
    """The repr of `expression` (over the settings module `s`) in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", f"from config import settings as s; print(repr({expression}))"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_postgresql_connections_come_from_a_checked_pool():
    result = read_setting(
        "s.DATABASES['default']['OPTIONS']['pool']",
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        DATABASE_POOL_MAX_SIZE="7",
    )
    assert result.returncode == 0, result.stderr
    assert "'max_size': 7" in result.stdout
    assert "check_connection" in result.stdout


def test_postgresql_prepares_repeated_queries_unless_switched_off():
    postgresql = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}
    expression = "{k: v for k, v in s.DATABASES['default']['OPTIONS'].items() if k != 'pool'}"
    by_default = read_setting(expression, **postgresql).stdout
    assert "'server_side_binding': True, 'prepare_threshold': 5" in by_default
    switched_off = read_setting(expression, DATABASE_PREPARE_THRESHOLD="0", **postgresql).stdout
    assert "server_side_binding" not in switched_off
    assert "prepare_threshold" not in switched_off
    negative = read_setting(expression, DATABASE_PREPARE_THRESHOLD="-1", **postgresql)
    assert negative.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD must be 0 (off) or more" in negative.stderr


def test_production_is_https_only_unless_the_redirect_is_switched_off():
    production = {"DJANGO_SECRET_KEY": "a-real-secret", "DJANGO_ALLOWED_HOSTS": "example.org"}
    expression = "(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    assert read_setting(expression, **production).stdout.strip() == "(True, 31536000, True)"
    switched_off = read_setting(expression, DJANGO_SECURE_SSL_REDIRECT="0", **production)
    assert switched_off.stdout.strip() == "(False, 31536000, True)"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CLAIMTRACK_CACHE_SECONDS", "-1", "CLAIMTRACK_CACHE_SECONDS must be 0 (off) or more"),
        ("CLAIMTRACK_LOGIN_LOCKOUT_SECONDS", "0", "must be at least 1"),
        ("CLAIMTRACK_LOGIN_FAILURES_ALLOWED", "many", "must be a whole number"),
    ],
)
def test_unusable_cache_and_login_settings_stop_the_process(name, value, message):
    result = read_setting("s.DEBUG", DJANGO_DEBUG="1", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_with_redis_each_process_keeps_a_bounded_cache_of_its_own():
    redis = {"DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/12"}
    expression = "s.CACHES['process']['OPTIONS']['MAX_ENTRIES']"
    assert read_setting(expression, **redis).stdout.strip() == "500"
    result = read_setting(expression, CLAIMTRACK_PROCESS_CACHE_ENTRIES="0", **redis)
    assert result.returncode != 0
    assert "CLAIMTRACK_PROCESS_CACHE_ENTRIES must be 1 or more" in result.stderr
    assert "'process'" not in read_setting("s.CACHES", DJANGO_DEBUG="1").stdout
