"""The API's door (ADRs 0900, 0901): no token 401, revoked 401, a missing scope 403, another
organisation's record 404, the rate 429; every refusal in one JSON shape, never HTML."""

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.api_tokens import do_revoke_api_token
from cleannote.apps.organisations.models import ApiToken
from tests.apps.api.conftest import api_client, make_token

pytestmark = pytest.mark.django_db


def _error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code
    return body["error"]


def test_no_token_is_401(clinic):
    response = api_client(None).get("/api/v1/patients")
    _error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(clinic):
    token = make_token(clinic.owner, "read")
    row = ApiToken.objects.get()
    do_revoke_api_token(Actor(user=clinic.owner.user, organisation=clinic.organisation), row)
    _error(api_client(token).get("/api/v1/patients"), 401, "token_revoked")


def test_a_scope_the_token_lacks_is_403(clinic, api):
    reader = api("read")
    _error(reader.get("/api/v1/coverages"), 403, "scope_missing")
    _error(reader.get("/api/v1/claims"), 403, "scope_missing")
    _error(reader.post("/api/v1/appointments", {}, content_type="application/json"), 403,
           "scope_missing")  # fmt: skip


def test_another_organisations_records_are_404_and_never_listed(clinic, other_clinic, api):
    client = api()
    for path in (
        f"/api/v1/patients/{other_clinic.patient.pk}",
        f"/api/v1/notes/{other_clinic.note.pk}",
        f"/api/v1/cases/{other_clinic.note.case_id}",
    ):
        _error(client.get(path), 404, "not_found")
    listed = client.get("/api/v1/patients").json()
    assert [row["id"] for row in listed["items"]] == [clinic.patient.pk]
    # and the other clinic's token sees its own patient only
    theirs = api_client(make_token_for(other_clinic)).get("/api/v1/patients").json()
    assert [row["id"] for row in theirs["items"]] == [other_clinic.patient.pk]


def make_token_for(other_clinic):
    from cleannote.apps.organisations.actions import do_create_staff
    from cleannote.apps.organisations.models import Role

    owner = do_create_staff(
        other_clinic.organisation, username="harriet", password="x" * 12, first_name="H",
        last_name="Owner", role=Role.OWNER,
    )  # fmt: skip
    return make_token(owner, "read")


def test_past_the_rate_is_429_with_retry_after(clinic, api, settings):
    settings.CLEANNOTE_API_RATE = "1/m"
    client = api("read")
    assert client.get("/api/v1/cases").status_code == 200
    response = client.get("/api/v1/cases")
    _error(response, 429, "rate_limited")
    assert response["Retry-After"] == "60"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field"),
    [
        pytest.param("get", "/api/v1/nowhere", None, 404, "not_found", None, id="unknown-path"),
        pytest.param("get", "/api/nothing", None, 404, "not_found", None, id="outside-v1"),
        pytest.param("get", "/api/v1/patients?limit=0", None, 422, "invalid", "limit",
                     id="query-out-of-range"),
        pytest.param("get", "/api/v1/patients/0", None, 422, "invalid", "patient_id",
                     id="path-out-of-range"),
        pytest.param("get", "/api/v1/patients?q=%00", None, 400, "control_character", None,
                     id="nul-in-query"),
        pytest.param("post", "/api/v1/appointments", "{not json", 400, "malformed_request", None,
                     id="malformed-json"),
        pytest.param("post", "/api/v1/appointments/1/cancel", '{"reason": "bored"}', 422,
                     "invalid", "reason", id="bad-choice"),
        pytest.param("post", "/api/v1/notes", '{"case_id": 1, "therapist_id": 1}', 422,
                     "invalid", "location_id", id="missing-field"),
    ],
)  # fmt: skip
def test_every_error_has_one_shape(clinic, api, method, path, body, status, code, field):
    client = api()
    if method == "get":
        response = client.get(path)
    else:
        response = client.post(path, body, content_type="application/json")
    error = _error(response, status, code)
    assert error["field"] == field
