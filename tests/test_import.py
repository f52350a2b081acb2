"""The import_articles command: seeds and manifest in, articles and claims out, idempotently."""

import datetime
import io
import os
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DataError

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


# --- New articles, messy files and awkward paths ----------------------------------------------

TASS_ARTICLE = (
    "US, Russia to hold new round of strategic stability talks\n\n"
    "World\n"
    "June 03, 2021, 20:15 UTC+3 WASHINGTON\n\n"
    "WASHINGTON, June 3. /TASS/. Washington and Moscow will hold a new round of talks, Deputy "
    "Foreign Minister Sergei Ryabkov told reporters on Thursday.\n\n"
    '"We expect the talks to be substantive and we don\'t expect miracles," he said.\n\n'
    "Read also\n\n"
    "Kremlin says no date yet for Putin-Biden summit\n"
)
SPUTNIK_ARTICLE = (
    "Kremlin: Talks With US on Cyber Issues to Continue\n"
    "14:02 GMT 03.06.2021\n"
    "© Sputnik / Grigoriy Sysoev / Go to the mediabankKremlin spokesman Dmitry Peskov\n"
    "Kremlin spokesman Dmitry Peskov - Sputnik International\n"
    "MOSCOW (Sputnik) — The Kremlin expects the talks with the United States to continue, "
    "spokesman Dmitry Peskov said on Thursday.\n"
    "US Imposes New Sanctions on Russian Entities\n"
    "The next round is planned for July.\n"
)
RIA_ARTICLE = (
    "Russian envoy says US has not answered proposals\n\n"
    "MOSCOW, June 4 (RIA Novosti) – The United States has not answered Russia's proposals on "
    "cybersecurity, the Russian ambassador said on Friday.\n\n"
    "“We are still waiting,” he said.\n"
)
RYABKOV_CLAIM = """
    [[speakers]]
    name = "Sergey Ryabkov"
    role = "Russian Deputy Foreign Minister"
    aliases = ["Sergei Ryabkov"]

    [[articles]]
    file = "tass.txt"
    url = "https://tass.com/politics/0000001"

    [[claims]]
    slug = "ryabkov-expects-substantive-talks"
    article = "tass.txt"
    speaker = "Sergei Ryabkov"
    statement = "The talks will be substantive"
    quote = "“We expect the talks to be substantive and we don’t expect miracles,”"
    stated_on = 2021-06-03
    topics = ["Strategic stability", "C++ & \\"cyber\\" <talks>", "Кибербезопасность"]
    status = "checking"
    status_note = "Waiting for the talks."
    published = true
"""
NEW_ARTICLES_MANIFEST = (
    RYABKOV_CLAIM
    + """
    [[claims.counter_sources]]
    article = "sputnik.txt"
    stance = "context"

    [outlets."RIA Novosti"]
    homepage_url = "https://ria.ru"

    [[articles]]
    file = "ria.txt"
    year = 2021
"""
)


def write_articles(folder, **texts):
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def test_imports_new_articles_from_each_agency_with_their_claims(db, tmp_path):
    folder = write_articles(tmp_path, tass=TASS_ARTICLE, sputnik=SPUTNIK_ARTICLE, ria=RIA_ARTICLE)
    write_manifest(folder, NEW_ARTICLES_MANIFEST)

    run = import_articles(folder)

    assert run.error is None, run.stderr
    articles = {article.seed_file: article for article in Article.objects.select_related("outlet")}
    assert {name: article.outlet.name for name, article in articles.items()} == {
        "tass.txt": "TASS",
        "sputnik.txt": "Sputnik",
        "ria.txt": "RIA Novosti",
    }
    assert articles["tass.txt"].published_on == datetime.date(2021, 6, 3)
    assert articles["sputnik.txt"].published_on == datetime.date(2021, 6, 3)
    assert articles["ria.txt"].published_on == datetime.date(2021, 6, 4)
    assert articles["ria.txt"].outlet.homepage_url == "https://ria.ru"
    assert "Kremlin says no date yet" not in articles["tass.txt"].text
    claim = Claim.objects.get()
    assert claim.speaker.name == "Sergey Ryabkov"  # Named by an alias.
    assert sorted(claim.topics.values_list("name", flat=True)) == [
        'C++ & "cyber" <talks>',
        "Strategic stability",
        "Кибербезопасность",
    ]
    assert claim.counter_sources.get().article == articles["sputnik.txt"]
    assert Claim.objects.published().get() == claim

    before = snapshot()
    again = import_articles(folder)

    assert again.error is None, again.stderr
    assert snapshot() == before


