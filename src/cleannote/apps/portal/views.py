"""The portal's own pages: sign-in (by link or password), the home page, choosing whose
record to view, setting a password and seeing one's passkeys, signing out (ADR 0950; the
passkey ceremonies are in passkey_views.py, ADR 0952).

`GET /portal/` is the sign-in form for anyone not signed in to the portal, whatever their
staff session; signed in, it is the home page. Answers to the sign-in forms never say whether
an address is on file. Every sign-in form is rate-limited by client address and by the
address typed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.organisations.access import client_ip
from cleannote.apps.portal.actions import (
    check_portal_password,
    do_request_sign_in_link,
    do_set_portal_password,
    do_sign_in_by_link,
)
from cleannote.apps.portal.errors import PortalRefused
from cleannote.apps.portal.pages import (
    RATES,
    Portal,
    portal_of,
    portal_page,
    portal_public,
    portal_render,
    too_many,
)
from cleannote.apps.portal.session import (
    VIEWING_KEY,
    end_portal_session,
    portal_session,
    put_notice,
    start_portal_session,
)
from cleannote.apps.portal.sign_in_links import normalised_contact

LINK_SENT = (
    "If that address is on file with your clinic and you agreed to be contacted there, a "
    "sign-in link is on its way. It works once."
)


def _typed_address(group: str, request: HttpRequest) -> str:
    """The rate limit's key for the address typed, in the form it is compared in."""
    typed = request.POST.get("address", "")
    contact = normalised_contact(typed)
    return ":".join(contact) if contact else typed.strip().lower()[:254]


def _limited(request: HttpRequest, group: str) -> HttpResponse | None:
    limited = too_many(request, group, RATES["ask"])
    if limited is None and request.POST.get("address"):
        limited = too_many(request, f"{group}.address", RATES["per_address"], key=_typed_address)
    return limited


@require_http_methods(["GET"])
@portal_public
def front(request: HttpRequest) -> HttpResponse:
    """The sign-in form, or (signed in to the portal) the home page."""
    limited = too_many(request, "portal.page", RATES["page"])
    if limited is not None:
        return limited
    if portal_of(request) is not None:
        return home(request)
    return portal_render(request, "portal/sign_in.html")


@portal_page
def home(request: HttpRequest) -> HttpResponse:
    return portal_render(request, "portal/home.html")


@require_POST
@portal_public
def request_link(request: HttpRequest) -> HttpResponse:
    limited = _limited(request, "portal.link")
    if limited is not None:
        return limited
    try:
        do_request_sign_in_link(request.POST.get("address", ""), client_ip(request))
    except PortalRefused as refused:
        return portal_render(
            request, "portal/sign_in.html", {"link_problem": refused.problem}, status=400
        )
    put_notice(request, LINK_SENT)
    return redirect("portal:home")


@require_http_methods(["GET", "POST"])
@portal_public
def open_link(request: HttpRequest, secret: str) -> HttpResponse:
    """GET shows a button, POST spends the link: a mail scanner that fetches the link does
    not use it up."""
    limited = too_many(request, "portal.open", RATES["ask"] if request.method == "POST" else "30/m")
    if limited is not None:
        return limited
    if request.method == "GET":
        return portal_render(request, "portal/link.html")
    try:
        account = do_sign_in_by_link(secret, client_ip(request))
    except PortalRefused as refused:
        return portal_render(
            request, "portal/sign_in.html", {"link_problem": refused.problem}, status=410
        )
    start_portal_session(request, account.pk)
    return redirect("portal:home")


@require_POST
@portal_public
def password_sign_in(request: HttpRequest) -> HttpResponse:
    limited = _limited(request, "portal.password")
    if limited is not None:
        return limited
    try:
        account = check_portal_password(
            request.POST.get("address", ""), request.POST.get("password", ""), client_ip(request)
        )
    except PortalRefused as refused:
        return portal_render(
            request,
            "portal/sign_in.html",
            {"password_problem": refused.problem, "address": request.POST.get("address", "")},
            status=400,
        )
    start_portal_session(request, account.pk)
    return redirect("portal:home")


@require_POST
@portal_public
def sign_out(request: HttpRequest) -> HttpResponse:
    end_portal_session(request)
    put_notice(request, "You are signed out.")
    return redirect("portal:home")


@require_POST
@portal_page
def choose_patient(request: HttpRequest) -> HttpResponse:
    """View another chart this account may see (a guardian's dependant): the form names the
    access row, and only the account's own live rows are accepted."""
    portal: Portal = request.portal  # type: ignore[attr-defined]
    wanted = request.POST.get("access", "")
    chosen = next((a for a in portal.accesses if str(a.pk) == wanted), None)
    if chosen is None:
        return portal_render(
            request, "portal/home.html", {"problem": "Choose one of the records listed."}, 400
        )
    portal_session(request)[VIEWING_KEY] = chosen.pk
    return redirect("portal:home")


@require_http_methods(["GET", "POST"])
@portal_page
def password(request: HttpRequest) -> HttpResponse:
    portal: Portal = request.portal  # type: ignore[attr-defined]
    problem = ""
    if request.method == "POST":
        first, again = request.POST.get("password", ""), request.POST.get("again", "")
        if first != again:
            problem = "The two passwords differ: type the same one twice."
        else:
            try:
                do_set_portal_password(portal.actor, portal.account, first)
            except PortalRefused as refused:
                problem = refused.problem
            else:
                put_notice(request, "Your password is set. You can sign in with it next time.")
                return redirect("portal:home")
    passkeys = list(portal.account.passkeys.order_by("id"))
    return portal_render(
        request,
        "portal/password.html",
        {"problem": problem, "passkeys": passkeys},
        status=400 if problem else 200,
    )
