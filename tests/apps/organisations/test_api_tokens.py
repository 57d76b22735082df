"""API tokens (ADR 0900): the owner makes and revokes them on a settings page, the secret is
shown once and kept only as a hash, and `authenticate_api_request` answers 401 / 403 / 429."""

import pytest
from django.test import RequestFactory

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.organisations.api_tokens import (
    ApiRefused,
    TokenRefused,
    TokenScope,
    authenticate_api_request,
    do_create_api_token,
    do_revoke_api_token,
)
from cleannote.apps.organisations.models import ApiToken

pytestmark = pytest.mark.django_db


def _owner_actor(clinic):
    return Actor(user=clinic.owner.user, organisation=clinic.organisation, ip_address="10.0.0.1")


def _request(token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return RequestFactory().get("/api/v1/patients", REMOTE_ADDR="10.9.9.9", **headers)


def test_owner_makes_a_token_from_settings_and_sees_it_once(clinic, login):
    # given the owner on the settings list
    client = login(clinic.owner)
    assert "/settings/api-tokens/" in client.get("/settings/").content.decode()
    # when they make a token
    response = client.post(
        "/settings/api-tokens/", {"name": "Patient app", "scopes": ["read", "write"]}
    )
    # then its full text is on that answer only, and only its hash is stored
    assert response.status_code == 200
    token = ApiToken.objects.get(organisation=clinic.organisation)
    text = response.context["text"]
    assert text.startswith(f"cn_{token.key_id}_")
    assert text.split("_", 2)[2] not in token.secret_hash
    assert token.scopes == "read,write"
    assert token.created_by == clinic.owner.user
    page = client.get("/settings/api-tokens/").content.decode()
    assert "Patient app" in page
    assert text not in page
    assert AuditEvent.objects.filter(object_type="api_token", action="create").count() == 1


def test_only_the_owner_reaches_the_tokens_page(clinic, login):
    assert login(clinic.biller).get("/settings/api-tokens/").status_code == 403
    assert "/settings/api-tokens/" not in login(clinic.biller).get("/settings/").content.decode()


def test_a_token_needs_a_name_and_a_scope(clinic, login):
    client = login(clinic.owner)
    assert client.post("/settings/api-tokens/", {"name": "x"}).status_code == 400
    with pytest.raises(TokenRefused, match="name"):
        do_create_api_token(_owner_actor(clinic), name="  ", scopes=["read"])
    with pytest.raises(TokenRefused, match="scopes"):
        do_create_api_token(_owner_actor(clinic), name="x", scopes=["admin"])
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_and_its_next_call_is_401(clinic, login):
    # given a live token that authenticates
    token, text = do_create_api_token(_owner_actor(clinic), name="Warehouse", scopes=["read"])
    access = authenticate_api_request(_request(text), TokenScope.READ)
    assert access.organisation == clinic.organisation
    assert access.scopes == frozenset({TokenScope.READ})
    assert access.actor.username == f"api token {token.key_id}"
    token.refresh_from_db()
    assert token.last_used_at is not None
    # when the owner revokes it on the page
    response = login(clinic.owner).post(f"/settings/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    # then it is refused with 401, and the refusal is audited on the clinic's chain
    with pytest.raises(ApiRefused) as refused:
        authenticate_api_request(_request(text), TokenScope.READ)
    assert (refused.value.status, refused.value.code) == (401, "token_revoked")
    token.refresh_from_db()
    assert token.revoked_by == clinic.owner.user
    assert AuditEvent.objects.filter(
        organisation=clinic.organisation, object_type="api_token", action="forbidden"
    ).exists()
    assert do_revoke_api_token(_owner_actor(clinic), token) is False


def test_another_organisations_token_cannot_be_revoked_here(clinic, other_clinic, login):
    actor = Actor(user=other_clinic.therapist.user, organisation=other_clinic.organisation)
    token, _ = do_create_api_token(actor, name="Theirs", scopes=["read"])
    assert login(clinic.owner).post(f"/settings/api-tokens/{token.pk}/revoke/").status_code == 404
    with pytest.raises(TokenRefused):
        do_revoke_api_token(_owner_actor(clinic), token)


@pytest.mark.parametrize(
    ("header", "code"),
    [
        pytest.param(None, "not_authenticated", id="missing"),
        pytest.param("cn_nothere_secret", "invalid_token", id="unknown"),
        pytest.param("garbage", "invalid_token", id="malformed"),
    ],
)
def test_missing_or_invalid_tokens_are_401(clinic, header, code):
    with pytest.raises(ApiRefused) as refused:
        authenticate_api_request(_request(header), TokenScope.READ)
    assert (refused.value.status, refused.value.code) == (401, code)


def test_a_wrong_secret_is_401(clinic):
    _, text = do_create_api_token(_owner_actor(clinic), name="App", scopes=["read"])
    with pytest.raises(ApiRefused) as refused:
        authenticate_api_request(_request(text[:-2] + "xx"), TokenScope.READ)
    assert refused.value.status == 401


def test_a_missing_scope_is_403(clinic):
    _, text = do_create_api_token(_owner_actor(clinic), name="App", scopes=["read"])
    with pytest.raises(ApiRefused) as refused:
        authenticate_api_request(_request(text), TokenScope.BILLING)
    assert (refused.value.status, refused.value.code) == (403, "scope_missing")


def test_past_the_rate_a_token_is_429_with_retry_after(clinic, settings):
    settings.CLEANNOTE_API_RATE = "2/m"
    _, text = do_create_api_token(_owner_actor(clinic), name="App", scopes=["read"])
    authenticate_api_request(_request(text), TokenScope.READ)
    authenticate_api_request(_request(text), TokenScope.READ)
    with pytest.raises(ApiRefused) as refused:
        authenticate_api_request(_request(text), TokenScope.READ)
    assert refused.value.status == 429
    assert refused.value.retry_after == 60
