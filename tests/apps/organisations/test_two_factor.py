"""TOTP two-factor sign-in with django-otp: set-up, the code at sign-in, throttling, the
organisation's requirement for owners and billers, and the owner removing a lost device.

Codes come from django-otp's own TOTP function over the device's key, as an app would make them.
"""

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.organisations.models import Staff
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` 30-second steps later)."""
    device.refresh_from_db()
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + steps_ahead,
    )
    return f"{value:06d}"


def wrong_code(device: TOTPDevice) -> str:
    near = {code_for(device, offset) for offset in (-2, -1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in near)


def sign_in(username: str, password: str = PASSWORD) -> Client:
    client = Client(REMOTE_ADDR="10.9.8.7")
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content[:500]
    return client


def enrol(client: Client, staff: Staff) -> TOTPDevice:
    device, _ = enrol_with_codes(client, staff)
    return device


def enrol_with_codes(client: Client, staff: Staff) -> tuple[TOTPDevice, list[str]]:
    """Set up two-factor; the answer shows the recovery codes once."""
    assert client.post("/account/two-factor/setup/").status_code == 302
    device = TOTPDevice.objects.get(user=staff.user, confirmed=False)
    response = client.post("/account/two-factor/setup/", {"code": code_for(device)})
    assert response.status_code == 200
    codes = list(response.context["codes"])
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def _events(staff: Staff, object_type: str):
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(staff.pk))


def test_any_user_enrols_from_the_security_page_with_a_real_code(clinic):
    theo = clinic.therapist
    client = sign_in("theo")
    page = client.get("/account/security/")
    assert page.status_code == 200
    assert b"Set up two-factor" in page.content
    # when they start, the page shows a QR code and the key to type
    client.post("/account/two-factor/setup/")
    setup = client.get("/account/two-factor/setup/")
    assert setup.status_code == 200
    assert b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=theo.user)
    assert setup.context["key"].replace(" ", "") in device.config_url
    assert "issuer=Cleannote" in device.config_url
    # a wrong code does not turn it on
    response = client.post("/account/two-factor/setup/", {"code": wrong_code(device)})
    assert response.status_code == 200
    assert b"not right" in response.content
    device.refresh_from_db()
    assert not device.confirmed
    # the right one does, after the throttle's one-second pause
    time.sleep(1.1)
    response = client.post("/account/two-factor/setup/", {"code": code_for(device)})
    assert response.status_code == 200
    assert b"Keep these recovery codes" in response.content
    theo.refresh_from_db()
    assert theo.two_factor_enabled
    assert _events(theo, "two_factor.enabled").count() == 1
    assert _events(theo, "two_factor.setup_refused").count() == 1
    # and the session that enrolled stays usable
    assert client.get("/patients/").status_code == 200


def test_sign_in_with_a_device_needs_the_code_before_any_page(clinic):
    theo = clinic.therapist
    device = enrol(sign_in("theo"), theo)
    # given a new sign-in with the password
    client = sign_in("theo")
    # then every page sends it to the code page, keeping where it was going
    for path in ("/", "/patients/", f"/notes/{clinic.signed_note.pk}/", "/account/security/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith("/account/two-factor/verify/?next=")
    assert client.post("/patients/new/", {}).status_code == 302
    # the code page and static files still answer
    assert client.get("/account/two-factor/verify/").status_code == 200
    assert client.get("/static/cleannote/cleannote.css").status_code != 302
    # when the code is right (the next step's: the set-up used this step's), the page opens
    response = client.post(
        "/account/two-factor/verify/", {"code": code_for(device, 1), "next": "/patients/"}
    )
    assert response.status_code == 302
    assert response.url == "/patients/"
    assert client.get("/patients/").status_code == 200
    assert _events(theo, "two_factor").get().action == "sign_in"


def test_the_code_page_hides_the_menu_and_offers_sign_out(clinic):
    enrol(sign_in("olive"), clinic.owner)
    client = sign_in("olive")
    page = client.get("/account/two-factor/verify/").content.decode()
    assert 'href="/patients/"' not in page
    assert 'href="/staff/"' not in page
    assert "Sign out" in page
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused_throttled_and_audited(clinic):
    theo = clinic.therapist
    device = enrol(sign_in("theo"), theo)
    client = sign_in("theo")
    # when a wrong code is entered
    response = client.post("/account/two-factor/verify/", {"code": wrong_code(device)})
    assert response.status_code == 200
    assert b"not right" in response.content
    assert client.get("/patients/").status_code == 302
    # then an immediate second try is throttled, even with the right code
    response = client.post("/account/two-factor/verify/", {"code": code_for(device, 1)})
    assert response.status_code == 429
    assert b"Too many wrong codes" in response.content
    assert client.get("/patients/").status_code == 302
    refused = _events(theo, "two_factor")
    assert refused.filter(action="sign_in_failed").get().actor_username == "theo"
    assert refused.filter(action="locked_out").count() == 1
    assert not refused.filter(action="sign_in").exists()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"])
def test_a_malformed_code_gets_a_message_not_an_error(clinic, code):
    enrol(sign_in("theo"), clinic.therapist)
    client = sign_in("theo")
    response = client.post("/account/two-factor/verify/", {"code": code})
    assert response.status_code in (200, 422)
    assert response.context["form"].errors["code"]


def test_a_code_with_a_nul_byte_is_refused_at_the_edge(clinic):
    """The request-validation middleware answers any control character with a 400 naming the
    field (tests/web/test_hostile_input.py), before the form sees it."""
    enrol(sign_in("theo"), clinic.therapist)
    response = sign_in("theo").post("/account/two-factor/verify/", {"code": "12\x0034"})
    assert response.status_code == 400
    assert b"'code' holds a control character" in response.content


def test_a_code_is_not_accepted_twice(clinic):
    device = enrol(sign_in("theo"), clinic.therapist)
    used = code_for(device)  # the code that confirmed the device
    client = sign_in("theo")
    response = client.post("/account/two-factor/verify/", {"code": used})
    assert response.status_code == 200
    assert client.get("/patients/").status_code == 302


@pytest.mark.parametrize("persona", ["owner", "biller"])
def test_required_two_factor_sends_owners_and_billers_to_set_up(clinic, persona):
    clinic.organisation.require_two_factor = True
    clinic.organisation.save()
    staff = getattr(clinic, persona)
    client = sign_in(staff.user.username)
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response.url.startswith("/account/security/")
    page = client.get("/account/security/")
    assert b"requires two-factor" in page.content
    enrol(client, staff)
    assert client.get("/patients/").status_code == 200
    # it cannot then be turned off while required
    device = TOTPDevice.objects.get(user=staff.user)
    response = client.post(
        "/account/two-factor/disable/", {"code": code_for(device, 1)}, follow=True
    )
    assert b"cannot be turned off" in response.content
    assert TOTPDevice.objects.filter(user=staff.user, confirmed=True).exists()


@pytest.mark.parametrize("persona", ["therapist", "assistant", "front_desk"])
def test_required_two_factor_leaves_other_roles_optional(clinic, persona):
    clinic.organisation.require_two_factor = True
    clinic.organisation.save()
    client = sign_in(getattr(clinic, persona).user.username)
    assert client.get("/").status_code == 200


def test_without_the_requirement_nobody_is_sent_to_set_up(clinic):
    assert sign_in("olive").get("/staff/").status_code == 200
    assert sign_in("bill").get("/").status_code == 200


def test_a_user_turns_two_factor_off_with_a_code(clinic):
    theo = clinic.therapist
    client = sign_in("theo")
    device = enrol(client, theo)
    response = client.post("/account/two-factor/disable/", {"code": code_for(device, 1)})
    assert response.status_code == 302
    theo.refresh_from_db()
    assert not theo.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=theo.user).exists()
    assert _events(theo, "two_factor.disabled").count() == 1
    # the next sign-in asks for no code
    assert sign_in("theo").get("/patients/").status_code == 200


def test_the_owner_removes_a_lost_authenticator(clinic, login):
    theo = clinic.therapist
    enrol(sign_in("theo"), theo)
    response = login(clinic.owner).post(f"/staff/{theo.pk}/two-factor/reset/")
    assert response.status_code == 302
    theo.refresh_from_db()
    assert not theo.two_factor_enabled
    assert sign_in("theo").get("/patients/").status_code == 200
    event = _events(theo, "two_factor.reset").get()
    assert event.actor_username == "olive"


def test_demo_style_logins_without_two_factor_sign_in_as_before(
    clinic, django_assert_max_num_queries
):
    client = sign_in("theo")
    # the gate reads the staff row the page loads anyway: no extra query for a plain session
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


def test_the_admin_offers_no_page_with_secret_keys_or_recovery_codes():
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_the_server_command_removes_a_lost_authenticator(clinic):
    from io import StringIO

    from django.core.management import CommandError, call_command

    enrol(sign_in("olive"), clinic.owner)
    out = StringIO()
    call_command("reset_two_factor", "olive", stdout=out)
    assert "Two-factor removed" in out.getvalue()
    clinic.owner.refresh_from_db()
    assert not clinic.owner.two_factor_enabled
    event = _events(clinic.owner, "two_factor.reset").get()
    assert event.actor_username == "system"
    with pytest.raises(CommandError, match="No staff login"):
        call_command("reset_two_factor", "nobody")


def test_a_recovery_code_signs_in_once_in_place_of_the_app(clinic):
    theo = clinic.therapist
    _, codes = enrol_with_codes(sign_in("theo"), theo)
    for code in codes:
        assert code not in str([e.canonical() for e in AuditEvent.objects.all()])
    # when the phone is lost, a recovery code opens the session
    client = sign_in("theo")
    response = client.post("/account/two-factor/verify/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/patients/").status_code == 200
    assert _events(theo, "two_factor.recovery").get().action == "sign_in"
    page = client.get("/account/security/").content.decode()
    assert "9 unused recovery codes left" in page
    # and the same code does not work twice
    again = sign_in("theo")
    response = again.post("/account/two-factor/verify/", {"code": codes[0]})
    assert response.status_code == 200
    assert again.get("/patients/").status_code == 302


def test_new_recovery_codes_replace_the_old_set(clinic):
    theo = clinic.therapist
    client = sign_in("theo")
    device, old = enrol_with_codes(client, theo)
    response = client.post("/account/two-factor/recovery-codes/", {"code": code_for(device, 1)})
    assert response.status_code == 200
    new = list(response.context["codes"])
    assert not set(new) & set(old)
    assert _events(theo, "two_factor.recovery_codes").count() == 1
    refused = sign_in("theo").post("/account/two-factor/verify/", {"code": old[1]})
    assert refused.status_code == 200
    time.sleep(1.1)  # the refused code's one-second throttle
    assert sign_in("theo").post("/account/two-factor/verify/", {"code": new[1]}).status_code == 302
