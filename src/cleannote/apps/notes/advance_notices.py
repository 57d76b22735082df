"""The signed Advance Beneficiary Notices a Medicare visit carries (ADR 0960).

The intake app (above notes) keeps the notices patients sign; the visit builder asks it through
this hook for the notices of each patient, and puts them on the visit (`Visit.notices`) so the
modifier engine and the scrubber judge GA, GZ and GY from what was signed. With no answer
registered (a build without the intake app) the visit says nothing about notices, and nothing
is judged.
"""

from __future__ import annotations

from collections.abc import Iterable

from cleannote.platform.hooks import Hook, no_answer
from cleannote.rules.visit import BeneficiaryNotice

BENEFICIARY_NOTICES: Hook[[Iterable[int]], dict[int, tuple[BeneficiaryNotice, ...]]] = Hook(
    "notes.beneficiary_notices", no_answer
)


def notices_of_patients(patient_ids: Iterable[int]) -> dict[int, tuple[BeneficiaryNotice, ...]]:
    """Each patient's signed notices (an empty tuple for one with none), in one question."""
    ids = list(patient_ids)
    found = BENEFICIARY_NOTICES(ids)
    return {pk: tuple(found.get(pk, ())) for pk in ids}


def notices_on_file(patient_id: int) -> tuple[BeneficiaryNotice, ...] | None:
    """One patient's signed notices, or None when no app answers (nothing to judge)."""
    if not BENEFICIARY_NOTICES.registered:
        return None
    return notices_of_patients([patient_id])[patient_id]
