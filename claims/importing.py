"""Importing article files with the claims curated for them, as a manifest describes them.

The manifest is a TOML file that adds what the texts themselves lack:

    [outlets."RIA Novosti"]                 # each outlet's homepage
    homepage_url = "https://ria.ru"

    [[speakers]]                            # the people quoted
    name = "Sergey Lavrov"
    role = "Minister of Foreign Affairs of Russia"
    affiliation = "Government of Russia"
    aliases = ["Sergei Lavrov"]             # other spellings that find the same speaker

    [[articles]]                            # per file: its date (or year) and address
    file = "000_7b884753c71599ef.txt"
    published_on = 2019-05-14               # or `year = 2019`, month and day from the text
    url = "https://tass.com/society/1058257"
    outlet = "TASS"                         # only when the text does not name it

    [[claims]]
    slug = "lavrov-most-attacks-come-from-us"   # identity: an imported claim is never touched again
    article = "000_7b884753c71599ef.txt"
    speaker = "Sergey Lavrov"               # a name or alias of a speaker above or in the database
    statement = "..."                       # short: it is published as ClaimReview's claimReviewed
    quote = "..."                           # verbatim from the article's display text
    stated_on = 2019-05-14
    topics = ["Cyberattacks"]
    status = "unsupported"                  # a claims.models.Status value
    status_note = "..."                     # why; recorded in the claim's status history
    verdict = "..."
    internal_notes = "..."                  # for editors only
    published = true

    [[claims.counter_sources]]              # evidence weighed, attached to the claim above
    article = "004_1009c1688e2e5812.txt"    # another article we import, by file name; or:
    title = "..."                           # an external document: title, publisher, url,
    stance = "context"                      # published_on; stance: supports/contradicts/context
    note = "..."

Files are named by file name alone, without folders: articles are known by it.
"""

import datetime
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from claims.models import Claim, CounterSource, Stance, Status, Topic
from sources.importing import (
    ArticleDetails,
    ArticleImportError,
    Outcome,
    read_article_file,
    refusal,
    save_article,
    validation_problems,
)
from sources.models import Article, Speaker
from sources.text import find_quote, normalize_for_matching

MANIFEST_NAME = "manifest.toml"


class ManifestError(ValueError):
    """A manifest that cannot be used at all: unreadable, not TOML, or of the wrong shape."""


class ManifestEntryError(ArticleImportError):
    """A file whose manifest entries cannot be imported as they stand."""


@dataclass(frozen=True)
class SpeakerEntry:
    name: str
    role: str
    affiliation: str
    aliases: tuple[str, ...]

    @property
    def folded_names(self):
        return {normalize_for_matching(name).casefold() for name in [self.name, *self.aliases]}


@dataclass(frozen=True)
class ArticleEntry:
    file: str
    published_on: datetime.date | None = None
    year: int | None = None
    url: str = ""
    outlet: str = ""


@dataclass(frozen=True)
class CounterSourceEntry:
    stance: str
    article: str
    title: str
    publisher: str
    url: str
    published_on: datetime.date | None
    note: str


@dataclass(frozen=True)
class ClaimEntry:
    slug: str
    article: str
    speaker: str
    statement: str
    quote: str
    stated_on: datetime.date
    topics: tuple[str, ...]
    status: str
    status_note: str
    verdict: str
    internal_notes: str
    published: bool
    counter_sources: tuple[CounterSourceEntry, ...]


@dataclass
class Manifest:
    """A manifest's entries, checked for shape; `problems` lists, by file, entries that are not."""

    path: Path | None = None
    outlet_homepages: dict[str, str] = field(default_factory=dict)
    speakers: list[SpeakerEntry] = field(default_factory=list)
    articles: dict[str, ArticleEntry] = field(default_factory=dict)
    claims: dict[str, list[ClaimEntry]] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def files_named(self):
        """Every article file the manifest describes, in the order first named."""
        return list(dict.fromkeys([*self.articles, *self.claims, *self.problems]))

    def speakers_named(self, name):
        wanted = normalize_for_matching(name).casefold()
        return [entry for entry in self.speakers if wanted in entry.folded_names]

    def homepage_of(self, outlet):
        wanted = outlet.casefold()
        return next(
            (url for name, url in self.outlet_homepages.items() if name.casefold() == wanted), ""
        )


