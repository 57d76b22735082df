"""Eligibility: 270 out, 271 in (generated and corpus files), HETS warning, manual checks,
the day's batch, pages, roles and audit rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.eligibility.actions import (
    Question,
    do_add_hets_enrollment,
    do_build_270,
    do_build_270_for_day,
    do_record_271,
    do_record_manual_verification,
)
from cleannote.apps.eligibility.errors import EligibilityError
from cleannote.apps.eligibility.models import CheckStatus, EligibilityCheck, EligibilityFile
from cleannote.apps.eligibility.tasks import check_appointments_on
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.edi.eligibility_summary import summarise_271
from cleannote.edi.error_codes import WriteErrorCode, X12ReadErrorCode
from cleannote.edi.x12_271 import explain_aaa, read_271
from tests.apps.x12_files import eligibility_271
from tests.corpus import corpus_path

DAY = dt.date(2026, 3, 2)

BENEFITS = [
    "DTP*346*D8*20260101",
    "DTP*347*D8*20261231",
    "EB*1*IND*30**MEDICARE PART B",
    "EB*F*IND*PT***23***VS*20",
    "EB*F*IND*PT***29***VS*12",
    "EB*B*IND*PT****50*****N",
    "EB*B*IND*PT****25*****Y",
    "EB*A*IND*PT*****0.2****Y",
    "MSG*THERAPY THRESHOLD APPLIES",
    "EB*C*IND*30***29*150",
]


@pytest.fixture
def _outbox(settings, tmp_path):
    settings.CLEANNOTE_OUTBOX_DIR = tmp_path / "outbox"


def actor_for(staff) -> Actor:
    return Actor(user=staff.user, organisation=staff.organisation, ip_address="10.0.0.9")


def ask(clinic, day: dt.date = DAY) -> EligibilityCheck:
    coverage = clinic.patient.coverages.get()
    (check,) = do_build_270(actor_for(clinic.front_desk), [Question(coverage, day)])
    return check


# --- the plain-terms summary (pure) --------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("active", True),
        ("plan_start", dt.date(2026, 1, 1)),
        ("plan_end", dt.date(2026, 12, 31)),
        ("visit_limit", 20),
        ("visits_remaining", 12),
        ("copay", Decimal("25")),
        ("coinsurance", Decimal("0.2")),
        ("deductible_remaining", Decimal("150")),
        ("messages", ("THERAPY THRESHOLD APPLIES",)),
        ("rejections", ()),
    ],
    ids=lambda v: str(v),
)
def test_summary_reads_therapy_benefits_preferring_in_network(field, expected):
    # given a 271 with PT limits, in- and out-of-network copays and a remaining deductible
    (response,) = read_271(eligibility_271([("T1", BENEFITS)]), source="benefits.271")
    # when
    summary = summarise_271(response)
    # then
    assert getattr(summary, field) == expected


def test_summary_explains_aaa_42_with_follow_up():
    (response,) = read_271(eligibility_271([("T1", ["AAA*Y**42*R"])]), source="aaa42.271")
    summary = summarise_271(response)
    assert summary.active is None
    (rejection,) = summary.rejections
    assert rejection.code == "42"
    assert rejection.meaning == explain_aaa("42").meaning
    assert rejection.action == explain_aaa("42").action
    assert rejection.may_resubmit is True


# --- 270 out --------------------------------------------------------------------------------


def test_build_270_stores_the_interchange_and_a_pending_check(clinic):
    check = ask(clinic)
    assert check.status == CheckStatus.PENDING
    content = check.request_file.content
    assert content.startswith("ISA*")
    assert f"TRN*1*{check.trace_number.upper()}*1123456789" in content
    assert "DTP*291*D8*20260302" in content
    assert AuditEvent.objects.filter(object_type="eligibility_check", action="export").count() == 1


def test_medicare_request_without_hets_enrollment_warns_before_sending(clinic):
    check = ask(clinic)
    assert "AAA 41" in check.warning
    assert clinic.organisation.npi in check.warning


def test_hets_enrollment_in_force_removes_the_warning(clinic):
    do_add_hets_enrollment(
        actor_for(clinic.biller),
        npi=clinic.organisation.npi,
        submitter_id="SUB123",
        effective_from=dt.date(2026, 1, 1),
    )
    assert ask(clinic).warning == ""


def test_hets_enrollment_that_ended_still_warns(clinic):
    do_add_hets_enrollment(
        actor_for(clinic.owner),
        npi=clinic.organisation.npi,
        submitter_id="SUB123",
        effective_from=dt.date(2025, 1, 1),
        effective_through=dt.date(2025, 12, 31),
    )
    assert "AAA 41" in ask(clinic).warning


def test_therapist_may_not_ask(clinic):
    coverage = clinic.patient.coverages.get()
    with pytest.raises(EligibilityError, match="may not check eligibility"):
        do_build_270(actor_for(clinic.therapist), [Question(coverage, DAY)])


# --- 271 in ---------------------------------------------------------------------------------


def test_record_271_with_benefits_fills_the_check(clinic):
    check = ask(clinic)
    data = eligibility_271([(check.trace_number, BENEFITS)])
    (answered,) = do_record_271(actor_for(clinic.front_desk), data, file_name="r1.271")
    answered.refresh_from_db()
    assert answered.status == CheckStatus.ACTIVE
    assert (answered.visit_limit, answered.visits_remaining) == (20, 12)
    assert answered.copay == Decimal("25.00")
    assert answered.coinsurance_percent == Decimal("20.00")
    assert answered.deductible_remaining == Decimal("150.00")
    assert answered.response_file.content.startswith("ISA*")


def test_record_271_with_aaa_42_explains_the_reject(clinic):
    check = ask(clinic)
    data = eligibility_271([(check.trace_number, ["AAA*Y**42*R"])])
    (answered,) = do_record_271(actor_for(clinic.biller), data, file_name="r42.271")
    assert answered.status == CheckStatus.REJECTED
    assert answered.rejection_code == "42"
    assert answered.rejection_meaning == explain_aaa("42").meaning
    assert answered.rejection_action.startswith(explain_aaa("42").action)


def test_unknown_trace_refuses_the_whole_file(clinic):
    check = ask(clinic)
    data = eligibility_271([(check.trace_number, BENEFITS), ("NOT-OURS", BENEFITS)])
    with pytest.raises(EligibilityError, match=r"mixed.271: not stored: response 2 \(trace"):
        do_record_271(actor_for(clinic.front_desk), data, file_name="mixed.271")
    check.refresh_from_db()
    assert check.status == CheckStatus.PENDING
    assert not EligibilityFile.objects.filter(kind="271").exists()


def test_writer_refusal_keeps_the_writers_code_and_keeps_nothing(clinic, settings):
    # given a trading-partner set-up the 270 writer refuses (usage is T or P, never X)
    settings.CLEANNOTE_EDI = {"usage": "X"}
    coverage = clinic.patient.coverages.get()
    # when / then
    with pytest.raises(EligibilityError, match=r"eligibility request: .*usage") as refused:
        do_build_270(actor_for(clinic.front_desk), [Question(coverage, DAY)])
    assert refused.value.code is WriteErrorCode.ENVELOPE
    assert not EligibilityFile.objects.exists()
    assert not EligibilityCheck.objects.exists()


def test_reader_refusal_keeps_the_readers_code(clinic):
    with pytest.raises(EligibilityError, match="nothing stored") as refused:
        do_record_271(actor_for(clinic.front_desk), b"not an interchange", file_name="x.271")
    assert refused.value.code is X12ReadErrorCode.NOT_X12
    assert not EligibilityFile.objects.exists()


def test_same_271_twice_changes_nothing(clinic):
    check = ask(clinic)
    data = eligibility_271([(check.trace_number, BENEFITS)])
    do_record_271(actor_for(clinic.front_desk), data, file_name="r1.271")
    events = AuditEvent.objects.count()
    again = do_record_271(actor_for(clinic.front_desk), data, file_name="r1-copy.271")
    assert [c.pk for c in again] == [check.pk]
    assert EligibilityFile.objects.filter(kind="271").count() == 1
    assert AuditEvent.objects.count() == events


def test_another_organisations_trace_is_not_found(clinic, other_clinic):
    check = ask(clinic)
    data = eligibility_271([(check.trace_number, BENEFITS)])
    harbor = Actor(user=None, organisation=other_clinic.organisation)
    with pytest.raises(EligibilityError, match="matches no eligibility check"):
        do_record_271(harbor, data, file_name="r.271")


CORPUS_CASES = [
    ("LinuxForHealth__subscriber-health-benefit-check.271", CheckStatus.ACTIVE, "10.00", ""),
    ("owgreen-dev__subscriber-health-benefit-check-source-provider.271", CheckStatus.ACTIVE,
     "10.00", ""),
    ("LinuxForHealth__dependent-health-benefit-check.271", CheckStatus.ACTIVE, "10.00", ""),
    ("Inteligenz__From_georgiosd.txt", None, None, "carries no TRN trace number"),
    ("LinuxForHealth__subscriber-health-benefit-check-error.271", None, None,
     r"segment 10 \(SE\): .*: nothing stored"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "status", "copay", "refusal"), CORPUS_CASES, ids=[c[0] for c in CORPUS_CASES]
)
def test_corpus_271(clinic, name, status, copay, refusal):
    path = corpus_path("271", name)
    # given a pending check carrying the trace number the corpus file answers
    check = ask(clinic)
    EligibilityCheck.objects.filter(pk=check.pk).update(trace_number="93175-012547")
    # when
    if refusal:
        with pytest.raises(EligibilityError, match=refusal):
            do_record_271(actor_for(clinic.front_desk), path.read_bytes(), file_name=name)
        return
    (answered,) = do_record_271(actor_for(clinic.front_desk), path.read_bytes(), file_name=name)
    # then
    assert answered.status == status
    assert answered.copay == Decimal(copay)
    assert answered.plan_start == dt.date(2006, 1, 1)


# --- manual verification, the day's batch ---------------------------------------------------


def test_manual_verification_is_recorded_with_who_and_an_audit_row(clinic):
    coverage = clinic.patient.coverages.get()
    verification = do_record_manual_verification(
        actor_for(clinic.front_desk),
        coverage=coverage,
        verified_for=DAY,
        source="portal",
        active=True,
        notes="Active, 8 PT visits left",
        visits_remaining=8,
    )
    assert verification.checked_by == clinic.front_desk.user
    assert AuditEvent.objects.filter(
        object_type="manual_verification", patient_id=clinic.patient.pk
    ).exists()


def test_manual_verification_needs_what_the_payer_said(clinic):
    coverage = clinic.patient.coverages.get()
    with pytest.raises(EligibilityError, match="say what the payer told you"):
        do_record_manual_verification(
            actor_for(clinic.front_desk),
            coverage=coverage,
            verified_for=DAY,
            source="phone",
            active=True,
            notes="  ",
        )


def book(clinic, day: dt.date, hour: int):
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return do_book_appointment(
        actor_for(clinic.front_desk),
        patient=clinic.patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
    )


def test_day_batch_asks_once_per_patient_and_never_twice(clinic):
    book(clinic, DAY, 9)
    book(clinic, DAY, 15)
    first = do_build_270_for_day(actor_for(clinic.front_desk), DAY)
    again = do_build_270_for_day(actor_for(clinic.front_desk), DAY)
    assert len(first) == 1
    assert first[0].appointment is not None
    assert "EQ*PT" in first[0].request_file.content
    assert again == []


@pytest.mark.usefixtures("_outbox")
def test_background_task_builds_and_files_tomorrows_requests(clinic, settings, tmp_path):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    book(clinic, tomorrow, 10)
    ids = check_appointments_on(clinic.organisation.pk)
    check = EligibilityCheck.objects.get(pk__in=ids)
    assert check.requested_for == tomorrow
    assert check.request_file.filed_at is not None
    assert (tmp_path / "outbox" / check.request_file.file_name).exists()
    assert check_appointments_on(clinic.organisation.pk) == []


# --- pages ----------------------------------------------------------------------------------


def test_chart_and_day_list_show_the_answer(clinic, login):
    check = ask(clinic)
    book(clinic, DAY, 9)
    data = eligibility_271([(check.trace_number, BENEFITS)])
    do_record_271(actor_for(clinic.front_desk), data, file_name="r1.271")
    client = login(clinic.front_desk)
    chart = client.get(f"/patients/{clinic.patient.pk}/")
    assert b"12 visits left" in chart.content
    assert b"copay $25.00" in chart.content
    day = client.get(f"/schedule/?day={DAY.isoformat()}")
    assert b"Active coverage" in day.content
    assert b"12 visits left" in day.content


@pytest.mark.usefixtures("_outbox")
def test_front_desk_checks_from_the_chart(clinic, login):
    coverage = clinic.patient.coverages.get()
    response = login(clinic.front_desk).post(
        f"/eligibility/coverage/{coverage.pk}/check/", {"day": DAY.isoformat()}
    )
    assert response.status_code == 302
    check = EligibilityCheck.objects.get()
    assert check.request_file.filed_at is not None


def test_upload_page_refuses_a_bad_file_in_one_message(clinic, login):
    client = login(clinic.biller)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("junk.271", b"not x12 at all")
    response = client.post("/eligibility/responses/", {"file": upload}, follow=True)
    assert b"junk.271" in response.content
    assert not EligibilityFile.objects.filter(kind="271").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("front_desk", 200), ("biller", 200), ("owner", 200), ("therapist", 403)],
    ids=["front_desk", "biller", "owner", "therapist"],
)
def test_eligibility_page_roles(clinic, login, persona, status):
    assert login(getattr(clinic, persona)).get("/eligibility/").status_code == status


def test_another_organisations_check_and_coverage_are_404(clinic, other_clinic, login):
    check = ask(clinic)
    harbor = other_clinic.organisation
    from cleannote.apps.organisations.actions import do_create_staff

    desk = do_create_staff(
        harbor,
        username="hank",
        password="correct horse battery",
        first_name="Hank",
        last_name="Demo",
        role="front_desk",
    )
    client = login(desk)
    assert client.get(f"/eligibility/{check.pk}/").status_code == 404
    coverage = clinic.patient.coverages.get()
    assert client.get(f"/eligibility/coverage/{coverage.pk}/verify/").status_code == 404
