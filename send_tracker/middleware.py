"""Cross-cutting request handling: request ids, login required everywhere, security headers."""

from __future__ import annotations

import ipaddress
import uuid

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.log import log_response

from send_tracker.logging import set_request_id


class RequestIdMiddleware:
    """Gives every request an id (or keeps the proxy's X-Request-ID) for the log lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else None
        request.request_id = request_id or uuid.uuid4().hex[:16]
        set_request_id(request.request_id)
        try:
            response = self.get_response(request)
            if response.status_code >= 400:
                # Django logs 4xx/5xx responses only after the middleware chain has returned,
                # when the id is gone; logged here (once: Django skips a logged response) the
                # line carries it.
                log_response(
                    "%s: %s", response.reason_phrase, request.path,
                    response=response, request=request,
                )
        finally:
            set_request_id(None)
        response["X-Request-ID"] = request.request_id
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a signed-in user, unless its view is marked @login_not_required.

    The API is left to DRF, which authenticates tokens as well as sessions and answers
    401/403 instead of redirecting to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SecurityHeadersMiddleware:
    """Adds the content security policy and a restrictive permissions policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class QueryLimitMiddleware:
    """Too many query parameters is a quick 400, with DEBUG on or off.

    Django raises TooManyFieldsSent from the first read of request.GET past
    DATA_UPLOAD_MAX_NUMBER_FIELDS. With DEBUG on, its technical error page reads request.GET
    again, which raises again inside every middleware's exception handler in turn: a 500
    after seconds of re-parsing. Counted here from the raw query string (as Django counts
    it: one more field than '&' separators), before anything reads request.GET.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        query = request.META.get("QUERY_STRING", "")
        if limit is not None and query and query.count("&") + 1 > limit:
            request.GET = QueryDict()  # nothing after this may parse the query again
            message = f"Too many query parameters: at most {limit:,} are accepted."
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


def client_address(request) -> str | None:
    """The real client's address: X-Forwarded-For read through TRUSTED_PROXY_COUNT proxies.

    Each proxy appends the address it received the request from, so with n trusted proxies the
    client is the n-th entry from the right; anything left of it was written by the client and
    is ignored. With no trusted proxy (the default), or a header shorter than the chain, the
    address is the one the tracker sees (REMOTE_ADDR). Used by the sign-in lockout (axes).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if h.strip()]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
