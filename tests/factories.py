"""Small factories for the test suite: each makes a valid row with overridable fields."""

import datetime
import itertools

from django.contrib.auth.models import Group, User

from claims.models import Claim, CounterSource, Stance, Status, Topic
from sources.models import Article, Outlet, Speaker

_sequence = itertools.count(1)

ARTICLE_TEXT = (
    "MOSCOW, May 1. The minister spoke to reporters.\n\n"
    "\u201cAttacks on our Internet resources, the majority of them, come from the US,\u201d "
    "the minister said.\n\n"
    "He added that talks would continue."
)
ARTICLE_QUOTE = "Attacks on our Internet resources, the majority of them, come from the US"


def make_outlet(**fields):
    number = next(_sequence)
    fields.setdefault("name", f"Outlet {number}")
    return Outlet.objects.create(**fields)


def make_speaker(**fields):
    number = next(_sequence)
    fields.setdefault("name", f"Speaker {number}")
    fields.setdefault("role", "Minister")
    return Speaker.objects.create(**fields)


def make_article(**fields):
    number = next(_sequence)
    fields.setdefault("title", f"Article {number}")
    fields.setdefault("text", ARTICLE_TEXT)
    fields.setdefault("raw_text", fields["text"])
    fields.setdefault("published_on", datetime.date(2021, 5, 1))
    if "outlet" not in fields:
        fields["outlet"] = make_outlet()
    return Article.objects.create(**fields)


def make_topic(**fields):
    number = next(_sequence)
    fields.setdefault("name", f"Topic {number}")
    return Topic.objects.create(**fields)


def make_claim(*, published=True, topics=(), **fields):
    """A claim quoting its article verbatim; published unless told otherwise."""
    number = next(_sequence)
    fields.setdefault("statement", f"Claim number {number} about cyberattacks")
    fields.setdefault("quote", ARTICLE_QUOTE)
    fields.setdefault("stated_on", datetime.date(2021, 5, 1))
    fields.setdefault("status", Status.FALSE)
    fields.setdefault("verdict", "The evidence in hand does not bear this out.")
    if "article" not in fields:
        fields["article"] = make_article()
    if "speaker" not in fields:
        fields["speaker"] = make_speaker()
    claim = Claim.objects.create(**fields)
    claim.topics.set(topics)
    if published:
        claim.publish()
    return claim


def make_counter_source(claim, **fields):
    fields.setdefault("stance", Stance.CONTRADICTS)
    if "article" not in fields:
        fields.setdefault("title", "Joint cybersecurity advisory")
        fields.setdefault("publisher", "NSA, CISA, FBI and NCSC")
    return CounterSource.objects.create(claim=claim, **fields)


def make_editor(username="editor"):
    """A staff user in the Editors group that the data migration creates."""
    user = User.objects.create_user(username, password="editor-password-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user
