"""Claimtrack's settings: one module, driven by the environment.

Every variable is read through a helper that raises ImproperlyConfigured on a
value it cannot understand, so a typo stops the process instead of quietly
running with a default.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.csp import CSP
from psycopg_pool import ConnectionPool

from serving.log_format import stdout_logging

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    value = env_str(name).lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {value!r}")


def env_int(name, default):
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name, default=()):
    value = env_str(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "For local development set DJANGO_DEBUG=true (make run does)."
        )
    # Only reachable with DEBUG on: a key that signs nothing of value.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off: "
        "the site's host names, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "django_htmx",
    "sources",
    "accounts",
    "serving",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it sees a view's database errors first: they become a 503 page.
    "serving.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
# `sources` knows nothing of `claims`, whose public pages show speakers and articles.
ABSOLUTE_URL_OVERRIDES = {
    "sources.speaker": lambda speaker: reverse("claims:speaker", args=[speaker.slug]),
    "sources.article": lambda article: reverse("claims:article", args=[article.slug]),
}
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                # After csp: it stands in for the nonce in pages cached for everyone.
                "claims.caching.page_placeholders",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's connection pool replaces persistent connections (CONN_MAX_AGE must stay 0).
    # Connections are checked when taken from the pool, so a database restart costs
    # the requests made while it is down, not every pooled connection afterwards, and
    # a request waits DATABASE_POOL_TIMEOUT seconds at most before the 503 page.
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 5),
            "check": ConnectionPool.check_connection,
        },
        "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 5),
    }
    # A query run DATABASE_PREPARE_THRESHOLD times on a pooled connection is prepared
    # there: PostgreSQL then skips planning it, and planning the claim cards' joins took
    # longer than running them (BENCHMARKS.md). 0 switches it off, as a pooler in
    # transaction mode needs: a statement prepared on one of its server connections is
    # missing from the next.
    prepare_threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
    if prepare_threshold < 0:
        raise ImproperlyConfigured("DATABASE_PREPARE_THRESHOLD must be 0 (off) or more")
    if prepare_threshold:
        DATABASES["default"]["OPTIONS"] |= {
            "server_side_binding": True,
            "prepare_threshold": prepare_threshold,
        }
if test_database_name := env_str("DATABASE_TEST_NAME"):
    # Lets concurrent CI runs on one server each build their own test database.
    DATABASES["default"]["TEST"] = {"NAME": test_database_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every app server when REDIS_URL is set; each process keeps its own
# otherwise. Cached data is keyed by the public data's revision (claims.caching),
# so a change shows on the next request whichever backend holds it.
if redis_url := env_str("REDIS_URL"):
    process_cache_entries = env_int("CLAIMTRACK_PROCESS_CACHE_ENTRIES", 500)
    if process_cache_entries < 1:
        raise ImproperlyConfigured("CLAIMTRACK_PROCESS_CACHE_ENTRIES must be 1 or more")
    CACHES = {
        "default": {
            "BACKEND": "serving.redis_cache.SharedClientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "claimtrack",
        },
        # Each process's copies of what it read from Redis (claims.caching.cached):
        # values never change under their keys, so the copies need no invalidation.
        "process": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "claimtrack-process",
            "OPTIONS": {"MAX_ENTRIES": process_cache_entries},
        },
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long cached data lives; 0 switches the cache off (benchmarks measure both).
CLAIMTRACK_CACHE_SECONDS = env_int("CLAIMTRACK_CACHE_SECONDS", 15 * 60)
if CLAIMTRACK_CACHE_SECONDS < 0:
    raise ImproperlyConfigured("CLAIMTRACK_CACHE_SECONDS must be 0 (off) or more")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The site is written in British English only. Without translations, every URL
# reversed and every date formatted skips looking up the active language, which
# cost the tracker two milliseconds a page; formats still follow LANGUAGE_CODE.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Browsers and CDNs keep static files for a year: every page links them by
# hashed names (the manifest storage), which change whenever their content does.
WHITENOISE_MAX_AGE = 0 if DEBUG else 365 * 24 * 60 * 60
# The test runner switches DEBUG off after this module has read it; keep serving
# static files from the apps and static/ in development and tests all the same.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG

# A strict policy: no inline styles anywhere, and no inline script without the
# request's nonce. htmx is told not to inject its indicator styles (base.html).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
# HTTPS everywhere in production. Turn the redirect off only behind a proxy that
# redirects itself, or to try production settings on loopback.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the app servers over plain HTTP on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
# The TLS-terminating proxy in front of the app servers says which scheme the
# visitor used; it must overwrite any X-Forwarded-Proto a client sends.
if env_bool("DJANGO_BEHIND_HTTPS_PROXY", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The organisation that signs the fact-checks (ClaimReview's author).
CLAIMTRACK_ORGANIZATION_NAME = env_str("CLAIMTRACK_ORGANIZATION_NAME", "Claimtrack")
CLAIMTRACK_ORGANIZATION_URL = env_str("CLAIMTRACK_ORGANIZATION_URL", "")
# The public address, for absolute URLs made outside a request (exports).
CLAIMTRACK_SITE_URL = env_str("CLAIMTRACK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CLAIMTRACK_PAGE_SIZE = env_int("CLAIMTRACK_PAGE_SIZE", 20)
if CLAIMTRACK_PAGE_SIZE < 1:
    raise ImproperlyConfigured("CLAIMTRACK_PAGE_SIZE must be at least 1")

# Repeated failed admin logins from one address, or for one user name, lock
# that address or name out for a while (accounts.throttling).
CLAIMTRACK_LOGIN_FAILURES_ALLOWED = env_int("CLAIMTRACK_LOGIN_FAILURES_ALLOWED", 5)
CLAIMTRACK_LOGIN_LOCKOUT_SECONDS = env_int("CLAIMTRACK_LOGIN_LOCKOUT_SECONDS", 15 * 60)
if CLAIMTRACK_LOGIN_FAILURES_ALLOWED < 1 or CLAIMTRACK_LOGIN_LOCKOUT_SECONDS < 1:
    raise ImproperlyConfigured(
        "CLAIMTRACK_LOGIN_FAILURES_ALLOWED and CLAIMTRACK_LOGIN_LOCKOUT_SECONDS must be at least 1"
    )
# The addresses of our own reverse proxies, whose X-Forwarded-For names the visitor.
CLAIMTRACK_TRUSTED_PROXIES = env_list("CLAIMTRACK_TRUSTED_PROXIES")

LOGGING = stdout_logging(
    env_str("DJANGO_LOG_LEVEL", "INFO").upper(),
    {
        # Django's own handlers (stderr while DEBUG, mail to ADMINS) give way to the root's,
        # so that every record reaches standard output once, in one format.
        "django": {"handlers": [], "level": "NOTSET", "propagate": True},
        # One line per failed request; gunicorn's access log has every 4xx already.
        "django.request": {"level": "ERROR", "propagate": True},
    },
)
