"""The denials worklist's kept rows (`DeniedReason`, ADR 0871) equal the live count of the
denied adjustments as claims are denied, part-paid and appealed through the actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cleannote.apps.claims.actions import (
    LineOutcome,
    do_build_batch,
    do_mark_ready,
    do_record_adjudication,
)
from cleannote.apps.claims.denied import UNDECIDED, rebuild_denied_reasons
from cleannote.apps.claims.denied_models import DeniedReason
from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.remittance import denial_actions as da
from cleannote.apps.remittance.selectors import (
    denial_reason_counts,
    denials_worklist,
    denied_claim_page,
)
from tests.apps.claims.conftest import another_claim
from tests.apps.remittance.test_denials import _second_denial, denied  # noqa: F401  (a fixture)
from tests.personas import TODAY


def _live(organisation, payer_id: str = "") -> dict[str, tuple[int, Decimal, list[str]]]:
    """Each CARC's claims, amount and group codes, counted from the adjustments themselves."""
    live = {}
    for group in denials_worklist(organisation, TODAY):
        claims = [c for c in group.claims if not payer_id or _payer(c.claim_id) == payer_id]
        if claims:
            live[group.reason] = (
                len(claims),
                sum((c.amount for c in claims), Decimal("0")),
                sorted(group.group_codes),
            )
    return live


def _payer(claim_id: int) -> str:
    return Claim.objects.get(pk=claim_id).payer_id


def _kept(organisation, payer_id: str = "") -> dict[str, tuple[int, Decimal, list[str]]]:
    return {
        r.reason: (r.claims, r.total, r.group_codes)
        for r in denial_reason_counts(organisation, payer_id)
    }


def _live_order(organisation) -> list[int]:
    decided = {}
    for group in denials_worklist(organisation, TODAY):
        for row in group.claims:
            decided[row.claim_id] = row.denied_on or UNDECIDED
    return sorted(decided, key=lambda pk: (decided[pk], pk))


def test_kept_denials_equal_the_live_count(billing, denied):  # noqa: F811
    organisation = billing.clinic.organisation
    # given a claim denied whole (CARC 50, from an 835), a second one (CARC 197, a day later),
    # and a claim paid on its first line whose second line was denied (CARC 50 again, a paper
    # EOB through the claims app's adjudication)
    other = _second_denial(billing, "197")
    part = do_record_adjudication(
        billing.actor,
        _sent(billing),
        adjudicated_on=TODAY - dt.timedelta(days=2),
        payer_claim_number="PCN9",
        lines={
            1: LineOutcome(paid=Decimal("100.00"), adjustments=(("CO", "45", Decimal("30.00")),)),
            2: LineOutcome(paid=Decimal("0"), adjustments=(("CO", "50", Decimal("60.00")),)),
        },
    )
    assert part.status == ClaimStatus.PAID
    # then the kept counts are the live ones: 50 holds the whole denial and the unpaid line
    assert _kept(organisation) == _live(organisation)
    assert _kept(organisation) == {
        "50": (2, Decimal("250.00"), ["CO"]),
        "197": (1, Decimal("190.00"), ["CO"]),
    }
    assert _kept(organisation, denied.payer_id) == _live(organisation, denied.payer_id)
    # and the pages give the live order, a CARC's page its own claims
    ids, _ = denied_claim_page(organisation, 10)
    assert ids == _live_order(organisation)
    assert set(ids) == {denied.pk, other.pk, part.pk}
    assert denied_claim_page(organisation, 10, reason="197")[0] == [other.pk]
    # when the second denial is appealed, it leaves the worklist, kept and live alike
    da.do_appeal_denial(billing.actor, other, note="records attached")
    assert _kept(organisation) == _live(organisation) == {"50": (2, Decimal("250.00"), ["CO"])}
    assert other.pk not in denied_claim_page(organisation, 10)[0]
    # and a recount of the whole clinic writes the same rows
    before = sorted(DeniedReason.objects.values_list("claim_id", "reason", "amount", "decided"))
    assert rebuild_denied_reasons(organisation) == 2
    after = sorted(DeniedReason.objects.values_list("claim_id", "reason", "amount", "decided"))
    assert after == before


def _sent(billing) -> Claim:
    claim = do_mark_ready(billing.actor, another_claim(billing, 6))
    do_build_batch(billing.actor, [claim.pk])
    claim.refresh_from_db()
    return claim
