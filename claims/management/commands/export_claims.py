"""Export every published claim as JSON (the API's objects), CSV or schema.org ClaimReview."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.claimreview import claim_review
from claims.models import Claim
from claims.serializers import claim_to_dict, claims_csv_lines


def export_json(claims, base_url):
    objects = [claim_to_dict(claim, base_url) for claim in claims.with_details()]
    return len(objects), _json(objects)


def export_csv(claims, base_url):
    header, *rows = claims_csv_lines(claims.with_related(), base_url)
    return len(rows), header + "".join(rows)


def export_claimreview(claims, base_url):
    reviews = [claim_review(claim, base_url) for claim in claims.rated().with_related()]
    return len(reviews), _json(reviews)


# Each takes the claims and the site's address and returns (how many exported, the text).
EXPORTS = {"json": export_json, "csv": export_csv, "claimreview": export_claimreview}


class Command(BaseCommand):
    help = (
        "Export all published claims: json (the API's claim objects), csv (the tracker's "
        "download; plain UTF-8, no byte order mark) or claimreview (schema.org ClaimReview "
        "objects of rated claims). Absolute URLs use CLAIMTRACK_SITE_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", choices=list(EXPORTS), default="json", help="Default: json."
        )
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="Write to FILE instead of standard output (- is standard output).",
        )

    def handle(self, *args, **options):
        export_format, output = options["format"], options["output"]
        # Oldest first publication first: successive exports differ only at the end.
        claims = Claim.objects.published().order_by("first_published_at", "pk")
        count, text = EXPORTS[export_format](claims, settings.CLAIMTRACK_SITE_URL)

        if output in (None, "-"):
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as file:
                file.write(text)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from error
        noun = "claim" if count == 1 else "claims"
        self.stderr.write(
            f"Exported {count} {noun} as {export_format} to {output}.",
            style_func=self.style.SUCCESS,
        )


def _json(data):
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
