"""RSS 2.0 and Atom 1.0 feeds: published claims (all, per search, speaker, topic or status)
and the updates to their verdicts.

A feed reader polls. Each feed view answers a reader's current copy with 304
Not Modified after two small queries (plus the lookups that validate the URL),
without building the feed.
"""

import datetime
import hashlib
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaks_filter, linebreaksbr
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.http import parse_http_date_safe
from django.views.decorators.http import condition

from claims.api import read_only_endpoint
from claims.caching import cached, request_revision
from claims.filters import ORDERINGS, ClaimFilter, filled_query, query_without_page
from claims.models import Claim, PublicRevision, PublishedTally, Status, StatusChange

FEED_LENGTH = 50
NEWEST_PUBLISHED_FIRST = ["-first_published_at", "-pk"]
# Characters XML 1.0 cannot carry at all, not even as character references.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class InvalidSearch(Exception):
    """The search feed's query string has parameters the tracker would reject."""


@dataclass
class FeedSelection:
    """What one feed shows: the channel's title, page and description, and its items.

    `items` holds every item, newest first (the feed shows the first
    FEED_LENGTH). `search` is the tracker query the feed follows, if any: it
    tells one search's feed from another's. `url` (the address requested) and
    `id` (the Atom feed's permanent id) come from the request.
    """

    title: str
    link: str
    description: str
    items: QuerySet
    search: str = ""
    url: str = field(default="", init=False)
    id: str = field(default="", init=False)

    # The public data's revision the feed is built from: set by SelectionFeed.get_object.
    revision: PublicRevision | None = field(default=None, init=False)

    @property
    def last_modified(self):
        """When anything public last changed: it only ever moves forward, deletions included."""
        return self.revision.changed_at

    @property
    def etag(self):
        """Changes with the channel and with every change to the public data.

        Weak: a change elsewhere (another speaker's claim) changes it too, which
        costs a reader one full fetch; reading the revision costs one query.
        """
        version = [self.title, self.link, self.description, str(self.revision.number)]
        digest = hashlib.sha256("\n".join(version).encode()).hexdigest()[:32]
        return f'W/"{digest}"'


class SelectionFeed(Feed):
    """A feed built from the FeedSelection that `select(request, **url_kwargs)` returns."""

    # Item guids are tag: URIs, not addresses.
    item_guid_is_permalink = False

    def __init__(self, feed_type=Rss201rev2Feed):
        self.feed_type = feed_type

    def select(self, request, **kwargs):
        raise NotImplementedError

    def get_object(self, request, **kwargs):
        # Built once per request: the conditional checks use it before the feed does.
        if not hasattr(request, "feed_selection"):
            selection = self.select(request, **kwargs)
            selection.url = request.get_full_path()
            selection.id = feed_id(request.path, selection.search)
            selection.revision = request_revision(request)
            request.feed_selection = selection
        return request.feed_selection

    def get_feed(self, selection, request):
        feed = super().get_feed(selection, request)
        # A search typed into the address, or text pasted into the admin, may hold control
        # characters, and the feed writer refuses to write what XML cannot carry.
        feed.feed = without_characters_xml_forbids(feed.feed)
        feed.items = without_characters_xml_forbids(feed.items)
        return feed

    def title(self, selection):
        return selection.title

    def link(self, selection):
        return selection.link

    def description(self, selection):
        return selection.description

    def subtitle(self, selection):
        return selection.description

    def feed_url(self, selection):
        return selection.url

    def feed_guid(self, selection):
        return selection.id

    def author_name(self):
        return settings.CLAIMTRACK_ORGANIZATION_NAME

    def author_link(self):
        return settings.CLAIMTRACK_ORGANIZATION_URL or None

    def items(self, selection):
        return selection.items[:FEED_LENGTH]


