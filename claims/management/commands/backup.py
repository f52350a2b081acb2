"""Write every row of data to one file that `restore` can load into an empty database.

The file is JSON, gzip-compressed when its name ends in .gz:

    {"format": "claimtrack-backup", "version": 1, "created_at": "...",
     "migrations": [["claims", "0001_initial"], ...],
     "objects": [...],
     "counts": {"claims.claim": 12, ...}}

`objects` is what `dumpdata --natural-foreign --natural-primary` writes.
Content types and permissions are not in it (see NOT_BACKED_UP): `migrate`
recreates them, with other ids in another database, so rows refer to them by
natural key. Users and groups are known by their names too; the rows of every
other model keep their primary keys, so ids and the URLs made from them stay
the same. `counts`, written last, says how many rows of each model the file holds.
"""

import datetime
import graphlib
import gzip
import io
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Prefetch
from django.utils import timezone

FORMAT = "claimtrack-backup"
VERSION = 1

NOT_BACKED_UP = {
    # Recreated by `migrate`.
    "contenttypes.contenttype",
    "auth.permission",
    # Worth nothing in another database.
    "sessions.session",
    # Derived from the rows above, so made again by `restore`: the tallies are
    # counted afresh, and the revision that cached pages are keyed by moves on, so
    # that nothing cached before the restore is served after it.
    "claims.publishedtally",
    "claims.publicrevision",
}

# Rows read from the database at a time, so that memory does not grow with the data.
CHUNK_SIZE = 500


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds, which it cuts to milliseconds.

    Whether a status changed after a claim's first publication (the corrections
    log) can turn on less than a millisecond.
    """

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models():
    """Every model whose rows are data, each after the models its relations point to.

    Loading in this order finds the user or group a natural key names already
    loaded; deleting in the reverse order never meets a protected row.
    """
    models = [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in NOT_BACKED_UP
        and model._meta.managed
        and not model._meta.proxy
    ]
    dependencies = {model: _related_models(model) & set(models) - {model} for model in models}
    try:
        return list(graphlib.TopologicalSorter(dependencies).static_order())
    except graphlib.CycleError:
        # Foreign keys are checked at the end of the transaction, so rows load in any order.
        return models


def _related_models(model):
    return {
        field.related_model
        for field in model._meta.get_fields()
        if field.is_relation
        and not field.auto_created
        and field.related_model is not None
        and (not field.many_to_many or field.remote_field.through._meta.auto_created)
    }


def applied_migrations():
    return sorted(MigrationRecorder(connection).applied_migrations())


def default_file_name():
    return timezone.localtime().strftime("claimtrack-backup-%Y%m%d-%H%M%S.json.gz")


class Command(BaseCommand):
    help = (
        "Back up all the data (articles, claims, their history, users and groups, the admin "
        "log) to one file that `restore` loads back. The file holds password hashes: it is "
        "created readable by its owner only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="Where to write (default: claimtrack-backup-YYYYmmdd-HHMMSS.json.gz in the "
            "current folder). Compressed when the name ends in .gz; - writes plain JSON to "
            "standard output.",
        )

    def handle(self, *args, output, **options):
        path = None if output == "-" else Path(output or default_file_name())
        where = path or "standard output"
        try:
            if path is None:
                self.stdout.ending = None  # The serializer writes JSON in pieces.
                counts = self._write(self.stdout)
            else:
                counts = self._write_file(path)
        except DatabaseError as error:
            raise CommandError(f"The backup to {where} failed: {first_line(error)}") from error
        except OSError as error:
            raise CommandError(f"Cannot write {where}: {error.strerror or error}") from error

        if options["verbosity"] > 0:
            # With standard output taken by the data, the summary goes to standard error.
            out = self.stdout if path else self.stderr
            where = path.resolve() if path else where
            out.write(self.style.SUCCESS(f"Backed up {counts.total()} rows to {where}:"))
            for label, count in counts.items():
                out.write(f"  {label}: {count}")

    def _write_file(self, path):
        """Write to a temporary file beside `path`, renamed to it only once complete."""
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
        )
        try:
            with open(descriptor, "wb") as raw:
                if path.name.endswith(".gz"):
                    # Named after the final file, so gunzip -N does not restore the temporary name.
                    with gzip.GzipFile(path.name, "wb", compresslevel=6, fileobj=raw) as binary:
                        counts = self._write_text(binary)
                else:
                    counts = self._write_text(raw)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        return counts

    def _write_text(self, binary):
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
        try:
            return self._write(text)
        finally:
            text.detach()  # Flushes, and leaves closing `binary` to its owner.

    def _write(self, stream):
        """Write the backup to `stream`; returns the number of rows of each model."""
        counts = Counter({model._meta.label_lower: 0 for model in backed_up_models()})
        outermost = not connection.in_atomic_block
        # One transaction, so every table is read as it stood at the same moment (on
        # PostgreSQL that takes REPEATABLE READ, which only a transaction's first
        # statement can ask for: not inside another one, as in the tests).
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            header = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "migrations": applied_migrations(),
            }
            stream.write("{")
            for key, value in header.items():
                stream.write(f"{json.dumps(key)}: {json.dumps(value)},\n")
            stream.write('"objects": ')
            rows = _rows(counts)
            try:
                serializers.serialize(
                    "json",
                    rows,
                    stream=stream,
                    cls=ExactJSONEncoder,
                    use_natural_foreign_keys=True,
                    use_natural_primary_keys=True,
                )
            finally:
                # Closes the database cursor now, should writing fail. Left to the
                # garbage collector, it would close whenever it runs, perhaps in the
                # middle of another query on the connection, which then deadlocks.
                rows.close()
        stream.write(f',\n"counts": {json.dumps(counts)}}}\n')
        return counts


def _rows(counts):
    """Every row of every backed-up model, one chunk at a time; counted into `counts`."""
    for model in backed_up_models():
        for row in _rows_of(model).iterator(chunk_size=CHUNK_SIZE):
            counts[model._meta.label_lower] += 1
            yield row


def _rows_of(model):
    """All the rows of `model`, with what their natural keys need fetched in bulk."""
    many_to_many = [
        Prefetch(field.name, _joining_natural_keys(field.related_model._base_manager.all()))
        for field in model._meta.many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    queryset = _joining_natural_keys(model._base_manager.all())
    return queryset.prefetch_related(*many_to_many).order_by("pk")


def _joining_natural_keys(queryset):
    """`queryset` fetching in the same query the rows its foreign keys name by natural key."""
    relations = [
        field.name
        for field in queryset.model._meta.concrete_fields
        if field.is_relation and hasattr(field.related_model, "natural_key")
    ]
    # select_related() without names would follow every foreign key.
    return queryset.select_related(*relations) if relations else queryset


def first_line(error):
    """The gist of a database's error message, which may go on for lines."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
