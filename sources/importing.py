"""Reading scraped news articles: the parser, and the saving of what it finds.

`parse_article()` is pure. It takes a text exactly as read and finds what the
text itself says: the title, the outlet, the dateline place, the date where it
is given, and a display text without the page furniture that scraping brings
along (widgets, photo credits, captions, teasers for other stories) and with
the hyphens that scraping put inside words taken out again.

`save_article()` stores a parsed article as Outlet and Article rows, keyed on
the file name, so that importing the same file again changes nothing;
`import_new_article()` does so for a file uploaded in the admin.

This module knows nothing of claims or of the manifest that describes them.
"""

import codecs
import dataclasses
import datetime
import enum
import hashlib
import re
import unicodedata
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction

from sources.models import Article, Outlet
from sources.text import MONTH_NAMES

# Many times the longest article, and small enough to read into memory.
ARTICLE_FILE_MAX_MEGABYTES = 2
ARTICLE_FILE_MAX_BYTES = ARTICLE_FILE_MAX_MEGABYTES * 2**20


class ArticleImportError(ValueError):
    """A text that cannot be imported. The message says why, in words for one line of output."""


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclasses.dataclass(frozen=True)
class ParsedArticle:
    """What a scraped text says about itself."""

    filename: str
    raw_text: str
    title: str
    text: str
    outlet: str = ""
    dateline: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    # (damaged, repaired) pairs, e.g. ("sph-ere", "sphere"), in the order found.
    repairs: tuple[tuple[str, str], ...] = ()

    @property
    def content_hash(self):
        """SHA-256 of the raw text, which equals that of the file's bytes (it was read as UTF-8)."""
        return hashlib.sha256(self.raw_text.encode("utf-8")).hexdigest()

    def publication_date(self, year=None):
        """The date the text gives, its year supplied by `year` when the text has none."""
        year = self.year or year
        if not (year and self.month and self.day):
            return None
        try:
            return datetime.date(year, self.month, self.day)
        except ValueError:  # February 29 in a year that has none.
            return None

    def disagreement_with(self, date):
        """Why `date` cannot be this text's date (e.g. "the text says May 14"), or ""."""
        given = [(self.year, date.year), (self.month, date.month), (self.day, date.day)]
        if all(found is None or found == wanted for found, wanted in given):
            return ""
        month = MONTH_NAMES[self.month - 1] if self.month else "?"
        day = f" {self.day}" if self.day else ""
        year = f", {self.year}" if self.year else ""
        return f"the text says {month}{day}{year}"


@dataclasses.dataclass(frozen=True)
class ArticleDetails:
    """What a manifest adds to a parsed article: what the text itself does not say."""

    published_on: datetime.date | None = None
    url: str = ""
    outlet: str = ""  # The outlet's name, when the text does not make it clear.
    outlet_homepage_url: str = ""


# --- Reading files ----------------------------------------------------------------------------

_FILE_NAME_MAX_LENGTH = Article._meta.get_field("seed_file").max_length


