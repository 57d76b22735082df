"""Who may change the clinical part of a chart (ADR 0521).

Pages ask for capabilities (`organisations.roles`); a clinical write also asks who treats the
patient: a clinician of the case's discipline whose credential may establish a plan of care
(the scope table, `rules/scope_of_practice.py`), or the owner. Assistants and massage therapists
treat under the plan but do not diagnose or write it. Recording a physician's signature or a
referral is paperwork: front desk and clinicians of the organisation may. So is keeping the
medication list (ADR 0964): the front desk and the clinicians write it, anyone who sees the
chart reads it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.models import Role, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.models import Case, Patient
from cleannote.rules.scope_of_practice import Act, act_refusal
from cleannote.rules.visit import DISCIPLINE_OF_CREDENTIAL, Credential


class ChartAccessRefused(PermissionDenied):
    """The person may not make this change to this chart; the message says why (no PHI)."""


def staff_of(actor: Actor) -> Staff | None:
    if actor.user is None:
        return None
    return Staff.objects.filter(user=actor.user, organisation=actor.organisation).first()


def clinical_refusal(staff: Staff | None, case: Case) -> str | None:
    """Why `staff` may not diagnose or write the plan for `case`, or None when they may."""
    if staff is None:
        return "only staff of the organisation change a chart"
    if staff.organisation_id != case.patient.organisation_id:
        return "the patient is not in this organisation"
    if staff.role == Role.OWNER:
        return None
    if not staff.credential:
        return "diagnoses and plans of care are written by a treating clinician"
    credential = Credential(staff.credential)
    refusal = act_refusal(credential, Act.PLAN_OF_CARE)
    if refusal is not None:
        return str(refusal)
    if DISCIPLINE_OF_CREDENTIAL[credential].value != case.discipline:
        return f"a {case.get_discipline_display()} case is treated by its discipline's clinicians"
    return None


def paperwork_refusal(staff: Staff | None, case: Case) -> str | None:
    """Why `staff` may not record referrals, certifications or deliveries for `case`."""
    if staff is None:
        return "only staff of the organisation change a chart"
    if staff.organisation_id != case.patient.organisation_id:
        return "the patient is not in this organisation"
    if has_capability(staff.role, Capability.REGISTER_PATIENTS):
        return None
    if has_capability(staff.role, Capability.WRITE_NOTES) and staff.credential:
        return None
    return "referrals and certifications are recorded by the front desk or the clinicians"


def medication_refusal(staff: Staff | None, patient: Patient) -> str | None:
    """Why `staff` may not add to, change or stop `patient`'s medications, or None: the chart's
    editors (owner, therapist, front desk) and the clinicians who document (an assistant)."""
    if staff is None:
        return "only staff of the organisation change a chart"
    if staff.organisation_id != patient.organisation_id:
        return "the patient is not in this organisation"
    if has_capability(staff.role, Capability.EDIT_CHART):
        return None
    if has_capability(staff.role, Capability.WRITE_NOTES) and staff.credential:
        return None
    return "the medication list is kept by the front desk and the clinicians"


def require_clinical(actor: Actor, case: Case) -> Staff | None:
    refusal = clinical_refusal(staff_of(actor), case)
    if refusal is not None:
        raise ChartAccessRefused(f"case {case.pk}: {refusal}")
    return staff_of(actor)


def require_paperwork(actor: Actor, case: Case) -> None:
    refusal = paperwork_refusal(staff_of(actor), case)
    if refusal is not None:
        raise ChartAccessRefused(f"case {case.pk}: {refusal}")


def require_medication_writer(actor: Actor, patient: Patient) -> Staff:
    staff = staff_of(actor)
    refusal = medication_refusal(staff, patient)
    if refusal is not None or staff is None:
        raise ChartAccessRefused(f"patient {patient.pk}: {refusal}")
    return staff
