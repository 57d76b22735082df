from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cleannote.edi.tokenizer import X12Error, iter_segments
from cleannote.edi.x12_835 import (
    Adjustment,
    Procedure,
    iter_claim_payments,
    read_835,
    read_835_file,
)
from tests.edi.envelopes import REMIT_BODY, wrap


def test_remittance_header_claims_and_lines_are_read() -> None:
    # given
    data = wrap(REMIT_BODY).encode()
    # when
    [remit] = read_835(data, source="r.835")
    # then
    assert remit.payment_amount == Decimal("130.00")
    assert (remit.payment_method, remit.payment_date) == ("ACH", date(2026, 1, 10))
    assert (remit.trace_number, remit.production_date) == ("EFT0001", date(2026, 1, 8))
    assert remit.payer is not None
    assert remit.payer.name == "ACME HEALTH PLAN"
    assert remit.payee is not None
    assert remit.payee.id == "1234567893"
    assert remit.balance_warning is None
    first, second = remit.claims
    assert (first.patient_control_number, first.status_code) == ("PCN-1", "1")
    assert (first.charge, first.paid, first.patient_responsibility) == (
        Decimal("250.00"),
        Decimal("130.00"),
        Decimal("20.00"),
    )
    assert first.adjustments == (Adjustment("PR", "2", Decimal("20.00"), None),)
    assert first.statement_from == date(2026, 1, 5)
    assert second.denied
    assert second.services[0].remark_codes == ("M15",)


def test_service_lines_keep_procedure_units_dates_and_adjustments() -> None:
    # given
    data = wrap(REMIT_BODY).encode()
    # when
    [remit] = read_835(data, source="r.835")
    # then
    line1, line2 = remit.claims[0].services
    assert line1.procedure == Procedure("HC", "97110", ("GP",))
    assert (line1.units, line1.allowed, line1.line_control_number) == (
        Decimal("2"),
        Decimal("110.00"),
        "LINE1",
    )
    assert line1.service_date == date(2026, 1, 5)
    assert line2.original_procedure == Procedure("HC", "97530", ())
    assert line2.adjustments == (
        Adjustment("CO", "45", Decimal("50.00"), None),
        Adjustment("PR", "2", Decimal("10.00"), None),
    )
    assert line2.remark_codes == ("N362",)
    assert remit.claims[0].adjusted == Decimal("120.00")


@pytest.mark.parametrize(
    ("plb", "bpr", "warning"),
    [
        pytest.param(None, "130.00", None, id="balanced"),
        pytest.param("PLB*1234567893*20261231*L6:INT*-5.00", "135.00", None, id="interest"),
        pytest.param("PLB*1234567893*20261231*WO:OVP1*30.00", "100.00", None, id="offset"),
        pytest.param(
            None,
            "131.00",
            "BPR02 131.00 does not equal the claim payments 130.00 less provider adjustments "
            "0.00 (= 130.00)",
            id="imbalance",
        ),
    ],
)
def test_balancing_is_checked_and_reported_as_a_warning(
    plb: str | None, bpr: str, warning: str | None
) -> None:
    # given
    body = [REMIT_BODY[0].replace("*130.00*", f"*{bpr}*"), *REMIT_BODY[1:]]
    if plb:
        body.append(plb)
    # when
    [remit] = read_835(wrap(body).encode(), source="r.835")
    # then
    assert remit.balance_warning == warning


def test_provider_adjustments_are_read() -> None:
    # given
    body = [*REMIT_BODY, "PLB*1234567893*20261231*L6:INT*-5.00*WO:OVP1*35.00"]
    # when
    [remit] = read_835(wrap(body).encode(), source="r.835")
    # then
    assert [(p.reason_code, p.reference, p.amount) for p in remit.provider_adjustments] == [
        ("L6", "INT", Decimal("-5.00")),
        ("WO", "OVP1", Decimal("35.00")),
    ]