# --- Reading the manifest ---------------------------------------------------------------------

_REQUIRED = object()
_validate_url = URLValidator(schemes=["http", "https"])


class _Expected(ValueError):
    """What a manifest value should have been, e.g. "a date such as 2021-07-08"."""


# Readers of each kind of value: each returns the value tidied, or raises _Expected.


def _text(value):
    if not isinstance(value, str):
        raise _Expected("text")
    return value.strip()


def _line(value):
    """Names and headings: one line, whatever line breaks or runs of spaces the TOML has."""
    return " ".join(_text(value).split())


def _url(value):
    url = _text(value)
    try:
        if url:
            _validate_url(url)
    except ValidationError:
        raise _Expected("a web address") from None
    return url


def _date(value):
    if type(value) is not datetime.date:  # A TOML date-time is a date too, for isinstance().
        raise _Expected("a date such as 2021-07-08")
    return value


def _year(value):
    if type(value) is not int or not 1900 <= value <= 2100:  # And true is an int.
        raise _Expected("a year such as 2021")
    return value


def _flag(value):
    if not isinstance(value, bool):
        raise _Expected("true or false")
    return value


def _names(value):
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise _Expected('a list of names such as ["Cyberattacks"]')
    names = tuple(_line(name) for name in value)
    if not all(names):
        raise _Expected("a list of names, none of them empty")
    return names


def _tables(value):
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _Expected("a list of tables")
    return value


_OUTLET_FIELDS = {"homepage_url": (_url, "")}
_SPEAKER_FIELDS = {
    "name": (_line, _REQUIRED),
    "role": (_line, ""),
    "affiliation": (_line, ""),
    "aliases": (_names, ()),
}
_ARTICLE_FIELDS = {
    "file": (_text, _REQUIRED),
    "published_on": (_date, None),
    "year": (_year, None),
    "url": (_url, ""),
    "outlet": (_line, ""),
}
_CLAIM_FIELDS = {
    "slug": (_text, _REQUIRED),
    "article": (_text, _REQUIRED),
    "speaker": (_line, _REQUIRED),
    "statement": (_line, _REQUIRED),
    "quote": (_text, _REQUIRED),
    "stated_on": (_date, _REQUIRED),
    "topics": (_names, ()),
    "status": (_text, Status.UNCHECKED.value),
    "status_note": (_text, ""),
    "verdict": (_text, ""),
    "internal_notes": (_text, ""),
    "published": (_flag, False),
    "counter_sources": (_tables, []),
}
_COUNTER_SOURCE_FIELDS = {
    "stance": (_text, _REQUIRED),
    "article": (_text, ""),
    "title": (_line, ""),
    "publisher": (_line, ""),
    "url": (_url, ""),
    "published_on": (_date, None),
    "note": (_text, ""),
}
_SECTIONS = ("outlets", "speakers", "articles", "claims")


def _read_fields(table, where, fields):
    """The values of `table`'s keys, checked against `fields`; ValueError says what is wrong."""
    if not isinstance(table, dict):
        raise ValueError(f"{where} must be a table")
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise ValueError(
            f"{where}: unknown key {', '.join(map(repr, unknown))} (known: {', '.join(fields)})"
        )
    values = {}
    for key, (read, default) in fields.items():
        if key not in table:
            if default is _REQUIRED:
                raise ValueError(f"{where}: {key} is missing")
            values[key] = default
            continue
        try:
            values[key] = read(table[key])
        except _Expected as expected:
            raise ValueError(f"{where}: {key} must be {expected}") from None
        if default is _REQUIRED and values[key] == "":
            raise ValueError(f"{where}: {key} is empty")
    return values


