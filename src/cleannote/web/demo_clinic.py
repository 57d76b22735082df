"""The demo clinic: a believable outpatient practice to click through and to test pages against.

Everything is made up (people, payers, NPIs with valid check digits) and generated from a seed,
so two loads with the same seed and date give the same clinic. It is written through the apps'
actions, like any other data, so it also fills the audit log the way real use would.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_ensure_default_fee_schedule
from cleannote.apps.notes.actions import (
    do_add_treatment_block,
    do_cosign_note,
    do_sign_note,
    do_start_note,
    do_update_note,
)
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.actions import (
    do_create_location,
    do_create_organisation,
    do_create_staff,
)
from cleannote.apps.organisations.models import Location, Organisation, Role, Staff
from cleannote.apps.patients.actions import do_create_plan_of_care, do_register_patient
from cleannote.apps.patients.chart_actions import (
    do_add_coverage_to_chart,
    do_close_case,
    do_update_patient,
)
from cleannote.apps.patients.clinical_actions import do_revise_plan_of_care
from cleannote.apps.patients.measure_actions import (
    do_record_outcome_measure,
    do_remove_outcome_measure,
)
from cleannote.apps.patients.models import (
    Case,
    CaseClosure,
    Coverage,
    Goal,
    Patient,
    PlanOfCare,
    Referral,
    ReportSchedule,
)
from cleannote.apps.payers.actions import do_find_or_add_payer, do_update_payer
from cleannote.apps.payers.models import Payer
from cleannote.rules.icd10 import check as check_icd
from cleannote.rules.note_types import NoteType, template_of
from cleannote.rules.npi import npi_check_digit
from cleannote.rules.scope_of_practice import CODE_ACTS, Act, act_refusal
from cleannote.rules.visit import AccidentKind, Credential, Discipline, PayerKind, Relationship
from cleannote.web.demo_contracts import load_demo_contracts
from cleannote.web.demo_denials import load_demo_denial
from cleannote.web.demo_exercises import load_demo_exercises
from cleannote.web.demo_flags import load_demo_flags
from cleannote.web.demo_injury import load_demo_lop
from cleannote.web.demo_intake import load_demo_intake
from cleannote.web.demo_inventory import load_demo_inventory
from cleannote.web.demo_kx_course import load_demo_kx_course
from cleannote.web.demo_messaging import load_demo_messaging
from cleannote.web.demo_money import MIN_PATIENTS as MONEY_MIN_PATIENTS
from cleannote.web.demo_money import load_demo_money
from cleannote.web.demo_payment_plan import load_demo_payment_plan
from cleannote.web.demo_portal import load_demo_portal
from cleannote.web.demo_registration import register_demo_patient
from cleannote.web.demo_reports import load_demo_reports
from cleannote.web.demo_rtm import RTM_PATIENTS, load_demo_rtm
from cleannote.web.demo_schedule import load_demo_schedule
from cleannote.web.demo_secondary import load_demo_secondary
from cleannote.web.demo_statements import load_demo_statements

DEMO_PASSWORD = "cleannote-demo"

# username, role, credential, first, last, taxonomy
_STAFF = (
    ("demo-owner", Role.OWNER, Credential.PT, "Maya", "Okafor", "225100000X"),
    ("demo-pt", Role.THERAPIST, Credential.PT, "Daniel", "Reyes", "225100000X"),
    ("demo-pt2", Role.THERAPIST, Credential.PT, "Priya", "Natarajan", "225100000X"),
    ("demo-pta", Role.ASSISTANT, Credential.PTA, "Sam", "Whitfield", "225200000X"),
    ("demo-ot", Role.THERAPIST, Credential.OT, "Elena", "Kowalski", "225X00000X"),
    ("demo-cota", Role.ASSISTANT, Credential.COTA, "Jordan", "Baptiste", "224Z00100X"),
    ("demo-slp", Role.THERAPIST, Credential.SLP, "Hannah", "Lindqvist", "235Z00000X"),
    ("demo-dc", Role.THERAPIST, Credential.DC, "Marcus", "Delgado", "111N00000X"),
    ("demo-lmt", Role.THERAPIST, Credential.LMT, "Iris", "Fontaine", "225700000X"),
    ("demo-frontdesk", Role.FRONT_DESK, None, "Tom", "Ellery", ""),
    ("demo-biller", Role.BILLER, None, "Grace", "Mbeki", ""),
)
OTHER_ORG_USER = ("other-ot", Role.THERAPIST, Credential.OT, "Noor", "Haddad", "225X00000X")

# An address: line 1, city, state, ZIP.
_Address = tuple[str, str, str, str]
# name, tax id, taxonomy, address; then its locations (name, address).
_ClinicRow = tuple[str, str, str, _Address, tuple[tuple[str, _Address], ...]]
_CLINIC: _ClinicRow = (
    "Riverbend Therapy & Rehab",
    "847001234",
    "261QP2000X",
    # ZIP+4: the 837P billing provider needs nine digits
    ("400 River Road", "Springfield", "IL", "627011234"),
    (
        ("Riverbend Main", ("400 River Road", "Springfield", "IL", "62701")),
        # ZIP+4: a location other than the billing address goes in 2310C
        ("Eastside", ("18 Lincoln Avenue", "Springfield", "IL", "627034420")),
    ),
)
_OTHER_CLINIC: _ClinicRow = (
    "Harbor Hand Clinic",
    "847009876",
    "261QR0400X",
    ("9 Pier Street", "Portland", "ME", "04101"),
    (("Harbor", ("9 Pier Street", "Portland", "ME", "04101")),),
)
# The location manager of the main location (ADR 0845): made after the rest, so the demo's
# random draws stay as they were.
MANAGER_USER = ("demo-manager", "Lena", "Brandt")
DEMO_USERS = (
    *((s[0], s[1].label) for s in _STAFF),
    (MANAGER_USER[0], f"{Role.MANAGER.label} (the main location)"),
    (OTHER_ORG_USER[0], "Therapist (second organisation)"),
)

_FIRST = (
    "Ava",
    "Liam",
    "Olivia",
    "Noah",
    "Emma",
    "James",
    "Sofia",
    "Lucas",
    "Mia",
    "Ethan",
    "Chloe",
    "Mateo",
    "Grace",
    "Henry",
    "Zoe",
    "Owen",
    "Nora",
    "Caleb",
    "Ruth",
    "Victor",
    "Alma",
    "Felix",
    "June",
    "Walter",
    "Lena",
    "Oscar",
    "Ada",
    "Hugo",
    "Iris",
    "Miles",
)
_LAST = (
    "Abbott",
    "Brennan",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fairchild",
    "Gallagher",
    "Hoang",
    "Ibarra",
    "Jensen",
    "Kaplan",
    "Lombardi",
    "Moreau",
    "Nakamura",
    "Osei",
    "Petrov",
    "Quinlan",
    "Rasmussen",
    "Sandoval",
    "Thornton",
    "Underwood",
    "Vasquez",
    "Whitaker",
    "Xu",
    "Yilmaz",
    "Zimmerman",
    "Achebe",
    "Bergstrom",
    "Cardenas",
    "Dempsey",
)

# payer name, payer id, kind
_PAYERS = (
    ("Medicare Part B (demo)", "DEMO-MCR", PayerKind.MEDICARE),
    ("Silver Years Advantage (demo)", "DEMO-MA1", PayerKind.MEDICARE_ADVANTAGE),
    ("State Medicaid (demo)", "DEMO-MCD", PayerKind.MEDICAID),
    ("Keystone Health Plan (demo)", "DEMO-KHP", PayerKind.COMMERCIAL),
    ("Lakeshore Mutual (demo)", "DEMO-LSM", PayerKind.COMMERCIAL),
    ("Roadway Auto Insurance PIP (demo)", "DEMO-RAI", PayerKind.AUTO_PIP),
    ("Tri-County Workers Comp (demo)", "DEMO-TWC", PayerKind.WORKERS_COMP),
)

# The directory's settings per demo payer (claims id -> fields): timely filing, and the clinic's
# contract terms where a payer departs from its kind's defaults (ADR 0330). Lakeshore counts
# units by the CMS 8-minute rule and Keystone pays hot/cold packs, unlike most commercial plans.
# The clinic is contracted with Medicare and Keystone, not with Lakeshore: a 271's benefits are
# read for that side of the network (ADR 0655).
_PAYER_SETTINGS: dict[str, dict[str, object]] = {
    "DEMO-MCR": {"timely_filing_days": 365, "network_status": "in_network"},  # 42 CFR 424.44
    "DEMO-KHP": {
        "timely_filing_days": 90,
        "policy_overrides": {"pays_97010": True},
        "network_status": "in_network",
    },
    "DEMO-LSM": {
        "timely_filing_days": 180,
        "eligibility_payer_id": "DEMO-LSM-E",
        "policy_overrides": {"unit_method": "cms"},
        "network_status": "out_of_network",
    },
}

# discipline -> (case titles with diagnoses, evaluation code, treatment codes)
_CLINICAL: dict[
    Discipline, tuple[tuple[tuple[str, tuple[str, ...]], ...], str, tuple[str, ...]]
] = {
    Discipline.PT: (
        (
            ("Low back pain", ("M54.50", "M62.81")),
            ("Right knee osteoarthritis", ("M17.11", "M25.561")),
            ("Left shoulder impingement", ("M75.42", "M25.512")),
            ("Gait and balance deficit", ("R26.89", "R26.81")),
            ("Neck strain after collision", ("S16.1XXD", "M54.2")),
        ),
        "97162",
        ("97110", "97140", "97112", "97530", "97116"),
    ),
    Discipline.OT: (
        (
            ("Right hand weakness after stroke", ("I69.351", "M62.81")),
            ("Left wrist fracture recovery", ("S52.502D", "M25.632")),
        ),
        "97166",
        ("97530", "97535", "97110", "97140"),
    ),
    Discipline.SLP: (
        (
            ("Dysphagia after stroke", ("I69.391", "R13.12")),
            ("Expressive aphasia", ("I69.320", "R47.01")),
        ),
        "92523",
        ("92507", "92526"),
    ),
    Discipline.CHIRO: (
        (
            ("Cervical segmental dysfunction", ("M99.01", "M54.2")),
            ("Whiplash after collision", ("S13.4XXD", "M99.01")),
        ),
        "99203",
        ("98940", "97140", "97110"),
    ),
    Discipline.MASSAGE: (
        (("Myofascial pain, upper back", ("M79.18", "M62.838")),),
        "",
        ("97124", "97140"),
    ),
}

_CLINICIAN_OF: dict[Discipline, tuple[str, ...]] = {
    Discipline.PT: ("demo-pt", "demo-pt2", "demo-owner"),
    Discipline.OT: ("demo-ot",),
    Discipline.SLP: ("demo-slp",),
    Discipline.CHIRO: ("demo-dc",),
    Discipline.MASSAGE: ("demo-lmt",),
}
_ASSISTANT_OF = {Discipline.PT: "demo-pta", Discipline.OT: "demo-cota"}
_DISCIPLINE_MIX = (
    (Discipline.PT,) * 16
    + (Discipline.OT,) * 5
    + (Discipline.SLP,) * 3
    + (Discipline.CHIRO,) * 4
    + (Discipline.MASSAGE,) * 2
)
_REGIONS = {
    "M54": ["lumbar"],
    "M17": ["knee"],
    "M75": ["shoulder"],
    "R26": ["lower extremity"],
    "S16": ["cervical"],
    "I69": ["upper extremity"],
    "S52": ["wrist"],
    "M99": ["cervical"],
    "S13": ["cervical"],
    "M79": ["thoracic"],
}


# discipline -> the plan's goals: text, kind, measure, baseline, target, current, weeks to due;
# the PT goals serve the disciplines not listed.
_GOALS: dict[Discipline, tuple[tuple[str, str, str, str, str, str, int], ...]] = {
    Discipline.SLP: (
        (
            "Swallow thin liquids without signs of aspiration",
            "functional",
            "FOIS level",
            "3",
            "6",
            "4",
            8,
        ),
        ("Name 8 of 10 common objects", "impairment", "naming", "3/10", "8/10", "5/10", 4),
    ),
    Discipline.OT: (
        ("Button a shirt independently", "functional", "time (min)", "6", "2", "4", 8),
        ("Grip strength to 40 lb", "impairment", "dynamometer (lb)", "18", "40", "26", 4),
    ),
    Discipline.PT: (
        (
            "Walk 30 minutes without pain above 3/10",
            "functional",
            "minutes walked",
            "10",
            "30",
            "18",
            8,
        ),
        ("Reduce pain at rest", "impairment", "NPRS", "7", "2", "4", 4),
        ("Return to work duties without restriction", "functional", "ODI %", "48", "20", "36", 8),
    ),
}


def _side_of(diagnoses: list[str] | tuple[str, ...]) -> str:
    """The side the case's sided diagnosis names ("" when none does): a block on a limb under
    a sided diagnosis records its side, or sign-off refuses (dx.block-side-missing)."""
    for code in diagnoses:
        side = check_icd(code).laterality
        if side is not None:
            return side.value
    return ""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    organisations: int
    staff: int
    patients: int
    notes: int


def _npi(rng: random.Random) -> str:
    base = "1" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    return base + str(npi_check_digit(base))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@transaction.atomic
def load_demo_clinic(*, today: dt.date, seed: int = 2026, patients: int = 30) -> DemoSummary | None:
    """Create the demo clinic, or do nothing (None) when any organisation exists already."""
    if Organisation.objects.exists():
        return None
    rng = random.Random(seed)
    clinic, locations = _organisation(rng, _CLINIC)
    main, eastside = locations
    for location in (main, eastside):
        do_ensure_default_fee_schedule(location)
    staff = {row[0]: _add_staff(clinic, row, rng, locations) for row in _STAFF}
    _demo_payers(Actor(user=staff["demo-biller"].user, organisation=clinic))
    load_demo_contracts(Actor(user=staff["demo-biller"].user, organisation=clinic))
    actor = Actor(user=staff["demo-frontdesk"].user, organisation=clinic)
    notes = 0
    for index in range(patients):
        notes += _demo_patient(rng, index, actor, staff, (main, eastside), today)
    notes += _demo_chart_upkeep(
        actor, Actor(user=staff["demo-pt"].user, organisation=clinic), today, patients
    )

    _demo_outcome_measures(clinic)
    _demo_blocked_charts(actor, staff["demo-pt"], main, today)
    notes += load_demo_rtm(actor, staff["demo-pt"], main, today, rng)
    # Billed up to the KX threshold: the KX and targeted review flags (ADR 0653).
    kx_notes = load_demo_kx_course(
        actor,
        staff["demo-pt2"],
        Actor(user=staff["demo-biller"].user, organisation=clinic),
        main,
        today,
        patients,
    )
    notes += kx_notes
    # The calendar: its appointments follow the notes written above (ADR 0651).
    load_demo_schedule(actor, staff, today, random.Random(seed + 1))
    load_demo_flags(actor, staff, today, patients)  # the flags that need claims or an older plan
    # A letter-of-protection case with its lien ledger and settlement (ADR 0771).
    load_demo_lop(actor, Actor(user=staff["demo-biller"].user, organisation=clinic), today)
    load_demo_messaging(actor, today)  # after the calendar: reminders and self-booking
    load_demo_denial(clinic, today)  # a denied claim under appeal (ADR 0730)
    load_demo_statements(clinic, today, patients)  # coinsurance statements, dunning (ADR 0760)
    load_demo_secondary(clinic, today)  # a secondary claim and a crossover from 835s (ADR 0740)
    load_demo_money(clinic, today, patients)  # a paper check, refund, transfer, write-off
    load_demo_payment_plan(clinic, today, patients)  # one missed installment (ADR 0764)
    load_demo_portal(clinic, today, patients, DEMO_PASSWORD)  # a patient's portal (ADR 0951)
    # A clinician far above the rest on modifier 59/X, for the reports' monitor (ADR 0801).
    notes += load_demo_reports(
        actor, staff["demo-pt2"], Actor(user=staff["demo-biller"].user, organisation=clinic),
        main, today, patients,
    )  # fmt: skip
    load_demo_inventory(actor, (main, eastside), patients)  # supplies, two low (ADR 0820)
    # After the supplies, whose dispenses go on the first draft: a home program (ADR 0970).
    _, program_case = load_demo_exercises(clinic, today, patients)
    notes += 2 if program_case is not None else 0  # its two draft notes
    load_demo_intake(clinic, main, today, patients)  # a form, consents, a signed ABN (ADR 0960)
    manager_name, manager_first, manager_last = MANAGER_USER
    do_create_staff(
        clinic, username=manager_name, password=DEMO_PASSWORD, first_name=manager_first,
        last_name=manager_last, role=Role.MANAGER, default_location=main, managed_locations=[main],
    )  # fmt: skip

    other, other_locations = _organisation(rng, _OTHER_CLINIC)
    other_ot = _add_staff(other, OTHER_ORG_USER, rng, other_locations)
    do_register_patient(
        Actor(user=other_ot.user, organisation=other),
        patient=Patient(
            first_name="Wren", last_name="Calloway", birth_date=dt.date(1979, 3, 14), sex="F"
        ),
        coverage=Coverage(
            priority="primary",
            payer_name="Keystone Health Plan (demo)",
            payer_id="DEMO-KHP",
            kind=PayerKind.COMMERCIAL.value,
            member_id="KHP55501",
            active_from=dt.date(2024, 1, 1),
        ),
        case=Case(
            discipline=Discipline.OT.value,
            title="Right thumb tendinitis",
            opened_on=today - dt.timedelta(days=10),
        ),
    )
    return DemoSummary(
        organisations=2,
        staff=len(staff) + 2,
        patients=patients + 1 + len(_BLOCKED) + len(RTM_PATIENTS) + (1 if kx_notes else 0),
        notes=notes + 3 * len(_BLOCKED),
    )


def _demo_chart_upkeep(
    front_desk: Actor, therapist: Actor, today: dt.date, demo_patients: int
) -> int:
    """The chart kept current after registration (ADR 0501), through the chart's actions: the
    first patient with a health plan brings a second card (the spouse's plan, secondary), and
    one case ends in a discharge: a PT case with the therapist's discharge summary (ADR 0580),
    else the last patient's. The notes it wrote (0 or 1)."""
    patients = list(
        Patient.objects.filter(organisation=front_desk.organisation)
        .prefetch_related("coverages")
        .order_by("chart_number")
    )
    plans = {"medicare", "medicare_advantage", "commercial"}
    health = [
        p for p in patients if len(p.coverages.all()) == 1 and p.coverages.all()[0].kind in plans
    ]
    if health:
        patient = health[0]
        primary = patient.coverages.all()[0]
        second = "DEMO-KHP" if primary.payer_id == "DEMO-LSM" else "DEMO-LSM"
        do_update_patient(
            front_desk,
            patient,
            reason="Updated at check-in",
            preferred_name=patient.first_name[:3],
            emergency_contact_name="Jamie " + patient.last_name,
            emergency_contact_relationship="Spouse",
            emergency_contact_phone="217-555-0148",
            phone=patient.phone or "217-555-0147",
            sms_consent=True,
            sms_consent_on=today - dt.timedelta(days=7),
        )
        do_add_coverage_to_chart(
            front_desk,
            patient,
            Coverage(
                priority="secondary",
                payer_record=Payer.objects.get(
                    organisation=front_desk.organisation, claims_payer_id=second
                ),
                member_id=f"{second[-3:]}{patient.pk:08d}",
                group_number="G7710",
                subscriber_relationship=Relationship.SPOUSE.value,
                subscriber_first_name="Jamie",
                subscriber_last_name=patient.last_name,
                subscriber_birth_date=dt.date(patient.birth_date.year, 2, 14),
                subscriber_sex="U",
                active_from=dt.date(today.year, 1, 1),
                copay=Decimal("20.00"),
                coinsurance_percent=Decimal("20"),
                deductible=Decimal("500.00"),
            ),
            reason="Second insurance card shown at check-in",
        )
    keep_accident_open = demo_patients >= MONEY_MIN_PATIENTS
    if _demo_discharge_summary(front_desk.organisation, today, keep_accident_open):
        return 1
    case = Case.objects.filter(patient=patients[-1], closed_on__isnull=True).first()
    if case is not None:
        do_close_case(
            therapist,
            case,
            closed_on=today,
            closure=CaseClosure.DISCHARGED,
            reason="Goals met",
        )
    return 0


# Charts whose next note is blocked until the chart is fixed (ADR 0521): (first name, last
# name, what blocks it). Each has two signed visits and today's draft.
_BLOCKED = (
    ("Nora", "Quill", "uncertified plan"),
    ("Otto", "Renner", "used-up referral"),
    ("Ines", "Marlow", "retired diagnosis"),
)
_DEMO_97110 = {
    "exercise": "sit-to-stand",
    "position": "standing",
    "sets": 3,
    "reps": 10,
    "resistance": "none",
    "target_outcome": "quad strength",
    "baseline_measure": "5x sit-to-stand 18 s",
}


def _demo_blocked_charts(
    front_desk: Actor, therapist: Staff, location: Location, today: dt.date
) -> None:
    """Three PT patients whose draft today cannot be signed, each fixed from the chart: a plan
    revised 35 days ago and still awaiting the physician's signature, a referral whose visits
    signed notes used up, and a referral that wrote the retired M54.5 (the case's diagnosis
    until corrected). Built through the same actions the front desk and the therapist use."""
    pt = Actor(user=therapist.user, organisation=front_desk.organisation)
    medicare = Payer.objects.get(organisation=front_desk.organisation, claims_payer_id="DEMO-MCR")
    for first, last, blocked in _BLOCKED:
        # The uncertified plan's case began earlier: its revision has waited for the signature
        # past the 30 days the physician has (within them it is only a warning, ADR 0392).
        opened = today - dt.timedelta(days=45 if blocked == "uncertified plan" else 14)
        case = register_demo_patient(
            front_desk,
            Patient(
                first_name=first,
                last_name=last,
                birth_date=dt.date(1952, 4, 9),
                sex="F",
                address_line1="12 Elm St",
            ),
            medicare,
            f"1EG4TE5MK{len(last):02d}",
            Case(
                discipline=Discipline.PT.value,
                title="Low back pain",
                opened_on=opened,
                onset_date=opened - dt.timedelta(days=30),
                initial_treatment_date=opened,
            ),
            Referral(
                provider_first_name="Maya",
                provider_last_name="Chen",
                provider_npi="1003000126",
                referral_date=opened - dt.timedelta(days=2),
                diagnoses=["M54.5" if blocked == "retired diagnosis" else "M54.50"],
                authorized_visits=2 if blocked == "used-up referral" else 12,
                expires_on=today + dt.timedelta(days=60),
            ),
            covered_from=dt.date(today.year - 1, 1, 1),
        )
        plan = do_create_plan_of_care(
            pt,
            case,
            PlanOfCare(
                diagnoses=["M54.50"],
                frequency_per_week=2,
                duration_weeks=6,
                start_date=opened,
                certified_through=opened + dt.timedelta(weeks=6, days=-1),
                signature_received_on=opened + dt.timedelta(days=5),
                certifier_name="Maya Chen MD",
                certifier_npi="1003000126",
                interventions="Therapeutic exercise, manual therapy, home programme.",
            ),
            goals=_goals(Discipline.PT, opened),
        )
        for day in (opened, opened + dt.timedelta(days=7), today):
            if day == today and blocked == "uncertified plan":
                plan = do_revise_plan_of_care(
                    pt,
                    plan,
                    PlanOfCare(
                        frequency_per_week=3,
                        duration_weeks=4,
                        start_date=today - dt.timedelta(days=35),
                        certified_through=today + dt.timedelta(days=26),
                        certifier_name="Maya Chen MD",
                        certifier_npi="1003000126",
                        interventions="Therapeutic exercise three times a week; gait training.",
                    ),
                    _goals(Discipline.PT, opened),
                    reason="Slower progress than planned: more visits a week",
                )
            note = do_start_note(
                pt, case=case, therapist=therapist, location=location, date_of_service=day
            )
            do_add_treatment_block(
                pt,
                note,
                goals=list(plan.goals.all())[:1],
                code="97110",
                start_time=dt.time(9, 0),
                stop_time=dt.time(9, 23),
                body_regions=["lumbar"],
                justification="Skilled progression of loading for lumbar stability.",
                parameters=_DEMO_97110,
            )
            if day != today:
                do_sign_note(pt, note, therapist, at=_at(day, 18))


def _address(address: _Address) -> dict[str, str]:
    line1, city, state, zip_code = address
    return {"address_line1": line1, "city": city, "state": state, "zip": zip_code}


def _organisation(rng: random.Random, row: _ClinicRow) -> tuple[Organisation, list[Location]]:
    """An organisation and its locations, through the organisations app's actions."""
    name, tax_id, taxonomy, address, locations = row
    organisation = do_create_organisation(
        name=name, npi=_npi(rng), tax_id=tax_id, taxonomy=taxonomy, **_address(address)
    )
    return organisation, [
        do_create_location(organisation, name=place, **_address(place_address))
        for place, place_address in locations
    ]


def _add_staff(
    organisation: Organisation,
    row: tuple[str, Role, Credential | None, str, str, str],
    rng: random.Random,
    locations: list[Location],
) -> Staff:
    """A login with its staff row; a clinic of two locations draws the home one (70% the first)."""
    username, role, credential, first, last, taxonomy = row
    npi = _npi(rng) if credential else ""
    home = locations[0] if len(locations) == 1 or rng.random() < 0.7 else locations[1]
    return do_create_staff(
        organisation,
        username=username,
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        role=role,
        credential=credential.value if credential else "",
        npi=npi,
        taxonomy=taxonomy,
        default_location=home,
    )


def _demo_payers(actor: Actor) -> None:
    """The demo payers in the clinic's directory, with their settings, through its actions."""
    for name, payer_id, kind in _PAYERS:
        payer = do_find_or_add_payer(actor, name=name, claims_payer_id=payer_id, kind=kind.value)
        settings = _PAYER_SETTINGS.get(payer_id)
        if settings:
            do_update_payer(actor, payer, **settings)


def _demo_patient(
    rng: random.Random,
    index: int,
    actor: Actor,
    staff: dict[str, Staff],
    locations: tuple[Location, Location],
    today: dt.date,
) -> int:
    discipline = _DISCIPLINE_MIX[index % len(_DISCIPLINE_MIX)]
    titles, eval_code, codes = _CLINICAL[discipline]
    title, diagnoses = titles[index % len(titles)]
    collision = "collision" in title
    if collision:
        payer = _PAYERS[5]
    elif discipline is Discipline.SLP or index % 7 == 0:
        payer = _PAYERS[0]
    else:
        payer = _PAYERS[(index * 3) % 7 if (index * 3) % 7 != 5 else 3]
    medicare = payer[2] in (PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE)
    age = rng.randint(66, 88) if medicare else rng.randint(19, 63)
    birth = dt.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    weeks = rng.randint(2, 4)
    opened = today - dt.timedelta(days=7 * weeks + rng.randint(0, 3))
    relationship = Relationship.SPOUSE if index % 9 == 4 and not medicare else Relationship.SELF
    coverage = Coverage(
        priority="primary",
        payer_name=payer[0],
        payer_id=payer[1],
        kind=payer[2].value,
        member_id=f"{payer[1][-3:]}{rng.randint(10_000_000, 99_999_999)}",
        group_number="" if medicare else f"G{rng.randint(1000, 9999)}",
        subscriber_relationship=relationship.value,
        subscriber_first_name="Alex" if relationship is Relationship.SPOUSE else "",
        subscriber_last_name=_LAST[index] if relationship is Relationship.SPOUSE else "",
        subscriber_birth_date=(
            dt.date(birth.year - 2, 6, 1) if relationship is Relationship.SPOUSE else None
        ),
        subscriber_sex="M" if relationship is Relationship.SPOUSE else "",
        active_from=dt.date(today.year - 1, 1, 1),
    )
    case = Case(
        discipline=discipline.value,
        title=title,
        onset_date=opened - dt.timedelta(days=rng.randint(5, 40)),
        opened_on=opened,
        injury_description=f"{title}; referred for {discipline.value} care.",
    )
    if collision:
        case.accident_kind = AccidentKind.AUTO.value
        case.accident_date = case.onset_date
        case.accident_state = "IL"
        case.insurer_claim_number = f"RAI-{rng.randint(100000, 999999)}"
        case.attorney_name = "Lowell & Park LLP (demo)"
        case.attorney_phone = "217-555-0142"
        case.case_manager_name = "Dana Price"
        case.case_manager_phone = "217-555-0177"
        case.lien_on_file = index % 2 == 0
        case.report_schedule = ReportSchedule.EVERY_30_DAYS.value
    elif payer[2] is PayerKind.WORKERS_COMP:
        # A workers' comp claim needs the injury at work and the carrier's claim number;
        # no random draw here, so the rest of the demo stays as the seed made it.
        case.accident_kind = AccidentKind.EMPLOYMENT.value
        case.accident_date = case.onset_date
        case.accident_state = "IL"
        case.insurer_claim_number = f"TWC-{index + 1:06d}"
    referral = Referral(
        provider_first_name=rng.choice(("Laura", "Kenji", "Fatima", "Robert")),
        provider_last_name=rng.choice(("Singh", "Moreno", "Albright", "Chen")),
        provider_npi=_npi(rng),
        qualifier="DN",
        referral_date=opened - dt.timedelta(days=3),
        diagnoses=list(diagnoses),
        authorized_visits=rng.choice((None, 8, 12, 12, 20)),
        expires_on=opened + dt.timedelta(days=90),
    )
    do_register_patient(
        actor,
        patient=Patient(
            first_name=_FIRST[index],
            last_name=_LAST[(index * 7) % len(_LAST)],
            birth_date=birth,
            sex="F" if index % 2 == 0 else "M",
            phone=f"217-555-{1000 + index:04d}",
            address_line1=f"{rng.randint(10, 999)} Elm Street",
            city="Springfield",
            state="IL",
            zip="62704",
        ),
        coverage=coverage,
        case=case,
        referral=referral,
    )
    clinician = staff[_CLINICIAN_OF[discipline][index % len(_CLINICIAN_OF[discipline])]]
    clinical_actor = Actor(user=clinician.user, organisation=actor.organisation)
    # Some plans run out soon, so the home page has recertifications to show.
    certified_through = opened + dt.timedelta(days=rng.choice((weeks * 7 + 5, 60, 90)))
    # A massage therapist does not establish a plan of care (scope table): the front desk
    # enters the one the referring physician wrote, as a clinic does.
    plan_actor = (
        actor if act_refusal(Credential(clinician.credential), Act.PLAN_OF_CARE) else clinical_actor
    )
    plan = do_create_plan_of_care(
        plan_actor,
        case,
        PlanOfCare(
            diagnoses=list(diagnoses),
            frequency_per_week=2,
            duration_weeks=8,
            start_date=opened,
            certified_through=certified_through,
            certifier_name=f"{referral.provider_first_name} {referral.provider_last_name}",
            certifier_npi=referral.provider_npi,
            signature_received_on=(
                opened + dt.timedelta(days=rng.randint(3, 20)) if index % 5 else None
            ),
        ),
        goals=_goals(discipline, opened),
    )
    goals = list(plan.goals.all())
    visit_days = _visit_days(opened, today, rng)
    assistant = staff.get(_ASSISTANT_OF.get(discipline, ""))
    location = locations[index % 2]
    count = 0
    previous_pain = rng.randint(5, 8)
    for number, day in enumerate(visit_days, start=1):
        writer = clinician
        if assistant is not None and number > 1 and number % 3 == 0:
            writer = assistant
        note_type = _demo_note_type(index, number, discipline, writer, clinician)
        note = do_start_note(
            Actor(user=writer.user, organisation=actor.organisation),
            case=case,
            therapist=writer,
            location=location,
            date_of_service=day,
            note_type=note_type,
        )
        pain = max(1, previous_pain - rng.randint(0, 1))
        previous_pain = pain
        writer_actor = Actor(user=writer.user, organisation=actor.organisation)
        do_update_note(
            writer_actor,
            note,
            pain_level=pain,
            pain_location=_REGIONS.get(diagnoses[0][:3], ["general"])[0],
            functional_limits="Difficulty with stairs and lifting groceries.",
            patient_words=rng.choice(
                (
                    "Mornings are still stiff but it loosens up.",
                    "I walked to the mailbox without stopping.",
                    "Sleeping better this week.",
                    "Sore after the last session, better the next day.",
                )
            ),
            objective={
                "rom": [
                    {
                        "joint": "knee",
                        "motion": "flexion",
                        "side": "right",
                        "degrees": 90 + number * 3,
                    }
                ]
                if discipline is Discipline.PT
                else [],
                "strength": [],
                "outcome_measures": [{"name": "NPRS", "score": pain, "max": 10}],
            },
            assessment="Tolerated treatment well; progressing toward goals.",
            plan="Continue plan of care; progress resistance as tolerated.",
            **_demo_report(note_type, eval_code, goals),
        )
        visit_code = {
            NoteType.EVALUATION: eval_code,
            NoteType.RE_EVALUATION: _RE_EVALUATION_CODE.get(discipline, ""),
        }.get(note_type, "")
        blocks = _blocks(rng, discipline, visit_code, codes, writer)
        start = dt.time(8 + (index % 8), 0)
        minute = start.hour * 60
        for code, minutes, timed in blocks:
            stop = minute + minutes
            do_add_treatment_block(
                writer_actor,
                note,
                goals=goals[:2] if timed else (),
                code=code,
                start_time=dt.time(minute // 60, minute % 60) if timed else None,
                stop_time=dt.time(stop // 60, stop % 60) if timed else None,
                minutes=None if timed else minutes,
                assistant_minutes=minutes if writer.is_assistant and timed else 0,
                body_regions=_REGIONS.get(diagnoses[0][:3], ["general"]),
                laterality=_side_of(diagnoses),
                justification="Skilled intervention to restore function toward plan goals.",
            )
            minute = stop
        # The two most recent visits of some patients are left unsigned: one from today (being
        # written) and one from an earlier day (waiting for a signature).
        unsigned = day == today or (number == len(visit_days) and index % 4 == 1)
        if not unsigned:
            do_sign_note(writer_actor, note, writer, at=_at(day, 18))
            if writer.is_assistant:
                # The supervising therapist co-signs the assistant's note (ADR 0200).
                do_cosign_note(
                    Actor(user=clinician.user, organisation=actor.organisation),
                    note,
                    clinician,
                    at=_at(day, 19),
                )
        count += 1
    return count


# Three LEFS administrations, item by item (each 0-4), a real course: 31/80 at the evaluation,
# 39/80 mid-way (8 points: below the MCID of 9), 48/80 at the progress report (+17: meets it).
_DEMO_LEFS = (
    "2 2 1 1 2 1 1 2 2 1 2 2 1 1 2 2 1 1 1 3",
    "2 2 2 2 2 2 1 2 2 2 2 2 2 1 2 2 1 2 2 4",
    "3 3 2 2 3 2 2 3 3 2 3 3 2 2 2 2 2 2 2 3",
)


def _demo_outcome_measures(clinic: Organisation) -> None:
    """One PT case with three real LEFS measurements (the first visit, one mid-way, and the
    last visit) and its last visit, written by the therapist, as the progress report that
    shows them: the chart's measure panel and the report's chart read these (ADR 0541)."""
    notes = list(
        Note.objects.filter(
            patient__organisation=clinic,
            case__discipline=Discipline.PT.value,
            therapist__credential=Credential.PT.value,
        )
        .select_related("case", "therapist__user")
        .order_by("case__patient_id", "date_of_service", "id")
    )
    by_case: dict[int, list[Note]] = {}
    for note in notes:
        by_case.setdefault(note.case_id, []).append(note)
    for case_notes in by_case.values():
        last = case_notes[-1]
        if len(case_notes) < 3 or last.is_signed:
            continue
        therapist = last.therapist
        actor = Actor(user=therapist.user, organisation=clinic)
        days = (case_notes[0], case_notes[len(case_notes) // 2], last)
        for note, answers in zip(days, _DEMO_LEFS, strict=True):
            do_record_outcome_measure(
                actor,
                case=last.case,
                recorded_by=therapist,
                instrument_code="LEFS",
                measured_on=note.date_of_service,
                today=last.date_of_service,
                answers=answers.split(),
            )
        # A total typed twice by mistake, removed with its reason: off the chart and the
        # report, kept in the audit trail (ADR 0592).
        slip = do_record_outcome_measure(
            actor,
            case=last.case,
            recorded_by=therapist,
            instrument_code="LEFS",
            measured_on=last.date_of_service,
            today=last.date_of_service,
            total="8",
        )
        do_remove_outcome_measure(
            actor,
            slip,
            staff=therapist,
            reason="typing slip: the day's LEFS entered twice",
            at=timezone.now(),
        )
        if last.note_type != NoteType.PROGRESS_REPORT:
            goals = last.case.plans_of_care.first()
            do_update_note(
                actor,
                last,
                **_demo_report(
                    NoteType.PROGRESS_REPORT, "", list(goals.goals.all()) if goals else []
                ),
                note_type=NoteType.PROGRESS_REPORT,
            )
        return


# A re-evaluation in every third PT and OT case, on its seventh visit (a therapist's day).
_RE_EVALUATION_CODE = {Discipline.PT: "97164", Discipline.OT: "97168"}
_RE_EVALUATION_VISIT = 7


def _demo_note_type(
    index: int, number: int, discipline: Discipline, writer: Staff, clinician: Staff
) -> NoteType:
    """The first visit is the evaluation (a massage therapist does not evaluate: a daily note),
    every 10th the progress report, the 7th of every third PT or OT case a re-evaluation; an
    assistant's visit is always a daily note (scope table)."""
    credential = Credential(writer.credential)
    if writer is not clinician:
        return NoteType.DAILY
    if number == 1:
        evaluates = act_refusal(credential, Act.EVALUATION) is None
        return NoteType.EVALUATION if evaluates else NoteType.DAILY
    if number % 10 == 0 and act_refusal(credential, Act.PROGRESS_REPORT) is None:
        return NoteType.PROGRESS_REPORT
    if number == _RE_EVALUATION_VISIT and index % 3 == 0 and discipline in _RE_EVALUATION_CODE:
        return NoteType.RE_EVALUATION
    return NoteType.DAILY


def _demo_report(note_type: NoteType, eval_code: str, goals: list[Goal]) -> dict[str, object]:
    """The sections, stated complexity and goal statuses a clinical report carries (ADR 0580),
    as the therapist types them; nothing for a daily note."""
    if note_type is NoteType.EVALUATION:
        row = CODE_ACTS.get(eval_code)
        return {
            "sections": {
                "history": "Gradual onset six weeks ago after lifting; no prior episodes. "
                "Independent in all activities before onset. Hypertension, controlled.",
                "systems_review": "Cardiovascular and pulmonary intact; skin intact; "
                "musculoskeletal and neuromuscular impaired as tested; alert and oriented, "
                "learns best by demonstration.",
                "tests_and_measures": "Special tests and standardized measures as listed in "
                "the objective table; gait observed with reduced stance time on the painful side.",
            },
            "complexity": row.complexity if row is not None else "",
        }
    template = template_of(note_type)
    if not template.reports_goals:
        return {}
    report: dict[str, object] = {
        "goal_report": [
            {"goal": g.pk, "status": "active", "current": g.current or g.baseline} for g in goals
        ]
    }
    if note_type is NoteType.RE_EVALUATION:
        report["sections"] = {
            "reason": "Pain rose after a fall at home; plan reviewed before continuing.",
            "tests_and_measures": "Repeated the evaluation's tests; results in the objective.",
        }
    else:
        report["sections"] = {
            "narrative": "Steady gains in range and tolerance since the last report; "
            "skilled progression of loading still needed to reach the plan's goals."
        }
    return report


def _demo_discharge_summary(clinic: Organisation, today: dt.date, keep_accident_open: bool) -> int:
    """One PT case ends today with the therapist's discharge summary (each goal's final status,
    the final measures, the home program), signed, and the case discharged through the chart's
    own action, as the note page offers (ADR 0580). The case: the last open PT case whose
    visits are all signed and before today, evaluated by a PT; with `keep_accident_open` (demos
    of 20 patients or more, as demo_money.py) billed to no accident carrier (ADR 0653)."""
    cases = (
        Case.objects.filter(
            patient__organisation=clinic,
            discipline=Discipline.PT.value,
            closed_on__isnull=True,
            notes__note_type=NoteType.EVALUATION.value,
            notes__therapist__credential=Credential.PT.value,
        )
        .exclude(notes__status=NoteStatus.DRAFT)
        .exclude(notes__date_of_service__gte=today)
        .order_by("-patient__chart_number")
    )
    if keep_accident_open:
        # An accident case stays open: its PIP/MedPay limit is a forward flag (ADR 0653).
        cases = cases.exclude(
            coverage__kind__in=(PayerKind.AUTO_PIP.value, PayerKind.AUTO_MEDPAY.value)
        )
    case = cases.first()
    if case is None:
        return 0
    evaluation = case.notes.get(note_type=NoteType.EVALUATION.value)
    therapist = evaluation.therapist
    actor = Actor(user=therapist.user, organisation=clinic)
    note = do_start_note(
        actor,
        case=case,
        therapist=therapist,
        location=evaluation.location,
        date_of_service=today,
        note_type=NoteType.DISCHARGE_SUMMARY,
    )
    plan = case.plans_of_care.first()
    goals = list(plan.goals.all()) if plan is not None else []
    final = ("met", "partially_met", "met")
    do_update_note(
        actor,
        note,
        pain_level=1,
        objective={
            "rom": [{"joint": "knee", "motion": "flexion", "side": "right", "degrees": 128}],
            "strength": [],
            "outcome_measures": [{"name": "NPRS", "score": 1, "max": 10}],
        },
        assessment="Goals met or nearly met; independent with the home program.",
        plan="Discharge to the home program; return if symptoms recur.",
        sections={
            "discharge_reason": "Goals met",
            "final_status": "Walks 30 minutes with pain 1/10; back at work with one "
            "restriction on lifting overhead.",
            "recommendations": "Home program three times a week: bridges 3x10, sit-to-stand "
            "3x10, walking 30 minutes daily. Call the clinic if pain rises above 4/10.",
        },
        goal_report=[
            {"goal": g.pk, "status": final[i % len(final)], "current": g.target}
            for i, g in enumerate(goals)
        ],
    )
    do_sign_note(actor, note, therapist, at=_at(today, 12))
    do_close_case(actor, case, closed_on=today, closure=CaseClosure.DISCHARGED, reason="Goals met")
    return 1


def _visit_days(opened: dt.date, today: dt.date, rng: random.Random) -> list[dt.date]:
    """Two or three visits a week from the opening day up to today, on weekdays."""
    days = []
    day = opened
    while day <= today:
        if day.weekday() < 5 and (day == opened or rng.random() < 0.5):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _blocks(
    rng: random.Random,
    discipline: Discipline,
    eval_code: str,
    codes: tuple[str, ...],
    writer: Staff,
) -> list[tuple[str, int, bool]]:
    """(code, minutes, timed) rows for one visit."""
    rows: list[tuple[str, int, bool]] = []
    if eval_code and not writer.is_assistant:
        rows.append((eval_code, 30, False))
    untimed = {"92507", "92526", "98940", "99203"}
    for code in rng.sample(codes, k=min(len(codes), rng.randint(2, 3))):
        if code in untimed:
            rows.append((code, 30, False))
        else:
            rows.append((code, rng.choice((8, 12, 15, 15, 23, 25)), True))
    return rows


def _goals(discipline: Discipline, opened: dt.date) -> list[Goal]:
    """The plan's goals for the discipline, due four or eight weeks after the case opened."""
    return [
        Goal(
            text=text,
            kind=kind,
            measure=measure,
            baseline=baseline,
            target=target,
            current=current,
            due_date=opened + dt.timedelta(weeks=weeks),
        )
        for text, kind, measure, baseline, target, current, weeks in _GOALS.get(
            discipline, _GOALS[Discipline.PT]
        )
    ]
