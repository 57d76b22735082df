"""Our models as FHIR R4 resources, mapped at the edge (ADR 0910).

Each `*_resource` function takes one of our rows (with what it names already loaded by the
search's `select_related`) and returns the resource as a JSON-ready dict. Nothing here is
stored: the facade reads the same rows the pages read. Ids are our primary keys; an
Observation has two sources, so its id carries a prefix (`m` an outcome-measure result, `p` a
note's pain level).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.notes.models import Note, NoteStatus, TreatmentBlock
from cleannote.apps.organisations.models import Location, Organisation, Staff
from cleannote.apps.patients.models import (
    CaseDiagnosis,
    Coverage,
    Goal,
    GoalStatus,
    OutcomeMeasureResult,
    Patient,
    PlanOfCare,
)
from cleannote.rules.outcome_measures import find_instrument

Resource = dict[str, Any]

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
CHART_SYSTEM = "urn:cleannote:chart-number"
CLAIM_SYSTEM = "urn:cleannote:patient-control-number"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
LOINC_SYSTEM = "http://loinc.org"
INSTRUMENT_SYSTEM = "urn:cleannote:outcome-measure"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"

GENDER = {"F": "female", "M": "male", "U": "unknown"}
# LOINC 72514-3: pain severity, 0-10 verbal numeric rating, reported.
PAIN_LOINC = "72514-3"

# Claims a payer has decided: these are ExplanationOfBenefit as well as Claim.
ADJUDICATED = (
    ClaimStatus.PAID,
    ClaimStatus.PARTIALLY_PAID,
    ClaimStatus.DENIED,
    ClaimStatus.APPEALED,
    ClaimStatus.CLOSED,
)


def ref(kind: str, pk: object) -> dict[str, str]:
    return {"reference": f"{kind}/{pk}"}


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _instant(moment: dt.datetime) -> str:
    return moment.isoformat()


def _money(amount: Decimal) -> dict[str, Any]:
    return {"value": float(amount), "currency": "USD"}


def _address(line1: str, line2: str, city: str, state: str, zip_code: str) -> dict[str, Any]:
    address: dict[str, Any] = {"use": "work", "country": "US"}
    lines = [line for line in (line1, line2) if line]
    if lines:
        address["line"] = lines
    for key, value in (("city", city), ("state", state), ("postalCode", zip_code)):
        if value:
            address[key] = value
    return address


def _period(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    period = {}
    if start is not None:
        period["start"] = start.isoformat()
    if end is not None:
        period["end"] = end.isoformat()
    return period


def _drop_empty(resource: Resource) -> Resource:
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


def patient_resource(patient: Patient) -> Resource:
    names: list[dict[str, Any]] = [
        {"use": "official", "family": patient.last_name, "given": [patient.first_name]}
    ]
    if patient.preferred_name:
        names.append({"use": "usual", "given": [patient.preferred_name]})
    telecom = []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    address = _address(
        patient.address_line1, patient.address_line2, patient.city, patient.state, patient.zip
    )
    address["use"] = "home"
    return _drop_empty(
        {
            "resourceType": "Patient",
            "id": str(patient.pk),
            "identifier": [
                {
                    "type": {"coding": [{"system": V2_0203, "code": "MR"}]},
                    "system": CHART_SYSTEM,
                    "value": patient.chart_number,
                }
            ]
            if patient.chart_number
            else [],
            "active": True,
            "name": names,
            "telecom": telecom,
            "gender": GENDER.get(patient.sex, "unknown"),
            "birthDate": patient.birth_date.isoformat(),
            "address": [address] if len(address) > 2 else [],
            "managingOrganization": ref("Organization", patient.organisation_id),
        }
    )


def practitioner_resource(staff: Staff) -> Resource:
    user = staff.user
    name: dict[str, Any] = {"use": "official", "text": staff.full_name}
    if user.last_name:
        name["family"] = user.last_name
    if user.first_name:
        name["given"] = [user.first_name]
    if staff.credential:
        name["suffix"] = [staff.credential]
    return _drop_empty(
        {
            "resourceType": "Practitioner",
            "id": str(staff.pk),
            "identifier": [{"system": NPI_SYSTEM, "value": staff.npi}] if staff.npi else [],
            "active": user.is_active,
            "name": [name],
        }
    )


def practitioner_role_resource(staff: Staff) -> Resource:
    return _drop_empty(
        {
            "resourceType": "PractitionerRole",
            "id": str(staff.pk),
            "active": staff.user.is_active,
            "practitioner": ref("Practitioner", staff.pk),
            "organization": ref("Organization", staff.organisation_id),
            "code": [{"text": staff.get_role_display()}],
            "specialty": [
                {
                    "coding": [
                        {
                            "system": "http://nucc.org/provider-taxonomy",
                            "code": staff.taxonomy,
                        }
                    ]
                }
            ]
            if staff.taxonomy
            else [],
            "location": [ref("Location", staff.default_location_id)]
            if staff.default_location_id
            else [],
        }
    )


def organization_resource(organisation: Organisation) -> Resource:
    return {
        "resourceType": "Organization",
        "id": str(organisation.pk),
        "identifier": [{"system": NPI_SYSTEM, "value": organisation.npi}],
        "active": True,
        "type": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                        "code": "prov",
                    }
                ]
            }
        ],
        "name": organisation.name,
        "address": [
            _address(
                organisation.address_line1,
                organisation.address_line2,
                organisation.city,
                organisation.state,
                organisation.zip,
            )
        ],
    }


def location_resource(location: Location) -> Resource:
    return _drop_empty(
        {
            "resourceType": "Location",
            "id": str(location.pk),
            "identifier": [{"system": NPI_SYSTEM, "value": location.npi}] if location.npi else [],
            "status": "active",
            "name": location.name,
            "address": _address(
                location.address_line1,
                location.address_line2,
                location.city,
                location.state,
                location.zip,
            ),
            "managingOrganization": ref("Organization", location.organisation_id),
        }
    )


def coverage_resource(coverage: Coverage) -> Resource:
    return _drop_empty(
        {
            "resourceType": "Coverage",
            "id": str(coverage.pk),
            "identifier": [
                {
                    "type": {"coding": [{"system": V2_0203, "code": "MB"}]},
                    "value": coverage.member_id,
                }
            ],
            "status": "active",
            "type": {"text": coverage.kind.replace("_", " ")},
            "subscriberId": coverage.member_id,
            "beneficiary": ref("Patient", coverage.patient_id),
            "relationship": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                        "code": _relationship(coverage.subscriber_relationship),
                    }
                ]
            },
            "period": _period(coverage.active_from, coverage.active_through),
            "payor": [{"display": coverage.payer_name, "identifier": {"value": coverage.payer_id}}],
            "class": [
                {
                    "type": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/coverage-class",
                                "code": "group",
                            }
                        ]
                    },
                    "value": coverage.group_number,
                }
            ]
            if coverage.group_number
            else [],
            "order": {"primary": 1, "secondary": 2, "tertiary": 3}.get(coverage.priority),
        }
    )


def _relationship(ours: str) -> str:
    return {"self": "self", "spouse": "spouse", "child": "child"}.get(ours, "other")


def encounter_resource(note: Note) -> Resource:
    signed = note.status == NoteStatus.SIGNED
    return {
        "resourceType": "Encounter",
        "id": str(note.pk),
        "status": "finished" if signed else "in-progress",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
            "display": "ambulatory",
        },
        "type": [{"text": note.get_note_type_display()}],
        "subject": ref("Patient", note.patient_id),
        "participant": [{"individual": ref("Practitioner", note.therapist_id)}],
        "period": {
            "start": note.date_of_service.isoformat(),
            "end": note.date_of_service.isoformat(),
        },
        "location": [{"location": ref("Location", note.location_id)}],
        "serviceProvider": ref("Organization", note.patient.organisation_id),
    }


def condition_resource(diagnosis: CaseDiagnosis) -> Resource:
    case = diagnosis.case
    return _drop_empty(
        {
            "resourceType": "Condition",
            "id": str(diagnosis.pk),
            "clinicalStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                        "code": "active" if case.closed_on is None else "resolved",
                    }
                ]
            },
            "verificationStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                        "code": "confirmed",
                    }
                ]
            },
            "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}]}],
            "code": {"coding": [{"system": ICD10_SYSTEM, "code": diagnosis.code}]},
            "subject": ref("Patient", case.patient_id),
            "onsetDateTime": _date(diagnosis.onset_date),
            "abatementDateTime": _date(case.closed_on),
            "recordedDate": case.opened_on.isoformat(),
        }
    )


def outcome_observation(result: OutcomeMeasureResult) -> Resource:
    instrument = find_instrument(result.instrument)
    quantity: dict[str, Any] = {"value": float(result.score)}
    if instrument is not None and instrument.unit:
        quantity["unit"] = instrument.unit
    return {
        "resourceType": "Observation",
        "id": f"m{result.pk}",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {
            "coding": [{"system": INSTRUMENT_SYSTEM, "code": result.instrument}],
            "text": instrument.name if instrument is not None else result.instrument,
        },
        "subject": ref("Patient", result.case.patient_id),
        "effectiveDateTime": result.measured_on.isoformat(),
        "performer": [ref("Practitioner", result.recorded_by_id)],
        "valueQuantity": quantity,
    }


def pain_observation(note: Note) -> Resource:
    return {
        "resourceType": "Observation",
        "id": f"p{note.pk}",
        "status": "final" if note.status == NoteStatus.SIGNED else "preliminary",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "exam"}]}],
        "code": {
            "coding": [{"system": LOINC_SYSTEM, "code": PAIN_LOINC}],
            "text": "Pain severity 0-10",
        },
        "subject": ref("Patient", note.patient_id),
        "encounter": ref("Encounter", note.pk),
        "effectiveDateTime": note.date_of_service.isoformat(),
        "performer": [ref("Practitioner", note.therapist_id)],
        "valueQuantity": {"value": note.pain_level, "unit": "{score}"},
    }


def goal_resource(goal: Goal) -> Resource:
    status = goal.status
    lifecycle = {
        GoalStatus.DISCONTINUED: "cancelled",
    }.get(GoalStatus(status), "active")
    if status in (GoalStatus.MET, GoalStatus.NOT_MET):
        lifecycle = "completed"
    achievement = {
        GoalStatus.ACTIVE: "in-progress",
        GoalStatus.MET: "achieved",
        GoalStatus.PARTIALLY_MET: "improving",
        GoalStatus.NOT_MET: "not-achieved",
        GoalStatus.DISCONTINUED: "not-achieved",
    }[GoalStatus(status)]
    target: dict[str, Any] = {}
    if goal.target:
        target["detailString"] = goal.target
    if goal.due_date is not None:
        target["dueDate"] = goal.due_date.isoformat()
    if goal.measure:
        target["measure"] = {"text": goal.measure}
    return _drop_empty(
        {
            "resourceType": "Goal",
            "id": str(goal.pk),
            "lifecycleStatus": lifecycle,
            "achievementStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                        "code": achievement,
                    }
                ]
            },
            "category": [{"text": goal.kind}],
            "description": {"text": goal.text},
            "subject": ref("Patient", goal.plan.case.patient_id),
            "startDate": goal.plan.start_date.isoformat(),
            "target": [target] if target else [],
        }
    )


def claim_resource(claim: Claim) -> Resource:
    return _drop_empty(
        {
            "resourceType": "Claim",
            "id": str(claim.pk),
            "identifier": [{"system": CLAIM_SYSTEM, "value": claim.patient_control_number}]
            if claim.patient_control_number
            else [],
            "status": "cancelled" if claim.origin == "void" else "active",
            "type": {"coding": [{"system": CLAIM_TYPE, "code": "professional"}]},
            "use": "claim",
            "patient": ref("Patient", claim.patient_id),
            "billablePeriod": _period(claim.date_of_service, claim.date_of_service),
            "created": _instant(claim.created_at),
            "provider": ref("Organization", claim.organisation_id),
            "priority": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/processpriority",
                        "code": "normal",
                    }
                ]
            },
            "insurer": {"display": claim.payer_name},
            "facility": ref("Location", claim.location_id),
            "diagnosis": [
                {
                    "sequence": diagnosis.position,
                    "diagnosisCodeableConcept": {
                        "coding": [{"system": ICD10_SYSTEM, "code": diagnosis.code}]
                    },
                }
                for diagnosis in claim.diagnoses.all()
            ],
            "insurance": [
                {"sequence": 1, "focal": True, "coverage": ref("Coverage", claim.coverage_id)}
            ],
            "item": [_claim_item(line) for line in claim.lines.all()],
            "total": _money(claim.total_charge),
        }
    )


def _claim_item(line: Any) -> dict[str, Any]:
    return {
        "sequence": line.number,
        "productOrService": {"coding": [{"system": CPT_SYSTEM, "code": line.code}]},
        "servicedDate": line.service_date.isoformat(),
        "quantity": {"value": line.units},
        "net": _money(line.charge),
    }


def explanation_of_benefit_resource(claim: Claim) -> Resource:
    denied = claim.status == ClaimStatus.DENIED
    paid = claim.paid_amount if claim.paid_amount is not None else Decimal("0.00")
    items = []
    for line in claim.lines.all():
        item = _claim_item(line)
        adjudication = [
            {
                "category": {"coding": [{"system": ADJUDICATION, "code": "submitted"}]},
                "amount": _money(line.charge),
            }
        ]
        if line.paid_amount is not None:
            adjudication.append(
                {
                    "category": {"coding": [{"system": ADJUDICATION, "code": "benefit"}]},
                    "amount": _money(line.paid_amount),
                }
            )
        item["adjudication"] = adjudication
        items.append(item)
    return _drop_empty(
        {
            "resourceType": "ExplanationOfBenefit",
            "id": str(claim.pk),
            "identifier": [{"system": CLAIM_SYSTEM, "value": claim.patient_control_number}]
            if claim.patient_control_number
            else [],
            "status": "active",
            "type": {"coding": [{"system": CLAIM_TYPE, "code": "professional"}]},
            "use": "claim",
            "patient": ref("Patient", claim.patient_id),
            "billablePeriod": _period(claim.date_of_service, claim.date_of_service),
            "created": _instant(claim.created_at),
            "insurer": {"display": claim.payer_name},
            "provider": ref("Organization", claim.organisation_id),
            "claim": ref("Claim", claim.pk),
            "outcome": "complete",
            "disposition": "Denied" if denied else claim.get_status_display(),
            "insurance": [{"focal": True, "coverage": ref("Coverage", claim.coverage_id)}],
            "item": items,
            "total": [
                {
                    "category": {"coding": [{"system": ADJUDICATION, "code": "submitted"}]},
                    "amount": _money(claim.total_charge),
                },
                {
                    "category": {"coding": [{"system": ADJUDICATION, "code": "benefit"}]},
                    "amount": _money(paid),
                },
            ],
            "payment": {"amount": _money(paid), "date": _date(claim.adjudicated_on)},
        }
    )


def procedure_resource(block: TreatmentBlock) -> Resource:
    note = block.note
    signed = note.status == NoteStatus.SIGNED
    return _drop_empty(
        {
            "resourceType": "Procedure",
            "id": str(block.pk),
            "status": "completed" if signed else "in-progress",
            "code": {"coding": [{"system": CPT_SYSTEM, "code": block.code}]},
            "subject": ref("Patient", note.patient_id),
            "encounter": ref("Encounter", note.pk),
            "performedDateTime": note.date_of_service.isoformat(),
            "performer": [{"actor": ref("Practitioner", note.therapist_id)}],
            "bodySite": [{"text": region} for region in block.body_regions],
            "note": [{"text": f"{block.documented_minutes} minutes"}]
            if block.documented_minutes
            else [],
        }
    )


def care_plan_resource(plan: PlanOfCare) -> Resource:
    case = plan.case
    return _drop_empty(
        {
            "resourceType": "CarePlan",
            "id": str(plan.pk),
            "status": "active" if case.closed_on is None else "completed",
            "intent": "plan",
            "category": [{"text": f"{case.discipline} plan of care"}],
            "title": case.title,
            "description": plan.frequency_text,
            "subject": ref("Patient", case.patient_id),
            "period": _period(plan.start_date, plan.certified_through),
            "goal": [ref("Goal", goal.pk) for goal in plan.goals.all()],
            "note": [{"text": plan.interventions}] if plan.interventions else [],
        }
    )


def questionnaire_response_resource(result: OutcomeMeasureResult) -> Resource:
    """Only for an instrument free to use whose item answers we hold (ADR 0540): each answer
    by its position, as recorded, and the score."""
    instrument = find_instrument(result.instrument)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(result.pk),
        "status": "completed",
        "subject": ref("Patient", result.case.patient_id),
        "authored": result.measured_on.isoformat(),
        "author": ref("Practitioner", result.recorded_by_id),
        "item": [
            {
                "linkId": f"{result.instrument}-{position}",
                "answer": [{"valueString": str(answer)}],
            }
            for position, answer in enumerate(result.answers, start=1)
        ]
        + [
            {
                "linkId": f"{result.instrument}-score",
                "text": f"{instrument.name if instrument else result.instrument} score",
                "answer": [{"valueDecimal": float(result.score)}],
            }
        ],
    }
