"""The site's addresses, each URL pattern reversed once per process.

reverse() took longer than writing out a whole claim card, and a page of the
tracker holds some hundred links: to claims, speakers and topics by slug, and to
the site's fixed pages in its header, footer and feed links.
"""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# A slug no real one can be, reversed in its place to learn where slugs go in a URL.
_SLUG_MARK = "claimtrack-slug-mark"
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+").fullmatch


def _where():
    # The script prefix (the site may be served under a path) and the URLconf.
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


@functools.cache
def _fixed_url(where, name):
    return reverse(name, urlconf=where[1])


@functools.cache
def _slug_url_parts(where, name):
    return tuple(reverse(name, kwargs={"slug": _SLUG_MARK}, urlconf=where[1]).split(_SLUG_MARK))


def fixed_url(name):
    """reverse(name), for a page whose address has no parameters."""
    return _fixed_url(_where(), name)


def slug_urls(name):
    """A function of a slug giving reverse(name, kwargs={"slug": slug}).

    For many links at once: the script prefix and URLconf, each a context-local
    variable and slower to read than the rest, are read once for all of them.
    """
    before, after = _slug_url_parts(_where(), name)

    def url(slug):
        if not _PLAIN_SLUG(slug):
            # Not a slug that the URL pattern accepts: reverse() says so.
            return reverse(name, kwargs={"slug": slug})
        return f"{before}{slug}{after}"

    return url


def slug_url(name, slug):
    """reverse(name, kwargs={"slug": slug})."""
    return slug_urls(name)(slug)
