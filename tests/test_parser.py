"""The article parser: what it finds in each seed file, what it drops and what it repairs."""

import datetime
import hashlib
import time
from pathlib import Path

import pytest
from django.conf import settings

from sources.importing import (
    ArticleImportError,
    decode_article,
    is_broken_hyphen,
    parse_article,
    read_article_file,
    repair_broken_hyphens,
    words_of,
)
from sources.text import find_quote

SEEDS = Path(settings.BASE_DIR) / "seeds"
SEED_000 = SEEDS / "000_7b884753c71599ef.txt"
SEED_001 = SEEDS / "001_e4257911b50f9b74.txt"
SEED_002 = SEEDS / "002_be3ff52dd8927ab6.txt"
SEED_003 = SEEDS / "003_a868eae481f18e53.txt"
SEED_004 = SEEDS / "004_1009c1688e2e5812.txt"
ALL_SEEDS = [SEED_000, SEED_001, SEED_002, SEED_003, SEED_004]


def parse_seed(path):
    return read_article_file(path)


@pytest.mark.parametrize(
    ("path", "title", "outlet", "dateline", "date_parts"),
    [
        (
            SEED_000,
            "Attacks on Russian Internet resources come primarily from US, says Lavrov",
            "TASS",
            "SOCHI",
            (None, 5, 14),
        ),
        (
            SEED_001,
            "Lavrov notes US not interested in cooperating with Russia on cybersecurity",
            "TASS",
            "MINSK",
            (None, 5, 29),
        ),
        (
            SEED_002,
            "Lavrov: US Gave Russia No Clear Response to Moscow's Initiative to Seriously "
            "Deal With Cybercrimes",
            "Sputnik",
            "",
            (2021, 7, 8),
        ),
        (
            SEED_003,
            "Russia Ready to Discuss With US Whole Rage of Cybersecurity Issues",
            "Sputnik",
            "MOSCOW",
            (None, None, None),
        ),
        (
            SEED_004,
            "Russia-US cybersecurity dialogue producing tangible results – envoy",
            "RIA Novosti",
            "WASHINGTON DC",
            (None, None, None),
        ),
    ],
    ids=lambda value: value.name[:3] if isinstance(value, Path) else None,
)
def test_finds_what_each_seed_says_about_itself(path, title, outlet, dateline, date_parts):
    parsed = parse_seed(path)

    assert parsed.filename == path.name
    assert parsed.title == title
    assert parsed.outlet == outlet
    assert parsed.dateline == dateline
    assert (parsed.year, parsed.month, parsed.day) == date_parts


@pytest.mark.parametrize("path", ALL_SEEDS, ids=lambda path: path.name[:3])
def test_keeps_the_raw_text_exactly_as_read(path):
    data = path.read_bytes()
    parsed = parse_seed(path)

    assert parsed.raw_text.encode("utf-8") == data
    assert parsed.content_hash == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("path", ALL_SEEDS, ids=lambda path: path.name[:3])
def test_display_text_is_paragraphs_separated_by_blank_lines(path):
    text = parse_seed(path).text

    paragraphs = text.split("\n\n")
    assert len(paragraphs) >= 5
    assert all(paragraph.strip() == paragraph and paragraph for paragraph in paragraphs)
    assert all("\n" not in paragraph for paragraph in paragraphs)
    assert "\xa0" not in text
    assert "  " not in text


FURNITURE_LINES = [
    "All news",
    "Subscribe",
    "/ Subscribe",
    "Newsfeed",
    "Leave a Comment",
    "0",
    "To participate in the discussion",
    "log in or register",
    "loader",
    "Chats",
    "Russian Politics & Diplomacy",
]
FURNITURE_FRAGMENTS = [
    "Заголовок",  # A stray heading from the Russian page.
    "UTC+3",  # "May 29, 19:50 UTC+3 MINSK"
    "GMT",  # "01:42 GMT 08.07.2021 (Updated: ...)"
    "©",
    "mediabank",
    "Sputnik International",
    "REUTERS",
    "U.S. President Joe Biden delivers remarks",  # A caption repeated under its credit.
    "Ryabkov gives interview",
    "Abdel Latyf bin Rashid Az-Zayani",
    "Russia ready for cybersecurity dialogue with US",  # Teasers for other stories.
    "US Federal Agencies Fail to Recruit",
    "Senate Intelligence Committee",
]


