import functools


def answer_429_while_locked_out(login_view):
    """Wrap the admin's login view: a refusal because of a lockout is a 429 with Retry-After.

    The page is the login page all the same, the form showing when to try again.
    """

    @functools.wraps(login_view)
    def view(request, *args, **kwargs):
        response = login_view(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        retry_after = getattr(context.get("form"), "retry_after", 0)
        if retry_after:
            response.status_code = 429
            response["Retry-After"] = str(retry_after)
        return response

    return view
