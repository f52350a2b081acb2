"""The import_articles command: seeds and manifest in, articles and claims out, idempotently."""

import datetime
import io
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.models import Claim, CounterSource, Status, StatusChange, Topic
from sources.models import Article, Outlet, Speaker
from sources.text import find_quote

SEEDS = Path(settings.BASE_DIR) / "seeds"

GOOD_ARTICLE = (
    "Minister says talks will resume\n\n"
    "MOSCOW, June 2. /TASS/. The minister spoke to reporters on Tuesday.\n\n"
    '"Talks with our partners on cybersecurity will resume next month," the minister said.\n'
)
OTHER_ARTICLE = (
    "Envoy expects an answer soon\n\n"
    "WASHINGTON (RIA Novosti): The envoy spoke to reporters.\n\n"
    '"We expect an answer to our proposals soon," he said.\n'
)


GOOD_QUOTE = "Talks with our partners on cybersecurity will resume next month"
MANIFEST_CITING_B = """
    [[claims]]
    slug = "talks-to-resume"
    article = "a.txt"
    speaker = "Sergei Lavrov"
    statement = "Cybersecurity talks will resume next month"
    quote = "{quote}"
    stated_on = 2021-06-02

    [[claims.counter_sources]]
    article = "b.txt"
    stance = "context"

    [[speakers]]
    name = "Sergey Lavrov"
    aliases = ["Sergei Lavrov"]
"""


@dataclass
class Run:
    stdout: str
    stderr: str
    error: CommandError | None

    @property
    def error_lines(self):
        return self.stderr.splitlines()


def import_articles(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=stdout, stderr=stderr)
    except CommandError as error:
        return Run(stdout.getvalue(), stderr.getvalue(), error)
    return Run(stdout.getvalue(), stderr.getvalue(), None)


def snapshot():
    """Every row the import writes, with every field: equal snapshots mean nothing changed."""
    tables = [Outlet, Speaker, Article, Topic, Claim, Claim.topics.through]
    tables += [CounterSource, StatusChange]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in tables}


