"""The only writers of portal accounts, their access to charts and their sign-in links
(ADR 0950).

Staff invite from a chart: the link goes to the chart's email or mobile number only when the
patient's communication consent allows that channel, and the same address invited from a
second chart (a parent's email on a child's chart) gains that patient as a dependant. A
patient asks for a new link by typing their address: one is sent only when a chart the
account reaches still has that address with consent, and the answer is the same either way,
so the form tells nobody which addresses are on file. Every change is audited; what a portal
account does is audited as that account ("portal account 12"), on the clinic's chain.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.messaging.actions import do_queue_message, enqueue_sends
from cleannote.apps.messaging.models import OutboundMessage
from cleannote.apps.patients.models import Patient
from cleannote.apps.patients.selectors import consented_address
from cleannote.apps.portal.errors import PortalRefused
from cleannote.apps.portal.models import (
    PortalAccess,
    PortalAccount,
    PortalChannel,
    PortalSignInLink,
    Relationship,
)
from cleannote.apps.portal.sign_in_links import digest_of, new_secret, normalised_contact
from cleannote.apps.scheduling.contact_routes import public_url

PURPOSE = "portal sign-in link"
ACCOUNT = "portal_account"
ACCESS = "portal_access"
LINK = "portal_sign_in_link"


def portal_actor(account: PortalAccount, ip_address: str | None = None) -> Actor:
    """The account as the actor of what it does: its audit rows name "portal account <id>"."""
    return Actor(
        user=None,
        organisation=account.organisation,
        ip_address=ip_address,
        via=f"portal account {account.pk}",
    )


def link_lifetime() -> dt.timedelta:
    return dt.timedelta(minutes=settings.CLEANNOTE_PORTAL_LINK_MINUTES)


def _issue_link(
    actor: Actor, account: PortalAccount, to: str, patient_id: int
) -> tuple[str, OutboundMessage]:
    """A new link for the account, queued to `to`: (the secret, the queued message)."""
    secret = new_secret()
    now = timezone.now()
    link = PortalSignInLink.objects.create(
        account=account,
        digest=digest_of(secret),
        channel=account.channel,
        created_at=now,
        expires_at=now + link_lifetime(),
    )
    clinic = account.organisation.name
    address = public_url(reverse("portal:link", args=[secret]))
    minutes = settings.CLEANNOTE_PORTAL_LINK_MINUTES
    message = do_queue_message(
        actor,
        channel=account.channel,
        to=to,
        subject=f"Sign in to the {clinic} patient portal" if account.channel == "email" else "",
        body=(
            f"Sign in to the {clinic} patient portal: {address} "
            f"The link works once, within {minutes} minutes. "
            "If you did not ask for it, you can ignore this message."
        ),
        purpose=PURPOSE,
        idempotency_key=f"portal-link:{link.pk}",
        reference_type=LINK,
        reference_id=link.pk,
        patient_id=patient_id,
    )
    do_record_audit_event(actor, AuditAction.CREATE, LINK, link.pk, patient_id=patient_id)
    return secret, message


@transaction.atomic
def _invite(
    actor: Actor, patient: Patient, channel: str, relationship: str
) -> tuple[PortalAccount, str, OutboundMessage]:
    if patient.organisation_id != actor.organisation.pk:
        raise PortalRefused("patient", "belongs to another organisation")
    if channel not in PortalChannel.values:
        raise PortalRefused("channel", f"choose {' or '.join(PortalChannel.values)}")
    if relationship not in Relationship.values:
        raise PortalRefused("relationship", f"choose one of {', '.join(Relationship.values)}")
    to = consented_address(patient.pk, channel)
    contact = normalised_contact(to) if to else None
    if contact is None or contact[0] != channel:
        label = PortalChannel(channel).label.lower()
        raise PortalRefused(
            "channel",
            f"the chart has no {label} address the patient agreed to be reached at",
        )
    now = timezone.now()
    account, created = PortalAccount.objects.get_or_create(
        organisation=actor.organisation,
        channel=channel,
        contact=contact[1],
        defaults={"created_at": now},
    )
    reopened = account.disabled_at is not None
    if reopened:
        account.disabled_at = None
        account.save(update_fields=["disabled_at"])
    if created or reopened:
        do_record_audit_event(actor, AuditAction.CREATE, ACCOUNT, account.pk, patient_id=patient.pk)
    access = PortalAccess.objects.filter(
        account=account, patient=patient, revoked_at__isnull=True
    ).first()
    if access is None:
        access = PortalAccess.objects.create(
            account=account,
            patient=patient,
            relationship=relationship,
            granted_at=now,
            granted_by=actor.user,
        )
        do_record_audit_event(
            actor,
            AuditAction.CREATE,
            ACCESS,
            access.pk,
            patient_id=patient.pk,
            reason=f"portal access as {Relationship(relationship).label.lower()}",
        )
    secret, message = _issue_link(actor, account, to, patient.pk)
    return account, secret, message


def do_invite_to_portal(
    actor: Actor,
    patient: Patient,
    *,
    channel: str,
    relationship: str = Relationship.SELF,
) -> tuple[PortalAccount, str]:
    """Give the address on the chart (by `channel`) portal access to this patient and send it
    a sign-in link; (the account, the link's secret). Refused when the patient has not agreed
    to be reached on that channel, or the chart has no such address."""
    account, secret, message = _invite(actor, patient, channel, relationship)
    enqueue_sends([message.pk])
    return account, secret


def _consented_route(account: PortalAccount) -> tuple[str, int] | None:
    """(the chart's address, its patient) for a chart the account reaches that still has the
    account's address with consent; None when consent was withdrawn or the address changed."""
    for access in live_accesses(account):
        to = consented_address(access.patient_id, account.channel)
        if to and normalised_contact(to) == (account.channel, account.contact):
            return to, access.patient_id
    return None


def live_accesses(account: PortalAccount) -> list[PortalAccess]:
    """The patients the account may see, its holder's own record first."""
    rows = (
        PortalAccess.objects.filter(account=account, revoked_at__isnull=True)
        .select_related("patient")
        .order_by("id")
    )
    return sorted(rows, key=lambda access: access.relationship != Relationship.SELF)


def do_request_sign_in_link(address: str, ip_address: str | None) -> int:
    """Send a new link to every live account at this address that a consenting chart still
    names; how many were sent (the page never says: the answer is the same for any address)."""
    contact = normalised_contact(address)
    if contact is None:
        raise PortalRefused("address", "type an email address or a 10-digit mobile number")
    sent: list[int] = []
    accounts = PortalAccount.objects.filter(
        channel=contact[0], contact=contact[1], disabled_at__isnull=True
    ).select_related("organisation")
    with transaction.atomic():
        for account in accounts:
            route = _consented_route(account)
            if route is None:
                continue
            _secret, message = _issue_link(portal_actor(account, ip_address), account, *route)
            sent.append(message.pk)
    if sent:
        enqueue_sends(sent)
    return len(sent)


class LinkProblem:
    UNKNOWN = "This sign-in link is not valid. Ask for a new one below."
    USED = "This sign-in link was already used: each link works once. Ask for a new one below."
    EXPIRED = "This sign-in link has expired. Ask for a new one below."
    CLOSED = "This portal account is closed. Please call the clinic."


def finish_sign_in(account: PortalAccount, ip_address: str | None, how: str) -> PortalAccount:
    """Mark and audit the sign-in of an account whose link, password or passkey checked out;
    refused when the account is closed or reaches no chart. Called inside the caller's
    transaction."""
    if account.disabled_at is not None or not live_accesses(account):
        raise PortalRefused("account", LinkProblem.CLOSED)
    account.last_sign_in_at = timezone.now()
    account.save(update_fields=["last_sign_in_at"])
    do_record_audit_event(
        portal_actor(account, ip_address), AuditAction.SIGN_IN, ACCOUNT, account.pk, reason=how
    )
    return account


@transaction.atomic
def do_sign_in_by_link(secret: str, ip_address: str | None) -> PortalAccount:
    """The account the link signs in; the link is spent by the same UPDATE that checks it is
    unspent and unexpired, so two tabs opening it at once sign in one."""
    now = timezone.now()
    digest = digest_of(secret)
    spent = PortalSignInLink.objects.filter(
        digest=digest, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    link = PortalSignInLink.objects.filter(digest=digest).select_related("account__organisation")
    found = link.first()
    if not spent:
        if found is None:
            raise PortalRefused("link", LinkProblem.UNKNOWN)
        raise PortalRefused("link", LinkProblem.USED if found.used_at else LinkProblem.EXPIRED)
    assert found is not None
    return finish_sign_in(found.account, ip_address, "by a one-time link")


# Checked when no account matches, so a wrong address costs the same time as a wrong password.
_NOBODY = make_password("portal-timing-equaliser")


def check_portal_password(address: str, password: str, ip_address: str | None) -> PortalAccount:
    """The account at this address whose password this is; refused (with one wording for a
    wrong address and a wrong password) otherwise. A failure on a known account is audited."""
    contact = normalised_contact(address)
    accounts = (
        list(
            PortalAccount.objects.filter(
                channel=contact[0], contact=contact[1], disabled_at__isnull=True
            )
            .exclude(password="")
            .select_related("organisation")
        )
        if contact is not None
        else []
    )
    if not accounts:
        check_password(password, _NOBODY)
    for account in accounts:
        if check_password(password, account.password):
            with transaction.atomic():
                return finish_sign_in(account, ip_address, "by password")
    for account in accounts:
        do_record_audit_event(
            portal_actor(account, ip_address), AuditAction.SIGN_IN_FAILED, ACCOUNT, account.pk
        )
    raise PortalRefused("password", "That address and password do not match.")


@transaction.atomic
def do_set_portal_password(actor: Actor, account: PortalAccount, password: str) -> None:
    """Let the holder sign in with a password as well as by link (Django's validators and
    hashers, as for staff)."""
    try:
        validate_password(password)
    except ValidationError as error:
        raise PortalRefused("password", " ".join(error.messages)) from None
    account.password = make_password(password)
    account.save(update_fields=["password"])
    do_record_audit_event(actor, AuditAction.UPDATE, ACCOUNT, account.pk, reason="set a password")


@transaction.atomic
def do_revoke_portal_access(actor: Actor, access: PortalAccess) -> None:
    """End an account's access to one chart (a guardianship ended, an invite to the wrong
    address); the account keeps any other access it has."""
    if access.patient.organisation_id != actor.organisation.pk:
        raise PortalRefused("access", "belongs to another organisation")
    changed = PortalAccess.objects.filter(pk=access.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if changed:
        do_record_audit_event(
            actor, AuditAction.DELETE, ACCESS, access.pk, patient_id=access.patient_id
        )
