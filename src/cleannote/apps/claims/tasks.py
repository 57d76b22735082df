"""Background jobs for claims. Each is importable by path and idempotent: run twice, the
second run finds the first one's batch and files nothing again (ADR 0110)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_build_batch, do_file_batch
from cleannote.apps.claims.batching import do_build_batches, ready_claim_ids
from cleannote.apps.claims.models import Batch
from cleannote.apps.exchange.clearinghouse import (
    ClearinghouseAdapter,
    filing_adapter,
    filing_adapter_for,
)
from cleannote.apps.exchange.models import ClearinghouseProfile
from cleannote.apps.organisations.models import Organisation


def build_and_file_batch(
    organisation_id: int, claim_ids: list[int], user_id: int | None = None
) -> int:
    """Build (or find) the batch of these claims and file it through its route's clearinghouse
    (ADR 0707); its id. Through an SFTP one the batch waits for `cleannote_exchange_poll`."""
    organisation = Organisation.objects.get(pk=organisation_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    actor = Actor(user=user, organisation=organisation)
    batch = do_build_batch(actor, claim_ids)
    adapter = batch_filing_adapter(batch)
    if adapter is None:
        return batch.pk
    return do_file_batch(actor, batch, adapter).pk


def batch_filing_adapter(batch: Batch) -> ClearinghouseAdapter | None:
    """The adapter the batch is filed through now: its profile's outbox, or None when it
    goes by SFTP (the poll files it). A batch built before routes follows the default."""
    if batch.profile_id is None:
        return filing_adapter(batch.organisation_id)
    return filing_adapter_for(batch.profile)


def file_pending_batches(
    actor: Actor, adapter: ClearinghouseAdapter, profile: ClearinghouseProfile
) -> int:
    """The exchange's poll of one profile: file every built batch routed through it (and,
    through the default, those built before routes) not filed yet, oldest first; how many.
    Each is filed (and its receipt committed) on its own, so a failure keeps those before."""
    pending = Batch.objects.filter(organisation=actor.organisation, filed_at__isnull=True)
    if profile.is_default:
        pending = pending.filter(Q(profile=profile) | Q(profile__isnull=True))
    else:
        pending = pending.filter(profile=profile)
    filed = 0
    for batch in pending.order_by("pk"):
        do_file_batch(actor, batch, adapter)
        filed += 1
    return filed


def file_built_batches(actor: Actor, batches: list[Batch]) -> None:
    """File each batch through its route's outbox now; SFTP ones wait for the poll."""
    for batch in batches:
        adapter = batch_filing_adapter(batch)
        if adapter is not None:
            do_file_batch(actor, batch, adapter)


def build_ready_batches(organisation_id: int) -> dict[str, object]:
    """The nightly run (`cleannote_build_batches`): every ready claim of the organisation into
    one batch per payer, filed; what was built and what was left out (ADR 0711)."""
    organisation = Organisation.objects.get(pk=organisation_id)
    actor = Actor(user=None, organisation=organisation)
    outcome = do_build_batches(actor, ready_claim_ids(actor))
    file_built_batches(actor, outcome.batches)
    return {
        "batches": [b.pk for b in outcome.batches],
        "claims": len(outcome.batched),
        "skipped": outcome.skipped,
    }