@pytest.mark.parametrize("path", ALL_SEEDS, ids=lambda path: path.name[:3])
def test_drops_page_furniture(path):
    parsed = parse_seed(path)
    paragraphs = parsed.text.split("\n\n")

    for line in FURNITURE_LINES:
        assert line not in paragraphs
    for fragment in FURNITURE_FRAGMENTS:
        assert fragment not in parsed.text
        assert fragment not in parsed.title


def test_furniture_was_really_in_the_raw_texts():
    """The drop test above is worth something only if the seeds carry that furniture."""
    raw = "\n".join(path.read_text(encoding="utf-8") for path in ALL_SEEDS)
    raw_lines = {line.strip() for line in raw.splitlines()}

    assert set(FURNITURE_LINES) <= raw_lines
    assert all(fragment in raw for fragment in FURNITURE_FRAGMENTS)


def test_keeps_the_story_its_subheading_and_standfirst():
    tass_2018 = parse_seed(SEED_001).text.split("\n\n")
    sputnik_2017 = parse_seed(SEED_003).text.split("\n\n")

    assert tass_2018[0] == (
        "Top duolomat also stressed that the majority of countries support Russia's initiatives"
    )
    assert tass_2018[1].startswith("MINSK, May 29. /TASS/. Washington is currently")
    assert "More 'meddling'" in tass_2018
    assert tass_2018[-1].endswith('this is the environment we have to work in," Lavrov concluded.')
    assert sputnik_2017[1].startswith("MOSCOW (Sputnik) — Moscow is ready to discuss")
    assert sputnik_2017[-1].endswith("were completely unfounded.")


def test_keeps_sentences_that_merely_mention_subscribing():
    text = parse_seed(SEED_001).text

    assert "inviting the states to subscribe to these universal rules" in text


def test_repairs_words_that_scraping_split_with_a_hyphen():
    parsed = parse_seed(SEED_004)

    assert set(parsed.repairs) == {
        ("h-ave", "have"),
        ("sph-ere", "sphere"),
        ("Ru-ssia", "Russia"),
        ("S-ullivan", "Sullivan"),
        ("summo-ned", "summoned"),
        ("ac-tion", "action"),
        ("Fede-ration", "Federation"),
        ("Squ-are", "Square"),
    }
    for repaired in [
        "Concrete steps have been taken in the sphere of interaction",
        "such a plan of action regarding the Russian elections",
        "US Ambassador to Russia Sullivan was summoned to the Russian Foreign Ministry",
        "internal affairs of the Russian Federation, namely the elections",
        "that Sullivan, who was summoned to Smolenskaya Square,",
    ]:
        assert repaired in parsed.text
    for damaged, _ in parsed.repairs:
        assert damaged not in parsed.text
        assert damaged in parsed.raw_text


@pytest.mark.parametrize(
    ("path", "real_hyphen"),
    [
        (SEED_004, "Russia-US"),
        (SEED_004, "high-ranking"),
        (SEED_001, "anti-Russian"),
        (SEED_002, "2019-2021"),
        (SEED_002, "high-profile"),
    ],
)
def test_keeps_real_hyphens(path, real_hyphen):
    parsed = parse_seed(path)

    assert real_hyphen in f"{parsed.title}\n{parsed.text}"


@pytest.mark.parametrize("path", [SEED_000, SEED_001, SEED_002, SEED_003])
def test_repairs_nothing_where_nothing_is_broken(path):
    assert parse_seed(path).repairs == ()


def test_quotes_copied_from_the_display_text_are_found_in_it():
    parsed = parse_seed(SEED_001)

    assert find_quote(parsed.text, "we couldn't hold the consultations right after you attacked us")
    assert find_quote(parsed.text, "Snake hacker group")


# --- The hyphen repair on words the seeds do not contain ---------------------------------------


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("minis-ter", "minister"),  # "ter" is no word
        ("cyb-ersecurity", "cybersecurity"),  # nor is "cyb"
        ("negotia-tions", "negotiations"),  # "-tions" never stands alone
        ("Parlia-ment", "Parliament"),
        ("walk-ed", "walked"),
        ("Kre-mlin", "Kremlin"),  # "Kre" is no word
        ("deve-lopment", "development"),  # "deve" is no word nor ending: see the next test
    ],
)
def test_joins_a_word_split_by_a_fragment_or_spelled_whole_elsewhere(damaged, repaired):
    vocabulary = words_of("The development of the talks went on.")

    text, repairs = repair_broken_hyphens(f"The {damaged} spoke.", vocabulary)

    assert text == f"The {repaired} spoke."
    assert repairs == [(damaged, repaired)]


