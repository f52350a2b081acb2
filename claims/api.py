"""The read-only JSON API and the CSV download: the tracker's filters, as data.

Every endpoint (and every feed) answers GET, HEAD and OPTIONS, lets any origin
read it (the data is public and read without credentials) and answers anything
else 405.
"""

from functools import wraps
from itertools import chain

from django.conf import settings
from django.core.validators import slug_re
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from claims.caching import cached
from claims.filters import ClaimFilter, count_by_status
from claims.models import Claim
from claims.paging import IdsFirstPaginator
from claims.serializers import claim_to_dict, claims_csv_lines

MAX_PAGE_SIZE = 100
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def read_only_endpoint(view):
    """GET and HEAD reach `view`; OPTIONS answers a CORS preflight; other methods get 405.

    Scripts on any site may read every answer, errors included.
    """

    # Nothing here changes state, so CSRF protects nothing: a POST deserves 405, not 403.
    @csrf_exempt
    @wraps(view)
    def endpoint(request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            response = view(request, *args, **kwargs)
        elif request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(READ_METHODS)
            response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
            # A script that sends its own headers (If-None-Match, say) asks first; no
            # credentials are involved, so any header may come.
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = JsonResponse(
                {"detail": f'Method "{request.method}" not allowed.'}, status=405
            )
            response["Allow"] = ", ".join(READ_METHODS)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return endpoint


@read_only_endpoint
def claim_list(request):
    """A page of the published claims the tracker shows for the same query."""
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.published())
    errors = filter_errors(filterset)
    page_number = _positive_int(request.GET, "page", 1, errors)
    page_size = _positive_int(request.GET, "page_size", settings.CLAIMTRACK_PAGE_SIZE, errors)
    if errors:
        return bad_request(errors)

    def page_of_claims():
        total = sum(count for _, count in count_by_status(filterset))
        paginator = IdsFirstPaginator(
            filterset.results.with_details(), min(page_size, MAX_PAGE_SIZE), count=total
        )
        if page_number > paginator.num_pages:
            typed, last = request.GET["page"].strip(), paginator.num_pages
            return {"errors": {"page": [f"Page {typed} is out of range: the last is {last}."]}}
        page = paginator.page(page_number)
        base_url = site_root(request)
        return {
            "count": paginator.count,
            "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                _page_url(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "results": [claim_to_dict(claim, base_url) for claim in page],
        }

    # The same for every client asking the same address: links name the host asked.
    data = cached(request, "api-claims", request.build_absolute_uri(), page_of_claims)
    return _json(data, status=400 if "errors" in data else 200)


@read_only_endpoint
def claim_detail(request, slug):
    # The route takes any segment (api_urls), so only a slug can name a claim; a NUL
    # in anything else would make PostgreSQL refuse the query outright.
    if not slug_re.match(slug):
        return _json({"detail": "Not found."}, status=404)
    claim = Claim.objects.published().with_details().filter(slug=slug).first()
    if claim is None:
        return _json({"detail": "Not found."}, status=404)
    return _json(claim_to_dict(claim, site_root(request)))


@read_only_endpoint
def claims_csv(request):
    """Every published claim matching the tracker's query, as a spreadsheet.

    The file starts with a UTF-8 byte order mark: without it Excel reads the
    file in the local legacy encoding and garbles non-Latin text.
    """
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.published())
    errors = filter_errors(filterset)
    if errors:
        return bad_request(errors)
    if request.method == "HEAD":
        # The headers say all a HEAD asks; do not read every claim for a body nobody gets.
        lines = []
    else:
        lines = chain(
            ["\ufeff"], claims_csv_lines(filterset.results.with_related(), site_root(request))
        )
    return StreamingHttpResponse(
        lines,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="claims.csv"'},
    )


def filter_errors(filterset):
    """{parameter: [message, ...]} for every invalid tracker parameter."""
    return {name: list(messages) for name, messages in filterset.errors.items()}


def bad_request(errors):
    return _json({"errors": errors}, status=400)


def site_root(request):
    """The scheme and host the request came to, for absolute URLs (no trailing slash)."""
    return request.build_absolute_uri("/").rstrip("/")


def _positive_int(params, name, default, errors):
    """params[name] as a whole number of at least 1; records a message in `errors` if it is not."""
    value = params.get(name, "").strip()
    if not value:
        return default
    digits = value.lstrip("0")
    if value.isascii() and value.isdigit() and digits:
        # Python refuses to read thousands of digits; a number that long is past any page anyway.
        return int(digits) if len(digits) <= 18 else 10**18
    errors.setdefault(name, []).append(f"Must be a whole number of at least 1, not {value!r}.")
    return default


def _page_url(request, number):
    params = request.GET.copy()
    params["page"] = number
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
