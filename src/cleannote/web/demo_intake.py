"""The demo's patient paperwork (ADR 0960): an intake form the owner built, the five consents,
and a Medicare patient who answered the form, signed three of the four consents every patient
signs (the financial policy is still missing, so her chart and her check-in list it), and
signed an Advance Beneficiary Notice before a maintenance visit, whose claim carries GA. Her
answers suggest her address, phone and medications; the desk accepted the medications onto the
chart's list (ADR 0964).

Everything goes through the actions people use: the owner publishes the form and the consent
texts, the patient answers and signs as she would in the portal, the desk offers the notice,
the therapist writes and signs the visit, the biller makes its claim. Like the demo's money by
hand it runs on demos of `MIN_PATIENTS` or more only: the small demos the end-to-end tests load
pin their claims and amounts, which one more billed patient would change.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.models import Claim
from cleannote.apps.intake.actions import (
    do_decide_suggestion,
    do_offer_notice,
    do_publish_consent,
    do_publish_form,
    do_send_form,
    do_sign_consent,
    do_sign_notice,
    do_submit_response,
)
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.organisations.models import Location, Organisation, Staff
from cleannote.apps.patients.actions import do_create_plan_of_care
from cleannote.apps.patients.models import Case, Goal, Patient, PlanOfCare, Referral
from cleannote.apps.payers.models import Payer
from cleannote.web.demo_money import MIN_PATIENTS
from cleannote.web.demo_registration import register_demo_patient

ABN_PATIENT = ("Ruth", "Adeyemi")
INTAKE_FIELDS: list[dict[str, object]] = [
    {"key": "street", "label": "Street address", "type": "text", "maps_to": "address_line1"},
    {"key": "phone", "label": "Mobile phone", "type": "text", "maps_to": "phone"},
    {"key": "member_id", "label": "Member ID on your insurance card", "type": "text",
     "maps_to": "coverage.member_id"},
    {"key": "medications", "label": "Medications you take, one a line", "type": "text",
     "maps_to": "medications"},
    {"key": "pain", "label": "Pain right now (0 none, 10 worst)", "type": "scale", "low": 0,
     "high": 10, "required": True, "maps_to": "pain_now"},
    {"key": "where", "label": "Where it hurts", "type": "body_regions"},
    {"key": "goal", "label": "What would you like to do again?", "type": "choice",
     "choices": ["Walk further", "Climb stairs", "Garden", "Return to work", "Other"]},
    {"key": "signature", "label": "Signature", "type": "signature", "required": True},
]  # fmt: skip
CONSENTS = (
    ("treatment", "I consent to evaluation and treatment by this clinic's therapists, and I "
     "may ask questions or stop treatment at any time.", True),
    ("privacy", "I have received the clinic's notice of privacy practices, which says how my "
     "health information is used and shared.", True),
    ("financial", "I am responsible for charges my insurance does not pay, including "
     "copays, coinsurance and deductibles, and for missed visits not cancelled in time.", True),
    ("communication", "The clinic may contact me by email and text message about my "
     "appointments, forms and bills.", True),
    ("telehealth", "I agree to receive some visits by secure video, and understand their "
     "limits.", False),
)  # fmt: skip


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def load_demo_intake(
    organisation: Organisation, location: Location, today: dt.date, patients: int
) -> Claim | None:
    """The form, the consents and the Medicare patient's paperwork; her visit's claim."""
    if patients < MIN_PATIENTS:
        return None
    staff = {
        s.user.username: s
        for s in Staff.objects.filter(organisation=organisation).select_related("user")
    }
    owner, desk = staff["demo-owner"], staff["demo-frontdesk"]
    therapist, biller = staff["demo-pt"], staff["demo-biller"]
    as_owner = Actor(user=owner.user, organisation=organisation)
    as_desk = Actor(user=desk.user, organisation=organisation)
    published = today - dt.timedelta(days=30)
    form = do_publish_form(
        as_owner, owner, name="New patient intake", fields=INTAKE_FIELDS, now=_at(published, 9)
    ).form
    texts = {
        kind: do_publish_consent(
            as_owner, owner, kind=kind, text=words, required=required, now=_at(published, 9)
        )
        for kind, words, required in CONSENTS
    }
    # The patient: Medicare, low back pain, seen for a maintenance programme.
    opened = today - dt.timedelta(days=12)
    medicare = Payer.objects.get(organisation=organisation, claims_payer_id="DEMO-MCR")
    case = register_demo_patient(
        as_desk,
        Patient(first_name=ABN_PATIENT[0], last_name=ABN_PATIENT[1],
                birth_date=dt.date(1946, 2, 14), sex="F", address_line1="18 Sycamore Lane",
                email="ruth.adeyemi@example.org",
                email_consent=True, email_consent_on=opened),
        medicare,
        "7QA2TE4MK51",
        Case(discipline="PT", title="Chronic low back pain, maintenance programme",
             onset_date=opened - dt.timedelta(days=400), opened_on=opened,
             initial_treatment_date=opened),
        Referral(provider_first_name="Maya", provider_last_name="Chen",
                 provider_npi="1003000126", referral_date=opened - dt.timedelta(days=3),
                 diagnoses=["M54.50"]),
        covered_from=dt.date(today.year - 1, 1, 1),
    )  # fmt: skip
    patient = case.patient
    as_patient = Actor(user=None, organisation=organisation, via=f"patient {patient.pk}")
    # She answered the intake form in the portal: her new flat and her phone wait for the desk.
    sent = do_send_form(as_desk, patient, form, now=_at(opened - dt.timedelta(days=2), 10))
    do_submit_response(
        as_patient,
        sent,
        {
            "street": ["18 Sycamore Lane, Apt 2"], "phone": ["217-555-0144"],
            "member_id": ["7QA2TE4MK51"],
            "medications": ["Lisinopril 10 mg once a day\nIbuprofen 200 mg as needed for pain"],
            "pain": ["5"], "where": ["low back", "left hip"], "goal": ["Garden"],
            "signature": ["Ruth Adeyemi"],
        },
        signed_name="Ruth Adeyemi",
        now=_at(opened - dt.timedelta(days=1), 19),
    )  # fmt: skip
    # The desk accepted her medication list onto the chart (ADR 0964); the rest still waits.
    do_decide_suggestion(
        as_desk, desk, sent.suggestions.get(target="medications"), accept=True,
        today=opened - dt.timedelta(days=1), now=_at(opened, 9),
    )  # fmt: skip
    for kind in ("treatment", "privacy", "communication"):  # the financial policy is missing
        do_sign_consent(
            as_patient, patient, texts[kind], signed_name="Ruth Adeyemi", via="portal",
            now=_at(opened - dt.timedelta(days=1), 19),
        )  # fmt: skip
    clinical = Actor(user=therapist.user, organisation=organisation)
    plan = do_create_plan_of_care(
        clinical,
        case,
        PlanOfCare(
            diagnoses=["M54.50"], frequency_per_week=1, duration_weeks=8, start_date=opened,
            certified_through=opened + dt.timedelta(weeks=8, days=-1),
            signature_received_on=opened + dt.timedelta(days=4),
            certifier_name="Maya Chen MD", certifier_npi="1003000126",
            interventions="Therapeutic exercise; home programme.",
        ),
        goals=[Goal(text="Garden for 30 minutes", kind="functional", baseline="10",
                    target="30", due_date=opened + dt.timedelta(weeks=8))],
    )  # fmt: skip
    # Her programme is maintenance: the desk offered an ABN for the exercise and she signed it,
    # option 1 (bill Medicare, and me if it denies), before the visit.
    visit_day = today - dt.timedelta(days=2)
    notice = do_offer_notice(
        as_desk, desk, patient, codes=["97110"], services="Therapeutic exercise (maintenance)",
        reason="Medicare may not pay for exercise that maintains function without skilled "
        "progression.", estimated_cost="45.00", today=visit_day - dt.timedelta(days=1),
        through=opened + dt.timedelta(weeks=8), now=_at(visit_day - dt.timedelta(days=1), 11),
    )  # fmt: skip
    do_sign_notice(
        as_patient, notice, option=1, signed_name="Ruth Adeyemi",
        now=_at(visit_day - dt.timedelta(days=1), 18),
    )  # fmt: skip
    note = do_start_note(
        clinical, case=case, therapist=therapist, location=location, date_of_service=visit_day
    )
    do_add_treatment_block(
        clinical, note, goals=list(plan.goals.all()), code="97110",
        start_time=dt.time(11, 0), stop_time=dt.time(11, 25), body_regions=["lumbar"],
        justification="Supervised progression of lumbar stabilisation for gardening.",
    )  # fmt: skip
    note = do_sign_note(clinical, note, therapist, at=_at(visit_day, 17))
    return do_create_claim_from_note(
        Actor(user=biller.user, organisation=organisation), note, as_of=today
    )