def test_claims_lines_and_provider_adjustments_carry_their_segment_numbers() -> None:
    # given two sets in one file, so numbers count from the file's start (ISA is segment 1)
    one = wrap([*REMIT_BODY, "PLB*1234567893*20261231*L6:INT*-5.00*WO:OVP1*35.00"])
    two = wrap(REMIT_BODY).split("\n")
    data = "\n".join([*one.split("\n")[:-2], *two[2:-2], "GE*2*7~", "IEA*1*000000123~"]).encode()
    # when
    first, second = read_835(data, source="r.835")
    # then each number is where the tokenizer finds that CLP, SVC or PLB
    where = {
        "CLP": [s.number for s in iter_segments(data, source="r.835") if s.id == "CLP"],
        "SVC": [s.number for s in iter_segments(data, source="r.835") if s.id == "SVC"],
    }
    claims = [*first.claims, *second.claims]
    assert [c.segment_number for c in claims] == where["CLP"] == [10, 25, 39, 54]
    assert [s.segment_number for c in claims for s in c.services] == where["SVC"]
    assert [p.segment_number for p in first.provider_adjustments] == [30, 30]
    assert [c.segment_number for c in iter_claim_payments(data, source="r.835")] == where["CLP"]


@pytest.mark.parametrize(
    ("bad", "good", "message"),
    [
        pytest.param(
            "CAS*CO*45*40.00",
            "CAS*CO*45*forty",
            "r.835: segment 16 (CAS): expected a decimal amount in CAS03; "
            "it is not a decimal number",
            id="amount",
        ),
        pytest.param(
            "DTM*472*20260105",
            "DTM*472*20261305",
            "r.835: segment 15 (DTM): expected a date CCYYMMDD in DTM02; it is not a calendar date",
            id="date",
        ),
        pytest.param(
            "SVC*HC:97110:GP",
            "SVC*HC>97110>GP",
            "r.835: segment 14 (SVC): expected a composite qualifier:code[:modifiers] in SVC01; "
            "it is not split by the component separator ':' of ISA16",
            id="component-separator",
        ),
    ],
)
def test_bad_values_refuse_the_file(bad: str, good: str, message: str) -> None:
    # given
    text = wrap(REMIT_BODY).replace(bad, good, 1)
    # when
    with pytest.raises(X12Error) as raised:
        list(read_835(text.encode(), source="r.835"))
    # then
    assert str(raised.value) == message


def test_file_reader_returns_nothing_from_a_file_broken_at_the_end(tmp_path: Path) -> None:
    # given: a good first interchange, then a truncated second one
    path = tmp_path / "remit.835"
    path.write_text(wrap(REMIT_BODY) + "\n" + wrap(REMIT_BODY).split("SE*")[0])
    # when
    with pytest.raises(X12Error) as raised:
        read_835_file(path)
    # then
    assert "expected SE before the end of the file; the file is truncated" in str(raised.value)


def test_streaming_claims_raises_after_the_last_good_claim(tmp_path: Path) -> None:
    # given
    path = tmp_path / "remit.835"
    path.write_text(wrap(REMIT_BODY).replace("SE*28*", "SE*27*"))
    seen: list[str] = []
    claims = iter_claim_payments(path, source="remit.835")
    # when
    seen.append(next(claims).patient_control_number)
    with pytest.raises(X12Error):
        next(claims)
    # then
    assert seen == ["PCN-1"]  # PCN-2 is only complete at the SE, which is the broken part


def test_messages_carry_no_patient_data() -> None:
    # given: the patient name and member id are in NM1*QC
    text = wrap(REMIT_BODY).replace("CAS*CO*50*100.00", "CAS*CO*50*x")
    # when
    with pytest.raises(X12Error) as raised:
        list(read_835(text.encode(), source="r.835"))
    # then
    assert "DOE" not in str(raised.value)
    assert "XYZ123" not in str(raised.value)
