"""The owner's API tokens page (`/settings/api-tokens/`, ADR 0900): the tokens with their
scopes and when each was made, last used and revoked; a form that makes one; a revoke button.

The token's full text is shown once, in the answer to the POST that made it: never in a
message, a redirect, the audit log or a log line.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.api_tokens import (
    NAME_MAX,
    SCOPE_LABELS,
    TokenRefused,
    TokenScope,
    do_create_api_token,
    do_revoke_api_token,
    tokens_of,
)
from cleannote.apps.organisations.models import ApiToken
from cleannote.apps.organisations.roles import Capability


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX,
        help_text="What will use it, so you know which to revoke.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. the patient app"}),
    )
    scopes = forms.MultipleChoiceField(
        choices=[(scope.value, SCOPE_LABELS[scope]) for scope in TokenScope],
        widget=forms.CheckboxSelectMultiple,
        initial=[TokenScope.READ.value],
    )


def _page(request: HttpRequest, form: ApiTokenForm, status: int = 200) -> HttpResponse:
    tokens = tokens_of(request.staff.organisation)  # type: ignore[attr-defined]
    return render(
        request, "organisations/api_tokens.html", {"tokens": tokens, "form": form}, status=status
    )


@staff_view(Capability.MANAGE_API_TOKENS)
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        token, text = do_create_api_token(
            actor_of(request), name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"]
        )
    except TokenRefused as refusal:
        form.add_error(None, str(refusal))
        return _page(request, form, status=400)
    return render(request, "organisations/api_token_issued.html", {"token": token, "text": text})


@staff_view(Capability.MANAGE_API_TOKENS)
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    token = ApiToken.objects.filter(organisation=organisation, pk=token_id).first()
    if token is None:
        raise Http404("no such token")
    if do_revoke_api_token(actor_of(request), token):
        messages.success(request, f"Token “{token.name}” revoked; its next call is refused.")
    else:
        messages.info(request, f"Token “{token.name}” was already revoked.")
    return redirect("organisations:api_tokens")
