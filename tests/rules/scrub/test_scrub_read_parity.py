"""The scrub's results do not depend on how the visit was read (issue 9, the struct reader).

The visit value objects became msgspec structs decoded straight from JSON (ADR 0300, its
third round). Generated visits (seeds 2026 and 11, with the day the claim is made given) are
read with the new reader and with the hand-written one frozen in `visit_format_reference.py`,
scrubbed, and their results compared byte for byte (`repr`). The differential run recorded in
ADR 0300 does the same over 12,000 visits against the tree before the change; this is its
sample, small enough to run with the suite. `SCRUB_PARITY_COUNT` changes it.
"""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from benchmarks.visit_generator import generate_visits

from cleannote.rules.ncci import bundled_mue, bundled_ptp
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit_format import parse_visit_json
from tests.rules import visit_format_reference as reference

COUNT = int(os.environ.get("SCRUB_PARITY_COUNT", "600"))
AS_OF = dt.date(2026, 12, 6)


@pytest.mark.parametrize("seed", [2026, 11])
def test_scrub_results_are_byte_identical_whichever_reader_read_the_visit(seed: int) -> None:
    # given generated visits as JSON Lines text
    ptp, mue = bundled_ptp(), bundled_mue()
    lines = [json.dumps(visit) for visit in generate_visits(COUNT, seed=seed)]
    differing = []
    findings = 0
    for number, line in enumerate(lines):
        # when each is read by the struct reader and by the old one, and scrubbed
        new = scrub(parse_visit_json(line), ptp, mue, as_of=AS_OF)
        old = scrub(reference.parse_visit(json.loads(line)), ptp, mue, as_of=AS_OF)
        # then the two results print the same, finding for finding
        if repr(new) != repr(old):
            differing.append(number)
        findings += len(new.findings)
    assert differing == []
    # and the sample exercised findings, not only clean visits
    assert findings > COUNT
