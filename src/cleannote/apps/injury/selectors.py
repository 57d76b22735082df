"""Reading a case's lien ledger: its rows with the running balance, totals per kind, and the
settlement if the case has settled (ADR 0771)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case as When_
from django.db.models import DecimalField, F, Sum, When

from cleannote.apps.injury.models import DEBITS, LienEntry, LienKind, Settlement
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Case

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class LedgerRow:
    entry: LienEntry
    balance: Decimal
    """The balance after this row."""


@dataclass(frozen=True, slots=True)
class LienLedger:
    case: Case
    rows: tuple[LedgerRow, ...]
    totals: dict[str, Decimal]
    """Per kind (`LienKind` value), the sum of its rows."""
    balance: Decimal
    settlement: Settlement | None


def lien_balance(case_id: int) -> Decimal:
    """Charges less payments, reductions and write-offs: one query."""
    signed = When_(
        When(kind__in=DEBITS, then=F("amount")),
        default=-F("amount"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    total = LienEntry.objects.filter(case_id=case_id).aggregate(total=Sum(signed))["total"]
    return Decimal(total if total is not None else ZERO).quantize(Decimal("0.01"))


def lien_case(organisation: Organisation, case_id: int) -> Case | None:
    """The case with its patient and carrier, if it is this organisation's."""
    return (
        Case.objects.select_related("patient", "coverage")
        .filter(pk=case_id, patient__organisation=organisation)
        .first()
    )


def lien_ledger(case: Case) -> LienLedger:
    """Every row oldest first with the balance after it; three queries."""
    entries = list(
        LienEntry.objects.filter(case=case).select_related("claim").order_by("entry_date", "id")
    )
    running = ZERO
    rows = []
    totals = {kind.value: ZERO for kind in LienKind}
    for entry in entries:
        running += entry.signed_amount
        totals[entry.kind] += entry.amount
        rows.append(LedgerRow(entry, running))
    settlement = Settlement.objects.filter(case=case).first()
    return LienLedger(case, tuple(rows), totals, running, settlement)


__all__ = ["LedgerRow", "LienLedger", "lien_balance", "lien_case", "lien_ledger"]
