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
"""

import datetime
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify

from claims.models import Claim, CounterSource, Stance, Status, Topic
from sources.importing import (
    ArticleDetails,
    ArticleImportError,
    Outcome,
    read_article_file,
    save_article,
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
    role: str = ""
    affiliation: str = ""
    aliases: tuple[str, ...] = ()

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
    article: str = ""
    title: str = ""
    publisher: str = ""
    url: str = ""
    published_on: datetime.date | None = None
    note: str = ""


@dataclass(frozen=True)
class ClaimEntry:
    slug: str
    article: str
    speaker: str
    statement: str
    quote: str
    stated_on: datetime.date
    topics: tuple[str, ...] = ()
    status: str = Status.UNCHECKED.value
    status_note: str = ""
    verdict: str = ""
    internal_notes: str = ""
    published: bool = False
    counter_sources: tuple[CounterSourceEntry, ...] = ()


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

    def speaker_named(self, name):
        wanted = normalize_for_matching(name).casefold()
        return next((entry for entry in self.speakers if wanted in entry.folded_names), None)

    def homepage_of(self, outlet):
        wanted = outlet.casefold()
        return next(
            (url for name, url in self.outlet_homepages.items() if name.casefold() == wanted), ""
        )


# --- Reading the manifest ---------------------------------------------------------------------

_REQUIRED = object()
_validate_url = URLValidator(schemes=["http", "https"])


def _is_url(value):
    try:
        _validate_url(value)
    except ValidationError:
        return False
    return True


# Each kind of value: a test and how to describe what was expected.
_KINDS = {
    "text": (lambda value: isinstance(value, str), "text"),
    "url": (
        lambda value: isinstance(value, str) and (not value or _is_url(value)),
        "a web address",
    ),
    "date": (lambda value: type(value) is datetime.date, "a date such as 2021-07-08"),
    "year": (lambda value: type(value) is int and 1900 <= value <= 2100, "a year such as 2021"),
    "flag": (lambda value: isinstance(value, bool), "true or false"),
    "names": (
        lambda value: isinstance(value, list) and all(isinstance(item, str) for item in value),
        'a list of names such as ["Cyberattacks"]',
    ),
    "tables": (
        lambda value: isinstance(value, list) and all(isinstance(item, dict) for item in value),
        "a list of tables",
    ),
}
_OUTLET_FIELDS = {"homepage_url": ("url", "")}
_SPEAKER_FIELDS = {
    "name": ("text", _REQUIRED),
    "role": ("text", ""),
    "affiliation": ("text", ""),
    "aliases": ("names", []),
}
_ARTICLE_FIELDS = {
    "file": ("text", _REQUIRED),
    "published_on": ("date", None),
    "year": ("year", None),
    "url": ("url", ""),
    "outlet": ("text", ""),
}
_CLAIM_FIELDS = {
    "slug": ("text", _REQUIRED),
    "article": ("text", _REQUIRED),
    "speaker": ("text", _REQUIRED),
    "statement": ("text", _REQUIRED),
    "quote": ("text", _REQUIRED),
    "stated_on": ("date", _REQUIRED),
    "topics": ("names", []),
    "status": ("text", Status.UNCHECKED.value),
    "status_note": ("text", ""),
    "verdict": ("text", ""),
    "internal_notes": ("text", ""),
    "published": ("flag", False),
    "counter_sources": ("tables", []),
}
_COUNTER_SOURCE_FIELDS = {
    "stance": ("text", _REQUIRED),
    "article": ("text", ""),
    "title": ("text", ""),
    "publisher": ("text", ""),
    "url": ("url", ""),
    "published_on": ("date", None),
    "note": ("text", ""),
}
_SECTIONS = {"outlets", "speakers", "articles", "claims"}


def _read_fields(table, where, fields):
    """The values of `table`'s keys, checked against `fields`; ValueError says what is wrong."""
    if not isinstance(table, dict):
        raise ValueError(f"{where} must be a table")
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise ValueError(f"{where}: unknown key {', '.join(unknown)} (known: {', '.join(fields)})")
    values = {}
    for key, (kind, default) in fields.items():
        if key not in table:
            if default is _REQUIRED:
                raise ValueError(f"{where}: {key} is missing")
            values[key] = default
            continue
        value = table[key]
        is_kind, description = _KINDS[kind]
        if not is_kind(value):
            raise ValueError(f"{where}: {key} must be {description}")
        if isinstance(value, str):
            value = value.strip()
            if default is _REQUIRED and not value:
                raise ValueError(f"{where}: {key} is empty")
        values[key] = value
    return values


