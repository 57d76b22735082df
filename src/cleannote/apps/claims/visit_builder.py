"""A signed note and its patient record as the rules core's `Visit`.

The notes app stores blocks field-for-field like core `Service`s, and the patients app uses the
core's enum values, so this is assembly, not translation. Choices made here (ADR 0111):
diagnoses come from the plan of care in force on the date of service, else from the newest
referral; every line points at up to the first four diagnoses; the rendering provider is the
note's therapist, or its signer when an assistant wrote the note; charges are left at zero
because the fee schedule prices the lines only after the scrubber has decided the units.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.patients.models import Coverage, Patient, PlanOfCare
from cleannote.apps.patients.models import Referral as ReferralRow
from cleannote.rules.visit import (
    Accident,
    AccidentKind,
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
    Referral,
    ReferralQualifier,
    Relationship,
    RenderingProvider,
    Service,
    Sex,
    Visit,
)
from cleannote.rules.visit import PlanOfCare as CorePlan

MAX_POINTERS = 4


def _address(row: Organisation | Patient) -> Address | None:
    if not row.address_line1:
        return None
    return Address(
        line1=row.address_line1,
        line2=row.address_line2 or None,
        city=row.city,
        state=row.state,
        zip=row.zip,
    )


def _rendering(note: Note) -> RenderingProvider:
    staff: Staff = note.therapist
    if staff.is_assistant and note.signed_by is not None and not note.signed_by.is_assistant:
        staff = note.signed_by
    return RenderingProvider(
        first_name=staff.user.first_name,
        last_name=staff.user.last_name,
        npi=staff.npi,
        credential=Credential(staff.credential),
        taxonomy=staff.taxonomy,
    )


def _patient(patient: Patient) -> Person:
    return Person(
        first_name=patient.first_name,
        last_name=patient.last_name,
        birth_date=patient.birth_date,
        sex=Sex(patient.sex),
        address=_address(patient),
        id=str(patient.pk),
    )


def _subscriber(coverage: Coverage, patient: Patient) -> Person:
    relationship = Relationship(coverage.subscriber_relationship)
    if relationship is Relationship.SELF:
        first, last, born = patient.first_name, patient.last_name, patient.birth_date
        sex = Sex(patient.sex)
    else:
        first, last = coverage.subscriber_first_name, coverage.subscriber_last_name
        born = coverage.subscriber_birth_date or patient.birth_date
        sex = Sex(coverage.subscriber_sex or Sex.UNKNOWN.value)
    return Person(
        first_name=first,
        last_name=last,
        birth_date=born,
        sex=sex,
        address=_address(patient),
        member_id=coverage.member_id,
        relationship=relationship,
        group_number=coverage.group_number or None,
    )


def payer_of(coverage: Coverage, claim_number: str | None = None) -> Payer:
    return Payer(
        name=coverage.payer_name,
        payer_id=coverage.payer_id,
        kind=PayerKind(coverage.kind),
        claim_number=claim_number,
    )


def _plan(note: Note) -> PlanOfCare | None:
    return (
        PlanOfCare.objects.filter(case_id=note.case_id, start_date__lte=note.date_of_service)
        .prefetch_related("goals")
        .order_by("-start_date", "-id")
        .first()
    )


def _referral(note: Note) -> ReferralRow | None:
    return (
        ReferralRow.objects.filter(case_id=note.case_id, referral_date__lte=note.date_of_service)
        .order_by("-referral_date", "-id")
        .first()
    )


def _episode(note: Note) -> Episode:
    """Treatment days in the case up to this visit, and the day of the last progress report."""
    days = list(
        Note.objects.filter(
            case_id=note.case_id,
            status=NoteStatus.SIGNED,
            date_of_service__lte=note.date_of_service,
        )
        .values_list("date_of_service", "is_progress_report")
        .order_by("date_of_service")
    )
    ordinal: dict[dt.date, int] = {}
    last_report: int | None = None
    for day, is_report in days:
        ordinal.setdefault(day, len(ordinal) + 1)
        if is_report and day < note.date_of_service:
            last_report = ordinal[day]
    return Episode(
        treatment_day=ordinal.get(note.date_of_service, len(ordinal) + 1),
        last_progress_report_day=last_report,
    )


def visit_from_note(
    note: Note, coverage: Coverage, *, visit_id: str, prior_authorization: str | None = None
) -> Visit:
    """The visit the note documents, billed to `coverage`; `visit_id` becomes CLM01."""
    patient = note.patient
    organisation = patient.organisation
    plan = _plan(note)
    referral = _referral(note)
    diagnoses = tuple(plan.diagnoses if plan is not None and plan.diagnoses else ())
    if not diagnoses and referral is not None:
        diagnoses = tuple(referral.diagnoses)
    pointers = tuple(range(1, min(len(diagnoses), MAX_POINTERS) + 1))
    services = tuple(
        Service(
            code=block.code,
            charge=Decimal("0"),
            start=block.start_time,
            end=block.stop_time,
            minutes=block.minutes,
            assistant_minutes=block.assistant_minutes,
            body_regions=tuple(block.body_regions),
            laterality=Laterality(block.laterality) if block.laterality else None,
            goal_ids=tuple(str(goal.pk) for goal in block.goals.all()),
            justification=block.justification or None,
            parameters=dict(block.parameters),
            modifiers=tuple(block.modifiers_requested),
            diagnosis_pointers=pointers,
            encounter=block.encounter,
        )
        for block in note.blocks.prefetch_related("goals").order_by("order")
    )
    case = note.case
    accident = None
    if case.accident_kind:
        accident = Accident(
            kind=AccidentKind(case.accident_kind),
            date=case.accident_date,
            state=case.accident_state or None,
        )
    core_referral = None
    if referral is not None:
        core_referral = Referral(
            first_name=referral.provider_first_name,
            last_name=referral.provider_last_name,
            npi=referral.provider_npi,
            qualifier=ReferralQualifier(referral.qualifier),
            date=referral.referral_date,
            diagnoses=tuple(referral.diagnoses),
            authorized_visits=referral.authorized_visits,
            expires=referral.expires_on,
        )
    core_plan = None
    if plan is not None:
        core_plan = CorePlan(
            start=plan.start_date,
            certified=plan.is_certified,
            certified_through=plan.certified_through,
            goals=tuple(
                Goal(id=str(g.pk), text=g.text, kind=GoalKind(g.kind)) for g in plan.goals.all()
            ),
        )
    billing_address = _address(organisation)
    if billing_address is None:
        raise ValueError(f"organisation {organisation.pk}: needs an address to bill")
    return Visit(
        id=visit_id,
        date_of_service=note.date_of_service,
        billing_provider=BillingProvider(
            name=organisation.name,
            npi=organisation.npi,
            tax_id=organisation.tax_id,
            taxonomy=organisation.taxonomy,
            address=billing_address,
        ),
        rendering_provider=_rendering(note),
        payer=payer_of(coverage),
        subscriber=_subscriber(coverage, patient),
        patient=_patient(patient),
        diagnoses=diagnoses,
        services=services,
        place_of_service=note.location.place_of_service,
        referral=core_referral,
        accident=accident,
        prior_authorization=prior_authorization,
        plan_of_care=core_plan,
        episode=_episode(note),
    )
