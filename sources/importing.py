"""Reading scraped news articles: the parser, and the saving of what it finds.

`parse_article()` is pure. It takes a text exactly as read and finds what the
text itself says: the title, the outlet, the dateline place, the date where it
is given, and a display text without the page furniture that scraping brings
along (widgets, photo credits, captions, teasers for other stories) and with
the hyphens that scraping put inside words taken out again.

`save_article()` stores a parsed article as Outlet and Article rows, keyed on
the file name, so that importing the same file again changes nothing.

This module knows nothing of claims or of the manifest that describes them.
"""

import datetime
import enum
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sources.models import Article, Outlet


class ArticleImportError(ValueError):
    """A text that cannot be imported. The message says why, in words for one line of output."""


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
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
        given = [
            (self.year, date.year),
            (self.month, date.month),
            (self.day, date.day),
        ]
        if all(found is None or found == wanted for found, wanted in given):
            return ""
        return f"the text says {self._date_as_given()}"

    def _date_as_given(self):
        month = _MONTH_NAMES[self.month - 1] if self.month else "?"
        day = f" {self.day}" if self.day else ""
        year = f", {self.year}" if self.year else ""
        return f"{month}{day}{year}"


@dataclass(frozen=True)
class ArticleDetails:
    """What a manifest adds to a parsed article: what the text itself does not say."""

    published_on: datetime.date | None = None
    url: str = ""
    outlet: str = ""  # The outlet's name, when the text does not make it clear.
    outlet_homepage_url: str = ""


# --- Reading files ----------------------------------------------------------------------------


def read_article_file(path):
    """Parse the file at `path`; ArticleImportError when it is not an article we can read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ArticleImportError(f"cannot read the file ({error.strerror})") from None
    return parse_article(decode_article(data), path.name)


def decode_article(data):
    """The text of a file's bytes, exactly: UTF-8 decoding keeps every byte (a BOM included)."""
    if not data.strip():
        raise ArticleImportError("the file is empty")
    if b"\x00" in data:
        raise ArticleImportError("the file is binary, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArticleImportError(
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f\v")
    if controls > len(text) // 100:
        raise ArticleImportError("the file is binary, not text")
    return text


# --- Parsing ----------------------------------------------------------------------------------

_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["Sept"] = 9
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

# The place that opens a story, with a date and the agency's name:
# "SOCHI, May 14. /TASS/.", "MOSCOW (Sputnik) —", "WASHINGTON DC (RIA Novosti):".
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]*)*)"
    rf"(?:,\s*(?P<date>(?P<month_a>{_MONTH})\s+(?P<day_a>\d{{1,2}})"
    rf"|(?P<day_b>\d{{1,2}})\s+(?P<month_b>{_MONTH}))\.?\s*(?:/(?P<slashed>[^/]{{2,40}})/|[—–-])?"
    r"|\s*\((?P<bracketed>[^()]{2,40})\)\s*[:—–-])"
)

# Lines that give the time of publication; they are read, never displayed.
_TIMESTAMPS = [
    # TASS: "May 29, 19:50 UTC+3 MINSK", "Russian Politics & Diplomacy July 08, 2021, 8:44"
    re.compile(
        rf"^(?:[^.!?]{{1,60}}?\s+)?(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}),"
        r"(?:\s+(?P<year>\d{4}),)?\s+\d{1,2}:\d{2}(?:\s+UTC[+-]\d{1,2})?"
        r"(?:\s+(?P<place>[A-Z][A-Z .'-]*))?$"
    ),
    # "28 Jul 2021, 18:33"
    re.compile(
        rf"^(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH})\s+(?P<year>\d{{4}}),?\s+\d{{1,2}}:\d{{2}}$"
    ),
    # Sputnik: "01:42 GMT 08.07.2021 (Updated: 13:20 GMT 06.08.2022)", day first.
    re.compile(
        r"^\d{1,2}:\d{2}\s+(?:GMT|UTC|MSK)(?:[+-]\d{1,2})?\s+"
        r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?:\s+\(Updated:[^)]*\))?$"
    ),
]

