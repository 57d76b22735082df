"""Every public sample of a type we read either reads or is refused naming segment and problem.

The refusal table was decided by reading each broken file (see SOURCES.md in the shared corpus,
which tests/corpus.py locates, and docs/decisions/0050-x12-readers-all-or-nothing.md). A file
that starts reading, or starts failing differently, fails this test until the table is updated
on purpose.
"""

from __future__ import annotations

import pytest

from cleannote.edi.tokenizer import X12Error
from cleannote.edi.transactions import read_any
from tests.corpus import CORPUS, corpus_files, corpus_path

READ_TYPES = ("835", "271", "277", "999", "837P")

REFUSED = {
    # 271
    "271/Inteligenz__Example_3_1_2.txt": "segment 1 (ISA): expected an ISA header with four "
    "distinct delimiters",  # ISA11 and ISA16 are both '^'
    "271/Inteligenz__Example_3_1_3.txt": "segment 1 (ISA): expected an ISA header with four "
    "distinct delimiters",
    "271/Inteligenz__Example_3_2_2.txt": "segment 1 (ISA): expected an ISA header with four "
    "distinct delimiters",
    "271/LinuxForHealth__subscriber-health-benefit-check-error.271": "segment 10 (SE): expected "
    "the control number of the matching ST; SE02 does not match ST02",
    # 277
    "277/Inteligenz__FromBogeyone.txt": "segment 10 (HL): expected SE before the end of the "
    "file; the file is truncated",
    "277/Inteligenz__FromLatitude81uk.txt": "segment 13 (STC): expected a date CCYYMMDD in "
    "STC02; it is not 8 digits",
    # 835
    "835/CHS-CDS-AIML__test.835": "segment 18 (SE): expected the number of segments from ST "
    "to SE; SE01 says 17 but there are 16",
    "835/LinuxForHealth__cob-contractural-adjustment.835": "segment 21 (SVC): expected a "
    "composite",  # SVC01 uses '>' while ISA16 declares ':'
    "835/LinuxForHealth__managed-care.835": "segment 4 (BPR): expected a date CCYYMMDD in "
    "BPR16; it is not a calendar date",  # 20002316
    "835/LinuxForHealth__secondary-payment.835": "segment 29 (SVC): expected a composite",
    "835/LinuxForHealth__tertiary-payment.835": "segment 20 (SVC): expected a composite",
    "835/affect-therapeutics__exhaustive_sample.txt": "segment 1 (ST): expected ISA",
    "835/affect-therapeutics__nevada_medicaid.txt": "segment 67 (IEA): expected the control "
    "number of the matching ISA",
    "835/affect-therapeutics__sample_835.txt": "segment 23 (CAS): expected a decimal amount in "
    "CAS03; it is not a decimal number",  # placeholder text; SE01 is also wrong further on
    "835/affect-therapeutics__sample_835_with_interests.txt": "segment 23 (CAS): expected a "
    "decimal amount in CAS03; it is not a decimal number",
    "835/keironstoddart__blue_cross_nc_sample.txt": "segment 1 (ST): expected ISA",
    "835/owgreen-dev__managed-care-payer-contacts.835": "segment 4 (BPR): expected a date "
    "CCYYMMDD in BPR16; it is not a calendar date",
    # 837P
    "837P/Inteligenz__UnicodeExample.txt": "segment 6 (?): expected a segment id",  # NBSP
    "837P/LinuxForHealth__demo.cob.2ndary.example4.837": "segment 28 (SV1): expected a "
    "composite",  # SV101 uses '>' while ISA16 declares ':'
    "837P/LinuxForHealth__demo.example11.837": "segment 32 (SV1): expected a composite",
    "837P/LinuxForHealth__demo.example12.837": "segment 39 (SV1): expected a composite",
    "837P/LinuxForHealth__demo.example9.837": "segment 29 (SV1): expected a composite",
}


@pytest.mark.parametrize("name", corpus_files(*READ_TYPES))
def test_corpus_file_reads_or_is_refused_as_expected(name: str) -> None:
    # given
    path = corpus_path(name)
    if name in REFUSED:
        # when
        with pytest.raises(X12Error) as raised:
            read_any(path, source=name)
        # then: refused, for the reason we recorded
        assert str(raised.value).startswith(f"{name}: {REFUSED[name]}")
        return
    # when
    result = read_any(path, source=name)
    # then: read, with something in it
    assert result.items
    assert result.transaction == name.split("/")[0]


def test_835_samples_that_read_have_claims_and_consistent_totals() -> None:
    # given
    corpus_path("835")
    good = [n for n in corpus_files("835") if n not in REFUSED]
    # when
    results = [read_any(CORPUS / n, source=n) for n in good]
    # then
    assert len(results) == 7
    for result in results:
        for remit in result.items:
            assert remit.claims  # type: ignore[union-attr]