class ClaimsFeed(SelectionFeed):
    """Published claims, newest first publication first."""

    def items(self, selection):
        return selection.items.with_related()[:FEED_LENGTH]

    # Descriptions are written here, not by templates: the template engine took a third
    # of the time of a feed of fifty items.
    def item_description(self, claim):
        speaker, article, status = claim.speaker, claim.article, claim.status_choice
        said_by = escape(speaker.name) + (f", {escape(speaker.role)}" if speaker.role else "")
        return (
            f"<blockquote><p>{linebreaksbr(claim.quote, autoescape=True)}</p></blockquote>\n"
            f"<p>— {said_by}, {date_format(claim.stated_on, 'j F Y')}, "
            f"in “{escape(article.title)}” ({escape(article.outlet.name)})</p>\n"
            f"<p><strong>{escape(status.label)}</strong>: {escape(status.definition)}</p>\n"
            f"{linebreaks_filter(claim.verdict, autoescape=True)}\n"
        )

    def item_title(self, claim):
        # Plain text, as feed readers take RSS titles and Atom's type="text" says; the feed
        # writer escapes it for XML. (Django's default would HTML-escape it a second time.)
        return claim.statement

    def item_guid(self, claim):
        # Unlike the page's URL, stays the same if an editor changes the slug.
        return tag_uri(claim.first_published_at, f"claim:{claim.pk}")

    def item_pubdate(self, claim):
        return claim.first_published_at

    def item_updateddate(self, claim):
        return claim.updated_at

    def item_author_name(self, claim):
        # The person who made the claim; the feed's own author is the fact-checker.
        return claim.speaker.name

    def item_categories(self, claim):
        return [claim.status_choice.label, *(topic.name for topic in claim.topics.all())]


class SearchFeed(ClaimsFeed):
    """The tracker's results for the query string: all published claims without one.

    Without an `ordering` parameter the newest first publications come first
    (what a reader wants to be told about); with one, the tracker's order.
    """

    def select(self, request):
        filterset = ClaimFilter(
            request.GET, queryset=Claim.objects.published().order_by(*NEWEST_PUBLISHED_FIRST)
        )
        if not filterset.is_valid():
            raise InvalidSearch(
                "\n".join(
                    f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
                )
            )
        search = filterset.description
        ordering = filterset.form.cleaned_data.get("ordering")
        order = ORDERINGS[ordering][0].lower() if ordering else "newest published first"
        query = query_without_page(request)
        organization = settings.CLAIMTRACK_ORGANIZATION_NAME
        return FeedSelection(
            title=f"{organization} claims: {search}" if search else f"{organization}: claims",
            link=reverse("claims:tracker") + (f"?{query}" if query else ""),
            description=", ".join(filter(None, ["Published claims", search, order])) + ".",
            items=filterset.results,
            # Part of the feed's id. The tracker's default order is not the feed's:
            # asked for, it makes another feed, which keeps the id it always had.
            search=filled_query(request, without=["page"], keep_default_order=True),
        )


class SpeakerFeed(ClaimsFeed):
    def select(self, request, slug):
        # Like the speaker's page: someone known only from drafts has no public feed.
        speakers = PublishedTally.objects.speakers()
        speaker = get_object_or_404(speakers, slug=slug)
        who = f"{speaker.name}, {speaker.role}" if speaker.role else speaker.name
        return FeedSelection(
            title=f"{settings.CLAIMTRACK_ORGANIZATION_NAME}: claims by {speaker.name}",
            link=speaker.get_absolute_url(),
            description=f"Published claims by {who}, newest first.",
            items=Claim.objects.published().for_speaker(speaker).order_by(*NEWEST_PUBLISHED_FIRST),
        )


class TopicFeed(ClaimsFeed):
    def select(self, request, slug):
        # Like the topic's page: a topic of drafts only has no public feed.
        topics = PublishedTally.objects.topics()
        topic = get_object_or_404(topics, slug=slug)
        return FeedSelection(
            title=f"{settings.CLAIMTRACK_ORGANIZATION_NAME}: claims on {topic.name}",
            link=topic.get_absolute_url(),
            description=f"Published claims on {topic.name}, newest first.",
            items=Claim.objects.published().for_topic(topic).order_by(*NEWEST_PUBLISHED_FIRST),
        )


class StatusFeed(ClaimsFeed):
    def select(self, request, status):
        if status not in Status.values:
            raise Http404(f"There is no status {status!r}.")
        status = Status(status)
        return FeedSelection(
            title=f"{settings.CLAIMTRACK_ORGANIZATION_NAME}: claims rated “{status.label}”",
            link=reverse("claims:tracker") + "?" + urlencode({"status": status.value}),
            description=f"Published claims rated “{status.label}”: {status.definition}",
            items=Claim.objects.published().with_status(status).order_by(*NEWEST_PUBLISHED_FIRST),
        )


