"""`cleannote edi`: X12 files in and out. `edi read FILE...` summarises what each file holds.

A broken file is reported on one line (segment number, segment id, problem) and the command
moves on to the next file; the exit status is 2 when any file was refused. Human output never
shows PHI (patient names, member ids, birth dates); `--json` prints the values as read.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from cleannote.cli.edi_837 import register_837
from cleannote.cli.errors import EXIT_BAD_INPUT, EXIT_OK, one_short_line
from cleannote.edi.error_codes import X12ReadErrorCode
from cleannote.edi.tokenizer import X12Error
from cleannote.edi.transactions import ReadResult, read_any
from cleannote.edi.x12_271 import (
    Benefit,
    EligibilityResponse,
    code_label,
    explain_aaa,
    explain_follow_up,
)
from cleannote.edi.x12_277 import StatusReport
from cleannote.edi.x12_835 import ClaimPayment, Remittance
from cleannote.edi.x12_837p_reader import ProfessionalClaim
from cleannote.edi.x12_999 import Acknowledgment

_CLAIM_STATUS = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "primary, forwarded",
    "20": "secondary, forwarded",
    "21": "tertiary, forwarded",
    "22": "reversal",
    "23": "not our claim, forwarded",
    "25": "predetermination only",
}
_STATUS_CATEGORY = {
    "A": "acknowledged",
    "P": "pending",
    "F": "finalized",
    "R": "more information requested",
    "E": "response error",
    "D": "claim not found",
}


def register(subparsers: Any) -> None:
    edi = subparsers.add_parser("edi", help="read and write X12 5010 files")
    commands = edi.add_subparsers(dest="edi_command", metavar="EDI_COMMAND")
    commands.required = True
    _register_read(commands)
    _register_837(commands)


def _register_837(commands: Any) -> None:
    register_837(commands)


def _register_read(commands: Any) -> None:
    parser = commands.add_parser(
        "read",
        help="summarise 835, 271, 277, 999 and 837P files",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="print the values read as JSON")
    parser.set_defaults(handler=run_read)


def run_read(args: argparse.Namespace) -> int:
    status = EXIT_OK
    results: list[ReadResult] = []
    for path in args.files:
        try:
            if not path.is_file():
                raise X12Error(str(path), "no such file", code=X12ReadErrorCode.NOT_FOUND)
            result = read_any(path, source=str(path))
        except X12Error as exc:
            print(f"cleannote: error: {exc}", file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        except OSError as exc:  # a name too long for the file system, a device that fails
            where = one_short_line(repr(str(path)))
            print(f"cleannote: error: {where}: {exc.strerror}", file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        if args.json:
            results.append(result)
        else:
            print("\n".join(summarise(result)))
    if args.json:
        print(json.dumps([_jsonable(r) for r in results], indent=2, default=_json_default))
    return status


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


def _json_default(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot show {type(value).__name__} as JSON")


def summarise(result: ReadResult) -> list[str]:
    """Human lines for one file: a heading, then one block per item."""
    lines = [
        f"{result.source}: {result.transaction} {result.implementation_guide}, "
        f"{len(result.items)} item(s)"
    ]
    for item in result.items:
        if isinstance(item, Remittance):
            lines.extend(_remittance(item))
        elif isinstance(item, EligibilityResponse):
            lines.extend(_eligibility(item))
        elif isinstance(item, StatusReport):
            lines.extend(_status_report(item))
        elif isinstance(item, Acknowledgment):
            lines.extend(_acknowledgment(item))
        elif isinstance(item, ProfessionalClaim):
            lines.extend(_claim(item))
    return lines


def _remittance(remit: Remittance) -> list[str]:
    claims = remit.claims
    denied = sum(1 for c in claims if c.denied)
    paid = sum((c.paid for c in claims), Decimal("0"))
    charged = sum((c.charge for c in claims), Decimal("0"))
    adjusted = sum((c.adjusted for c in claims), Decimal("0"))
    when = remit.payment_date.isoformat() if remit.payment_date else "no date"
    lines = [
        f"  payment {remit.payment_amount} by {remit.payment_method or '?'} on {when}, "
        f"trace {remit.trace_number or '-'}",
        f"  payer {remit.payer.name if remit.payer else '?'}; "
        f"payee {remit.payee.name if remit.payee else '?'}",
        f"  claims {len(claims)} (denied {denied}): charged {charged}, paid {paid}, "
        f"adjusted {adjusted}",
    ]
    lines.extend(_claim_payment(c) for c in claims)
    for plb in remit.provider_adjustments:
        lines.append(f"    provider adjustment {plb.reason_code} {plb.amount}")
    if remit.balance_warning:
        lines.append(f"  warning: {remit.balance_warning}")
    return lines


def _claim_payment(claim: ClaimPayment) -> str:
    status = _CLAIM_STATUS.get(claim.status_code, f"status {claim.status_code}")
    adjustments = ", ".join(
        f"{a.group_code}-{a.reason_code} {a.amount}" for a in claim.all_adjustments()
    )
    text = (
        f"    {claim.patient_control_number}: {status}; charge {claim.charge}, "
        f"paid {claim.paid}, patient {claim.patient_responsibility}"
    )
    return text + (f"; adjustments {adjustments}" if adjustments else "")


def _eligibility(response: EligibilityResponse) -> list[str]:
    active = {True: "coverage active", False: "coverage NOT active", None: "no coverage answer"}
    lines = [f"  {response.level}: {active[response.active]}; payer {response.payer_name}"]
    for period in response.plan_dates:
        span = period.start.isoformat()
        if period.end != period.start:
            span += f" to {period.end.isoformat()}"
        lines.append(f"    date {period.qualifier}: {span}")
    lines.extend(f"    {_benefit(b)}" for b in response.benefits if _benefit(b))
    for reject in response.rejections:
        try:
            reason = explain_aaa(reject.reason_code)
            text = f"{reason.meaning} Next: {reason.action}"
        except X12Error:
            text = "reason code not in our table"
        follow = explain_follow_up(reject.follow_up_code)
        lines.append(f"    REJECTED AAA {reject.reason_code} ({reject.loop}): {text}")
        if follow:
            lines.append(f"      follow-up {follow.code}: {follow.meaning}")
    return lines


def _benefit(benefit: Benefit) -> str:
    what = code_label("eligibility", benefit.info_code)
    services = ", ".join(code_label("service_types", s) for s in benefit.service_types)
    parts = [what]
    if benefit.amount is not None:
        parts.append(f"${benefit.amount}")
    if benefit.percent is not None:
        parts.append(f"{(benefit.percent * 100).normalize():f}%")
    if benefit.quantity is not None:
        unit = code_label("quantity_qualifiers", benefit.quantity_qualifier)
        parts.append(f"{benefit.quantity.normalize():f} {unit}")
    if benefit.time_period:
        parts.append(f"per {code_label('time_periods', benefit.time_period)}")
    if benefit.coverage_level:
        parts.append(f"({code_label('coverage_levels', benefit.coverage_level)})")
    if benefit.in_network is not None:
        parts.append("in network" if benefit.in_network else "out of network")
    if services:
        parts.append(f"for {services}")
    if benefit.plan_description:
        parts.append(f"[{benefit.plan_description}]")
    text = " ".join(parts)
    return text + "".join(f"; note: {m}" for m in benefit.messages)


def _status_report(report: StatusReport) -> list[str]:
    lines = [f"  status report {report.control_number}: {len(report.claims)} claim(s)"]
    for level, status in report.level_statuses:
        lines.append(f"    level {level}: {_status_text([status])}")
    for claim in report.claims:
        text = _status_text(claim.statuses)
        payer = (
            f", payer claim {claim.payer_claim_control_number}"
            if (claim.payer_claim_control_number)
            else ""
        )
        lines.append(f"    {claim.patient_control_number}: {text}{payer}")
    return lines


def _status_text(statuses: Iterable[Any]) -> str:
    shown = []
    for s in statuses:
        words = _STATUS_CATEGORY.get(s.category[:1], "status")
        money = f" charge {s.charge}" if s.charge is not None else ""
        money += f" paid {s.paid}" if s.paid is not None else ""
        shown.append(f"{words} ({s.category}:{s.status}){money}")
    return "; ".join(shown) or "no status"


def _acknowledgment(ack: Acknowledgment) -> list[str]:
    verdict = "accepted" if ack.accepted else "REJECTED" if ack.status == "R" else ack.status
    lines = [
        f"  group {ack.group_control_number} ({ack.functional_id}): {verdict}; "
        f"{ack.sets_accepted} of {ack.sets_received} set(s) accepted"
    ]
    for response in ack.sets:
        state = "accepted" if response.accepted else f"rejected (IK5 status {response.status})"
        lines.append(f"    set {response.set_id} {response.control_number}: {state}")
        for error in response.segment_errors:
            lines.append(
                f"      segment {error.segment_id} at position {error.position_in_set}: "
                f"error {error.error_code}"
            )
            for element in error.elements:
                lines.append(
                    f"        element {element.position} ({element.data_element}): "
                    f"error {element.error_code}"
                )
    return lines


def _claim(claim: ProfessionalClaim) -> list[str]:
    dx = ", ".join(d.code for d in claim.diagnoses)
    lines = [
        f"  claim {claim.patient_control_number}: charge {claim.total_charge}, "
        f"{len(claim.lines)} line(s), payer {claim.payer_name} ({claim.filing_indicator}), "
        f"dx {dx or '-'}"
    ]
    for line in claim.lines:
        modifiers = ":".join(line.modifiers)
        code = f"{line.procedure_code}{':' + modifiers if modifiers else ''}"
        units = line.units.normalize() if line.units is not None else "?"
        lines.append(f"    {line.line_number}. {code} x{units} {line.charge}")
    if claim.charge_mismatch:
        lines.append(f"  warning: {claim.charge_mismatch}")
    return lines


__all__ = ["register", "run_read", "summarise"]