def test_a_long_split_needs_the_whole_word_elsewhere_as_evidence():
    alone, _ = repair_broken_hyphens("The deve-lopment stalled.", words_of("Nothing here."))
    with_evidence, _ = repair_broken_hyphens(
        "The deve-lopment stalled.", words_of("A development.")
    )

    assert alone == "The deve-lopment stalled."
    assert with_evidence == "The development stalled."


@pytest.mark.parametrize(
    "compound",
    [
        "well-known",
        "long-term",
        "state-run",
        "so-called",
        "follow-up",
        "two-thirds",
        "US-led",
        "UK-based",
        "NATO-led",
        "re-elected",
        "co-chair",
        "pre-war",
        "ex-president",
        "e-mail",
        "X-ray",
        "T-shirt",
        "sci-fi",
        "ad-hoc",
        "dot-com",
        "pro-Western",
        "anti-Russian",
        "Russia-US",
        "Az-Zayani",
        "up-to-date",
        "COVID-19",
        "2019-2021",
        "G-20",
        "high-ranking",
    ],
)
def test_keeps_real_compounds(compound):
    # Both parts of each compound also occur on their own: that is no evidence of damage.
    vocabulary = words_of(f"{compound} {compound.replace('-', ' ')} and more")

    text, repairs = repair_broken_hyphens(f"A {compound} plan.", vocabulary)

    assert text == f"A {compound} plan."
    assert repairs == []


def test_a_capital_after_the_hyphen_always_keeps_it():
    assert not is_broken_hyphen("Russia", "US", words_of("RussiaUS"))
    assert not is_broken_hyphen("anti", "Russian", words_of("antiRussian"))


def test_joins_a_word_hyphenated_at_the_end_of_a_wrapped_line():
    raw = (
        "Talks resume\n\n"
        "MOSCOW, March 3. /TASS/. The talks on cyber-\n"
        "security resumed in the capi-\n"
        "tal on Friday, the minis-\n"
        "ter said.\n"
    )

    parsed = parse_article(raw, "wrapped.txt")

    assert parsed.text == (
        "MOSCOW, March 3. /TASS/. The talks on cyber-security resumed in the "
        "capital on Friday, the minister said."
    )


# --- Synthetic articles -------------------------------------------------------------------------


def test_reads_a_tass_timestamp_with_its_section_and_year():
    raw = (
        "No response yet to Moscow's call for dialogue — Lavrov\n\n"
        "Russian Politics & Diplomacy July 08, 2021, 8:44\n\n"
        "VLADIVOSTOK, July 8. /TASS/. Moscow has not yet received a clear response.\n\n"
        "Read more on the site →\n"
    )

    parsed = parse_article(raw, "tass.txt")

    assert parsed.title == "No response yet to Moscow's call for dialogue — Lavrov"
    assert (parsed.year, parsed.month, parsed.day) == (2021, 7, 8)
    assert parsed.publication_date() == datetime.date(2021, 7, 8)
    assert parsed.outlet == "TASS"
    assert parsed.dateline == "VLADIVOSTOK"
    assert parsed.text == (
        "VLADIVOSTOK, July 8. /TASS/. Moscow has not yet received a clear response."
    )


def test_reads_a_sputnik_page_with_pictures_and_teasers():
    raw = (
        "Kremlin Says Cyber Talks With Washington Continue\n"
        "10:15 GMT 03.02.2022\n"
        "© Sputnik / Someone / Go to the mediabankA building in Moscow at dusk.\n"
        "A building in Moscow at dusk. - Sputnik International\n"
        "Subscribe\n"
        "The talks are continuing, a spokesman said.\n"
        "Another Story Entirely About Something Else\n"
        "NEW YORK (Sputnik) - The talks go on, he said on Thursday.\n"
        "Positive signs\n"
        "The next round is planned for March.\n"
    )

    parsed = parse_article(raw, "sputnik.txt")

    assert parsed.outlet == "Sputnik"
    assert parsed.dateline == "NEW YORK"
    assert parsed.publication_date() == datetime.date(2022, 2, 3)
    assert parsed.text.split("\n\n") == [
        "The talks are continuing, a spokesman said.",
        "NEW YORK (Sputnik) - The talks go on, he said on Thursday.",
        "Positive signs",
        "The next round is planned for March.",
    ]


