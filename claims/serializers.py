"""Claims as plain data: the JSON API, the CSV download and the export command share these.

The JSON shape is a public interface (documented in the README): add keys if
needed, never rename or remove them. Editors' names and internal notes are
never part of it.
"""

import csv
import datetime

from django.urls import reverse

CSV_COLUMNS = [
    "slug",
    "url",
    "statement",
    "quote",
    "speaker",
    "article",
    "outlet",
    "stated_on",
    "status",
    "status_label",
    "rating",
    "verdict",
    "topics",
    "first_published_at",
    "updated_at",
]

CSV_CHUNK_SIZE = 500

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def claim_to_dict(claim, base_url):
    """The public JSON object for a published claim; `base_url` has no trailing slash."""
    speaker = claim.speaker
    article = claim.article
    return {
        "slug": claim.slug,
        "url": base_url + claim.get_absolute_url(),
        "api_url": base_url + reverse("api:claim", kwargs={"slug": claim.slug}),
        "statement": claim.statement,
        "quote": claim.quote,
        "speaker": {
            "name": speaker.name,
            "slug": speaker.slug,
            "role": speaker.role,
            "affiliation": speaker.affiliation,
            "url": base_url + speaker.get_absolute_url(),
        },
        "article": {
            "title": article.title,
            "slug": article.slug,
            "outlet": {"name": article.outlet.name, "slug": article.outlet.slug},
            "published_on": _date(article.published_on),
            "url": base_url + article.get_absolute_url(),
            "original_url": article.url or None,
            "dateline": article.dateline,
        },
        "stated_on": _date(claim.stated_on),
        "first_published_at": _datetime(claim.first_published_at),
        "updated_at": _datetime(claim.updated_at),
        "status": {
            "value": claim.status,
            "label": claim.status_choice.label,
            "definition": claim.status_choice.definition,
            "rating": claim.status_choice.rating,
        },
        "verdict": claim.verdict,
        "topics": [{"name": topic.name, "slug": topic.slug} for topic in claim.topics.all()],
        "counter_sources": [
            _counter_source_to_dict(source, base_url) for source in claim.counter_sources.all()
        ],
        "history": [
            {
                "from": _choice(change.from_status, change.get_from_status_display()),
                "to": _choice(change.to_status, change.get_to_status_display()),
                "changed_at": _datetime(change.changed_at),
                "note": change.note,
            }
            for change in claim.status_changes.all()
        ],
    }


def claim_to_csv_row(claim, base_url):
    """One row of CSV_COLUMNS, safe to open in a spreadsheet."""
    status = claim.status_choice
    row = [
        claim.slug,
        base_url + claim.get_absolute_url(),
        claim.statement,
        claim.quote,
        claim.speaker.name,
        claim.article.title,
        claim.article.outlet.name,
        _date(claim.stated_on),
        status.value,
        status.label,
        status.rating,
        claim.verdict,
        "; ".join(topic.name for topic in claim.topics.all()),
        _datetime(claim.first_published_at),
        _datetime(claim.updated_at),
    ]
    return [neutralize_formula(cell) for cell in row]


class _Line:
    """A file that hands back what is written to it, so csv.writer produces lines to yield."""

    def write(self, line):
        return line


def claims_csv_lines(claims, base_url):
    """The CSV a line at a time, reading claims in chunks: memory stays flat for any number."""
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS)
    for claim in claims.iterator(chunk_size=CSV_CHUNK_SIZE):
        yield writer.writerow(claim_to_csv_row(claim, base_url))


def neutralize_formula(value):
    """Text a spreadsheet would run as a formula, prefixed with ' so it shows as typed."""
    # Some spreadsheets drop leading spaces and line breaks before they look.
    if isinstance(value, str) and (
        value.startswith(_FORMULA_STARTS) or value.lstrip().startswith(_FORMULA_STARTS)
    ):
        return "'" + value
    return value


def _counter_source_to_dict(source, base_url):
    url = source.display_url
    if url and url.startswith("/"):
        url = base_url + url
    return {
        "stance": _choice(source.stance, source.get_stance_display()),
        "title": source.display_title,
        "publisher": source.display_publisher,
        "published_on": _date(source.display_date),
        "url": url or None,
        "note": source.note,
    }


def _choice(value, label):
    return {"value": value, "label": label}


def _date(value):
    return value.isoformat() if value else None


def _datetime(value):
    return value.astimezone(datetime.UTC).isoformat() if value else None