def load_manifest(path):
    """Read and check the manifest at `path`; ManifestError when it cannot be used at all."""
    path = Path(path)
    try:
        # utf-8-sig: editors on Windows save TOML with a byte order mark, which tomllib refuses.
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ManifestError("no such manifest file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(f"cannot read the manifest ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ManifestError(f"not valid TOML: {error}") from None
    try:
        return _manifest_from(data, path)
    except ValueError as error:
        raise ManifestError(str(error)) from None


def _manifest_from(data, path):
    unknown = sorted(set(data) - set(_SECTIONS))
    if unknown:
        raise ValueError(
            f"unknown section {', '.join(map(repr, unknown))} (known: {', '.join(_SECTIONS)})"
        )
    manifest = Manifest(path=path)

    outlets = data.get("outlets", {})
    if not isinstance(outlets, dict):
        raise ValueError('outlets must be tables such as [outlets."RIA Novosti"]')
    for name, table in outlets.items():
        values = _read_fields(table, f"outlet {name!r}", _OUTLET_FIELDS)
        manifest.outlet_homepages[name] = values["homepage_url"]

    for index, table in enumerate(_array_of_tables(data, "speakers"), start=1):
        manifest.speakers.append(
            SpeakerEntry(**_read_fields(table, f"speaker #{index}", _SPEAKER_FIELDS))
        )

    for index, table in enumerate(_array_of_tables(data, "articles"), start=1):
        file = _file_name(table, f"article #{index}", "file")
        where = f"article entry for {file}"
        try:
            entry = ArticleEntry(**_read_fields(table, where, _ARTICLE_FIELDS))
            _check_bare_file_name(entry.file, f"{where}: file")
            if file in manifest.articles:
                raise ValueError("the file has two [[articles]] entries")
        except ValueError as error:
            manifest.problems.setdefault(file, []).append(str(error))
            continue
        manifest.articles[file] = entry

    files_by_slug = {}
    for index, table in enumerate(_array_of_tables(data, "claims"), start=1):
        file = _file_name(table, f"claim #{index}", "article")
        try:
            claim = _claim_entry(table, index)
            if claim.slug in files_by_slug:
                raise ValueError(
                    f"claim {claim.slug!r}: a claim on {files_by_slug[claim.slug]} "
                    "has the same slug"
                )
        except ValueError as error:
            manifest.problems.setdefault(file, []).append(str(error))
            continue
        files_by_slug[claim.slug] = file
        manifest.claims.setdefault(file, []).append(claim)
    return manifest


def _array_of_tables(data, section):
    tables = data.get(section, [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise ValueError(f"{section} must be written as [[{section}]] tables")
    return tables


def _file_name(table, where, key):
    """The article file an entry is about: its problems are reported against that file."""
    name = table.get(key) if isinstance(table, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: {key} must be the article's file name")
    return Path(name.strip()).name


def _check_bare_file_name(name, where):
    if Path(name).name != name or "\\" in name:
        raise ValueError(f"{where} must be a file name without folders, not {name!r}")


def _claim_entry(table, index):
    where = f"claim {table['slug']!r}" if isinstance(table.get("slug"), str) else f"claim #{index}"
    values = _read_fields(table, where, _CLAIM_FIELDS)
    _check_bare_file_name(values["article"], f"{where}: article")
    if values["status"] not in Status.values:
        raise ValueError(
            f"{where}: unknown status {values['status']!r} (one of: {', '.join(Status.values)})"
        )
    if values["status"] != Status.UNCHECKED and not values["status_note"]:
        raise ValueError(f"{where}: status {values['status']!r} needs a status_note saying why")
    max_slug_length = Claim._meta.get_field("slug").max_length
    if slugify(values["slug"]) != values["slug"] or len(values["slug"]) > max_slug_length:
        raise ValueError(
            f"{where}: the slug must be lower-case letters, digits and hyphens, "
            f"at most {max_slug_length} characters"
        )
    counter_sources = tuple(
        _counter_source_entry(source, f"{where}, counter-source #{number}")
        for number, source in enumerate(values["counter_sources"], start=1)
    )
    return ClaimEntry(**{**values, "counter_sources": counter_sources})


def _counter_source_entry(table, where):
    values = _read_fields(table, where, _COUNTER_SOURCE_FIELDS)
    if values["stance"] not in Stance.values:
        raise ValueError(
            f"{where}: unknown stance {values['stance']!r} (one of: {', '.join(Stance.values)})"
        )
    external = [values["title"], values["publisher"], values["url"], values["published_on"]]
    if values["article"] and any(external):
        raise ValueError(f"{where}: give an article file or an external document, not both")
    if not values["article"] and not values["title"]:
        raise ValueError(f"{where}: give an article file, or an external document's title")
    if values["article"]:
        _check_bare_file_name(values["article"], f"{where}: article")
    return CounterSourceEntry(**values)


# --- Importing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileResult:
    """What importing one file did."""

    outcome: Outcome
    claims_created: int
    claims_kept: int  # Claims already imported (by slug): left as editors may have changed them.
    repairs: tuple[tuple[str, str], ...]


class ManifestImporter:
    """Imports article files with the claims a manifest curates for them.

    `batch` lists every file of this run: a counter-source may cite an article
    that is imported later in the run; link_pending() adds those at the end.
    """

    def __init__(self, manifest=None, *, batch=()):
        self.manifest = manifest or Manifest()
        self._batch_names = {Path(path).name for path in batch}
        self._folders = {Path(path).parent for path in batch}
        if self.manifest.path:
            self._folders.add(self.manifest.path.parent)
        self._pending = []  # (claim, CounterSourceEntry, the claim's file name)

    def missing_files(self):
        """Files the manifest describes that are neither in this run nor beside its files."""
        return [
            name
            for name in self.manifest.files_named()
            if name not in self._batch_names
            and not any(_is_file(folder / name) for folder in self._folders)
        ]

    def import_file(self, path):
        """Import one file and its claims, all or nothing; ArticleImportError says why not."""
        pending = []
        # A transaction per file, not one for the whole run: a file that fails leaves
        # nothing of itself (article, speakers, topics, claims, their history and
        # evidence) while the files around it still import, and running the import
        # again once it is fixed completes the run, as files imported are skipped.
        try:
            with transaction.atomic():
                result = self._import_file(path, pending)
        except DatabaseError as error:
            # Rows are checked before they are saved, so the database should refuse none;
            # should it refuse one (PostgreSQL enforces more than SQLite), this file fails
            # and the others still import.
            raise ArticleImportError(refusal(error)) from None
        # Only now: had the file failed, its claims would not exist to link.
        self._pending.extend(pending)
        return result

    def _import_file(self, path, pending):
        parsed = read_article_file(path)
        name = parsed.filename
        if problems := self.manifest.problems.get(name):
            raise ManifestEntryError("; ".join(problems))
        entry = self.manifest.articles.get(name) or ArticleEntry(file=name)
        outlet = entry.outlet or parsed.outlet
        article, outcome = save_article(
            parsed,
            ArticleDetails(
                published_on=_publication_date(parsed, entry),
                url=entry.url,
                outlet=outlet,
                outlet_homepage_url=self.manifest.homepage_of(outlet) if outlet else "",
            ),
        )
        if outcome is Outcome.UPDATED:
            _check_quotes_still_occur(article)
        created = kept = 0
        for claim_entry in self.manifest.claims.get(name, []):
            if _already_imported(claim_entry, article):
                kept += 1
            else:
                self._create_claim(claim_entry, article, pending)
                created += 1
        return FileResult(outcome, created, kept, parsed.repairs)

    def link_pending(self):
        """Add the counter-sources that cite articles imported after their claim's.

        Returns (file name, reason) for each that cannot be added.
        """
        failures = []
        for claim, entry, file_name in self._pending:
            where = f"claim {claim.slug!r}: its counter-source {entry.article}"
            cited = Article.objects.filter(seed_file=entry.article).first()
            if cited is None:
                reason = f"{where} was not imported, so the claim was imported without it"
                failures.append((file_name, reason))
                continue
            try:
                # A savepoint: a dry run is one transaction, which a refused row would break.
                with transaction.atomic():
                    _create_counter_source(claim, entry, cited, where)
            except DatabaseError as error:
                reason = f"{where}: {refusal(error)}; the claim was imported without it"
                failures.append((file_name, reason))
        self._pending.clear()
        return failures

    def _create_claim(self, entry, article, pending):
        where = f"claim {entry.slug!r}"
        if find_quote(article.text, entry.quote) is None:
            raise ManifestEntryError(
                f"{where}: the quote does not occur in the article's display text: "
                f"{entry.quote[:80]!r}"
            )
        claim = Claim(
            slug=entry.slug,
            statement=entry.statement,
            quote=entry.quote,
            speaker=self._speaker(entry.speaker, where),
            article=article,
            stated_on=entry.stated_on,
            verdict=entry.verdict,
            internal_notes=entry.internal_notes,
        )
        _check_fields(claim, where)
        claim.save()
        claim.topics.set([_topic(name, where) for name in entry.topics])
        if entry.status != Status.UNCHECKED:
            claim.change_status(entry.status, note=entry.status_note, by=None)
        if entry.published:
            # After the status change, so the history does not list it as a correction.
            claim.publish()
        where_source = f"{where}, counter-source"
        for source in entry.counter_sources:
            cited = None
            if source.article:
                cited = Article.objects.filter(seed_file=source.article).first()
                if cited is None and source.article in self._batch_names:
                    pending.append((claim, source, article.seed_file))
                    continue
                if cited is None:
                    raise ManifestEntryError(
                        f"{where_source} {source.article} is neither imported "
                        "nor among the files being imported"
                    )
            _create_counter_source(claim, source, cited, where_source)

    def _speaker(self, name, where):
        """The speaker called `name` (or an alias of it), created from the manifest if new."""
        entries = self.manifest.speakers_named(name)
        if len({entry.name for entry in entries}) > 1:
            raise ManifestEntryError(
                f"{where}: speaker {name!r} could be any of the [[speakers]] "
                + ", ".join(entry.name for entry in entries)
            )
        entry = entries[0] if entries else None
        for candidate in [name, *([entry.name, *entry.aliases] if entry else [])]:
            found = list(Speaker.objects.matching(candidate))
            if len(found) > 1:
                names = ", ".join(speaker.name for speaker in found)
                raise ManifestEntryError(f"{where}: speaker {name!r} could be any of {names}")
            if found:
                return found[0]
        if entry is None:
            raise ManifestEntryError(
                f"{where}: unknown speaker {name!r} (add them to the manifest's [[speakers]])"
            )
        speaker = Speaker(
            name=entry.name,
            role=entry.role,
            affiliation=entry.affiliation,
            aliases="\n".join(entry.aliases),
        )
        _check_fields(speaker, f"{where}: speaker {entry.name!r}")
        speaker.save()
        return speaker


def _is_file(path):
    try:
        return path.is_file()
    except (OSError, ValueError):  # A name too long, or with a NUL, names no file.
        return False


def _publication_date(parsed, entry):
    """The manifest's date, checked against the text's; or the text's, completed by its year."""
    if entry.published_on:
        if disagreement := parsed.disagreement_with(entry.published_on):
            raise ManifestEntryError(
                f"the manifest dates the article {entry.published_on.isoformat()}, "
                f"but {disagreement}"
            )
        return entry.published_on
    if entry.year and parsed.year and parsed.year != entry.year:
        raise ManifestEntryError(
            f"the manifest gives the year {entry.year}, but the text says {parsed.year}"
        )
    if entry.year and not (parsed.month and parsed.day):
        raise ManifestEntryError(
            f"the manifest gives only the year {entry.year} and the text no month and day: "
            "give the whole date as published_on"
        )
    return parsed.publication_date(entry.year)


def _already_imported(entry, article):
    """Whether the claim was imported before; its slug on another article is a mistake."""
    existing = Claim.objects.filter(slug=entry.slug).select_related("article").first()
    if existing is None:
        return False
    if existing.article_id != article.pk:
        other = existing.article.seed_file or repr(existing.article.title)
        raise ManifestEntryError(
            f"claim {entry.slug!r}: the slug is taken by a claim on another article ({other})"
        )
    return True


def _check_quotes_still_occur(article):
    lost = [
        claim.slug
        for claim in Claim.objects.for_article(article)
        if not article.contains_quote(claim.quote)
    ]
    if lost:
        raise ManifestEntryError(
            "the new text no longer contains the quote of claim " + ", ".join(lost)
        )


def _topic(name, where):
    topic = Topic.objects.filter(name__iexact=name).first()
    if topic is None:
        topic = Topic(name=name)
        _check_fields(topic, f"{where}: topic {name!r}")
        topic.save()
    return topic


def _create_counter_source(claim, entry, cited, where):
    source = CounterSource(
        claim=claim,
        article=cited,
        title=entry.title,
        publisher=entry.publisher,
        url=entry.url,
        published_on=entry.published_on,
        stance=entry.stance,
        note=entry.note,
    )
    _check_fields(source, where)
    source.save()


def _check_fields(instance, where):
    if problems := validation_problems(instance):
        raise ManifestEntryError(f"{where}: {problems}")
