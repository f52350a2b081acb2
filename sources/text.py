"""Text helpers shared by the importer, the admin and the public pages.

Quotes are matched against article text "verbatim" up to the differences that
scraping and typing introduce: runs of whitespace, non-breaking spaces and
straight versus curly quotation marks.
"""

import functools
import re
from dataclasses import dataclass

from django.utils.text import slugify

# Dates are written in English on the site, as the agencies we import write them.
MONTH_NAMES = [
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

_DOUBLE_QUOTES = '"“”„«»'
_SINGLE_QUOTES = "'‘’‚"
_DOUBLE_QUOTE_CLASS = "[" + re.escape(_DOUBLE_QUOTES) + "]"
_SINGLE_QUOTE_CLASS = "[" + re.escape(_SINGLE_QUOTES) + "]"


def normalize_for_matching(text):
    """Collapse whitespace (non-breaking spaces included) and straighten quotes."""
    text = re.sub(f"[{re.escape(_DOUBLE_QUOTES)}]", '"', text)
    text = re.sub(f"[{re.escape(_SINGLE_QUOTES)}]", "'", text)
    return " ".join(text.split())


# Pages look for the same few quotes in every paragraph of an article.
@functools.lru_cache(maxsize=1024)
def quote_pattern(quote):
    """A regex that finds `quote` in a text that differs only as normalize_for_matching allows."""
    parts = []
    for word in normalize_for_matching(quote).split(" "):
        pieces = []
        for char in word:
            if char == '"':
                pieces.append(_DOUBLE_QUOTE_CLASS)
            elif char == "'":
                pieces.append(_SINGLE_QUOTE_CLASS)
            else:
                pieces.append(re.escape(char))
        parts.append("".join(pieces))
    return re.compile(r"\s+".join(parts))


def find_quote(text, quote):
    """The (start, end) span of `quote` in `text`, or None when it does not occur."""
    if not quote.strip():
        return None
    match = quote_pattern(quote).search(text)
    return match.span() if match else None


def paragraph_spans(text):
    """The (start, end) of each paragraph of `text`: blocks between blank lines, stripped."""
    blocks, start = [], 0
    for separator in re.finditer(r"\n\s*\n", text):
        blocks.append((start, separator.start()))
        start = separator.end()
    blocks.append((start, len(text)))
    spans = []
    for start, end in blocks:
        block = text[start:end]
        start += len(block) - len(block.lstrip())
        end -= len(block) - len(block.rstrip())
        if start < end:
            spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Segment:
    """A run of a paragraph, marked with `target` when it is one of the passages sought."""

    text: str
    target: object = None


def mark_passages(text, passages):
    """Split text into paragraphs of Segments, marking each passage found.

    `passages` is a list of (quote, target) pairs. A quote that runs over more than
    one paragraph is marked in each of them; a quote that does not occur, or that
    overlaps one already marked, is left unmarked.
    """
    spans = []
    for quote, target in passages:
        span = find_quote(text, quote)
        if span and not any(span[0] < end and start < span[1] for start, end, _ in spans):
            spans.append((*span, target))
    spans.sort(key=lambda span: span[0])
    marked = []
    for paragraph_start, paragraph_end in paragraph_spans(text):
        segments, position = [], paragraph_start
        for start, end, target in spans:
            start, end = max(start, paragraph_start), min(end, paragraph_end)
            if start >= end:
                continue
            if start > position:
                segments.append(Segment(text[position:start]))
            segments.append(Segment(text[start:end], target))
            position = end
        if position < paragraph_end:
            segments.append(Segment(text[position:paragraph_end]))
        marked.append(segments)
    return marked


def passage_in_context(text, quote):
    """The paragraphs of `text` that `quote` runs over, as Segments with the quote marked.

    [] when the quote does not occur.
    """
    return [
        paragraph
        for paragraph in mark_passages(text, [(quote, True)])
        if any(segment.target for segment in paragraph)
    ]


# Cyrillic in the romanization English-language newsrooms use (BGN/PCGN, without its
# diacritics and apostrophes): "Сергей Лавров" is sergey-lavrov in an address, as
# in the news. Lower case only: slugs are.
_CYRILLIC_TO_LATIN = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", strict=True)),
        **{"ё": "yo", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
        **{"ю": "yu", "я": "ya", "ъ": "", "ь": ""},
        # Ukrainian and Belarusian letters that Russian lacks.
        **{"є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ў": "w"},
    }
)


def unique_slug(model, value, *, instance_pk=None, max_length=80):
    """A slug for `value` that no other row of `model` uses yet.

    Words in Cyrillic are romanized; in scripts slugify cannot write in Latin
    letters, the slug is "item", numbered.
    """
    base = slugify(value.lower().translate(_CYRILLIC_TO_LATIN))[:max_length].strip("-") or "item"
    slug, counter = base, 2
    others = (
        model._default_manager.exclude(pk=instance_pk) if instance_pk else model._default_manager
    )
    while others.filter(slug=slug).exists():
        suffix = f"-{counter}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
        counter += 1
    return slug
