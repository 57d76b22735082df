"""Refuse hostile input at the edge, before any view or query sees it.

- A query parameter, posted field, uploaded file name or the session cookie holding a control
  character (NUL and the other C0 characters except tab, line feed and carriage return) is
  answered 400 with a plain message naming the parameter. PostgreSQL refuses NUL in text, so
  without this check a NUL typed anywhere became a server error.
- A view's `BadRequestParameter` (from `cleannote.platform.request_params`) becomes the same
  400 with its message: the parameter and the rule, never the value (a search is a name).

The answer is text/plain, so nothing the client sent can become markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.utils.datastructures import MultiValueDict

from cleannote.apps.api.errors import error_response, is_api_path
from cleannote.platform.request_params import BadRequestParameter, bounded_message

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHOWABLE_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,60}")


def bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(
        bounded_message(message), content_type="text/plain; charset=utf-8"
    )


def _named(name: str) -> str:
    return f"'{name}'" if _SHOWABLE_NAME.fullmatch(name) else "(unnamed)"


def _first_bad(where: str, pairs: Iterable[tuple[str, str]]) -> str | None:
    for name, value in pairs:
        if CONTROL_CHARACTERS.search(name):
            return f"a {where} name holds a control character (such as NUL)"
        if CONTROL_CHARACTERS.search(value):
            return f"the {where} {_named(name)} holds a control character (such as NUL)"
    return None


def _pairs(data: QueryDict) -> Iterable[tuple[str, str]]:
    for name, values in data.lists():
        for value in values:
            yield name, value if isinstance(value, str) else ""


def _file_names(files: MultiValueDict) -> Iterable[tuple[str, str]]:  # type: ignore[type-arg]
    for name, uploads in files.lists():
        for upload in uploads:
            yield name, upload.name or ""


def control_character_problem(request: HttpRequest) -> str | None:
    """What is wrong with the request's parameters, or None."""
    problem = _first_bad("query parameter", _pairs(request.GET))
    if problem is None and request.method == "POST":
        problem = _first_bad("form field", _pairs(request.POST)) or _first_bad(
            "uploaded file", _file_names(request.FILES)
        )
    if problem is None:
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        if CONTROL_CHARACTERS.search(session_key):
            problem = "the session cookie holds a control character; sign in again"
    return problem


class RequestValidationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = control_character_problem(request)
        if problem is not None and is_api_path(request.path):
            return error_response(400, "control_character", f"Refused: {problem}.")
        if problem is not None:
            return bad_request(f"Refused: {problem}. Remove it and send again.")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, BadRequestParameter):
            return bad_request(f"Refused: {exception}.")
        return None
