"""A coverage row as the 270 writer's `EligibilityRequest`.

The claims side builds its people from a note; an eligibility question has no note yet (it is
asked before the visit), only a coverage, a date and maybe the clinician's discipline.
"""

from __future__ import annotations

import datetime as dt

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Coverage, Patient
from cleannote.apps.patients.selectors import to_core_person
from cleannote.edi.x12_270 import EligibilityRequest, service_types_for
from cleannote.rules.visit import (
    Address,
    BillingProvider,
    Discipline,
    Payer,
    PayerKind,
    Person,
    Relationship,
    Sex,
)


def billing_provider(organisation: Organisation) -> BillingProvider:
    return BillingProvider(
        name=organisation.name,
        npi=organisation.npi,
        tax_id=organisation.tax_id,
        taxonomy=organisation.taxonomy,
        address=Address(
            line1=organisation.address_line1,
            line2=organisation.address_line2 or None,
            city=organisation.city,
            state=organisation.state,
            zip=organisation.zip,
        ),
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
        member_id=coverage.member_id,
        relationship=relationship,
        group_number=coverage.group_number or None,
    )


def eligibility_request(
    coverage: Coverage,
    day: dt.date,
    *,
    trace: str,
    provider: BillingProvider,
    discipline: Discipline | None,
) -> EligibilityRequest:
    """`coverage.patient` must be loaded; the dependent loop is used when the patient is not
    the subscriber."""
    patient = coverage.patient
    dependent = coverage.subscriber_relationship != Relationship.SELF.value
    # The directory's eligibility payer id where it differs from the claims id (ADR 0330).
    record = coverage.payer_record if coverage.payer_record_id is not None else None
    payer_id = record.eligibility_id if record is not None else coverage.payer_id
    return EligibilityRequest(
        trace=trace,
        payer=Payer(name=coverage.payer_name, payer_id=payer_id, kind=PayerKind(coverage.kind)),
        provider=provider,
        subscriber=_subscriber(coverage, patient),
        date_of_service=day,
        service_types=service_types_for(discipline),
        patient=to_core_person(patient, with_address=False) if dependent else None,
    )