def test_drops_links_to_other_stories_and_the_tags_after_the_story():
    raw = (
        "Diplomat says US staying mum on cyber security initiative\n\n"
        "Russian Politics & Diplomacy\n"
        "September 12, 19:20 UTC+3 HELSINKI\n\n"
        "Read also\n\n"
        "Minister about Russia-US working group: defeating cybercrime possible\n\n"
        "HELSINKI, September 12. /TASS/. Washington has offered no reaction.\n\n"
        "READ MORE: Cyber unit to grow to 2,000 people\n\n"
        "Read more about the talks in our earlier report.\n\n"
        '"Regrettably, we have heard no reply," he noted.\n\n'
        "Topics\n"
        "Foreign policy\n"
    )

    parsed = parse_article(raw, "tass.txt")

    assert parsed.dateline == "HELSINKI"
    assert (parsed.month, parsed.day) == (9, 12)
    assert parsed.text.split("\n\n") == [
        "HELSINKI, September 12. /TASS/. Washington has offered no reaction.",
        "Read more about the talks in our earlier report.",
        '"Regrettably, we have heard no reply," he noted.',
    ]


def test_a_caption_printed_above_its_credit_goes_with_it():
    raw = (
        "Talks resume in Geneva\n\n"
        "GENEVA, June 16. /TASS/. The talks resumed.\n\n"
        "Delegations meet in Geneva on the first day\n"
        "© AP Photo / Jane Doe Delegations meet in Geneva on the first day\n\n"
        "They will go on tomorrow.\n"
    )

    parsed = parse_article(raw, "caption.txt")

    assert parsed.text.split("\n\n") == [
        "GENEVA, June 16. /TASS/. The talks resumed.",
        "They will go on tomorrow.",
    ]


def test_completes_a_month_and_day_with_the_year_it_is_given():
    parsed = parse_article("A headline\n\nSOCHI, May 14. /TASS/. Text here.\n", "a.txt")

    assert parsed.publication_date() is None
    assert parsed.publication_date(2019) == datetime.date(2019, 5, 14)
    assert parsed.disagreement_with(datetime.date(2019, 5, 14)) == ""
    assert parsed.disagreement_with(datetime.date(2019, 5, 15)) == "the text says May 14"


def test_an_article_without_an_agency_name_has_no_outlet():
    parsed = parse_article("A headline\n\nSomething happened today.\n", "plain.txt")

    assert parsed.outlet == ""
    assert parsed.dateline == ""
    assert parsed.text == "Something happened today."


def test_reads_windows_line_ends_but_keeps_them_in_the_raw_text():
    raw = "A headline\r\n\r\nMOSCOW, May 1. /TASS/. Text.\r\n\r\nMore text.\r\n"

    parsed = parse_article(raw, "crlf.txt")

    assert parsed.text == "MOSCOW, May 1. /TASS/. Text.\n\nMore text."
    assert parsed.raw_text == raw


def test_reads_a_byte_order_mark_but_keeps_it_in_the_raw_text():
    data = "\ufeffA headline\n\nMOSCOW, May 1. /TASS/. Text.\n".encode()

    parsed = parse_article(decode_article(data), "bom.txt")

    assert parsed.title == "A headline"
    assert parsed.raw_text.encode("utf-8") == data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \n\n \t\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the file is binary"),
        ("Caf\u00e9 talks\n\nThey met.\n".encode("latin-1"), "not UTF-8"),
    ],
    ids=["empty", "blank", "binary", "latin-1"],
)
def test_refuses_what_is_not_text(data, reason):
    with pytest.raises(ArticleImportError, match=reason):
        decode_article(data)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("Just a headline\n", "no body"),
        ("Just a headline\n\nAll news\nSubscribe\n", "no body"),
        ("All news\nSubscribe\n0\n", "no title"),
        ("MOSCOW, May 1. /TASS/. The minister spoke.\n\nMore text.\n", "no title"),
        ("The minister spoke to reporters on Monday.\n\nMore text.\n", "no title"),
    ],
    ids=["title-only", "title-and-furniture", "furniture-only", "dateline-first", "sentence"],
)
def test_refuses_a_text_without_title_or_body(raw, reason):
    with pytest.raises(ArticleImportError, match=reason):
        parse_article(raw, "bad.txt")


# --- Articles in the agencies' styles that are not the seeds ------------------------------------

