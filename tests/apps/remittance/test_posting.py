"""835 posting against claims made by the claims app: payments, patient responsibility,
denials, modifier tolerance, unmatched payments, duplicates, underpayments, pages, roles and
audit. Reversals, second payments, split lines, PLB, crossovers: test_settlement.py."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.models import ClaimAdjustment, ClaimLine, ClaimStatus
from cleannote.apps.remittance.actions import do_import_835
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.models import (
    ClaimPosting,
    EraFile,
    LinePosting,
    MatchedBy,
    PatientLedgerEntry,
    UnmatchedPayment,
)
from cleannote.apps.remittance.selectors import (
    denials_worklist,
    patient_balance,
    write_off_report,
)
from cleannote.edi.carc import explain_carc
from cleannote.edi.error_codes import X12ReadErrorCode
from tests.apps.x12_files import claim_payment, remittance_835, service

PAID_ON = dt.date(2026, 1, 20)


def biller_of(billing) -> Actor:
    return billing.actor


def full_payment(pcn: str) -> bytes:
    return remittance_835(
        [
            claim_payment(
                pcn, "1", "190", "190", "0",
                [
                    service("97110:GP", "130", "130", 2, line_control=f"{pcn}-1", allowed="130"),
                    service("97140:GP", "60", "60", 1, line_control=f"{pcn}-2", allowed="60"),
                ],
            )
        ]
    )  # fmt: skip


def coinsurance_payment(pcn: str) -> bytes:
    return remittance_835(
        [
            claim_payment(
                pcn, "1", "190", "70.59", "17.65",
                [
                    service("97110:GP", "130", "48.19", 2, line_control=f"{pcn}-1",
                            allowed="60.24", adjustments=(("CO", "45", "69.76"),
                                                          ("PR", "2", "12.05"))),
                    service("97140:GP", "60", "22.40", 1, line_control=f"{pcn}-2",
                            allowed="28.00", adjustments=(("CO", "45", "32.00"),
                                                          ("PR", "2", "5.60"))),
                ],
            )
        ]
    )  # fmt: skip


def denial(pcn: str, carc: str, remark: str = "N115") -> bytes:
    return remittance_835(
        [
            claim_payment(
                pcn, "4", "190", "0", "0",
                [
                    service("97110:GP", "130", "0", 2, line_control=f"{pcn}-1",
                            adjustments=(("CO", carc, "130"),), remarks=(remark,)),
                    service("97140:GP", "60", "0", 1, line_control=f"{pcn}-2",
                            adjustments=(("CO", carc, "60"),)),
                ],
            )
        ]
    )  # fmt: skip


def test_full_payment_marks_the_claim_paid(billing, claim):
    # given a sent claim and an 835 paying every line in full
    data = full_payment(claim.patient_control_number)
    # when
    era = do_import_835(biller_of(billing), data, file_name="full.835")
    # then
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert claim.paid_amount == Decimal("190.00")
    assert claim.adjudicated_on == PAID_ON
    assert [line.paid_amount for line in claim.lines.all()] == [Decimal("130.00"), Decimal("60")]
    assert era.payment_amount == Decimal("190.00")
    assert {p.matched_by for p in LinePosting.objects.all()} == {MatchedBy.LINE_CONTROL}
    assert not PatientLedgerEntry.objects.exists()


def test_contracted_payment_with_coinsurance_settles_the_claim(billing, claim):
    # given the Medicare answer: paid at the contracted rate, CO-45 above it, PR-2 coinsurance
    # when
    do_import_835(
        biller_of(billing), coinsurance_payment(claim.patient_control_number), file_name="p.835"
    )
    # then the claim is paid (it stayed "partially paid" before) and the patient owes PR-2
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    (entry,) = PatientLedgerEntry.objects.all()
    assert entry.amount == Decimal("17.65")
    assert entry.reason == "PR-2 17.65"
    assert patient_balance(billing.clinic.organisation, claim.patient_id) == Decimal("17.65")
    adjustments = sorted(
        (a.group, a.reason, a.amount) for a in ClaimAdjustment.objects.filter(claim=claim)
    )
    assert adjustments == [
        ("CO", "45", Decimal("32.00")),
        ("CO", "45", Decimal("69.76")),
        ("PR", "2", Decimal("5.60")),
        ("PR", "2", Decimal("12.05")),
    ]
    assert not LinePosting.objects.filter(underpaid=True).exists()


@pytest.mark.parametrize("carc", ["50", "97", "197"], ids=["carc50", "carc97", "carc197"])
def test_denial_lands_on_the_worklist_explained(billing, claim, carc):
    do_import_835(biller_of(billing), denial(claim.patient_control_number, carc), file_name="d.835")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DENIED
    (group,) = denials_worklist(billing.clinic.organisation)
    explained = explain_carc(carc)
    assert (group.reason, group.meaning, group.next_step) == (
        carc,
        explained.meaning,
        explained.next_step,
    )
    assert group.total == Decimal("190.00")
    (row,) = group.claims
    assert row.claim_id == claim.pk
    assert [code for code, _, _ in row.remarks] == ["N115"]


def test_reordered_modifiers_match_by_code_and_modifiers(billing, claim):
    # given a line billed with two modifiers, paid by a payer that reorders them and
    # echoes no line control number
    ClaimLine.objects.filter(claim=claim, number=1).update(modifiers=["GP", "KX"])
    pcn = claim.patient_control_number
    data = remittance_835(
        [claim_payment(pcn, "1", "190", "190", "0", [
            service("97110:KX:GP", "130", "130", 2),
            service("97140:GP", "60", "60", 1),
        ])]
    )  # fmt: skip
    # when
    do_import_835(biller_of(billing), data, file_name="reordered.835")
    # then
    first = LinePosting.objects.get(claim_line__number=1)
    assert first.matched_by == MatchedBy.CODE_AND_MODIFIERS


def test_dropped_modifiers_match_by_code(billing, claim):
    pcn = claim.patient_control_number
    data = remittance_835(
        [claim_payment(pcn, "1", "190", "190", "0", [
            service("97140", "60", "60", 1),
            service("97110", "130", "130", 2),
        ])]
    )  # fmt: skip
    do_import_835(biller_of(billing), data, file_name="dropped.835")
    rows = {p.claim_line.code: p for p in LinePosting.objects.select_related("claim_line")}
    assert rows["97110"].matched_by == MatchedBy.CODE
    assert rows["97110"].paid == Decimal("130.00")
    assert rows["97140"].claim_line.number == 2


def _nothing_posted(claim) -> None:
    """The claim untouched: no posting, adjustment or ledger row (the file itself may be kept
    with its unmatched payments)."""
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACCEPTED
    assert not ClaimPosting.objects.exists()
    assert not ClaimAdjustment.objects.exists()
    assert not PatientLedgerEntry.objects.exists()


def test_unknown_claim_is_listed_and_the_rest_posts(billing, claim):
    # given a file paying our claim and one we never sent
    good = claim_payment(
        claim.patient_control_number, "1", "190", "190", "0",
        [service("97110:GP", "130", "130", 2), service("97140:GP", "60", "60", 1)],
    )  # fmt: skip
    stranger = claim_payment("CN999", "1", "50", "50", "0", [service("97110", "50", "50", 1)])
    data = remittance_835([good, stranger])
    # when
    era = do_import_835(biller_of(billing), data, file_name="mixed.835")
    # then our claim is paid, and the stranger is kept as unmatched, naming the CLP segment
    # (ISA=1 ... second CLP=15) and the claim number
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    (unmatched,) = UnmatchedPayment.objects.all()
    assert (unmatched.era_file_id, unmatched.segment_number) == (era.pk, 15)
    assert (unmatched.patient_control_number, unmatched.paid) == ("CN999", Decimal("50.00"))
    assert "CLP01 'CN999' matches no claim of this organisation" in unmatched.problem
    assert unmatched.posting is None


def test_unmatched_service_line_keeps_its_payment_unmatched(billing, claim):
    data = remittance_835(
        [claim_payment(claim.patient_control_number, "1", "75", "75", "0",
                       [service("97530:GP", "75", "75", 1)])]
    )  # fmt: skip
    do_import_835(biller_of(billing), data, file_name="odd.835")
    _nothing_posted(claim)
    (unmatched,) = UnmatchedPayment.objects.all()
    assert re.search(r"segment \d+ \(SVC\): no line of claim \d+ for 97530-GP", unmatched.problem)


def test_broken_file_is_refused_with_its_segment(billing, claim):
    data = full_payment(claim.patient_control_number).replace(b"SE*", b"SE*99", 1)
    with pytest.raises(
        RemittanceError, match=r"broken\.835: segment \d+ \(SE\).*nothing posted"
    ) as e:
        do_import_835(biller_of(billing), data, file_name="broken.835")
    assert e.value.code is X12ReadErrorCode.COUNT_MISMATCH  # SE01 names more segments
    _nothing_posted(claim)
    assert not EraFile.objects.exists()


def test_same_file_twice_changes_nothing(billing, claim):
    data = coinsurance_payment(claim.patient_control_number)
    first = do_import_835(biller_of(billing), data, file_name="p.835")
    counts = (
        AuditEvent.objects.count(),
        ClaimAdjustment.objects.count(),
        PatientLedgerEntry.objects.count(),
        LinePosting.objects.count(),
    )
    again = do_import_835(biller_of(billing), data, file_name="p-again.835")
    assert again.pk == first.pk
    assert (
        AuditEvent.objects.count(),
        ClaimAdjustment.objects.count(),
        PatientLedgerEntry.objects.count(),
        LinePosting.objects.count(),
    ) == counts


def test_allowed_below_contract_is_flagged_as_underpaid(billing, claim):
    # given 97110 × 2 contracted at $30.12 a unit ($60.24) but allowed at $50
    pcn = claim.patient_control_number
    data = remittance_835(
        [claim_payment(pcn, "1", "190", "62.40", "0", [
            service("97110:GP", "130", "40.00", 2, line_control=f"{pcn}-1", allowed="50.00",
                    adjustments=(("CO", "45", "80.00"), ("PR", "2", "10.00"))),
            service("97140:GP", "60", "22.40", 1, line_control=f"{pcn}-2", allowed="28.00",
                    adjustments=(("CO", "45", "32.00"), ("PR", "2", "5.60"))),
        ])]
    )  # fmt: skip
    do_import_835(biller_of(billing), data, file_name="under.835")
    (flagged,) = LinePosting.objects.filter(underpaid=True)
    assert flagged.claim_line.code == "97110"
    assert flagged.expected == Decimal("60.24")
    assert flagged.shortfall == Decimal("10.24")


def test_write_off_report_sums_by_group_and_reason_without_patient_responsibility(billing, claim):
    do_import_835(
        biller_of(billing), coinsurance_payment(claim.patient_control_number), file_name="p.835"
    )
    rows = write_off_report(billing.clinic.organisation, dt.date(2026, 1, 1), PAID_ON)
    # PR-2 is owed by the patient, not written off (the report listed it before)
    assert [(r.group, r.reason, r.count, r.total) for r in rows] == [
        ("CO", "45", 2, Decimal("101.76")),
    ]
    assert write_off_report(billing.clinic.organisation, dt.date(2026, 2, 1), PAID_ON) == []


def test_money_on_the_money_pages_is_shown_to_the_cent(billing, claim, login):
    # given posted amounts whose database sum is not exact on SQLite (69.76 + 32.00)
    do_import_835(
        biller_of(billing), coinsurance_payment(claim.patient_control_number), file_name="p.835"
    )
    client = login(billing.clinic.biller)
    pages = [
        client.get("/remittance/write-offs/?start=2026-01-01&end=2026-01-31").content.decode(),
        client.get("/remittance/").content.decode(),
        client.get(f"/claims/{claim.pk}/").content.decode(),
    ]
    # then every amount has two decimals (the report showed "$17.6000000000000")
    assert "$101.76<" in pages[0]
    assert "$70.59<" in pages[1]
    assert "$190.00<" in pages[2]
    for page in pages:
        assert not re.search(r"\$-?[\d,]+\.\d{3,}", page)
        assert not re.search(r"\$-?[\d,]+\.\d(?!\d)", page)
        assert not re.search(r"\$-?[\d,]+(?![\d,.])", page)


def test_posting_writes_audit_rows(billing, claim):
    era = do_import_835(
        biller_of(billing), full_payment(claim.patient_control_number), file_name="f.835"
    )
    assert AuditEvent.objects.filter(object_type="era_file", object_id=str(era.pk)).exists()
    assert AuditEvent.objects.filter(
        object_type="claim", object_id=str(claim.pk), patient_id=claim.patient_id, action="update"
    ).exists()


def test_another_organisation_cannot_post_to_our_claims(billing, claim, other_clinic):
    harbor = Actor(user=None, organisation=other_clinic.organisation)
    do_import_835(harbor, full_payment(claim.patient_control_number), file_name="f.835")
    _nothing_posted(claim)
    (unmatched,) = UnmatchedPayment.objects.all()
    assert "matches no claim of this organisation" in unmatched.problem


def test_therapist_may_not_post(billing, claim):
    clinic = billing.clinic
    therapist = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    with pytest.raises(RemittanceError, match="only billers and owners"):
        do_import_835(therapist, full_payment(claim.patient_control_number), file_name="f.835")


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("biller", 200), ("owner", 200), ("front_desk", 403), ("therapist", 403)],
    ids=["biller", "owner", "front_desk", "therapist"],
)
@pytest.mark.parametrize(
    "page",
    [
        "/remittance/",
        "/remittance/denials/",
        "/remittance/write-offs/",
        "/remittance/underpayments/",
    ],
)
def test_pages_are_for_billers_and_owners(billing, login, persona, status, page):
    assert login(getattr(billing.clinic, persona)).get(page).status_code == status


def test_upload_posts_through_the_task_wrapper(billing, claim, login):
    upload = SimpleUploadedFile("full.835", full_payment(claim.patient_control_number))
    response = login(billing.clinic.biller).post(
        "/remittance/import/", {"file": upload}, follow=True
    )
    assert b"full.835 posted." in response.content
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID


def test_upload_refusal_is_one_message_and_posts_nothing(billing, claim, login):
    upload = SimpleUploadedFile("junk.835", b"ISA*garbage")
    response = login(billing.clinic.biller).post(
        "/remittance/import/", {"file": upload}, follow=True
    )
    assert b"junk.835" in response.content
    assert b"nothing posted" in response.content
    _nothing_posted(claim)


def test_denials_page_shows_reason_and_next_step_in_a_fixed_number_of_queries(
    billing, claim, login, django_assert_num_queries
):
    do_import_835(biller_of(billing), denial(claim.patient_control_number, "50"), file_name="d.835")
    # adjustments, claim remarks, line remarks, and the payers' records (appeal windows)
    with django_assert_num_queries(4):
        denials_worklist(billing.clinic.organisation)
    response = login(billing.clinic.biller).get("/remittance/denials/")
    assert explain_carc("50").next_step.encode() in response.content
    assert b"CARC 50" in response.content


def test_other_organisation_sees_none_of_our_denials(billing, claim, other_clinic):
    do_import_835(biller_of(billing), denial(claim.patient_control_number, "50"), file_name="d.835")
    assert denials_worklist(other_clinic.organisation) == []
