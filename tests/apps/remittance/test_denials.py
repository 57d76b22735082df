"""Denials worked to an end (assign, appeal, correct and resubmit, write off, resolve), the
appeal packet read back, and A/R aging (ADR 0730-0732)."""

from __future__ import annotations

import datetime as dt
import io
import logging
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.acknowledgments import do_resubmit_rejected_claim
from cleannote.apps.claims.actions import do_build_batch, do_change_claim_status, do_mark_ready
from cleannote.apps.claims.denied import refresh_denied_reasons
from cleannote.apps.claims.models import Claim, ClaimStatus, Frequency
from cleannote.apps.eligibility.models import EligibilityCheck, EligibilityFile
from cleannote.apps.notes.models import TreatmentBlock
from cleannote.apps.payers.models import Payer
from cleannote.apps.remittance import denial_actions as da
from cleannote.apps.remittance.actions import do_import_835
from cleannote.apps.remittance.appeal_packet import render_appeal_packet
from cleannote.apps.remittance.denial_models import (
    Denial,
    DenialAction,
    DenialState,
    DenialStep,
    WriteOffReason,
)
from cleannote.apps.remittance.denial_selectors import ar_aging, bucket_of
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.selectors import (
    by_appeal_deadline,
    denial_reason_counts,
    denials_worklist,
)
from cleannote.platform.clock import format_time, hour_cycle_of
from tests.apps.claims.conftest import another_claim
from tests.apps.remittance.test_posting import denial as denial_835
from tests.personas import TODAY

S = DenialState


@pytest.fixture
def denied(billing, claim) -> Claim:
    do_import_835(billing.actor, denial_835(claim.patient_control_number, "50"), file_name="d.835")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DENIED
    return claim


def _take(billing, claim: Claim, step: DenialStep) -> Denial:
    actor = billing.actor
    if step is DenialStep.ASSIGN:
        return da.do_assign_denial(actor, claim, billing.clinic.biller)
    if step is DenialStep.APPEAL:
        return da.do_appeal_denial(actor, claim, note="records attached")
    if step is DenialStep.RESUBMIT:
        return da.do_resubmit_denial(actor, claim, note="added KX modifier")
    if step is DenialStep.WRITE_OFF:
        return da.do_write_off_denial(actor, claim, WriteOffReason.TIMELY_FILING)
    return da.do_resolve_denial(actor, claim, note="paid on appeal")


# (steps taken before, the step tried, the state it leaves, or None when it is refused)
TRANSITIONS = [
    ((), DenialStep.ASSIGN, S.OPEN),
    ((), DenialStep.APPEAL, S.APPEALED),
    ((), DenialStep.RESUBMIT, S.RESUBMITTED),
    ((), DenialStep.WRITE_OFF, S.WRITTEN_OFF),
    ((), DenialStep.RESOLVE, S.RESOLVED),
    ((DenialStep.APPEAL,), DenialStep.ASSIGN, S.APPEALED),
    ((DenialStep.APPEAL,), DenialStep.APPEAL, None),
    ((DenialStep.APPEAL,), DenialStep.RESUBMIT, S.RESUBMITTED),
    ((DenialStep.APPEAL,), DenialStep.WRITE_OFF, S.WRITTEN_OFF),
    ((DenialStep.APPEAL,), DenialStep.RESOLVE, S.RESOLVED),
    ((DenialStep.RESUBMIT,), DenialStep.APPEAL, None),
    ((DenialStep.RESUBMIT,), DenialStep.RESUBMIT, None),
    ((DenialStep.RESUBMIT,), DenialStep.RESOLVE, S.RESOLVED),
    ((DenialStep.WRITE_OFF,), DenialStep.ASSIGN, None),
    ((DenialStep.WRITE_OFF,), DenialStep.RESOLVE, None),
    ((DenialStep.RESOLVE,), DenialStep.APPEAL, None),
    ((DenialStep.RESOLVE,), DenialStep.WRITE_OFF, None),
]


