"""Posting a whole 835 in bulk (ADR 0781): the same rows as posting each claim payment alone,
in a number of queries that does not grow with the file's claim payments."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.models import Claim, ClaimAdjustment, ClaimLine, ClaimStatusEvent
from cleannote.apps.remittance import actions
from cleannote.apps.remittance.actions import do_import_835
from cleannote.apps.remittance.models import (
    ClaimPosting,
    EraFile,
    LinePosting,
    PatientLedgerEntry,
    UnmatchedPayment,
)
from tests.apps.claims.conftest import another_claim
from tests.apps.remittance.test_settlement import _all_to, _coinsurance, _sent, _with
from tests.apps.x12_files import claim_payment, remittance_835, service


def _claims(billing, count: int) -> list[Claim]:
    return [_sent(billing, another_claim(billing, days_ago=4 + i)) for i in range(count)]


def _full(pcn: str) -> tuple[str, list[str]]:
    return claim_payment(pcn, "1", "190", "190", "0", [
        service("97110:GP", "130", "130", 2, line_control=f"{pcn}-1", allowed="130"),
        service("97140:GP", "60", "60", 1, line_control=f"{pcn}-2", allowed="60"),
    ])  # fmt: skip


def _underpaid(pcn: str) -> tuple[str, list[str]]:
    """97140 allowed at $20.00 against the contract's $28.00; the patient owes $4.00."""
    return claim_payment(pcn, "1", "190", "126.00", "4.00", [
        service("97110:GP", "130", "110.00", 2, line_control=f"{pcn}-1", allowed="110",
                adjustments=(("CO", "45", "20.00"),)),
        service("97140:GP", "60", "16.00", 1, line_control=f"{pcn}-2", allowed="20",
                adjustments=(("CO", "45", "40.00"), ("PR", "2", "4.00"))),
    ])  # fmt: skip


def _reversal(pcn: str) -> tuple[str, list[str]]:
    return claim_payment(pcn, "22", "-190", "-70.59", "-17.65", [
        service("97110:GP", "-130", "-48.19", -2, line_control=f"{pcn}-1",
                adjustments=(("CO", "45", "-69.76"), ("PR", "2", "-12.05"))),
        service("97140:GP", "-60", "-22.40", -1, line_control=f"{pcn}-2",
                adjustments=(("CO", "45", "-32.00"), ("PR", "2", "-5.60"))),
    ])  # fmt: skip


def _split(pcn: str) -> tuple[str, list[str]]:
    return claim_payment(pcn, "1", "190", "120.00", "0", [
        service("97110:GP", "65", "30.00", 1, line_control=f"{pcn}-1",
                adjustments=(("CO", "45", "35"),)),
        service("97140:GP", "60", "60.00", 1, line_control=f"{pcn}-2"),
        service("97110:GP", "65", "30.00", 1, line_control=f"{pcn}-1",
                adjustments=(("CO", "45", "35"),)),
    ])  # fmt: skip


def _no_such_line(pcn: str) -> tuple[str, list[str]]:
    return claim_payment(pcn, "1", "50", "50", "0", [service("97530:GP", "50", "50", 1)])


def _rows(era: EraFile, claims: list[Claim]) -> dict[str, Any]:
    """Everything a posting writes, without ids or clocks."""
    ids = [c.pk for c in claims]
    postings = ClaimPosting.objects.filter(era_file=era).order_by("pk")
    return {
        "claims": list(
            Claim.objects.filter(pk__in=ids).order_by("pk").values_list(
                "pk", "status", "paid_amount", "adjudicated_on", "payer_claim_number",
                "crossover_payer", "secondary_problem",
            )
        ),
        "lines": list(
            ClaimLine.objects.filter(claim_id__in=ids).order_by("pk").values_list(
                "pk", "paid_amount"
            )
        ),
        "adjustments": list(
            ClaimAdjustment.objects.filter(claim_id__in=ids).order_by("pk").values_list(
                "claim_id", "line_id", "group", "reason", "amount"
            )
        ),
        "events": list(
            ClaimStatusEvent.objects.filter(claim_id__in=ids).order_by("pk").values_list(
                "claim_id", "previous_status", "status", "by_id", "by_username", "reason"
            )
        ),
        "postings": list(
            postings.values_list(
                "claim_id", "segment_number", "status_code", "charge", "paid",
                "patient_responsibility", "payer_claim_number", "remark_codes", "posted_on",
                "interest", "crossover_payer", "balance_problem",
            )
        ),
        "line_postings": list(
            LinePosting.objects.filter(claim_posting__era_file=era).order_by("pk").values_list(
                "claim_posting__segment_number", "claim_line_id", "segment_number", "matched_by",
                "charge", "paid", "allowed", "units", "remark_codes", "expected", "underpaid",
                "balance_problem",
            )
        ),
        "ledger": [
            (*row, era_file_id == era.pk)
            for *row, era_file_id in PatientLedgerEntry.objects.filter(claim_id__in=ids)
            .order_by("pk")
            .values_list("claim_id", "kind", "amount", "reason", "era_file_id")
        ],
        "unmatched": list(
            UnmatchedPayment.objects.filter(era_file=era).order_by("pk").values_list(
                "position", "segment_number", "patient_control_number", "problem"
            )
        ),
        "audit": [
            (action, kind, object_id if kind == "claim" else "", patient_id)
            for action, kind, object_id, patient_id in AuditEvent.objects.filter(
                organisation=era.organisation, sequence__gt=0
            )
            .order_by("sequence")
            .values_list("action", "object_type", "object_id", "patient_id")
        ],
    }  # fmt: skip


