"""The public site: the claim tracker and the pages for claims, speakers, articles and topics.

Every query for claims starts from Claim.objects.published(): drafts never
reach a public page, a count or a highlighted passage.
"""

from functools import partial

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.cache import patch_vary_headers
from django.utils.text import Truncator
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from claims.caching import cached, shared_page
from claims.cards import cards_of, claim_cards
from claims.claimreview import claim_review
from claims.filters import (
    SEARCH_MAX_LENGTH,
    ClaimFilter,
    count_by_status,
    filled_query,
    query_without_page,
)
from claims.models import Claim, PublishedTally, Stance, Status, StatusChange, TallyKind
from claims.paging import IdsFirstPaginator
from sources.models import Article
from sources.text import mark_passages, passage_in_context

RESULTS_PARTIAL = "claims/tracker.html#results"
RELATED_CLAIMS_SHOWN = 5
# Page links shown on each side of the current page, and at each end of the range.
PAGE_LINKS_AROUND_CURRENT = 1
PAGE_LINKS_AT_ENDS = 1
# The gap between the scorecard bar's segments, in percent of its width.
SCORECARD_GAP = 0.4


def paginate(request, items):
    """(page, message): the page that `?page=` asks for, or the nearest one and why.

    `items` is an ordered queryset, read a page at a time with its ids first
    (IdsFirstPaginator), or a Paginator of one. Visitors edit URLs by hand, so a
    page that does not exist is answered with a real page and a sentence saying
    which, never with an error.
    """
    if isinstance(items, Paginator):
        paginator = items
    else:
        paginator = IdsFirstPaginator(items, settings.CLAIMTRACK_PAGE_SIZE)
    requested = request.GET.get("page", "").strip()
    if not requested:
        return paginator.page(1), ""
    try:
        number = int(requested)
    except ValueError:
        number = 0
    if number < 1:
        shown = Truncator(requested).chars(20)
        return paginator.page(1), f"Page {shown} does not exist; showing page 1."
    if number > paginator.num_pages:
        last = paginator.num_pages
        return paginator.page(last), f"Page {number} does not exist; showing page {last}, the last."
    return paginator.page(number), ""


def page_url(request, number):
    """The current address with its filters, at page `number` (page 1 needs no parameter)."""
    parameters = [query_without_page(request)]
    if number > 1:
        parameters.append(f"page={number}")
    query = "&".join(filter(None, parameters))
    return f"{request.path}?{query}" if query else request.path


def page_links(request, page):
    """The links of a pagination bar: previous, next, and the page numbers with gaps between.

    Numbers near the current page and at both ends are shown; `None` marks a gap
    in a long range (1 … 4 5 6 … 10).
    """
    numbers = page.paginator.get_elided_page_range(
        page.number, on_each_side=PAGE_LINKS_AROUND_CURRENT, on_ends=PAGE_LINKS_AT_ENDS
    )
    return {
        "previous": page_url(request, page.number - 1) if page.has_previous() else None,
        "next": page_url(request, page.number + 1) if page.has_next() else None,
        "pages": [
            None
            if number == Paginator.ELLIPSIS
            else {"number": number, "url": page_url(request, number)}
            for number in numbers
        ],
    }


def paginated(request, items):
    """The context of a paginated list (see paginate): its page, why it was shown, its links."""
    page, page_message = paginate(request, items)
    return {
        "page_obj": page,
        "page_message": page_message,
        "page_links": page_links(request, page),
    }


def export_query(request, fixed_filters):
    """The query string of the search's feeds and CSV: the page's own filters included."""
    query = QueryDict(query_without_page(request), mutable=True)
    for name, value in fixed_filters.items():
        query[name] = value
    return query.urlencode()


