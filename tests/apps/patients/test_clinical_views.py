"""The chart's clinical screens: referrals (add, renew, correct), diagnoses (one-click
replacement of a retired code, reorder, remove), plan of care (write, send, certify, PDF);
access by role, organisation and who treats the patient; bad input is a message, never a 500."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.patients.models import CaseDiagnosis, PlanOfCare, Referral
from tests.personas import TODAY, VALID_NPIS

pytestmark = pytest.mark.django_db


def _url(clinic, route=""):
    return f"/patients/{clinic.patient.pk}/cases/{clinic.case.pk}/{route}"


REFERRAL = {
    "new-provider_first_name": "Laura",
    "new-provider_last_name": "Singh",
    "new-provider_npi": VALID_NPIS[4],
    "new-qualifier": "DN",
    "new-referral_date": TODAY.isoformat(),
    "new-expires_on": (TODAY + dt.timedelta(days=60)).isoformat(),
    "new-received_on": TODAY.isoformat(),
    "new-authorization_number": "AUTH-9",
    "new-authorized_visits": "12",
    "new-diagnoses_text": "M54.50",
    "group-0-label": "Exercise",
    "group-0-codes": "97110 97530",
    "group-0-visits": "10",
    "group-0-units": "30",
}


@pytest.mark.parametrize("who", ["owner", "therapist", "front_desk", "biller", "assistant"])
def test_every_role_of_the_clinic_sees_the_referrals(clinic, login, who):
    page = login(getattr(clinic, who)).get(_url(clinic, "referrals/"))
    assert page.status_code == 200
    assert b"Laura Singh" in page.content


def test_another_clinic_gets_404(clinic, other_clinic, login):
    client = login(other_clinic.therapist)
    for route in ("referrals/", "diagnoses/", "plan/", f"plan/{clinic.plan.pk}/pdf/"):
        assert client.get(_url(clinic, route)).status_code == 404


def test_front_desk_adds_a_referral_with_code_groups(clinic, login):
    response = login(clinic.front_desk).post(_url(clinic, "referrals/"), REFERRAL)
    assert response.status_code == 302
    referral = Referral.objects.get(authorization_number="AUTH-9")
    group = referral.code_groups.get()
    assert (group.codes, group.visits, group.units) == (["97110", "97530"], 10, 30)


def test_renewing_copies_the_referrer_and_links_the_old_one(clinic, login):
    old = clinic.case.referrals.get()
    client = login(clinic.front_desk)
    form = client.get(_url(clinic, f"referrals/{old.pk}/renew/"))
    assert b'value="Singh"' in form.content
    data = {**REFERRAL, "new-reason": "12 more visits approved"}
    assert client.post(_url(clinic, f"referrals/{old.pk}/renew/"), data).status_code == 302
    assert Referral.objects.get(renews=old).authorization_number == "AUTH-9"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("new-provider_npi", "1234567890", b"NPI"),
        ("group-0-codes", "99999", b"not in the procedure catalog"),
        ("new-expires_on", "2001-01-01", b"must not be before"),
        ("group-0-visits", "-3", b"greater than or equal to 1"),
    ],
    ids=["bad-npi", "unknown-code", "expiry-first", "negative-visits"],
)
def test_bad_referral_input_is_a_message_by_its_field(clinic, login, field, value, message):
    response = login(clinic.front_desk).post(_url(clinic, "referrals/"), {**REFERRAL, field: value})
    assert response.status_code == 400
    assert message in response.content
    assert not Referral.objects.filter(authorization_number="AUTH-9").exists()


def test_a_retired_diagnosis_offers_its_replacements_and_one_click_fixes_it(clinic, login):
    row = clinic.case.diagnoses.get()
    CaseDiagnosis.objects.filter(pk=row.pk).update(code="M54.5")
    client = login(clinic.therapist)
    page = client.get(_url(clinic, "diagnoses/"))
    for code in (b"M54.50", b"M54.51", b"M54.59"):
        assert b'name="replace_with" value="' + code + b'"' in page.content
    # when: one click on M54.51
    response = client.post(_url(clinic, f"diagnoses/{row.pk}/"), {"replace_with": "M54.51"})
    # then: corrected, and the audit row says what was replaced
    assert response.status_code == 302
    assert CaseDiagnosis.objects.get(pk=row.pk).code == "M54.51"
    event = AuditEvent.objects.filter(object_type="diagnosis").last()
    assert "M54.5" in event.reason
    assert "M54.51" in event.reason


def test_typing_a_retired_code_shows_the_choices(clinic, login):
    client = login(clinic.therapist)
    response = client.post(_url(clinic, "diagnoses/"), {"add-code": "M54.5"})
    assert response.status_code == 400
    assert b'name="add-code" value="M54.59"' in response.content
    advice = client.get(_url(clinic, "diagnoses/check/"), {"add-code": "S33.5XX"})
    assert b"S33.5XXD" in advice.content


def test_front_desk_may_not_change_diagnoses(clinic, login):
    row = clinic.case.diagnoses.get()
    client = login(clinic.front_desk)
    assert client.get(_url(clinic, "diagnoses/")).status_code == 403
    assert (
        login(clinic.assistant)
        .post(_url(clinic, f"diagnoses/{row.pk}/"), {"replace_with": "M54.51"})
        .status_code
        == 403
    )


def test_plan_is_written_sent_certified_and_printed(clinic, login):
    client = login(clinic.therapist)
    # the persona's plan awaits its signature: the page says so and offers the form
    page = client.get(_url(clinic, "plan/"))
    assert b"not certified" in page.content
    assert b"Record the certification" in page.content
    # send it, then certify by the signed order
    sent = login(clinic.front_desk).post(
        _url(clinic, f"plan/{clinic.plan.pk}/send/"),
        {
            "send-sent_on": clinic.plan.start_date.isoformat(),
            "send-method": "fax",
            "send-recipient": "Dr Singh",
        },
    )
    assert sent.status_code == 302
    certified = login(clinic.front_desk).post(
        _url(clinic, f"plan/{clinic.plan.pk}/certify/"),
        {"cert-kind": "signed_order", "cert-order_signed_on": clinic.plan.start_date.isoformat()},
    )
    assert certified.status_code == 302
    assert PlanOfCare.objects.get(pk=clinic.plan.pk).certification == "signed_order"
    pdf = client.get(_url(clinic, f"plan/{clinic.plan.pk}/pdf/"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Walk 30 minutes" in text
    assert "M54.50" in text


def test_a_late_signature_is_refused_next_to_its_field(clinic, login):
    late = clinic.plan.start_date + dt.timedelta(days=45)
    response = login(clinic.front_desk).post(
        _url(clinic, f"plan/{clinic.plan.pk}/certify/"),
        {"cert-kind": "signed", "cert-signed_on": late.isoformat()},
    )
    assert response.status_code == 400
    assert b"delayed certification" in response.content


def test_therapist_writes_a_revision_with_goals(clinic, login):
    client = login(clinic.therapist)
    response = client.post(
        _url(clinic, f"plan/{clinic.plan.pk}/revise/"),
        {
            "plan-start_date": TODAY.isoformat(),
            "plan-certified_through": (TODAY + dt.timedelta(days=40)).isoformat(),
            "plan-frequency_per_week": "3",
            "plan-duration_weeks": "6",
            "plan-interventions": "Therapeutic exercise; gait training",
            "plan-reason": "recertification",
            "goal-0-text": "Walk 45 minutes",
            "goal-0-kind": "functional",
            "goal-0-baseline": "30",
            "goal-0-target": "45",
            "goal-0-status": "active",
        },
    )
    assert response.status_code == 302
    revised = PlanOfCare.objects.get(revises=clinic.plan)
    assert [g.text for g in revised.goals.all()] == ["Walk 45 minutes"]
    assert (
        login(clinic.assistant).get(_url(clinic, f"plan/{clinic.plan.pk}/revise/")).status_code
        == 200
    )  # the page opens; saving is refused
    refused = login(clinic.assistant).post(
        _url(clinic, f"plan/{clinic.plan.pk}/revise/"),
        {"plan-start_date": TODAY.isoformat(), "plan-certified_through": TODAY.isoformat(),
         "plan-frequency_per_week": "1", "plan-duration_weeks": "1", "plan-reason": "x"},
    )  # fmt: skip
    assert refused.status_code == 403


def test_the_chart_links_each_case_to_its_clinical_screens(clinic, login):
    page = login(clinic.therapist).get(f"/patients/{clinic.patient.pk}/")
    for route in ("referrals/", "diagnoses/", "plan/"):
        assert _url(clinic, route).encode() in page.content
    assert b"awaiting the physician" in page.content


@pytest.mark.parametrize(
    ("rule", "screen"),
    [
        ("referral.visits-used", "referrals/"),
        ("auth.units-used-up", "referrals/"),
        ("dx.retired", "diagnoses/"),
        ("dx.onset-after-service", "diagnoses/"),
        ("poc.certification-pending", "plan/"),
        ("poc.not-certified", "plan/"),
        ("poc.signed-order-unmet", "plan/"),
    ],
)
def test_each_chart_finding_links_to_the_screen_that_fixes_it(clinic, rule, screen):
    from cleannote.apps.patients.fix_links import chart_fix_link

    link = chart_fix_link(rule, patient_id=clinic.patient.pk, case_id=clinic.case.pk)
    assert link is not None
    assert link.url == _url(clinic, screen)


def test_the_blocked_note_links_its_uncertified_plan_to_the_plan_screen(clinic, login):
    # given the plan started 40 days ago: past the 30 days the physician has to sign it
    PlanOfCare.objects.filter(pk=clinic.plan.pk).update(start_date=TODAY - dt.timedelta(days=40))
    page = login(clinic.therapist).get(f"/notes/{clinic.draft_note.pk}/edit/")
    assert b"poc.not-certified" in page.content
    assert f'href="{_url(clinic, "plan/")}"'.encode() in page.content
