"""The owner's staff pages: the list, add (with an invitation link), edit, deactivate,
reactivate, reset a password or a lost authenticator, the two-factor requirement, and the
clinic's 12- or 24-hour times (ADR 0590).

Only the owner role reaches them (403 for others); another organisation's staff is 404. A
temporary password or an invitation link is shown once, in the answer to the POST that made it,
never put in a message, a redirect URL, the audit log or a log line.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.organisations import actions
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.forms import (
    HourCycleForm,
    OrganisationSecurityForm,
    StaffForm,
    TemporaryPasswordForm,
)
from cleannote.apps.organisations.invitations import invitation_uid
from cleannote.apps.organisations.models import Role, Staff
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.organisations.selectors import staff_of


def _member(request: HttpRequest, staff_id: int) -> Staff:
    """A staff member of the owner's own organisation; anyone else's is 404."""
    staff = (
        staff_of(request.staff.organisation)  # type: ignore[attr-defined]
        .select_related("default_location", "organisation")
        .filter(pk=staff_id)
        .first()
    )
    if staff is None:
        raise Http404("no such staff member")
    return staff


def _invitation_url(request: HttpRequest, staff: Staff, token: str) -> str:
    # The token rides in the query string, which the log filter cuts from request lines.
    query = urlencode({"uid": invitation_uid(staff.user), "token": token})
    return request.build_absolute_uri(f"{reverse('organisations:accept_invitation')}?{query}")


@staff_view(Capability.MANAGE_STAFF)
def staff_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    members = list(
        staff_of(organisation)
        .select_related("default_location")
        .order_by("-user__is_active", "user__last_name", "user__first_name", "pk")
    )
    security_form = OrganisationSecurityForm(
        initial={"require_two_factor": organisation.require_two_factor}
    )
    missing = [
        m
        for m in members
        if m.user.is_active and m.role in (Role.OWNER, Role.BILLER) and not m.two_factor_enabled
    ]
    return render(
        request,
        "organisations/staff_list.html",
        {
            "members": members,
            "security_form": security_form,
            "missing_two_factor": missing,
            "hour_cycle_form": HourCycleForm(initial={"hour_cycle": organisation.hour_cycle}),
        },
    )


@staff_view(Capability.MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def staff_add(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    form = StaffForm(request.POST or None, organisation=organisation)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                staff, token = actions.do_invite_staff(
                    actor_of(request),
                    username=data["username"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    role=Role(data["role"]),
                    credential=data["credential"],
                    npi=data["npi"],
                    taxonomy=data["taxonomy"],
                    default_location=data["default_location"],
                    managed_locations=list(data["managed_locations"]),
                )
            except IntegrityError:
                # Someone took the username between the form's check and the insert.
                form.add_error("username", f"The username {data['username']!r} is already taken.")
            else:
                return render(
                    request,
                    "organisations/invitation_issued.html",
                    {"member": staff, "url": _invitation_url(request, staff, token), "new": True},
                )
        messages.error(request, "Some fields need attention; each is marked below.")
    return render(
        request,
        "organisations/staff_form.html",
        {"form": form, "member": None},
        status=422 if request.method == "POST" else 200,
    )


@staff_view(Capability.MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, staff_id: int) -> HttpResponse:
    member = _member(request, staff_id)
    form = StaffForm(request.POST or None, organisation=member.organisation, instance=member)
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = actions.do_update_staff(actor_of(request), member, **form.cleaned_data)
            except actions.StaffChangeRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request,
                    f"Saved {member.full_name}." if changed else "Nothing changed.",
                )
                return redirect("organisations:staff_edit", staff_id=member.pk)
        else:
            messages.error(request, "Some fields need attention; each is marked below.")
    return render(
        request,
        "organisations/staff_form.html",
        {"form": form, "member": member, "password_form": TemporaryPasswordForm(user=member.user)},
        status=422 if request.method == "POST" else 200,
    )


@staff_view(Capability.MANAGE_STAFF)
@require_POST
def staff_set_active(request: HttpRequest, staff_id: int) -> HttpResponse:
    member = _member(request, staff_id)
    active = request.POST.get("active") == "1"
    try:
        actions.do_set_staff_active(actor_of(request), member, active=active)
    except actions.StaffChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        done = "reactivated: they can sign in again" if active else "deactivated"
        messages.success(request, f"{member.full_name} {done}.")
    return redirect("organisations:staff_edit", staff_id=member.pk)


@sensitive_post_parameters("password")
@staff_view(Capability.MANAGE_STAFF)
@require_POST
def staff_reset_password(request: HttpRequest, staff_id: int) -> HttpResponse:
    member = _member(request, staff_id)
    form = TemporaryPasswordForm(request.POST, user=member.user)
    if not form.is_valid():
        return render(
            request,
            "organisations/staff_form.html",
            {
                "form": StaffForm(organisation=member.organisation, instance=member),
                "member": member,
                "password_form": form,
            },
            status=422,
        )
    typed = bool(request.POST.get("password"))
    actions.do_reset_staff_password(actor_of(request), member, form.cleaned_data["password"])
    return render(
        request,
        "organisations/password_issued.html",
        {
            "member": member,
            "password": None if typed else form.cleaned_data["password"],
        },
    )


@staff_view(Capability.MANAGE_STAFF)
@require_POST
def staff_reissue_invitation(request: HttpRequest, staff_id: int) -> HttpResponse:
    member = _member(request, staff_id)
    try:
        token = actions.do_reissue_invitation(actor_of(request), member)
    except actions.StaffChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("organisations:staff_edit", staff_id=member.pk)
    return render(
        request,
        "organisations/invitation_issued.html",
        {"member": member, "url": _invitation_url(request, member, token), "new": False},
    )


@staff_view(Capability.MANAGE_STAFF)
@require_POST
def staff_reset_two_factor(request: HttpRequest, staff_id: int) -> HttpResponse:
    member = _member(request, staff_id)
    actions.do_reset_staff_two_factor(actor_of(request), member)
    messages.success(
        request,
        f"Two-factor removed for {member.full_name}; they set up a new authenticator "
        "at their next sign-in if their role requires it, or from their security page.",
    )
    return redirect("organisations:staff_edit", staff_id=member.pk)


@staff_view(Capability.MANAGE_STAFF)
@require_POST
def organisation_security(request: HttpRequest) -> HttpResponse:
    form = OrganisationSecurityForm(request.POST)
    form.is_valid()  # a checkbox: absent is False, never invalid
    required = bool(form.cleaned_data.get("require_two_factor"))
    if actions.do_set_require_two_factor(actor_of(request), required=required):
        messages.success(
            request,
            "Owners and billers now need two-factor sign-in; those without it set it up at "
            "their next page."
            if required
            else "Two-factor sign-in is now optional for every role.",
        )
    return redirect("organisations:staff_list")


@staff_view(Capability.MANAGE_STAFF)
@require_POST
def organisation_hour_cycle(request: HttpRequest) -> HttpResponse:
    form = HourCycleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose 12-hour or 24-hour times.")
    elif actions.do_set_hour_cycle(actor_of(request), form.cleaned_data["hour_cycle"]):
        messages.success(request, f"Times are now shown {form.cleaned_data['hour_cycle'].label}.")
    return redirect("organisations:staff_list")
