"""Where claims come from: outlets, the articles they publish and the people quoted.

This app knows nothing of claims. The public speaker and article pages belong
to the claims app, which points these models at them (ABSOLUTE_URL_OVERRIDES).
"""

from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q

from sources.indexes import NullsLastIndex
from sources.text import find_quote, normalize_for_matching, unique_slug

# The only addresses a link on a public page may carry: never javascript: or data:.
WEB_SCHEMES = ["http", "https"]


def web_address(field):
    """A constraint's condition: `field` is empty or an http(s) address, never javascript: or data:.

    Forms validate URLs already; this holds for every other way a row is written.
    """
    return (
        Q(**{field: ""})
        | Q(**{f"{field}__istartswith": "http://"})
        | Q(**{f"{field}__istartswith": "https://"})
    )


class SluggedModel(models.Model):
    """Fills in a unique slug from `slug_source` when an editor leaves it empty."""

    slug_source = "name"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            max_length = self._meta.get_field("slug").max_length
            value = getattr(self, self.slug_source)
            self.slug = unique_slug(type(self), value, instance_pk=self.pk, max_length=max_length)
        super().save(*args, **kwargs)


class Outlet(SluggedModel):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    homepage_url = models.URLField(
        "homepage URL", blank=True, validators=[URLValidator(schemes=WEB_SCHEMES)]
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=web_address("homepage_url"), name="outlet_homepage_url_web"
            ),
        ]

    def __str__(self):
        return self.name


class SpeakerQuerySet(models.QuerySet):
    def named_like(self, text):
        """Speakers with `text` in their name or one of their aliases, ignoring case."""
        return self.filter(Q(name__icontains=text) | Q(aliases__icontains=text))

    def matching(self, name):
        """Speakers whose name or one of whose aliases is `name`, ignoring case and spacing."""
        wanted = normalize_for_matching(name).casefold()
        if not wanted:
            return self.none()
        candidates = self.filter(Q(name__iexact=name.strip()) | Q(aliases__icontains=wanted))
        return self.filter(
            pk__in=[speaker.pk for speaker in candidates if wanted in speaker.folded_names]
        )


class Speaker(SluggedModel):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    role = models.CharField(max_length=200, blank=True, help_text="e.g. Russian Foreign Minister")
    affiliation = models.CharField(
        max_length=200, blank=True, help_text="e.g. Government of Russia"
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other spellings of the name, one per line (e.g. Sergei Lavrov).",
    )

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        # The id last, so that pages of a list never share a speaker of the same name.
        ordering = ["name", "pk"]
        indexes = [
            # Lists of speakers, read a page at a time in their order.
            models.Index(fields=["name", "id"], name="speaker_name_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def folded_names(self):
        return {normalize_for_matching(name).casefold() for name in [self.name, *self.alias_list]}


class Article(SluggedModel):
    slug_source = "title"

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    url = models.URLField(
        "URL", max_length=500, blank=True, validators=[URLValidator(schemes=WEB_SCHEMES)]
    )
    published_on = models.DateField("publication date", null=True, blank=True)
    dateline = models.CharField(
        "dateline place", max_length=120, blank=True, help_text="e.g. SOCHI"
    )
    raw_text = models.TextField(help_text="The text exactly as imported, page furniture and all.")
    text = models.TextField("display text", help_text="The cleaned text shown to readers.")
    seed_file = models.CharField(
        max_length=200, blank=True, help_text="The file it was imported from."
    )
    content_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the raw text.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Undated articles last on every database (PostgreSQL sorts NULL first when
        # descending), and the id last, so that pages of the list never share a row.
        ordering = [models.F("published_on").desc(nulls_last=True), "title", "pk"]
        get_latest_by = "published_on"
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="article_url_unique_when_given"
            ),
            models.UniqueConstraint(
                fields=["seed_file"], condition=~Q(seed_file=""), name="article_seed_file_unique"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="article_text_not_empty"),
            models.CheckConstraint(condition=web_address("url"), name="article_url_web"),
        ]
        indexes = [
            # The articles list, in the order above: a deep page's ids are read from
            # the index alone (claims.paging.rows_between).
            NullsLastIndex(
                models.F("published_on").desc(nulls_last=True),
                models.F("title"),
                models.F("id"),
                name="article_list_idx",
            ),
            # The sitemap's date of its articles section: the latest updated article.
            models.Index(fields=["updated_at"], name="article_updated_idx"),
        ]

    def __str__(self):
        return self.title

    def contains_quote(self, quote):
        return find_quote(self.text, quote) is not None
