"""Claims, their verdicts, the evidence weighed and the history of every verdict."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connections, models, transaction
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from claims import search
from claims.links import slug_url
from sources.models import WEB_SCHEMES, Article, Outlet, Speaker, web_address
from sources.text import unique_slug

BEST_RATING = 5
WORST_RATING = 1


class Status(models.TextChoices):
    """The verification scale, from unchecked to rated; the order is the order shown."""

    UNCHECKED = "unchecked", "Not yet checked"
    CHECKING = "checking", "Being checked"
    TRUE = "true", "True"
    MOSTLY_TRUE = "mostly_true", "Mostly true"
    HALF_TRUE = "half_true", "Half true"
    MOSTLY_FALSE = "mostly_false", "Mostly false"
    FALSE = "false", "False"
    MISLEADING = "misleading", "Misleading"
    UNSUPPORTED = "unsupported", "Unsupported"

    @property
    def definition(self):
        """One sentence for readers: what this verdict means."""
        return STATUS_DEFINITIONS[self]

    @property
    def rating(self):
        """ClaimReview's ratingValue (WORST_RATING to BEST_RATING), None off the ordinal scale."""
        return STATUS_RATINGS.get(self)

    @property
    def is_rated(self):
        """Whether a verdict has been reached (and so a ClaimReview can be published)."""
        return self not in (Status.UNCHECKED, Status.CHECKING)


STATUS_DEFINITIONS = {
    Status.UNCHECKED: "We have recorded this claim but have not yet begun to check it.",
    Status.CHECKING: "We are gathering and weighing the evidence; no verdict has been reached.",
    Status.TRUE: "The claim is accurate and nothing significant is missing.",
    Status.MOSTLY_TRUE: "The claim is accurate but needs clarification or additional information.",
    Status.HALF_TRUE: "The claim is partly accurate but leaves out important details "
    "or takes things out of context.",
    Status.MOSTLY_FALSE: "The claim contains an element of truth but ignores facts "
    "that would give a different impression.",
    Status.FALSE: "The claim is not accurate.",
    Status.MISLEADING: "The claim may be literally accurate "
    "but is framed to create a false impression.",
    Status.UNSUPPORTED: "The speaker offered no evidence for the claim and we found none "
    "that confirms or refutes it.",
}
STATUS_RATINGS = {
    Status.TRUE: 5,
    Status.MOSTLY_TRUE: 4,
    Status.HALF_TRUE: 3,
    Status.MOSTLY_FALSE: 2,
    Status.FALSE: 1,
}


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    CONTEXT = "context", "Adds context"


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Topic, self.name, instance_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("claims:topic", self.slug)


class ClaimQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def drafts(self):
        return self.filter(is_published=False)

    def for_speaker(self, speaker):
        return self.filter(speaker=speaker)

    def for_article(self, article):
        return self.filter(article=article)

    def for_topic(self, topic):
        return self.on_topics([topic.pk], wanted=settings.CLAIMTRACK_PAGE_SIZE)

    def on_topics(self, topic_ids, *, wanted):
        """The claims on any of `topic_ids`, each once, to be read `wanted` at a time in order.

        When many claims are on them, the claims are read in the list's order and each
        looked up among the topics': `wanted` are found after a few dozen, where a join
        would first read every claim on the topics (20 ms for 5 000 of them). When few
        are, they are found through the topics' links, not by reading the whole list.
        """
        links = Claim.topics.through.objects.filter(topic_id__in=topic_ids)
        if PublishedTally.objects.is_widespread(topic_ids, wanted=wanted):
            return self.filter(Exists(links.filter(claim_id=OuterRef("pk"))))
        return self.filter(pk__in=links.values("claim_id"))

    def with_status(self, *statuses):
        return self.filter(status__in=statuses)

    def rated(self):
        return self.exclude(status__in=[Status.UNCHECKED, Status.CHECKING])

    def search(self, text):
        """Claims whose statement, quote or speaker's names match `text`, a websearch query.

        Plain words must all occur; "a phrase", -word and "or" work as on search
        engines. On PostgreSQL each match is annotated with its `search_rank`.
        Text with no words in it (only punctuation) leaves the claims unfiltered.
        """
        # PostgreSQL refuses NUL characters in any text it is sent.
        text = text.replace("\x00", " ")
        if not search.has_words(text):
            return self
        if connections[self.db].vendor == "postgresql":
            return search.postgresql_search(self, text)
        return search.sqlite_search(self, text)

    def by_relevance(self):
        """Best matches of a search first (PostgreSQL ranks them), newest first among equals."""
        if "search_rank" in self.query.annotations:
            return self.order_by("-search_rank", "-stated_on", "-pk")
        return self.order_by("-stated_on", "-pk")

    def related_to(self, claim, count):
        """The ids of the `count` newest other claims by the speaker or on a topic of `claim`.

        The speaker's and the topics' are found apart, newest first, and merged. Asked
        for at once, with OR, both databases read the claims newest first testing each,
        and for a speaker and topics with few claims read every published claim: over
        100 ms at 100 000 claims (BENCHMARKS.md).
        """
        newest_first = (
            self.exclude(pk=claim.pk).order_by("-stated_on", "-pk").values_list("stated_on", "pk")
        )
        found = set(newest_first.filter(speaker_id=claim.speaker_id)[:count])
        if topic_ids := [topic.pk for topic in claim.topics.all()]:
            found.update(newest_first.on_topics(topic_ids, wanted=count)[:count])
        return [pk for _, pk in sorted(found, reverse=True)[:count]]

    def with_related(self):
        """What a list of claims shows, fetched in a fixed number of queries.

        Lists never show the articles' texts, which are long: they stay in the database.
        """
        return (
            self.select_related("speaker", "article__outlet")
            .defer("search_text", "article__raw_text", "article__text")
            .prefetch_related("topics")
        )

    def with_details(self):
        """What a claim page or the API shows: the article's text, the evidence and history."""
        return (
            self.select_related("speaker", "article__outlet")
            .defer("search_text")
            .prefetch_related("topics")
            .prefetch_related(
                Prefetch(
                    "counter_sources",
                    queryset=CounterSource.objects.select_related("article__outlet"),
                ),
                "status_changes",
            )
        )

    def status_counts(self):
        """[(Status, count)] for every status on the scale, zeros included."""
        counts = dict(self.order_by().values_list("status").annotate(count=Count("pk")))
        return [(status, counts.get(status.value, 0)) for status in Status]

    def last_modified(self):
        return self.aggregate(latest=Max("updated_at"))["latest"]


class Claim(models.Model):
    statement = models.CharField(
        max_length=200,
        help_text="The claim in a short sentence, under 75 characters where possible: "
        "it is published as ClaimReview's claimReviewed.",
    )
    quote = models.TextField(
        help_text="The speaker's words, verbatim, exactly as the article gives them."
    )
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="claims")
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="claims", verbose_name="source article"
    )
    stated_on = models.DateField("date stated")
    topics = models.ManyToManyField(Topic, blank=True, related_name="claims")
    status = models.CharField(
        "verification status", max_length=20, choices=Status, default=Status.UNCHECKED
    )
    verdict = models.TextField(
        "verdict explanation", blank=True, help_text="Public: what the evidence shows and why."
    )
    internal_notes = models.TextField(blank=True, help_text="For editors only; never published.")
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    # Kept up to date by save() and when the speaker's names change (claims.signals);
    # indexed for full-text search by migrations 0003 and 0012, which Meta.indexes
    # cannot express for both databases (on PostgreSQL a stored tsvector column with a
    # GIN index, on SQLite an FTS5 table).
    search_text = models.TextField(editable=False, default="")
    is_published = models.BooleanField("published", default=False)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-stated_on", "-pk"]
        get_latest_by = "first_published_at"
        # Each index ends with the order a list reads in, id last: scanned forwards or
        # backwards, it serves both directions and the id tie-break without a sort.
        indexes = [
            # The tracker's newest- and oldest-stated orders, and page N of them.
            models.Index(
                fields=["is_published", "stated_on", "id"], name="claim_published_stated_idx"
            ),
            # The tracker's "recently updated" order.
            models.Index(
                fields=["is_published", "updated_at", "id"], name="claim_published_updated_idx"
            ),
            # The feeds: newest first publications.
            models.Index(
                fields=["is_published", "first_published_at", "id"],
                name="claim_published_first_idx",
            ),
            # The tracker filtered by status, in date order, and the counts by status.
            models.Index(
                fields=["status", "is_published", "stated_on", "id"], name="claim_status_idx"
            ),
            # A status's feed: its newest first publications.
            models.Index(
                fields=["status", "is_published", "first_published_at", "id"],
                name="claim_status_first_idx",
            ),
            # A speaker's page, and the tracker filtered by speaker.
            models.Index(
                fields=["speaker", "is_published", "stated_on", "id"], name="claim_speaker_idx"
            ),
            # A speaker's scorecard, counted from the index alone: reading each claim's
            # row for its status made the busiest speaker's page cost 3x at 100 000 claims.
            models.Index(
                fields=["speaker", "is_published", "status"], name="claim_speaker_status_idx"
            ),
            # The sitemap's date of each speaker's page: their latest updated claim.
            models.Index(
                fields=["speaker", "is_published", "updated_at"], name="claim_speaker_updated_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="claim_status_valid"
            ),
            models.CheckConstraint(condition=~Q(statement=""), name="claim_statement_not_empty"),
            models.CheckConstraint(condition=~Q(quote=""), name="claim_quote_not_empty"),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(first_published_at__isnull=False),
                name="claim_published_has_first_publication",
            ),
        ]

    def __str__(self):
        return self.statement

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Claim, self.statement, instance_pk=self.pk, max_length=100)
        self.search_text = search.search_text(
            self.statement, self.quote, self.speaker.name, self.speaker.aliases
        )
        if (update_fields := kwargs.get("update_fields")) is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("claims:claim", self.slug)

    def clean(self):
        if self.quote and self.article_id and not self.article.contains_quote(self.quote):
            raise ValidationError(
                {
                    "quote": "This quote does not occur in the article's text. Copy it verbatim "
                    "(differences in spacing and quotation marks are allowed)."
                }
            )

    @property
    def status_choice(self):
        return Status(self.status)

    @transaction.atomic
    def change_status(self, new_status, *, note, by=None):
        """Move to `new_status`, recording who did it and why; returns the StatusChange or None."""
        new_status = Status(new_status)
        note = note.strip()
        if not note:
            raise ValidationError("A change of status needs a note explaining it.")
        if new_status == self.status:
            return None
        change = StatusChange(
            claim=self, from_status=self.status, to_status=new_status, changed_by=by, note=note
        )
        self.status = new_status
        self.save()
        change.save()
        return change

    def publish(self):
        if self.is_published:
            return
        self.is_published = True
        self.first_published_at = self.first_published_at or timezone.now()
        self.save()

    def unpublish(self):
        if not self.is_published:
            return
        self.is_published = False
        self.save()


