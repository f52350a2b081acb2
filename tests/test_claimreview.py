"""The schema.org ClaimReview embedded in claim pages, read back out of the HTML."""

import datetime
import json
import re

import pytest

from claims.models import Status
from tests import factories

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def claim_reviews(client, claim):
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    return [json.loads(block) for block in JSON_LD.findall(response.text)]


@pytest.fixture
def speaker():
    return factories.make_speaker(name="Sergey Lavrov", role="Foreign Minister")


@pytest.fixture
def article():
    return factories.make_article(
        title="Lavrov on cybersecurity talks",
        outlet=factories.make_outlet(name="TASS"),
        url="https://tass.com/politics/1000001",
        published_on=datetime.date(2021, 5, 2),
    )


def test_ordinal_verdict_carries_a_numeric_rating(client, speaker, article):
    claim = factories.make_claim(
        statement="Most cyberattacks on Russia come from the US",
        speaker=speaker,
        article=article,
        status=Status.MOSTLY_FALSE,
        stated_on=datetime.date(2021, 5, 1),
    )
    [review] = claim_reviews(client, claim)
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"http://testserver{claim.get_absolute_url()}"
    assert review["claimReviewed"] == "Most cyberattacks on Russia come from the US"
    assert review["datePublished"] == claim.first_published_at.date().isoformat()
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }


def test_item_reviewed_is_the_speakers_claim_in_the_article(client, speaker, article):
    claim = factories.make_claim(
        speaker=speaker, article=article, status=Status.TRUE, stated_on=datetime.date(2021, 5, 1)
    )
    [review] = claim_reviews(client, claim)
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {
        "@type": "Person",
        "name": "Sergey Lavrov",
        "jobTitle": "Foreign Minister",
    }
    assert item["datePublished"] == "2021-05-01"
    appearance = item["appearance"][0]
    assert appearance["@type"] == "NewsArticle"
    assert appearance["headline"] == "Lavrov on cybersecurity talks"
    assert appearance["url"] == "https://tass.com/politics/1000001"
    assert appearance["publisher"] == {"@type": "Organization", "name": "TASS"}
    assert appearance["datePublished"] == "2021-05-02"
    assert item["firstAppearance"] == appearance
    assert review["reviewRating"]["ratingValue"] == 5


def test_article_without_an_address_appears_as_our_page(client, speaker):
    article = factories.make_article(title="Unlinked report", url="")
    claim = factories.make_claim(speaker=speaker, article=article, status=Status.FALSE)
    [review] = claim_reviews(client, claim)
    appearance = review["itemReviewed"]["appearance"][0]
    assert appearance["url"] == f"http://testserver{article.get_absolute_url()}"


def test_off_scale_verdict_is_named_without_a_number(client, speaker, article):
    claim = factories.make_claim(speaker=speaker, article=article, status=Status.MISLEADING)
    [review] = claim_reviews(client, claim)
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading"}


@pytest.mark.parametrize("status", [Status.UNCHECKED, Status.CHECKING])
def test_claims_not_yet_rated_carry_no_claimreview(client, speaker, article, status):
    claim = factories.make_claim(speaker=speaker, article=article, status=status)
    assert claim_reviews(client, claim) == []


def test_markup_in_the_statement_cannot_end_the_script(client, speaker, article):
    statement = "Hackers </script><script>alert(1)</script> & friends"
    claim = factories.make_claim(
        statement=statement, speaker=speaker, article=article, status=Status.FALSE
    )
    html = client.get(claim.get_absolute_url()).text
    assert "<script>alert(1)" not in html
    [review] = claim_reviews(client, claim)
    assert review["claimReviewed"] == statement


def test_the_author_is_the_organisation_named_in_settings(client, settings, speaker, article):
    settings.CLAIMTRACK_ORGANIZATION_NAME = "Newsroom Fact Desk"
    settings.CLAIMTRACK_ORGANIZATION_URL = "https://factdesk.example.org/"
    claim = factories.make_claim(speaker=speaker, article=article, status=Status.FALSE)

    (review,) = claim_reviews(client, claim)

    assert review["author"] == {
        "@type": "Organization",
        "name": "Newsroom Fact Desk",
        "url": "https://factdesk.example.org/",
    }


def test_without_an_organisation_url_the_author_links_the_site(client, settings, speaker, article):
    settings.CLAIMTRACK_ORGANIZATION_URL = ""
    claim = factories.make_claim(speaker=speaker, article=article, status=Status.FALSE)

    (review,) = claim_reviews(client, claim)

    assert review["author"]["url"] == "http://testserver/"
    assert review["url"] == f"http://testserver{claim.get_absolute_url()}"


def test_the_review_and_the_page_name_the_same_address(client, speaker, article):
    claim = factories.make_claim(speaker=speaker, article=article, status=Status.FALSE)
    html = client.get(claim.get_absolute_url()).text
    [review] = [json.loads(block) for block in JSON_LD.findall(html)]

    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
    assert review["url"] == canonical
    assert f'<meta property="og:url" content="{canonical}">' in html