def read_article_file(path):
    """Parse the file at `path`; ArticleImportError when it is not an article we can read."""
    path = Path(path)
    _check_file_name(path.name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ArticleImportError(f"cannot read the file ({error.strerror or error})") from None
    return parse_article_data(path.name, data)


def parse_article_data(filename, data):
    """Parse the bytes `data` of the file `filename`; ArticleImportError as read_article_file."""
    _check_file_name(filename)
    return parse_article(decode_article(data), filename)


def _check_file_name(name):
    """An article is known by its file name, so the name must be storable and printable."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise ArticleImportError("the file name is not valid UTF-8; rename the file") from None
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise ArticleImportError("the file name contains control characters; rename the file")
    if len(name) > _FILE_NAME_MAX_LENGTH:
        raise ArticleImportError(
            f"the file name is longer than {_FILE_NAME_MAX_LENGTH} characters; rename the file"
        )


def decode_article(data):
    """The text of a file's bytes, exactly: UTF-8 decoding keeps every byte (a BOM included)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ArticleImportError("the file is UTF-16 text; save it as UTF-8")
    if b"\x00" in data:
        raise ArticleImportError("the file is binary, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArticleImportError(
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
    if not _INVISIBLE.sub("", text).strip():
        raise ArticleImportError("the file is empty")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f\v")
    if controls > len(text) // 100:
        raise ArticleImportError("the file is binary, not text")
    return text


# --- Parsing ----------------------------------------------------------------------------------


def _set_of_words(text):
    return frozenset(text.split())


def _set_of_phrases(text):
    return frozenset(phrase.strip() for phrase in text.split(",") if phrase.strip())


_MONTHS = {name.casefold(): number for number, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS |= {name[:3]: number for name, number in _MONTHS.items()} | {"sept": 9}
# Agencies print months in capitals too ("JUN 3, 20:15").
_MONTH = "(?i:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

_OUTLET_NAMES = {
    "tass": "TASS",
    "sputnik": "Sputnik",
    "sputnik international": "Sputnik",
    "ria novosti": "RIA Novosti",
    "ria": "RIA Novosti",
    "rt": "RT",
    "interfax": "Interfax",
}

_AGENCIES = "|".join(map(re.escape, _OUTLET_NAMES))
# The place, date and agency that open a story.
_DATELINE = re.compile(
    rf"""
    ^(?:
        (?P<place>[A-Z][A-Z.'’-]+(?:\ [A-Z][A-Z.'’-]*)*      # MOSCOW, ST. PETERSBURG
            (?:,\s*[A-Z][A-Z.]+(?=,))?)                     # WASHINGTON, D.C.
        (?:,\s*(?:(?P<month_a>{_MONTH})\s+(?P<day_a>\d{{1,2}})  # , June 3
                |(?P<day_b>\d{{1,2}})\s+(?P<month_b>{_MONTH}))  # , 3 June
            (?:,\s*(?P<year>\d{{4}}))?)?                      # , 2021
        \.?\s*
    )?
    (?:/(?P<slashed>[^/]{{2,40}})/                             # /TASS/
      |\((?P<bracketed>[^()]{{2,40}})\)(?:,[^.:—–-]{{1,60}})?\s*[:—–-]  # (Sputnik), Jane Doe —
      |[—–-]\s*(?P<dashed>(?i:{_AGENCIES}))\b                   # - RIA Novosti.
    )?
    """,
    re.VERBOSE,
)

# Lines that give the time of publication; they are read, never displayed.
_TIMESTAMPS = [
    # TASS: "May 29, 19:50 UTC+3 MINSK", "Russian Politics & Diplomacy July 08, 2021, 8:44"
    re.compile(
        rf"^(?:[^.!?]{{1,60}}?\s+)?(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}),"
        r"(?:\s+(?P<year>\d{4}),)?\s+\d{1,2}:\d{2}(?:\s+UTC[+-]\d{1,2})?"
        r"(?:\s+(?P<place>[A-Z][A-Z .'-]{0,60}))?$"
    ),
    # "28 Jul 2021, 18:33", "3 JUN, 20:15"
    re.compile(
        rf"^(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH})(?:\s+(?P<year>\d{{4}}))?,?"
        r"\s+\d{1,2}:\d{2}$"
    ),
    # Sputnik: "01:42 GMT 08.07.2021 (Updated: 13:20 GMT 06.08.2022)"; RIA Novosti:
    # "19:40 03/06/2013". Day first.
    re.compile(
        r"^\d{1,2}:\d{2}(?:\s+(?:GMT|UTC|MSK)(?:[+-]\d{1,2})?)?\s+"
        r"(?P<day>\d{1,2})(?P<separator>[./])(?P<month>\d{1,2})(?P=separator)(?P<year>\d{4})"
        r"(?:\s+\(Updated:[^)]*\))?$"
    ),
]

# Site names, navigation, widgets and comment prompts, compared without case or surrounding
# symbols: no headline or paragraph is ever just one of these. With TASS's sections, which
# it prints beside a story's timestamp.
_FURNITURE = _set_of_phrases(
    """
    russian news agency, all news, latest news, news, newsfeed, home, menu, search, world,
    russia, international, analysis, opinion, multimedia, video, photo, podcasts, topics, tags,
    subscribe, share, print, copy link, add to favorites, advertisement, updated at,
    leave a comment, to participate in the discussion, log in or register, loader, chats,
    comments, read also, read more, read more on the site, related stories, most read,
    back to main page, russian politics & diplomacy, business & economy, military & defense,
    science & space, emergencies, society & culture, sports, press review
    """
) | set(_OUTLET_NAMES)
# Labels that introduce a link to another story: on their own line, or before it ("READ MORE: ...").
_LINK_LABEL = re.compile(
    r"^(?:read also|read more|see also|also read|also on (?:sputnik|tass|ria novosti)|related)"
    r"\b\s*:?",
    re.IGNORECASE,
)
# Invitations to follow the agency elsewhere: "Follow Sputnik on Telegram".
_SOCIAL_PROMPT = re.compile(
    r"^(?:follow|join|subscribe to)\b.{0,40}\b(?:telegram|twitter|facebook|vk|youtube|rumble|"
    r"channel|newsletter)\b",
    re.IGNORECASE,
)
# Sputnik's image captions end with its name; its own photos link to its media bank.
_SPUTNIK_CAPTION = re.compile(r"\s[-–—]\s*Sputnik(?: International)?$")
_SPUTNIK_OWN_PHOTO = re.compile(r"^©\s*Sputnik\b.*mediabank", re.IGNORECASE)
# Credits without a ©: "Photo: Valery Sharifulin/TASS".
_PHOTO_LABEL = re.compile(r"(?:photo|image|video)(?: by)?\s*:", re.IGNORECASE)
# A headline that credits its source after a dash: "Russia ready for ... with US — diplomat".
_DASH_ATTRIBUTION = re.compile(r"\s[—–-]\s+[^\s—–-]+(?:\s+[^\s—–-]+){0,2}$")
_MINOR_WORDS = _set_of_words(
    "a an and as at but by for from in into nor of on or over per the to via vs with"
)
_WORD = re.compile(r"[^\W\d_]+")
# From the first letter or digit to the last: found without the backtracking that
# stripping symbols from both ends with one regex costs on a long line of them.
_LETTERS_TO_LETTERS = re.compile(r"[^\W_](?:.*[^\W_])?")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")
_CLOSING_MARKS = "\"'”’»)] "
# "U.S." ends a headline without ending a sentence.
_INITIALS_AT_END = re.compile(r"\b(?:[A-Z]\.){2,}$")
_HEADING_MAX_WORDS = 20
_LIST_ITEM = re.compile(r"(?:[-–—•*·]|\d{1,2}[.)])\s")  # "- a hotline", "2. Talks"
_BROKEN_AT_END = re.compile(r"[^\W\d_]-$")  # "cyber-", wrapped before "security"
_PLACE_MAX_LENGTH = 60  # A longer run of capitals opens body text, not a dateline.
_TITLE_MAX_LENGTH = Article._meta.get_field("title").max_length


@dataclasses.dataclass(frozen=True)
class _Line:
    text: str
    starts_block: bool  # A blank line comes before it.


@dataclasses.dataclass(frozen=True)
class _Filing:
    """Where and when a dateline or timestamp says the story was filed, and by which agency."""

    place: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    outlet: str = ""


def parse_article(raw_text, filename):
    """Find the title, outlet, dateline, date and display text of a scraped article.

    Raises ArticleImportError when the text has no title or no body, or is not in a
    Latin script (lines in other scripts are dropped as stray headings).
    """
    if _is_foreign(raw_text):
        raise ArticleImportError(
            "the text is mostly in a non-Latin script; the importer reads English articles"
        )
    page = _sort_lines(_lines(raw_text))
    _check_title(page.title)
    paragraphs = [line.text for line in _without_link_lists(_join_wrapped_lines(page.body))]
    while paragraphs and _is_link_or_tag(paragraphs[-1]):
        paragraphs.pop()  # Tags and links after the story, not subheadings.
    if not paragraphs:
        raise ArticleImportError("no body: the file has a title but no article text")

    vocabulary = words_of("\n".join([page.title, *paragraphs]))
    repairs = []

    def repaired(text):
        text, made = repair_broken_hyphens(text, vocabulary)
        repairs.extend(made)
        return text

    title = repaired(page.title)
    paragraphs = [repaired(paragraph) for paragraph in paragraphs]
    dateline = next(filter(None, map(_dateline, paragraphs[:3])), None)
    # The timestamp's date is the fuller one (it can have the year); the dateline's place is.
    dated = next(
        (filing for filing in [*page.stamps[:1], dateline] if filing and filing.month), None
    )
    place = next(
        (filing.place for filing in [dateline, *page.stamps] if filing and filing.place), ""
    )

    return ParsedArticle(
        filename=filename,
        raw_text=raw_text,
        title=title,
        text="\n\n".join(paragraphs),
        outlet=_find_outlet(dateline, page.credits, raw_text),
        dateline=place,
        year=dated and dated.year,
        month=dated and dated.month,
        day=dated and dated.day,
        repairs=tuple(repairs),
    )


@dataclasses.dataclass
class _Page:
    """A scraped text's lines sorted by what they are; furniture is left out."""

    title: str | None = None
    body: list[_Line] = dataclasses.field(default_factory=list)
    credits: list[str] = dataclasses.field(default_factory=list)  # Captions repeat their text.
    stamps: list[_Filing] = dataclasses.field(default_factory=list)


def _sort_lines(lines):
    page = _Page()
    expect_teaser = False  # Under a picture or a "Read also" label, a headline links elsewhere.
    for line in lines:
        text = line.text
        if page.title is not None and _LINK_LABEL.match(text) and _is_heading_like(text):
            expect_teaser = True
        elif _is_furniture(text) or _is_foreign(text):
            pass  # Left out, like a stray heading from the page in another language.
        elif stamp := _timestamp(text):
            page.stamps.append(stamp)
            if page.body and _is_section_label(page.body[-1].text):
                page.body.pop()
        elif _is_credit(text):
            # A caption printed above its credit repeats part of the credit's text.
            if page.body and _repeats_credit(page.body[-1].text, text):
                page.body.pop()
            page.credits.append(text)
            expect_teaser = True
        elif _is_caption(text, page.credits[-1] if page.credits else ""):
            expect_teaser = True
        elif page.title is None or _is_menu_above(page, line):
            page.title = text
        elif not _is_teaser(text, expect_teaser):
            expect_teaser = False
            page.body.append(line)
    return page


def _is_menu_above(page, line):
    """Whether the title so far is a word or two of the site's menu, right above `line`."""
    return (
        not page.body
        and len(page.title.split()) <= 2
        and not line.starts_block
        and _is_heading_like(line.text)
    )


def _lines(raw_text):
    lines, blank_before = [], True
    for raw_line in raw_text.splitlines():
        text = _SPACES.sub(" ", _INVISIBLE.sub("", raw_line)).strip()
        if not text:
            blank_before = True
            continue
        lines.append(_Line(text, blank_before))
        blank_before = False
    return lines


def _check_title(title):
    if title is None:
        raise ArticleImportError("no title: the file has no text besides page furniture")
    if len(title) > _TITLE_MAX_LENGTH:
        raise ArticleImportError(
            f"no title: the first line is longer than a headline ({len(title)} characters)"
        )
    if _dateline(title) or _ends_with_full_stop(title):
        raise ArticleImportError("no title: the text starts with body text, not a headline")


def _bare(text):
    """The text without surrounding symbols and case: "/ Subscribe" and "Subscribe" match."""
    match = _LETTERS_TO_LETTERS.search(text)
    return match.group().casefold() if match else ""


def _is_furniture(text):
    bare = _bare(text)
    return not bare or bare in _FURNITURE or text.isdigit() or bool(_SOCIAL_PROMPT.match(text))


def _is_foreign(text):
    """Whether `text` is mostly in a non-Latin script: in English articles, a stray heading."""
    letters = "".join(_WORD.findall(text))
    latin = sum(1 for char in letters if char.isascii() or "\u00c0" <= char <= "\u024f")
    return latin * 2 < len(letters)


def _timestamp(text):
    """The _Filing of a line that gives the time of publication, or None for other lines."""
    for pattern in _TIMESTAMPS:
        if match := pattern.match(text):
            parts = match.groupdict()
            return _filing(parts.get("place"), parts.get("year"), parts["month"], parts["day"])
    return None


def _dateline(paragraph):
    """The _Filing of the dateline that opens `paragraph`, or None when it has none."""
    match = _DATELINE.match(paragraph)
    credit = (match["slashed"] or match["bracketed"] or match["dashed"] or "").strip()
    month, day = match["month_a"] or match["month_b"], match["day_a"] or match["day_b"]
    place = match["place"] or ""
    if not place and credit.casefold() not in _OUTLET_NAMES:
        return None  # Without a place, only an agency's name makes a dateline.
    if not (credit or month) or len(place) > _PLACE_MAX_LENGTH:
        return None
    filing = _filing(place, match["year"], month, day)
    return dataclasses.replace(filing, outlet=_OUTLET_NAMES.get(credit.casefold(), credit))


def _filing(place, year, month, day):
    """A _Filing from the matched text; without the date when it names no real day."""
    place = (place or "").strip()
    month = month and _month_number(month)
    if not (month and _is_real_day(year and int(year), month, int(day))):
        return _Filing(place=place)
    return _Filing(place=place, year=year and int(year), month=month, day=int(day))


def _month_number(text):
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(text.rstrip(".").casefold())


def _is_real_day(year, month, day):
    try:
        datetime.date(year or 2000, month, day)  # 2000 was a leap year: February 29 is real.
    except ValueError:
        return False
    return True


def _is_section_label(text):
    """A short heading above a timestamp: the story's section, when TASS adds a new one."""
    return _is_heading_like(text) and len(text.split()) <= 6


def _is_credit(text):
    """A photo credit: "© Sputnik / Ramil Sitdikov", "© REUTERS / EVELYN HOCKSTEIN...".

    Credits often have the caption glued on; the whole line goes.
    """
    return (
        text.startswith(("©", "(c) ", "(C) "))
        or bool(_PHOTO_LABEL.match(text))
        or ("©" in text and not _ends_sentence(text))
    )


def _is_caption(text, latest_credit):
    """A caption: it credits Sputnik, or repeats the credit line just before it."""
    return bool(_SPUTNIK_CAPTION.search(text)) or _repeats_credit(text, latest_credit)


def _repeats_credit(text, credit):
    """Whether `text` is the caption that a credit line carries glued to it."""
    caption = _SPUTNIK_CAPTION.sub("", text).casefold()
    return len(caption.split()) >= 4 and caption in credit.casefold()


def _is_teaser(text, expected):
    """A headline for another story, linked between paragraphs, under a picture or a label.

    Real subheadings ("More 'meddling'") are in sentence case and credit no one.
    """
    if not _is_heading_like(text):
        return False
    return expected or bool(_DASH_ATTRIBUTION.search(text)) or _is_title_case(text)


def _is_title_case(text):
    words = _WORD.findall(text)
    significant = [word for word in words if word.casefold() not in _MINOR_WORDS]
    return len(significant) >= 3 and all(word[0].isupper() for word in significant)


def _ends_sentence(text):
    return text.rstrip(_CLOSING_MARKS)[-1:] in {".", "!", "?", "…", ":", ";"}


def _ends_with_full_stop(text):
    stripped = text.rstrip(_CLOSING_MARKS)
    return (
        stripped.endswith(".")
        and not stripped.endswith("..")
        and not _INITIALS_AT_END.search(stripped)
    )


def _is_heading_like(text):
    return not _ends_sentence(text) and len(text.split()) <= _HEADING_MAX_WORDS


def _join_wrapped_lines(lines):
    """Paragraphs from lines: a line that continues an unfinished sentence joins it.

    Scraped articles usually have a paragraph per line. A line continues the one
    above when that does not end a sentence and the line starts in lower case (no
    paragraph does, so even after a blank line), or when it comes right under a
    word broken with a hyphen or under more words than a subheading has ("...
    spokesman Ned" / "Price said").
    """
    paragraphs = []
    for line in lines:
        previous = paragraphs[-1].text if paragraphs else ""
        broken_word = bool(_BROKEN_AT_END.search(previous))
        continues = (
            previous
            and not _ends_sentence(previous)
            and (
                line.text[0].islower()
                or not line.starts_block
                and (broken_word or len(previous.split()) > _HEADING_MAX_WORDS)
            )
        )
        if not continues:
            paragraphs.append(line)
            continue
        # After a hyphen the hyphen repair decides whether it stays.
        joined = previous + line.text if broken_word else f"{previous} {line.text}"
        paragraphs[-1] = dataclasses.replace(paragraphs[-1], text=joined)
    return paragraphs


def _without_link_lists(paragraphs):
    """Drop headings printed one under another: links to other stories, or tags.

    A subheading stands alone above its paragraph.
    """
    runs = []
    for paragraph in paragraphs:
        previous = runs[-1][-1] if runs else None
        if (
            previous
            and not paragraph.starts_block
            and _is_link_or_tag(previous.text)
            and _is_link_or_tag(paragraph.text)
        ):
            runs[-1].append(paragraph)
        else:
            runs.append([paragraph])
    return [run[0] for run in runs if len(run) == 1]


def _is_link_or_tag(text):
    """A heading that is not an item of a list ("- a hotline"): it may link elsewhere."""
    return _is_heading_like(text) and not _LIST_ITEM.match(text)


def _find_outlet(dateline, credits, raw_text):
    if dateline and dateline.outlet:
        return dateline.outlet
    if any(_SPUTNIK_OWN_PHOTO.search(credit) for credit in credits) or re.search(
        r"[-–—]\s*Sputnik International\s*$", raw_text, re.MULTILINE
    ):
        return "Sputnik"
    if "/TASS/" in raw_text:
        return "TASS"
    return ""


# --- Repairing hyphens that scraping put inside words -----------------------------------------

# Words of one to three letters that stand on their own, so that a compound made
# with them ("so-called", "all-out", "US-led", "sci-fi") is not mistaken for a
# word broken in two. A piece of that length that is not here ("sph", "ned") is
# a fragment of a word.
_SHORT_WORDS = _set_of_words(
    """
    ad ah am an as at aw ax be by do eh ex fi go ha he hi ho id if in is it la lo ma me mi my
    no of oh ok on op or ow ox pa pi so to uh um up us we wi ye yo
    ace act add ado aft age ago aid ail aim air ale all and ant any ape app apt arc are ark arm art
    ash ask asp ate awe axe aye bad bag ban bar bat bay bed bee beg bet bib bid big bin bio bit
    boa bob bog boo bot bow box boy bra bud bug bum bun bus but buy bye cab cad cam can cap car cat
    cob cod cog com con coo cop cot cow coy cry cub cue cup cur cut dab dad dam day den dew did die
    dig dim din dip doc doe dog don dot dry dub dud due dug duo dye ear eat ebb eco eel egg ego
    elf elk elm emu end era err eve ewe eye fad fan far fat fax fed fee few fib fig fin fir fit
    fix flu fly foe fog for fox fry fun fur gab gag gal gap gas gel gem geo get gig gin god got
    gum gun gut guy gym had hag ham has hat hay hem hen her hew hex hey hid him hip his hit hoe
    hoc hog hop hot how hub hue hug hum hut ice icy ill imp ink inn ins ire irk its ivy jab jam jar
    jaw jay jet jig job jog jot joy jug jut keg ken key kid kin kit lab lad lag lap law lax lay
    led leg let lid lie lip lit lob log lop lot low lug mad man map mar mat maw max may men met
    mid mix mob mod mom mop mud mug mum nab nag nap nay neo net new nil nip nit nod non nor not
    now nun nut oaf oak oar oat odd ode off oft oil old one ons opt orb ore our out ova owe owl
    ops own pad pal pan par pat paw pay pea peg pen pep per pet pew pie pig pin pit ply pod pop pot
    pow pre pro pry pub pug pun pup put rag ram ran rap rat raw ray red ref rib rid rig rim rip
    rob rod roe rot row rub rue rug rum run rut rye sac sad sag sap sat saw say sci sea see set
    sew sex she shy sin sip sir sis sit six ski sky sly sob sod son sop sow soy spa spy sty sub
    sue sum sun sup tab tad tag tan tap tar tax tea tee ten the tie tin tip toe ton too top tot
    tow toy tri try tub tug two ups urn use van vat vet via vie vow wad wag war was wax way web
    wed wee wet who why wig win wit woe wok won woo wow yak yam yap yaw yea yen yes yet yew you
    zap zen zip zoo
    """
)
# Prefixes that take a hyphen in good English: "co-chair", "re-elected", "de-escalation".
_PREFIXES = frozenset({"bi", "co", "de", "re", "ex", "pre", "non", "mid", "sub", "tri", "uni"})
# Word endings that never stand alone, so a piece made of one is a broken word: "informa-tion".
_BOUND_SUFFIXES = _set_of_words(
    """
    tion tions sion sions ation ations ment ments ness ance ances ence ences ical ible ibly
    ably ized ised izing ising ously
    """
)
_HYPHENATED = re.compile(r"(?<![\w-])([^\W\d_]+)-([^\W\d_]+)(?![\w-])")


def words_of(text):
    """The words of `text`, case-folded: the evidence the hyphen repair weighs."""
    return {word.casefold() for word in _WORD.findall(text)}


def repair_broken_hyphens(text, vocabulary):
    """Join words that scraping split with a hyphen ("sph-ere"); keep real compounds.

    Returns the text and a list of (damaged, repaired) pairs. `vocabulary` is the
    set of words (case-folded) the article uses elsewhere: see is_broken_hyphen().
    """
    repairs = []

    def repair(match):
        left, right = match.groups()
        if not is_broken_hyphen(left, right, vocabulary):
            return match.group(0)
        repairs.append((match.group(0), left + right))
        return left + right

    return _HYPHENATED.sub(repair, text), repairs


def is_broken_hyphen(left, right, vocabulary):
    """Whether the hyphen in `left`-`right` was inserted inside one word.

    A compound's second part starts in lower case unless it is a name
    ("Russia-US", "anti-Russian"), so a capital after the hyphen keeps it. Then
    the evidence: the article spells the joined word elsewhere ("Ru-ssia" beside
    "Russia"), or one piece is a fragment no writer would hyphenate on its own:
    two or three letters that are not a word ("ac-tion", "summo-ned") or an ending
    such as "-tion". Single letters ("X-ray", "e-mail"), acronyms ("UK-based")
    and prefixes ("re-elected") are not fragments.
    """
    if not right[0].islower():
        return False
    if (left + right).casefold() in vocabulary:
        return True
    return _is_fragment(left, allowed=_PREFIXES) or _is_fragment(right)


def _is_fragment(piece, *, allowed=frozenset()):
    if len(piece) == 1 or piece.isupper():
        return False
    word = piece.casefold()
    if len(word) <= 3:
        return word not in _SHORT_WORDS and word not in allowed
    return word in _BOUND_SUFFIXES


# --- Saving -----------------------------------------------------------------------------------


def save_article(parsed, details=ArticleDetails()):
    """Store `parsed` as an Article, keyed on its file name; returns (article, Outcome).

    A file imported before with the same content is left alone. One whose
    content changed gets its raw text, display text and hash replaced; the rest
    (title, dates, URL) is the editors' and stays as it is.
    """
    article = Article.objects.filter(seed_file=parsed.filename).first()
    if article is not None:
        if article.content_hash == parsed.content_hash:
            return article, Outcome.UNCHANGED
        article.raw_text = parsed.raw_text
        article.text = parsed.text
        article.content_hash = parsed.content_hash
        article.save(update_fields=["raw_text", "text", "content_hash", "updated_at"])
        return article, Outcome.UPDATED

    outlet_name = details.outlet or parsed.outlet
    if not outlet_name:
        raise ArticleImportError("no outlet: the text does not name one; give it in the manifest")
    if details.url and Article.objects.filter(url=details.url).exists():
        raise ArticleImportError(f"another article already has the URL {details.url}")
    if twin := Article.objects.filter(title=parsed.title, text=parsed.text).first():
        source = f"from {twin.seed_file}" if twin.seed_file else f"as {twin.title!r}"
        raise ArticleImportError(f"the same article is already imported {source}")
    article = Article(
        outlet=_outlet(outlet_name, details.outlet_homepage_url),
        title=parsed.title,
        url=details.url,
        published_on=details.published_on,
        dateline=parsed.dateline,
        raw_text=parsed.raw_text,
        text=parsed.text,
        seed_file=parsed.filename,
        content_hash=parsed.content_hash,
    )
    _check_fields(article)
    article.save()
    return article, Outcome.CREATED


def import_new_article(filename, data, *, outlet_otherwise=None):
    """Import the file `filename`, of bytes `data`, as a new article; returns (article, Outcome).

    `outlet_otherwise`, an Outlet, is the article's when its text names none. All or
    nothing, in a transaction of its own. The same file again is UNCHANGED. Unlike
    save_article, it never replaces an article's text with other text: the quotes of
    that article's claims were checked against it, and only the import that knows of
    claims can check them again.
    """
    parsed = parse_article_data(filename, data)
    earlier = Article.objects.filter(seed_file=parsed.filename).first()
    if earlier is not None:
        if earlier.content_hash != parsed.content_hash:
            raise ArticleImportError(
                f"the article {earlier.title!r} was imported from a file of this name with "
                "other text; change that article, or give this file another name to import it "
                "as new"
            )
        return earlier, Outcome.UNCHANGED
    outlet = parsed.outlet or (outlet_otherwise.name if outlet_otherwise else "")
    if not outlet:
        raise ArticleImportError("the text does not name its outlet: choose it, and import again")
    details = ArticleDetails(published_on=parsed.publication_date(), outlet=outlet)
    try:
        with transaction.atomic():
            return save_article(parsed, details)
    except DatabaseError as error:
        # Rows are checked before they are saved; PostgreSQL may still refuse one.
        raise ArticleImportError(refusal(error)) from None


def refusal(error):
    """A DatabaseError in one line: its first says what was refused."""
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    return f"the database refused it: {reason}"


def _outlet(name, homepage_url):
    outlet = Outlet.objects.filter(name__iexact=name).first()
    if outlet is None:
        outlet = Outlet(name=name, homepage_url=homepage_url)
        _check_fields(outlet, f"outlet {name!r}")
    elif homepage_url and not outlet.homepage_url:
        outlet.homepage_url = homepage_url
        _check_fields(outlet, f"outlet {name!r}")
    else:
        return outlet
    outlet.save()
    return outlet


def validation_problems(instance):
    """What full_clean() finds wrong with `instance`, as one line; "" when nothing is."""
    try:
        instance.full_clean()
    except ValidationError as error:
        return "; ".join(
            " ".join(messages) if field == NON_FIELD_ERRORS else f"{field}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
    return ""


def _check_fields(instance, where=""):
    """Refuse in words what the database would refuse with an error, or store cut short."""
    if problems := validation_problems(instance):
        raise ArticleImportError(f"{where}: {problems}" if where else problems)
