"""Load a file that `backup` wrote: all of it or, should anything fail, nothing.

It goes into a database without data (fresh from `migrate`, whose Editors group
and any superuser are matched by name and take the backup's values) or, with
--replace, in place of everything the database holds. Rows are inserted raw, as
loaddata inserts them, so that no signal does its work row by row: the published
tallies are counted again and the public revision moved on once they are in.
"""

import gzip
import json
import zlib
from collections import Counter, defaultdict
from pathlib import Path

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction

from claims.caching import note_public_change
from claims.management.commands.backup import (
    FORMAT,
    VERSION,
    applied_migrations,
    backed_up_models,
    first_line,
)
from claims.models import PublishedTally, StatusChange

GZIP_MAGIC = b"\x1f\x8b"

# m2m rows inserted by one statement.
BATCH_SIZE = 1000


class BadBackup(Exception):
    """The file is not a complete backup that this installation can load."""


class Command(BaseCommand):
    help = (
        "Restore a file written by `backup`. Refuses a database that already holds data "
        "unless --replace is given, which empties it first. Everything happens in one "
        "transaction: if anything fails, the database is left exactly as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The backup (.json.gz or .json).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the data in the database (users and groups included) and put the "
            "backup's in its place.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check that the backup loads, then roll everything back.",
        )

    def handle(self, *args, file, replace, dry_run, **options):
        path = Path(file)
        try:
            backup = read_backup(path)
            check_backup(backup, applied_migrations())
        except BadBackup as error:
            raise CommandError(f"{path}: {error}") from None
        models = backed_up_models()
        try:
            with transaction.atomic():
                if replace:
                    deleted = _delete_everything(models)
                elif held := _data_held(models):
                    raise CommandError(
                        f"The database already holds data ({held}). Give --replace to delete "
                        "it and restore the backup in its place; nothing was changed."
                    )
                _load(backup["objects"])
                connection.check_constraints(
                    table_names=[
                        table
                        for model in models
                        for table in [model._meta.db_table, *_many_to_many_tables(model)]
                    ]
                )
                # Loading sent no signals to keep these in step.
                PublishedTally.objects.rebuild()
                StatusChange.objects.mark_public_corrections()
                note_public_change()
                if dry_run:
                    transaction.set_rollback(True)
                else:
                    # Last, as sequences are not rolled back with the transaction.
                    _reset_sequences(models)
        except (DeserializationError, DatabaseError) as error:
            raise CommandError(
                f"{path}: the restore failed and nothing was changed: {first_line(error)}"
            ) from None

        if options["verbosity"] > 0:
            counts = Counter(backup["counts"])
            done = "Would restore" if dry_run else "Restored"
            summary = f"{done} {counts.total()} rows from {path}"
            if replace:
                summary += f", in place of {deleted} deleted"
            self.stdout.write(self.style.SUCCESS(summary + ":"))
            for label, count in counts.items():
                self.stdout.write(f"  {label}: {count}")


