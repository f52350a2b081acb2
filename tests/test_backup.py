"""manage.py backup and restore: every row out to a file, and back, all or nothing."""

import datetime
import gc
import gzip
import inspect
import io
import json
import os
import re
import stat
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.base import DeserializedObject
from django.db import IntegrityError, connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext

from claims.caching import current_revision
from claims.management.commands import restore
from claims.management.commands.backup import backed_up_models
from claims.models import Claim, CounterSource, PublishedTally, Stance, Status, StatusChange
from sources.models import Article
from tests import factories

pytestmark = pytest.mark.django_db

EDITOR_PASSWORD = "editor-password-123"  # What factories.make_editor() sets.


def run(command, *args):
    """(stdout, stderr) of `command` run with `args`."""
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(command, *map(str, args), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def refused(*args):
    """The message of the CommandError that restore ends with."""
    with pytest.raises(CommandError) as raised:
        run("restore", *args)
    return str(raised.value)


def wipe():
    """Empty every table, as a new database is: content types and permissions get new ids."""
    # Runs the foreign key checks still pending in the test's transaction, with
    # which PostgreSQL refuses to truncate the tables.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # A hash is a string to the backup, however costly it was to make.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_content_type_cache():
    """wipe() gives content types new ids, which roll back with the test; the cache keeps them."""
    yield
    ContentType.objects.clear_cache()


def snapshot():
    """Every backed-up row with every field, m2m included.

    Users and groups are keyed by natural key, as the backup knows them (their
    ids may change); every other row by its id, which a restore keeps. Relations
    to rows known by natural key show that key.
    """
    return {model._meta.label_lower: rows_of(model) for model in backed_up_models()}


def rows_of(model):
    by_natural_key = hasattr(model, "natural_key")
    rows = {}
    for obj in model._base_manager.order_by("pk"):
        row = {}
        for field in model._meta.concrete_fields:
            if field.primary_key and by_natural_key:
                continue
            value = getattr(obj, field.attname)
            if value is not None and field.is_relation:
                value = natural_key_or_pk(getattr(obj, field.name))
            row[field.name] = value
        for field in model._meta.many_to_many:
            row[field.name] = sorted(map(natural_key_or_pk, getattr(obj, field.name).all()))
        rows[obj.natural_key() if by_natural_key else obj.pk] = row
    return rows


def tallies():
    return sorted(PublishedTally.objects.values_list("kind", "key", "count"))


def natural_key_or_pk(obj):
    return obj.natural_key() if hasattr(obj, "natural_key") else (obj.pk,)


def read_backup(path):
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return json.load(file)


def write_backup(path, backup):
    with gzip.open(path, "wt", encoding="utf-8") as file:
        json.dump(backup, file)


@pytest.fixture
def newsroom(db):
    """A little of everything: claims, evidence of both kinds, history, a draft, accounts."""
    editor = factories.make_editor()
    chief = User.objects.create_superuser("chief", "chief@example.org", "chief-password-456")
    reviewer = User.objects.create_user("reviewer", first_name="Rita", last_name="Reviewer")
    reviewer.user_permissions.add(Permission.objects.get(codename="view_claim"))

    tass = factories.make_outlet(name="TASS", homepage_url="https://tass.com")
    lavrov = factories.make_speaker(name="Sergey Lavrov", aliases="Sergei Lavrov\nS. Lavrov")
    article = factories.make_article(outlet=tass, url="https://tass.com/society/1058257")
    cited = factories.make_article(title="The advisory, as reported", published_on=None)
    cyber = factories.make_topic(name="Cyberattacks")
    diplomacy = factories.make_topic(name="Diplomacy")

    claim = factories.make_claim(
        article=article, speaker=lavrov, topics=[cyber, diplomacy], status=Status.CHECKING
    )
    claim.change_status(Status.FALSE, note="The joint advisory contradicts it.", by=editor)
    factories.make_counter_source(claim, added_by=editor, published_on=datetime.date(2021, 4, 15))
    factories.make_counter_source(
        claim, article=cited, stance=Stance.CONTEXT, note="How the advisory was reported."
    )
    draft = factories.make_claim(
        published=False,
        article=article,
        speaker=lavrov,
        topics=[cyber],
        status=Status.UNCHECKED,
        statement="Лавров: большинство атак идёт из США",
        internal_notes="Check the transcript first.",
    )
    LogEntry.objects.create(
        user=chief,
        content_type=ContentType.objects.get_for_model(Claim),
        object_id=str(claim.pk),
        object_repr=str(claim),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Verdict"]}}]',
    )
    return {"editor": editor, "claim": claim, "draft": draft}


@pytest.fixture
def backup_file(newsroom, tmp_path):
    path = tmp_path / "backup.json.gz"
    run("backup", "--output", path)
    return path


class TestRoundTrip:
    def test_every_row_comes_back_after_the_database_is_wiped(self, newsroom, tmp_path):
        before, tallies_before = snapshot(), tallies()
        path = tmp_path / "backup.json.gz"
        run("backup", "--output", path)

        wipe()
        assert not Claim.objects.exists()
        assert not Group.objects.exists()
        assert not User.objects.exists()
        run("restore", path)

        assert snapshot() == before
        assert tallies() == tallies_before
        editor = User.objects.get(username="editor")
        assert editor.check_password(EDITOR_PASSWORD)
        assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
        assert editor.has_perm("claims.change_claim")
        assert not editor.has_perm("claims.delete_claim")
        assert User.objects.get(username="reviewer").has_perm("claims.view_claim")
        claim = Claim.objects.get(pk=newsroom["claim"].pk)
        assert sorted(claim.topics.values_list("name", flat=True)) == ["Cyberattacks", "Diplomacy"]
        external, cited = claim.counter_sources.order_by("pk")
        assert (external.title, external.added_by) == ("Joint cybersecurity advisory", editor)
        assert cited.article.title == "The advisory, as reported"
        change = claim.status_changes.get()
        assert (change.from_status, change.to_status, change.changed_by) == (
            Status.CHECKING,
            Status.FALSE,
            editor,
        )
        assert not Claim.objects.get(pk=newsroom["draft"].pk).is_published
        assert LogEntry.objects.get().get_edited_object() == claim

    def test_the_corrections_log_is_worked_out_again(self, newsroom, tmp_path):
        corrections = list(StatusChange.objects.public_corrections().values_list("pk", flat=True))
        assert corrections
        # As in a backup made before the log was kept in its own column.
        StatusChange.objects.update(is_public_correction=False)
        path = tmp_path / "backup.json.gz"
        run("backup", "--output", path)

        run("restore", "--replace", path)

        assert list(StatusChange.objects.public_corrections().values_list("pk", flat=True)) == (
            corrections
        )

    def test_the_backup_holds_every_model_that_holds_data(self, backup_file):
        expected = {
            "sources.outlet",
            "sources.speaker",
            "sources.article",
            "claims.topic",
            "claims.claim",
            "claims.countersource",
            "claims.statuschange",
            "auth.user",
            "auth.group",
            "admin.logentry",
        }
        for app_label in ["sources", "claims"]:
            expected |= {
                model._meta.label_lower for model in apps.get_app_config(app_label).get_models()
            }
        # Derived from the rest, so made again by restore.
        expected -= {"claims.publishedtally", "claims.publicrevision"}
        counts = read_backup(backup_file)["counts"]

        assert expected <= set(counts)
        assert not {"contenttypes.contenttype", "auth.permission", "sessions.session"} & set(counts)
        assert counts["claims.claim"] == 2
        assert counts["claims.countersource"] == 2
        assert counts["auth.user"] == 3

    def test_rows_keep_their_ids_and_refer_to_accounts_by_name(self, backup_file, newsroom):
        objects = read_backup(backup_file)["objects"]

        claim = next(row for row in objects if row["model"] == "claims.claim")
        assert claim["pk"] == Claim.objects.order_by("pk").first().pk
        user = next(row for row in objects if row["model"] == "auth.user")
        assert "pk" not in user
        change = next(row for row in objects if row["model"] == "claims.statuschange")
        assert change["fields"]["changed_by"] == ["editor"]
        group = next(row for row in objects if row["model"] == "auth.group")
        assert ["change_claim", "claims", "claim"] in group["fields"]["permissions"]

    def test_new_rows_after_a_restore_get_new_ids(self, backup_file, newsroom):
        restored_max = {
            model: model.objects.order_by("-pk").first().pk
            for model in [Claim, CounterSource, StatusChange]
        }
        wipe()  # PostgreSQL's sequences start again from 1.
        run("restore", backup_file)

        claim = factories.make_claim(
            article=Article.objects.first(), speaker=Claim.objects.first().speaker
        )
        counter_source = factories.make_counter_source(claim)
        change = claim.change_status(Status.TRUE, note="New evidence.")

        assert claim.pk > restored_max[Claim]
        assert counter_source.pk > restored_max[CounterSource]
        assert change.pk > restored_max[StatusChange]

    def test_the_public_revision_moves_on(self, backup_file):
        wipe()
        before = current_revision().number

        run("restore", backup_file)

        # Rows load raw, without the signals that move it on an edit.
        assert current_revision().number > before

    def test_a_fresh_database_keeps_its_editors_group_and_superuser_by_name(
        self, backup_file, newsroom
    ):
        before = snapshot()
        wipe()
        # What migrate and createsuperuser leave in a new database.
        Group.objects.create(name="Editors")
        User.objects.create_superuser("chief", "new@example.org", "another-password-789")

        run("restore", backup_file)

        assert snapshot() == before
        assert Group.objects.count() == 1
        assert User.objects.get(username="chief").check_password("chief-password-456")

    def test_each_row_costs_one_insert(self, newsroom, tmp_path):
        """No update tried first, no signal doing work row by row, m2m rows in bulk."""
        path = tmp_path / "backup.json.gz"

        def queries_to_restore():
            run("backup", "--output", path)
            with CaptureQueriesContext(connection) as queries:
                run("restore", path, "--replace")
            return len(queries)

        queries_before = queries_to_restore()
        claim = newsroom["claim"]
        for _ in range(10):
            more = factories.make_claim(
                article=claim.article, speaker=claim.speaker, topics=claim.topics.all()
            )
            factories.make_counter_source(more)

        assert queries_to_restore() - queries_before <= 20  # 10 claims, 10 counter-sources.

    def test_a_plain_json_backup_restores_too(self, newsroom, tmp_path):
        before = snapshot()
        path = tmp_path / "backup.json"
        run("backup", "--output", path)
        assert json.loads(path.read_text(encoding="utf-8"))["format"] == "claimtrack-backup"

        wipe()
        run("restore", path)

        assert snapshot() == before


class TestReplacing:
    def test_refused_without_replace_when_the_database_holds_data(self, backup_file, newsroom):
        before = snapshot()

        message = refused(backup_file)

        assert "already holds data" in message
        assert "2 claims" in message
        assert "--replace" in message
        assert snapshot() == before

    def test_replace_puts_back_exactly_what_was_backed_up(self, backup_file, newsroom):
        before = snapshot()
        claim, editor = newsroom["claim"], newsroom["editor"]
        claim.verdict = "Rewritten after the backup."
        claim.save()
        claim.counter_sources.first().delete()
        factories.make_claim(statement="A claim recorded after the backup")
        User.objects.create_user("newcomer")
        editor.set_password("changed-after-backup-1")
        editor.save()

        stdout, _ = run("restore", backup_file, "--replace")

        assert snapshot() == before
        assert not User.objects.filter(username="newcomer").exists()
        assert User.objects.get(username="editor").check_password(EDITOR_PASSWORD)
        assert f"from {backup_file}" in stdout
        assert "  claims.claim: 2" in stdout

    def test_a_dry_run_changes_nothing(self, backup_file, newsroom):
        factories.make_claim(statement="A claim recorded after the backup")
        before = snapshot()
        revision = current_revision().number

        stdout, _ = run("restore", backup_file, "--replace", "--dry-run")

        assert stdout.startswith("Would restore")
        assert snapshot() == before
        assert current_revision().number == revision


def truncated_gzip(path, backup):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def truncated_json(path, backup):
    text = json.dumps(backup)
    path.write_text(text[: len(text) // 2], encoding="utf-8")


def not_a_backup(path, backup):
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x04\xb0")


def not_json(path, backup):
    with gzip.open(path, "wt", encoding="utf-8") as file:
        file.write("format: claimtrack-backup\n")


def dumpdata_output(path, backup):
    write_backup(path, backup["objects"])


def another_format(path, backup):
    write_backup(path, {**backup, "format": "something-else"})


def a_newer_version(path, backup):
    write_backup(path, {**backup, "version": 2})


def counts_that_do_not_match(path, backup):
    write_backup(path, {**backup, "objects": backup["objects"][:-1]})


def an_unknown_model(path, backup):
    row = {"model": "claims.verdict", "pk": 1, "fields": {}}
    counts = {**backup["counts"], "claims.verdict": 1}
    write_backup(path, {**backup, "objects": [*backup["objects"], row], "counts": counts})


def an_unknown_field(path, backup):
    objects = [
        {**row, "fields": {**row["fields"], "rating": 3}} if row["model"] == "claims.claim" else row
        for row in backup["objects"]
    ]
    write_backup(path, {**backup, "objects": objects})


def unapplied_migration(path, backup):
    migrations = [*backup["migrations"], ["claims", "9999_from_the_future"]]
    write_backup(path, {**backup, "migrations": migrations})


class TestBadFiles:
    @pytest.mark.parametrize(
        ("damage", "reason"),
        [
            (truncated_gzip, "the file is truncated: its compressed data ends early"),
            (truncated_json, "the file is truncated: its JSON ends early"),
            (not_a_backup, "not a backup: neither gzip-compressed nor UTF-8 JSON"),
            (not_json, "not a backup: not valid JSON (Expecting value at line 1, column 1)"),
            (dumpdata_output, "this looks like dumpdata output, not a backup"),
            (another_format, 'not a backup: it has no "format": "claimtrack-backup"'),
            (a_newer_version, "a backup of version 2, which this version of Claimtrack"),
            (counts_that_do_not_match, "the backup is inconsistent"),
            (an_unknown_model, "is a row of claims.verdict, which is not restored here"),
            (an_unknown_field, "(claims.claim) has fields this version does not know: rating"),
            (unapplied_migration, "migrations not applied here (claims.9999_from_the_future)"),
        ],
    )
    def test_is_refused_in_one_line_and_changes_nothing(self, backup_file, damage, reason):
        backup = read_backup(backup_file)
        damage(backup_file, backup)
        before = snapshot()

        message = refused(backup_file, "--replace")

        assert message.startswith(f"{backup_file}: ")
        assert reason in message
        assert "\n" not in message
        assert snapshot() == before

    def test_a_file_cut_short_anywhere_is_called_truncated(self, newsroom, tmp_path):
        path = tmp_path / "backup.json"
        run("backup", "--output", path)
        data = path.read_bytes()
        assert "Лавров".encode() in data  # Cuts fall inside characters of several bytes too.

        for end in range(1, len(data) - 1, 7):
            path.write_bytes(data[:end])
            with pytest.raises(restore.BadBackup) as raised:
                restore.read_backup(path)
            assert str(raised.value) == "the file is truncated: its JSON ends early", end

    def test_a_missing_file_is_refused(self, newsroom, tmp_path):
        path = tmp_path / "nowhere.json.gz"
        assert refused(path) == f"{path}: no such file"

    def test_an_empty_file_is_refused(self, newsroom, tmp_path):
        path = tmp_path / "empty.json"
        path.touch()
        assert refused(path) == f"{path}: the file is empty"

    def test_a_permission_this_database_lacks_changes_nothing(self, backup_file):
        backup = read_backup(backup_file)
        group = next(row for row in backup["objects"] if row["model"] == "auth.group")
        group["fields"]["permissions"].append(["fly_claim", "claims", "claim"])
        write_backup(backup_file, backup)
        before = snapshot()

        message = refused(backup_file, "--replace")

        assert message.startswith(f"{backup_file}: the restore failed and nothing was changed: ")
        assert "Permission matching query does not exist" in message
        assert snapshot() == before

    def test_a_failure_halfway_through_loading_changes_nothing(self, backup_file):
        before = snapshot()
        saved = []
        save = DeserializedObject.save

        def fail_halfway(row, *args, **kwargs):
            saved.append(row.object)
            if len(saved) == 10:
                raise IntegrityError("the disk caught fire")
            return save(row, *args, **kwargs)

        with mock.patch.object(DeserializedObject, "save", fail_halfway):
            message = refused(backup_file, "--replace")

        assert message == (
            f"{backup_file}: the restore failed and nothing was changed: the disk caught fire"
        )
        assert len(saved) == 10 < sum(read_backup(backup_file)["counts"].values())
        assert snapshot() == before

    def test_the_command_line_gets_one_line_and_a_failing_exit_status(
        self, newsroom, tmp_path, capsys
    ):
        path = tmp_path / "nowhere.json.gz"
        # run_from_argv closes the connections when it ends, and with them the test's transaction.
        with (
            mock.patch.object(connections, "close_all"),
            pytest.raises(SystemExit) as exited,
        ):
            restore.Command().run_from_argv(["manage.py", "restore", str(path), "--skip-checks"])

        assert exited.value.code == 1
        assert capsys.readouterr().err == f"CommandError: {path}: no such file\n"


class TestBackupFile:
    def test_default_name_is_timestamped_in_the_current_folder(
        self, newsroom, tmp_path, monkeypatch
    ):
        monkeypatch.chdir(tmp_path)

        stdout, _ = run("backup")

        (path,) = (file.resolve() for file in tmp_path.iterdir())
        assert re.fullmatch(r"claimtrack-backup-\d{8}-\d{6}\.json\.gz", path.name)
        assert read_backup(path)["format"] == "claimtrack-backup"
        assert stdout.splitlines()[0] == f"Backed up {count_rows()} rows to {path}:"
        assert "  claims.claim: 2" in stdout.splitlines()
        assert "  auth.user: 3" in stdout.splitlines()

    def test_only_its_owner_may_read_it(self, backup_file):
        # It holds password hashes.
        assert stat.S_IMODE(os.stat(backup_file).st_mode) == 0o600

    def test_records_the_migrations_it_was_made_with(self, backup_file):
        applied = MigrationRecorder(connections["default"]).applied_migrations()
        assert {tuple(pair) for pair in read_backup(backup_file)["migrations"]} == set(applied)

    def test_a_dash_writes_plain_json_to_standard_output(self, newsroom, tmp_path):
        stdout, stderr = run("backup", "--output", "-")

        backup = json.loads(stdout)
        assert backup["counts"]["claims.claim"] == 2
        assert stderr.startswith(f"Backed up {count_rows()} rows to standard output:")

    def test_a_failure_while_writing_leaves_the_previous_backup_alone(self, newsroom, tmp_path):
        path = tmp_path / "backup.json.gz"
        path.write_bytes(b"yesterday's backup")
        written = []

        def disk_full(serializer, obj):
            written.append(obj)
            if len(written) == 5:
                raise OSError(28, "No space left on device")

        with (
            mock.patch("django.core.serializers.json.Serializer.end_object", disk_full),
            pytest.raises(CommandError) as raised,
        ):
            run("backup", "--output", path)

        assert str(raised.value) == f"Cannot write {path}: No space left on device"
        assert list(tmp_path.iterdir()) == [path]
        assert path.read_bytes() == b"yesterday's backup"
        assert not half_read_query_results()

    def test_a_folder_that_does_not_exist_is_one_line(self, newsroom, tmp_path):
        path = tmp_path / "missing" / "backup.json.gz"

        with pytest.raises(CommandError) as raised:
            run("backup", "--output", path)

        assert str(raised.value) == f"Cannot write {path}: No such file or directory"


def half_read_query_results():
    """Generators of query results, read in chunks, that were left half-way.

    Left to the garbage collector, such a generator closes its cursor whenever the
    collector runs: on PostgreSQL, perhaps in the middle of another query on the
    connection, which then deadlocks.
    """
    return [
        obj
        for obj in gc.get_objects()
        if inspect.isgenerator(obj)
        and obj.gi_code.co_name == "cursor_iter"
        and inspect.getgeneratorstate(obj) == inspect.GEN_SUSPENDED
    ]


def count_rows():
    return sum(len(rows) for rows in snapshot().values())
