"""The owner of the demo clinic in a real browser: the staff list, adding a therapist with an
invitation link the invitee uses, and turning on two-factor with a code from django-otp's TOTP,
then signing in again with the code. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cleannote.web.demo_clinic import DEMO_PASSWORD, load_demo_clinic
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(device: TOTPDevice, ahead: int = 0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, drift=device.drift + ahead):06d}"


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_owner_manages_staff_and_turns_on_two_factor(browser_page, live_server):
    page, base = browser_page, live_server.url
    load_demo_clinic(today=timezone.localdate(), patients=2)

    # the staff list
    _sign_in(page, base, "demo-owner", DEMO_PASSWORD)
    page.get_by_role("link", name="Staff").click()
    expect(page.get_by_role("heading", name="Staff")).to_be_visible()
    expect(page.get_by_role("cell", name="demo-slp", exact=True)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "staff-list.png"), full_page=True)

    # add a therapist; the invitation link is shown once
    page.get_by_role("link", name="Add staff").click()
    page.get_by_label("Username").fill("demo-ot2")
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Adeyemi")
    page.get_by_label("Role").select_option("therapist")
    page.get_by_label("Credential").select_option("OT")
    page.get_by_label("Individual NPI").fill("1234567890")
    page.get_by_role("button", name="Add and create invitation link").click()
    expect(page.get_by_text("fails the check digit")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "staff-add-refused.png"), full_page=True)
    page.get_by_label("Individual NPI").fill("1801992631")
    page.get_by_role("button", name="Add and create invitation link").click()
    link = page.get_by_label("Invitation link").input_value()
    page.screenshot(path=str(ARTIFACTS / "staff-invitation.png"), full_page=True)
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_text("Invited: has not set a password yet.")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "staff-edit.png"), full_page=True)

    # the owner turns on two-factor for their own login
    page.get_by_role("link", name="Security").click()
    page.get_by_role("button", name="Set up two-factor").click()
    expect(page.locator(".qr svg")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "two-factor-setup.png"), full_page=True)
    device = TOTPDevice.objects.get(user__username="demo-owner")
    page.get_by_label("Code from your authenticator app").fill(_code(device))
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "two-factor-recovery-codes.png"), full_page=True)
    page.get_by_role("link", name="I have saved them").click()

    # a fresh sign-in stops at the code page
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, base, "demo-owner", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "two-factor-verify.png"), full_page=True)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(_code(device, 1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Staff")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # the invitee sets a password with the link and signs in
    page.goto(link)
    expect(page.get_by_text("Your username is demo-ot2")).to_be_visible()
    page.locator("#id_new_password1").fill("rosa's own passphrase 7")
    page.locator("#id_new_password2").fill("rosa's own passphrase 7")
    page.get_by_role("button", name="Set password").click()
    _sign_in(page, base, "demo-ot2", "rosa's own passphrase 7")
    expect(page.get_by_text("Rosa Adeyemi, OT")).to_be_visible()