# Widgets, navigation and comment prompts, compared without case or surrounding symbols.
_FURNITURE = {
    "all news",
    "subscribe",
    "newsfeed",
    "leave a comment",
    "to participate in the discussion",
    "log in or register",
    "loader",
    "chats",
    "comments",
    "share",
    "read also",
    "read more",
    "read more on the site",
    "back to main page",
    "topics",
    "updated at",
    "advertisement",
    "related stories",
    "most read",
}
# Labels that introduce a link to another story: on their own line, or before it ("READ MORE: ...").
_LINK_LABEL = re.compile(r"^(?:read also|read more|see also|also read)\b\s*:?", re.IGNORECASE)
# TASS prints the story's section above its timestamp.
_SECTIONS = {
    "russian politics & diplomacy",
    "world",
    "business & economy",
    "military & defense",
    "science & space",
    "emergencies",
    "society & culture",
    "sports",
    "press review",
}
_OUTLET_NAMES = {
    "tass": "TASS",
    "sputnik": "Sputnik",
    "sputnik international": "Sputnik",
    "ria novosti": "RIA Novosti",
    "ria": "RIA Novosti",
    "rt": "RT",
    "interfax": "Interfax",
}
# Sputnik's image captions end with its name; its own photos link to its media bank.
_SPUTNIK_CAPTION = re.compile(r"\s[-–—]\s*Sputnik(?: International)?$")
_SPUTNIK_OWN_PHOTO = re.compile(r"^©\s*Sputnik\b.*mediabank", re.IGNORECASE)
# A headline that credits its source after a dash: "Russia ready for ... with US — diplomat".
_DASH_ATTRIBUTION = re.compile(r"\s[—–-]\s+[^\s—–-]+(?:\s+[^\s—–-]+){0,2}$")
_MINOR_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "but",
    "by",
    "for",
    "from",
    "in",
    "into",
    "nor",
    "of",
    "on",
    "or",
    "over",
    "per",
    "the",
    "to",
    "via",
    "vs",
    "with",
}
_WORD = re.compile(r"[^\W\d_]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")
_CLOSING_MARKS = "\"'”’»)] "
_HEADING_MAX_WORDS = 20
_TITLE_MAX_LENGTH = Article._meta.get_field("title").max_length


@dataclass
class _Line:
    text: str
    starts_block: bool  # A blank line comes before it.


