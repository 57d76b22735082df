"""Distinct, realistic claims for the X12 benchmarks: the generated visits, scrubbed.

Each claim is its own generated visit (`visit_generator`), scrubbed the way `cleannote edi 837`
scrubs it: its own claim id, patient, member id, date of service, payer, clinic, clinician,
diagnoses, codes, units, modifiers and charges. A writer's or reader's caches then meet values
as varied as a clinic's months of claims, not one claim repeated. Visits the scrubber refuses
(about one in seven carries a deliberate flaw) are left out, as the app would hold them back.
The same (count, seed) always gives the same claims.
"""

from __future__ import annotations

from collections.abc import Iterator

from benchmarks.visit_generator import generate_visits
from cleannote.edi.x12_837p import ClaimToSend
from cleannote.rules.ncci import bundled_mue, bundled_ptp
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit_format import parse_visit


def generate_claims(count: int, seed: int = 2026) -> Iterator[ClaimToSend]:
    """`count` clean claims, each from a different generated visit."""
    ptp, mue = bundled_ptp(), bundled_mue()
    produced = 0
    # Twice the visits is far more than enough: about 85% of them scrub clean.
    for raw in generate_visits(2 * count + 10, seed):
        if produced == count:
            return
        visit = parse_visit(raw)
        result = scrub(visit, ptp, mue)
        if result.clean:
            produced += 1
            yield ClaimToSend(visit=visit, lines=result.lines)
    raise RuntimeError(f"only {produced} of {count} generated visits scrubbed clean")