TASS_FROM_WASHINGTON = (
    "US, Russia to hold new round of strategic stability talks\n\n"
    "World\n"
    "June 03, 2021, 20:15 UTC+3 WASHINGTON\n\n"
    "WASHINGTON, June 3. /TASS/. Washington and Moscow will hold a new round of talks, a State "
    "Department spokesman said on Thursday.\n\n"
    '"We expect the talks to be substantive," he said.\n\n'
    "Read also\n\n"
    "Kremlin says no date yet for Putin-Biden summit\n\n"
    "The talks were last held in 2020.\n\n"
    "Topics\n"
    "Strategic stability\n"
)
TASS_WITH_CAPITAL_MONTH = (
    "Russia proposes new pact on cyber threats\n"
    "JUN 3, 20:15\n"
    "MOSCOW, June 3. /TASS/. Russia has proposed a new pact, Deputy Foreign Minister Sergei "
    "Ryabkov told reporters.\n"
    "He said the pact would cover critical infrastructure.\n"
)
TASS_WITH_SECTION_ABOVE_HEADLINE = (
    "Russian Politics & Diplomacy\n"
    "June 3, 20:15 UTC+3\n"
    "Moscow calls cyber talks with Washington productive\n\n"
    "WASHINGTON, D.C., June 3. /TASS/. Russia regards the talks as productive, the envoy told "
    "reporters.\n\n"
    "He gave no details.\n"
)
SPUTNIK_FROM_MOSCOW = (
    "Kremlin: Talks With US on Cyber Issues to Continue\n"
    "14:02 GMT 03.06.2021\n"
    "© Sputnik / Grigoriy Sysoev / Go to the mediabankKremlin spokesman Dmitry Peskov\n"
    "Kremlin spokesman Dmitry Peskov - Sputnik International\n"
    "Subscribe\n"
    "MOSCOW (Sputnik) — The Kremlin expects talks with the United States on cybersecurity to "
    "continue, spokesman Dmitry Peskov said on Thursday.\n"
    '"We are ready to continue," Peskov said.\n'
    "US Imposes New Sanctions on Russian Entities\n"
    "The next round is planned for July.\n"
)
SPUTNIK_WITH_DATE_AND_INITIALS = (
    "Russia ready for cyber talks with U.S.\n\n"
    "MOSCOW, June 3 (Sputnik) - Russia is ready for talks, the Foreign Ministry said.\n\n"
    "The ministry said the talks could start in July.\n"
)
SPUTNIK_WITH_BYLINE = (
    "Russia, US Agree to Expand Cyber Dialogue\n\n"
    "WASHINGTON (Sputnik), Jane Doe - Russia and the United States agreed to expand the "
    "dialogue, a source said.\n\n"
    "The source gave no details.\n"
)
RIA_WITH_DATE = (
    "Russian envoy says US has not answered proposals\n\n"
    "MOSCOW, June 3 (RIA Novosti) – The United States has not answered Russia's proposals, the "
    "envoy said.\n\n"
    "“We are still waiting,” he said.\n"
)
RIA_WITHOUT_PLACE = (
    "Lavrov, Blinken to meet in Reykjavik\n\n"
    "(RIA Novosti) – Foreign Minister Sergei Lavrov and Secretary of State Antony Blinken will "
    "meet in Reykjavik, the ministry said.\n\n"
    "The meeting is set for May 19.\n"
)
RIA_WITH_DASH_AND_SLASHED_DATE = (
    "Lavrov and Blinken to meet on Wednesday\n"
    "19:40 18/05/2021\n"
    "MOSCOW, May 18 - RIA Novosti. Foreign Minister Sergei Lavrov and Secretary of State Antony "
    "Blinken will meet in Reykjavik.\n\n"
    "The meeting is set for May 19.\n"
)


