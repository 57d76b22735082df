"""Which clearinghouse each payer's claims go through (ADR 0707).

A payer without a `PayerRoute` goes through the organisation's default profile. A route to a
paused profile refuses: a batch built for it would never be polled out, so the biller is sent
to the routing screen instead. An organisation with no profile at all (the `CLEANNOTE_EDI`
setting alone) routes every payer to None, the setting's trading partner and the outbox.
"""

from __future__ import annotations

from django.db import transaction

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.exchange.errors import ExchangeError, require_capability
from cleannote.apps.exchange.models import ClearinghouseProfile, PayerRoute
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.payers.models import Payer

ROUTES_PAGE = "/exchange/routes/"


def default_profile(organisation: Organisation) -> ClearinghouseProfile | None:
    return ClearinghouseProfile.objects.filter(organisation=organisation, is_default=True).first()


def routes_for(organisation: Organisation, payer_ids: set[int]) -> dict[int, ClearinghouseProfile]:
    """The explicit routes of these payers (payer id -> profile); the others use the default."""
    rows = PayerRoute.objects.filter(organisation=organisation, payer_id__in=payer_ids)
    return {r.payer_id: r.profile for r in rows.select_related("profile")}


def usable(profile: ClearinghouseProfile | None, payer_name: str) -> ClearinghouseProfile | None:
    """The profile, or an ExchangeError saying where to fix it when it is paused."""
    if profile is not None and not profile.active:
        raise ExchangeError(
            f"payer {payer_name}",
            f"routed to clearinghouse {profile.name}, which is paused; choose another route on "
            f"{ROUTES_PAGE} or resume the profile",
        )
    return profile


def route_for(organisation: Organisation, payer: Payer) -> ClearinghouseProfile | None:
    """The profile this payer's claims are filed through: its route, else the default."""
    routed = routes_for(organisation, {payer.pk}).get(payer.pk)
    return usable(routed or default_profile(organisation), payer.name)


@transaction.atomic
def do_set_route(actor: Actor, payer: Payer, profile: ClearinghouseProfile | None) -> None:
    """Route the payer through `profile`; None (or the default profile) removes the route, so
    the payer follows whichever profile is the default. Audited as an update of the payer."""
    subject = f"payer {payer.name}"
    require_capability(
        actor, subject, Capability.MANAGE_PAYERS, "only billers and the owner route payers"
    )
    if payer.organisation_id != actor.organisation.pk:
        raise ExchangeError(subject, "belongs to another organisation")
    if profile is not None and profile.organisation_id != actor.organisation.pk:
        raise ExchangeError(subject, "that clearinghouse belongs to another organisation")
    if profile is not None and not profile.active:
        raise ExchangeError(
            subject, f"clearinghouse {profile.name} is paused; resume it before routing to it"
        )
    if profile is None or profile.is_default:
        deleted, _ = PayerRoute.objects.filter(payer=payer).delete()
        if not deleted:
            return
    else:
        PayerRoute.objects.update_or_create(
            payer=payer, defaults={"organisation": actor.organisation, "profile": profile}
        )
    do_record_audit_event(actor, AuditAction.UPDATE, "payer_route", payer.pk)
