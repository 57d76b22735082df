"""What every chart edit screen does: a GET draws the form; a POST validates it, runs the
screen's `do_*` action, puts the action's refusal next to the field it names (the form drawn
again, never a 500), or says what was saved and goes back (PRG). `edit_screen` is the whole
answer of one screen; `chart_views` and `clinical_views` only say which form, which action and
where to go (issue 10)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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


def refused(
    form: BaseForm,
    error: ChartChangeRefused | ValidationError,
    renamed: Mapping[str, str] | None = None,
) -> None:
    """Put an action's refusal next to the field it names (the form's top when it has none);
    `renamed` maps a model field the action names to the form field that holds it."""
    if isinstance(error, ChartChangeRefused):
        field = (renamed or {}).get(error.field, error.field)
        form.add_error(field if field in form.fields else None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def edit_screen(
    request: HttpRequest,
    form: BaseForm,
    change: Callable[[], T],
    *,
    said: str | Callable[[T], str],
    then: HttpResponse | Callable[[T], HttpResponse],
    page: Callable[[], HttpResponse],
    also: Iterable[BaseForm] = (),
    catching: tuple[type[Exception], ...] = (ChartChangeRefused, ValidationError),
    renamed: Mapping[str, str] | None = None,
) -> HttpResponse:
    """One edit screen's answer. On a POST whose form and the forms in `also` (a referral's code
    groups, a plan's goals) are all valid, run `change` (the `do_*` action, with the reason the
    person typed) and go to `then` with `said` flashed. Otherwise, or when the action refuses
    (`catching`; the refusal is put on the form), draw `page()`: fresh on a GET, with the errors
    on a POST. `page` is called only then, so it sees the errors."""
    if request.method == "POST" and all([form.is_valid(), *[f.is_valid() for f in also]]):
        try:
            result = change()
        except catching as error:
            refused(form, error, renamed)  # type: ignore[arg-type]
        else:
            messages.success(request, said(result) if callable(said) else said)
            return then(result) if callable(then) else then
    return page()