def write_manifest(folder, text):
    (folder / "manifest.toml").write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def seeds_copy(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def imported_seeds(db):
    run = import_articles(SEEDS)
    assert run.error is None, run.stderr
    return run


# --- The seeds ------------------------------------------------------------------------------------


def test_imports_the_seed_articles_with_their_metadata(imported_seeds):
    assert Article.objects.count() == 5
    assert imported_seeds.stderr == ""
    assert "Articles: 5 created, 0 updated, 0 unchanged." in imported_seeds.stdout
    assert "Failures: 0." in imported_seeds.stdout

    sochi = Article.objects.get(seed_file="000_7b884753c71599ef.txt")
    assert sochi.outlet.name == "TASS"
    assert sochi.outlet.homepage_url == "https://tass.com"
    assert sochi.published_on == datetime.date(2019, 5, 14)
    assert sochi.url == "https://tass.com/society/1058257"
    assert sochi.dateline == "SOCHI"
    assert sochi.raw_text == (SEEDS / sochi.seed_file).read_bytes().decode("utf-8")
    assert "All news" not in sochi.text

    washington = Article.objects.get(seed_file="004_1009c1688e2e5812.txt")
    assert washington.outlet.name == "RIA Novosti"
    assert washington.published_on is None  # Not established; see the manifest.
    assert "summoned to Smolenskaya Square" in washington.text
    assert set(Outlet.objects.values_list("name", flat=True)) == {"TASS", "Sputnik", "RIA Novosti"}


def test_imports_the_curated_claims(imported_seeds):
    claims = Claim.objects.select_related("article", "speaker")

    assert claims.count() >= 12
    assert Speaker.objects.count() >= 4
    assert {claim.article.seed_file for claim in claims} == {
        path.name for path in SEEDS.glob("*.txt")
    }
    assert Claim.objects.drafts().count() == 1
    assert Claim.objects.published().count() == claims.count() - 1
    for claim in claims:
        assert find_quote(claim.article.text, claim.quote), claim.slug
        assert claim.verdict
        assert claim.topics.exists()
        assert len(claim.statement) < 75, claim.slug


def test_records_each_status_in_the_history_before_publication(imported_seeds):
    for claim in Claim.objects.exclude(status=Status.UNCHECKED):
        (change,) = claim.status_changes.all()
        assert (change.from_status, change.to_status) == (Status.UNCHECKED, claim.status)
        assert change.note
        assert change.changed_by is None
        if claim.is_published:
            assert change.changed_at <= claim.first_published_at
    assert not StatusChange.objects.public_corrections().exists()


def test_imports_counter_sources_citing_other_seed_articles_and_external_documents(
    imported_seeds,
):
    cited_articles = CounterSource.objects.filter(article__isnull=False)
    external = CounterSource.objects.filter(article__isnull=True)

    assert cited_articles.exists()
    assert external.exists()
    # 001 (imported before 004) cites 004: added once every article was in.
    no_results = Claim.objects.get(slug="lavrov-internet-rules-talks-brought-no-results")
    assert no_results.counter_sources.get().article.seed_file == "004_1009c1688e2e5812.txt"
    advisory = external.get(publisher="NSA, CISA, FBI and NCSC")
    assert advisory.published_on == datetime.date(2021, 7, 1)
    assert advisory.url == ""  # We did not find its address, so it has none.


def test_a_speaker_named_by_an_alias_is_the_same_speaker(imported_seeds):
    in_2019 = Claim.objects.get(slug="lavrov-most-attacks-on-russian-internet-come-from-us")
    in_2021 = Claim.objects.get(slug="lavrov-russia-constantly-accused-of-hacking")

    assert in_2019.speaker == in_2021.speaker
    assert in_2019.speaker.name == "Sergey Lavrov"
    assert list(Speaker.objects.matching("Sergei Lavrov")) == [in_2019.speaker]


def test_an_alias_in_a_new_manifest_finds_the_existing_speaker(imported_seeds, tmp_path):
    (tmp_path / "new.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    write_manifest(
        tmp_path,
        """
        [[claims]]
        slug = "talks-to-resume-next-month"
        article = "new.txt"
        speaker = "Sergei Lavrov"
        statement = "Cybersecurity talks will resume next month"
        quote = "Talks with our partners on cybersecurity will resume next month"
        stated_on = 2021-06-02
        """,
    )
    speakers_before = Speaker.objects.count()

    run = import_articles(tmp_path)

    assert run.error is None, run.stderr
    assert Speaker.objects.count() == speakers_before
    claim = Claim.objects.get(slug="talks-to-resume-next-month")
    assert claim.speaker.name == "Sergey Lavrov"
    assert claim.status == Status.UNCHECKED
    assert not claim.is_published
    assert not claim.status_changes.exists()


def test_a_counter_source_citing_a_later_file_waits_for_it(db, tmp_path):
    (tmp_path / "a.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(OTHER_ARTICLE, encoding="utf-8")
    write_manifest(tmp_path, MANIFEST_CITING_B.format(quote=GOOD_QUOTE))

    run = import_articles(tmp_path)

    assert run.error is None, run.stderr
    claim = Claim.objects.get(slug="talks-to-resume")
    assert claim.counter_sources.get().article.seed_file == "b.txt"


def test_a_failed_file_leaves_no_counter_source_waiting(db, tmp_path):
    (tmp_path / "a.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(OTHER_ARTICLE, encoding="utf-8")
    # The second claim on a.txt fails, after the first has queued its link to b.txt.
    write_manifest(
        tmp_path,
        MANIFEST_CITING_B.format(quote=GOOD_QUOTE)
        + MANIFEST_CITING_B.format(quote="Not in the text").replace(
            "talks-to-resume", "a-bad-second-claim"
        ),
    )

    run = import_articles(tmp_path)

    (line,) = run.error_lines
    assert "a.txt: claim 'a-bad-second-claim': the quote does not occur" in line
    assert list(Article.objects.values_list("seed_file", flat=True)) == ["b.txt"]
    assert not Claim.objects.exists()
    assert not CounterSource.objects.exists()


# --- Running again --------------------------------------------------------------------------------


def test_running_again_changes_nothing(imported_seeds):
    before = snapshot()

    run = import_articles(SEEDS)

    assert run.error is None, run.stderr
    assert snapshot() == before
    assert "Articles: 0 created, 0 updated, 5 unchanged. Claims: 0 created." in run.stdout


def test_running_again_leaves_claims_that_editors_changed(imported_seeds):
    claim = Claim.objects.get(slug="lavrov-us-blocked-publication-of-cyber-channel-messages")
    claim.verdict = "Edited by an editor."
    claim.save()
    claim.counter_sources.all().delete()

    import_articles(SEEDS)

    claim.refresh_from_db()
    assert claim.verdict == "Edited by an editor."
    assert not claim.counter_sources.exists()


def test_a_changed_file_updates_its_article(db, seeds_copy):
    import_articles(seeds_copy)
    changed = seeds_copy / "000_7b884753c71599ef.txt"
    untouched = Article.objects.exclude(seed_file=changed.name).order_by("pk")
    untouched_before = list(untouched.values("pk", "updated_at", "content_hash"))
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n\nThe press conference lasted an hour.",
        encoding="utf-8",
    )

    run = import_articles(seeds_copy)

    assert run.error is None, run.stderr
    assert "Articles: 0 created, 1 updated, 4 unchanged." in run.stdout
    article = Article.objects.get(seed_file=changed.name)
    assert article.raw_text == changed.read_bytes().decode("utf-8")
    assert article.text.endswith("\n\nThe press conference lasted an hour.")
    assert article.url == "https://tass.com/society/1058257"
    assert list(untouched.values("pk", "updated_at", "content_hash")) == untouched_before


def test_a_change_that_loses_a_claimed_quote_is_refused(db, seeds_copy):
    import_articles(seeds_copy)
    changed = seeds_copy / "000_7b884753c71599ef.txt"
    before = snapshot()
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("the majority of them, ", ""),
        encoding="utf-8",
    )

    run = import_articles(seeds_copy)

    assert isinstance(run.error, CommandError)
    (line,) = run.error_lines
    assert changed.name in line
    assert "lavrov-most-attacks-on-russian-internet-come-from-us" in line
    assert snapshot() == before


# --- Dry runs -------------------------------------------------------------------------------------


def test_a_dry_run_writes_nothing(db):
    run = import_articles(SEEDS, "--dry-run")

    assert run.error is None, run.stderr
    assert "Dry run, nothing was written." in run.stdout
    assert "Articles: 5 created" in run.stdout
    assert all(rows == [] for rows in snapshot().values())


def test_a_dry_run_after_an_import_reports_nothing_to_do(imported_seeds):
    before = snapshot()

    run = import_articles(SEEDS, "--dry-run")

    assert "Articles: 0 created, 0 updated, 5 unchanged. Claims: 0 created." in run.stdout
    assert snapshot() == before


# --- Bad input ------------------------------------------------------------------------------------

CLAIM_ON_BAD_FILE = """
    [[claims]]
    slug = "claim-on-the-bad-file"
    article = "bad.txt"
    speaker = "{speaker}"
    statement = "Talks will resume next month"
    quote = "{quote}"
    stated_on = 2021-06-02
    status = "{status}"
    status_note = "Checked against the ministry's statement."

    [[speakers]]
    name = "The Minister"
"""
CORRECT_CLAIM = {
    "speaker": "The Minister",
    "quote": "Talks with our partners on cybersecurity will resume next month",
    "status": "true",
}


@pytest.mark.parametrize(
    ("bad_bytes", "manifest", "blamed", "reason"),
    [
        (b"", "", "bad.txt", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "", "bad.txt", "binary"),
        ("Caf\u00e9 talks\n\nThey met.\n".encode("latin-1"), "", "bad.txt", "not UTF-8"),
        (b"Just a headline\n", "", "bad.txt", "no body"),
        (
            None,
            '[[articles]]\nfile = "ghost.txt"\nurl = "https://example.com/ghost"\n',
            "manifest.toml",
            "ghost.txt",
        ),
        (
            GOOD_ARTICLE.encode(),
            CLAIM_ON_BAD_FILE.format(**{**CORRECT_CLAIM, "quote": "Talks will never resume"}),
            "bad.txt",
            "quote does not occur",
        ),
        (
            GOOD_ARTICLE.encode(),
            CLAIM_ON_BAD_FILE.format(**{**CORRECT_CLAIM, "status": "probably"}),
            "bad.txt",
            "unknown status 'probably'",
        ),
        (
            GOOD_ARTICLE.encode(),
            CLAIM_ON_BAD_FILE.format(**{**CORRECT_CLAIM, "speaker": "Nobody Known"}),
            "bad.txt",
            "unknown speaker 'Nobody Known'",
        ),
        (
            GOOD_ARTICLE.encode(),
            '[[articles]]\nfile = "bad.txt"\npublished_on = 2021-06-03\n',
            "bad.txt",
            "the text says June 2",
        ),
        (
            b"A headline\n\nSomething happened today.\n",
            "",
            "bad.txt",
            "no outlet",
        ),
    ],
    ids=[
        "empty",
        "binary",
        "latin-1",
        "title-only",
        "missing-file",
        "quote-not-in-text",
        "unknown-status",
        "unknown-speaker",
        "wrong-date",
        "no-outlet",
    ],
)
def test_bad_input_gets_one_line_and_the_rest_still_imports(
    db, tmp_path, bad_bytes, manifest, blamed, reason
):
    if bad_bytes is not None:
        (tmp_path / "bad.txt").write_bytes(bad_bytes)
    (tmp_path / "good.txt").write_text(OTHER_ARTICLE, encoding="utf-8")
    write_manifest(tmp_path, manifest)

    run = import_articles(tmp_path)

    assert isinstance(run.error, CommandError)
    (line,) = run.error_lines
    assert blamed in line
    assert reason in line
    assert "Failures: 1." in run.stdout
    assert Article.objects.filter(seed_file="good.txt").exists()
    assert not Article.objects.filter(seed_file="bad.txt").exists()
    assert not Claim.objects.exists()


def test_a_correct_claim_on_the_same_file_imports(db, tmp_path):
    """The control for the manifest cases above: only the named fault makes them fail."""
    (tmp_path / "bad.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    write_manifest(tmp_path, CLAIM_ON_BAD_FILE.format(**CORRECT_CLAIM))

    run = import_articles(tmp_path)

    assert run.error is None, run.stderr
    claim = Claim.objects.get(slug="claim-on-the-bad-file")
    assert claim.status == Status.TRUE
    assert claim.status_changes.get().note == "Checked against the ministry's statement."
    assert claim.speaker.name == "The Minister"


def test_a_broken_manifest_stops_its_files_but_not_others(db, tmp_path):
    broken, fine = tmp_path / "broken", tmp_path / "fine"
    broken.mkdir()
    fine.mkdir()
    (broken / "a.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    (fine / "b.txt").write_text(OTHER_ARTICLE, encoding="utf-8")
    (broken / "manifest.toml").write_text('[[claims]\nslug = "oops"\n', encoding="utf-8")

    run = import_articles(broken, fine)

    assert isinstance(run.error, CommandError)
    (line,) = run.error_lines
    assert str(broken / "manifest.toml") in line
    assert "not valid TOML" in line
    assert list(Article.objects.values_list("seed_file", flat=True)) == ["b.txt"]


def test_a_path_that_does_not_exist_is_reported(db, tmp_path):
    (tmp_path / "good.txt").write_text(GOOD_ARTICLE, encoding="utf-8")

    run = import_articles(tmp_path / "nowhere", tmp_path / "good.txt")

    assert isinstance(run.error, CommandError)
    (line,) = run.error_lines
    assert "nowhere: no such file or folder" in line
    assert Article.objects.filter(seed_file="good.txt").exists()


def test_a_manifest_year_completes_the_date_in_the_text(db, tmp_path):
    (tmp_path / "good.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    write_manifest(tmp_path, '[[articles]]\nfile = "good.txt"\nyear = 2020\n')

    run = import_articles(tmp_path / "good.txt")

    assert run.error is None, run.stderr
    assert Article.objects.get().published_on == datetime.date(2020, 6, 2)


def test_a_manifest_year_needs_a_month_and_day_in_the_text(db, tmp_path):
    (tmp_path / "good.txt").write_text(OTHER_ARTICLE, encoding="utf-8")
    write_manifest(tmp_path, '[[articles]]\nfile = "good.txt"\nyear = 2021\n')

    run = import_articles(tmp_path)

    (line,) = run.error_lines
    assert "good.txt: the manifest gives only the year 2021" in line
    assert not Article.objects.exists()


def test_a_manifest_given_as_an_article_is_refused(db, tmp_path):
    write_manifest(tmp_path, "")

    run = import_articles(tmp_path / "manifest.toml")

    (line,) = run.error_lines
    assert "this is a manifest, not an article" in line
    assert not Article.objects.exists()


def test_an_explicit_manifest_describes_files_elsewhere(db, tmp_path):
    articles, manifests = tmp_path / "articles", tmp_path / "manifests"
    articles.mkdir()
    manifests.mkdir()
    (articles / "plain.txt").write_text(
        "A headline\n\nSomething happened today.\n", encoding="utf-8"
    )
    manifest = manifests / "described.toml"
    manifest.write_text(
        '[outlets.Interfax]\nhomepage_url = "https://interfax.com"\n\n'
        '[[articles]]\nfile = "plain.txt"\noutlet = "Interfax"\n',
        encoding="utf-8",
    )

    run = import_articles(articles, "--manifest", manifest)

    assert run.error is None, run.stderr
    article = Article.objects.get()
    assert article.outlet.name == "Interfax"
    assert article.outlet.homepage_url == "https://interfax.com"