@pytest.mark.parametrize(
    ("raw", "title", "outlet", "dateline", "date_parts", "paragraphs"),
    [
        (
            TASS_FROM_WASHINGTON,
            "US, Russia to hold new round of strategic stability talks",
            "TASS",
            "WASHINGTON",
            (2021, 6, 3),
            [
                "WASHINGTON, June 3. /TASS/. Washington and Moscow will hold a new round of "
                "talks, a State Department spokesman said on Thursday.",
                '"We expect the talks to be substantive," he said.',
                "The talks were last held in 2020.",
            ],
        ),
        (
            TASS_WITH_CAPITAL_MONTH,
            "Russia proposes new pact on cyber threats",
            "TASS",
            "MOSCOW",
            (None, 6, 3),
            [
                "MOSCOW, June 3. /TASS/. Russia has proposed a new pact, Deputy Foreign Minister "
                "Sergei Ryabkov told reporters.",
                "He said the pact would cover critical infrastructure.",
            ],
        ),
        (
            TASS_WITH_SECTION_ABOVE_HEADLINE,
            "Moscow calls cyber talks with Washington productive",
            "TASS",
            "WASHINGTON, D.C.",
            (None, 6, 3),
            [
                "WASHINGTON, D.C., June 3. /TASS/. Russia regards the talks as productive, the "
                "envoy told reporters.",
                "He gave no details.",
            ],
        ),
        (
            SPUTNIK_FROM_MOSCOW,
            "Kremlin: Talks With US on Cyber Issues to Continue",
            "Sputnik",
            "MOSCOW",
            (2021, 6, 3),
            [
                "MOSCOW (Sputnik) — The Kremlin expects talks with the United States on "
                "cybersecurity to continue, spokesman Dmitry Peskov said on Thursday.",
                '"We are ready to continue," Peskov said.',
                "The next round is planned for July.",
            ],
        ),
        (
            SPUTNIK_WITH_DATE_AND_INITIALS,
            "Russia ready for cyber talks with U.S.",
            "Sputnik",
            "MOSCOW",
            (None, 6, 3),
            [
                "MOSCOW, June 3 (Sputnik) - Russia is ready for talks, the Foreign Ministry said.",
                "The ministry said the talks could start in July.",
            ],
        ),
        (
            SPUTNIK_WITH_BYLINE,
            "Russia, US Agree to Expand Cyber Dialogue",
            "Sputnik",
            "WASHINGTON",
            (None, None, None),
            [
                "WASHINGTON (Sputnik), Jane Doe - Russia and the United States agreed to expand "
                "the dialogue, a source said.",
                "The source gave no details.",
            ],
        ),
        (
            RIA_WITH_DATE,
            "Russian envoy says US has not answered proposals",
            "RIA Novosti",
            "MOSCOW",
            (None, 6, 3),
            [
                "MOSCOW, June 3 (RIA Novosti) – The United States has not answered Russia's "
                "proposals, the envoy said.",
                "“We are still waiting,” he said.",
            ],
        ),
        (
            RIA_WITHOUT_PLACE,
            "Lavrov, Blinken to meet in Reykjavik",
            "RIA Novosti",
            "",
            (None, None, None),
            [
                "(RIA Novosti) – Foreign Minister Sergei Lavrov and Secretary of State Antony "
                "Blinken will meet in Reykjavik, the ministry said.",
                "The meeting is set for May 19.",
            ],
        ),
        (
            RIA_WITH_DASH_AND_SLASHED_DATE,
            "Lavrov and Blinken to meet on Wednesday",
            "RIA Novosti",
            "MOSCOW",
            (2021, 5, 18),
            [
                "MOSCOW, May 18 - RIA Novosti. Foreign Minister Sergei Lavrov and Secretary of "
                "State Antony Blinken will meet in Reykjavik.",
                "The meeting is set for May 19.",
            ],
        ),
    ],
    ids=[
        "tass-washington",
        "tass-capital-month",
        "tass-section-above-headline",
        "sputnik-moscow",
        "sputnik-dated-initials",
        "sputnik-byline",
        "ria-dated",
        "ria-no-place",
        "ria-dash-slashed-date",
    ],
)
def test_reads_new_articles_in_each_agencys_style(
    raw, title, outlet, dateline, date_parts, paragraphs
):
    parsed = parse_article(raw, "new.txt")

    assert parsed.title == title
    assert parsed.outlet == outlet
    assert parsed.dateline == dateline
    assert (parsed.year, parsed.month, parsed.day) == date_parts
    assert parsed.text.split("\n\n") == paragraphs


def test_a_bracket_opening_a_paragraph_names_an_outlet_only_after_a_place_or_as_an_agency():
    raw = (
        "Kremlin comments on the talks\n\n"
        "(Updated) - The Kremlin commented on the talks on Friday.\n\n"
        "NATO (North Atlantic Treaty Organization) said nothing.\n"
    )

    parsed = parse_article(raw, "plain.txt")

    assert parsed.outlet == ""
    assert parsed.dateline == ""


