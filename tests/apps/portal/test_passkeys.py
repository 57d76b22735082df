"""Passkeys in the patient portal (ADR 0952): added from the password and passkeys page, used
on the sign-in page, removed; every answer checked by py_webauthn against a real key (the
Python authenticator in authenticator.py), so each refusal below is the library's or ours,
never a mock's."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from cleannote.apps.audit.models import AuditAction, AuditEvent
from cleannote.apps.portal.actions import do_invite_to_portal, portal_actor
from cleannote.apps.portal.cleanup import do_remove_spent_sign_ins
from cleannote.apps.portal.errors import PortalRefused
from cleannote.apps.portal.models import PortalAccount, PortalPasskey
from cleannote.apps.portal.passkey_actions import (
    PasskeyProblem,
    do_remove_passkey,
    do_sign_in_by_passkey,
)
from cleannote.apps.portal.passkeys import RelyingParty, relying_party
from tests.apps.portal.authenticator import SoftAuthenticator, b64
from tests.apps.portal.conftest import signed_in_client

RP = RelyingParty("testserver", "http://testserver")
CHALLENGE = b"c" * 32


def post_json(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def add_passkey(client: Client, device: SoftAuthenticator, name: str = "My phone", **kw: Any):
    options = post_json(client, "/portal/passkeys/options/", {"name": name})
    assert options.status_code == 200, options.content[:300]
    credential = device.register(options.json(), **kw)
    return post_json(client, "/portal/passkeys/add/", {"name": name, "credential": credential})


def sign_in_options(client: Client) -> str:
    options = post_json(client, "/portal/sign-in/passkey/options/", {})
    assert options.status_code == 200, options.content[:300]
    return str(options.json()["challenge"])


def passkey_sign_in(client: Client, device: SoftAuthenticator, **kw: Any):
    challenge = sign_in_options(client)
    credential = device.sign_in(challenge, **kw)
    return post_json(client, "/portal/sign-in/passkey/", {"credential": credential})


@pytest.fixture
def parent(family) -> tuple[PortalAccount, Client]:
    account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    return account, signed_in_client(secret)


@pytest.fixture
def stranger(family) -> tuple[PortalAccount, Client]:
    account, secret = do_invite_to_portal(family.actor, family.stranger, channel="email")
    return account, signed_in_client(secret)


def test_a_patient_adds_a_passkey_and_signs_in_with_it(parent):
    account, browser = parent
    device = SoftAuthenticator()

    added = add_passkey(browser, device, name="  Kitchen   iPad ")
    page = browser.get("/portal/password/").content.decode()

    assert added.status_code == 200, added.content
    assert added.json() == {"redirect": "/portal/password/"}
    passkey = PortalPasskey.objects.get(account=account)
    assert (passkey.name, passkey.transports, passkey.last_used_at) == (
        "Kitchen iPad",
        ["internal"],
        None,
    )
    assert passkey.credential_id == b64(device.credential_id)
    assert "Passkey “Kitchen iPad” added" in page
    assert "not used yet" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="portal_passkey", object_id=str(passkey.pk)
    ).exists()

    browser.post("/portal/sign-out/")
    signed_in = passkey_sign_in(browser, device)

    assert signed_in.status_code == 200, signed_in.content
    assert signed_in.json() == {"redirect": "/portal/"}
    assert "Hello, Paula" in browser.get("/portal/").content.decode()
    passkey.refresh_from_db()
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None
    assert "last used" in browser.get("/portal/password/").content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.SIGN_IN, object_id=str(account.pk), reason="by a passkey"
    ).exists()


def test_the_same_handle_for_every_passkey_of_an_account(parent):
    account, browser = parent
    phone, laptop = SoftAuthenticator(), SoftAuthenticator()
    add_passkey(browser, phone, name="Phone")
    options = post_json(browser, "/portal/passkeys/options/", {"name": "Laptop"}).json()

    assert options["user"]["id"] == PortalAccount.objects.get(pk=account.pk).passkey_user_handle
    assert [c["id"] for c in options["excludeCredentials"]] == [
        PortalPasskey.objects.get().credential_id
    ]
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    credential = laptop.register(options)
    post_json(browser, "/portal/passkeys/add/", {"name": "Laptop", "credential": credential})
    assert PortalPasskey.objects.filter(account=account).count() == 2
    assert phone.user_handle == laptop.user_handle


def test_a_sign_in_answer_to_another_challenge_is_refused_and_audited(parent):
    account, browser = parent
    device = SoftAuthenticator()
    add_passkey(browser, device)
    passkey = PortalPasskey.objects.get()

    with pytest.raises(PortalRefused, match="could not be checked"):
        do_sign_in_by_passkey(device.sign_in("d" * 43), CHALLENGE, RP, "10.1.1.1")

    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert failed.object_id == str(account.pk)
    assert f"passkey {passkey.pk}" in failed.reason
    assert "challenge" in failed.reason
    assert PortalPasskey.objects.get().last_used_at is None


def test_a_challenge_works_once(parent):
    _account, browser = parent
    device = SoftAuthenticator()
    add_passkey(browser, device)
    browser.post("/portal/sign-out/")
    challenge = sign_in_options(browser)

    wrong = post_json(
        browser,
        "/portal/sign-in/passkey/",
        {"credential": device.sign_in(challenge, origin="http://evil.example")},
    )
    again = post_json(
        browser, "/portal/sign-in/passkey/", {"credential": device.sign_in(challenge)}
    )

    assert wrong.status_code == 400
    assert again.status_code == 400
    assert again.json() == {"error": PasskeyProblem.STALE}
    assert "Hello" not in browser.get("/portal/").content.decode()


def test_an_old_challenge_is_refused(parent, monkeypatch):
    _account, browser = parent
    device = SoftAuthenticator()
    add_passkey(browser, device)
    browser.post("/portal/sign-out/")
    challenge = sign_in_options(browser)
    later = timezone.now() + dt.timedelta(minutes=6)
    monkeypatch.setattr(timezone, "now", lambda: later)

    late = post_json(browser, "/portal/sign-in/passkey/", {"credential": device.sign_in(challenge)})

    assert late.status_code == 400
    assert late.json() == {"error": PasskeyProblem.STALE}


def test_an_add_challenge_does_not_sign_in(parent):
    _account, browser = parent
    device = SoftAuthenticator()
    add_passkey(browser, device)
    options = post_json(browser, "/portal/passkeys/options/", {"name": "Other"}).json()
    browser.post("/portal/sign-out/")

    answer = post_json(
        browser, "/portal/sign-in/passkey/", {"credential": device.sign_in(options["challenge"])}
    )

    assert answer.status_code == 400
    assert answer.json() == {"error": PasskeyProblem.STALE}


def test_an_unknown_passkey_signs_nobody_in(family):
    anonymous = Client(REMOTE_ADDR="10.9.8.7")
    device = SoftAuthenticator(user_handle=b"h" * 32)

    answer = passkey_sign_in(anonymous, device)

    assert answer.status_code == 400
    assert answer.json() == {"error": PasskeyProblem.UNKNOWN}
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN).exists()


def test_another_patients_passkey_cannot_sign_in_as_this_one(parent, stranger):
    parent_account, parent_browser = parent
    stranger_account, stranger_browser = stranger
    mine, theirs = SoftAuthenticator(), SoftAuthenticator()
    add_passkey(parent_browser, mine)
    add_passkey(stranger_browser, theirs)

    # the stranger's passkey, its answer claiming the parent's user handle
    with pytest.raises(PortalRefused):
        do_sign_in_by_passkey(
            theirs.sign_in("Y2hhbGxlbmdl", user_handle=mine.user_handle), CHALLENGE, RP, None
        )
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert failed.object_id == str(stranger_account.pk)
    assert "another account" in failed.reason
    # and the parent's own passkey signs in the parent only
    anonymous = Client()
    assert passkey_sign_in(anonymous, mine).status_code == 200
    assert "Hello, Paula" in anonymous.get("/portal/").content.decode()
    assert parent_account.pk != stranger_account.pk


def test_a_passkey_on_another_account_is_not_added_again(parent, stranger):
    _account, parent_browser = parent
    stranger_account, stranger_browser = stranger
    device = SoftAuthenticator()
    add_passkey(parent_browser, device)

    again = add_passkey(stranger_browser, device)

    assert again.status_code == 400
    assert again.json() == {"error": PasskeyProblem.ALREADY}
    assert not PortalPasskey.objects.filter(account=stranger_account).exists()


def test_a_signature_counter_that_goes_back_is_refused(parent):
    _account, browser = parent
    device = SoftAuthenticator()
    add_passkey(browser, device)
    browser.post("/portal/sign-out/")
    assert passkey_sign_in(Client(), device, count=7).status_code == 200

    replayed = passkey_sign_in(Client(), device, count=5)

    assert replayed.status_code == 400
    assert replayed.json() == {"error": PasskeyProblem.REFUSED}
    assert PortalPasskey.objects.get().sign_count == 7
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert "sign count" in failed.reason


def test_a_passkey_without_a_counter_signs_in_again_and_again(parent):
    _account, browser = parent
    device = SoftAuthenticator(counts=False)
    add_passkey(browser, device)

    assert passkey_sign_in(Client(), device).status_code == 200
    assert passkey_sign_in(Client(), device).status_code == 200
    assert PortalPasskey.objects.get().sign_count == 0


@pytest.mark.parametrize(
    ("case", "change"),
    [
        ("another origin", {"origin": "https://evil.example"}),
        ("holder not verified", {"verified": False}),
    ],
)
def test_a_registration_that_does_not_check_out_is_not_added(parent, case, change):
    _account, browser = parent

    answer = add_passkey(browser, SoftAuthenticator(), **change)

    assert answer.status_code == 400, case
    assert answer.json() == {"error": PasskeyProblem.NOT_ADDED}
    assert not PortalPasskey.objects.exists()


def test_a_registration_for_another_relying_party_is_not_added(parent):
    _account, browser = parent

    answer = add_passkey(browser, SoftAuthenticator(rp_id="evil.example"))

    assert answer.json() == {"error": PasskeyProblem.NOT_ADDED}


def test_a_passkey_needs_a_name_before_the_ceremony(parent):
    _account, browser = parent

    for name in ("", "   ", "x" * 61, 7):
        answer = post_json(browser, "/portal/passkeys/options/", {"name": name})
        assert answer.status_code == 400
        assert answer.json() == {"error": PasskeyProblem.NAME}


def test_a_patient_removes_their_passkey_and_it_signs_in_no_more(parent):
    account, browser = parent
    device = SoftAuthenticator()
    add_passkey(browser, device)
    passkey = PortalPasskey.objects.get()

    removed = browser.post(f"/portal/passkeys/{passkey.pk}/remove/")

    assert removed.status_code == 302
    assert "no longer signs you in" in browser.get("/portal/password/").content.decode()
    assert not PortalPasskey.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DELETE, object_type="portal_passkey", object_id=str(passkey.pk)
    ).exists()
    assert passkey_sign_in(Client(), device).json() == {"error": PasskeyProblem.UNKNOWN}
    assert account.pk == passkey.account_id


def test_nobody_removes_another_accounts_passkey(parent, stranger):
    _account, parent_browser = parent
    stranger_account, stranger_browser = stranger
    add_passkey(parent_browser, SoftAuthenticator())
    theirs = PortalPasskey.objects.get()

    answer = stranger_browser.post(f"/portal/passkeys/{theirs.pk}/remove/")

    assert answer.status_code == 302
    assert PortalPasskey.objects.filter(pk=theirs.pk).exists()
    assert "No such passkey" in stranger_browser.get("/portal/password/").content.decode()
    with pytest.raises(PortalRefused):
        do_remove_passkey(portal_actor(stranger_account), stranger_account, theirs.pk)


def test_a_closed_account_does_not_sign_in_by_passkey(parent):
    account, browser = parent
    device = SoftAuthenticator()
    add_passkey(browser, device)
    PortalAccount.objects.filter(pk=account.pk).update(disabled_at=timezone.now())

    answer = passkey_sign_in(Client(), device)

    assert answer.status_code == 403
    assert "closed" in answer.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"credential": "x"}),
        json.dumps({"credential": {}}),
        json.dumps(
            {"credential": {"id": "!!", "rawId": "!!", "type": "public-key", "response": {}}}
        ),
        json.dumps(
            {
                "credential": {
                    "id": "AAAA",
                    "rawId": "AAAA",
                    "type": "public-key",
                    "response": {
                        "clientDataJSON": "%%%",
                        "authenticatorData": "AA",
                        "signature": "AA",
                        "userHandle": "AA",
                    },
                }
            }
        ),
    ],
)
def test_garbage_answers_get_words_not_a_500(parent, body):
    _account, browser = parent
    browser.raise_request_exception = False
    post_json(browser, "/portal/passkeys/options/", {"name": "x"})
    added = browser.post("/portal/passkeys/add/", body, content_type="application/json")
    anonymous = Client(raise_request_exception=False)
    sign_in_options(anonymous)
    signed = anonymous.post("/portal/sign-in/passkey/", body, content_type="application/json")

    for answer in (added, signed):
        assert answer.status_code == 400, (body, answer.status_code)
        assert answer.json()["error"]


def test_passkey_sign_in_is_rate_limited(family):
    anonymous = Client(REMOTE_ADDR="10.9.8.7")
    answers = [
        post_json(anonymous, "/portal/sign-in/passkey/options/", {}).status_code for _ in range(6)
    ]
    assert answers == [200] * 5 + [429]


def test_one_passkey_offered_too_often_is_limited(family):
    device = SoftAuthenticator(user_handle=b"h" * 32)
    answers = []
    for n in range(6):
        client = Client(REMOTE_ADDR=f"10.9.8.{n}")
        answers.append(passkey_sign_in(client, device).status_code)
    assert answers == [400] * 5 + [429]


def test_the_relying_party_is_the_setting_or_the_request_host(settings, rf):
    request = rf.get("/portal/", HTTP_HOST="localhost:8123")
    settings.CLEANNOTE_PORTAL_PASSKEY_ORIGIN = ""
    assert relying_party(request) == RelyingParty("localhost", "http://localhost:8123")
    settings.CLEANNOTE_PORTAL_PASSKEY_ORIGIN = "https://clinic.example.org/"
    assert relying_party(request) == RelyingParty(
        "clinic.example.org", "https://clinic.example.org"
    )


def test_a_passkey_sign_in_never_finished_is_swept_with_the_expired_sessions(family):
    anonymous = Client(REMOTE_ADDR="10.9.8.7")
    sign_in_options(anonymous)
    (session,) = Session.objects.all()
    assert session.expire_date - timezone.now() <= dt.timedelta(minutes=5)

    removed = do_remove_spent_sign_ins(timezone.now() + dt.timedelta(minutes=6))

    assert removed.sessions == 1
    assert not Session.objects.exists()