@pytest.mark.parametrize(
    "mess",
    [
        lambda text: text.replace("\n", "\r\n"),
        lambda text: "\ufeff" + text,
        lambda text: text.replace(" ", "\t"),
        lambda text: text.replace(" ", "\u00a0"),
        lambda text: text.replace("\n", "  \t\n"),
    ],
    ids=["crlf", "bom", "tabs", "nbsp", "trailing-space"],
)
def test_messy_white_space_imports_with_its_claims(db, tmp_path, mess):
    (tmp_path / "tass.txt").write_bytes(mess(TASS_ARTICLE).encode("utf-8"))
    write_manifest(tmp_path, RYABKOV_CLAIM)

    run = import_articles(tmp_path)

    assert run.error is None, run.stderr
    article = Article.objects.get()
    assert article.title == "US, Russia to hold new round of strategic stability talks"
    assert article.raw_text.encode("utf-8") == mess(TASS_ARTICLE).encode("utf-8")
    assert "\t" not in article.text and "\u00a0" not in article.text and "\r" not in article.text
    assert Claim.objects.get().article == article


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"  \r\n\t\r\n", "the file is empty"),
        ("\ufeff\u00a0\n".encode(), "the file is empty"),
        (TASS_ARTICLE.encode("utf-16"), "UTF-16"),
    ],
    ids=["white-space", "bom-and-nbsp", "utf-16"],
)
def test_a_file_of_white_space_or_utf_16_gets_one_line(db, tmp_path, data, reason):
    (tmp_path / "bad.txt").write_bytes(data)
    (tmp_path / "good.txt").write_text(RIA_ARTICLE, encoding="utf-8")

    run = import_articles(tmp_path)

    (line,) = run.error_lines
    assert line.startswith(f"{tmp_path / 'bad.txt'}: ")
    assert reason in line
    assert list(Article.objects.values_list("seed_file", flat=True)) == ["good.txt"]


def test_a_huge_file_imports(db, tmp_path):
    paragraphs = [
        f"Paragraph {number}: the delegations discussed cybersecurity at length on Tuesday."
        for number in range(40_000)
    ]
    (tmp_path / "huge.txt").write_text(
        RIA_ARTICLE + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
    )
    assert (tmp_path / "huge.txt").stat().st_size > 3_000_000

    run = import_articles(tmp_path)

    assert run.error is None, run.stderr
    assert Article.objects.get().text.endswith(paragraphs[-1])


def test_a_folder_means_its_visible_txt_files_only(db, tmp_path):
    write_articles(tmp_path, tass=TASS_ARTICLE)
    (tmp_path / "LOUD.TXT").write_text(RIA_ARTICLE, encoding="utf-8")
    (tmp_path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (tmp_path / "._tass.txt").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    write_articles(tmp_path / "older", sputnik=SPUTNIK_ARTICLE)
    (tmp_path / "folder.txt").mkdir()

    run = import_articles(tmp_path)

    assert run.error is None, run.stderr
    assert sorted(Article.objects.values_list("seed_file", flat=True)) == ["LOUD.TXT", "tass.txt"]


@pytest.mark.parametrize(
    ("make_path", "reason"),
    [
        (lambda folder: folder / "nowhere.txt", "no such file or folder"),
        (lambda folder: folder / ("x" * 300 + ".txt"), "cannot read it (File name too long)"),
        (lambda folder: Path("/dev/null"), "not a file or folder (a device, pipe or socket)"),
        (lambda folder: folder / "empty-folder", "the folder has no .txt files"),
    ],
    ids=["missing", "name-too-long", "device", "empty-folder"],
)
def test_a_path_that_names_no_article_gets_one_line(db, tmp_path, make_path, reason):
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "good.txt").write_text(RIA_ARTICLE, encoding="utf-8")
    path = make_path(tmp_path)

    run = import_articles(path, tmp_path / "good.txt")

    assert isinstance(run.error, CommandError)
    (line,) = run.error_lines
    assert line == f"{path}: {reason}"
    assert Article.objects.get().seed_file == "good.txt"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("new\nline.txt", "new\\nline.txt: the file name contains control characters"),
        (b"caf\xe9.txt".decode("utf-8", "surrogateescape"), "caf\\udce9.txt: the file name is not"),
    ],
    ids=["newline", "latin-1-bytes"],
)
def test_a_file_name_that_cannot_be_stored_gets_one_printable_line(db, tmp_path, name, shown):
    (tmp_path / name).write_text(TASS_ARTICLE, encoding="utf-8")
    (tmp_path / "good.txt").write_text(RIA_ARTICLE, encoding="utf-8")

    run = import_articles(tmp_path)

    (line,) = run.error_lines
    assert shown in line
    assert Article.objects.get().seed_file == "good.txt"


