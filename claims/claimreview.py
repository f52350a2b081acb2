"""schema.org ClaimReview for a claim: embedded in claim pages and exported in bulk."""

from django.conf import settings

from claims.models import BEST_RATING, WORST_RATING


def claim_review(claim, base_url):
    """The ClaimReview object for a published, rated claim; None for claims not yet rated.

    `base_url` is the site's address without a trailing slash, which turns the
    site's paths into the absolute URLs that schema.org requires.
    """
    status = claim.status_choice
    if not status.is_rated or not claim.first_published_at:
        return None
    rating = {"@type": "Rating", "alternateName": status.label}
    if status.rating is not None:
        rating |= {
            "ratingValue": status.rating,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
        }
    article = claim.article
    appearance = {
        "@type": "NewsArticle",
        "headline": article.title,
        "url": article.url or base_url + article.get_absolute_url(),
        "publisher": {"@type": "Organization", "name": article.outlet.name},
    }
    if article.published_on:
        appearance["datePublished"] = article.published_on.isoformat()
    author = {
        "@type": "Organization",
        "name": settings.CLAIMTRACK_ORGANIZATION_NAME,
        "url": settings.CLAIMTRACK_ORGANIZATION_URL or base_url + "/",
    }
    speaker = {"@type": "Person", "name": claim.speaker.name}
    if claim.speaker.role:
        speaker["jobTitle"] = claim.speaker.role
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": base_url + claim.get_absolute_url(),
        "claimReviewed": claim.statement,
        "datePublished": claim.first_published_at.date().isoformat(),
        "dateModified": claim.updated_at.isoformat(),
        "author": author,
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "author": speaker,
            "datePublished": claim.stated_on.isoformat(),
            "appearance": [appearance],
            "firstAppearance": appearance,
        },
    }
