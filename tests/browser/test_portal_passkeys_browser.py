"""Passkeys in the patient portal in a real browser (ADR 0952), with Chromium's virtual
authenticator (through the DevTools protocol) standing in for a phone's fingerprint reader:
signed in by their link at 390 px, the patient adds a passkey from the password and passkeys
page, signs out, finds a refused prompt said in words (the device did not verify them), then
signs in with the passkey and sees the portal home. Each page passes axe-core and does not
scroll sideways; screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.patients.models import Patient
from cleannote.apps.portal.actions import do_invite_to_portal
from cleannote.apps.portal.models import PortalPasskey
from tests.apps.portal.conftest import _fresh_rate_limits  # noqa: F401  (the fixture)
from tests.browser.test_portal_browser import _check
from tests.personas import TODAY, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _virtual_authenticator(page) -> tuple[object, str]:
    """A platform authenticator that holds discoverable passkeys and verifies its user."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_a_patient_adds_a_passkey_and_signs_in_with_it(
    browser_page,
    live_server,
    settings,
    clinic,  # noqa: F811
):
    page, base = browser_page, live_server.url
    settings.CLEANNOTE_PUBLIC_URL = base
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    Patient.objects.filter(pk=clinic.patient.pk).update(
        email="pat@example.org", email_consent=True, email_consent_on=TODAY
    )
    clinic.patient.refresh_from_db()
    _account, secret = do_invite_to_portal(desk, clinic.patient, channel="email")
    page.set_viewport_size({"width": 390, "height": 844})
    cdp, authenticator = _virtual_authenticator(page)

    # signed in by the link, the patient adds a passkey from the keyboard
    page.goto(f"{base}/portal/link/{secret}/")
    page.click("#use-link")
    expect(page.locator("h1")).to_have_text("Hello, Pat")
    page.get_by_role("link", name="Password and passkeys").first.click()
    expect(page.locator("#passkey-add-section")).to_be_visible()
    expect(page.locator("#passkey-unsupported")).to_be_hidden()
    _check(page, "portal-passkeys-empty")
    page.focus("#passkey-name")
    page.keyboard.type("My phone")
    page.keyboard.press("Enter")
    expect(page.locator(".portal-notice")).to_contain_text("Passkey “My phone” added")
    expect(page.locator("#passkey-list")).to_contain_text("My phone")
    expect(page.locator("#passkey-list")).to_contain_text("not used yet")
    _check(page, "portal-passkeys")
    assert PortalPasskey.objects.get().transports == ["internal"]

    # signed out, a prompt the device refuses is said in words, never a broken page
    page.click("#portal-sign-out")
    expect(page.locator("#passkey-sign-in")).to_be_visible()
    cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": False}
    )
    page.click("#passkey-sign-in")
    expect(page.locator("#passkey-problem")).to_contain_text("cancelled or timed out")
    expect(page.locator("#passkey-sign-in")).to_be_enabled()
    _check(page, "portal-sign-in-passkey-refused")

    # the device verifies them: signed in with the passkey, on the portal home
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": True})
    page.click("#passkey-sign-in")
    expect(page.locator("h1")).to_have_text("Hello, Pat")
    _check(page, "portal-home-by-passkey")
    page.get_by_role("link", name="Password and passkeys").first.click()
    expect(page.locator("#passkey-list")).to_contain_text("last used")

    # removed, it is gone from the list
    page.get_by_role("button", name="Remove the passkey My phone").click()
    expect(page.locator(".portal-notice")).to_contain_text("no longer signs you in")
    expect(page.locator("#no-passkeys")).to_be_visible()
    assert not PortalPasskey.objects.exists()
