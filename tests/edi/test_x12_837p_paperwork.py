"""Paperwork sent apart from the claim: 2300 PWK after the claim's dates, before its
references, as pyx12 reads 005010X222A1; and the CMS-1500 box 19 note that says the same
(ADR 0762)."""

from __future__ import annotations

import pytest

from cleannote.edi.envelope import X12WriteError
from cleannote.edi.x12_837p import Attachment, write_837p
from cleannote.forms.cms1500 import FormClaim, attachment_note, form_pages
from tests.edi.factories import CONTROL, CREATED, RECEIVER, SUBMITTER, claim
from tests.edi.pyx12_check import pyx12_errors


def _write(*attachments: Attachment) -> bytes:
    return write_837p(
        [claim(attachments=attachments)],
        submitter=SUBMITTER,
        receiver=RECEIVER,
        control=CONTROL,
        created=CREATED,
    )


@pytest.mark.parametrize(
    ("attachments", "segments"),
    [
        ((Attachment("EB", "FX", "EXH0000012"),), ["PWK*EB*FX***AC*EXH0000012"]),
        ((Attachment("EB", "BM", "EXH0000013"),), ["PWK*EB*BM***AC*EXH0000013"]),
        (
            (Attachment("EB", "EM", "EXH0000014"), Attachment("OZ", "FX", "SUP-9")),
            ["PWK*EB*EM***AC*EXH0000014", "PWK*OZ*FX***AC*SUP-9"],
        ),
    ],
)
def test_each_attachment_is_one_pwk_and_pyx12_accepts_it(attachments, segments):
    data = _write(*attachments)
    written = [s for s in data.decode("ascii").split("~") if s]
    assert [s for s in written if s.startswith("PWK")] == segments
    # after the claim's dates, before its references and diagnoses
    first = written.index(segments[0])
    assert written[first - 1].startswith(("DTP", "CLM"))
    assert written[first + len(segments)].startswith(("REF", "HI", "AMT", "CN1", "NTE"))
    assert pyx12_errors(data) == []


@pytest.mark.parametrize(
    ("attachment", "problem"),
    [
        (Attachment("ZZ", "FX", "EXH1"), "PWK01 report type 'ZZ'"),
        (Attachment("EB", "AA", "EXH1"), "PWK02 transmission 'AA'"),
        (Attachment("EB", "FX", "X"), "2 to 50 characters, got 1"),
        (Attachment("EB", "FX", "E" * 51), "2 to 50 characters, got 51"),
    ],
)
def test_an_attachment_the_guide_does_not_allow_is_refused(attachment, problem):
    with pytest.raises(X12WriteError, match=problem) as refused:
        _write(attachment)
    assert refused.value.rule == "caller.attachment"


def test_more_than_ten_attachments_are_refused():
    with pytest.raises(X12WriteError, match="at most 10"):
        _write(*(Attachment("EB", "FX", f"EXH{n:02d}") for n in range(11)))


def test_box_19_carries_the_nucc_paperwork_note():
    note = attachment_note("EB", "FX", "EXH0000012")
    assert note == "PWKEBFXEXH0000012"
    sent = claim()
    pages = form_pages(
        FormClaim(visit=sent.visit, lines=sent.lines, additional_info=note),
        printed_on=CREATED.date(),
    )
    assert [v.text for v in pages[0] if v.box == "19"] == ["PWKEBFXEXH0000012"]
