"""A made-up but realistic archive for demos and benchmarks (`manage.py seed_demo`).

Everything is drawn from one random.Random(seed), so the same size and seed give
the same archive on any database: the same names, texts, dates and verdicts. The
claims are drawn and inserted a chunk of articles at a time, so a large archive
never has to be held in memory at once.
"""

import datetime
import hashlib
import itertools
from contextlib import contextmanager
from dataclasses import dataclass, field
from random import Random
from typing import NamedTuple

from django.db import connections, reset_queries, router
from django.utils.text import slugify

from claims import search
from claims.models import Claim, CounterSource, Stance, Status, StatusChange, Topic
from sources.models import Article, Outlet, Speaker

# Claims are stated over the ten years up to a fixed day, never up to today,
# so that two runs on different days make the same archive.
LAST_DAY = datetime.date(2025, 12, 31)
FIRST_DAY = datetime.date(2016, 1, 1)

OUTLET_COUNT = 50
CLAIMS_PER_ARTICLE = 5
CLAIMS_PER_SPEAKER = 50
PUBLISHED_SHARE = 0.9
INTERNAL_EVIDENCE_SHARE = 0.4  # Counter-sources that are articles we hold, not outside documents.
# Claims drawn and inserted together: enough for bulk_create to pay off, few enough to forget.
# A chunk ends with the article that brings it to CHUNK_CLAIMS, so its claims
# (a few more) still go to the database in one batch.
CHUNK_CLAIMS = 2500
BATCH_SIZE = 3000

# How a fact-checking desk's verdicts are spread: most checked claims turn out
# false or partly so, a few are still waiting or being checked.
STATUS_SHARES = {
    Status.FALSE: 0.22,
    Status.MOSTLY_FALSE: 0.17,
    Status.HALF_TRUE: 0.15,
    Status.TRUE: 0.12,
    Status.MOSTLY_TRUE: 0.10,
    Status.MISLEADING: 0.09,
    Status.UNSUPPORTED: 0.07,
    Status.CHECKING: 0.04,
    Status.UNCHECKED: 0.04,
}
# How a rated claim got its verdict: straight away, after checking, or corrected later.
# The mix gives about two status changes per claim.
DIRECT_VERDICT_SHARE = 0.15
CORRECTED_VERDICT_SHARE = 0.25
# Counter-sources per claim, drawn uniformly from this: two on average.
COUNTER_SOURCE_COUNTS = (0, 1, 1, 2, 2, 2, 3, 3, 4)

TIMELINE_ZONE = datetime.UTC

# Each topic with what its claims talk about: plural subjects, so any trend fits.
TOPICS = {
    "Cyber attacks": (
        "cyber attacks on our Internet resources",
        "ransomware attacks on hospitals",
        "hacker attacks on government websites",
    ),
    "Elections": (
        "votes cast by post in the election",
        "complaints of election fraud",
        "foreign attempts to influence the election",
    ),
    "Sanctions": (
        "losses caused by Western sanctions",
        "exports to countries under sanctions",
        "companies hit by the sanctions",
    ),
    "Critical infrastructure": (
        "attacks on critical infrastructure",
        "power cuts caused by sabotage",
        "investments in roads and bridges",
    ),
    "Internet freedom": (
        "blocked websites",
        "requests to remove content from the Internet",
        "regional Internet shutdowns",
    ),
    "Disinformation": (
        "fake news stories about our country",
        "bot accounts on social networks",
        "disinformation campaigns from abroad",
    ),
    "Energy": ("gas prices", "oil exports", "imports of liquefied gas"),
    "Inflation": ("food prices", "consumer prices", "rents in the capital"),
    "Jobs": ("unemployed young people", "new jobs in manufacturing", "average wages"),
    "Migration": (
        "asylum applications",
        "illegal border crossings",
        "work permits for foreigners",
    ),
    "Public health": (
        "hospital waiting times",
        "deaths from heart disease",
        "doctors leaving the country",
    ),
    "Vaccines": (
        "reported side effects of vaccines",
        "children vaccinated against measles",
        "vaccine doses delivered to clinics",
    ),
    "Climate": ("carbon emissions", "average summer temperatures", "forest fires"),
    "Defence": (
        "military spending",
        "troops stationed near our border",
        "arms sales abroad",
    ),
    "NATO": (
        "NATO exercises near our border",
        "NATO troops in Eastern Europe",
        "NATO members' defence budgets",
    ),
    "Nuclear weapons": (
        "nuclear warheads on alert",
        "inspections of nuclear sites",
        "missile tests by our neighbours",
    ),
    "Trade": ("exports to China", "tariffs on imported steel", "trade deals signed"),
    "Taxes": (
        "taxes paid by small businesses",
        "corporate tax revenues",
        "cases of tax evasion",
    ),
    "Crime": ("violent crimes", "burglaries in the cities", "murders in the capital"),
    "Corruption": (
        "corruption cases brought to court",
        "officials convicted of bribery",
        "public contracts awarded without tender",
    ),
    "Press freedom": (
        "journalists arrested",
        "independent newspapers closed",
        "foreign media outlets banned",
    ),
    "Human rights": (
        "political prisoners",
        "complaints to the human rights court",
        "protesters detained",
    ),
    "Education": ("school budgets", "university places", "teachers' salaries"),
    "Housing": ("house prices", "new homes built", "homeless families"),
    "Pensions": (
        "pensions paid to the elderly",
        "people retiring early",
        "contributions to pension funds",
    ),
    "Agriculture": ("grain harvests", "farm subsidies", "food imports"),
    "Transport": ("road deaths", "rail passengers", "flights cancelled at our airports"),
    "Space": ("satellite launches", "funds for the space programme", "rocket failures"),
    "Artificial intelligence": (
        "jobs lost to artificial intelligence",
        "investments in artificial intelligence",
        "deepfake videos of politicians",
    ),
    "Economy": ("economic growth figures", "foreign investments", "state debts"),
}