class _Undo(Exception):
    pass


def _posted_alone(billing, data: bytes, claims: list[Claim], monkeypatch) -> dict[str, Any]:
    """The rows the file writes when every payment posts alone, then undone."""
    with monkeypatch.context() as patch:
        patch.setattr(actions._Book, "posts_in_bulk", lambda self, claim, item: False)
        try:
            with transaction.atomic():
                era = do_import_835(billing.actor, data, file_name="era.835")
                rows = _rows(era, claims)
                raise _Undo
        except _Undo:
            pass
    return rows


@pytest.mark.django_db
def test_a_file_posted_in_bulk_writes_what_posting_each_payment_alone_writes(
    billing, claim, monkeypatch
):
    # given eight sent claims (97140 contracted at $28.00) and an 835 that pays them every way
    # a clearinghouse's daily file does, in file order: in full, with coinsurance, a denial, an
    # underpayment, a split line, a payment and its reversal on one claim, a service line no
    # line answers, a claim of nobody, crossovers (MA18, CLP02 19) and payments after them, and
    # a next payer's answer (CLP02 2) for a patient with no next payer
    claims = [claim, *_claims(billing, 7)]
    pcn = [c.patient_control_number for c in claims]
    data = remittance_835([
        _full(pcn[0]),
        _coinsurance(pcn[1]),
        _all_to(pcn[2], "4", "CO", "50"),
        _underpaid(pcn[3]),
        _split(pcn[4]),
        _coinsurance(pcn[5]),
        _with(_coinsurance(pcn[6]), "MOA***MA18"),
        _reversal(pcn[5]),
        _no_such_line(pcn[7]),
        _full("CN999999"),
        _coinsurance(pcn[7]),
        _coinsurance(pcn[0], "2"),
        _coinsurance(pcn[3], "19"),
        _full(pcn[6]),
        _underpaid(pcn[3]),
    ])  # fmt: skip
    alone = _posted_alone(billing, data, claims, monkeypatch)
    # when the file posts in bulk
    era = do_import_835(billing.actor, data, file_name="era.835")
    # then every row is the same, in the same order, to the cent
    bulk = _rows(era, claims)
    assert bulk == alone
    assert len(bulk["postings"]) == 12
    assert len(bulk["unmatched"]) == 3
    assert any(row[-2] for row in bulk["line_postings"])  # the underpayment was found
    assert any(row[-2] for row in bulk["postings"])  # the crossover was recorded


@pytest.mark.django_db
def test_posting_reads_and_writes_in_a_fixed_number_of_queries(billing, claim):
    # given two files for two and for six sent claims, each paying every claim with coinsurance
    claims = [claim, *_claims(billing, 7)]
    counts = []
    for chosen, trace in ((claims[:2], "A"), (claims[2:], "B")):
        data = remittance_835([_coinsurance(c.patient_control_number) for c in chosen])
        data = data.replace(b"TRN*1*EFT0001", f"TRN*1*EFT000{trace}".encode())
        # when each file posts
        with CaptureQueriesContext(connection) as queries:
            do_import_835(billing.actor, data, file_name=f"{trace}.835")
        counts.append(len(queries.captured_queries))
    # then both took the same number of queries: nothing is read or written per payment
    assert counts[0] == counts[1]
    assert counts[1] < 40