def load_manifest(path):
    """Read and check the manifest at `path`; ManifestError when it cannot be used at all."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
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
    unknown = sorted(set(data) - _SECTIONS)
    if unknown:
        raise ValueError(f"unknown section {', '.join(unknown)} (known: {', '.join(_SECTIONS)})")
    manifest = Manifest(path=path)

    outlets = data.get("outlets", {})
    if not isinstance(outlets, dict):
        raise ValueError('outlets must be tables such as [outlets."RIA Novosti"]')
    for name, table in outlets.items():
        values = _read_fields(table, f"outlet {name!r}", _OUTLET_FIELDS)
        manifest.outlet_homepages[name] = values["homepage_url"]

    for index, table in enumerate(_array_of_tables(data, "speakers"), start=1):
        values = _read_fields(table, f"speaker #{index}", _SPEAKER_FIELDS)
        manifest.speakers.append(SpeakerEntry(**{**values, "aliases": tuple(values["aliases"])}))

    for index, table in enumerate(_array_of_tables(data, "articles"), start=1):
        file = _file_name(table, f"article #{index}", "file")
        try:
            entry = ArticleEntry(
                **_read_fields(table, f"article entry for {file}", _ARTICLE_FIELDS)
            )
        except ValueError as error:
            manifest.problems.setdefault(file, []).append(str(error))
            continue
        if file in manifest.articles:
            manifest.problems.setdefault(file, []).append("the file has two [[articles]] entries")
        manifest.articles[file] = entry

    slugs = set()
    for index, table in enumerate(_array_of_tables(data, "claims"), start=1):
        file = _file_name(table, f"claim #{index}", "article")
        try:
            claim = _claim_entry(table, index)
            if claim.slug in slugs:
                raise ValueError(f"claim {claim.slug!r}: another claim has the same slug")
        except ValueError as error:
            manifest.problems.setdefault(file, []).append(str(error))
            continue
        slugs.add(claim.slug)
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
        raise ValueError(f"{where}: {key} (the article's file name) is missing")
    return name.strip()


def _claim_entry(table, index):
    where = f"claim {table['slug']!r}" if isinstance(table.get("slug"), str) else f"claim #{index}"
    values = _read_fields(table, where, _CLAIM_FIELDS)
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
    counter_sources = []
    for number, source in enumerate(values["counter_sources"], start=1):
        source_values = _read_fields(
            source, f"{where}, counter-source #{number}", _COUNTER_SOURCE_FIELDS
        )
        counter_sources.append(_counter_source_entry(source_values, f"{where}, counter-source"))
    return ClaimEntry(
        **{
            **values,
            "topics": tuple(values["topics"]),
            "counter_sources": tuple(counter_sources),
        }
    )


def _counter_source_entry(values, where):
    if values["stance"] not in Stance.values:
        raise ValueError(
            f"{where}: unknown stance {values['stance']!r} (one of: {', '.join(Stance.values)})"
        )
    external = [values["title"], values["publisher"], values["url"], values["published_on"]]
    if values["article"] and any(external):
        raise ValueError(f"{where}: give an article file or an external document, not both")
    if not values["article"] and not values["title"]:
        raise ValueError(f"{where}: give an article file, or an external document's title")
    return CounterSourceEntry(**values)


# --- Importing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileResult:
    """What importing one file did."""

    article: Article
    outcome: Outcome
    claims_created: int
    claims_kept: int  # Claims already imported (by slug): left as editors may have changed them.
    repairs: tuple[tuple[str, str], ...]


class ManifestImporter:
    """Imports article files with the claims a manifest curates for them.

    `batch` names every file of this run: a counter-source may cite an article
    that is imported later in the run; link_pending() adds those at the end.
    """

    def __init__(self, manifest=None, *, batch=()):
        self.manifest = manifest or Manifest()
        self.batch = {Path(path).name for path in batch}
        self._pending = []  # (claim, CounterSourceEntry, the claim's file name)

    def missing_files(self):
        """Files the manifest describes that exist neither beside it nor in this run."""
        folder = self.manifest.path.parent if self.manifest.path else None
        return [
            name
            for name in self.manifest.files_named()
            if name not in self.batch and not (folder and (folder / name).is_file())
        ]

    def import_file(self, path):
        """Import one file and its claims, all or nothing; ArticleImportError says why not."""
        pending = []
        with transaction.atomic():
            result = self._import_file(path, pending)
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
                outlet=entry.outlet,
                outlet_homepage_url=self.manifest.homepage_of(outlet) if outlet else "",
            ),
        )
        if outcome is Outcome.UPDATED:
            _check_quotes_still_occur(article)
        created = kept = 0
        for claim_entry in self.manifest.claims.get(name, []):
            if Claim.objects.filter(slug=claim_entry.slug).exists():
                kept += 1
            else:
                self._create_claim(claim_entry, article, pending)
                created += 1
        return FileResult(article, outcome, created, kept, parsed.repairs)

    def link_pending(self):
        """Add the counter-sources that cite articles imported after their claim's.

        Returns (file name, reason) for each that cannot be added.
        """
        failures = []
        for claim, entry, file_name in self._pending:
            cited = Article.objects.filter(seed_file=entry.article).first()
            if cited is None:
                failures.append(
                    (
                        file_name,
                        f"claim {claim.slug!r}: its counter-source {entry.article} "
                        "was not imported, so the claim was imported without it",
                    )
                )
                continue
            with transaction.atomic():
                _create_counter_source(claim, entry, cited)
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
        _validate(claim, where)
        claim.save()
        claim.topics.set([_topic(name) for name in entry.topics])
        if entry.status != Status.UNCHECKED:
            claim.change_status(entry.status, note=entry.status_note, by=None)
        if entry.published:
            # After the status change, so the history does not list it as a correction.
            claim.publish()
        for source in entry.counter_sources:
            cited = None
            if source.article:
                cited = Article.objects.filter(seed_file=source.article).first()
                if cited is None and source.article in self.batch:
                    pending.append((claim, source, article.seed_file))
                    continue
                if cited is None:
                    raise ManifestEntryError(
                        f"{where}: its counter-source {source.article} is neither imported "
                        "nor among the files being imported"
                    )
            _create_counter_source(claim, source, cited, where=where)
        return claim

    def _speaker(self, name, where):
        """The speaker called `name` (or an alias of it), created from the manifest if new."""
        entry = self.manifest.speaker_named(name)
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
        return Speaker.objects.create(
            name=entry.name,
            role=entry.role,
            affiliation=entry.affiliation,
            aliases="\n".join(entry.aliases),
        )


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


def _topic(name):
    return Topic.objects.filter(name__iexact=name).first() or Topic.objects.create(name=name)


def _create_counter_source(claim, entry, cited, *, where=""):
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
    _validate(source, where or f"claim {claim.slug!r}, counter-source")
    source.save()
    return source


def _validate(instance, where):
    try:
        instance.full_clean()
    except ValidationError as error:
        messages = [
            f"{name}: {' '.join(problems)}" if name != "__all__" else " ".join(problems)
            for name, problems in error.message_dict.items()
        ]
        raise ManifestEntryError(f"{where}: {'; '.join(messages)}") from None
