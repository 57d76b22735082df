from __future__ import annotations

from datetime import date
from decimal import Decimal

from cleannote.edi.x12_277 import iter_claim_statuses, read_277
from tests.corpus import corpus_path
from tests.edi.envelopes import wrap

BODY = [
    "BHT*0085*08*B1*20260110*1200*TH",
    "HL*1**20*1",
    "NM1*PR*2*ACME HEALTH PLAN*****PI*12345",
    "HL*2*1*21*1",
    "NM1*41*2*CLEARINGHOUSE*****46*CH1",
    "TRN*2*BATCH1",
    "STC*A1:20*20260110*WQ*350.00",
    "HL*3*2*19*1",
    "NM1*85*2*SUNRISE THERAPY*****XX*1234567893",
    "HL*4*3*PT",
    "NM1*QC*1*DOE*JANE****MI*XYZ123",
    "TRN*2*PCN-1",
    "STC*A7:562:85*20260110*U*250.00",
    "REF*1K*PAYER1",
    "DTP*472*RD8*20260105-20260105",
    "SVC*HC:97110:GP*150.00*0",
    "STC*A7:21*20260110",
    "REF*FJ*LINE1",
    "DTP*472*D8*20260105",
]


def test_claim_statuses_with_trace_payer_number_and_lines() -> None:
    # when
    [report] = read_277(wrap(BODY, st01="277", guide="005010X214").encode(), source="s.277")
    # then
    assert report.implementation_guide == "005010X214"
    [(level, batch)] = report.level_statuses
    assert (level, batch.category, batch.status, batch.charge) == (
        "21",
        "A1",
        "20",
        Decimal("350.00"),
    )
    [claim] = report.claims
    assert (claim.patient_control_number, claim.payer_claim_control_number) == ("PCN-1", "PAYER1")
    [status] = claim.statuses
    assert (status.category, status.status, status.entity, status.action) == (
        "A7",
        "562",
        "85",
        "U",
    )
    assert claim.service_start == date(2026, 1, 5)
    [line] = claim.services
    assert line.procedure == ("HC", "97110", "GP")
    assert (line.line_control_number, line.statuses[0].status) == ("LINE1", "21")


def test_the_stream_yields_the_claims_of_the_report() -> None:
    # given
    data = wrap(BODY, st01="277", guide="005010X214").encode()
    # when
    streamed = list(iter_claim_statuses(data, source="s.277"))
    # then
    [report] = read_277(data, source="s.277")
    assert tuple(streamed) == report.claims
    assert len(streamed) == 1


def test_a_status_at_the_information_receiver_level_keeps_its_trace() -> None:
    # given a 277CA whose clearinghouse rejects the whole 837 set 7-0007 at HL 21
    body = [
        "BHT*0085*08*B1*20261206*1200*TH",
        "HL*1**20*1",
        "NM1*PR*2*ACME HEALTH PLAN*****PI*12345",
        "HL*2*1*21*0",
        "NM1*41*2*RIVERSIDE PT*****46*CLEANNOTE",
        "TRN*2*7-0007",
        "STC*A3:24:41*20261206*U*570.00",
    ]
    [report] = read_277(wrap(body, st01="277", guide="005010X214").encode(), source="r.277")
    [(trace, status)] = report.receiver_statuses
    assert (trace, status.category, status.status, status.entity) == ("7-0007", "A3", "24", "41")
    assert report.claims == ()


def test_a_status_at_the_billing_provider_level_is_kept_with_its_npi_and_receiver_trace():
    # given the published provider-level sample (HL 19 with STC, NM1*1P XX) and our own shape
    published = corpus_path("277", "LinuxForHealth__provider-level-status.277").read_bytes()
    # when
    [report] = read_277(published, source="provider.277")
    # then the HL 19 status names its provider, and the claim above it knows its provider
    [level] = report.provider_statuses
    assert (level.npi, level.status.category, level.status.status) == ("6166666666", "E0", "24")
    [claim] = report.claims
    assert (claim.patient_control_number, claim.provider_npi) == ("SM123456", "1666666661")
    # and in a 277CA every claim carries the receiver trace it was listed under
    [ours] = read_277(wrap(BODY, st01="277", guide="005010X214").encode(), source="ca.277")
    assert [(c.receiver_trace, c.provider_npi) for c in ours.claims] == [("BATCH1", "1234567893")]
    assert ours.provider_statuses == ()
