"""schemathesis against the JSON API (ADR 0901): examples generated from the committed OpenAPI
document, sent with a token holding every scope, answered with no server error and nothing the
document does not allow (status, content type, body, headers). Bounded: a few examples per
operation over a small clinic (one patient), so CI pays seconds, not minutes.

Not checked: that every schema-valid request is accepted. An id the schema allows may name no
record of the clinic (404, or 422 on the body field), and a visit may break a rule the format
states in words; those answers are in the document, as the error shape."""

import json
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.models import Role
from tests.apps.api.conftest import make_token
from tests.personas import VALID_NPIS, _organisation, _patient, _staff

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"
EXAMPLES_PER_OPERATION = 3
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_dict(json.loads(COMMITTED.read_text(encoding="utf-8")))
schema.app = get_wsgi_application()


@pytest.fixture
def _connection_kept():
    """Django's test client keeps the test's database connection across a request; a request
    through the WSGI handler closes it when it finishes (on PostgreSQL, the open test
    transaction with it). Hold it open as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, settings, _connection_kept):
    settings.CLEANNOTE_API_RATE = "100000/m"
    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    organisation, _ = _organisation("Riverside", VALID_NPIS[0])
    owner = _staff(organisation, "olive", Role.OWNER, "PT", VALID_NPIS[1])
    _patient(Actor(user=owner.user, organisation=organisation), "Pat", "Example")
    return make_token(owner, "read", "write", "billing")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