class CounterSource(models.Model):
    """Evidence weighed for a claim: another article we hold, or an external document."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="counter_sources")
    article = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="An article in Claimtrack. Leave empty for an external document.",
    )
    title = models.CharField(max_length=300, blank=True, help_text="External documents only.")
    publisher = models.CharField(max_length=200, blank=True, help_text="External documents only.")
    url = models.URLField(
        "URL",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=WEB_SCHEMES)],
        help_text="External documents only.",
    )
    published_on = models.DateField(
        "publication date", null=True, blank=True, help_text="External documents only."
    )
    stance = models.CharField(max_length=20, choices=Stance)
    note = models.TextField(blank=True, help_text="Public: what this evidence shows.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stance", "pk"]
        verbose_name = "counter-source"
        constraints = [
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="counter_source_stance_valid"
            ),
            models.CheckConstraint(condition=web_address("url"), name="counter_source_url_web"),
            models.CheckConstraint(
                condition=(Q(article__isnull=False) & Q(title="") & Q(publisher="") & Q(url=""))
                | (Q(article__isnull=True) & ~Q(title="")),
                name="counter_source_article_or_external",
            ),
        ]

    def __str__(self):
        return self.display_title

    def clean(self):
        has_external = any([self.title, self.publisher, self.url, self.published_on])
        if self.article_id and has_external:
            raise ValidationError(
                "Choose an article in Claimtrack or describe an external document, not both."
            )
        if not self.article_id and not self.title:
            raise ValidationError(
                "Choose an article in Claimtrack, or give the external document's title."
            )

    @property
    def display_title(self):
        return self.article.title if self.article_id else self.title

    @property
    def display_publisher(self):
        return self.article.outlet.name if self.article_id else self.publisher

    @property
    def display_date(self):
        return self.article.published_on if self.article_id else self.published_on

    @property
    def display_url(self):
        """Our page for an article we hold, the document's own address otherwise."""
        return self.article.get_absolute_url() if self.article_id else self.url


class TallyKind(models.TextChoices):
    STATUS = "status", "Status"
    SPEAKER = "speaker", "Speaker"
    OUTLET = "outlet", "Outlet"
    TOPIC = "topic", "Topic"
    # A topic's published claims by status, keyed "<topic id>:<status>".
    TOPIC_STATUS = "topic_status", "Topic and status"


