from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.log import log_response

from serving.database import CACHE_UNAVAILABLE, DATABASE_UNAVAILABLE

# Long enough for a restarting database, short enough that readers come back soon.
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Answer a friendly 503 page, not a 500, while the database cannot be reached.

    Django calls process_exception for errors raised in a view and while a
    TemplateResponse renders, so a lazy queryset that fails in a template is
    caught too. Nothing here touches the database. Django drops a broken
    connection when the request ends, so pages recover by themselves as soon as
    the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE + CACHE_UNAVAILABLE):
            return None
        # Rendered without the request: context processors could query the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        # A proxy or browser must not keep the outage once the database is back.
        add_never_cache_headers(response)
        log_response(
            "Database or cache unavailable: %s",
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
