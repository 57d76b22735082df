"""The billing office's month on the demo clinic, end to end through the pages, the poll and
a real SFTP server on 127.0.0.1 (issue 13's "Done when"): the charge queue's "Create claims"
(refused notes listed with their findings), one 837P batch per payer uploaded by
`cleannote_exchange_poll`, the clearinghouse's 999 and 277CA downloaded (one claim rejected),
the rejection fixed and resubmitted as a new original, the payer's 835 -- generated from the
claims as sent -- downloaded and posted (one line underpaid against the demo's Keystone
contract, one claim denied CO-50 and appealed with its packet, PR-2 coinsurance on one
patient), that patient's statement PDF showing the coinsurance due, and the secondary claim
the Keystone 835 made for a patient with a second plan, sent and pyx12-valid (ADR 0740).

The clinic's clock is held at the demo's day (the demo is dated 2026-03-16), so the payers'
filing limits judge the claims as on that day whatever day the test runs. Runs on SQLite and,
with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.fees import contracted_rate
from cleannote.apps.claims.models import (
    Batch,
    Claim,
    ClaimLine,
    ClaimStatus,
    FeeSchedule,
    Origin,
    PayerSequence,
)
from cleannote.apps.exchange.models import ClearinghouseProfile, ReceivedFile, Transport
from cleannote.apps.ledger.statement_models import Statement
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Staff
from cleannote.apps.patients.chart_actions import do_update_coverage
from cleannote.apps.patients.models import Coverage, CoveragePriority
from cleannote.apps.remittance.denial_models import DenialState
from cleannote.apps.remittance.models import LinePosting
from cleannote.apps.remittance.selectors import patient_balance
from cleannote.web.demo_contracts import CONTRACT_PAYER
from tests.apps.exchange.sftp_server import USER, SftpServer, serve
from tests.apps.x12_files import claim_acknowledgment_277ca, claim_payment, remittance_835, service
from tests.e2e.conftest import DEMO_TODAY, Demo, load_demo
from tests.edi.envelopes import wrap
from tests.edi.pyx12_check import pyx12_errors
from tests.personas import client_for

CENT = Decimal("0.01")
SHORT = Decimal("5.00")  # the Keystone line's shortfall against the contract
COINSURANCE = Decimal("0.20")


@pytest.fixture
def month(db: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Demo:
    """The demo, loaded and worked on the demo's day: the clinic's clock starts at 9:00 that
    morning and runs on from there."""
    started, real_now = time.monotonic(), timezone.now
    nine = timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time(9, 0)))
    assert real_now() > nine
    monkeypatch.setattr(
        timezone, "now", lambda: nine + dt.timedelta(seconds=time.monotonic() - started)
    )
    return load_demo(settings, tmp_path)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SftpServer]:
    yield from serve(tmp_path)


def _poll(capture) -> str:  # type: ignore[no-untyped-def]
    out = StringIO()
    with capture(execute=True):
        call_command("cleannote_exchange_poll", stdout=out)
    return out.getvalue()


def _answer(server: SftpServer, name: str, data: bytes) -> None:
    """The clearinghouse drops a response, finished an hour ago."""
    path = server.root / "outbound" / name
    path.write_bytes(data)
    an_hour_ago = timezone.now().timestamp() - 3600  # by the clinic's clock
    os.utime(path, (an_hour_ago, an_hour_ago))


def _uploaded(server: SftpServer, batch: Batch) -> bytes:
    return (server.root / "inbound" / batch.file_name).read_bytes()


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def _statuses(claims: list[Claim]) -> dict[int, str]:
    return dict(Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("pk", "status"))


def _procedure(line: ClaimLine) -> str:
    return ":".join([line.code, *line.modifiers])


def _line(line: ClaimLine, allowed: Decimal, share: Decimal = Decimal("0")) -> list[str]:
    """One SVC loop allowing `allowed`, of which the patient owes `share` (PR-2); the rest of
    the charge is the contractual adjustment (CO-45)."""
    adjustments = []
    if line.charge != allowed:
        adjustments.append(("CO", "45", str(line.charge - allowed)))
    if share:
        adjustments.append(("PR", "2", str(share)))
    return service(
        _procedure(line), str(line.charge), str(allowed - share), line.units,
        adjustments=tuple(adjustments), line_control=line.line_control_number,
        allowed=str(allowed),
    )  # fmt: skip


def _denied(line: ClaimLine) -> list[str]:
    """One SVC loop denied whole: not medically necessary (CO-50)."""
    adjustments = (("CO", "50", str(line.charge)),)
    return service(
        _procedure(line), str(line.charge), "0", line.units, adjustments=adjustments,
        line_control=line.line_control_number,
    )  # fmt: skip


def _pays(claim: Claim, loops: list[list[str]], status: str = "1") -> tuple[str, list[str]]:
    paid = share = Decimal("0")
    for loop in loops:
        paid += Decimal(loop[0].split("*")[3])
        share += sum(
            (Decimal(s.split("*")[3]) for s in loop if s.startswith("CAS*PR*")), Decimal("0")
        )
    return claim_payment(
        str(claim.patient_control_number), status, str(claim.total_charge), str(paid), str(share),
        loops,
    )  # fmt: skip


def test_month(month: Demo, server: SftpServer, django_capture_on_commit_callbacks: Any) -> None:
    demo, capture = month, django_capture_on_commit_callbacks
    org = demo.organisation
    ClearinghouseProfile.objects.create(
        organisation=org, name="acme", is_default=True, transport=Transport.SFTP,
        host=server.host, port=server.port, username=USER, key_path=str(server.key_path),
        host_key_fingerprint=server.fingerprint, upload_dir="inbound", download_dir="outbound",
        archive_dir="outbound/done",
    )  # fmt: skip
    biller = client_for(demo.biller)
    before = set(Claim.objects.filter(organisation=org).values_list("pk", flat=True))
    unbilled = Note.objects.filter(
        patient__organisation=org, signed_at__isnull=False, claims__isnull=True
    )
    unbilled_ids = set(unbilled.values_list("pk", flat=True))

    # -- the charge queue lists the 61 unbilled signed notes; "Create claims" on all of them
    page = biller.get("/claims/unbilled/").content.decode()
    assert len(unbilled_ids) == 60
    assert all(f'value="{n}"' in page for n in unbilled_ids)
    response = biller.post("/claims/unbilled/create/", {"all": "1", "sort": "date"})
    assert (response.status_code, response["Location"]) == (302, "/claims/refused/")
    claims = list(Claim.objects.filter(organisation=org).exclude(pk__in=before).order_by("pk"))
    billed = {c.note_id for c in claims}
    assert len(claims) == len(billed) == 46
    assert {c.status for c in claims} == {ClaimStatus.DRAFT}
    # the 14 refused notes wait on the refused list, each with its findings and its fix
    refused = sorted(unbilled_ids - billed)
    assert len(refused) == 14
    refused_page = biller.get("/claims/refused/").content.decode()
    assert "The plan of care is not certified" in refused_page
    assert "No service on this visit becomes a billable claim line." in refused_page
    assert refused_page.count("Record the certification if it was signed") >= 1
    # and posting "Create claims" again on the billed notes adds no claim
    biller.post("/claims/unbilled/create/", {"note": [str(n) for n in sorted(billed)]})
    assert Claim.objects.filter(organisation=org).exclude(pk__in=before).count() == 46

    # -- each claim marked ready, then "Build batches": one 837P per payer
    for claim in claims:
        assert biller.post(f"/claims/{claim.pk}/ready/").status_code == 302
    response = biller.post("/claims/batches/build/", {"claim": [str(c.pk) for c in claims]})
    assert (response.status_code, response["Location"]) == (302, "/claims/batches/")
    batches = list(Batch.objects.filter(organisation=org).order_by("pk"))
    payers = {c.payer_id for c in claims}
    assert payers == {CONTRACT_PAYER, "DEMO-TWC", "DEMO-MCD", "DEMO-RAI", "DEMO-MCR"}
    assert len(batches) == len(payers) == 5
    batch_payers = [{e.claim.payer_id for e in b.entries.select_related("claim")} for b in batches]
    assert [len(p) for p in batch_payers] == [1] * 5  # one payer per batch
    assert sum(b.entries.count() for b in batches) == 46  # each claim in one batch
    assert {b.filed_at for b in batches} == {None}  # SFTP: the poll uploads them

    # -- the poll uploads the five files, whole and pyx12-valid
    assert "5 file(s) filed, 0 new file(s) downloaded" in _poll(capture)
    for batch in batches:
        sent = _uploaded(server, batch)
        assert sent == batch.content.encode("ascii")
        assert pyx12_errors(sent) == []
    assert set(_statuses(claims).values()) == {ClaimStatus.IN_BATCH}

    # -- the clearinghouse answers: each set accepted (999), every claim but one accepted
    # (277CA), one rejected for the subscriber's member id
    for batch in batches:
        number = batch.control_number
        _answer(server, f"ack-{batch.pk}.999", wrap(
            [f"AK1*HC*{number}*005010X222A1", f"AK2*837*{number:04d}*005010X222A1", "IK5*A",
             "AK9*A*1*1*1"], st01="999", guide="005010X231A1", functional="FA",
        ).encode("ascii"))  # fmt: skip
    rejected = next(c for c in claims if c.payer_id == "DEMO-TWC")
    others = [c for c in claims if c.pk != rejected.pk]
    answers = [(str(rejected.patient_control_number), ["STC*A6:164:IL*20260316*U"])]
    answers += [(str(c.patient_control_number), ["STC*A2:20*20260316*WQ"]) for c in others]
    _answer(server, "ca.277", claim_acknowledgment_277ca(answers))
    assert "6 new file(s) downloaded" in _poll(capture)
    outcomes = dict(ReceivedFile.objects.values_list("name", "outcome"))
    assert outcomes["ca.277"] == "277CA: 45 claim(s) accepted, 1 rejected, 0 not ours or not found"
    assert _statuses(claims) == {rejected.pk: ClaimStatus.REJECTED} | {
        c.pk: ClaimStatus.ACCEPTED for c in others
    }
    page = biller.get("/claims/rejections/").content.decode()
    assert str(rejected.patient_control_number) in page

    # -- the front desk fixes the member id; the biller resubmits a new original and sends it
    front_desk = Staff.objects.select_related("user").get(user__username="demo-frontdesk")
    fixer = Actor(user=front_desk.user, organisation=org)
    do_update_coverage(fixer, rejected.coverage, reason="member id typo on the card",
                       member_id="TWC55501234")  # fmt: skip
    assert biller.post(f"/claims/{rejected.pk}/resubmit/").status_code == 302
    fresh = Claim.objects.get(note=rejected.note, voided=False)
    assert fresh.pk != rejected.pk
    assert fresh.patient_control_number != rejected.patient_control_number
    assert "No rejected claims" in biller.get("/claims/rejections/").content.decode()
    assert biller.post(f"/claims/{fresh.pk}/ready/").status_code == 302
    biller.post("/claims/batches/build/", {"claim": [str(fresh.pk)]})
    [resent_batch] = Batch.objects.filter(organisation=org).exclude(pk__in=[b.pk for b in batches])
    assert "1 file(s) filed" in _poll(capture)
    resent = _uploaded(server, resent_batch)
    assert pyx12_errors(resent) == []
    assert b"TWC55501234" in resent

    # -- the payers' 835s, one per payer, from the claims as sent: Keystone pays its contract
    # but one line $5.00 short, Medicaid denies one claim (CO-50), Medicare leaves 20%
    # coinsurance (PR-2) on one patient, the rest are paid as billed
    sent_claims = [Claim.objects.get(pk=c.pk) for c in others] + [fresh]
    contract = FeeSchedule.objects.filter(organisation=org, payer_id=CONTRACT_PAYER).first()
    assert contract is not None
    rates = {
        (e.code, e.modifier): e.contracted_amount
        for e in contract.entries.all()
        if e.contracted_amount is not None
    }
    denied = next(c for c in sent_claims if c.payer_id == "DEMO-MCD")
    secondaries = Coverage.objects.exclude(priority=CoveragePriority.PRIMARY)
    # Keystone's patient has a second plan: one claim's coinsurance goes to it as a secondary
    seconded = [
        c for c in sent_claims
        if c.payer_id == CONTRACT_PAYER and secondaries.filter(patient=c.patient_id).exists()
    ][1]  # fmt: skip
    coinsured = next(
        c for c in sent_claims
        if c.payer_id == "DEMO-MCR" and not secondaries.filter(patient=c.patient_id).exists()
    )  # fmt: skip
    balance_before = patient_balance(org, coinsured.patient_id)
    short_line: ClaimLine | None = None
    coinsurance = Decimal("0")
    remits: dict[str, list[tuple[str, list[str]]]] = {}
    expected_paid: dict[int, Decimal] = {}
    for claim in sent_claims:
        lines = list(claim.lines.order_by("number"))
        if claim.pk == denied.pk:
            loops = [_denied(x) for x in lines]
            payment = _pays(claim, loops, status="4")
        elif claim.payer_id == CONTRACT_PAYER:
            loops = []
            for x in lines:
                rate = contracted_rate(rates, x.code, x.modifiers)
                allowed = x.charge if rate is None else rate * x.units
                if rate is not None and short_line is None:
                    allowed, short_line = allowed - SHORT, x
                share = (allowed * COINSURANCE).quantize(CENT) if claim == seconded else 0
                loops.append(_line(x, allowed, Decimal(share)))
            payment = _pays(claim, loops)
        elif claim.pk == coinsured.pk:
            loops = []
            for x in lines:
                share = (x.charge * COINSURANCE).quantize(CENT)
                coinsurance += share
                loops.append(_line(x, x.charge, share))
            payment = _pays(claim, loops)
        else:
            payment = _pays(claim, [_line(x, x.charge) for x in lines])
        remits.setdefault(claim.payer_id, []).append(payment)
        expected_paid[claim.pk] = Decimal(payment[0])
    assert short_line is not None
    for number, (payer, payments) in enumerate(sorted(remits.items()), start=101):
        _answer(server, f"era-{payer}.835", remittance_835(payments, control=number))

    # -- the poll downloads the five 835s and remittance posts them
    assert "5 new file(s) downloaded" in _poll(capture)
    outcomes = dict(ReceivedFile.objects.values_list("name", "outcome"))
    assert {k: v.split(": ")[1] for k, v in outcomes.items() if k.endswith(".835")} == {
        "era-DEMO-KHP.835": "10 claim payment(s) posted",
        "era-DEMO-MCD.835": "7 claim payment(s) posted",
        "era-DEMO-MCR.835": "6 claim payment(s) posted",
        "era-DEMO-RAI.835": "14 claim payment(s) posted",
        "era-DEMO-TWC.835": "9 claim payment(s) posted",
    }
    paid = dict(Claim.objects.filter(pk__in=expected_paid).values_list("pk", "paid_amount"))
    assert paid == expected_paid
    assert expected_paid[denied.pk] == 0
    assert sum(expected_paid.values()) == Decimal("8548.40")
    statuses = _statuses(sent_claims)
    assert statuses.pop(denied.pk) == ClaimStatus.DENIED
    assert set(statuses.values()) == {ClaimStatus.PAID}
    made = Claim.objects.filter(origin=Origin.SECONDARY, primary_claim__in=sent_claims)
    # one underpayment, the Keystone line, $5.00 short of the contract
    (under,) = LinePosting.objects.filter(claim_posting__claim__in=sent_claims, underpaid=True)
    assert under.claim_line_id == short_line.pk
    assert under.shortfall == SHORT
    page = biller.get("/remittance/underpayments/").content.decode()
    assert f'href="/claims/{short_line.claim_id}/"' in page
    assert under.expected is not None
    assert f"{under.expected - SHORT:,.2f}" in page  # what the payer allowed
    assert "$5.00" in page
    assert (under.expected, under.allowed, under.paid) == (
        Decimal("125.00"), Decimal("120.00"), Decimal("120.00"),
    )  # fmt: skip

    # -- the denial: appealed from its page, with the appeal letter and audit-defense packet
    response = biller.post(f"/remittance/denials/claim/{denied.pk}/appeal/", {"note": "notes"})
    assert response.status_code == 302
    denied.refresh_from_db()
    assert denied.denial.state == DenialState.APPEALED
    packet = biller.get(f"/remittance/claims/{denied.pk}/packet.pdf")
    assert packet.status_code == 200
    text = _pdf_text(packet.content)
    pcn = denied.patient_control_number
    assert "Request for reconsideration of a denied claim" in text
    assert f"Claim control number {pcn} · payer claim number PAYER{pcn}" in text
    assert "CARC 50: The payer does not consider the service medically necessary." in text
    assert "Audit-defense packet" in text
    assert f"Signed note Note {denied.note_id} of {denied.note.date_of_service}" in text
    assert f"Claim as sent Claim control number {pcn}, frequency 1" in text

    # -- the coinsurance is the patient's, and their statement asks for it
    assert coinsurance == Decimal("26.00")
    assert patient_balance(org, coinsured.patient_id) == balance_before + coinsurance
    response = biller.post(f"/ledger/patients/{coinsured.patient_id}/statement/", {"via": "print"})
    assert response.status_code == 302
    statement = Statement.objects.filter(patient=coinsured.patient_id).latest("pk")
    assert response["Location"] == f"/ledger/statements/{statement.pk}/"
    assert (statement.previous_balance, statement.new_charges, statement.amount_due) == (
        balance_before,
        coinsurance,
        balance_before + coinsurance,
    )
    text = _pdf_text(biller.get(f"/ledger/statements/{statement.pk}/pdf/").content)
    assert f"Amount due ${statement.amount_due}" in text
    assert f"New charges (your share after insurance) ${coinsurance}" in text
    service_day = coinsured.note.date_of_service
    assert f"{service_day} 97110-GP" in text
    assert f"$130.00 $104.00 $0.00 coinsurance ${coinsurance}" in text

    # -- the secondary claim the Keystone 835 made, with the primary's adjudication, goes out
    (secondary,) = made
    assert secondary.primary_claim_id == seconded.pk
    assert (secondary.payer_id, secondary.payer_sequence, secondary.status) == (
        "DEMO-LSM",
        PayerSequence.SECONDARY,
        ClaimStatus.READY,
    )
    assert secondary.total_charge == seconded.total_charge == Decimal("275.00")
    assert biller.post("/claims/batches/build/", {"claim": [str(secondary.pk)]}).status_code == 302
    last = Batch.objects.filter(organisation=org).latest("pk")
    assert "1 file(s) filed" in _poll(capture)
    sent = _uploaded(server, last)
    assert pyx12_errors(sent) == []
    text = sent.decode("ascii")
    assert f"CLM*{secondary.patient_control_number}*275*" in text
    assert "SBR*S*" in text  # billed to the second plan ...
    assert "SBR*P*" in text  # ... after the first (2320)
    assert "AMT*D*174.4~" in text  # what Keystone paid (2320 AMT*D)
    assert expected_paid[seconded.pk] == Decimal("174.40")
    assert "AMT*EAF*43.6~" in text  # the patient's share left for the second plan
    assert text.count("CAS*PR*2*") == text.count("DTP*573*D8*20260120~") == 3
