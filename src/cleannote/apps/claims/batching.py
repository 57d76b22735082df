"""Batches of many claims: one 837P per clearinghouse route and payer, from a selection or the
nightly run (ADR 0711, 0707).

Each payer goes through its route's clearinghouse profile, else the organisation's default
(ADR 0707), so the groups are per route and payer: a claim is never batched to the wrong
clearinghouse, and a payer routed to a paused profile is skipped with the reason. Each group is
one transaction: its claims are locked and read again as ready under the lock before
`do_build_batch` writes, so a claim another builder took meanwhile is left out, never put in
two batches. The envelope splits a large group into transaction sets (`envelope.iter_batch`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_build_batch, require_biller
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Batch, Claim, ClaimStatus
from cleannote.apps.exchange.errors import ExchangeError
from cleannote.apps.exchange.routes import default_profile, routes_for, usable

BATCH_LIMIT = 5000  # claims in one request or nightly run per organisation


@dataclass
class BatchOutcome:
    batches: list[Batch] = field(default_factory=list)
    batched: list[int] = field(default_factory=list)  # claim ids put in the batches
    skipped: dict[int, str] = field(default_factory=dict)  # claim id -> why it was left out


def ready_claim_ids(actor: Actor) -> list[int]:
    """Every ready claim of the organisation (the nightly run's selection), oldest first."""
    ready = Claim.objects.filter(organisation=actor.organisation, status=ClaimStatus.READY)
    return list(ready.order_by("pk").values_list("pk", flat=True)[:BATCH_LIMIT])


def do_build_batches(
    actor: Actor, claim_ids: Iterable[int], *, at: dt.datetime | None = None
) -> BatchOutcome:
    """One batch per route and payer of the ready claims among `claim_ids`; the others are
    skipped with their status (or their paused route). A group the 837P writer refuses is
    skipped whole, with the writer's reason."""
    require_biller(actor, "batch")
    ids = sorted(set(claim_ids))
    if len(ids) > BATCH_LIMIT:
        raise ClaimError("batch", f"at most {BATCH_LIMIT} claims at once, not {len(ids)}")
    outcome = BatchOutcome()
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    rows = list(
        Claim.objects.filter(organisation=actor.organisation, pk__in=ids).values_list(
            "pk", "payer_id", "payer_name", "status", "coverage__payer_record_id"
        )
    )
    routed = routes_for(actor.organisation, {r[4] for r in rows if r[4] is not None})
    default = default_profile(actor.organisation)
    found = set()
    for pk, payer_id, payer_name, status, record_id in rows:
        found.add(pk)
        if status != ClaimStatus.READY:
            outcome.skipped[pk] = f"is {status}; only ready claims go in a batch"
            continue
        try:
            profile = usable(routed.get(record_id or 0, default), payer_name)
        except ExchangeError as exc:
            outcome.skipped[pk] = str(exc)
            continue
        groups[(profile.pk if profile else 0, payer_id)].append(pk)
    for pk in set(ids) - found:
        outcome.skipped[pk] = "no such claim in this organisation"
    for key in sorted(groups):
        members = groups[key]
        try:
            with transaction.atomic():
                locked = Claim.objects.select_for_update().filter(
                    pk__in=members, status=ClaimStatus.READY
                )
                still_ready = list(locked.order_by("pk").values_list("pk", flat=True))
                for pk in set(members) - set(still_ready):
                    outcome.skipped[pk] = "was put in another batch meanwhile"
                if still_ready:
                    outcome.batches.append(do_build_batch(actor, still_ready, at=at))
                    outcome.batched.extend(still_ready)
        except ClaimError as exc:
            for pk in members:
                outcome.skipped.setdefault(pk, exc.problem)
    return outcome
