"""Named personas in two clinics, built through the apps' actions like real data (shared by
the web, app and end-to-end tests through their conftest files).

Riverside (the main clinic): owner Olive, therapist Theo (PT), assistant Ada (PTA), front desk
Fran, biller Bill; patient Pat with coverage, a case, a referral, a plan of care with goals and
two notes (one signed, one draft). Harbor (the other clinic): therapist Hugo and patient Hal,
for the cross-organisation tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.actions import (
    do_create_location,
    do_create_organisation,
    do_create_staff,
)
from cleannote.apps.organisations.models import Location, Organisation, Role, Staff
from cleannote.apps.patients.actions import do_create_plan_of_care, do_register_patient
from cleannote.apps.patients.models import (
    Case,
    Coverage,
    Goal,
    Patient,
    PlanOfCare,
    Referral,
)

PASSWORD = "correct horse battery"
TODAY = timezone.localdate()
VALID_NPIS = ("1234567893", "1245319599", "1679576722", "1003000126", "1497758544")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Clinic:
    organisation: Organisation
    location: Location
    owner: Staff
    therapist: Staff
    assistant: Staff
    front_desk: Staff
    biller: Staff
    patient: Patient
    case: Case
    plan: PlanOfCare
    signed_note: Note
    draft_note: Note


@dataclass
class OtherClinic:
    organisation: Organisation
    therapist: Staff
    patient: Patient
    note: Note


def _organisation(name: str, npi: str) -> tuple[Organisation, Location]:
    organisation = do_create_organisation(
        name=name,
        npi=npi,
        tax_id="123456789",
        taxonomy="261QP2000X",
        address_line1="1 Main St",
        city="Springfield",
        state="IL",
        zip="62701",
    )
    location = do_create_location(
        organisation,
        name=f"{name} clinic",
        address_line1="1 Main St",
        city="Springfield",
        state="IL",
        zip="62701",
    )
    return organisation, location


def _staff(organisation, username, role, credential="", npi="") -> Staff:
    return do_create_staff(
        organisation,
        username=username,
        password=PASSWORD,
        first_name=username.title(),
        last_name="Demo",
        role=role,
        credential=credential,
        npi=npi,
    )


def _patient(actor: Actor, first: str, last: str) -> tuple[Patient, Case]:
    case = Case(discipline="PT", title="Low back pain", opened_on=TODAY - dt.timedelta(days=20))
    patient = do_register_patient(
        actor,
        patient=Patient(first_name=first, last_name=last, birth_date=dt.date(1960, 5, 1), sex="F"),
        coverage=Coverage(
            priority="primary",
            payer_name="Medicare",
            payer_id="MCR",
            kind="medicare",
            member_id="1EG4TE5MK73",
            active_from=dt.date(2025, 1, 1),
        ),
        case=case,
        referral=Referral(
            provider_first_name="Laura",
            provider_last_name="Singh",
            provider_npi=VALID_NPIS[4],
            referral_date=TODAY - dt.timedelta(days=25),
            diagnoses=["M54.50"],
            authorized_visits=12,
        ),
    )
    return patient, case


def _note(actor, case, therapist, location, day, *, sign: bool) -> Note:
    note = do_start_note(
        actor, case=case, therapist=therapist, location=location, date_of_service=day
    )
    do_add_treatment_block(actor, note, code="97110", minutes=23)
    if sign:
        note = do_sign_note(actor, note, therapist)
    return note


@pytest.fixture
def clinic(db) -> Clinic:
    organisation, location = _organisation("Riverside", VALID_NPIS[0])
    owner = _staff(organisation, "olive", Role.OWNER, "PT", VALID_NPIS[1])
    therapist = _staff(organisation, "theo", Role.THERAPIST, "PT", VALID_NPIS[2])
    assistant = _staff(organisation, "ada", Role.ASSISTANT, "PTA", VALID_NPIS[3])
    front_desk = _staff(organisation, "fran", Role.FRONT_DESK)
    biller = _staff(organisation, "bill", Role.BILLER)
    actor = Actor(user=front_desk.user, organisation=organisation, ip_address="10.0.0.5")
    patient, case = _patient(actor, "Pat", "Example")
    plan = do_create_plan_of_care(
        actor,
        case,
        PlanOfCare(
            diagnoses=["M54.50"],
            frequency_per_week=2,
            duration_weeks=6,
            start_date=TODAY - dt.timedelta(days=20),
            certified_through=TODAY + dt.timedelta(days=7),
        ),
        goals=[Goal(text="Walk 30 minutes", kind="functional", baseline="10", target="30")],
    )
    clinical = Actor(user=therapist.user, organisation=organisation, ip_address="10.0.0.6")
    signed = _note(clinical, case, therapist, location, TODAY - dt.timedelta(days=2), sign=True)
    draft = _note(clinical, case, therapist, location, TODAY - dt.timedelta(days=1), sign=False)
    return Clinic(
        organisation,
        location,
        owner,
        therapist,
        assistant,
        front_desk,
        biller,
        patient,
        case,
        plan,
        signed,
        draft,
    )


@pytest.fixture
def other_clinic(db) -> OtherClinic:
    organisation, location = _organisation("Harbor", VALID_NPIS[3])
    therapist = _staff(organisation, "hugo", Role.THERAPIST, "OT", VALID_NPIS[0])
    actor = Actor(user=therapist.user, organisation=organisation)
    patient, case = _patient(actor, "Hal", "Elsewhere")
    note = _note(actor, case, therapist, location, TODAY, sign=True)
    return OtherClinic(organisation, therapist, patient, note)


def client_for(staff: Staff) -> Client:
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(staff.user)
    return client


@pytest.fixture
def login():
    """A test client signed in as the given staff member, from a fixed address."""
    return client_for
