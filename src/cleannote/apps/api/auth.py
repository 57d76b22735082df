"""The token check as django-ninja's auth: `TokenAuth(scope)` on a router or an operation runs
`organisations.api_tokens.authenticate_api_request` (ADR 0900); `request.auth` is then the
`TokenAccess`. A refusal is raised, and the API's handler answers it in the error shape."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from cleannote.apps.organisations.api_tokens import (
    TokenAccess,
    TokenScope,
    authenticate_api_request,
)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cn_<key>_<secret>`, holding `scope`."""

    def __init__(self, scope: TokenScope) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> TokenAccess:
        return authenticate_api_request(request, self.scope)

    def authenticate(self, request: HttpRequest, token: str) -> TokenAccess:
        return authenticate_api_request(request, self.scope)


READ = TokenAuth(TokenScope.READ)
WRITE = TokenAuth(TokenScope.WRITE)
BILLING = TokenAuth(TokenScope.BILLING)


def access_of(request: HttpRequest) -> TokenAccess:
    return request.auth  # type: ignore[attr-defined,no-any-return]
