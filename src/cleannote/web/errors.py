"""The 403, 404 and 500 pages: the app's own layout and a way back (ADR 0560).

The way back is the home page and, where the refused or missing address sits under one of the
app's lists, that list. The list is derived from the request's own path, never from the Referer
header, so an error page cannot be made to link elsewhere.

The 500 page renders with a plain context (no context processors): the request that failed may
have a broken database connection or an aborted transaction, so the page makes no query.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.urls import reverse

from cleannote.apps.api.errors import error_response, is_api_path

# First path segment -> (the list's URL name, how the link reads).
_LISTS: dict[str, tuple[str, str]] = {
    "patients": ("patients:list", "Back to patients"),
    "payers": ("payers:list", "Back to payers"),
    "claims": ("claims:worklist", "Back to claims"),
    "schedule": ("scheduling:day", "Back to the schedule"),
    "eligibility": ("eligibility:home", "Back to eligibility"),
    "remittance": ("remittance:list", "Back to payments"),
    "audit": ("audit:log", "Back to the audit log"),
    "staff": ("organisations:staff_list", "Back to staff"),
    "reports": ("reports:index", "Back to reports"),
}


def way_back(path: str) -> dict[str, str] | None:
    """The list the address belongs to, or None when it belongs to none (home is always offered)."""
    segment = path.lstrip("/").split("/", 1)[0]
    found = _LISTS.get(segment)
    if found is None:
        return None
    name, label = found
    url = reverse(name)
    if url.rstrip("/") == path.rstrip("/"):
        return None  # the list itself failed: home is the way back
    return {"url": url, "label": label}


def _page(request: HttpRequest, template: str, status: int, **extra: object) -> HttpResponse:
    context = {"back": way_back(request.path), **extra}
    return HttpResponse(loader.render_to_string(template, context, request), status=status)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request.path):
        return error_response(403, "not_permitted", "not permitted")
    return _page(request, "403.html", 403, exception=str(exception) or "")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request.path):
        return error_response(404, "not_found", "no such API address")
    return _page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_path(request.path):
        return error_response(500, "server_error", "the server failed; the error is logged")
    # No request: no context processors, no session or staff lookup, no query.
    context = {"back": way_back(request.path), "bare": True}
    return HttpResponseServerError(loader.render_to_string("500.html", context))