@pytest.mark.parametrize(("before", "step", "after"), TRANSITIONS)
def test_each_step_is_allowed_only_from_its_states(billing, denied, before, step, after):
    for earlier in before:
        _take(billing, denied, earlier)
    history_before = DenialAction.objects.count()
    if after is None:
        with pytest.raises(RemittanceError, match=f"denial of claim {denied.pk}"):
            _take(billing, denied, step)
        assert DenialAction.objects.count() == history_before  # nothing half-written
        return
    denial = _take(billing, denied, step)
    assert denial.state == after
    last = denial.actions.order_by("-id").first()
    assert (last.step, last.to_state) == (step, after)
    assert AuditEvent.objects.filter(object_type="denial", object_id=str(denial.pk)).count() == (
        len(before) + 1
    )


def test_appeal_moves_the_claim_to_appealed(billing, denied):
    da.do_appeal_denial(billing.actor, denied)
    denied.refresh_from_db()
    assert denied.status == ClaimStatus.APPEALED


def test_resubmit_sends_a_frequency_7_claim_through_the_correction_path(billing, denied):
    denial = da.do_resubmit_denial(billing.actor, denied, note="added KX")
    corrected = denial.corrected_claim
    assert corrected.frequency == Frequency.REPLACEMENT
    assert corrected.original_claim_id == denied.pk


def test_write_off_needs_a_reason_and_closes_the_claim(billing, denied):
    with pytest.raises(RemittanceError, match="choose the reason"):
        da.do_write_off_denial(billing.actor, denied, "because")
    with pytest.raises(RemittanceError, match="say why"):
        da.do_write_off_denial(billing.actor, denied, WriteOffReason.OTHER)
    assert not DenialAction.objects.exists()  # nothing half-written
    denial = da.do_write_off_denial(billing.actor, denied, WriteOffReason.NOT_COVERED)
    denied.refresh_from_db()
    assert (denial.write_off_reason, denied.status) == ("not_covered", ClaimStatus.CLOSED)


def test_only_billers_of_the_clinic_work_denials(billing, denied, other_clinic):
    therapist = Actor(user=billing.clinic.therapist.user, organisation=billing.clinic.organisation)
    with pytest.raises(RemittanceError, match="only a biller"):
        da.do_appeal_denial(therapist, denied)
    with pytest.raises(RemittanceError, match="active staff member"):
        da.do_assign_denial(billing.actor, denied, other_clinic.therapist)


def test_a_claim_never_denied_cannot_be_worked(billing):
    draft = another_claim(billing, 5)
    with pytest.raises(RemittanceError, match="nothing was denied"):
        da.do_appeal_denial(billing.actor, draft)


# --- the packet -------------------------------------------------------------------------------


def test_packet_read_back_holds_every_part(billing, denied, caplog):
    clinic = billing.clinic
    TreatmentBlock.objects.filter(note=denied.note, code="97110").update(
        start_time=dt.time(9, 5), stop_time=dt.time(9, 43)
    )
    sent = EligibilityFile.objects.create(
        organisation=clinic.organisation, kind="270", file_name="e.270", content="ISA*",
        sha256="0" * 64, created_at=timezone.now(),
    )  # fmt: skip
    EligibilityCheck.objects.create(
        organisation=clinic.organisation, patient=clinic.patient, coverage=denied.coverage,
        requested_for=denied.date_of_service, status="active", copay=Decimal("20.00"),
        created_at=timezone.now(), request_file=sent, trace_number="T1",
    )  # fmt: skip
    caplog.set_level(logging.DEBUG)
    pdf = render_appeal_packet(denied)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Request for reconsideration" in flat
    assert "CARC 50" in flat
    cycle = hour_cycle_of(clinic.organisation.hour_cycle)  # times as the clinic reads them
    start, stop = format_time(dt.time(9, 5), cycle), format_time(dt.time(9, 43), cycle)
    assert f"97110 {start}–{stop}" in flat  # note times on the index
    assert "core strength for walking tolerance" in flat  # the note's justification
    assert f"certified {TODAY:%Y-%m-%d}" in flat  # plan certification date
    assert "Referral from Laura Singh" in flat
    assert "Active coverage" in flat
    assert "copay 20.00" in flat
    assert denied.patient_control_number in flat  # claim control number
    assert "HEALTH INSURANCE CLAIM FORM" in text.upper()  # the CMS-1500 as sent
    patient = clinic.patient
    assert patient.last_name not in caplog.text
    assert patient.first_name not in caplog.text


