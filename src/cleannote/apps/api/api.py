"""The NinjaAPI under /api/v1/: the routers, and every refusal answered in the one error shape
(`errors.py`, ADR 0901). Nothing under /api/ answers HTML: the project's 403/404/500 handlers
and the request-validation middleware ask `errors.is_api_path` too."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from cleannote.apps.api import (
    care,
    money,
    record_writes,  # noqa: F401  (adds the chart's writes to records.router)
    records,
)
from cleannote.apps.api.errors import ApiError, error_response
from cleannote.apps.organisations.api_tokens import ApiRefused

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Cleannote API",
    version="1",
    description=(
        "The JSON API of Cleannote (ADR 0901). Authenticate with an organisation's API token, "
        "`Authorization: Bearer cn_<key>_<secret>`, made by the owner on /settings/api-tokens/. "
        'Every error is `{"error": {"code", "message", "field"}}`.'
    ),
    urls_namespace="api",
    docs_url=None,
)
api.add_router("", records.router)
api.add_router("", care.router)
api.add_router("", money.router)

_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})


def _field(loc: object) -> str | None:
    """Pydantic's location as a dotted path: the body's parameter name and the source left
    out, list positions in brackets: ("body", "payload", "visit", "services", 0) ->
    "visit.services[0]"."""
    parts = list(loc) if isinstance(loc, list | tuple) else []
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or None


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    field = _field(first.get("loc"))
    message = str(first.get("msg", "invalid input"))
    code = "malformed_json" if first.get("type") == "json_invalid" else "invalid"
    status = 400 if code == "malformed_json" else 422
    return error_response(status, code, message, field)


@api.exception_handler(ApiRefused)
def _refused(request: HttpRequest, exc: ApiRefused) -> HttpResponse:
    response = error_response(exc.status, exc.code, exc.message)
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="cleannote"'
    return response


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        401, "not_authenticated", "send an API token as 'Authorization: Bearer <token>'"
    )
    response["WWW-Authenticate"] = 'Bearer realm="cleannote"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "malformed_request", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "error"
    )
    return error_response(exc.status_code, code, str(exc))


@api.exception_handler(Http404)
def _missing(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", "no such record")


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(403, "not_permitted", str(exc) or "not permitted")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Still JSON; the message names no record. The traceback goes to the log, without PHI in
    # our own messages (the actions' errors carry ids only).
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", "the server failed; the error is logged")
