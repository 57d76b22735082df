"""The committed OpenAPI document (docs/openapi.json) is the API the code serves (ADR 0901):
a change to an endpoint or a schema fails here until the document is written again."""

import json
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"
REGENERATE = (
    "CLEANNOTE_DEBUG=1 .venv/bin/python manage.py export_openapi_schema "
    "--api cleannote.apps.api.api.api --indent 2 --sorted --output docs/openapi.json"
)


def test_the_served_schema_is_the_committed_one():
    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert served.json() == committed, (
        f"/api/v1/openapi.json differs from docs/openapi.json; regenerate it with: {REGENERATE}"
    )


def test_every_operation_declares_the_error_shape_and_a_token():
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for path, operations in committed["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security") == [{"TokenAuth": []}], (method, path)
            for status in ("401", "403", "404", "429"):
                body = operation["responses"][status]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
