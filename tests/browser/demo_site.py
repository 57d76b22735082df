"""One demo clinic and one server shared by a whole test module, for tests that only read pages
(the accessibility and page-width sweeps): loading the demo and signing in once per module
instead of once per page keeps those sweeps to a minute or two.

pytest-django's `live_server` fixture asks for `transactional_db`, which empties the database
after every test, so the shared server is started here instead (pytest-django's own
`LiveServer` helper) and the database is emptied once, when the module is done. The tests that
use it must not write; a test that changes data uses the per-test `browser_page` fixture.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command
from django.test import RequestFactory
from django.test.utils import override_settings
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.acknowledgments import do_import_277ca
from cleannote.apps.claims.actions import do_change_claim_status, do_create_claim_from_note
from cleannote.apps.claims.charges import do_create_claims_from_notes
from cleannote.apps.claims.errors import ClaimRefusedError
from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.claims.selectors import refused_notes
from cleannote.apps.eligibility.actions import Question, do_build_270
from cleannote.apps.eligibility.models import EligibilityCheck
from cleannote.apps.ledger.models import PatientPayment
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.patients.models import Coverage, Patient, PlanOfCare, RtmEnrolment
from cleannote.apps.payers.models import Payer
from cleannote.apps.remittance.actions import do_import_835
from cleannote.apps.scheduling.models import Appointment, AppointmentSeries
from cleannote.web import errors
from cleannote.web.demo_clinic import DEMO_PASSWORD, load_demo_clinic
from tests.apps.x12_files import (
    claim_acknowledgment_277ca,
    claim_payment,
    remittance_835,
    service,
)

DEMO_PATIENTS = 4
# The four roles of issue 11's sweep: owner, clinician, front desk, biller.
ROLES = {
    "owner": "demo-owner",
    "therapist": "demo-pt",
    "front desk": "demo-frontdesk",
    "biller": "demo-biller",
}


@dataclass
class DemoSite:
    url: str
    # page name -> path, the same for every role (a role that may not open one sees the 403)
    pages: dict[str, str] = field(default_factory=dict)
    # the 500 page's HTML, which the live server cannot be made to answer
    server_error_html: str = ""


def _bill_and_post(organisation: Organisation, today: dt.date) -> None:
    """Claims from the first signed notes, an 835 paying one and denying another (with one
    payment that matches no claim), and a 270 asking about one coverage."""
    biller = Staff.objects.select_related("user").get(user__username=ROLES["biller"])
    actor = Actor(user=biller.user, organisation=organisation)
    claims = []
    refused = []
    signed = Note.objects.filter(patient__organisation=organisation, signed_at__isnull=False)
    for note in signed.order_by("date_of_service", "pk"):
        try:
            claims.append(do_create_claim_from_note(actor, note, as_of=today))
        except ClaimRefusedError:
            refused.append(note.pk)
            continue
        if len(claims) == 3:
            break
    payments = [
        claim_payment("CN-NOT-OURS", "1", "50", "50", "0", [service("97110", "50", "50", 1)])
    ]
    for claim, status in zip(claims[:2], ("1", "4"), strict=False):
        lines = []
        for line in claim.lines.all():
            paid = str(line.charge) if status == "1" else "0"
            adjust = () if status == "1" else (("CO", "50", str(line.charge)),)
            procedure = ":".join([line.code, *line.modifiers])
            lines.append(
                service(procedure, str(line.charge), paid, line.units, adjustments=adjust,
                        line_control=line.line_control_number)
            )  # fmt: skip
        total = str(claim.total_charge)
        paid_total = total if status == "1" else "0"
        payments.append(
            claim_payment(str(claim.patient_control_number), status, total, paid_total, "0", lines)
        )
    do_import_835(actor, remittance_835(payments), file_name="a11y-demo.835")
    if len(claims) == 3:
        # The third claim sent and rejected by a 277CA, for the rejections worklist (ADR 0702).
        for status in (ClaimStatus.READY, ClaimStatus.IN_BATCH):
            do_change_claim_status(actor, claims[2], status)
        rejection = [(str(claims[2].patient_control_number), ["STC*A6:164:IL*20261206*U"])]
        do_import_277ca(actor, claim_acknowledgment_277ca(rejection), file_name="a11y-demo.277")
    coverage = Coverage.objects.filter(patient__organisation=organisation).order_by("pk").first()
    if coverage is not None:
        do_build_270(actor, [Question(coverage=coverage, day=today)])
    # One more note through the charge queue, its patient's street address blanked, so the
    # refused list has a row with its finding and fix link (ADR 0710); the rest stay unbilled.
    unbilled = signed.filter(claims__isnull=True).order_by("-date_of_service", "-pk").first()
    if unbilled is not None:
        Patient.objects.filter(pk=unbilled.patient_id).update(
            address_line1="", city="", state="", zip=""
        )
        refused.append(unbilled.pk)
    do_create_claims_from_notes(actor, refused, as_of=today)


def _pages(organisation: Organisation) -> dict[str, str]:
    therapist = Staff.objects.get(user__username=ROLES["therapist"])
    draft = (
        Note.objects.filter(therapist=therapist, status=NoteStatus.DRAFT)
        .select_related("case")
        .order_by("pk")
        .first()
    )
    assert draft is not None, "the demo gives its therapist a draft note"
    patient, case = draft.patient_id, draft.case_id
    signed = Note.objects.filter(patient__organisation=organisation, signed_at__isnull=False)
    signed_note = signed.order_by("pk").first()
    assert signed_note is not None
    claim = Claim.objects.filter(organisation=organisation).order_by("pk").first()
    check = EligibilityCheck.objects.filter(organisation=organisation).order_by("pk").first()
    payer = Payer.objects.filter(organisation=organisation).order_by("pk").first()
    assert claim is not None, "the demo bills a claim"
    assert refused_notes(organisation).exists(), "the charge queue refused a note"
    assert check is not None, "and asks a payer about a coverage"
    assert payer is not None
    rtm = RtmEnrolment.objects.filter(case__patient__organisation=organisation).order_by("pk")
    monitored = rtm.select_related("case").first()
    assert monitored is not None, "the demo monitors a patient remotely (ADR 0570)"
    chart = f"/patients/{patient}"
    booked = Appointment.objects.filter(organisation=organisation, status="booked")
    coming = booked.order_by("start", "pk").first()
    payment = PatientPayment.objects.filter(organisation=organisation).order_by("pk").first()
    assert coming is not None, "the demo calendar books visits ahead (ADR 0651)"
    assert payment is not None, "and took copays at check-in"
    return {
        "home": "/",
        "schedule": "/schedule/",
        "needs attention": "/schedule/attention/",
        "week": f"/schedule/week/?day={coming.start:%Y-%m-%d}",
        "appointment": f"/schedule/appointment/{coming.pk}/",
        "book": "/schedule/book/",
        "patient list": "/patients/",
        "chart": f"{chart}/",
        "referrals": f"{chart}/cases/{case}/referrals/",
        "diagnoses": f"{chart}/cases/{case}/diagnoses/",
        "plan of care": f"{chart}/cases/{case}/plan/",
        "book series": f"/schedule/series/new/{_plan_of(case)}/",
        "waitlist": "/schedule/waitlist/",
        "series": f"/schedule/series/{_series_of(organisation)}/",
        "remote monitoring": (
            f"/patients/{monitored.case.patient_id}/cases/{monitored.case_id}/rtm/"
        ),
        "note editor": f"/notes/{draft.pk}/edit/",
        "note page": f"/notes/{signed_note.pk}/",
        "exercise library": "/exercises/",
        "new exercise": "/exercises/new/",
        "claims list": "/claims/",
        "claim page": f"/claims/{claim.pk}/",
        "batches": "/claims/batches/",
        "charge queue": "/claims/unbilled/",
        "refused notes": "/claims/refused/",
        "worklist filtered": "/claims/?age=0-30&sort=-date",
        "rejections": "/claims/rejections/",
        "clearinghouses": "/exchange/profiles/",
        "clearinghouse form": "/exchange/profiles/add/",
        "eligibility": "/eligibility/",
        "eligibility check": f"/eligibility/{check.pk}/",
        "check-in": f"/ledger/check-in/{coming.pk}/",
        "patient ledger": f"/ledger/patients/{payment.patient_id}/",
        "receipt": f"/ledger/receipts/{payment.pk}/",
        "remittance": "/remittance/",
        "denials": "/remittance/denials/",
        "denial": f"/remittance/denials/claim/{claim.pk}/",
        "A/R aging": "/remittance/aging/",
        "unmatched payments": "/remittance/unmatched/",
        "underpayments": "/remittance/underpayments/",
        "fee schedules": "/claims/fees/",
        "fee import": "/claims/fees/import/",
        "payers": "/payers/",
        "outbox": "/outbox/",
        "reminder settings": "/schedule/front-desk/settings/",
        "schedule settings": "/schedule/settings/",
        "schedule hours": "/schedule/settings/hours/",
        "calendar feed": "/schedule/front-desk/calendar-feed/",
        "self-booking link": f"/schedule/front-desk/self-booking/{patient}/",
        "payer": f"/payers/{payer.pk}/",
        "staff": "/staff/",
        "audit": "/audit/",
        "security": "/account/security/",
        "404": "/patients/999999/",
    }


def _plan_of(case_id: int) -> int:
    plan = PlanOfCare.objects.filter(case_id=case_id).order_by("-start_date", "-pk").first()
    assert plan is not None, "the demo's draft note has a plan of care"
    return plan.pk


def _series_of(organisation: Organisation) -> int:
    series = AppointmentSeries.objects.filter(organisation=organisation).order_by("pk").first()
    assert series is not None, "the demo books plans of care as series"
    return series.pk


def serve_demo(django_db_blocker, tmp: Path) -> Iterator[DemoSite]:
    """Load the demo, bill a little of it, serve it; empty the database afterwards."""
    from pytest_django.live_server_helper import LiveServer

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    today = timezone.localdate()
    quick = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CLEANNOTE_OUTBOX_DIR=tmp / "outbox",
        REDIS_URL="",
    )
    with django_db_blocker.unblock(), quick:
        try:
            assert load_demo_clinic(today=today, patients=DEMO_PATIENTS) is not None
            organisation = Organisation.objects.get(name="Riverbend Therapy & Rehab")
            _bill_and_post(organisation, today)
            site = DemoSite(url="", pages=_pages(organisation))
            failing = RequestFactory().get(site.pages["claims list"] + "12/")
            site.server_error_html = errors.server_error(failing).content.decode()
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            site.url = server.url
            try:
                yield site
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)


def signed_in_context(browser, site: DemoSite, username: str, *, width: int = 1280):
    """A browser context signed in as `username` (the demo password)."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, timezone_id="America/New_York"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site.url}/")
    page.wait_for_load_state("networkidle")  # the home page's htmx panel (sign_in.py)
    return context, page
