import argparse
import time

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from claims import demo
from claims.caching import note_public_change
from claims.models import Claim, CounterSource, PublishedTally, StatusChange, Topic
from sources.models import Article, Outlet, Speaker

MAX_CLAIMS = 2_000_000
# Every table the demo archive fills, which --replace empties first.
ARCHIVE_MODELS = [
    StatusChange,
    CounterSource,
    Claim.topics.through,
    Claim,
    Topic,
    Article,
    Speaker,
    Outlet,
]


def claim_count(value):
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= count <= MAX_CLAIMS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_CLAIMS:,}, not {count}")
    return count


class Command(BaseCommand):
    help = (
        "Fill an empty database with a made-up but realistic archive for demos and benchmarks: "
        "N claims with about N/5 articles from 50 outlets, N/50 speakers, 30 topics, "
        "counter-sources and status histories. The same N and seed give the same archive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--claims",
            type=claim_count,
            required=True,
            metavar="N",
            help=f"How many claims to make (1 to {MAX_CLAIMS:,}).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed of the random choices (default: 1)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete every outlet, speaker, article, topic and claim in the database first "
            "(demo data or not).",
        )

    def handle(self, *args, claims, seed, replace, **options):
        started = time.monotonic()
        progress = self._progress_bar(options["verbosity"])
        with transaction.atomic():
            if replace:
                _empty_archive()
            elif existing := _archive_contents():
                raise CommandError(
                    f"The database already holds {existing}. seed_demo only fills an empty "
                    "archive: pass --replace to delete all of it first."
                )
            counts = demo.load(claims, seed, on_progress=progress)
            # Bulk inserts send no signals: bring what they would have updated up to date.
            PublishedTally.objects.rebuild()
            StatusChange.objects.mark_public_corrections()
            note_public_change()
        # The query planners choose indexes by what they know of the tables, and know
        # nothing of this many new rows until they are analysed. PostgreSQL also vacuums
        # them now: its autovacuum would do it later, in the middle of whatever runs next
        # (make bench's measurements), and index-only scans need the visibility map it
        # writes. VACUUM cannot run inside a transaction (a test's), where ANALYZE can.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")

        self.stdout.write(
            self.style.SUCCESS(
                f"Made {counts.claims} claims ({counts.published} published), "
                f"{counts.articles} articles, {counts.outlets} outlets, "
                f"{counts.speakers} speakers, {counts.topics} topics, "
                f"{counts.counter_sources} counter-sources and "
                f"{counts.status_changes} status changes (seed {seed}) "
                f"in {time.monotonic() - started:.1f} s."
            )
        )

    def _progress_bar(self, verbosity):
        """A callback drawing progress on stderr: redrawn in place on a terminal.

        Elsewhere (a log file, a CI job) it writes a line per tenth done rather
        than one per batch; verbosity 0 silences it.
        """
        if verbosity < 1:
            return None
        redraw = self.stderr.isatty()
        tenths_written = set()

        def show(done, total):
            filled = done * 20 // total
            line = f"Claims [{'#' * filled}{'.' * (20 - filled)}] {done}/{total}"
            if redraw:
                self.stderr.write(f"\r{line}", ending="\n" if done == total else "")
                self.stderr.flush()
            elif (tenth := done * 10 // total) not in tenths_written:
                tenths_written.add(tenth)
                self.stderr.write(line)

        return show


def _archive_contents():
    """What the archive holds, in words ("3 claims, 1 article"), or "" when it is empty."""
    counted = [
        (Claim, "claim"),
        (Article, "article"),
        (Speaker, "speaker"),
        (Outlet, "outlet"),
        (Topic, "topic"),
    ]
    parts = []
    for model, noun in counted:
        if count := model.objects.count():
            parts.append(f"{count} {noun}{'' if count == 1 else 's'}")
    return ", ".join(parts)


def _empty_archive():
    # One TRUNCATE on PostgreSQL, plain DELETEs on SQLite: deleting through the ORM
    # would send a signal (and move the public revision) once per row. Resetting the
    # sequences gives the same seed the same primary keys again.
    tables = [model._meta.db_table for model in ARCHIVE_MODELS]
    # PostgreSQL will not truncate a table whose rows, written earlier in the same
    # transaction, still have foreign key checks pending: have them run now.
    connection.check_constraints(table_names=tables)
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    )