# What each tally counts published claims by: lookups from Claim, whose values make its key.
TALLIED_BY = {
    TallyKind.STATUS: ("status",),
    TallyKind.SPEAKER: ("speaker",),
    TallyKind.OUTLET: ("article__outlet",),
    TallyKind.TOPIC: ("topics",),
    TallyKind.TOPIC_STATUS: ("topics", "status"),
}


def tally_key(*values):
    return ":".join(str(value) for value in values)


TALLIED_MODELS = {TallyKind.SPEAKER: Speaker, TallyKind.OUTLET: Outlet, TallyKind.TOPIC: Topic}


class PublishedTallyQuerySet(models.QuerySet):
    # Public menus, pages and feeds offer only who and what published claims involve:
    # a speaker or topic known only from drafts stays unpublished too.
    def speakers(self):
        return self.named(TallyKind.SPEAKER)

    def named(self, kind):
        """The speakers, outlets or topics (by `kind`) that published claims involve.

        Each is looked up among the tallies as it is read, so a page of them is read in
        the list's order: with IN, every tally was read and every row sorted first,
        and the speakers' index grew with the archive.
        """
        tallied = self.filter(kind=kind, key=Cast(OuterRef("pk"), models.CharField()))
        return TALLIED_MODELS[kind].objects.filter(Exists(tallied))

    def count_named(self, kind):
        """How many speakers, outlets or topics (by `kind`) published claims involve."""
        return self.filter(kind=kind).count()

    def counts_of(self, kind, pks):
        """{pk: published claims} of these speakers, outlets or topics (by `kind`)."""
        tallies = self.filter(kind=kind, key__in=[str(pk) for pk in pks])
        return {int(key): count for key, count in tallies.values_list("key", "count")}

    def for_menus(self, speakers_limit):
        """{kind: [(key, name, count)]}: the count of every status, every outlet and topic,
        and the `speakers_limit` speakers with the most claims, most claimed first.

        The tracker shows all of them on every page. One plain query: four through the
        ORM took longer than fetching the page's claims.
        """
        tally = self.model._meta.db_table

        def named(kind):
            model = TALLIED_MODELS[kind]
            return (
                f"SELECT tally.kind, tally.key, named.name, tally.count FROM {tally} AS tally "
                f"JOIN {model._meta.db_table} AS named "
                f"ON named.{model._meta.pk.column} = CAST(tally.key AS BIGINT) "
                f"WHERE tally.kind = '{kind}'"
            )

        query = (
            f"SELECT kind, key, NULL, count FROM {tally} WHERE kind = '{TallyKind.STATUS}' "
            # The most claimed first: published_tally_most_idx.
            f"UNION ALL SELECT * FROM ({named(TallyKind.SPEAKER)} "
            "ORDER BY tally.count DESC, tally.key LIMIT %s) AS most_claimed "
            f"UNION ALL {named(TallyKind.OUTLET)} "
            f"UNION ALL {named(TallyKind.TOPIC)}"
        )
        rows = {kind: [] for kind in TallyKind}
        with connections[self.db].cursor() as cursor:
            cursor.execute(query, [speakers_limit])
            for kind, key, name, count in cursor.fetchall():
                rows[kind].append((key, name, count))
        rows[TallyKind.SPEAKER].sort(key=lambda row: (-row[2], row[0]))
        return rows

    def topics(self):
        return self.named(TallyKind.TOPIC)

    def published_claim_count(self):
        """How many claims are published: every one has a status."""
        return self.filter(kind=TallyKind.STATUS).aggregate(total=Sum("count"))["total"] or 0

    def is_widespread(self, topic_ids, *, wanted):
        """Whether `wanted` claims on any of `topic_ids` are found soon among claims read in order.

        That is when the published claims on them outnumber those read to find
        `wanted` of them: `wanted` times all published claims over those on the topics.
        A claim on several of the topics counts once for each: this is an estimate.
        """
        counts = self.filter(
            Q(kind=TallyKind.STATUS)
            | Q(kind=TallyKind.TOPIC, key__in=[str(pk) for pk in topic_ids])
        ).values_list("kind", "count")
        on_topics = sum(count for kind, count in counts if kind == TallyKind.TOPIC)
        published = sum(count for kind, count in counts if kind == TallyKind.STATUS)
        return on_topics * on_topics > wanted * published

    def status_counts_of_topic(self, topic):
        """[(Status, count)] of a topic's published claims, zeros included."""
        keys = {tally_key(topic.pk, status): status for status in Status}
        counts = dict(
            self.filter(kind=TallyKind.TOPIC_STATUS, key__in=keys).values_list("key", "count")
        )
        return [(status, counts.get(key, 0)) for key, status in keys.items()]

    def recount(self, kind, keys):
        """Count again the published claims of these statuses, speakers, outlets, topics..."""
        keys = {str(key) for key in keys if key is not None}
        if not keys:
            return
        lookups = TALLIED_BY[kind]
        claims = Claim.objects.published()
        for position, lookup in enumerate(lookups):
            claims = claims.filter(**{f"{lookup}__in": {key.split(":")[position] for key in keys}})
        counts = claims.order_by().values_list(*lookups).annotate(count=Count("pk"))
        with transaction.atomic():
            self.filter(kind=kind, key__in=keys).delete()
            self.bulk_create(
                PublishedTally(kind=kind, key=key, count=count)
                for *values, count in counts
                if (key := tally_key(*values)) in keys
            )

    @transaction.atomic
    def rebuild(self):
        """Count everything again: after loading claims in bulk, which sends no signals."""
        self.all().delete()
        for kind, lookups in TALLIED_BY.items():
            counts = (
                Claim.objects.published()
                .order_by()
                .values_list(*lookups)
                .annotate(count=Count("pk"))
            )
            self.bulk_create(
                (
                    PublishedTally(kind=kind, key=tally_key(*values), count=count)
                    for *values, count in counts
                    if None not in values  # claims without topics
                ),
                batch_size=1000,
            )