def parse_article(raw_text, filename):
    """Find the title, outlet, dateline, date and display text of a scraped article.

    Raises ArticleImportError when the text has no title or no body.
    """
    lines = _lines(raw_text)
    title = None
    kept = []  # Body lines, in order.
    credits = []  # Photo credits seen so far (captions repeat their text).
    expect_teaser = False  # Under a picture or a "Read also" label, a headline links elsewhere.
    found_date = {}
    stamp_place = ""

    for line in lines:
        text = line.text
        if title is not None and _LINK_LABEL.match(text) and _is_heading_like(text):
            expect_teaser = True
            continue
        if _is_furniture(text) or _is_foreign(text):
            continue
        stamp = _timestamp(text)
        if stamp:
            found_date = found_date or stamp
            stamp_place = stamp_place or stamp.get("place", "")
            if title is not None and kept and _is_section_label(kept[-1].text):
                kept.pop()
            continue
        if _is_credit(text):
            credits.append(text)
            # A caption printed above its credit repeats part of the credit's text.
            if kept and _repeats_credit(kept[-1].text, [text]):
                kept.pop()
            expect_teaser = True
            continue
        if _is_caption(text, credits):
            expect_teaser = True
            continue
        if title is None:
            title = text
            continue
        if _is_teaser(text, expect_teaser):
            continue
        expect_teaser = False
        kept.append(line)

    if title is None:
        raise ArticleImportError("no title: the file has no text besides page furniture")
    if len(title) > _TITLE_MAX_LENGTH or _DATELINE.match(title) or _ends_with_full_stop(title):
        raise ArticleImportError("no title: the text starts with body text, not a headline")

    paragraphs = _join_wrapped_lines(kept)
    while paragraphs and _is_heading_like(paragraphs[-1]):
        paragraphs.pop()  # Tags and links after the story, not subheadings.
    if not paragraphs:
        raise ArticleImportError("no body: the file has a title but no article text")

    vocabulary = words_of("\n".join([title, *paragraphs]))
    repairs = []

    def repaired(text):
        text, made = repair_broken_hyphens(text, vocabulary)
        repairs.extend(made)
        return text

    title = repaired(title)
    paragraphs = [repaired(paragraph) for paragraph in paragraphs]
    dateline = next((m for p in paragraphs[:3] if (m := _DATELINE.match(p))), None)
    year, month, day = _date_parts(found_date, dateline)

    return ParsedArticle(
        filename=filename,
        raw_text=raw_text,
        title=title,
        text="\n\n".join(paragraphs),
        outlet=_find_outlet(dateline, credits, raw_text),
        dateline=(dateline.group("place") if dateline else stamp_place).strip(),
        year=year,
        month=month,
        day=day,
        repairs=tuple(repairs),
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


def _bare(text):
    """The text without surrounding symbols and case: "/ Subscribe" and "Subscribe" match."""
    return re.sub(r"^[\W_]+|[\W_]+$", "", text).casefold()


def _is_furniture(text):
    bare = _bare(text)
    return not bare or bare in _FURNITURE or text.isdigit()


def _is_foreign(text):
    """A line mostly in a non-Latin script: a stray heading from another language's page."""
    letters = _WORD.findall(text)
    letter_count = sum(len(word) for word in letters)
    latin = sum(1 for char in "".join(letters) if char.isascii() or "\u00c0" <= char <= "\u024f")
    return letter_count > 0 and latin * 2 < letter_count


def _timestamp(text):
    for pattern in _TIMESTAMPS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            month = _month_number(parts["month"])
            if not month:
                return None
            found = {"month": month, "day": int(parts["day"])}
            if parts.get("year"):
                found["year"] = int(parts["year"])
            if parts.get("place"):
                found["place"] = parts["place"].strip()
            return found
    return None


def _date_parts(stamp, dateline):
    """(year, month, day), each None when not given: the timestamp's, else the dateline's."""
    date = dict(stamp)
    if dateline and "month" not in date:
        month = dateline.group("month_a") or dateline.group("month_b")
        if month:
            day = dateline.group("day_a") or dateline.group("day_b")
            date.update(month=_month_number(month), day=int(day))
    year, month, day = date.get("year"), date.get("month"), date.get("day")
    if month and day and not _is_real_day(year, month, day):
        return None, None, None
    return year, month, day


def _month_number(text):
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(text.rstrip("."))


def _is_real_day(year, month, day):
    try:
        datetime.date(year or 2000, month, day)  # 2000 was a leap year: February 29 is real.
    except ValueError:
        return False
    return True


def _is_section_label(text):
    return _bare(text) in _SECTIONS or _is_heading_like(text) and len(text.split()) <= 6


def _is_credit(text):
    """A photo credit: "© Sputnik / Ramil Sitdikov", "© REUTERS / EVELYN HOCKSTEIN...".

    Credits often have the caption glued on; the whole line goes.
    """
    return text.startswith(("©", "(c) ", "(C) ")) or "©" in text and not _ends_sentence(text)


def _is_caption(text, credits):
    return bool(_SPUTNIK_CAPTION.search(text)) or _repeats_credit(text, credits)


def _repeats_credit(text, credits):
    """Whether `text` is the caption that a credit line carries glued to it."""
    caption = _SPUTNIK_CAPTION.sub("", text).casefold()
    return len(caption.split()) >= 4 and any(caption in credit.casefold() for credit in credits)


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
    return stripped.endswith(".") and not stripped.endswith("..")


def _is_heading_like(text):
    return not _ends_sentence(text) and len(text.split()) <= _HEADING_MAX_WORDS


def _join_wrapped_lines(lines):
    """Paragraphs from lines: a line that continues an unfinished sentence joins it.

    Scraped articles usually have a paragraph per line; a hard-wrapped one has a
    line that starts in lower case right under a line that does not end a sentence.
    """
    paragraphs = []
    for line in lines:
        previous = paragraphs[-1] if paragraphs else ""
        continues = (
            previous
            and not line.starts_block
            and line.text[0].islower()
            and not _ends_sentence(previous)
        )
        if not continues:
            paragraphs.append(line.text)
        elif re.search(r"[^\W\d_]-$", previous):
            # Hyphenated at the line's end: the hyphen repair decides whether it stays.
            paragraphs[-1] = previous + line.text
        else:
            paragraphs[-1] = f"{previous} {line.text}"
    return paragraphs


def _find_outlet(dateline, credits, raw_text):
    if dateline:
        named = dateline.group("slashed") or dateline.group("bracketed")
        if named:
            return _OUTLET_NAMES.get(named.strip().casefold(), named.strip())
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
def _word_list(text):
    return frozenset(text.split())


_SHORT_WORDS = _word_list(
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
_BOUND_SUFFIXES = _word_list(
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
    article = Article.objects.create(
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
    return article, Outcome.CREATED


def _outlet(name, homepage_url):
    outlet = Outlet.objects.filter(name__iexact=name).first()
    if outlet is None:
        return Outlet.objects.create(name=name, homepage_url=homepage_url)
    if homepage_url and not outlet.homepage_url:
        outlet.homepage_url = homepage_url
        outlet.save(update_fields=["homepage_url"])
    return outlet