def test_packet_and_denial_pages_for_billers_only(billing, denied, login):
    biller = login(billing.clinic.biller)
    response = biller.get(f"/remittance/claims/{denied.pk}/packet.pdf?letter=0")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"audit-packet" in biller.get(f"/claims/{denied.pk}/").content
    assert (
        login(billing.clinic.therapist).get(f"/remittance/denials/claim/{denied.pk}/").status_code
        == 403
    )


def test_denial_page_appeals_and_shows_the_history(billing, denied, login):
    biller = login(billing.clinic.biller)
    url = f"/remittance/denials/claim/{denied.pk}/"
    response = biller.post(url + "appeal/", {"note": "medical records sent"}, follow=True)
    assert b"Appeal sent" in response.content
    assert b"medical records sent" in response.content
    response = biller.post(url + "appeal/", {}, follow=True)
    assert b"Not done" in response.content
    response = biller.post(url + "write_off/", {"reason": "nonsense"}, follow=True)
    assert b"choose the reason" in response.content
    assert biller.post(url + "explode/").status_code == 404


# --- A/R aging --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"),
     (91, "91-120"), (120, "91-120"), (121, "120+"), (400, "120+")],
)  # fmt: skip
def test_age_buckets(days, bucket):
    assert bucket_of(days) == bucket


def test_aging_buckets_by_payer_with_the_last_action(billing, denied):
    da.do_appeal_denial(billing.actor, denied, note="records sent")
    report = ar_aging(billing.clinic.organisation, denied.date_of_service + dt.timedelta(days=45))
    (row,) = report.rows
    assert (row.bucket, row.balance) == ("31-60", Decimal("190.00"))
    assert row.last_action == "Appealed: records sent"
    (payer,) = report.payers
    assert payer.totals["31-60"] == Decimal("190.00")
    assert report.total == Decimal("190.00")


def test_aging_query_count_does_not_grow_with_claims(
    billing, denied, login, django_assert_max_num_queries
):
    organisation = billing.clinic.organisation
    with CaptureQueriesContext(connection) as one:
        ar_aging(organisation, TODAY)
    for n, days in enumerate((40, 70, 100, 150)):
        claim = another_claim(billing, 4 + n)
        do_mark_ready(billing.actor, claim)
        do_build_batch(billing.actor, [claim.pk])
        do_change_claim_status(billing.actor, claim, ClaimStatus.ACCEPTED)
        # aged by hand: the fixture's plan of care starts a few weeks back
        sent = TODAY - dt.timedelta(days=days)
        Claim.objects.filter(pk=claim.pk).update(date_of_service=sent, first_sent_on=sent)
    with django_assert_max_num_queries(len(one.captured_queries)):
        report = ar_aging(organisation, TODAY)
    assert len(report.rows) == 5
    assert {r.bucket for r in report.rows} == {"0-30", "31-60", "61-90", "91-120", "120+"}
    page = login(billing.clinic.biller).get("/remittance/aging/")
    assert page.status_code == 200
    assert b"aging-payers" in page.content


def test_aging_counts_from_the_day_first_sent_and_a_resubmission_keeps_it(billing):
    # given a claim seen 100 days ago, sent 20 days ago, rejected and resubmitted as a new
    # original today (ADR 0704)
    claim = do_mark_ready(billing.actor, another_claim(billing, 4))
    sent_at = timezone.now() - dt.timedelta(days=20)
    do_build_batch(billing.actor, [claim.pk], at=sent_at)
    claim.refresh_from_db()
    assert claim.first_sent_on == timezone.localdate(sent_at)
    Claim.objects.filter(pk=claim.pk).update(
        date_of_service=TODAY - dt.timedelta(days=100), status=ClaimStatus.REJECTED
    )
    claim.refresh_from_db()
    fresh = do_resubmit_rejected_claim(billing.actor, claim)
    do_build_batch(billing.actor, [do_mark_ready(billing.actor, fresh).pk])
    fresh.refresh_from_db()
    # then the new claim keeps the first sent day, and aging counts from it, not from the
    # date of service (100 days: 91-120) nor from the resubmission (0 days)
    assert fresh.first_sent_on == claim.first_sent_on
    (row,) = ar_aging(billing.clinic.organisation, timezone.localdate()).rows
    assert row.claim_id == fresh.pk
    assert (row.first_sent_on, row.age_days, row.bucket) == (claim.first_sent_on, 20, "0-30")


