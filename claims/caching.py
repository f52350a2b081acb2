"""Caching what is costly and shared, keyed by the revision of the public data.

Every change to anything the public sees moves one counter in the database
(claims.signals). Cached values are stored under the revision they were computed
at, so the next request after a change, on any app server and with any cache
backend, looks for a key that does not exist yet and computes afresh; the old
entries simply expire. Reading the revision costs one indexed query a request.
"""

import functools
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.db.models import F
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone
from redis.exceptions import RedisError

from claims.models import PublicRevision

# The cache alias, set beside a shared cache (config.settings), for this process's own copies.
PROCESS_CACHE = "process"
_REQUEST_ATTRIBUTE = "_claimtrack_revision"
_REQUEST_NUMBER_ATTRIBUTE = "_claimtrack_revision_number"
_REVISION_NUMBER_QUERY = (
    f"SELECT number FROM {PublicRevision._meta.db_table} "
    f"WHERE {PublicRevision._meta.pk.column} = %s"
)
logger = logging.getLogger(__name__)


def current_revision():
    revision, _ = PublicRevision.objects.get_or_create(pk=PublicRevision.SINGLETON_ID)
    return revision


def note_public_change():
    """Move the revision on: every cached value computed before is out of date."""
    moved = PublicRevision.objects.filter(pk=PublicRevision.SINGLETON_ID).update(
        number=F("number") + 1, changed_at=timezone.now()
    )
    if not moved:
        PublicRevision.objects.create(pk=PublicRevision.SINGLETON_ID, number=1)


def request_revision(request):
    """The PublicRevision a request works with, read once however many values it caches."""
    if not hasattr(request, _REQUEST_ATTRIBUTE):
        setattr(request, _REQUEST_ATTRIBUTE, current_revision())
    return getattr(request, _REQUEST_ATTRIBUTE)


def request_revision_number(request):
    """The number of request_revision(), read with a plain query when that is all it needs.

    On a page served from the cache this is the request's only query, and the ORM
    took longer to build and read it than the database took to answer.
    """
    if hasattr(request, _REQUEST_ATTRIBUTE):
        return getattr(request, _REQUEST_ATTRIBUTE).number
    if not hasattr(request, _REQUEST_NUMBER_ATTRIBUTE):
        with connection.cursor() as cursor:
            cursor.execute(_REVISION_NUMBER_QUERY, [PublicRevision.SINGLETON_ID])
            row = cursor.fetchone()
        # No row until the first change is noted: request_revision() makes it.
        number = row[0] if row else request_revision(request).number
        setattr(request, _REQUEST_NUMBER_ATTRIBUTE, number)
    return getattr(request, _REQUEST_NUMBER_ATTRIBUTE)


def cached(request, name, key, compute):
    """compute(), or what it returned for the same `name` and `key` at this revision.

    CLAIMTRACK_CACHE_SECONDS = 0 switches caching off: compute() runs every time.
    """
    seconds = settings.CLAIMTRACK_CACHE_SECONDS
    if not seconds:
        return compute()
    # Query strings can be long and hold anything: hash them into a valid cache key.
    digest = hashlib.sha256(str(key).encode()).hexdigest()
    cache_key = f"{name}:{request_revision_number(request)}:{digest}"
    # A value stored under a key never changes (a change makes new keys), so this
    # process may keep a copy of what it read from the shared cache: the busiest
    # pages then cost no round trip to it.
    process_cache = caches[PROCESS_CACHE] if PROCESS_CACHE in settings.CACHES else None
    if process_cache and (value := process_cache.get(cache_key)) is not None:
        return value
    try:
        value = cache.get(cache_key)
        if value is None:
            value = compute()
            cache.set(cache_key, value, seconds)
    except RedisError as error:
        # A cache that is down makes pages slower, not broken.
        logger.warning("Cache unavailable, computing %s afresh: %s", name, error)
        return compute()
    if process_cache:
        process_cache.set(cache_key, value, seconds)
    return value


# Written into a page cached for everyone, and replaced on every response by that
# request's own CSP nonce: a cached page never carries one.
NONCE_PLACEHOLDER = "claimtrack-csp-nonce-placeholder"
_RENDERING_FOR_CACHE = "_claimtrack_rendering_for_cache"


def page_placeholders(request):
    """A context processor: the nonce's placeholder, while a page is rendered for the cache.

    Listed after Django's csp processor, so that it overrides it.
    """
    if getattr(request, _RENDERING_FOR_CACHE, False):
        return {"csp_nonce": NONCE_PLACEHOLDER}
    return {}


def shared_page(view):
    """Serve `view`'s successful responses from the cache, the same for every reader.

    The key is everything the page depends on: the absolute address (the page
    links to its own host) and the htmx headers that choose a fragment and where
    focus goes. Middleware adds the security headers to every response, cached or
    not; the nonce is put in afresh. Public pages hold no CSRF token (base.html).
    """

    @functools.wraps(view)
    def page(request, *args, **kwargs):
        def render():
            setattr(request, _RENDERING_FOR_CACHE, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                setattr(request, _RENDERING_FOR_CACHE, False)
            if response.status_code != 200 or response.streaming:
                return response
            return CachedPage(response.content, list(response.items()))

        key = (
            request.build_absolute_uri(),
            request.headers.get("HX-Request"),
            request.headers.get("HX-History-Restore-Request"),
            request.headers.get("HX-Trigger"),
        )
        page_or_response = cached(request, "page", key, render)
        if not isinstance(page_or_response, CachedPage):
            return page_or_response
        return page_or_response.response_for(request)

    return page


@dataclass
class CachedPage:
    content: bytes
    headers: list

    def response_for(self, request):
        nonce = str(get_nonce(request)).encode()
        response = HttpResponse(self.content.replace(NONCE_PLACEHOLDER.encode(), nonce))
        for header, value in self.headers:
            response[header] = value
        return response
