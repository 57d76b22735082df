"""Everything the scrub checks share about one visit, computed once.

The scrubber resolves each service's catalog entry, minutes, units and modifiers a single time
and hands this context to every check, so fifty checks do not each look the same things up.
Checks only read it and call `add`; they never change the visit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec

from cleannote.rules.catalog import Procedure
from cleannote.rules.findings import Finding
from cleannote.rules.modifier_assignment import LineModifiers
from cleannote.rules.ncci import MueTable, PtpEdit, PtpTable
from cleannote.rules.payer_policy import PayerPolicy
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.visit import Visit


@dataclass(frozen=True, slots=True)
class Replacement:
    """The claim being made replaces (frequency 7) one the payer took: `determined_on` is the
    day the payer decided that claim (its 835's or EOB's date), None while it has not."""

    determined_on: dt.date | None = None


class ScrubContext(msgspec.Struct, gc=False):
    """Built once per visit (in compiled code: a struct, not a dataclass) and read by every
    check; nothing in it refers back to it, so the garbage collector need not track it."""

    visit: Visit
    policy: PayerPolicy
    ptp: PtpTable
    mue: MueTable
    procedures: tuple[Procedure | None, ...]
    """Catalog entry per service, None for a code the catalog does not know."""
    billed_codes: tuple[str, ...]
    """Code per service as it goes on the claim (97014 becomes G0283 for Medicare)."""
    minutes: tuple[int | None, ...]
    """Documented minutes per service: the stamped span, else the minutes entered."""
    timed: tuple[int, ...]
    """Indexes of the services whose catalog entry is timed (billed per 15 minutes)."""
    units: tuple[int, ...]
    """Units the documentation supports per service under the payer's unit method."""
    codes: frozenset[str]
    """Every code the visit names: as documented, as the catalog spells it, as billed. A check
    about particular codes returns at once when none of them is here."""
    modifiers: tuple[LineModifiers, ...] = ()
    pair_edits: list[tuple[int, int, PtpEdit]] = msgspec.field(default_factory=list)
    """NCCI edits in force between billed lines: (column-1 index, column-2 index, edit)."""
    findings: list[Finding] = msgspec.field(default_factory=list)
    as_of: dt.date | None = None
    """The day the claim is made, from the caller (the core never reads the clock); None when
    not given, and then no rule judges the date of service against it."""
    replaces: Replacement | None = None
    """Set when the claim made is a replacement: timely filing judges it by the payer's
    corrected-claim rule (ADR 0391)."""
    prior_remitted_on: dt.date | None = None
    """The prior payer's remittance date when the claim bills a payer after another (a
    secondary or tertiary claim): timely filing may count from it (ADR 0705)."""
    bundled_supplies: tuple[tuple[int, str, str], ...] = ()
    """Dispensed supplies the payer pays within another line the same day: (service index, the
    code it is bundled into, the bundling row's source); not billed (`rules.supplies`)."""

    def add(
        self, rule_id: str, message: str, fix: str, line: int | None = None, row: str = ""
    ) -> None:
        """Record a finding; severity and source come from the rule catalog, and `row` names
        the reference-data row it rests on (an NCCI or MUE row's provenance), after it."""
        spec = RULES[rule_id]
        source = f"{spec.source}; row: {row}" if row else spec.source
        self.findings.append(Finding(rule_id, spec.severity, message, fix, source, line))
