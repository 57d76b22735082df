"""A case's PIP or MedPay limit as it is drawn down, and the day it ran out (ADR 0770).

The limit is on the case (`Case.pip_medpay_limit`); what the carrier has paid on it is the
claims app's to know (the claims to the case's auto carrier and their posted payments, from an
835 or a paper EOB), asked through the `pip_paid` hook. The carrier's exhaustion letter, or the
posted payment that reached the limit, is recorded here with `do_record_pip_exhausted`; from
that day `coverage_order.claim_order` bills the next payer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.patients.chart_actions import ChartChangeRefused
from cleannote.apps.patients.coverage_order import NO_FAULT
from cleannote.apps.patients.models import Case
from cleannote.platform.hooks import Hook, no_answer

ZERO = Decimal("0.00")

# {case id: what the case's PIP/MedPay carrier has paid on it} (the claims app answers).
pip_paid: Hook[[Collection[int]], Mapping[int, Decimal]] = Hook("patients.pip_paid", no_answer)


@dataclass(frozen=True, slots=True)
class PipUse:
    """A case's PIP/MedPay limit, what its carrier paid against it and what is left."""

    limit: Decimal
    paid: Decimal
    exhausted_on: dt.date | None
    note: str

    @property
    def remaining(self) -> Decimal:
        return max(self.limit - self.paid, ZERO) if self.exhausted_on is None else ZERO


def draws_limit(case: Case) -> bool:
    """Whether the case bills an auto carrier with a PIP/MedPay limit (the carrier is read
    through the case's coverage: one query unless it is loaded)."""
    if case.pip_medpay_limit is None or case.coverage_id is None:
        return False
    return case.coverage is not None and case.coverage.kind in NO_FAULT


def pip_use(case: Case) -> PipUse | None:
    """The limit, paid and remaining of `case`; None when it has no PIP/MedPay limit."""
    if not draws_limit(case) or case.pip_medpay_limit is None:
        return None
    paid = pip_paid([case.pk]).get(case.pk, ZERO)
    return PipUse(case.pip_medpay_limit, paid, case.pip_exhausted_on, case.pip_exhaustion_note)


@transaction.atomic
def do_record_pip_exhausted(actor: Actor, case: Case, *, on: dt.date, note: str) -> Case:
    """Record that the case's PIP/MedPay benefits ran out on `on` (the carrier's letter, or the
    payment that reached the limit), with how it is known. The earlier date stands when it is
    already recorded; a case without a PIP/MedPay carrier is refused."""
    row = (
        # Only the case row is locked: its carrier is read beside it (an outer join).
        Case.objects.select_for_update(of=("self",))
        .select_related("coverage")
        .filter(pk=case.pk, patient__organisation=actor.organisation)
        .first()
    )
    if row is None:
        raise ChartChangeRefused("case", f"case {case.pk} is not in this organisation")
    if row.coverage is None or row.coverage.kind not in NO_FAULT:
        raise ChartChangeRefused(
            "pip_exhausted_on", "the case does not bill a PIP or MedPay carrier"
        )
    text = " ".join(note.split())[:200]
    if not text:
        raise ChartChangeRefused("pip_exhaustion_note", "say how the exhaustion is known")
    if row.pip_exhausted_on is not None and row.pip_exhausted_on <= on:
        return row
    row.pip_exhausted_on = on
    row.pip_exhaustion_note = text
    row.save(update_fields=["pip_exhausted_on", "pip_exhaustion_note"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "case.pip_exhausted_on",
        row.pk,
        patient_id=row.patient_id,
        reason=text,
    )
    case.pip_exhausted_on, case.pip_exhaustion_note = on, text
    return row
