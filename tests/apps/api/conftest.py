"""Tokens and a client that sends one, for the JSON API's tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.api_tokens import do_create_api_token
from cleannote.apps.organisations.models import Staff
from tests.apps.claims.conftest import billing  # noqa: F401  (a fixture, found by name)


def make_token(owner: Staff, *scopes: str) -> str:
    actor = Actor(user=owner.user, organisation=owner.organisation)
    _, text = do_create_api_token(actor, name="Test system", scopes=list(scopes))
    return text


def api_client(token: str | None) -> Client:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client(REMOTE_ADDR="10.7.7.7", **headers)


@pytest.fixture
def api(clinic) -> Callable[..., Client]:
    """A client holding a new token of the clinic with the scopes named (default: all)."""

    def make(*scopes: str) -> Client:
        return api_client(make_token(clinic.owner, *(scopes or ("read", "write", "billing"))))

    return make