class UpdatesFeed(SelectionFeed):
    """Changes of verdict on published claims (the corrections log), newest first."""

    def select(self, request):
        return FeedSelection(
            title=f"{settings.CLAIMTRACK_ORGANIZATION_NAME}: updated verdicts",
            link=reverse("claims:corrections"),
            description="Changes to the verdicts of published claims, newest first.",
            items=StatusChange.objects.public_corrections(),
        )

    def item_description(self, change):
        return (
            f"<p>The verdict on “{escape(change.claim.statement)}” changed from "
            f"<strong>{escape(change.get_from_status_display())}</strong> to "
            f"<strong>{escape(change.get_to_status_display())}</strong>.</p>\n"
            f"{linebreaks_filter(change.note, autoescape=True)}\n"
        )

    def item_title(self, change):
        return (
            f"{change.claim.statement}: "
            f"{change.get_from_status_display()} → {change.get_to_status_display()}"
        )

    def item_link(self, change):
        return f"{change.claim.get_absolute_url()}#change-{change.pk}"

    def item_guid(self, change):
        return tag_uri(change.changed_at, f"status-change:{change.pk}")

    def item_pubdate(self, change):
        return change.changed_at

    def item_updateddate(self, change):
        # Atom requires every entry to say when it last changed; a change is never edited.
        return change.changed_at

    def item_categories(self, change):
        return [change.get_to_status_display()]


def feed_view(feed):
    """`feed` as a view: 304 for a reader's current copy, 400 for a bad search; read-only
    and open to scripts on any site, like the API."""

    def etag(request, **kwargs):
        return feed.get_object(request, **kwargs).etag

    def last_modified(request, **kwargs):
        return feed.get_object(request, **kwargs).last_modified

    def build_feed(request, **kwargs):
        response = feed(request, **kwargs)
        return response.content, response["Content-Type"]

    @condition(etag_func=etag, last_modified_func=last_modified)
    def conditional_feed(request, **kwargs):
        # Items link to the host the feed was asked for: the whole address is the key.
        content, content_type = cached(
            request, "feed", request.build_absolute_uri(), lambda: build_feed(request, **kwargs)
        )
        # Not Django's Last-Modified (the newest item shown): condition() sends the one
        # its 304s compare against.
        return HttpResponse(content, content_type=content_type)

    @read_only_endpoint
    def view(request, **kwargs):
        ignore_if_modified_since_in_the_future(request)
        try:
            return conditional_feed(request, **kwargs)
        except InvalidSearch as error:
            # A feed reader shows no form: say plainly what is wrong.
            return HttpResponseBadRequest(
                f"This feed's search is not valid.\n{error}\n",
                content_type="text/plain; charset=utf-8",
            )

    return view


def ignore_if_modified_since_in_the_future(request):
    """Drop an If-Modified-Since later than now (RFC 2616 calls such a date invalid).

    No copy of ours carries it, and Django would answer 304 to it until that
    time comes, whatever changed before then.
    """
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if since is not None and since > time.time():
        del request.META["HTTP_IF_MODIFIED_SINCE"]


def feed_id(path, search):
    """The Atom feed's id: its address on the public site, with the search it follows.

    Not the address it was fetched at, which may name another host or scheme
    or carry a page number: an id is permanent.
    """
    return settings.CLAIMTRACK_SITE_URL + path + (f"?{search}" if search else "")


def without_characters_xml_forbids(value):
    """`value` (text, or dicts and lists of it) without the characters XML 1.0 cannot carry."""
    if isinstance(value, str):
        return NOT_IN_XML.sub("", value)
    if isinstance(value, dict):
        return {key: without_characters_xml_forbids(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [without_characters_xml_forbids(item) for item in value]
    return value


def tag_uri(minted_at, specific):
    """A tag: URI (RFC 4151) naming one item for good: an RSS guid and an Atom id."""
    authority = urlsplit(settings.CLAIMTRACK_SITE_URL).hostname
    return f"tag:{authority},{minted_at.astimezone(datetime.UTC):%Y-%m-%d}:{specific}"
