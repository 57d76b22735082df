"""Small builders for scrub tests: a clean Medicare PT follow-up, changed one field at a time.

Each rule's tests start from `visit()` (which scrubs clean) and change only what the rule is
about, so a test shows exactly which fact trips the rule and which near-miss does not.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from cleannote.rules.catalog import find_procedure
from cleannote.rules.visit import (
    Address,
    BillingProvider,
    Credential,
    Episode,
    Goal,
    GoalKind,
    Laterality,
    Payer,
    PayerKind,
    Person,
    PlanOfCare,
    Referral,
    ReferralQualifier,
    Relationship,
    RenderingProvider,
    Service,
    Sex,
    Visit,
)

DOS = dt.date(2026, 3, 10)
ADDRESS = Address(line1="100 MAIN ST", city="PORTLAND", state="OR", zip="97201")
# The billing provider's address carries the ZIP+4: the 837P's 2010AA N403 takes nine digits
# (format.billing-zip), and the same place as ADDRESS.
BILLING_ADDRESS = Address(line1="100 MAIN ST", city="PORTLAND", state="OR", zip="972011234")
# Fake NPIs with valid check digits.
BILLING_NPI = "1234567893"
RENDERING_NPI = "1245319599"
REFERRING_NPI = "1003000126"

# What a complete note says for each documentation element the catalog can ask of a code.
# Elements the visit format carries as fields (goal, body_regions, management_minutes) are
# filled by the service's own fields instead.
_SAMPLE_ELEMENTS: dict[str, object] = {
    "exercise": "step-ups",
    "parameters": {"sets": 3, "reps": 10},
    "target_outcome": "stair climbing",
    "baseline_measure": "climbs 4 stairs with two rails",
    "activity": "stair negotiation",
    "components": ["balance", "strength", "sequencing"],
    "skilled_direction": "cued knee alignment over the foot",
    "techniques": ["joint mobilization grade III"],
    "modality_parameters": "as set on the device for the region",
    "response": "tolerated without increase in pain",
    "group_size": 3,
    "history": "onset and prior level of function",
    "examination": "range of motion, strength, gait",
    "clinical_presentation": "stable",
    "complexity": "moderate: two comorbidities",
    "plan_of_care": "2x/week for 8 weeks",
    "change_in_status": "fall at home since the last visit",
    "tests_administered": ["Berg Balance Scale"],
    "interpretation": "score 41/56: moderate fall risk",
    "device": "knee brace",
    "education": "home exercise programme",
    "caregiver": "spouse",
    "spinal_regions": ["lumbar"],
    "subluxation": "L4 subluxation on X-ray",
    "device_days": 18,
    "monitoring_review": "reviewed adherence data; progressed the programme",
    "interactive_communication": "phone call with the patient",
}
_FIELD_ELEMENTS = frozenset({"goal", "body_regions", "management_minutes"})


def documented(code: str) -> dict[str, object]:
    """Parameters holding every documentation element the catalog lists for `code`."""
    procedure = find_procedure(code)
    if procedure is None:
        return {}
    values: dict[str, object] = {}
    for element in procedure.documentation:
        if element.value in _FIELD_ELEMENTS:
            continue
        sample = _SAMPLE_ELEMENTS[element.value]
        if isinstance(sample, dict):
            values.update(sample)
        else:
            values[element.value] = sample
    return values


def service(
    code: str = "97110", start: str | None = "09:00", end: str | None = "09:16", **changes: Any
) -> Service:
    values: dict[str, Any] = {
        "code": code,
        "charge": Decimal("45.00"),
        "start": dt.time.fromisoformat(start) if start else None,
        "end": dt.time.fromisoformat(end) if end else None,
        "body_regions": ("knee",),
        "laterality": Laterality.RIGHT,
        "goal_ids": ("g1",),
        "justification": "Skilled progression of loading needed after meniscus repair.",
        "parameters": documented(code),
        "diagnosis_pointers": (1,),
    }
    values.update(changes)
    return Service(**values)


def visit(*services: Service, **changes: Any) -> Visit:
    values: dict[str, Any] = {
        "id": "v-1",
        "date_of_service": DOS,
        "billing_provider": BillingProvider(
            name="RIVERSIDE PHYSICAL THERAPY",
            npi=BILLING_NPI,
            tax_id="931234567",
            taxonomy="225100000X",
            address=BILLING_ADDRESS,
        ),
        "rendering_provider": RenderingProvider(
            first_name="ANA",
            last_name="REYES",
            npi=RENDERING_NPI,
            credential=Credential.PT,
            taxonomy="225100000X",
        ),
        "payer": Payer(name="MEDICARE PART B", payer_id="00952", kind=PayerKind.MEDICARE),
        "subscriber": Person(
            first_name="JOHN",
            last_name="DOE",
            birth_date=dt.date(1950, 1, 2),
            sex=Sex.MALE,
            address=ADDRESS,
            member_id="1EG4TE5MK73",
            relationship=Relationship.SELF,
        ),
        "patient": Person(
            first_name="JOHN",
            last_name="DOE",
            birth_date=dt.date(1950, 1, 2),
            sex=Sex.MALE,
            address=ADDRESS,
            id="p-1",
        ),
        "diagnoses": ("M17.11",),
        "services": services or (service(),),
        "referral": Referral(
            first_name="MAYA",
            last_name="CHEN",
            npi=REFERRING_NPI,
            qualifier=ReferralQualifier.REFERRING,
            date=dt.date(2026, 2, 1),
            diagnoses=("M17.11",),
        ),
        "plan_of_care": PlanOfCare(
            start=dt.date(2026, 2, 3),
            certified=True,
            certified_through=dt.date(2026, 5, 3),
            goals=(
                Goal("g1", "Climb 12 stairs with one rail", GoalKind.FUNCTIONAL),
                Goal("g2", "Knee flexion to 120 degrees", GoalKind.IMPAIRMENT),
            ),
        ),
        "episode": Episode(treatment_day=5, last_progress_report_day=1),
    }
    values.update(changes)
    return Visit(**values)


def replace(obj: Any, **changes: Any) -> Any:
    return msgspec.structs.replace(obj, **changes)


def rules_of(result: Any) -> set[str]:
    return {f.rule for f in result.findings}


# Helpers for the pair, payer, RTM and modifier tests: they only read results or build
# variants, and never change the defaults above.

OTHER_NPI = "1987654328"  # a second clinician's fake NPI, valid check digit


def findings_of(result: Any, rule_id: str) -> list[Any]:
    """Every finding of one rule, in the order the checks made them."""
    return [f for f in result.findings if f.rule == rule_id]


def line_for(result: Any, service_index: int) -> Any:
    """The claim line built from one service, or AssertionError when it was not billed."""
    for line in result.lines:
        if line.service_index == service_index:
            return line
    raise AssertionError(f"no claim line for service {service_index}")


def rendering(credential: Credential, **changes: Any) -> RenderingProvider:
    """The default rendering clinician with another credential (PTA, OT, DC, LMT...)."""
    values: dict[str, Any] = {
        "first_name": "ANA",
        "last_name": "REYES",
        "npi": RENDERING_NPI,
        "credential": credential,
        "taxonomy": "225100000X",
    }
    values.update(changes)
    return RenderingProvider(**values)


def payer(kind: PayerKind, **changes: Any) -> Payer:
    values: dict[str, Any] = {"name": f"{kind.value.upper()} PLAN", "payer_id": "99999"}
    values["kind"] = kind
    values.update(changes)
    return Payer(**values)
