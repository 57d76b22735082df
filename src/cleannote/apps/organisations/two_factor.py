"""The sign-in gate after the password: a second factor, a forced password change, enrolment.

`django_otp.middleware.OTPMiddleware` marks `request.user.is_verified()` for a session that
entered a code from a confirmed device. `SignInGateMiddleware` (after it and after the idle
timeout) then holds a signed-in session on one page until it is done:

1. a login with two-factor on whose session has not entered a code: the verify page;
2. a login whose password the owner reset: the change-password page;
3. an owner or biller of an organisation that requires two-factor, without a device: set-up.

Only that page, signing out and static files answer until then. The gate reads the staff row
every page loads anyway (`staff_for` caches it on the request), so a session with nothing
pending costs no extra query (ADR 0221).
"""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from enum import StrEnum

import segno
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from cleannote.apps.organisations.access import staff_for
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import TWO_FACTOR_ROLES


class Pending(StrEnum):
    """What a signed-in session must do before any other page."""

    VERIFY = "verify"
    CHANGE_PASSWORD = "change_password"
    ENROL = "enrol"


# The pages each pending step may reach (URL names), beside signing out.
_ALLOWED: dict[Pending, tuple[str, ...]] = {
    Pending.VERIFY: ("organisations:two_factor_verify",),
    Pending.CHANGE_PASSWORD: ("organisations:change_password",),
    Pending.ENROL: (
        "organisations:security",
        "organisations:two_factor_setup",
        "organisations:change_password",
    ),
}
_TARGET: dict[Pending, str] = {
    Pending.VERIFY: "organisations:two_factor_verify",
    Pending.CHANGE_PASSWORD: "organisations:change_password",
    Pending.ENROL: "organisations:security",
}
_ALWAYS = ("accounts:logout",)


def requires_two_factor(staff: Staff) -> bool:
    return staff.organisation.require_two_factor and staff.role in TWO_FACTOR_ROLES


def pending_step(request: HttpRequest, staff: Staff) -> Pending | None:
    if staff.two_factor_enabled and not request.user.is_verified():  # type: ignore[union-attr]
        return Pending.VERIFY
    if staff.must_change_password:
        return Pending.CHANGE_PASSWORD
    if requires_two_factor(staff) and not staff.two_factor_enabled:
        return Pending.ENROL
    return None


class SignInGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated or request.path.startswith(
            "/" + settings.STATIC_URL.lstrip("/")
        ):
            return self.get_response(request)
        staff = staff_for(request)
        step = pending_step(request, staff) if staff is not None else None
        request.sign_in_pending = step  # type: ignore[attr-defined]
        if step is None:
            return self.get_response(request)
        allowed = {reverse(name) for name in (*_ALLOWED[step], *_ALWAYS)}
        if request.path in allowed:
            return self.get_response(request)
        if step is Pending.VERIFY:
            return redirect_to_login(
                request.get_full_path(), reverse(_TARGET[step]), redirect_field_name="next"
            )
        target = reverse(_TARGET[step])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)


def pending_device(staff: Staff) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=staff.user_id, confirmed=False).order_by("-pk").first()


def confirmed_device(staff: Staff) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=staff.user_id, confirmed=True).order_by("-pk").first()


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (no script, no image request)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1f2a33"))


def typed_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps set up by typing instead of scanning."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
