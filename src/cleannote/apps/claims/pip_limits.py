"""What a case's PIP or MedPay carrier has paid against the case's limit, read from its claims,
and what happens when the limit runs out (ADR 0770).

Every posted payment counts, from an 835 or a paper EOB alike: both reach the claim through
`actions.do_record_adjudication`, which sets `Claim.paid_amount`. The forward view draws the
limit down by the payments and by the charge of each claim the carrier has not answered yet
(it will pay from the same limit). When the payments reach the limit the case's benefits are
recorded as exhausted on the day of that payment, and the claims made after it bill the next
payer carrying that date and how it is known.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.db.models import F, QuerySet, Sum

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.models import Claim
from cleannote.apps.patients.benefit_limits import ZERO, do_record_pip_exhausted
from cleannote.apps.patients.coverage_order import NO_FAULT
from cleannote.apps.patients.models import Case, Coverage


def _carrier_claims(case_ids: Collection[int]) -> QuerySet[Claim]:
    """The cases' claims to the auto carrier each case names, not voided."""
    return Claim.objects.filter(
        note__case_id__any_of=case_ids,  # one array for a week's 2,000 cases (ADR 0607)
        coverage_id=F("note__case__coverage_id"),
        payer_kind__in=NO_FAULT,
        voided=False,
    ).order_by()


def pip_paid(case_ids: Collection[int]) -> dict[int, Decimal]:
    """{case id: what its PIP/MedPay carrier has paid on it}; one query (the patients app's
    `benefit_limits.pip_paid` hook)."""
    rows = (
        _carrier_claims(case_ids)
        .filter(paid_amount__isnull=False)
        .values_list("note__case_id")
        .annotate(total=Sum("paid_amount"))
    )
    return {case_id: Decimal(total) for case_id, total in rows}


def pip_drawn(case_ids: Collection[int]) -> dict[int, Decimal]:
    """{case id: paid by the carrier + the charges of its claims not answered yet}; one query."""
    drawn: dict[int, Decimal] = {}
    rows = _carrier_claims(case_ids).values_list("note__case_id", "paid_amount", "total_charge")
    for case_id, paid, charge in rows:
        drawn[case_id] = drawn.get(case_id, ZERO) + (charge if paid is None else paid)
    return drawn


def note_limit_reached(actor: Actor, claim: Claim) -> None:
    """After a payment is posted on `claim`: when its case's carrier has now paid the whole
    limit, record the benefits exhausted on the day of that payment."""
    if claim.payer_kind not in NO_FAULT or claim.adjudicated_on is None:
        return
    case = Case.objects.filter(pk=claim.note.case_id).select_related("coverage").first()
    if (
        case is None
        or case.coverage_id != claim.coverage_id
        or case.pip_medpay_limit is None
        or case.pip_exhausted_on is not None
    ):
        return
    paid = pip_paid([case.pk]).get(case.pk, ZERO)
    if paid < case.pip_medpay_limit:
        return
    do_record_pip_exhausted(
        actor,
        case,
        on=claim.adjudicated_on,
        note=f"Posted payments of ${paid:,.2f} reached the ${case.pip_medpay_limit:,.2f} limit",
    )


def stamp_exhausted_carrier(claim: Claim, case: Case, coverage: Coverage) -> None:
    """A claim billed past the case's exhausted PIP/MedPay carrier carries the exhaustion's
    date and how it is known (the carrier's letter, or the payments that reached the limit)."""
    if case.pip_exhausted_on is None or coverage.pk == case.coverage_id:
        return
    named = case.coverage
    if named is None or named.kind not in NO_FAULT:
        return
    claim.prior_payer_exhausted_on = case.pip_exhausted_on
    claim.prior_payer_exhaustion_note = (
        f"{named.payer_name} PIP/MedPay exhausted {case.pip_exhausted_on:%Y-%m-%d}: "
        f"{case.pip_exhaustion_note}"
    )[:200]
    claim.save(update_fields=["prior_payer_exhausted_on", "prior_payer_exhaustion_note"])
