"""The tracker's filters, shared by the public pages, the feeds and the API.

The query parameters (status, speaker, outlet, topic, date_from, date_to, q,
ordering) are a public interface: shared URLs and feed subscriptions use them.
"""

import django_filters
from django import forms
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator

from claims.models import Claim, PublishedTally, Status, TallyKind
from claims.widgets import Menu, NameSelect, NativeDateInput, SearchInput, StatusCheckboxes

SEARCH_MAX_LENGTH = 200
SPEAKER_MENU_SIZE = 100

ORDERINGS = {
    "newest": ("Newest stated first", ["-stated_on", "-pk"]),
    "oldest": ("Oldest stated first", ["stated_on", "pk"]),
    "updated": ("Recently updated", ["-updated_at", "-pk"]),
    # PostgreSQL ranks the matches of a search; without a search this is newest first.
    "relevance": ("Best match (searches)", None),
}
# What the order menu shows first, and the tracker's order when none is asked for
# (Claim.Meta.ordering): an address that names it says no more than one that does not.
DEFAULT_ORDERING = "newest"


def filled_query(request, *, without=(), keep_default_order=False):
    """The current query string minus empty fields, the default order and the parameters
    named in `without`: the address a visitor would want to share."""
    query = request.GET.copy()
    for key in list(query):
        values = [
            value
            for value in query.getlist(key)
            if value and (keep_default_order or (key, value) != ("ordering", DEFAULT_ORDERING))
        ]
        if values and key not in without:
            query.setlist(key, values)
        else:
            del query[key]
    return query.urlencode()


def query_without_page(request):
    """The current search, for links to its other pages and to its feeds."""
    return filled_query(request, without=["page"])


class ClaimSearchForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "This date is before the “Stated from” date.")
        return cleaned_data


