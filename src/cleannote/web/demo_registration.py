"""The demo's named patients registered at the front desk: one way for every demo module.

A named patient of the demo (the KX course, the reports' visits, the RTM enrolments, the
blocked notes) comes in as a desk registers one (`do_register_patient`): a Springfield
address, a primary coverage from the clinic's payer directory, the case and its referral.
"""

from __future__ import annotations

import datetime as dt

from cleannote.apps.audit.actions import Actor
from cleannote.apps.patients.actions import do_register_patient
from cleannote.apps.patients.models import Case, Coverage, Patient, Referral
from cleannote.apps.payers.models import Payer


def register_demo_patient(
    front_desk: Actor,
    patient: Patient,
    payer: Payer,
    member_id: str,
    case: Case,
    referral: Referral,
    *,
    covered_from: dt.date,
) -> Case:
    """Register `patient` (its city, state and ZIP set to Springfield, IL 62704) with a
    primary coverage of `payer` from `covered_from`, the case and the referral; the case."""
    patient.city, patient.state, patient.zip = "Springfield", "IL", "62704"
    registered = do_register_patient(
        front_desk,
        patient=patient,
        coverage=Coverage(
            priority="primary", payer_record=payer, payer_name=payer.name,
            payer_id=payer.claims_payer_id, kind=payer.kind, member_id=member_id,
            active_from=covered_from,
        ),
        case=case,
        referral=referral,
    )  # fmt: skip
    return registered.cases.get()