def claim_results(request, claims, *, title, fixed_filters=None, status_counts_of_claims=None):
    """The context of the results partial: `claims` filtered by the query, counted and paginated.

    `title` names the page's list ("Claims", a speaker's name); `results_title`
    adds the filters and the page number to it, for the window title.
    `fixed_filters` maps the filters that the page itself has already applied (the
    speaker on a speaker's page) to their values: the form leaves them out, and
    the feed and CSV links for the search put them back. Such a page also passes
    `status_counts_of_claims`, a function giving the counts by status of `claims`;
    without it they are those of all published claims, kept in the tallies.
    """
    fixed_filters = fixed_filters or {}
    filterset = ClaimFilter(request.GET, queryset=claims)
    for name in fixed_filters:
        del filterset.filters[name]
    results = filterset.results
    # The page's own filters are in its path; the visitor's are in the query.
    search_key = (request.path, query_without_page(request))
    status_counts = cached(
        request,
        "status-counts",
        search_key,
        lambda: count_by_status(filterset, counts_before_filtering=status_counts_of_claims),
    )
    # Every claim has exactly one status, so the counts add up to the total.
    total = sum(count for _, count in status_counts)
    paginator = IdsFirstPaginator(results, settings.CLAIMTRACK_PAGE_SIZE, count=total)
    context = paginated(request, paginator)
    page = context["page_obj"]
    page.object_list = cached(
        request, "claims-page", (*search_key, page.number), lambda: claim_cards(page.object_list)
    )
    description = "filters to correct" if filterset.errors else filterset.description
    results_title = f"{title}: {description}" if description else title
    if page.number > 1:
        results_title += f" (page {page.number} of {page.paginator.num_pages})"
    return context | {
        "filterset": filterset,
        "status_counts": status_counts,
        "total": total,
        "results_title": results_title,
        "query_without_page": query_without_page(request),
        "export_query": export_query(request, fixed_filters),
    }


def render_with_results(request, template_name, context):
    """The whole page, or only its results region when htmx swaps it in.

    A history restore asks for the whole page: htmx puts it back in place of the body.
    """
    results_only = bool(request.htmx) and not request.htmx.history_restore_request
    context["results_only"] = results_only
    # The filter form stays in place, and so does keyboard focus in it. A page link
    # is swapped away with the results: focus goes to the new results' heading.
    context["focus_results"] = results_only and request.htmx.trigger != "filters"
    if not results_only:
        # The form lists every published speaker, outlet and topic: costly to build and
        # the same for everyone who asks with the same query.
        context["filters_html"] = cached(
            request,
            "filters",
            (request.path, request.GET.urlencode()),
            lambda: render_to_string("includes/claim_filters.html", context, request),
        )
    response = render(request, RESULTS_PARTIAL if results_only else template_name, context)
    if results_only:
        # Push the address a visitor would want to share, without the form's empty fields.
        query = filled_query(request)
        push_url(response, f"{request.path}?{query}" if query else request.path)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def counted_page(request, items, counts_of):
    """The context of a paginated index whose rows each show `published_claims`.

    `counts_of(pks)` gives {pk: count} for the page's rows only: counted in the
    list's own query, every row before the page was counted too, and page 1 000
    of the articles took 190 ms on PostgreSQL at 100 000 claims.
    """
    context = paginated(request, items)
    page = context["page_obj"]
    page.object_list = list(page.object_list)
    counts = counts_of([row.pk for row in page.object_list])
    for row in page.object_list:
        row.published_claims = counts.get(row.pk, 0)
    return context


def published_claims_by_article(article_pks):
    claims = Claim.objects.published().filter(article__in=article_pks).order_by()
    return dict(claims.values_list("article").annotate(count=Count("pk")))


def scorecard_bar(status_counts):
    """The segments of a stacked bar: each status's share of the claims, in percent.

    A sliver of background separates neighbours, whose colours can be close,
    unless the sliver would swallow a thin segment.
    """
    total = sum(count for _, count in status_counts)
    shares = [(status, 100 * count / total) for status, count in status_counts if count]
    segments, offset = [], 0.0
    for position, (status, share) in enumerate(shares):
        is_last = position == len(shares) - 1
        gap = 0 if is_last or share <= 2 * SCORECARD_GAP else SCORECARD_GAP
        segments.append({"status": status, "x": f"{offset:.2f}", "width": f"{share - gap:.2f}"})
        offset += share
    return segments


@require_safe
@shared_page
def tracker(request):
    context = claim_results(request, Claim.objects.published(), title="Claims")
    return render_with_results(request, "claims/tracker.html", context)


def claim_summary(claim):
    """One sentence for search results and link previews: who said what, and where it stands."""
    status = claim.status_choice
    standing = f"Our verdict: {status.label}." if status.is_rated else f"Status: {status.label}."
    return f"{claim.speaker.name}: “{claim.statement}” {standing}"


