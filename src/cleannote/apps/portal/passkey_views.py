"""The portal's passkey endpoints (ADR 0952), called by portal/passkeys.js with JSON: the
options of a ceremony (its challenge held in the portal session) and the device's answer.

Every answer is JSON: the options, `{"redirect": url}` when done, or `{"error": text}` with a
4xx status saying what went wrong in the patient's words (a cancelled or failed ceremony is
never a 500). Signing in is rate-limited as the other sign-in forms are: by client address,
and by the passkey offered as the password form limits by the address typed.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from webauthn.helpers import base64url_to_bytes

from cleannote.apps.organisations.access import client_ip
from cleannote.apps.portal.errors import PortalRefused
from cleannote.apps.portal.pages import RATES, Portal, portal_page, portal_public, too_many
from cleannote.apps.portal.passkey_actions import (
    NAME_LENGTH,
    PasskeyProblem,
    do_add_passkey,
    do_remove_passkey,
    do_sign_in_by_passkey,
    new_user_handle,
)
from cleannote.apps.portal.passkeys import (
    ADD,
    SIGN_IN,
    authentication_options,
    keep_challenge,
    registration_options,
    relying_party,
    take_challenge,
)
from cleannote.apps.portal.session import put_notice, start_portal_session

UNREADABLE = "The portal could not read what your browser sent. Reload the page and try again."


def _problem(text: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": text}, status=status)


def _body(request: HttpRequest) -> dict[str, Any] | None:
    """The request's JSON object, or None when it is not one (a form post among them)."""
    if request.content_type != "application/json":
        return None
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _credential(body: dict[str, Any] | None) -> dict[str, Any] | None:
    credential = body.get("credential") if body is not None else None
    return credential if isinstance(credential, dict) else None


def _offered_passkey(group: str, request: HttpRequest) -> str:
    """The rate limit's key for the passkey a sign-in offers (its credential id)."""
    credential = _credential(_body(request))
    return str(credential.get("id", ""))[:1400] if credential is not None else ""


@require_POST
@portal_public
def sign_in_options(request: HttpRequest) -> HttpResponse:
    """Begin a passkey sign-in: options naming no account (the passkey chosen names it)."""
    limited = too_many(request, "portal.passkey.options", RATES["ask"])
    if limited is not None:
        return limited
    options, challenge = authentication_options(relying_party(request))
    keep_challenge(request, SIGN_IN, challenge)
    return JsonResponse(options)


@require_POST
@portal_public
def sign_in(request: HttpRequest) -> HttpResponse:
    """Finish a passkey sign-in with the device's answer to the held challenge."""
    limited = too_many(request, "portal.passkey", RATES["ask"])
    if limited is None:
        limited = too_many(
            request, "portal.passkey.offered", RATES["per_address"], key=_offered_passkey
        )
    if limited is not None:
        return limited
    held = take_challenge(request, SIGN_IN)
    if held is None:
        return _problem(PasskeyProblem.STALE)
    credential = _credential(_body(request))
    if credential is None:
        return _problem(UNREADABLE)
    try:
        account = do_sign_in_by_passkey(
            credential,
            base64url_to_bytes(held["challenge"]),
            relying_party(request),
            client_ip(request),
        )
    except PortalRefused as refused:
        return _problem(refused.problem, 403 if refused.field == "account" else 400)
    start_portal_session(request, account.pk)
    return JsonResponse({"redirect": reverse("portal:home")})


def _name(body: dict[str, Any] | None) -> str:
    name = body.get("name") if body is not None else None
    return " ".join(name.split()) if isinstance(name, str) else ""


@require_POST
@portal_page
def add_options(request: HttpRequest) -> HttpResponse:
    """Begin adding a passkey: registration options for the signed-in account."""
    portal: Portal = request.portal  # type: ignore[attr-defined]
    name = _name(_body(request))
    if not name or len(name) > NAME_LENGTH:
        return _problem(PasskeyProblem.NAME)
    account = portal.account
    handle = account.passkey_user_handle or new_user_handle()
    options, challenge = registration_options(
        relying_party(request), account, base64url_to_bytes(handle), list(account.passkeys.all())
    )
    keep_challenge(request, ADD, challenge, handle=handle, account=str(account.pk))
    return JsonResponse(options)


@require_POST
@portal_page
def add(request: HttpRequest) -> HttpResponse:
    """Finish adding a passkey with the device's answer to the held challenge."""
    portal: Portal = request.portal  # type: ignore[attr-defined]
    held = take_challenge(request, ADD)
    if held is None or held.get("account") != str(portal.account.pk):
        return _problem(PasskeyProblem.STALE)
    body = _body(request)
    credential = _credential(body)
    if credential is None:
        return _problem(UNREADABLE)
    try:
        passkey = do_add_passkey(
            portal.actor,
            portal.account,
            name=_name(body),
            credential=credential,
            challenge=base64url_to_bytes(held["challenge"]),
            user_handle=held["handle"],
            rp=relying_party(request),
        )
    except PortalRefused as refused:
        return _problem(refused.problem)
    put_notice(
        request, f"Passkey “{passkey.name}” added. You can sign in with it from the sign-in page."
    )
    return JsonResponse({"redirect": reverse("portal:password")})


@require_POST
@portal_page
def remove(request: HttpRequest, passkey_id: int) -> HttpResponse:
    portal: Portal = request.portal  # type: ignore[attr-defined]
    try:
        do_remove_passkey(portal.actor, portal.account, passkey_id)
    except PortalRefused as refused:
        put_notice(request, refused.problem)
    else:
        put_notice(request, "The passkey is removed: it no longer signs you in.")
    return redirect("portal:password")
