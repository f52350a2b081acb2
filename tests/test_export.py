"""manage.py export_claims: every published claim as JSON, CSV or ClaimReview."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from claims.claimreview import claim_review
from claims.models import Claim, Status
from claims.serializers import CSV_COLUMNS, claim_to_dict
from tests import factories

pytestmark = pytest.mark.django_db


def export(*args):
    """(stdout, stderr) of export_claims run with `args`."""
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("export_claims", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def read_csv(text):
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def claims(editor):
    """Published claims, rated and not, with their relations; and a draft."""
    topic = factories.make_topic(name="Cyberattacks")
    rated = factories.make_claim(status=Status.CHECKING, topics=[topic])
    rated.change_status(Status.FALSE, note="The advisory contradicts it.", by=editor)
    factories.make_counter_source(rated, added_by=editor)
    unrated = factories.make_claim(status=Status.UNCHECKED, statement="Лавров: атаки из США")
    misleading = factories.make_claim(status=Status.MISLEADING)
    factories.make_claim(published=False, statement="A draft nobody may see")
    return [rated, unrated, misleading]


def expected_dicts():
    claims = Claim.objects.published().order_by("first_published_at", "pk")
    return [claim_to_dict(claim, settings.CLAIMTRACK_SITE_URL) for claim in claims]


class TestJson:
    def test_to_stdout(self, claims):
        stdout, stderr = export("--format", "json")

        assert json.loads(stdout) == expected_dicts()
        assert [item["slug"] for item in json.loads(stdout)] == [claim.slug for claim in claims]
        assert "A draft nobody may see" not in stdout
        assert stderr == ""

    def test_is_the_default_format(self, claims):
        assert json.loads(export()[0]) == expected_dicts()

    def test_a_dash_for_output_means_stdout(self, claims, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)

        stdout, stderr = export("--output", "-")

        assert json.loads(stdout) == expected_dicts()
        assert stderr == ""
        assert list(tmp_path.iterdir()) == []

    def test_no_published_claims_is_an_empty_list(self, tmp_path):
        factories.make_claim(published=False)
        output = tmp_path / "claims.json"

        _, stderr = export("--output", str(output))

        assert json.loads(output.read_text(encoding="utf-8")) == []
        assert "Exported 0 claims as json" in stderr

    def test_to_a_file_with_a_summary_on_stderr(self, claims, tmp_path):
        output = tmp_path / "claims.json"

        stdout, stderr = export("--format", "json", "--output", str(output))

        assert json.loads(output.read_text(encoding="utf-8")) == expected_dicts()
        assert "Лавров" in output.read_text(encoding="utf-8")
        assert stdout == ""
        assert f"Exported 3 claims as json to {output}." in stderr

    def test_urls_use_the_site_url(self, claims, settings):
        settings.CLAIMTRACK_SITE_URL = "https://claims.example.org"

        [first, *_] = json.loads(export()[0])

        assert first["url"] == f"https://claims.example.org/claims/{claims[0].slug}/"

    def test_no_editor_names_or_internal_notes(self, claims, editor):
        Claim.objects.update(internal_notes="INTERNAL: not for readers")

        stdout, _ = export("--format", "json")

        assert "INTERNAL" not in stdout
        assert editor.username not in stdout


class TestCsv:
    def test_to_stdout_has_the_download_columns(self, claims):
        stdout, _ = export("--format", "csv")

        header, *rows = read_csv(stdout)
        assert header == CSV_COLUMNS
        assert [row[0] for row in rows] == [claim.slug for claim in claims]
        assert not stdout.startswith("\ufeff")
        rated = dict(zip(CSV_COLUMNS, rows[0], strict=True))
        assert rated["status"] == "false"
        assert rated["rating"] == "1"
        assert rated["topics"] == "Cyberattacks"
        assert rated["url"] == f"{settings.CLAIMTRACK_SITE_URL}/claims/{claims[0].slug}/"

    def test_lines_end_in_crlf_in_a_file_too(self, tmp_path):
        verdict = "Two lines:\nthe second."
        factories.make_claim(verdict=verdict)
        output = tmp_path / "claims.csv"

        _, stderr = export("--format", "csv", "--output", str(output))

        content = output.read_bytes()
        assert not content.startswith(b"\xef\xbb\xbf")
        assert content.count(b"\r\n") == 2
        assert content.endswith(b"\r\n")
        _, row = read_csv(content.decode("utf-8"))
        assert row[CSV_COLUMNS.index("verdict")] == verdict
        assert "Exported 1 claim as csv" in stderr

    def test_to_a_file(self, claims, tmp_path):
        output = tmp_path / "claims.csv"

        stdout, stderr = export("--format", "csv", "--output", str(output))

        header, *rows = read_csv(output.read_text(encoding="utf-8"))
        assert header == CSV_COLUMNS
        assert len(rows) == 3
        assert rows[1][CSV_COLUMNS.index("statement")] == "Лавров: атаки из США"
        assert stdout == ""
        assert "Exported 3 claims as csv" in stderr

    @pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r", " =", "\n\t+"])
    def test_guards_against_formula_injection(self, prefix):
        factories.make_claim(
            statement=f"{prefix}cmd|' /C calc'!A0",
            verdict=f"{prefix}1+1",
            speaker=factories.make_speaker(name=f"{prefix}Speaker"),
        )

        _, row = read_csv(export("--format", "csv")[0])

        cells = dict(zip(CSV_COLUMNS, row, strict=True))
        assert cells["statement"] == f"'{prefix}cmd|' /C calc'!A0"
        assert cells["verdict"] == f"'{prefix}1+1"
        assert cells["speaker"] == f"'{prefix}Speaker"

    def test_leaves_ordinary_text_alone(self):
        factories.make_claim(statement="Attacks = crimes, says minister")

        _, row = read_csv(export("--format", "csv")[0])

        assert row[CSV_COLUMNS.index("statement")] == "Attacks = crimes, says minister"


class TestClaimReview:
    def test_exports_the_objects_the_claim_pages_embed_for_rated_claims(self, claims, tmp_path):
        output = tmp_path / "claimreview.json"

        _, stderr = export("--format", "claimreview", "--output", str(output))

        rated = [claims[0], claims[2]]
        expected = [claim_review(claim, settings.CLAIMTRACK_SITE_URL) for claim in rated]
        assert json.loads(output.read_text(encoding="utf-8")) == expected
        assert all(item["@type"] == "ClaimReview" for item in expected)
        assert "Exported 2 claims as claimreview" in stderr

    def test_to_stdout(self, claims):
        reviews = json.loads(export("--format", "claimreview")[0])

        assert [review["claimReviewed"] for review in reviews] == [
            claims[0].statement,
            claims[2].statement,
        ]


class TestErrors:
    def test_unknown_format_is_refused(self):
        with pytest.raises(CommandError, match="invalid choice: 'xml'"):
            export("--format", "xml")

    def test_unwritable_output_is_a_clear_error(self, claims, tmp_path):
        output = tmp_path / "no-such-directory" / "claims.json"

        with pytest.raises(CommandError, match=f"Cannot write {output}: No such file"):
            export("--output", str(output))

    def test_a_directory_is_not_a_file(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot write .*: Is a directory"):
            export("--output", str(tmp_path))