def test_a_claim_never_sent_ages_from_its_date_of_service(billing):
    claim = another_claim(billing, 4)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.ACCEPTED)
    (row,) = ar_aging(
        billing.clinic.organisation, claim.date_of_service + dt.timedelta(days=61)
    ).rows
    assert (row.first_sent_on, row.age_days, row.bucket) == (None, 61, "61-90")


# --- appeal deadlines (ADR 0706) ----------------------------------------------------------------


def _deadline_rows(billing, today: dt.date):
    groups = denials_worklist(billing.clinic.organisation, today)
    return by_appeal_deadline(groups)


def test_a_medicare_denial_is_appealed_within_120_days_of_the_remittance(billing, denied):
    # given a Medicare claim denied by the 835 of its adjudication date
    decided = denied.adjudicated_on
    assert decided is not None
    # when the worklist is read 110 days later
    (row,) = _deadline_rows(billing, decided + dt.timedelta(days=110))
    # then the redetermination is due 120 days after it, 10 days left, flagged
    assert row.denied_on == decided
    assert row.appeal is not None
    assert (row.appeal.due, row.appeal.days_left) == (decided + dt.timedelta(days=120), 10)
    assert row.appeal.urgent
    (early,) = _deadline_rows(billing, decided + dt.timedelta(days=100))
    assert early.appeal is not None
    assert not early.appeal.urgent


def test_the_payer_records_appeal_window_wins_over_its_kinds(billing, denied):
    Payer.objects.update_or_create(
        organisation=billing.clinic.organisation, claims_payer_id=denied.payer_id,
        defaults={"name": denied.payer_name, "kind": denied.payer_kind,
                  "policy_overrides": {"appeal_days": 30}},
    )  # fmt: skip
    (row,) = _deadline_rows(billing, denied.adjudicated_on)
    assert row.appeal is not None
    assert (row.appeal.window_days, row.appeal.days_left) == (30, 30)


def test_the_deadline_table_sorts_nearest_first_and_flags(billing, denied, login):
    # given a second denied claim to a payer with a shorter window (a commercial contract's 20)
    other = do_mark_ready(billing.actor, another_claim(billing, 4))
    do_build_batch(billing.actor, [other.pk])
    do_import_835(billing.actor, denial_835(other.patient_control_number, "50"), file_name="d2.835")
    other.refresh_from_db()
    Payer.objects.update_or_create(
        organisation=billing.clinic.organisation, claims_payer_id=other.payer_id,
        defaults={"name": other.payer_name, "kind": other.payer_kind,
                  "policy_overrides": {"appeal_days": 20}},
    )  # fmt: skip
    # when the worklist is read
    rows = _deadline_rows(billing, TODAY)
    # then the nearest deadline comes first
    dues = [r.appeal.due for r in rows if r.appeal is not None]
    assert dues == sorted(dues)
    assert len(dues) == 2
    page = login(billing.clinic.biller).get("/remittance/denials/").content.decode()
    assert 'id="appeal-deadline-table"' in page
    assert page.index(f"Appeal claim {rows[0].claim_id}") < page.index(
        f"Appeal claim {rows[1].claim_id}"
    )


# --- the worklist a page at a time (ADR 0836) ---------------------------------------------------


def _second_denial(billing, carc: str) -> Claim:
    other = do_mark_ready(billing.actor, another_claim(billing, 4))
    do_build_batch(billing.actor, [other.pk])
    do_import_835(billing.actor, denial_835(other.patient_control_number, carc), file_name="d2.835")
    other.refresh_from_db()
    return other