def test_an_impossible_date_is_not_taken_but_its_timestamp_line_still_goes():
    raw = (
        "Kremlin comments on the talks\n"
        "01:42 GMT 31.02.2021\n"
        "MOSCOW (Sputnik) — The Kremlin commented on the talks.\n"
    )

    parsed = parse_article(raw, "impossible.txt")

    assert (parsed.year, parsed.month, parsed.day) == (None, None, None)
    assert parsed.text == "MOSCOW (Sputnik) — The Kremlin commented on the talks."


def test_joins_a_hard_wrapped_line_that_breaks_before_a_name():
    raw = (
        "US, Russia to hold new round of strategic stability talks\n\n"
        "WASHINGTON, June 3. /TASS/. Washington and Moscow will hold a new round\n"
        "of strategic stability talks in Geneva, State Department spokesman Ned\n"
        "Price said on Thursday.\n\n"
        "Positive signs\n"
        "The next round is planned for July.\n"
    )

    parsed = parse_article(raw, "wrapped.txt")

    assert parsed.text.split("\n\n") == [
        "WASHINGTON, June 3. /TASS/. Washington and Moscow will hold a new round of strategic "
        "stability talks in Geneva, State Department spokesman Ned Price said on Thursday.",
        "Positive signs",  # A subheading is not a wrapped line.
        "The next round is planned for July.",
    ]


# --- Messy bytes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mess",
    [
        lambda text: text.replace("\n", "\r\n"),
        lambda text: text.replace("\n", "\r"),
        lambda text: "\ufeff" + text,
        lambda text: text.replace(" ", "\t"),
        lambda text: text.replace(" ", "\u00a0"),
        lambda text: text.replace("\n", " \t \u00a0\n"),
        lambda text: text.replace("\n", "\n    "),
        lambda text: text.replace("talks", "talks\u200b"),
    ],
    ids=["crlf", "cr", "bom", "tabs", "nbsp", "trailing-space", "indented", "zero-width"],
)
def test_messy_white_space_reads_like_the_clean_text(mess):
    clean = parse_article(TASS_FROM_WASHINGTON, "clean.txt")
    data = mess(TASS_FROM_WASHINGTON).encode("utf-8")

    parsed = parse_article(decode_article(data), "messy.txt")

    assert parsed.raw_text.encode("utf-8") == data
    assert (parsed.title, parsed.text, parsed.outlet, parsed.dateline) == (
        clean.title,
        clean.text,
        clean.outlet,
        clean.dateline,
    )
    assert (parsed.year, parsed.month, parsed.day) == (clean.year, clean.month, clean.day)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("\u00a0\u2003\n\t\n".encode(), "the file is empty"),
        (b"\xef\xbb\xbf\r\n", "the file is empty"),
        ("Talks resume\n\nMOSCOW, May 1. /TASS/. Text.\n".encode("utf-16"), "UTF-16"),
    ],
    ids=["unicode-spaces", "bom-only", "utf-16"],
)
def test_refuses_text_that_is_empty_or_not_utf_8(data, reason):
    with pytest.raises(ArticleImportError, match=reason):
        decode_article(data)


def test_refuses_a_first_line_too_long_for_a_headline():
    with pytest.raises(ArticleImportError, match="longer than a headline"):
        parse_article("Word " * 100 + "\n\nSome text.\n", "long.txt")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("new\nline.txt", "control characters"),
        (b"caf\xe9.txt".decode("utf-8", "surrogateescape"), "not valid UTF-8"),
        ("a" * 201 + ".txt", "longer than 200 characters"),
    ],
    ids=["newline", "latin-1-bytes", "too-long"],
)
def test_refuses_a_file_name_that_cannot_be_stored_or_printed(tmp_path, name, reason):
    path = tmp_path / name
    path.write_text(TASS_FROM_WASHINGTON, encoding="utf-8")

    with pytest.raises(ArticleImportError, match=reason):
        read_article_file(path)


@pytest.mark.parametrize(
    "raw",
    [
        "Talks resume\n\nBody text.\n\na" + "!" * 60_000 + "a\n",
        "Talks resume\n\nBody text" + "\"'”’»)] " * 30_000 + "x\n",
        "Talks resume\n\nBody.\n"
        + "".join(
            f"© Photo {n} / A. Photographer\nA caption {n} for a photo\n" for n in range(20_000)
        ),
    ],
    ids=["symbols", "closing-marks", "many-photos"],
)
def test_pathological_lines_parse_quickly(raw):
    # Each took from ten seconds to minutes when one regex stripped both ends of a line or every
    # caption was compared with every credit before it.
    started = time.monotonic()

    parse_article(raw, "huge.txt")

    assert time.monotonic() - started < 5


