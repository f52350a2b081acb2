"""Claim cards: the claims of a list (the tracker, a speaker's or topic's page, related claims).

A list page shows 20 of them. Fetched as model instances and drawn by the template
engine, they cost more than the rest of the page together (BENCHMARKS.md); here
each is a plain row, and cards_html writes a list of them with f-strings, every text escaped.
"""

import functools
from dataclasses import dataclass
from html import escape

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.safestring import SafeString

from claims.links import slug_url, slug_urls
from claims.models import Claim, Status, Topic
from sources.models import Article, Outlet, Speaker
from sources.text import MONTH_NAMES


@functools.cache
def status_badge(status):
    """A verdict's badge: its words as well as its colour. `status` is a Status or its value."""
    status = Status(status)
    return f'<span class="badge badge--{status.value}">{escape(status.label)}</span>'


@dataclass(frozen=True, slots=True)
class ClaimCard:
    """What a card shows of a claim, and the card itself (`html`)."""

    pk: int
    slug: str
    statement: str
    status: str
    stated_on: object
    speaker_name: str
    speaker_slug: str
    outlet_name: str
    topics: tuple  # ((name, slug), ...), by name

    def get_absolute_url(self):
        return slug_url("claims:claim", self.slug)


def cards_html(cards):
    """The cards, each an item of a list, every text in them escaped.

    Written with the address patterns of claims, speakers and topics looked up
    once for the whole list (claims.links.slug_urls), not for each of its links.
    """
    claim_url, speaker_url, topic_url = map(
        slug_urls, ("claims:claim", "claims:speaker", "claims:topic")
    )

    def topic_list(topics):
        if not topics:
            return ""
        links = "".join(
            f'<li><a href="{topic_url(slug)}">{escape(name)}</a></li>' for name, slug in topics
        )
        return f'\n  <ul class="topic-list" aria-label="Topics">\n    {links}\n  </ul>'

    return SafeString(
        "".join(
            f'<li><article class="claim-card">\n'
            f'  <h3 class="claim-card__statement"><a href="{claim_url(card.slug)}">'
            f"{escape(card.statement)}</a></h3>\n"
            f'  <p class="claim-card__status">{status_badge(card.status)}</p>\n'
            f'  <p class="claim-card__meta">\n'
            f'    <a href="{speaker_url(card.speaker_slug)}">{escape(card.speaker_name)}</a>\n'
            f'    <span class="sep" aria-hidden="true">·</span>\n'
            f"    {escape(card.outlet_name)}\n"
            f'    <span class="sep" aria-hidden="true">·</span>\n'
            f'    <span class="visually-hidden">Stated on</span> '
            f'<time datetime="{card.stated_on.isoformat()}">'
            f"{card.stated_on.day} {MONTH_NAMES[card.stated_on.month - 1]} "
            f"{card.stated_on.year}</time>\n"
            f"  </p>{topic_list(card.topics)}\n"
            f"</article></li>"
            for card in cards
        )
    )


def _cards_query(claim_count):
    """What the cards of `claim_count` claims show, one row per claim and topic."""
    claim, speaker, article = Claim._meta, Speaker._meta, Article._meta
    outlet, topic, link = Outlet._meta, Topic._meta, Claim.topics.through._meta
    placeholders = ", ".join(["%s"] * claim_count)
    return (
        "SELECT claim.id, claim.slug, claim.statement, claim.status, claim.stated_on,"
        " speaker.name, speaker.slug, outlet.name, topic.name, topic.slug"
        f" FROM {claim.db_table} AS claim"
        f" JOIN {speaker.db_table} AS speaker ON speaker.id = claim.speaker_id"
        f" JOIN {article.db_table} AS article ON article.id = claim.article_id"
        f" JOIN {outlet.db_table} AS outlet ON outlet.id = article.outlet_id"
        f" LEFT JOIN {link.db_table} AS link ON link.claim_id = claim.id"
        f" LEFT JOIN {topic.db_table} AS topic ON topic.id = link.topic_id"
        f" WHERE claim.id IN ({placeholders}) ORDER BY topic.name"
    )


def claim_cards(claims):
    """The cards of `claims` (a queryset, filtered, ordered and sliced), in two queries.

    The first finds the claims' ids, in order, joining nothing: a search's matches
    are sorted before, not after, each is joined to its speaker and outlet (SQLite
    joined the 1 000 matches of "cyber attacks" in 100 000 claims to show 20).
    """
    return cards_of(list(claims.values_list("pk", flat=True)), using=claims.db)


def cards_of(claim_ids, using=DEFAULT_DB_ALIAS):
    """The cards of the claims `claim_ids`, in that order, read with one plain query.

    It includes the topics: the ORM took longer to build it than the database took to answer.
    """
    if not claim_ids:
        return []
    to_date = Claim._meta.get_field("stated_on").to_python  # SQLite answers with text
    cards, topics = {}, {}
    with connections[using].cursor() as cursor:
        cursor.execute(_cards_query(len(claim_ids)), claim_ids)
        for row in cursor.fetchall():
            claim_id, slug, statement, status, stated_on, *names, topic_name, topic_slug = row
            cards[claim_id] = (claim_id, slug, statement, status, to_date(stated_on), *names)
            if topic_name is not None:
                topics.setdefault(claim_id, []).append((topic_name, topic_slug))
    return [
        ClaimCard(*cards[claim_id], topics=tuple(topics.get(claim_id, ())))
        for claim_id in claim_ids
    ]