@require_safe
@shared_page
def claim_detail(request, slug):
    claim = get_object_or_404(Claim.objects.published().with_details(), slug=slug)
    counter_sources = claim.counter_sources.all()
    evidence = [
        (stance, group)
        for stance in Stance
        if (group := [source for source in counter_sources if source.stance == stance])
    ]
    related_claims = cached(
        request,
        "related-claims",
        claim.pk,
        lambda: cards_of(Claim.objects.published().related_to(claim, RELATED_CLAIMS_SHOWN)),
    )
    context = {
        "claim": claim,
        "quote_passage": passage_in_context(claim.article.text, claim.quote),
        "evidence": evidence,
        "related_claims": related_claims,
        "claim_review": claim_review(claim, request.build_absolute_uri("/").rstrip("/")),
        "canonical_url": request.build_absolute_uri(claim.get_absolute_url()),
        "summary": claim_summary(claim),
    }
    return render(request, "claims/claim.html", context)


@require_safe
@shared_page
def speaker_list(request):
    speakers = PublishedTally.objects.speakers()
    # The tracker's speaker menu lists only the most claimed: the others are found here.
    # PostgreSQL refuses NUL characters in any text it is sent.
    name = request.GET.get("q", "").replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]
    if name:
        listed = speakers.named_like(name)
    else:
        # All of them are counted in the tallies, without matching each speaker with them.
        count = PublishedTally.objects.count_named(TallyKind.SPEAKER)
        listed = IdsFirstPaginator(speakers, settings.CLAIMTRACK_PAGE_SIZE, count=count)
    # Counted from the tallies: counting every speaker's claims grew with the archive.
    context = counted_page(
        request, listed, partial(PublishedTally.objects.counts_of, TallyKind.SPEAKER)
    )
    return render(request, "claims/speaker_list.html", context | {"name_query": name})


@require_safe
@shared_page
def speaker_detail(request, slug):
    # Someone known only from drafts has no public page.
    speaker = get_object_or_404(PublishedTally.objects.speakers(), slug=slug)
    claims = Claim.objects.published().for_speaker(speaker)
    status_counts = cached(request, "speaker-scorecard", speaker.pk, claims.status_counts)
    context = claim_results(
        request,
        claims,
        title=speaker.name,
        fixed_filters={"speaker": speaker.pk},
        status_counts_of_claims=lambda: status_counts,
    )
    context |= {
        "speaker": speaker,
        "scorecard": status_counts,
        "scorecard_total": sum(count for _, count in status_counts),
        "scorecard_bar": scorecard_bar(status_counts),
    }
    return render_with_results(request, "claims/speaker.html", context)


@require_safe
@shared_page
def article_list(request):
    articles = Article.objects.select_related("outlet").defer("raw_text", "text")
    context = counted_page(request, articles, published_claims_by_article)
    return render(request, "claims/article_list.html", context)


@require_safe
@shared_page
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.select_related("outlet"), slug=slug)
    claims = list(Claim.objects.published().for_article(article).select_related("speaker"))
    context = {
        "article": article,
        "claims": claims,
        "marked_paragraphs": mark_passages(
            article.text, [(claim.quote, claim) for claim in claims]
        ),
    }
    return render(request, "claims/article.html", context)


@require_safe
@shared_page
def topic_list(request):
    topics = PublishedTally.objects.topics()
    context = counted_page(
        request, topics, partial(PublishedTally.objects.counts_of, TallyKind.TOPIC)
    )
    return render(request, "claims/topic_list.html", context)


@require_safe
@shared_page
def topic_detail(request, slug):
    topic = get_object_or_404(PublishedTally.objects.topics(), slug=slug)
    claims = Claim.objects.published().for_topic(topic)
    context = claim_results(
        request,
        claims,
        title=topic.name,
        fixed_filters={"topic": topic.pk},
        status_counts_of_claims=lambda: PublishedTally.objects.status_counts_of_topic(topic),
    )
    context["topic"] = topic
    return render_with_results(request, "claims/topic.html", context)


@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    return redirect(static("favicon.svg"))


@require_safe
@shared_page
def methodology(request):
    return render(request, "claims/methodology.html", {"statuses": list(Status)})


@require_safe
@shared_page
def corrections(request):
    changes = StatusChange.objects.public_corrections()
    return render(request, "claims/corrections.html", paginated(request, changes))
