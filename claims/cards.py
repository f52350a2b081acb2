"""Claim cards: the claims of a list (the tracker, a speaker's or topic's page, related claims).

A list page shows 20 of them. Fetched as model instances and drawn by the template
engine, they cost more than the rest of the page together (BENCHMARKS.md); here
each is a plain row written out by one f-string (ClaimCard.html), every text in it escaped.
"""

import functools
from dataclasses import dataclass
from html import escape

from django.db import connections
from django.utils.safestring import SafeString

from claims.links import slug_url
from claims.models import Claim, Status, Topic
from sources.text import MONTH_NAMES

_CARD_COLUMNS = (
    "pk",
    "slug",
    "statement",
    "status",
    "stated_on",
    "speaker__name",
    "speaker__slug",
    "article__outlet__name",
)


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

    @property
    def html(self):
        stated_on = self.stated_on
        topics = ""
        if self.topics:
            links = "".join(
                f'<li><a href="{slug_url("claims:topic", slug)}">{escape(name)}</a></li>'
                for name, slug in self.topics
            )
            topics = f'\n  <ul class="topic-list" aria-label="Topics">\n    {links}\n  </ul>'
        return SafeString(
            f'<article class="claim-card">\n'
            f'  <h3 class="claim-card__statement"><a href="{self.get_absolute_url()}">'
            f"{escape(self.statement)}</a></h3>\n"
            f'  <p class="claim-card__status">{status_badge(self.status)}</p>\n'
            f'  <p class="claim-card__meta">\n'
            f'    <a href="{slug_url("claims:speaker", self.speaker_slug)}">'
            f"{escape(self.speaker_name)}</a>\n"
            f'    <span class="sep" aria-hidden="true">·</span>\n'
            f"    {escape(self.outlet_name)}\n"
            f'    <span class="sep" aria-hidden="true">·</span>\n'
            f'    <span class="visually-hidden">Stated on</span> '
            f'<time datetime="{stated_on.isoformat()}">'
            f"{stated_on.day} {MONTH_NAMES[stated_on.month - 1]} {stated_on.year}</time>\n"
            f"  </p>{topics}\n"
            f"</article>"
        )


def _topics_query(claim_count):
    link = Claim.topics.through._meta
    topic = Topic._meta
    placeholders = ", ".join(["%s"] * claim_count)
    return (
        f"SELECT link.claim_id, topic.name, topic.slug FROM {link.db_table} AS link "
        f"JOIN {topic.db_table} AS topic ON topic.{topic.pk.column} = link.topic_id "
        f"WHERE link.claim_id IN ({placeholders}) ORDER BY topic.name"
    )


def claim_cards(claims):
    """The cards of `claims` (a queryset, filtered, ordered and sliced), in two queries.

    The topics are read with a plain query: the ORM took longer to build it than
    the database took to answer.
    """
    rows = list(claims.values_list(*_CARD_COLUMNS))
    topics = {}
    if rows:
        with connections[claims.db].cursor() as cursor:
            cursor.execute(_topics_query(len(rows)), [row[0] for row in rows])
            for claim_id, name, slug in cursor.fetchall():
                topics.setdefault(claim_id, []).append((name, slug))
    return [ClaimCard(*row, topics=tuple(topics.get(row[0], ()))) for row in rows]
