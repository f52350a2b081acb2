"""Caching what is costly and shared, keyed by the revision of the public data.

Every change to anything the public sees moves one counter in the database
(claims.signals). Cached values are stored under the revision they were computed
at, so the next request after a change, on any app server and with any cache
backend, looks for a key that does not exist yet and computes afresh; the old
entries simply expire. Reading the revision costs one indexed query a request.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from redis.exceptions import RedisError

from claims.models import PublicRevision

_REQUEST_ATTRIBUTE = "_claimtrack_revision"
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


def cached(request, name, key, compute):
    """compute(), or what it returned for the same `name` and `key` at this revision.

    CLAIMTRACK_CACHE_SECONDS = 0 switches caching off: compute() runs every time.
    """
    seconds = settings.CLAIMTRACK_CACHE_SECONDS
    if not seconds:
        return compute()
    # Query strings can be long and hold anything: hash them into a valid cache key.
    digest = hashlib.sha256(str(key).encode()).hexdigest()
    cache_key = f"{name}:{request_revision(request).number}:{digest}"
    try:
        value = cache.get(cache_key)
        if value is None:
            value = compute()
            cache.set(cache_key, value, seconds)
        return value
    except RedisError as error:
        # A cache that is down makes pages slower, not broken.
        logger.warning("Cache unavailable, computing %s afresh: %s", name, error)
        return compute()
