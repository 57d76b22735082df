"""The copay due for one appointment, and where that figure came from (ADR 0632).

Check-in asks `copay_due(appointment)`. The newest eligibility answer is the best source, but
eligibility sits above scheduling, so it answers through this hook at start-up (ADR 0401).
Without it (or when no answer states a copay) the figure is the copay recorded on the
coverage that pays first on the appointment's day; failing that, it is unknown, never zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils import timezone

from cleannote.apps.patients.coverage_order import PROPERTY_AND_CASUALTY, in_cob_order
from cleannote.apps.patients.models import Coverage
from cleannote.apps.scheduling.models import Appointment
from cleannote.platform.hooks import Hook


class CopaySource(StrEnum):
    ELIGIBILITY = "eligibility"
    COVERAGE = "coverage"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CopayDue:
    """`amount` is None only when `source` is UNKNOWN.

    `answered_on` is the date of the eligibility answer (its 271), `check_id` the check it was
    stored on; both None for a coverage's recorded copay. `coverage_id` is the coverage asked.
    """

    amount: Decimal | None
    source: CopaySource
    coverage_id: int | None = None
    answered_on: dt.date | None = None
    check_id: int | None = None

    @property
    def known(self) -> bool:
        return self.amount is not None

    @property
    def explained(self) -> str:
        """Where the figure came from, in a few words for the check-in page."""
        if self.source is CopaySource.ELIGIBILITY and self.answered_on is not None:
            return f"from the payer's eligibility answer of {self.answered_on.isoformat()}"
        if self.source is CopaySource.COVERAGE:
            return "recorded on the coverage"
        return "not known: no eligibility answer states it and the coverage records none"


def appointment_day(appointment: Appointment) -> dt.date:
    """The appointment's date in the clinic's zone."""
    return timezone.localtime(appointment.start).date()


def paying_coverage(appointment: Appointment) -> Coverage | None:
    """The health coverage that pays first on the appointment's day (ADR 0500), or None.

    A property-and-casualty carrier is left out: what it owes does not come as a copay.
    """
    day = appointment_day(appointment)
    coverages = [
        c for c in appointment.patient.coverages.all() if c.kind not in PROPERTY_AND_CASUALTY
    ]
    in_force = in_cob_order(coverages, day)
    return in_force[0] if in_force else None


def copay_from_coverage(appointment: Appointment) -> CopayDue:
    """The coverage's recorded copay, or unknown; what `copay_due` answers without eligibility."""
    coverage = paying_coverage(appointment)
    if coverage is None or coverage.copay is None:
        return CopayDue(None, CopaySource.UNKNOWN, coverage.pk if coverage else None)
    return CopayDue(coverage.copay, CopaySource.COVERAGE, coverage.pk)


# The copay due for an appointment: eligibility answers with its newest answer's copay for the
# paying coverage and falls back to `copay_from_coverage`.
copay_due: Hook[[Appointment], CopayDue] = Hook("scheduling.copay_due", copay_from_coverage)