def read_backup(path):
    """The parsed backup at `path`, compressed or not; BadBackup says why it cannot be read."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        raise BadBackup("no such file") from None
    except OSError as error:
        raise BadBackup(f"cannot read it ({error.strerror or error})") from None
    if data.startswith(GZIP_MAGIC):
        try:
            data = gzip.decompress(data)
        except EOFError:
            raise BadBackup("the file is truncated: its compressed data ends early") from None
        except (gzip.BadGzipFile, zlib.error) as error:
            raise BadBackup(f"the compressed data is damaged ({error})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":  # Cut in the middle of a character.
            raise BadBackup("the file is truncated: its JSON ends early") from None
        raise BadBackup("not a backup: neither gzip-compressed nor UTF-8 JSON") from None
    if not text.strip():
        raise BadBackup("the file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # Cut short, JSON fails at the end of the text: in the last token, which
        # is at most a "\uXXXX" escape long, or in a string left open.
        at_the_end = len(text.rstrip()) - error.pos <= len("\\uXXXX")
        if at_the_end or error.msg.startswith("Unterminated string"):
            raise BadBackup("the file is truncated: its JSON ends early") from None
        raise BadBackup(
            f"not a backup: not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno})"
        ) from None


def check_backup(backup, migrations):
    """Refuse, with BadBackup, what is not a complete backup loadable into this database."""
    if isinstance(backup, list):
        raise BadBackup("this looks like dumpdata output, not a backup: load it with loaddata")
    if not isinstance(backup, dict) or backup.get("format") != FORMAT:
        raise BadBackup(f'not a backup: it has no "format": "{FORMAT}"')
    if backup.get("version") != VERSION:
        raise BadBackup(
            f"a backup of version {backup.get('version')!r}, which this version of Claimtrack "
            f"cannot read (it reads version {VERSION})"
        )
    objects, counts, listed = backup.get("objects"), backup.get("counts"), backup.get("migrations")
    if not (isinstance(objects, list) and isinstance(counts, dict) and _is_migrations(listed)):
        raise BadBackup('the backup is incomplete: "objects", "counts" or "migrations" is missing')

    unapplied = {tuple(migration) for migration in listed} - set(migrations)
    if unapplied:
        names = ", ".join(sorted(f"{app}.{name}" for app, name in unapplied))
        raise BadBackup(
            f"the backup comes from a newer database, with migrations not applied here "
            f"({names}): deploy that version and run migrate first"
        )

    fields_of = {
        model._meta.label_lower: {field.name for field in model._meta.get_fields()}
        for model in backed_up_models()
    }
    found = Counter()
    for number, row in enumerate(objects, start=1):
        if not (
            isinstance(row, dict)
            and isinstance(row.get("model"), str)
            and isinstance(row.get("fields"), dict)
        ):
            raise BadBackup(f"object {number} is not a row of a model")
        label = row["model"]
        if label not in fields_of:
            raise BadBackup(f"object {number} is a row of {label}, which is not restored here")
        if unknown := set(row["fields"]) - fields_of[label]:
            raise BadBackup(
                f"object {number} ({label}) has fields this version does not know: "
                + ", ".join(sorted(unknown))
            )
        found[label] += 1
    if dict(found) != {label: count for label, count in counts.items() if count != 0}:
        raise BadBackup("the backup is inconsistent: its rows do not match its counts")


def _is_migrations(value):
    """Whether `value` is a list of [app label, migration name] pairs."""
    return isinstance(value, list) and all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
        for pair in value
    )


def _data_held(models):
    """What the database holds that a restore would overwrite, as text; "" when nothing."""
    held = []
    for model in models:
        if _merged_by_natural_key(model):
            continue
        if count := model._base_manager.count():
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            held.append(f"{count} {name}")
    return ", ".join(held)


def _delete_everything(models):
    """Empty the tables of `models`, those that others point to last; returns how many rows.

    In SQL, with no signals sent row by row: what they keep in step is made again
    once the backup is loaded.
    """
    deleted = 0
    with connection.cursor() as cursor:
        for model in reversed(models):
            for table in [*_many_to_many_tables(model), model._meta.db_table]:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            deleted += cursor.rowcount
    return deleted


def _load(objects):
    """Insert the backup's rows (their m2m rows in bulk), sending no signals that do work."""
    many_to_many_rows = defaultdict(list)
    for row in serializers.deserialize("python", objects):
        model = type(row.object)
        if _merged_by_natural_key(model):
            row.save()  # Over the row of the same name, if any, and its m2m too.
            continue
        many_to_many = row.m2m_data or {}  # save() empties it.
        # The table is empty (see _data_held), so there is no row to update first.
        row.save(save_m2m=False, force_insert=True)
        for name, related_pks in many_to_many.items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            many_to_many_rows[through] += [
                through(**{field.m2m_column_name(): row.object.pk, field.m2m_reverse_name(): pk})
                for pk in related_pks
            ]
    for through, rows in many_to_many_rows.items():
        through._base_manager.bulk_create(rows, batch_size=BATCH_SIZE)


def _merged_by_natural_key(model):
    """Whether the backup knows rows of `model` by natural key (users and groups, by name).

    A row of the same name in the database takes the backup's values: a fresh
    database has the Editors group from its migrations, and perhaps the
    superuser who is restoring.
    """
    return hasattr(model, "natural_key")


def _many_to_many_tables(model):
    return [
        field.remote_field.through._meta.db_table
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]


def _reset_sequences(models):
    """Point the id sequences past the restored rows, so new rows get new ids (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
