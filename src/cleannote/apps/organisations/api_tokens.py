"""API tokens: made and revoked by the owner, and the one check every machine-facing face
calls (the JSON API under /api/v1/, the FHIR facade under /fhir/r4/; ADR 0900).

A token reads `cn_<key_id>_<secret>` and is sent as `Authorization: Bearer <token>`. The key id
finds the row; only the secret's SHA-256 is stored, compared in constant time. The secret is
random (256 bits), so a fast hash is enough: there is nothing to guess from a dictionary, and
every API call checks one.

`authenticate_api_request(request, scope)` answers with a `TokenAccess` (the organisation, the
scopes, the actor audit rows name) or raises `ApiRefused` with the status to answer: 401 for a
missing, malformed, unknown or revoked token, 403 for a scope the token lacks, 429 past the
token's rate (counted in the shared cache, ADR 0844, so every process counts together).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from cleannote.apps.audit.actions import Actor, do_record_access_event, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import client_ip
from cleannote.apps.organisations.models import ApiToken, Organisation

PREFIX = "cn_"
NAME_MAX = 80
# Requests per token per minute, e.g. "600/m" (django-ratelimit's notation).
DEFAULT_RATE = "600/m"
RETRY_AFTER_SECONDS = 60


class TokenScope(StrEnum):
    """What a token may do: read records, write through the actions, see money."""

    READ = "read"
    WRITE = "write"
    BILLING = "billing"


SCOPE_LABELS: dict[TokenScope, str] = {
    TokenScope.READ: "read: patients, cases, appointments, notes, measures, RTM days",
    TokenScope.WRITE: "write: book and cancel appointments, draft notes, import RTM days",
    TokenScope.BILLING: "billing: coverages, claims and payments",
}


class TokenRefused(ValueError):
    """A token the owner asked for that cannot be made as given; the message names the field."""


class ApiRefused(Exception):
    """A request the token check turns away: `status` 401, 403 or 429, a stable `code`, a
    message without PHI, and for 429 the seconds to wait."""

    def __init__(
        self, status: int, code: str, message: str, *, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class TokenAccess:
    """A request the token let in: whose it is, what it may do, who audit rows say acted."""

    token: ApiToken
    organisation: Organisation
    scopes: frozenset[TokenScope]
    actor: Actor


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _scopes(scopes: object) -> list[TokenScope]:
    try:
        chosen = {TokenScope(str(scope)) for scope in scopes}  # type: ignore[attr-defined]
    except ValueError as error:
        raise TokenRefused(f"scopes: {error}") from error
    if not chosen:
        raise TokenRefused("scopes: choose at least one of read, write, billing")
    return [scope for scope in TokenScope if scope in chosen]


@transaction.atomic
def do_create_api_token(
    actor: Actor, *, name: str, scopes: list[TokenScope] | list[str]
) -> tuple[ApiToken, str]:
    """A new token for the actor's organisation, and its full text, shown to the owner once."""
    if actor.user is None:
        raise TokenRefused("created by: a token is made by a signed-in owner")
    name = " ".join(name.split())
    if not name:
        raise TokenRefused("name: say what will use the token, e.g. the patient app")
    if len(name) > NAME_MAX:
        raise TokenRefused(f"name: at most {NAME_MAX} characters")
    chosen = _scopes(scopes)
    key_id = secrets.token_hex(4)
    while ApiToken.objects.filter(key_id=key_id).exists():
        key_id = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=actor.organisation,
        name=name,
        key_id=key_id,
        secret_hash=_digest(secret),
        scopes=",".join(chosen),
        created_by=actor.user,
    )
    do_record_audit_event(
        actor, AuditAction.CREATE, "api_token", token.pk, reason=f"scopes {token.scopes}"
    )
    return token, f"{PREFIX}{key_id}_{secret}"


@transaction.atomic
def do_revoke_api_token(actor: Actor, token: ApiToken) -> bool:
    """Revoke the token at once (its next call is a 401); False when it already was."""
    if token.organisation_id != actor.organisation.pk:
        raise TokenRefused(f"token {token.pk}: belongs to another organisation")
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor.user
    )
    if revoked:
        do_record_audit_event(actor, AuditAction.UPDATE, "api_token", token.pk, reason="revoked")
    token.refresh_from_db()
    return bool(revoked)


def tokens_of(organisation: Organisation) -> list[ApiToken]:
    """The organisation's tokens, newest first, revoked ones included."""
    return list(
        ApiToken.objects.filter(organisation=organisation).select_related(
            "created_by", "revoked_by"
        )
    )


def token_actor(token: ApiToken, request: HttpRequest) -> Actor:
    """Who audit rows name for a call with the token: no login, the token's key id."""
    return Actor(
        user=None,
        organisation=token.organisation,
        ip_address=client_ip(request),
        via=f"api token {token.key_id}",
    )


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    if kind.lower() != "bearer" or not value.strip():
        raise ApiRefused(
            401, "not_authenticated", "send an API token as 'Authorization: Bearer <token>'"
        )
    return value.strip()


def _token_of(text: str) -> ApiToken:
    key_id, _, secret = text.removeprefix(PREFIX).partition("_")
    token = None
    if text.startswith(PREFIX) and key_id and secret:
        token = ApiToken.objects.select_related("organisation").filter(key_id=key_id[:16]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(secret)):
        raise ApiRefused(401, "invalid_token", "the API token is not one this server issued")
    return token


def authenticate_api_request(request: HttpRequest, scope: TokenScope | None) -> TokenAccess:
    """The token the request carries, checked: live, within its rate, holding `scope` (None
    asks only for a live token). Raises ApiRefused (401, 403 or 429) otherwise."""
    token = _token_of(_bearer(request))
    actor = token_actor(token, request)
    if token.revoked_at is not None:
        _audit_refusal(actor, token, AuditAction.FORBIDDEN)
        raise ApiRefused(401, "token_revoked", "the API token was revoked")
    rate = getattr(settings, "CLEANNOTE_API_RATE", DEFAULT_RATE)
    if is_ratelimited(
        request,
        group="api-token",
        key=lambda _group, _request: token.key_id,
        rate=rate,
        increment=True,
    ):
        raise ApiRefused(
            429,
            "rate_limited",
            f"too many requests for this token (limit {rate}); wait and try again",
            retry_after=RETRY_AFTER_SECONDS,
        )
    scopes = frozenset(TokenScope(scope) for scope in token.scope_set)
    if scope is not None and scope not in scopes:
        _audit_refusal(actor, token, AuditAction.FORBIDDEN)
        raise ApiRefused(403, "scope_missing", f"the API token lacks the {scope} scope")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return TokenAccess(token=token, organisation=token.organisation, scopes=scopes, actor=actor)


def _audit_refusal(actor: Actor, token: ApiToken, action: AuditAction) -> None:
    do_record_access_event(
        actor.organisation,
        user=None,
        username=actor.username,
        ip_address=actor.ip_address,
        action=action,
        object_type="api_token",
        object_id=token.pk,
    )
