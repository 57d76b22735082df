"""One error shape for every answer under /api/ (ADR 0901):

    {"error": {"code": "...", "message": "...", "field": "path.to.field" | null}}

`code` is stable (a caller branches on it), `message` is for a person and never carries a
patient's value, `field` is the dotted path of the input at fault (a body field, a query
parameter) or null. Statuses: 400 malformed request, 401 token, 403 scope, 404 missing or
another organisation's, 409 the record's state or a clash, 422 a value that fails a rule,
429 rate, 500 never on purpose (still JSON).
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from ninja import Schema

API_PREFIX = "/api/"


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorBody(Schema):
    error: ErrorDetail


class ApiError(Exception):
    """Raised by an endpoint to answer with the error shape."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_response(status: int, code: str, message: str, field: str | None = None) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "field": field}}
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def is_api_path(path: str) -> bool:
    """Whether an address is the API's, to be answered in the error shape, never HTML."""
    return path.startswith(API_PREFIX)


def not_found(kind: str) -> ApiError:
    return ApiError(404, "not_found", f"no such {kind}")


# Statuses every endpoint may answer with the error shape, for the OpenAPI document.
COMMON_ERRORS = {
    400: ErrorBody,
    401: ErrorBody,
    403: ErrorBody,
    404: ErrorBody,
    422: ErrorBody,
    429: ErrorBody,
}
WRITE_ERRORS = {**COMMON_ERRORS, 409: ErrorBody}
