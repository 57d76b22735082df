"""Each user's own account: the security page, two-factor set-up, the code at sign-in,
changing a password, and accepting an invitation link.

These pages need a signed-in staff login but no capability: every role has them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import django_otp
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations import actions
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.forms import CodeForm, SignInCodeForm
from cleannote.apps.organisations.invitations import invitation_tokens, user_id_from_uid
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.two_factor import (
    confirmed_device,
    pending_device,
    qr_svg,
    requires_two_factor,
    typed_key,
)

WRONG_CODE = "That code is not right. Check the app shows the code for Cleannote and try again."


def _next_url(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _throttled_message(check: actions.CodeCheck) -> str:
    seconds = 1
    if check.retry_at is not None:
        seconds = max(1, math.ceil((check.retry_at - timezone.now()).total_seconds()))
    return f"Too many wrong codes. Wait {seconds} seconds before the next try."


def _code_error(form: CodeForm, check: actions.CodeCheck) -> int:
    """Put the refusal on the form; the HTTP status to answer with."""
    if check.outcome is actions.CodeOutcome.THROTTLED:
        form.add_error("code", _throttled_message(check))
        return 429
    form.add_error("code", WRONG_CODE)
    return 200


def _security_page(
    request: HttpRequest,
    staff: Staff,
    *,
    refused: tuple[str, CodeForm] | None = None,
    next_url: str = "",
    status: int = 200,
) -> HttpResponse:
    """The security page; `refused` is (form name, form) for a form answered with its errors."""
    context = {
        "device": confirmed_device(staff) if staff.two_factor_enabled else None,
        "required": requires_two_factor(staff),
        "disable_form": CodeForm(auto_id="disable_%s"),
        "recovery_form": CodeForm(auto_id="recovery_%s"),
        "recovery_left": actions.recovery_codes_left(staff),
        "next": next_url,
    }
    if refused is not None:
        form_name, form = refused
        context[f"{form_name}_form"] = form
    return render(request, "organisations/security.html", context, status=status)


def _code_post(
    request: HttpRequest,
    form_name: str,
    action: Callable[[Actor, Staff, str], actions.CodeCheck],
    accepted: Callable[[actions.CodeCheck], HttpResponse],
) -> HttpResponse:
    """A security-page form that takes a current code: run the action, answer its outcome."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    form = CodeForm(request.POST, auto_id=f"{form_name}_%s")
    status = 422
    if form.is_valid():
        try:
            check = action(actor_of(request), staff, form.cleaned_data["code"])
        except actions.StaffChangeRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("organisations:security")
        if check.accepted:
            return accepted(check)
        status = _code_error(form, check)
    return _security_page(request, staff, refused=(form_name, form), status=status)


@staff_view()
def security(request: HttpRequest) -> HttpResponse:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    return _security_page(request, staff, next_url=_next_url(request, ""))


@staff_view()
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """POST without a code starts a set-up (a new key); GET shows it; POST with a code confirms."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    if staff.two_factor_enabled:
        messages.info(request, "Two-factor sign-in is already on.")
        return redirect("organisations:security")
    next_url = _next_url(request, "")
    form = CodeForm(request.POST if "code" in request.POST else None)
    status = 200
    if request.method == "POST" and "code" not in request.POST:
        actions.do_start_two_factor_setup(actor_of(request), staff)
        target = reverse("organisations:two_factor_setup")
        return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
    device = pending_device(staff)
    if device is None:
        return redirect("organisations:security")
    if request.method == "POST" and form.is_valid():
        check = actions.do_confirm_two_factor(actor_of(request), staff, form.cleaned_data["code"])
        if check.accepted:
            assert check.device is not None
            django_otp.login(request, check.device)
            # Shown once, in the answer to this POST: the codes are never put in a message.
            return render(
                request,
                "organisations/recovery_codes.html",
                {"codes": check.recovery_codes, "next": next_url or "/", "new_setup": True},
            )
        status = _code_error(form, check)
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "organisations/two_factor_setup.html",
        {
            "form": form,
            "qr": qr_svg(device),
            "key": typed_key(device),
            "next": next_url,
            "required": requires_two_factor(staff),
        },
        status=status,
    )


@staff_view()
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    def turned_off(check: actions.CodeCheck) -> HttpResponse:
        messages.success(request, "Two-factor sign-in is off for your login.")
        return redirect("organisations:security")

    return _code_post(request, "disable", actions.do_disable_two_factor, turned_off)


@staff_view()
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """A fresh set of recovery codes for a current code from the app; shown once."""

    def shown_once(check: actions.CodeCheck) -> HttpResponse:
        return render(
            request,
            "organisations/recovery_codes.html",
            {"codes": check.recovery_codes, "next": "", "new_setup": False},
        )

    return _code_post(request, "recovery", actions.do_new_recovery_codes, shown_once)


@never_cache
@staff_view()
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code step of signing in, for a login with a confirmed authenticator."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    next_url = _next_url(request)
    if not staff.two_factor_enabled or request.user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url)
    form = SignInCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            check = actions.do_verify_two_factor(
                actor_of(request), staff, form.cleaned_data["code"]
            )
            if check.accepted:
                assert check.device is not None
                django_otp.login(request, check.device)
                return redirect(next_url)
            status = _code_error(form, check)
        else:
            status = 422
    return render(
        request,
        "organisations/two_factor_verify.html",
        {"form": form, "next": next_url},
        status=status,
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@staff_view()
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    form = PasswordChangeForm(staff.user, request.POST or None)
    status = 200
    if request.method == "POST":
        if (
            form.is_valid()
            and form.cleaned_data["new_password1"] == form.cleaned_data["old_password"]
        ):
            form.add_error("new_password1", "Choose a password different from the current one.")
        if form.is_valid():
            actions.do_change_own_password(
                actor_of(request), staff, form.cleaned_data["new_password1"]
            )
            # The hash in the session follows the new password, so this session stays signed in
            # (and verified) while every other session of the login ends.
            staff.user.refresh_from_db(fields=["password"])
            update_session_auth_hash(request, staff.user)
            messages.success(request, "Your password is changed.")
            return redirect(_next_url(request))
        status = 422
    return render(
        request,
        "organisations/change_password.html",
        {"form": form, "forced": staff.must_change_password, "next": _next_url(request, "")},
        status=status,
    )


@sensitive_post_parameters("new_password1", "new_password2", "token")
@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest) -> HttpResponse:
    """The invitee chooses their password from the owner's one-time link.

    The link carries its token in the query string, which the log filter cuts from every request
    line; the form posts it back in the body, which is never logged (ADR 0220).
    """
    params = request.POST if request.method == "POST" else request.GET
    uid, token = params.get("uid", "")[:40], params.get("token", "")[:100]
    user_id = user_id_from_uid(uid)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    staff = Staff.objects.select_related("organisation").filter(user=user).first() if user else None
    if (
        user is None
        or staff is None
        or not user.is_active
        or user.has_usable_password()
        or not invitation_tokens.check_token(user, token)
    ):
        return render(request, "organisations/invitation_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.do_accept_invitation(staff, form.cleaned_data["new_password1"])
        messages.success(request, "Your password is set. Sign in with your username and it.")
        return redirect("accounts:login")
    return render(
        request,
        "organisations/accept_invitation.html",
        {"form": form, "member": staff, "uid": uid, "token": token},
        status=422 if request.method == "POST" else 200,
    )
