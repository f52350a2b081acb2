"""Claim cards (claims.cards): what a list of claims shows of each, written out in Python."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.cards import cards_html, claim_cards
from claims.models import Claim, Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    return factories.make_claim(
        statement="Most hacking attacks on Russia come from the US",
        speaker=factories.make_speaker(name="Sergey Lavrov"),
        article=factories.make_article(outlet=factories.make_outlet(name="TASS")),
        status=Status.FALSE,
        stated_on=datetime.date(2021, 5, 1),
        topics=[factories.make_topic(name="Diplomacy"), factories.make_topic(name="Cyber")],
    )


def test_a_card_shows_and_links_what_a_reader_needs(claim):
    html = cards_html(claim_cards(Claim.objects.filter(pk=claim.pk)))
    assert f'<a href="{claim.get_absolute_url()}">{claim.statement}</a>' in html
    assert f'<a href="{claim.speaker.get_absolute_url()}">Sergey Lavrov</a>' in html
    assert "TASS" in html
    assert '<span class="badge badge--false">False</span>' in html
    assert '<time datetime="2021-05-01">1 May 2021</time>' in html
    # Topics by name, each linked to its page.
    topics = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html)
    assert topics == [(topic.get_absolute_url(), topic.name) for topic in claim.topics.all()]
    assert [name for _, name in topics] == ["Cyber", "Diplomacy"]


def test_a_card_without_topics_has_no_empty_list(claim):
    claim.topics.clear()
    assert "topic-list" not in cards_html(claim_cards(Claim.objects.filter(pk=claim.pk)))


def test_a_card_escapes_every_text(claim):
    claim.statement = '<script>alert("statement")</script> & more'
    claim.save()
    claim.speaker.name = "<b>Speaker</b>"
    claim.speaker.save()
    html = cards_html(claim_cards(Claim.objects.filter(pk=claim.pk)))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;statement&quot;)&lt;/script&gt; &amp; more" in html
    assert "&lt;b&gt;Speaker&lt;/b&gt;" in html


def test_cards_cost_two_queries_however_many(claim):
    for _ in range(10):
        factories.make_claim(topics=[factories.make_topic()])
    with CaptureQueriesContext(connection) as queries:
        cards = claim_cards(Claim.objects.order_by("-stated_on", "-pk"))
    assert len(cards) == 11
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        assert claim_cards(Claim.objects.none()) == []
    assert len(queries) <= 1


def test_a_list_of_cards_is_one_item_a_card_in_order(claim):
    later = factories.make_claim(statement="Talks will go on", stated_on=datetime.date(2021, 6, 1))
    cards = claim_cards(Claim.objects.order_by("-stated_on", "-pk"))

    html = cards_html(cards)

    items = re.findall(r'<li><article class="claim-card">.*?</article></li>', html, re.DOTALL)
    assert len(items) == 2
    assert later.statement in items[0] and claim.statement in items[1]
    assert cards_html([]) == ""
