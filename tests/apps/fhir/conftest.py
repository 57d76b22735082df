"""FHIR facade tests: the claims app's billing fixture, and real API tokens (ADR 0900) made by
each clinic's owner: `tokens` maps a name to the Authorization header's token."""

from __future__ import annotations

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.api_tokens import do_create_api_token
from cleannote.apps.organisations.models import Role
from tests.apps.claims.conftest import billing  # noqa: F401 (a fixture)
from tests.personas import _staff


@pytest.fixture
def tokens(clinic, other_clinic) -> dict[str, str]:
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    harbor_owner = _staff(other_clinic.organisation, "hana", Role.OWNER)
    harbor = Actor(user=harbor_owner.user, organisation=other_clinic.organisation)
    return {
        "riverside-read": do_create_api_token(owner, name="patient app", scopes=["read"])[1],
        "riverside-write": do_create_api_token(owner, name="monitor", scopes=["write"])[1],
        "harbor-read": do_create_api_token(harbor, name="warehouse", scopes=["read"])[1],
    }


def validate(resource: dict) -> None:
    """Raises unless the resource validates against fhir.resources' R4B model (ADR 0910)."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def call(client, tokens):
    """GET a FHIR URL with one of the `tokens` (None: no Authorization header)."""

    def get(url: str, token: str | None = "riverside-read", **headers: str):
        return client.get(url, **(bearer(tokens[token]) if token else {}), **headers)

    return get
