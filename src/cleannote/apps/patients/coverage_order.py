"""Coordination of benefits: which of a patient's coverages a visit bills, first to last.

One function decides it for the claim, the note page's scrub, the secondary claim and the
chart (ADR 0500): the coverages in force on the date of service, ordered primary, secondary,
tertiary. A case for an auto or work accident names its carrier (`Case.coverage`); that
carrier pays first for that case only, and a workers' compensation carrier pays alone. Once a
PIP or MedPay carrier's benefits for the case are exhausted (`Case.pip_exhausted_on`), it
bills no more: the health plans follow, then the patient's auto liability carrier (ADR 0770).
Property-and-casualty coverages a case does not name never bill it: one accident's insurer
does not pay for another problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from cleannote.apps.patients.models import COB_RANK, Case, Coverage
from cleannote.rules.visit import PayerKind

PROPERTY_AND_CASUALTY = frozenset(
    {
        PayerKind.AUTO_PIP.value,
        PayerKind.AUTO_MEDPAY.value,
        PayerKind.AUTO_LIABILITY.value,
        PayerKind.WORKERS_COMP.value,
    }
)

# The auto carriers whose benefits a case draws down to a limit (`Case.pip_medpay_limit`).
NO_FAULT = frozenset({PayerKind.AUTO_PIP.value, PayerKind.AUTO_MEDPAY.value})


def in_cob_order(coverages: Iterable[Coverage], day: dt.date) -> list[Coverage]:
    """The coverages in force on `day`, primary first; the newer of two with one priority."""
    active = [c for c in coverages if c.is_active_on(day)]
    return sorted(active, key=lambda c: (COB_RANK[c.priority], -c.active_from.toordinal(), c.pk))


def claim_order(case: Case, coverages: Iterable[Coverage], day: dt.date) -> list[Coverage]:
    """The payers of a visit in `case` on `day`, in the order they are billed.

    `coverages` are the patient's (all of them; this function picks those in force). An
    empty list means self-pay.
    """
    rows = list(coverages)
    health = [c for c in in_cob_order(rows, day) if c.kind not in PROPERTY_AND_CASUALTY]
    named = next((c for c in rows if c.pk == case.coverage_id), None)
    if named is None or named.kind not in PROPERTY_AND_CASUALTY or not named.is_active_on(day):
        return health
    if named.kind == PayerKind.WORKERS_COMP.value:
        return [named]
    if named.kind in NO_FAULT and case.pip_exhausted_on is not None:
        liability = [
            c
            for c in in_cob_order(rows, day)
            if c.kind == PayerKind.AUTO_LIABILITY.value and c.pk != named.pk
        ]
        return [*health, *liability]
    return [named, *health]