def test_refuses_an_article_that_is_not_in_a_latin_script():
    raw = (
        "Лавров и Блинкен встретятся в Рейкьявике\n\n"
        "МОСКВА, 18 мая – РИА Новости. Министр иностранных дел России Сергей Лавров и госсекретарь "
        "США Энтони Блинкен встретятся в Рейкьявике.\n"
    )

    with pytest.raises(ArticleImportError, match="non-Latin script"):
        parse_article(raw, "ria-russian.txt")


TASS_PAGE = """TASS
Russian News Agency
All news
Russian Politics & Diplomacy
World

Russia, US experts to meet in Geneva on cybersecurity — diplomat

Russian Politics & Diplomacy
June 15, 2021, 14:03 UTC+3

According to Sergey Ryabkov, the date of the meeting has not been set yet

Photo: Valery Sharifulin/TASS

GENEVA, June 15. /TASS/. Russian and US experts will meet in Geneva to discuss cybersecurity, \
Deputy Foreign Minister Sergey Ryabkov told reporters on Tuesday.

"We expect that the experts will meet soon," he said.

Putin-Biden summit in Geneva
Ryabkov: Russia hopes for "positive" outcome of summit

The diplomat added that Moscow was ready for "a professional dialogue."

Follow TASS on Telegram
Share
Tags
Cybersecurity
Russia-US relations
"""
SPUTNIK_PAGE = """Sputnik International
Economy
Latin America
Lavrov Says Russia Ready to Work With US on Cybersecurity if Washington Shows Interest
© Sputnik / Alexey Nikolsky
Subscribe
International
India
Africa
MOSCOW (Sputnik) - Russia is ready to cooperate with the United States on cybersecurity, but \
Washington must show interest, Foreign Minister Sergei Lavrov said on Friday.
"We have proposed many times," Lavrov said at a press conference.
Also on Sputnik: Kremlin Says No Talks Planned
The minister added that Moscow had sent several proposals to Washington.
Add to favorites
Follow Sputnik on Telegram
Comments
"""


@pytest.mark.parametrize(
    ("raw", "title", "outlet", "paragraphs"),
    [
        (
            TASS_PAGE,
            "Russia, US experts to meet in Geneva on cybersecurity — diplomat",
            "TASS",
            [
                "According to Sergey Ryabkov, the date of the meeting has not been set yet",
                "GENEVA, June 15. /TASS/. Russian and US experts will meet in Geneva to discuss "
                "cybersecurity, Deputy Foreign Minister Sergey Ryabkov told reporters on Tuesday.",
                '"We expect that the experts will meet soon," he said.',
                'The diplomat added that Moscow was ready for "a professional dialogue."',
            ],
        ),
        (
            SPUTNIK_PAGE,
            "Lavrov Says Russia Ready to Work With US on Cybersecurity if Washington Shows "
            "Interest",
            "Sputnik",
            [
                "MOSCOW (Sputnik) - Russia is ready to cooperate with the United States on "
                "cybersecurity, but Washington must show interest, Foreign Minister Sergei Lavrov "
                "said on Friday.",
                '"We have proposed many times," Lavrov said at a press conference.',
                "The minister added that Moscow had sent several proposals to Washington.",
            ],
        ),
    ],
    ids=["tass", "sputnik"],
)
def test_reads_whole_pages_with_site_navigation_and_lists_of_links(raw, title, outlet, paragraphs):
    parsed = parse_article(raw, "page.txt")

    assert parsed.title == title
    assert parsed.outlet == outlet
    assert parsed.text.split("\n\n") == paragraphs


def test_joins_sentences_split_across_a_blank_line_or_at_a_hyphen_and_keeps_lists():
    raw = (
        "Talks resume in Geneva\n\n"
        "GENEVA, June 16. /TASS/. The minister said that\n\n"
        "the talks would resume. The Russia-\n"
        "US talks went on.\n\n"
        "The proposals include:\n"
        "- a hotline\n"
        "- regular consultations\n\n"
        "More talks are planned.\n"
    )

    parsed = parse_article(raw, "splits.txt")

    assert parsed.text.split("\n\n") == [
        "GENEVA, June 16. /TASS/. The minister said that the talks would resume. "
        "The Russia-US talks went on.",
        "The proposals include:",
        "- a hotline",
        "- regular consultations",
        "More talks are planned.",
    ]