def test_links_import_under_their_own_name_unless_they_repeat_an_article(db, tmp_path):
    elsewhere = write_articles(tmp_path / "elsewhere", ria=RIA_ARTICLE)
    folder = write_articles(tmp_path / "folder", tass=TASS_ARTICLE)
    (folder / "zz-same-as-tass.txt").symlink_to(folder / "tass.txt")
    (folder / "from-elsewhere.txt").symlink_to(elsewhere / "ria.txt")
    (folder / "broken.txt").symlink_to(folder / "gone.txt")

    run = import_articles(folder)

    (line,) = run.error_lines
    assert line == (
        f"{folder / 'zz-same-as-tass.txt'}: the same article is already imported from tass.txt"
    )
    assert sorted(Article.objects.values_list("seed_file", flat=True)) == [
        "from-elsewhere.txt",
        "tass.txt",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_file_gets_one_line(db, tmp_path):
    write_articles(tmp_path, locked=TASS_ARTICLE, good=RIA_ARTICLE)
    (tmp_path / "locked.txt").chmod(0)

    run = import_articles(tmp_path)

    (line,) = run.error_lines
    assert line == f"{tmp_path / 'locked.txt'}: cannot read the file (Permission denied)"
    assert Article.objects.get().seed_file == "good.txt"


def test_each_file_imports_once_however_often_it_is_given(db, tmp_path):
    folder = write_articles(tmp_path / "in", tass=TASS_ARTICLE)
    write_manifest(folder, RYABKOV_CLAIM)
    tass = folder / "tass.txt"

    run = import_articles(
        folder, tass, tass, f"{folder}/./tass.txt", folder / ".." / "in" / "tass.txt"
    )

    assert run.error is None, run.stderr
    assert "Articles: 1 created, 0 updated, 0 unchanged. Claims: 1 created." in run.stdout
    assert run.stdout.count("tass.txt: article created") == 1


def test_two_files_of_one_name_are_not_both_imported(db, tmp_path):
    first = write_articles(tmp_path / "first", article=TASS_ARTICLE)
    second = write_articles(tmp_path / "second", article=RIA_ARTICLE)

    run = import_articles(first, second)

    (line,) = run.error_lines
    assert line.startswith(f"{second / 'article.txt'}: another file of this name")
    assert (
        Article.objects.get().title == "US, Russia to hold new round of strategic stability talks"
    )


# --- Manifest entries that cannot be imported as they stand ------------------------------------

RIA_CLAIM = """
    [[claims]]
    slug = "{slug}"
    article = "ria.txt"
    speaker = "{speaker}"
    statement = "The US has not answered Russia's proposals"
    quote = "The United States has not answered Russia's proposals"
    stated_on = 2021-06-04
    topics = [{topics}]
"""
TWO_SPEAKERS = """
    [[speakers]]
    name = "Anatoly Antonov"
    aliases = ["A. Antonov"]

    [[speakers]]
    name = "Anatoly Antonov"
    role = "Russian Ambassador to the United States"

    [[speakers]]
    name = "Alexander Antonov"
    aliases = ["A. Antonov"]
"""


def ria_claim(slug="us-has-not-answered", speaker="Anatoly Antonov", topics='"Cybersecurity"'):
    return RIA_CLAIM.format(slug=slug, speaker=speaker, topics=topics)


@pytest.mark.parametrize(
    ("manifest", "reason"),
    [
        (
            ria_claim(speaker="A. Antonov"),
            "speaker 'A. Antonov' could be any of the [[speakers]] Anatoly Antonov, Alexander",
        ),
        (ria_claim(topics='"Cybersecurity", "  "'), "topics must be a list of names, none"),
        (
            ria_claim(topics='"' + "x" * 81 + '"'),
            "name: Ensure this value has at most 80 characters (it has 81).",
        ),
        (
            ria_claim(speaker="N" * 121) + '\n[[speakers]]\nname = "' + "N" * 121 + '"\n',
            "name: Ensure this value has at most 120 characters (it has 121).",
        ),
        (
            '[[articles]]\nfile = "ria.txt"\nurl = "https://ria.ru/' + "a" * 500 + '"\n',
            "url: Ensure this value has at most 500 characters (it has 515).",
        ),
        (
            '[outlets."RIA Novosti"]\nhomepage_url = "https://ria.ru/' + "a" * 200 + '"\n',
            "outlet 'RIA Novosti': homepage_url: Ensure this value has at most 200 characters",
        ),
        (
            '[[articles]]\nfile = "news/ria.txt"\n',
            "ria.txt: file must be a file name without folders, not 'news/ria.txt'",
        ),
        (
            ria_claim(slug="talks-resume") + ria_claim(slug="talks-resume"),
            "claim 'talks-resume': a claim on ria.txt has the same slug",
        ),
    ],
    ids=[
        "alias-of-two-speakers",
        "blank-topic",
        "topic-too-long",
        "speaker-name-too-long",
        "url-too-long",
        "homepage-too-long",
        "file-with-folder",
        "duplicate-slug",
    ],
)
def test_a_bad_manifest_entry_gets_one_line_and_the_other_files_import(
    db, tmp_path, manifest, reason
):
    write_articles(tmp_path, ria=RIA_ARTICLE, tass=TASS_ARTICLE)
    write_manifest(tmp_path, TWO_SPEAKERS + manifest)

    run = import_articles(tmp_path)

    assert isinstance(run.error, CommandError)
    (line,) = run.error_lines
    assert line.startswith(f"{tmp_path / 'ria.txt'}: ")
    assert reason in line
    assert list(Article.objects.values_list("seed_file", flat=True)) == ["tass.txt"]
    assert not Claim.objects.exists()
    assert not Speaker.objects.exists()
    assert not Topic.objects.exists()


def test_the_control_for_the_bad_entries_imports(db, tmp_path):
    """The manifest above without a fault: speakers of one name are one speaker."""
    write_articles(tmp_path, ria=RIA_ARTICLE)
    write_manifest(tmp_path, TWO_SPEAKERS + ria_claim(topics='" Cyber\\n  security "'))

    run = import_articles(tmp_path)

    assert run.error is None, run.stderr
    claim = Claim.objects.get()
    assert claim.speaker.name == "Anatoly Antonov"
    assert claim.speaker.alias_list == ["A. Antonov"]
    assert list(claim.topics.values_list("name", flat=True)) == ["Cyber security"]


def test_a_manifest_saved_with_a_byte_order_mark_is_read(db, tmp_path):
    write_articles(tmp_path, ria=RIA_ARTICLE)
    (tmp_path / "manifest.toml").write_bytes(
        b"\xef\xbb\xbf" + textwrap.dedent(TWO_SPEAKERS + ria_claim()).encode("utf-8")
    )

    run = import_articles(tmp_path)

    assert run.error is None, run.stderr
    assert Claim.objects.get().slug == "us-has-not-answered"


def test_a_url_already_used_by_another_article_is_refused(db, tmp_path):
    existing = Article.objects.create(
        outlet=Outlet.objects.create(name="TASS"),
        title="An article an editor entered",
        url="https://ria.ru/20210604/envoy.html",
        raw_text="Text.",
        text="Text.",
    )
    write_articles(tmp_path, ria=RIA_ARTICLE)
    write_manifest(tmp_path, '[[articles]]\nfile = "ria.txt"\nurl = "' + existing.url + '"\n')

    run = import_articles(tmp_path)

    (line,) = run.error_lines
    assert line == f"{tmp_path / 'ria.txt'}: another article already has the URL {existing.url}"
    assert list(Article.objects.all()) == [existing]


def test_a_claim_slug_taken_on_another_article_is_refused_every_time(db, tmp_path):
    write_articles(tmp_path, tass=TASS_ARTICLE)
    write_manifest(tmp_path, RYABKOV_CLAIM)
    import_articles(tmp_path)
    write_articles(tmp_path, ria=RIA_ARTICLE)
    write_manifest(tmp_path, TWO_SPEAKERS + ria_claim(slug="ryabkov-expects-substantive-talks"))
    before = snapshot()

    for _ in range(2):
        run = import_articles(tmp_path)

        (line,) = run.error_lines
        assert line == (
            f"{tmp_path / 'ria.txt'}: claim 'ryabkov-expects-substantive-talks': "
            "the slug is taken by a claim on another article (tass.txt)"
        )
        assert snapshot() == before


def test_a_database_refusal_fails_one_file_in_one_line(db, tmp_path, monkeypatch):
    """PostgreSQL enforces what SQLite does not; whatever the checks miss fails one file."""
    write_articles(tmp_path, ria=RIA_ARTICLE, tass=TASS_ARTICLE)
    write_manifest(tmp_path, TWO_SPEAKERS + ria_claim())

    def refuse(topic, *args, **kwargs):
        raise DataError("value too long for type character varying(80)\nDETAIL: ...")

    monkeypatch.setattr(Topic, "save", refuse)

    run = import_articles(tmp_path)

    (line,) = run.error_lines
    assert line == (
        f"{tmp_path / 'ria.txt'}: the database refused it: "
        "value too long for type character varying(80)"
    )
    assert list(Article.objects.values_list("seed_file", flat=True)) == ["tass.txt"]
    assert not Claim.objects.exists()


def test_an_explicit_manifest_does_not_miss_files_beside_those_imported(db, tmp_path):
    articles = write_articles(tmp_path / "articles", ria=RIA_ARTICLE, tass=TASS_ARTICLE)
    manifest = tmp_path / "elsewhere.toml"
    manifest.write_text(
        textwrap.dedent(RYABKOV_CLAIM + TWO_SPEAKERS + ria_claim() + "\n[[articles]]\n")
        + 'file = "missing.txt"\n',
        encoding="utf-8",
    )

    run = import_articles(articles / "ria.txt", "--manifest", manifest)

    (line,) = run.error_lines
    assert line == f"{manifest}: describes missing.txt, but there is no such file"
    assert Claim.objects.get().slug == "us-has-not-answered"


# --- Dry runs and running again, with failures among the files -----------------------------------


@pytest.fixture
def mixed_folder(tmp_path):
    """Good files, bad files and a manifest with good and bad entries."""
    folder = write_articles(
        tmp_path / "mixed", tass=TASS_ARTICLE, sputnik=SPUTNIK_ARTICLE, ria=RIA_ARTICLE
    )
    (folder / "empty.txt").write_bytes(b"\xef\xbb\xbf \r\n")
    (folder / "zz-copy.txt").write_text(TASS_ARTICLE.replace("\n", "\r\n"), encoding="utf-8")
    write_manifest(folder, NEW_ARTICLES_MANIFEST + ria_claim(topics='"Bad", ""'))
    return folder


def test_a_dry_run_with_failures_writes_nothing(db, mixed_folder):
    run = import_articles(mixed_folder, "--dry-run")

    assert isinstance(run.error, CommandError)
    assert "Dry run, nothing was written. Articles: 2 created" in run.stdout
    assert "Claims: 1 created. Failures: 3." in run.stdout  # empty.txt, ria.txt, zz-copy.txt
    assert len(run.error_lines) == 3
    assert all(rows == [] for rows in snapshot().values())


def test_running_again_after_failures_changes_nothing(db, mixed_folder):
    first = import_articles(mixed_folder)
    before = snapshot()

    again = import_articles(mixed_folder)

    assert again.error_lines == first.error_lines
    assert "Articles: 0 created, 0 updated, 2 unchanged. Claims: 0 created." in again.stdout
    assert snapshot() == before


def test_a_manifest_naming_impossible_files_gets_a_line_for_each(db, tmp_path):
    write_articles(tmp_path, ria=RIA_ARTICLE)
    long_name = "x" * 300 + ".txt"
    write_manifest(
        tmp_path, f'[[articles]]\nfile = "{long_name}"\n\n[[articles]]\nfile = "a\\u0000.txt"\n'
    )

    run = import_articles(tmp_path)

    assert run.error_lines == [
        f"{tmp_path / 'manifest.toml'}: describes {long_name}, but there is no such file",
        f"{tmp_path / 'manifest.toml'}: describes a\\x00.txt, but there is no such file",
    ]
    assert Article.objects.get().seed_file == "ria.txt"
