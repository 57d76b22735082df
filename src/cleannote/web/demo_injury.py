"""The demo's letter-of-protection case: a lien ledger and a recorded settlement (ADR 0771).

A collision case with the attorney's lien on file, other than the one the PIP flag uses
(demo_flags.py), is moved to the at-fault driver's liability carrier (the front desk adds the
coverage and points the case at it, `do_add_coverage_to_chart`, `do_update_case`); the biller
bills its signed notes, posts their charges to the lien ledger at the full fee, and records
the settlement the attorney reported: a reduction of a quarter, 70% paid, the rest written
off. Everything goes through the actions a person uses.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.injury.actions import do_post_lien_charges, do_record_settlement
from cleannote.apps.injury.models import Settlement
from cleannote.apps.injury.selectors import lien_balance
from cleannote.apps.notes.models import Note
from cleannote.apps.patients.chart_actions import do_add_coverage_to_chart, do_update_case
from cleannote.apps.patients.models import Case, Coverage, CoveragePriority
from cleannote.apps.payers.actions import do_find_or_add_payer
from cleannote.rules.visit import PayerKind

LIABILITY = ("Harbor Casualty Liability (demo)", "DEMO-HCL")
CENT = Decimal("0.01")


def load_demo_lop(front_desk: Actor, biller: Actor, today: dt.date) -> Settlement | None:
    """Settle one lien case; None when the demo has no collision case with a lien to use."""
    case = _lien_case(front_desk)
    if case is None:
        return None
    carrier = do_find_or_add_payer(
        biller, name=LIABILITY[0], claims_payer_id=LIABILITY[1],
        kind=PayerKind.AUTO_LIABILITY.value,
    )  # fmt: skip
    taken = {c.priority for c in case.patient.coverages.all() if c.is_active_on(today)}
    free = next((p for p in CoveragePriority if p.value not in taken), None)
    if free is None:
        return None
    coverage = do_add_coverage_to_chart(
        front_desk,
        case.patient,
        Coverage(
            priority=free.value,
            payer_record=carrier,
            member_id=f"HCL-{case.pk:06d}",
            active_from=case.accident_date or case.opened_on,
        ),
        reason="At-fault driver's liability carrier, from the attorney's letter of protection",
    )
    do_update_case(
        front_desk,
        case,
        reason="Treated under a letter of protection: the liability carrier answers",
        coverage=coverage,
        case_manager_email="dana.price@lowellpark.example",
        attorney_email="intake@lowellpark.example",
    )
    for note in Note.objects.filter(case=case, signed_at__isnull=False).order_by(
        "date_of_service", "pk"
    ):
        try:
            do_create_claim_from_note(biller, note, as_of=today)
        except ClaimError:
            continue
    if not do_post_lien_charges(biller, case):
        return None
    balance = lien_balance(case.pk)
    reduction = (balance / 4).quantize(CENT)
    payment = (balance * Decimal("0.70")).quantize(CENT)
    return do_record_settlement(
        biller,
        case,
        settled_on=today - dt.timedelta(days=3),
        settlement_amount=Decimal("45000.00"),
        reduction=reduction,
        payment=payment,
        memo="Lowell & Park LLP check from the settlement; 25% reduction agreed by phone",
    )


def _lien_case(actor: Actor) -> Case | None:
    """The newest open collision case with a lien on file whose PIP carrier has no claims
    (the PIP flag's case has them, demo_flags.py) and that has signed notes."""
    cases = (
        Case.objects.filter(
            patient__organisation=actor.organisation,
            accident_kind="auto",
            lien_on_file=True,
            closed_on__isnull=True,
            notes__signed_at__isnull=False,
        )
        .exclude(notes__claims__isnull=False)
        .select_related("patient", "coverage")
        .distinct()
        .order_by("-opened_on", "pk")
    )
    return cases.first()
