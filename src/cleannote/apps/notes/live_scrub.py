"""The scrub as the note page shows it: units and modifiers per block, each finding linked to
the input that fixes it.

The findings are the scrubber's own (the same call claims make); this module only decides
where on the page each one points. `Finding.line` is the index of the service, which is the
block at that position on the note, and the rule id says which of the block's inputs to fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cleannote.apps.notes.models import Note, TreatmentBlock
from cleannote.apps.notes.visit_builder import build_visit
from cleannote.platform.reference_tables import scrub_tables
from cleannote.rules.claim_format_limits import CLINIC_SETUP_RULES
from cleannote.rules.findings import Finding, ScrubResult, Severity
from cleannote.rules.scope_of_practice import RULE_ASSISTANT_RENDERING
from cleannote.rules.scrub.checks_timely_filing import RULE_TIMELY_FILING
from cleannote.rules.scrub.scrubber import scrub

# Which input of a block fixes a finding, by rule id (prefix match); the block itself otherwise.
FIELD_OF_RULE: tuple[tuple[str, str], ...] = (
    ("doc.no-goal", "goals"),
    ("doc.unknown-goal", "goals"),
    ("doc.no-justification", "justification"),
    ("doc.missing-elements", "params"),
    ("doc.97110-multiple-outcomes", "params"),
    ("doc.no-progression", "params"),
    ("time.", "start"),
    ("units.", "start"),
    ("pair.97124-97140-region", "regions"),
    ("dx.block-side-missing", "laterality"),
)
# Findings about the visit as a whole point at the part of the page that explains them.
NOTE_ANCHOR_OF_RULE: tuple[tuple[str, str], ...] = (
    ("poc.progress-report", "note-head"),
    ("dx.", "note-case"),
    ("poc.", "note-case"),
    ("referral.", "note-case"),
    ("payer.", "note-case"),
    ("msp.", "note-case"),
    ("patient.", "note-case"),
    ("date.", "note-case"),
)
SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
# Errors that signing cannot fix and that do not stop it: an assistant's visit billed under the
# supervising therapist waits for the co-signature, which comes after the assistant signs.
# The claim still waits for them (claims are refused while they stand).
# So do the claim-format errors a clinic fixes in its settings or the chart (a billing ZIP of
# five digits, a payer id), not in the note (ADR 0350).
# And a visit past the payer's filing limit: the claim is late, the note still has to be signed
# (it is the clinical record whatever the payer does; ADR 0390).
AFTER_SIGNATURE = frozenset({RULE_ASSISTANT_RENDERING, RULE_TIMELY_FILING}) | CLINIC_SETUP_RULES
# What the page says instead of "error" for each of them.
_AFTER_SIGNATURE_NOTE = {
    RULE_ASSISTANT_RENDERING: "after you sign: the claim waits for the co-signature",
    RULE_TIMELY_FILING: "stops the claim, not your signature",
}
_CLINIC_SETUP_NOTE = "after you sign: the claim waits for the clinic's settings or the chart"
# A report (progress report, discharge summary) may be written on a day with no treatment: it is
# the clinical record, and no claim comes of it. The "no billable line" error then says so
# instead of stopping the signature (ADR 0580).
RULE_NO_LINES = "format.no-lines"
_NO_CLAIM_NOTE = "no claim: nothing on this report is billed"


def waits_for_claim(finding: Finding, *, report: bool = False) -> bool:
    """A finding that stops the claim, not the signature: the rules above, and on a report
    the absence of any billable line."""
    return finding.rule in AFTER_SIGNATURE or (report and finding.rule == RULE_NO_LINES)


def blocks_sign_off(finding: Finding, *, report: bool = False) -> bool:
    """An error finding the clinician must fix before signing (`report`: the note is of a type
    that reports goals, which may bill nothing)."""
    return finding.severity is Severity.ERROR and not waits_for_claim(finding, report=report)


def sign_off_clean(result: ScrubResult, *, report: bool = False) -> bool:
    return not any(blocks_sign_off(f, report=report) for f in result.findings)


@dataclass(frozen=True, slots=True)
class ShownFinding:
    finding: Finding
    anchor: str
    block_id: int | None
    after_signature: bool = False
    """An error that stops the claim, shown but not blocking the signature."""

    @property
    def is_error(self) -> bool:
        return self.finding.severity is Severity.ERROR and not self.after_signature

    @property
    def after_signature_note(self) -> str:
        """What happens to an after-signature error, said in place of its severity."""
        if self.finding.rule == RULE_NO_LINES:
            return _NO_CLAIM_NOTE
        return _AFTER_SIGNATURE_NOTE.get(self.finding.rule, _CLINIC_SETUP_NOTE)


@dataclass(frozen=True, slots=True)
class BlockBilling:
    code: str
    units: int
    modifiers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LiveScrub:
    clean: bool
    findings: tuple[ShownFinding, ...]
    billing: dict[int, BlockBilling]

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def claim_error_count(self) -> int:
        """Errors that stop the claim but not the signature."""
        return sum(
            1 for f in self.findings if f.after_signature and f.finding.severity is Severity.ERROR
        )

    @property
    def total_units(self) -> int:
        return sum(b.units for b in self.billing.values())


def scrub_loaded_note(note: Note, *, as_of: dt.date | None = None) -> ScrubResult:
    """Scrub a note loaded by `load_note_for_visit` (no further queries beyond the builder's).

    `as_of` is the day a claim would be made, which the timely-filing and future-date rules
    judge: the clinic's today unless given (the shell reads the clock, the core never does;
    ADR 0390)."""
    ptp, mue = scrub_tables()
    return scrub(build_visit(note), ptp, mue, as_of=as_of or timezone.localdate())


def present(
    result: ScrubResult, blocks: list[TreatmentBlock], *, report: bool = False
) -> LiveScrub:
    """Map a scrub result onto the note's blocks, in the order the visit listed them
    (`report` as for `blocks_sign_off`)."""
    billing = {
        blocks[line.service_index].pk: BlockBilling(line.code, line.units, line.modifiers)
        for line in result.lines
        if line.service_index < len(blocks)
    }
    shown = [_shown(f, blocks, waits_for_claim(f, report=report)) for f in result.findings]
    shown.sort(key=lambda s: SEVERITY_ORDER[s.finding.severity])
    clean = sign_off_clean(result, report=report)
    return LiveScrub(clean=clean, findings=tuple(shown), billing=billing)


def _shown(finding: Finding, blocks: list[TreatmentBlock], waits: bool) -> ShownFinding:
    if finding.line is not None and 0 <= finding.line < len(blocks):
        block_id = blocks[finding.line].pk
        field = next((f for rule, f in FIELD_OF_RULE if finding.rule.startswith(rule)), None)
        anchor = f"b{block_id}-{field}" if field else f"block-{block_id}"
        return ShownFinding(finding, anchor, block_id, waits)
    anchor = next(
        (a for rule, a in NOTE_ANCHOR_OF_RULE if finding.rule.startswith(rule)), "note-head"
    )
    return ShownFinding(finding, anchor, None, waits)
