"""The floor: the tracker's first page made the cheapest way Django allows.

One raw query fetches the rows the tracker shows first (published claims, newest
stated first, with their speakers' names) and an f-string renders them. No ORM,
no template, no filters or counts: what is left is the middleware stack, one
round trip to the database and the bytes of a small page. Every page's time is
compared with this one.
"""

from html import escape

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims.models import Claim, Status
from sources.models import Speaker

FLOOR_QUERY = f"""
    SELECT claim.slug, claim.statement, claim.status, claim.stated_on, speaker.name
    FROM {Claim._meta.db_table} AS claim
    JOIN {Speaker._meta.db_table} AS speaker ON speaker.id = claim.speaker_id
    WHERE claim.is_published = %s
    ORDER BY claim.stated_on DESC, claim.id DESC
    LIMIT %s
"""


def floor_rows():
    """(slug, statement, status, stated_on, speaker name) of the tracker's first page."""
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_QUERY, [True, settings.CLAIMTRACK_PAGE_SIZE])
        return cursor.fetchall()


def _row_html(slug, statement, status, stated_on, speaker_name):
    url = reverse("claims:claim", args=[slug])
    return (
        f'<li><a href="{escape(url)}">{escape(statement)}</a>'
        f" {escape(speaker_name)}, {escape(str(stated_on))}: {escape(Status(status).label)}</li>"
    )


@require_safe
def floor(request):
    items = "\n".join(_row_html(*row) for row in floor_rows())
    return HttpResponse(
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Claims</title></head>\n<body><ul>\n{items}\n</ul></body></html>\n"
    )