class PublishedTally(models.Model):
    """How many published claims each status, speaker, outlet and topic has.

    Counting them afresh means reading every published claim, on every page that
    shows the tracker's totals or its menus; these rows are counted again only
    for what an edit touches (claims.signals), and all at once after bulk loads.
    """

    kind = models.CharField(max_length=20, choices=TallyKind)
    # A status's value, or the id of a speaker, outlet or topic.
    key = models.CharField(max_length=40)
    count = models.PositiveIntegerField()

    objects = PublishedTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="published_tally_unique"),
            models.CheckConstraint(condition=Q(count__gt=0), name="published_tally_positive"),
        ]
        indexes = [
            # The tracker's speaker menu: the most claimed first (for_menus()).
            models.Index(fields=["kind", "-count", "key"], name="published_tally_most_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}: {self.count}"


class PublicRevision(models.Model):
    """One row whose number moves whenever anything the public sees changes.

    Cached data is keyed by it (claims.caching): every app server reads it from
    the database they share, so none serves stale data after an edit.
    """

    SINGLETON_ID = 1

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Revision {self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class StatusChangeQuerySet(models.QuerySet):
    def public_corrections(self):
        """Changes to published claims made after their first publication: the corrections log."""
        return (
            self.filter(is_public_correction=True)
            .select_related("claim")
            .order_by("-changed_at", "-pk")
        )

    def mark_public_corrections(self):
        """Set is_public_correction on these changes from their claims as they are now."""
        return self.update(
            is_public_correction=Exists(
                published_before(OuterRef("claim_id"), OuterRef("changed_at"))
            )
        )


def published_before(claim_id, moment):
    """The claim, if it is published and was first published before `moment`.

    A status change made at `moment` is then a public correction. Either argument
    may be an expression (OuterRef) as well as a value.
    """
    return Claim.objects.filter(pk=claim_id, is_published=True, first_published_at__lt=moment)


class StatusChange(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status)
    to_status = models.CharField(max_length=20, choices=Status)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField()
    # Made after the claim's first publication, and the claim is published: the change
    # is in the corrections log. Kept in step by claims.signals. Worked out on every
    # read, it cost the log a join of every change to its claim (240 ms at 100 000 claims).
    is_public_correction = models.BooleanField(default=False, db_default=False, editable=False)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "pk"]
        get_latest_by = "changed_at"
        indexes = [
            # The corrections log and the updates feed (newest first), and their count. Not
            # a partial index: SQLite cannot use one when the query's value is a parameter.
            models.Index(
                fields=["is_public_correction", "-changed_at", "-id"],
                name="status_change_correction_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="status_change_note_not_empty"),
            models.CheckConstraint(
                condition=Q(from_status__in=Status.values) & Q(to_status__in=Status.values),
                name="status_change_statuses_valid",
            ),
        ]

    def __str__(self):
        return f"{self.claim}: {self.get_from_status_display()} → {self.get_to_status_display()}"