def involved(kind):
    """The speakers, outlets or topics that published claims involve, read from the tallies.

    Given to django-filter as a function: a queryset would be deep-copied with the
    filters for every request, and that cost more than the tracker's queries.
    """
    return lambda request: PublishedTally.objects.named(kind)


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        widget=SearchInput(attrs={"placeholder": "Claim or quote words"}),
    )
    # A claim has one status, and the topic filter finds each claim once: no filter
    # here can repeat a row, and DISTINCT would only slow the counts down.
    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=Status.choices, widget=StatusCheckboxes, distinct=False
    )
    speaker = django_filters.ModelChoiceFilter(
        label="Speaker",
        queryset=involved(TallyKind.SPEAKER),
        empty_label="Any speaker",
        widget=NameSelect(kind=TallyKind.SPEAKER, others_url="claims:speakers"),
    )
    outlet = django_filters.ModelChoiceFilter(
        label="Outlet",
        field_name="article__outlet",
        queryset=involved(TallyKind.OUTLET),
        empty_label="Any outlet",
        widget=NameSelect(kind=TallyKind.OUTLET),
    )
    topic = django_filters.ModelChoiceFilter(
        label="Topic",
        method="filter_topic",
        queryset=involved(TallyKind.TOPIC),
        empty_label="Any topic",
        widget=NameSelect(kind=TallyKind.TOPIC),
    )
    date_from = django_filters.DateFilter(
        label="Stated from",
        field_name="stated_on",
        lookup_expr="gte",
        widget=NativeDateInput,
    )
    date_to = django_filters.DateFilter(
        label="Stated until",
        field_name="stated_on",
        lookup_expr="lte",
        widget=NativeDateInput,
    )
    ordering = django_filters.ChoiceFilter(
        label="Order",
        choices=[(key, label) for key, (label, _) in ORDERINGS.items()],
        method="order_by",
        empty_label=None,
        widget=Menu,
    )

    class Meta:
        model = Claim
        form = ClaimSearchForm
        fields = ["q", "status", "speaker", "outlet", "topic", "date_from", "date_to", "ordering"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_topic(self, queryset, name, topic):
        return queryset.for_topic(topic)

    def order_by(self, queryset, name, value):
        if value == "relevance":
            return queryset.by_relevance()
        return queryset.order_by(*ORDERINGS[value][1])

    # django-filter builds a form class, and all its fields, for every FilterSet: the
    # same each time, and a third of the tracker's time. Built once per set of filters
    # (a speaker's page leaves out the speaker filter).
    _form_classes = {}

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.menus = FilterMenus()

    def get_form_class(self):
        key = (type(self), tuple(self.filters))
        if key not in self._form_classes:
            self._form_classes[key] = super().get_form_class()
        return self._form_classes[key]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                if isinstance(field.widget, NameSelect):
                    field.widget.menus = self.menus
        return self._form

    @property
    def description(self):
        """The valid filters in words ("False or Misleading, by Sergey Lavrov"), "" for none.

        Page titles and feed titles both use it, so a feed is named like the page it follows.
        """
        if not self.is_valid():
            return ""
        filters = self.form.cleaned_data
        parts = []
        if statuses := filters.get("status"):
            parts.append(" or ".join(Status(status).label for status in statuses))
        if speaker := filters.get("speaker"):
            parts.append(f"by {speaker.name}")
        if outlet := filters.get("outlet"):
            parts.append(f"in {outlet.name}")
        if topic := filters.get("topic"):
            parts.append(f"on {topic.name}")
        if text := filters.get("q"):
            parts.append(f"matching “{Truncator(text).chars(40)}”")
        if date_from := filters.get("date_from"):
            parts.append(f"from {date_format(date_from, 'j F Y')}")
        if date_to := filters.get("date_to"):
            parts.append(f"until {date_format(date_to, 'j F Y')}")
        return ", ".join(parts)

    @property
    def tallied_selection(self):
        """(topic or None, the statuses chosen or []) when nothing else narrows the search.

        Such a search's counts by status are kept in the published tallies. None
        when anything else narrows it, or when the query is invalid.
        """
        if not self.is_valid():
            return None
        narrowing = {name: value for name, value in self.form.cleaned_data.items() if value}
        if set(narrowing) - {"status", "topic", "ordering"}:
            return None
        return narrowing.get("topic"), narrowing.get("status", [])

    @property
    def results(self):
        """The filtered claims, or none at all when any parameter is invalid.

        django-filter skips invalid fields and applies the rest, which would
        answer a mistyped query with a broader result than was asked for.
        """
        return self.qs if self.is_valid() else self.queryset.none()


class FilterMenus:
    """What the filter form's menus offer, and the counts by status, read when first needed.

    One query reads them all from the published tallies (PublishedTally.objects.for_menus).
    The speaker menu offers the SPEAKER_MENU_SIZE speakers with the most claims, and the
    one chosen: a menu of thousands of names helps nobody and made every page grow with
    the archive.
    """

    @cached_property
    def _tallies(self):
        # One more speaker than shown, to tell whether any were left out.
        return PublishedTally.objects.for_menus(SPEAKER_MENU_SIZE + 1)

    def status_counts(self):
        """[(Status, count)] of all published claims, zeros included."""
        counts = {key: count for key, _, count in self._tallies[TallyKind.STATUS]}
        return [(status, counts.get(status.value, 0)) for status in Status]

    def options(self, kind, chosen_ids):
        """([(id, name)] by name, shortened_to): the menu of a speaker, outlet or topic filter.

        `shortened_to` is the number of most claimed speakers listed when others were
        left out, else None; `chosen_ids` are offered all the same.
        """
        rows = [(int(key), name) for key, name, _ in self._tallies[kind]]
        shortened_to = None
        if kind == TallyKind.SPEAKER and len(rows) > SPEAKER_MENU_SIZE:
            shortened_to = SPEAKER_MENU_SIZE
            rows = rows[:SPEAKER_MENU_SIZE]
        if missing := set(chosen_ids) - {pk for pk, _ in rows}:
            rows += (
                PublishedTally.objects.named(kind).filter(pk__in=missing).values_list("pk", "name")
            )
        return sorted(rows, key=lambda row: (row[1].casefold(), row[1], row[0])), shortened_to


def count_by_status(filterset, *, counts_before_filtering=None):
    """[(Status, count)] of a ClaimFilter's results.

    When only statuses are chosen, they are the counts of the claims before the
    filter saw them, for the statuses chosen: `counts_before_filtering()` gives
    those (a speaker's scorecard on their page); by default they are the published
    tallies', for a filter over all published claims, which also hold each topic's.
    Otherwise the results are counted.
    """
    selection = filterset.tallied_selection
    if selection is None:
        return filterset.results.status_counts()
    topic, statuses = selection
    if topic is None:
        counts = (counts_before_filtering or filterset.menus.status_counts)()
    elif counts_before_filtering is None:
        counts = PublishedTally.objects.status_counts_of_topic(topic)
    else:
        # A topic among claims already narrowed: no tally holds those.
        return filterset.results.status_counts()
    return [
        (status, count if not statuses or status in statuses else 0) for status, count in counts
    ]