def test_the_denials_worklist_pages_by_determination_date_and_keeps_its_filters(
    billing, denied, login, monkeypatch
):
    from cleannote.apps.remittance import views

    # given two denied claims, one page each
    other = _second_denial(billing, "197")
    Claim.objects.filter(pk=other.pk).update(adjudicated_on=denied.adjudicated_on + dt.timedelta(1))
    refresh_denied_reasons([other.pk])  # written beside the actions (ADR 0871)
    monkeypatch.setattr(views, "DENIALS_PAGE", 1)
    client = login(billing.clinic.biller)
    first = client.get("/remittance/denials/").content.decode()
    # then the first page holds the older denial, both reasons' counts, and a next-page key
    assert f"Appeal claim {denied.pk}" in first
    assert f"Appeal claim {other.pk}" not in first
    assert 'id="denial-reason-table"' in first
    assert "CARC 50</a>" in first
    assert "CARC 197</a>" in first
    key = f"{denied.adjudicated_on.isoformat()}.{denied.pk}"
    assert f'href="?after={key}">Next page' in first
    second = client.get(f"/remittance/denials/?after={key}").content.decode()
    assert f"Appeal claim {other.pk}" in second
    assert f"Appeal claim {denied.pk}" not in second
    assert "Next page" not in second
    assert "First page" in second
    # and a reason filter keeps to its claims and stays in the next page's address
    only = client.get("/remittance/denials/?reason=197").content.decode()
    assert f"Appeal claim {other.pk}" in only
    assert f"Appeal claim {denied.pk}" not in only
    assert "CARC 50</h2>" not in only


def test_the_denials_page_reads_in_a_fixed_number_of_queries_whatever_the_denials(
    billing, denied, login, django_assert_max_num_queries
):
    client = login(billing.clinic.biller)
    with CaptureQueriesContext(connection) as one:
        client.get("/remittance/denials/")
    _second_denial(billing, "197")
    _second_denial(billing, "50")
    with django_assert_max_num_queries(len(one.captured_queries)) as grown:
        page = client.get("/remittance/denials/").content.decode()
    assert page.count("Appeal claim ") == 3
    # no count of every denied adjustment row by row: the summary is one grouped query
    assert sum("GROUP BY" in q["sql"] for q in grown.captured_queries) >= 1


def test_the_reason_counts_add_denied_claims_and_unpaid_lines_of_part_paid_claims(billing, denied):
    # given a denied claim (CARC 50) and a part-paid claim whose unpaid line was denied (197)
    other = _second_denial(billing, "197")
    Claim.objects.filter(pk=other.pk).update(status=ClaimStatus.PARTIALLY_PAID)
    other.lines.update(paid_amount=0)
    refresh_denied_reasons([other.pk])  # written beside the actions (ADR 0871)
    # when the reasons are counted
    counts = {
        r.reason: (r.claims, r.total) for r in denial_reason_counts(billing.clinic.organisation)
    }
    # then each reason holds its own claim and amount
    assert set(counts) == {"50", "197"}
    assert counts["50"] == (1, sum(a.amount for a in denied.adjustments.filter(reason="50")))
    assert counts["197"] == (1, sum(a.amount for a in other.adjustments.filter(reason="197")))


@pytest.mark.parametrize(
    "query",
    ["reason=%3Cscript%3E", "payer=" + "x" * 200, "after=not-a-key", "after=2026-13-01.5",
     "after=2026-01-01.99999999999999999999"],
)  # fmt: skip
def test_bad_denial_filters_are_ignored_never_a_500(billing, denied, login, query):
    response = login(billing.clinic.biller).get(f"/remittance/denials/?{query}")
    assert response.status_code == 200
    assert f"Appeal claim {denied.pk}" in response.content.decode()


def test_the_denials_payer_filter_lists_the_payer_directory_and_keeps_to_one_payer(
    billing, denied, login
):
    Payer.objects.update_or_create(
        organisation=billing.clinic.organisation, claims_payer_id=denied.payer_id,
        defaults={"name": denied.payer_name, "kind": denied.payer_kind},
    )  # fmt: skip
    client = login(billing.clinic.biller)
    page = client.get("/remittance/denials/").content.decode()
    assert f'<option value="{denied.payer_id}">' in page
    mine = client.get(f"/remittance/denials/?payer={denied.payer_id}").content.decode()
    assert f"Appeal claim {denied.pk}" in mine
    other = client.get("/remittance/denials/?payer=NOBODY").content.decode()
    assert f"Appeal claim {denied.pk}" not in other
    assert "match these filters" in other
