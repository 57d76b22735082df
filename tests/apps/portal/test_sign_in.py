"""Signing in to the patient portal (ADR 0950): links sent only where consent allows, kept
hashed, spent once, dead after their time; a portal session apart from staff's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from cleannote.apps.audit.models import AuditAction, AuditEvent
from cleannote.apps.portal.actions import do_invite_to_portal
from cleannote.apps.portal.errors import PortalRefused
from cleannote.apps.portal.models import PortalAccess, PortalAccount, PortalSignInLink
from cleannote.apps.portal.session import COOKIE, SEEN_KEY
from cleannote.apps.portal.sign_in_links import digest_of, normalised_contact
from tests.apps.portal.conftest import EMAIL, link_in_mail, signed_in_client
from tests.personas import client_for


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Parent@Example.COM ", ("email", "parent@example.com")),
        ("(217) 555-0134", ("sms", "2175550134")),
        ("+1 217 555 0134", ("sms", "2175550134")),
        ("555-0134", None),
        ("parent@localhost", None),
    ],
)
def test_a_typed_address_is_compared_in_one_form(typed, expected):
    assert normalised_contact(typed) == expected


def test_an_invite_emails_a_link_kept_only_as_its_hash(family):
    account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")

    assert (account.channel, account.contact) == ("email", EMAIL)
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert link_in_mail() == secret
    link = PortalSignInLink.objects.get(account=account)
    assert link.digest == digest_of(secret) != secret
    assert not PortalSignInLink.objects.filter(digest=secret).exists()
    assert link.expires_at - link.created_at == dt.timedelta(minutes=30)
    assert PortalAccess.objects.get(account=account).patient == family.parent
    assert AuditEvent.objects.filter(
        object_type="portal_access", patient_id=family.parent.pk, actor=family.desk.user
    ).exists()


def test_no_link_goes_where_the_patient_did_not_consent(family):
    family.parent.email_consent, family.parent.email_consent_on = False, None
    family.parent.save()
    with pytest.raises(PortalRefused, match="agreed to be reached"):
        do_invite_to_portal(family.actor, family.parent, channel="email")
    assert mail.outbox == []
    assert not PortalAccount.objects.exists()


def test_a_text_goes_to_the_consented_phone(family, settings, tmp_path):
    settings.CLEANNOTE_SMS_OUTBOX_DIR = tmp_path
    account, secret = do_invite_to_portal(family.actor, family.parent, channel="sms")
    assert account.contact == "2175550134"
    (text,) = tmp_path.glob("*.txt")
    assert f"/portal/link/{secret}/" in text.read_text()


def test_the_link_signs_in_once(family):
    _account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    browser = Client(REMOTE_ADDR="10.9.8.7")

    assert browser.get(f"/portal/link/{secret}/").status_code == 200  # a scanner spends nothing
    first = browser.post(f"/portal/link/{secret}/")
    again = Client().post(f"/portal/link/{secret}/")

    assert first.status_code == 302
    assert first.cookies[COOKIE]["path"] == "/portal/"
    assert "Hello, Paula" in browser.get("/portal/").content.decode()
    assert again.status_code == 410
    assert "already used" in again.content.decode()


def test_an_expired_or_unknown_link_signs_nobody_in(family):
    _account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    PortalSignInLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    expired = Client().post(f"/portal/link/{secret}/")
    unknown = Client().post("/portal/link/not-a-link/")

    assert (expired.status_code, unknown.status_code) == (410, 410)
    assert "expired" in expired.content.decode()
    assert "not valid" in unknown.content.decode()


def test_the_sign_in_page_answers_and_ignores_a_staff_session(family):
    anonymous = Client().get("/portal/")
    staff = client_for(family.desk).get("/portal/")

    for response in (anonymous, staff):
        assert response.status_code == 200
        assert 'id="send-link"' in response.content.decode()
        assert "Hello" not in response.content.decode()


def test_a_portal_session_opens_no_staff_page(family):
    _account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    browser = signed_in_client(secret)

    for staff_page in ("/", "/patients/", f"/patients/{family.parent.pk}/", "/ledger/statements/"):
        response = browser.get(staff_page)
        assert response.status_code == 302, staff_page
        assert response["Location"].startswith("/accounts/login/")


def test_an_idle_portal_session_ends(family):
    _account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    browser = signed_in_client(secret)
    from django.contrib.sessions.models import Session

    row = Session.objects.get(session_key=browser.cookies[COOKIE].value)
    data = row.get_decoded()
    data[SEEN_KEY] = (timezone.now() - dt.timedelta(minutes=11)).isoformat()
    Session.objects.filter(pk=row.pk).update(session_data=Session.objects.encode(data))

    page = browser.get("/portal/").content.decode()

    assert "inactivity" in page
    assert 'id="send-link"' in page


def test_a_patient_asks_for_a_new_link_and_nobody_learns_who_is_on_file(family):
    do_invite_to_portal(family.actor, family.parent, channel="email")
    mail.outbox.clear()
    browser = Client(REMOTE_ADDR="10.9.8.7")

    known = browser.post("/portal/sign-in/link/", {"address": "PARENT@example.com"}, follow=True)
    unknown = browser.post("/portal/sign-in/link/", {"address": "who@example.com"}, follow=True)

    assert known.content.decode().count("a sign-in link is on its way") == 1
    assert unknown.content.decode().count("a sign-in link is on its way") == 1
    assert [m.to for m in mail.outbox] == [[EMAIL]]


def test_no_new_link_after_consent_is_withdrawn(family):
    do_invite_to_portal(family.actor, family.parent, channel="email")
    do_invite_to_portal(family.actor, family.child, channel="email", relationship="parent")
    mail.outbox.clear()
    for patient in (family.parent, family.child):
        patient.email_consent, patient.email_consent_on = False, None
        patient.save()

    Client().post("/portal/sign-in/link/", {"address": EMAIL})

    assert mail.outbox == []


def test_link_requests_are_rate_limited(family):
    browser = Client(REMOTE_ADDR="10.9.8.7")
    answers = [
        browser.post("/portal/sign-in/link/", {"address": f"n{i}@example.com"}).status_code
        for i in range(6)
    ]
    again = [
        Client(REMOTE_ADDR=f"10.9.9.{i}").post("/portal/sign-in/link/", {"address": EMAIL})
        for i in range(6)
    ]
    assert answers == [302] * 5 + [429]
    assert [r.status_code for r in again] == [302] * 5 + [429]


def test_a_password_chosen_in_the_portal_signs_in(family):
    account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    browser = signed_in_client(secret)
    chosen = "lilac-harbour-lantern"

    short = browser.post("/portal/password/", {"password": "short", "again": "short"})
    saved = browser.post("/portal/password/", {"password": chosen, "again": chosen})

    assert short.status_code == 400
    assert saved.status_code == 302
    account.refresh_from_db()
    assert account.password.startswith(("md5$", "pbkdf2", "argon2"))
    assert chosen not in account.password
    fresh = Client(REMOTE_ADDR="10.9.8.6")
    wrong = fresh.post("/portal/sign-in/password/", {"address": EMAIL, "password": "nope" * 4})
    right = fresh.post("/portal/sign-in/password/", {"address": EMAIL, "password": chosen})
    assert wrong.status_code == 400
    assert "do not match" in wrong.content.decode()
    assert right.status_code == 302
    assert "Hello, Paula" in fresh.get("/portal/").content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.SIGN_IN_FAILED, actor_username=f"portal account {account.pk}"
    ).exists()
