"""Project-wide views: health check, the trivial benchmark view, the glossary and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from send_tracker import glossary, health
from send_tracker.permissions import capability_required


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, Redis and worker liveness as JSON: 200 when all answer, 503 otherwise."""
    checks = {
        "database": health.check_database(),
        "redis": health.check_redis(),
        "worker": health.check_workers(),
    }
    healthy = all(ok for ok, _ in checks.values())
    body = {
        "status": "ok" if healthy else "unhealthy",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def trivial(request: HttpRequest) -> HttpResponse:
    """The cheapest authenticated page: the benchmark's baseline for every other page."""
    return HttpResponse("ok", content_type="text/plain")


@capability_required("view_aggregates")
def glossary_page(request: HttpRequest) -> HttpResponse:
    """The words used on the tracker's pages, in plain English."""
    terms = sorted(glossary.TERMS, key=lambda t: t.word.lower())
    return render(request, "send_tracker/glossary.html", {"terms": terms})


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
