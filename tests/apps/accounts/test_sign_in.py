"""Sign-in lockout (django-axes), audited sign-ins, the idle timeout, CSRF and the headers."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cleannote.apps.accounts.middleware import LAST_SEEN_KEY
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.audit.selectors import verify_chain
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_argon2_is_the_first_password_hasher():
    # The test suite swaps in a fast hasher; the settings module itself must lead with Argon2.
    from cleannote.web import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_correct_password_signs_in_and_goes_home(clinic):
    response = _sign_in(Client(), "theo", PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"


def _client(address: str = "10.9.9.1") -> Client:
    return Client(REMOTE_ADDR=address)


def test_five_failures_lock_the_account_from_that_address_even_for_the_right_password(clinic):
    # given four failures
    client = _client()
    for _ in range(4):
        response = _sign_in(client, "theo", "wrong")
        assert response.status_code == 200
        assert b"do not match" in response.content
    # when the fifth fails
    response = _sign_in(client, "theo", "wrong")
    # then the account is locked from that address, and the right password is refused too
    assert response.status_code == 429
    assert b"Try again in 15 minutes" in response.content
    response = _sign_in(_client(), "THEO", PASSWORD)
    assert response.status_code == 429
    assert b"for this account from this computer" in response.content
    assert "_auth_user_id" not in _client().session


def test_nobody_can_lock_someone_else_out_from_another_address(clinic):
    # given someone elsewhere locks theo's account from their own address
    for _ in range(5):
        response = _sign_in(_client("203.0.113.7"), "theo", "wrong")
    assert response.status_code == 429
    # then theo, at the clinic, still signs in
    assert _sign_in(_client("10.9.9.1"), "theo", PASSWORD).status_code == 302


def test_a_spray_of_usernames_from_one_address_is_slowed(clinic):
    # given 20 failures from one address, each for a different username
    for n in range(20):
        response = _sign_in(_client("198.51.100.4"), f"user{n}", "wrong")
    assert response.status_code == 429
    assert b"network address" in response.content
    # then that address is refused even for a real account and its right password...
    assert _sign_in(_client("198.51.100.4"), "theo", PASSWORD).status_code == 429
    # ...while other addresses are not
    assert _sign_in(_client("10.9.9.1"), "theo", PASSWORD).status_code == 302


def test_nineteen_failures_from_a_clinic_address_lock_nobody_else(clinic):
    for n in range(19):
        _sign_in(_client(), f"typo{n % 4}", "wrong")
    assert _sign_in(_client(), "theo", PASSWORD).status_code == 302


def test_lock_ends_after_fifteen_minutes(clinic):
    client = _client()
    for _ in range(5):
        _sign_in(client, "theo", "wrong")
    attempt = AccessAttempt.objects.get(username="theo")
    # a refused try during the lock does not restart it
    assert _sign_in(client, "theo", PASSWORD).status_code == 429
    assert AccessAttempt.objects.get(pk=attempt.pk).attempt_time == attempt.attempt_time
    # when the lock's time has passed (moved back instead of waiting)
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=15, seconds=1)
    )
    # then the right password works and clears the count
    assert _sign_in(client, "theo", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="theo").exists()


def test_success_resets_the_failure_count(clinic):
    client = _client()
    for _ in range(4):
        _sign_in(client, "theo", "wrong")
    assert _sign_in(client, "theo", PASSWORD).status_code == 302
    for _ in range(4):
        assert _sign_in(_client(), "theo", "wrong").status_code == 200


def test_a_good_password_does_not_wipe_the_address_count(clinic):
    # given an address that sprayed 19 usernames
    for n in range(19):
        _sign_in(_client("198.51.100.4"), f"user{n}", "wrong")
    # when the sprayer signs in with an account of their own
    assert _sign_in(_client("198.51.100.4"), "theo", PASSWORD).status_code == 302
    # then the next failure from that address still locks it
    assert _sign_in(_client("198.51.100.4"), "user99", "wrong").status_code == 429


def test_unknown_usernames_are_throttled_the_same_way(db):
    for _ in range(5):
        response = _sign_in(_client(), "nobody", "wrong")
    assert response.status_code == 429


def test_no_password_is_stored_by_the_lockout(clinic):
    _sign_in(_client(), "theo", "hunter2-secret")
    attempt = AccessAttempt.objects.get(username="theo")
    assert "hunter2" not in attempt.post_data
    assert "hunter2" not in str(AuditEvent.objects.values_list())


@pytest.mark.parametrize(
    ("username", "password", "actions"),
    [
        pytest.param("theo", PASSWORD, ["sign_in"], id="sign-in"),
        pytest.param("theo", "wrong", ["sign_in_failed"], id="failed-sign-in"),
    ],
)
def test_sign_in_tries_are_audited_in_the_accounts_organisation(
    clinic, username, password, actions
):
    before = AuditEvent.objects.filter(organisation=clinic.organisation).count()
    _sign_in(_client("10.9.9.1"), username, password)
    events = list(
        AuditEvent.objects.filter(organisation=clinic.organisation).order_by("pk")[before:]
    )
    assert [e.action for e in events] == actions
    assert [(e.actor_username, e.actor_id, e.ip_address) for e in events] == [
        ("theo", clinic.therapist.user.pk, "10.9.9.1")
    ]


def test_lockout_is_audited_with_the_failure_that_caused_it_and_each_refused_try(clinic):
    client = _client()
    for _ in range(5):
        _sign_in(client, "theo", "wrong")
    _sign_in(client, "theo", PASSWORD)
    actions = list(
        AuditEvent.objects.filter(organisation=clinic.organisation, actor_username="theo")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-7:] == ["sign_in_failed"] * 5 + ["locked_out", "locked_out"]


def test_unknown_usernames_go_to_the_site_chain(db):
    _sign_in(_client(), "nobody", "wrong")
    event = AuditEvent.objects.get(organisation__isnull=True)
    assert (event.action, event.actor_username, event.actor_id) == (
        "sign_in_failed",
        "nobody",
        None,
    )
    assert verify_chain(None) is None


def test_sign_out_is_audited(clinic, login):
    client = login(clinic.therapist)
    client.post("/accounts/logout/")
    event = AuditEvent.objects.filter(organisation=clinic.organisation).last()
    assert (event.action, event.object_type, event.actor_username) == (
        "sign_out",
        "session",
        "theo",
    )


def test_idle_timeout_setting_drives_cookie_age():
    assert settings.CLEANNOTE_IDLE_TIMEOUT_MINUTES == 15
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.parametrize(
    ("idle_minutes", "signed_in"),
    [pytest.param(14, True, id="14-minutes-idle"), pytest.param(16, False, id="16-minutes-idle")],
)
def test_idle_session_ends(clinic, login, idle_minutes, signed_in):
    # given a signed-in user whose last request was some minutes ago
    client = login(clinic.therapist)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = (timezone.now() - dt.timedelta(minutes=idle_minutes)).isoformat()
    session.save()
    # when they come back
    response = client.get("/patients/")
    # then a short pause is fine and a long one signs them out
    if signed_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
        assert client.get("/").status_code == 302
        event = AuditEvent.objects.filter(organisation=clinic.organisation).last()
        assert (event.action, event.object_type) == ("sign_out", "session_idle")


def test_csrf_is_enforced_on_sign_in(clinic):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "theo", "password": PASSWORD})
    assert response.status_code == 403


def test_logout_needs_post(clinic, login):
    client = login(clinic.therapist)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_pages_carry_security_headers(clinic, login):
    response = login(clinic.therapist).get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_anonymous_users_are_sent_to_sign_in(db):
    response = Client().get("/patients/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/patients/"
