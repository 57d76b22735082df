"""What every chart edit screen does with a posted form: run the action, put its refusal next to
the field it names, or say what was saved and go back (PRG). Shared by `chart_views` and
`clinical_views` (issue 10)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict

from cleannote.apps.patients.chart_actions import ChartChangeRefused

T = TypeVar("T")


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data on a POST; None on a GET (the form starts unbound)."""
    return request.POST if request.method == "POST" else None


def refused(form: BaseForm, error: ChartChangeRefused | ValidationError) -> None:
    """Put an action's refusal next to the field it names (the form's top when it has none)."""
    if isinstance(error, ChartChangeRefused):
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def save_or_refuse(
    request: HttpRequest,
    form: BaseForm,
    change: Callable[[], T],
    *,
    said: str | Callable[[T], str],
    then: HttpResponse | Callable[[T], HttpResponse],
    catching: tuple[type[Exception], ...] = (ChartChangeRefused, ValidationError),
) -> HttpResponse | None:
    """Run `change`; on a refusal put it on the form and return None (the caller shows the form
    again), else flash `said` and return `then` (both may be worked out from the change's
    result, after it ran)."""
    try:
        result = change()
    except catching as error:
        refused(form, error)  # type: ignore[arg-type]
        return None
    messages.success(request, said(result) if callable(said) else said)
    return then(result) if callable(then) else then