TRENDS = (
    "doubled",
    "tripled",
    "fell by half",
    "rose by {percent} percent",
    "fell by {percent} percent",
    "hit a record high",
    "dropped to their lowest level in {years} years",
    "grew faster than anywhere else in Europe",
    "went down every single year",
    "increased tenfold",
)
PERIODS = (
    "in {year}",
    "between {year} and {later_year}",
    "last year",
    "in the last {years} years",
    "under the previous government",
    "during the pandemic",
    "after the sanctions were imposed",
    "after the last election",
)
QUOTE_OPENINGS = (
    "",
    "",
    "I can tell you that ",
    "The fact is that ",
    "Let me be clear: ",
    "Our data show that ",
    "Everyone knows that ",
    "Nobody mentions that ",
)
QUOTE_ENDINGS = (
    "",
    "",
    ", and most of them came from abroad",
    ", and the figures prove it",
    ", whatever our critics say",
    ", according to our own data",
    ", and that is a fact",
    ", and the majority of them came from the United States",
)
HEADLINES = (
    "{surname} says {statement}",
    "{surname}: {Statement}",
    "{Statement}, {surname} claims",
    "{topic}: {surname} says {statement}",
)
ARTICLE_LEADS = (
    "{name}, {role}, spoke to reporters on {weekday}.",
    "{name} took questions from journalists after a meeting of the {affiliation}.",
    "{name} gave a long interview on {topic_lower} on {weekday}.",
    "{name}, {role}, addressed a conference on {topic_lower}.",
)
ATTRIBUTIONS = ("{name} said", "said {name}", "{surname} told reporters", "{surname} insisted")
ARTICLE_ASIDES = (
    "Independent experts questioned the figures.",
    "The ministry did not publish the data behind the statement.",
    "Critics said the numbers on {topic_lower} did not add up.",
    "Officials promised a full report on {topic_lower} by the end of the year.",
    "Opposition politicians called the remarks an attempt to change the subject.",
    "The statement came a week after new sanctions and a wave of cyber attacks.",
    "Observers noted that the election campaign had already begun.",
)
ARTICLE_ENDINGS = (
    "The talks are due to continue next month.",
    "Parliament will debate the question on Thursday.",
    "No further details were given.",
    "The government's spokesman declined to comment.",
)
DATELINES = (
    "MOSCOW",
    "BRUSSELS",
    "WASHINGTON",
    "KYIV",
    "BERLIN",
    "WARSAW",
    "TALLINN",
    "VILNIUS",
    "RIGA",
    "LONDON",
    "PARIS",
    "GENEVA",
    "VIENNA",
    "MINSK",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

OUTLET_PLACES = (
    "Baltic",
    "Northern",
    "Eastern",
    "Western",
    "Capital",
    "National",
    "Continental",
    "Atlantic",
    "Danube",
    "Coastal",
    "Metropolitan",
    "Southern",
)
OUTLET_KINDS = (
    "Herald",
    "Courier",
    "Times",
    "Gazette",
    "Post",
    "Daily",
    "Observer",
    "Tribune",
    "Monitor",
    "Chronicle",
    "Telegraph",
    "Review",
    "News Agency",
)

# First names with the other spelling that transliteration gives them, if any.
FIRST_NAMES = {
    "Sergei": "Sergey",
    "Aleksandr": "Alexander",
    "Dmitri": "Dmitry",
    "Yuri": "Yury",
    "Andrei": "Andrey",
    "Mikhail": "Michael",
    "Nikolai": "Nikolay",
    "Aleksei": "Alexey",
    "Yevgeny": "Evgeny",
    "Maria": "Mariya",
    "Natalia": "Natalya",
    "Tatiana": "Tatyana",
    "Volodymyr": "Vladimir",
    "Oleksandr": "Alexander",
    "Anna": None,
    "Elena": "Yelena",
    "Olga": None,
    "Viktor": "Victor",
    "Ursula": None,
    "Olaf": None,
    "Emmanuel": None,
    "Jens": None,
    "Kaja": "Kaya",
    "Marta": None,
    "Ivan": None,
    "Boris": None,
    "Giorgia": None,
    "Pedro": None,
    "Ingrid": None,
    "John": None,
    "Katarzyna": "Katharina",
    "Tomas": "Thomas",
}
SURNAMES = (
    "Lavrov",
    "Ivanov",
    "Petrov",
    "Sokolov",
    "Volkov",
    "Kuznetsov",
    "Smirnov",
    "Orlov",
    "Morozov",
    "Novak",
    "Kowalski",
    "Nowak",
    "Horvat",
    "Tamm",
    "Berzins",
    "Kazlauskas",
    "Shevchenko",
    "Bondarenko",
    "Kovalenko",
    "Melnyk",
    "Schmidt",
    "Fischer",
    "Weber",
    "Dubois",
    "Moreau",
    "Rossi",
    "Ferrari",
    "Garcia",
    "Lindqvist",
    "Hansen",
    "Jensen",
    "Smith",
    "Brown",
    "Taylor",
    "Walker",
    "Murphy",
    "Kaya",
    "Demir",
    "Popescu",
    "Ionescu",
    "Nagy",
    "Kovacs",
    "Svoboda",
    "Dvorak",
    "Papadopoulos",
    "Georgiou",
    "Jovanovic",
    "Petrovic",
    "Virtanen",
    "Korhonen",
    "Andersson",
    "Nilsson",
    "Janssen",
    "Visser",
    "Costa",
    "Silva",
    "Kelly",
    "Byrne",
    "Meyer",
    "Wagner",
)
# Speakers' roles, each with the body it speaks for.
ROLES = (
    ("Foreign Minister", "Government"),
    ("Defence Minister", "Government"),
    ("Finance Minister", "Government"),
    ("Health Minister", "Government"),
    ("Interior Minister", "Government"),
    ("Energy Minister", "Government"),
    ("Prime Minister", "Government"),
    ("President", "Presidential Administration"),
    ("Press Secretary", "Presidential Administration"),
    ("Member of Parliament", "People's Party"),
    ("Member of Parliament", "Liberal Alliance"),
    ("Member of Parliament", "Green Party"),
    ("Speaker of Parliament", "National Parliament"),
    ("Opposition Leader", "Liberal Alliance"),
    ("Mayor of the Capital", "City Council"),
    ("Central Bank Governor", "Central Bank"),
    ("Ambassador to the United Nations", "Ministry of Foreign Affairs"),
    ("Secretary of the Security Council", "Security Council"),
)

# Outside documents cited as evidence: who publishes them and where.
EVIDENCE_PUBLISHERS = (
    ("National Statistics Office", "www.statistics-office.example"),
    ("Central Bank", "www.central-bank.example"),
    ("World Health Organization", "www.who.example"),
    ("International Monetary Fund", "www.imf.example"),
    ("European Commission", "ec.europa.example"),
    ("NSA, CISA, FBI and NCSC", "www.cisa.example"),
    ("International Energy Agency", "www.iea.example"),
    ("Reporters Without Borders", "rsf.example"),
    ("OSCE election observers", "www.osce.example"),
    ("World Bank", "data.worldbank.example"),
    ("Ministry of Finance", "www.finance-ministry.example"),
    ("Supreme Court", "www.supreme-court.example"),
)
EVIDENCE_TITLES = (
    "{topic} statistics for {year}",
    "Annual report on {topic_lower}, {year}",
    "Joint advisory on {topic_lower}",
    "{topic}: the figures for {year}",
    "Written answer to a parliamentary question on {topic_lower}",
)
EVIDENCE_NOTES = (
    "Shows that {subject} {trend} {period}.",
    "The official series: {subject} {trend} {period}.",
    "Gives the figures the speaker relied on, with their caveats.",
    "Explains how {subject} are counted and why the count changed.",
)
# The stances that evidence takes, weighted by the verdict the claim ends with.
STANCE_WEIGHTS = {
    "false": {Stance.CONTRADICTS: 70, Stance.CONTEXT: 25, Stance.SUPPORTS: 5},
    "true": {Stance.SUPPORTS: 70, Stance.CONTEXT: 25, Stance.CONTRADICTS: 5},
    "mixed": {Stance.CONTEXT: 50, Stance.CONTRADICTS: 30, Stance.SUPPORTS: 20},
}
STANCE_LEANINGS = {
    Status.FALSE: "false",
    Status.MOSTLY_FALSE: "false",
    Status.MISLEADING: "false",
    Status.TRUE: "true",
    Status.MOSTLY_TRUE: "true",
}

# {trend} is what the speaker said happened; {actual} is what did, when that differs.
VERDICTS = {
    Status.TRUE: "The official figures confirm that {subject} {trend} {period}.",
    Status.MOSTLY_TRUE: "Broadly right: {subject} {trend} {period}, "
    "though the speaker left out that the way they are counted changed.",
    Status.HALF_TRUE: "Partly right: {subject} {trend} {period} in some regions, "
    "but across the country they {actual}.",
    Status.MOSTLY_FALSE: "There is an element of truth, but overall {subject} {actual} {period}.",
    Status.FALSE: "The official figures show that {subject} {actual} {period}.",
    Status.MISLEADING: "Accurate as far as it goes, but {subject} {trend} {period} only because "
    "the way they are counted changed, which the speaker did not mention.",
    Status.UNSUPPORTED: "The speaker's office gave no source, and we found no figures "
    "on {subject} that confirm or refute it.",
}
CHECKING_NOTES = (
    "Started checking: asked the speaker's office for its sources.",
    "Assigned for checking; requested the official statistics.",
    "Checking against the published figures.",
)
VERDICT_NOTES = (
    "Rated {label} after reviewing the evidence listed.",
    "Verdict reached: {label}.",
    "Rated {label}; the evidence is set out in the verdict.",
)
CORRECTION_NOTES = (
    "Corrected from {previous} to {label}: the statistics office revised its data.",
    "Corrected from {previous} to {label} after a reader pointed us to newer figures.",
    "Corrected from {previous} to {label}: the speaker's office sent the source it relied on.",
)


# The rows that hang off claims, named by their models' fields. Nothing needs their
# ids, so they are inserted as plain values (insert_rows), never as model instances.
class ClaimTopicRow(NamedTuple):
    claim: Claim
    topic: Topic


class CounterSourceRow(NamedTuple):
    claim: Claim
    article: Article | None
    title: str
    publisher: str
    url: str
    published_on: datetime.date | None
    stance: Stance
    note: str
    added_at: datetime.datetime


class StatusChangeRow(NamedTuple):
    claim: Claim
    from_status: Status
    to_status: Status
    changed_at: datetime.datetime
    note: str


@dataclass
class Chunk:
    """Articles with their claims and everything hanging off them, not yet in the database."""

    articles: list[Article] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    claim_topics: list[ClaimTopicRow] = field(default_factory=list)
    counter_sources: list[CounterSourceRow] = field(default_factory=list)
    status_changes: list[StatusChangeRow] = field(default_factory=list)


@dataclass
class Counts:
    outlets: int = 0
    speakers: int = 0
    topics: int = 0
    articles: int = 0
    claims: int = 0
    published: int = 0
    counter_sources: int = 0
    status_changes: int = 0


class DemoArchive:
    """The archive for `claim_count` claims and `seed`: outlets, speakers, topics, then chunks.

    Insert `outlets`, `speakers` and `topics` before drawing `chunks()`, whose
    rows point at them. Each chunk's other rows point only at its own articles
    and claims, so chunks can be inserted one after the other.
    """

    def __init__(self, claim_count, seed):
        self.claim_count = claim_count
        self.random = Random(seed)
        self.outlets = self._outlets()
        self.topics = [Topic(name=name, slug=slugify(name)) for name in TOPICS]
        self.speakers = self._speakers(max(1, claim_count // CLAIMS_PER_SPEAKER))
        # A few speakers say much more than the rest, as in any newsroom's archive.
        weights = [1 / (rank + 1) ** 0.7 for rank in range(len(self.speakers))]
        self._speaker_weights = list(itertools.accumulate(weights))
        self._statuses = list(STATUS_SHARES)
        self._status_weights = list(itertools.accumulate(STATUS_SHARES.values()))
        self._rated_statuses = [status for status in Status if status.is_rated]
        self._stance_weights = {
            leaning: (list(weights), list(itertools.accumulate(weights.values())))
            for leaning, weights in STANCE_WEIGHTS.items()
        }

    def chunks(self):
        """Chunk after chunk until every claim is drawn; every article quotes at least one."""
        article_count = max(1, self.claim_count // CLAIMS_PER_ARTICLE)
        claims_per_article = [1] * article_count
        for _ in range(self.claim_count - article_count):
            claims_per_article[self.random.randrange(article_count)] += 1

        chunk, claims_drawn = Chunk(), 0
        for article_number, quoted in enumerate(claims_per_article, start=1):
            self._add_article(chunk, article_number, claims_drawn, quoted)
            claims_drawn += quoted
            if len(chunk.claims) >= CHUNK_CLAIMS:
                yield chunk
                chunk = Chunk()
        if chunk.articles:
            yield chunk

    def _outlets(self):
        names = [f"{place} {kind}" for place in OUTLET_PLACES for kind in OUTLET_KINDS]
        outlets = []
        for name in sorted(self.random.sample(names, OUTLET_COUNT)):
            slug = slugify(name)
            homepage = f"https://www.{slug.replace('-', '')}.example/"
            outlets.append(Outlet(name=name, slug=slug, homepage_url=homepage))
        return outlets

    def _speakers(self, count):
        """`count` speakers with different names: middle initials once the plain names run out."""
        pairs = [(first, surname) for first in FIRST_NAMES for surname in SURNAMES]
        self.random.shuffle(pairs)
        initials = ["", *(f"{letter}. " for letter in "ABCDEFGHIJKLMNOPRSTUVWZ")]
        if count > len(pairs) * len(initials):
            raise ValueError(f"Cannot give {count} speakers different names.")
        speakers = []
        for number in range(count):
            first, surname = pairs[number % len(pairs)]
            initial = initials[number // len(pairs)]
            aliases = [f"{first[0]}. {initial}{surname}"]
            if variant := FIRST_NAMES[first]:
                aliases.insert(0, f"{variant} {initial}{surname}")
            name = f"{first} {initial}{surname}"
            role, affiliation = self.random.choice(ROLES)
            speakers.append(
                Speaker(
                    name=name,
                    slug=slugify(name),
                    role=role,
                    affiliation=affiliation,
                    aliases="\n".join(aliases),
                )
            )
        return speakers

    def _add_article(self, chunk, number, claims_before, quoted):
        """Add an article quoting `quoted` claims, numbered on from `claims_before`."""
        rng = self.random
        outlet = rng.choice(self.outlets)
        published_on = FIRST_DAY + datetime.timedelta(
            days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1)
        )
        created_at = datetime.datetime.combine(
            published_on, datetime.time(6), TIMELINE_ZONE
        ) + datetime.timedelta(minutes=rng.randrange(12 * 60))
        article = Article(
            outlet=outlet,
            published_on=published_on,
            dateline=rng.choice(DATELINES),
            created_at=created_at,
            updated_at=created_at,
        )
        chunk.articles.append(article)
        topic = rng.choice(self.topics)
        lead_speaker = self._speaker()

        claims = []
        for offset in range(quoted):
            # Most of an article's claims are its lead speaker's, on its topic.
            speaker = lead_speaker if rng.random() < 0.7 else self._speaker()
            claim_topic = topic if rng.random() < 0.8 else rng.choice(self.topics)
            claim_number = claims_before + offset + 1
            claims.append(self._add_claim(chunk, claim_number, article, speaker, claim_topic))

        first = claims[0]
        article.title = rng.choice(HEADLINES).format(
            surname=_surname(lead_speaker),
            statement=_lower_first(first.statement),
            Statement=first.statement,
            topic=topic.name,
        )
        article.slug = f"{slugify(article.title)[:90].strip('-')}-{number}"
        article.url = f"{outlet.homepage_url}{published_on:%Y/%m/%d}/{article.slug}"
        article.text = article.raw_text = self._article_text(article, lead_speaker, topic, claims)
        article.content_hash = hashlib.sha256(article.raw_text.encode()).hexdigest()

    def _article_text(self, article, lead_speaker, topic, claims):
        """Paragraphs of news copy in which every claim's quote occurs verbatim."""
        rng = self.random
        lead = rng.choice(ARTICLE_LEADS).format(
            name=lead_speaker.name,
            role=lead_speaker.role,
            affiliation=lead_speaker.affiliation,
            weekday=WEEKDAYS[article.published_on.weekday()],
            topic_lower=topic.name.lower(),
        )
        day = article.published_on
        paragraphs = [f"{article.dateline}, {day:%B} {day.day}. {lead}"]
        for claim in claims:
            attribution = rng.choice(ATTRIBUTIONS).format(
                name=claim.speaker.name, surname=_surname(claim.speaker)
            )
            paragraphs.append(f"\u201c{claim.quote},\u201d {attribution}.")
            if rng.random() < 0.5:
                paragraphs.append(rng.choice(ARTICLE_ASIDES).format(topic_lower=topic.name.lower()))
        paragraphs.append(rng.choice(ARTICLE_ENDINGS))
        return "\n\n".join(paragraphs)

    def _add_claim(self, chunk, number, article, speaker, topic):
        """Add a claim on `topic` with its other topics, evidence and history; return it."""
        rng = self.random
        stated_on = article.published_on - datetime.timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))
        subject = rng.choice(TOPICS[topic.name])
        trend, period = self._trend(), self._period(stated_on)
        statement = f"{_upper_first(subject)} {trend} {period}"
        opening = rng.choice(QUOTE_OPENINGS)
        quote = (
            f"{opening}{subject if opening else _upper_first(subject)} {trend} {period}"
            f"{rng.choice(QUOTE_ENDINGS)}"
        )
        status = rng.choices(self._statuses, cum_weights=self._status_weights)[0]
        verdict = ""
        if status in VERDICTS:
            actual = self._trend()
            while actual == trend:
                actual = self._trend()
            verdict = VERDICTS[status].format(
                subject=subject, trend=trend, actual=actual, period=period
            )
        claim = Claim(
            statement=statement,
            quote=quote,
            speaker=speaker,
            article=article,
            stated_on=stated_on,
            status=status,
            verdict=verdict,
            slug=f"{slugify(statement)[:80].strip('-')}-{number}",
            search_text=search.search_text(statement, quote, speaker.name, speaker.aliases),
            is_published=rng.random() < PUBLISHED_SHARE,
            created_at=article.created_at
            + datetime.timedelta(minutes=rng.randrange(30, 3 * 24 * 60)),
        )
        chunk.claims.append(claim)

        other_topics = rng.sample(self.topics, rng.choice((0, 0, 0, 0, 1, 1, 1, 2, 2)))
        for claim_topic in [topic, *(other for other in other_topics if other != topic)]:
            chunk.claim_topics.append(ClaimTopicRow(claim, claim_topic))
        chunk.counter_sources.extend(self._counter_sources(claim, subject, topic, chunk.articles))
        chunk.status_changes.extend(self._history(claim))
        return claim

    def _counter_sources(self, claim, subject, topic, articles):
        """About two pieces of evidence: articles of the chunk we hold, or outside documents."""
        rng = self.random
        stances, weights = self._stance_weights[STANCE_LEANINGS.get(claim.status, "mixed")]
        sources = []
        for _ in range(rng.choice(COUNTER_SOURCE_COUNTS)):
            stance = rng.choices(stances, cum_weights=weights)[0]
            note = rng.choice(EVIDENCE_NOTES).format(
                subject=subject, trend=self._trend(), period=self._period(claim.stated_on)
            )
            added_at = claim.created_at + datetime.timedelta(minutes=rng.randrange(10, 3 * 24 * 60))
            article = rng.choice(articles) if rng.random() < INTERNAL_EVIDENCE_SHARE else None
            if article is not None and article is not claim.article:
                # An article we hold: the constraint wants no title, publisher or address.
                sources.append(
                    CounterSourceRow(claim, article, "", "", "", None, stance, note, added_at)
                )
                continue
            publisher, domain = rng.choice(EVIDENCE_PUBLISHERS)
            published_on = claim.stated_on - datetime.timedelta(days=rng.randrange(5, 700))
            title = rng.choice(EVIDENCE_TITLES).format(
                topic=topic.name, topic_lower=topic.name.lower(), year=published_on.year
            )
            url = f"https://{domain}/documents/{published_on.year}/{rng.randrange(1000, 99999)}"
            sources.append(
                CounterSourceRow(
                    claim, None, title, publisher, url, published_on, stance, note, added_at
                )
            )
        return sources

    def _history(self, claim):
        """The claim's status changes, from unchecked to its status; sets its publication times."""
        rng = self.random
        final = Status(claim.status)
        if final == Status.UNCHECKED:
            steps = []
        elif final == Status.CHECKING:
            steps = [Status.CHECKING]
        else:
            how = rng.random()
            if how < DIRECT_VERDICT_SHARE:
                steps = [final]
            elif how < DIRECT_VERDICT_SHARE + CORRECTED_VERDICT_SHARE:
                first_verdict = rng.choice([s for s in self._rated_statuses if s != final])
                steps = [Status.CHECKING, first_verdict, final]
            else:
                steps = [Status.CHECKING, final]

        changes, previous, changed_at = [], Status.UNCHECKED, claim.created_at
        first_verdict_at = None
        for step in steps:
            if previous.is_rated:
                note = rng.choice(CORRECTION_NOTES).format(
                    previous=previous.label.lower(), label=step.label.lower()
                )
                changed_at += datetime.timedelta(days=rng.randrange(7, 180))
            else:
                if step == Status.CHECKING:
                    note = rng.choice(CHECKING_NOTES)
                else:
                    note = rng.choice(VERDICT_NOTES).format(label=step.label.lower())
                changed_at += datetime.timedelta(minutes=rng.randrange(60, 14 * 24 * 60))
            changes.append(StatusChangeRow(claim, previous, step, changed_at, note))
            if step.is_rated and first_verdict_at is None:
                first_verdict_at = changed_at
            previous = step

        if claim.is_published:
            # Published once the first verdict is in, so later changes are corrections;
            # claims not yet rated are published as soon as they are recorded.
            published_after = first_verdict_at or claim.created_at
            claim.first_published_at = published_after + datetime.timedelta(
                minutes=rng.randrange(5, 600)
            )
        claim.updated_at = max(
            filter(None, [claim.created_at, changed_at, claim.first_published_at])
        )
        return changes

    def _speaker(self):
        return self.random.choices(self.speakers, cum_weights=self._speaker_weights)[0]

    # These two run several times a claim: they draw numbers only for templates that show them.
    def _trend(self):
        rng = self.random
        trend = rng.choice(TRENDS)
        if "{percent}" in trend:
            return trend.format(percent=rng.randrange(12, 95))
        if "{years}" in trend:
            return trend.format(years=rng.randrange(5, 31))
        return trend

    def _period(self, stated_on):
        rng = self.random
        period = rng.choice(PERIODS)
        if "{year}" in period:
            year = stated_on.year - rng.randrange(1, 8)
            later_year = min(stated_on.year, year + rng.randrange(2, 6))
            return period.format(year=year, later_year=later_year)
        if "{years}" in period:
            return period.format(years=rng.randrange(3, 11))
        return period


def load(claim_count, seed, *, on_progress=None):
    """Insert the archive for `claim_count` and `seed`; call inside a transaction.

    `on_progress(claims inserted, claim_count)` is called after every chunk.
    Returns the Counts of what was inserted.
    """
    archive = DemoArchive(claim_count, seed)
    counts = Counts()
    with _timestamps_as_drawn():
        counts.outlets = len(Outlet.objects.bulk_create(archive.outlets))
        counts.topics = len(Topic.objects.bulk_create(archive.topics))
        counts.speakers = len(Speaker.objects.bulk_create(archive.speakers, batch_size=BATCH_SIZE))
        for chunk in archive.chunks():
            # bulk_create gives the new articles and claims the ids that the rest points to.
            counts.articles += len(
                Article.objects.bulk_create(chunk.articles, batch_size=BATCH_SIZE)
            )
            counts.claims += len(Claim.objects.bulk_create(chunk.claims, batch_size=BATCH_SIZE))
            counts.published += sum(claim.is_published for claim in chunk.claims)
            insert_rows(Claim.topics.through, chunk.claim_topics)
            counts.counter_sources += insert_rows(CounterSource, chunk.counter_sources)
            counts.status_changes += insert_rows(StatusChange, chunk.status_changes)
            # With DEBUG on, Django keeps the text of every query: forget this chunk's.
            reset_queries()
            if on_progress:
                on_progress(counts.claims, claim_count)
    return counts


def insert_rows(model, rows):
    """INSERT `rows`, named tuples of `model`'s field values; returns how many.

    bulk_create would build, check and compile a model instance per row, which
    for these narrow, numerous rows costs several times the insert itself.
    Related objects stand for their ids. PostgreSQL gets a batch of rows per
    statement, one array per column, as bulk_create sends them there: a
    statement a row would wait on the server for each. SQLite, in-process,
    runs a statement a row as fast, and with DEBUG on Django logs that once
    rather than copying every value, quoted, into its query log.
    """
    if not rows:
        return 0
    # The connection itself: going through the proxy costs a lookup per value prepared.
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in rows[0]._fields]
    quote = connection.ops.quote_name
    insert = "INSERT INTO {} ({})".format(
        quote(model._meta.db_table), ", ".join(quote(model_field.column) for model_field in fields)
    )
    preparers = [_value_preparer(model_field, connection) for model_field in fields]
    prepared = [
        [prepare(value) for prepare, value in zip(preparers, row, strict=True)] for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{model_field.db_type(connection)}[]" for model_field in fields)
            for batch in itertools.batched(prepared, BATCH_SIZE):
                columns = [list(column) for column in zip(*batch, strict=True)]
                cursor.execute(f"{insert} SELECT * FROM UNNEST({arrays})", columns)
        else:
            cursor.executemany(f"{insert} VALUES ({', '.join(['%s'] * len(fields))})", prepared)
    return len(rows)


def _value_preparer(model_field, connection):
    """How insert_rows turns a value of `model_field` into what the database driver takes."""
    if model_field.is_relation:
        return lambda related: None if related is None else related.pk
    if model_field.get_internal_type() in ("CharField", "TextField"):
        return str  # Choices are str enums; the drivers want plain text.
    return lambda value: model_field.get_db_prep_save(value, connection)


@contextmanager
def _timestamps_as_drawn():
    """Let bulk_create store the creation and update times drawn, not the time of loading.

    auto_now and auto_now_add fields overwrite any value on insert: every claim
    would have been created and updated in the same minute, which would make the
    tracker's "recently updated" order, the sitemaps and ClaimReview's dates
    meaningless. The switch is undone as soon as loading ends.
    """
    models = [Article, Claim]
    flags = [
        (model_field, model_field.auto_now, model_field.auto_now_add)
        for model in models
        for model_field in model._meta.concrete_fields
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
    ]
    for model_field, _, _ in flags:
        model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in flags:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def _surname(speaker):
    return speaker.name.rsplit(" ", 1)[-1]


def _upper_first(text):
    return text[:1].upper() + text[1:]


def _lower_first(text):
    # "NATO exercises" keeps its capitals; "Ransomware attacks" becomes "ransomware attacks".
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]
