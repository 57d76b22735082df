"""Small builders for the visits and claims the EDI writer tests send.

Everyone here is made up; the NPIs carry valid check digits so validators that test them
accept the files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import msgspec

from cleannote.edi.envelope import ControlNumbers, Receiver, Submitter
from cleannote.edi.x12_837p import ClaimToSend
from cleannote.rules.findings import ClaimLine
from cleannote.rules.visit import (
    Address,
    BillingProvider,
    Credential,
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

CREATED = dt.datetime(2026, 3, 2, 9, 30)
CONTROL = ControlNumbers(interchange=101, group=201, first_transaction=1)
SUBMITTER = Submitter(
    name="Riverside Therapy Group",
    id="CLEANNOTE01",
    contact_name="Billing Office",
    contact_phone="(503) 555-0100",
)
RECEIVER = Receiver(name="Example Clearinghouse", id="CLEARHOUSE")

CLINIC = BillingProvider(
    name="Riverside Therapy Group LLC",
    npi="1234567893",
    tax_id="93-1234567",
    taxonomy="261QR0400X",
    address=Address(line1="100 River St", city="Portland", state="OR", zip="97201-1234"),
)
THERAPIST = RenderingProvider(
    first_name="Dana",
    last_name="Okafor",
    npi="1987654328",
    credential=Credential.PT,
    taxonomy="225100000X",
)
MEDICARE = Payer(name="Medicare Part B", payer_id="02402", kind=PayerKind.MEDICARE)
COMMERCIAL = Payer(name="Cascade Health Plan", payer_id="CHP01", kind=PayerKind.COMMERCIAL)
AUTO = Payer(name="Northwest Auto Insurance", payer_id="NWAUTO", kind=PayerKind.AUTO_PIP)
HOME = Address(line1="12 Elm Ave", city="Portland", state="OR", zip="97202")


def person(
    first: str = "Avery",
    last: str = "Lindqvist",
    *,
    member_id: str | None = "1EG4TE5MK72",
    relationship: Relationship | None = Relationship.SELF,
    birth_date: dt.date = dt.date(1950, 4, 17),
    sex: Sex = Sex.FEMALE,
) -> Person:
    return Person(
        first_name=first,
        last_name=last,
        birth_date=birth_date,
        sex=sex,
        address=HOME,
        member_id=member_id,
        relationship=relationship,
    )


def services(*codes_and_charges: tuple[str, str]) -> tuple[Service, ...]:
    return tuple(
        Service(code=code, charge=Decimal(charge), minutes=15, diagnosis_pointers=(1,))
        for code, charge in codes_and_charges
    )


PT_SERVICES = (("97110", "62.00"), ("97140", "55.50"), ("97112", "64.25"))


def visit(visit_id: str = "V1001", **changes: object) -> Visit:
    """A Medicare PT follow-up: the patient is the subscriber, referred by a physician."""
    base = Visit(
        id=visit_id,
        date_of_service=dt.date(2026, 2, 27),
        billing_provider=CLINIC,
        rendering_provider=THERAPIST,
        payer=MEDICARE,
        subscriber=person(),
        patient=person(member_id=None, relationship=None),
        diagnoses=("M54.50", "M25.561"),
        services=services(*PT_SERVICES),
        referral=Referral(
            first_name="Morgan",
            last_name="Reyes",
            npi="1555555550",
            qualifier=ReferralQualifier.REFERRING,
            date=dt.date(2026, 2, 1),
        ),
    )
    return msgspec.structs.replace(base, **changes)


def lines_for(v: Visit, units: tuple[int, ...] | None = None) -> tuple[ClaimLine, ...]:
    """One claim line per service, one unit each unless `units` says otherwise."""
    return tuple(
        ClaimLine(
            code=s.code,
            units=units[i] if units else 1,
            modifiers=("GP",),
            diagnosis_pointers=s.diagnosis_pointers or (1,),
            charge=s.charge,
            service_index=i,
        )
        for i, s in enumerate(v.services)
    )


def claim(v: Visit | None = None, **changes: object) -> ClaimToSend:
    v = v or visit()
    return replace(ClaimToSend(visit=v, lines=lines_for(v)), **changes)  # type: ignore[arg-type]
