"""Failed admin logins, counted per client address and per user name in the cache.

The cache is Redis in production, shared by every app server, so a guesser who
spreads attempts over several servers is counted once. After
CLAIMTRACK_LOGIN_FAILURES_ALLOWED failures within CLAIMTRACK_LOGIN_LOCKOUT_SECONDS
of the first one, the address and the name are each locked out for
CLAIMTRACK_LOGIN_LOCKOUT_SECONDS.
"""

import hashlib
import logging
import math
import time
import unicodedata

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("accounts")


def failures_allowed():
    return settings.CLAIMTRACK_LOGIN_FAILURES_ALLOWED


def lockout_seconds():
    return settings.CLAIMTRACK_LOGIN_LOCKOUT_SECONDS


def client_address(request):
    """The visitor's address: the peer's, or the one our own proxy says it saw.

    Behind the TLS proxy every connection comes from the proxy, and counting it
    would lock every editor out at once. X-Forwarded-For is read only when the
    peer is one of CLAIMTRACK_TRUSTED_PROXIES, and then only the entry that proxy
    appended (the last): anything before it was written by the client, who could
    otherwise escape the limit or lock somebody else out.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if peer in settings.CLAIMTRACK_TRUSTED_PROXIES and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return peer


def normalise_username(username):
    """The name as the lockout sees it: "Editor", "EDITOR" and "editor" are one."""
    return unicodedata.normalize("NFKC", username).casefold()


def _subjects(request, username):
    """The address and, when there is one, the name: (kind, value, cache key suffix) each.

    Values are hashed in keys: a name may be up to 150 characters of anything a
    visitor types, which some cache backends refuse in keys.
    """
    subjects = [("address", client_address(request))]
    if username is not None:
        subjects.append(("username", normalise_username(username)))
    return [
        (kind, value, f"{kind}:{hashlib.sha256(value.encode()).hexdigest()}")
        for kind, value in subjects
    ]


def seconds_locked_out(request, username):
    """How long attempts from this address, or for this name, stay refused (0: not locked)."""
    lockout_keys = [
        f"accounts:login-lockout:{suffix}" for _, _, suffix in _subjects(request, username)
    ]
    unlock_times = cache.get_many(lockout_keys).values()
    if not unlock_times:
        return 0
    return max(1, math.ceil(max(unlock_times) - time.time()))


def record_failure(request, username):
    """Count one failed login for the address and the name; lock out whichever reached the limit."""
    logger.warning("Failed admin login for user name %r from %s", username, client_address(request))
    for kind, value, suffix in _subjects(request, username):
        failures = _count_failure(f"accounts:login-failures:{suffix}")
        # add(), not set(): failures racing past the limit must not push the end back.
        if failures >= failures_allowed() and cache.add(
            f"accounts:login-lockout:{suffix}", time.time() + lockout_seconds(), lockout_seconds()
        ):
            logger.warning(
                "Admin login locked out for %s seconds for %s %r after %s failures",
                lockout_seconds(),
                kind,
                value,
                failures,
            )


def _count_failure(key):
    # add() then incr() are each atomic in the cache, so failures arriving at the
    # same moment on several app servers are all counted. The key expires
    # lockout_seconds() after the failure that created it; incr() keeps that expiry.
    if cache.add(key, 1, lockout_seconds()):
        return 1
    try:
        count = cache.incr(key)
    except ValueError:
        # Expired between add() and incr(): this failure opens a new window.
        cache.add(key, 1, lockout_seconds())
        return 1
    if count == 1:
        # Redis's INCR recreated a key that expired after the backend checked it
        # exists, without an expiry: give it one, or it would count forever.
        cache.touch(key, lockout_seconds())
    return count


def clear_failures(request, username):
    """Forget the failures of the address and the name, after a successful login."""
    cache.delete_many(
        [f"accounts:login-failures:{suffix}" for _, _, suffix in _subjects(request, username)]
    )
