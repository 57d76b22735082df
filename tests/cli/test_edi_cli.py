from __future__ import annotations

import json
from pathlib import Path

from cleannote.cli.main import main
from tests.edi.envelopes import REMIT_BODY, wrap


def test_edi_read_summarises_an_835(tmp_path: Path, capsys) -> None:
    # given
    path = tmp_path / "remit.835"
    path.write_text(wrap(REMIT_BODY))
    # when
    status = main(["edi", "read", str(path)])
    # then
    out = capsys.readouterr().out
    assert status == 0
    assert "payment 130.00 by ACH on 2026-01-10" in out
    assert "claims 2 (denied 1): charged 350.00, paid 130.00, adjusted 220.00" in out
    assert "PCN-2: denied" in out
    assert "DOE" not in out
    assert "XYZ123" not in out


def test_edi_read_json_has_decimals_as_strings(tmp_path: Path, capsys) -> None:
    # given
    path = tmp_path / "remit.835"
    path.write_text(wrap(REMIT_BODY))
    # when
    status = main(["edi", "read", "--json", str(path)])
    # then
    [result] = json.loads(capsys.readouterr().out)
    assert status == 0
    assert result["transaction"] == "835"
    assert result["items"][0]["payment_amount"] == "130.00"
    assert result["items"][0]["payment_date"] == "2026-01-10"


def test_a_broken_file_exits_2_and_the_others_still_read(tmp_path: Path, capsys) -> None:
    # given
    broken = tmp_path / "broken.835"
    broken.write_text(wrap(REMIT_BODY).split("SE*")[0])
    good = tmp_path / "good.835"
    good.write_text(wrap(REMIT_BODY))
    # when
    status = main(["edi", "read", str(broken), str(good)])
    # then
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.strip() == (
        f"cleannote: error: {broken}: segment 29 (LQ): expected SE before the end of the file; "
        "the file is truncated"
    )
    assert "payment 130.00" in captured.out


def test_a_271_reject_is_explained(tmp_path: Path, capsys) -> None:
    # given
    path = tmp_path / "elig.271"
    body = ["BHT*0022*11*R*20260101*1200", "HL*1**20*1", "NM1*PR*2*ACME", "AAA*Y**41*N"]
    path.write_text(wrap(body, st01="271", guide="005010X279A1", functional="HB"))
    # when
    status = main(["edi", "read", str(path)])
    # then
    out = capsys.readouterr().out
    assert status == 0
    assert "REJECTED AAA 41 (2100A)" in out
    assert "clearinghouse" in out
    assert "follow-up N: Do not resend" in out
