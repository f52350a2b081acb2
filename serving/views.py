from django.http import JsonResponse
from django.utils.log import log_response
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from serving.database import DATABASE_UNAVAILABLE, check_database


@never_cache
@require_safe
def healthz(request):
    """200 while the database answers, 503 otherwise: for load balancers and uptime probes."""
    try:
        check_database()
    except DATABASE_UNAVAILABLE as error:
        response = JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
        # Logged with its cause, once (Django would log the 503 again without it).
        log_response(
            "Health check failed: %s",
            request.path,
            response=response,
            request=request,
            exception=error,
        )
        return response
    return JsonResponse({"status": "ok", "database": "ok"})
