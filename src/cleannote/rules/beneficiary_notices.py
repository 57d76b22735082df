"""Advance Beneficiary Notices (CMS-R-131) and the liability modifiers they decide: GA, GZ, GY.

Medicare lets a provider bill the patient for a service Medicare is expected to deny as not
reasonable and necessary only when the patient signed an ABN before it, naming the service and
choosing option 1 (bill Medicare, and me if Medicare denies). The claim says which case a line
is in (CMS 100-04 Ch.30 §50): GA, a signed notice is on file; GZ, a denial is expected and no
notice was signed (the clinic carries the loss); GY, the service is excluded by statute, so no
notice is needed and the denial lets a secondary payer act.

This module holds the one table of those cases (`LIABILITY_TABLE`) and the pure function that
judges each billed line (`line_liabilities`). The visit carries the notices on file as facts
(`Visit.notices`, filled by the chart from the signed notices); None there means the source
does not say, and then nothing is judged (the biller's own GA/GY stay as asked). ADR 0960.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

import msgspec

from cleannote.rules.catalog import MedicareStatus, Procedure
from cleannote.rules.visit import BeneficiaryNotice, PayerKind, Visit


class NoticeOption(IntEnum):
    """The three options of CMS-R-131 section G, as the patient ticks one."""

    BILL_MEDICARE = 1  # "I want the services listed above. You may ask to be paid now, but I
    # also want Medicare billed for an official decision on payment."
    DO_NOT_BILL = 2  # "I want the services listed above, but do not bill Medicare."
    DECLINED = 3  # "I don't want the services listed above."


NOTICE_OPTION_WORDS = {
    NoticeOption.BILL_MEDICARE: "Option 1: I want the service; bill Medicare, and me if it denies",
    NoticeOption.DO_NOT_BILL: "Option 2: I want the service, but do not bill Medicare",
    NoticeOption.DECLINED: "Option 3: I do not want the service",
}


class Liability(StrEnum):
    """Why a Medicare line is expected not to be paid."""

    STATUTORY = "statutory"
    ABOVE_THRESHOLD = "above-threshold"
    MAINTENANCE = "maintenance"


@dataclass(frozen=True, slots=True)
class LiabilityRow:
    """One case of the table: the modifier with a signed option-1 notice and without one,
    whether the case needs a notice at all, the words a biller reads, the source, and the reason
    the patient reads on the notice (CMS-R-131 box E) when one is offered for it (ADR 0961)."""

    liability: Liability
    with_notice: str
    without_notice: str
    notice_needed: bool
    words: str
    source: str
    patient_reason: str


LIABILITY_TABLE: dict[Liability, LiabilityRow] = {
    row.liability: row
    for row in (
        LiabilityRow(
            Liability.STATUTORY,
            "GY",
            "GY",
            False,
            "not a Medicare benefit (excluded by statute)",
            "CMS 100-04 Ch.30 §50.7 and §90 (GY: statutorily excluded); 100-02 Ch.15 §240 "
            "(98943 non-covered)",
            "Medicare never pays for this service: the law excludes it from Medicare's benefits.",
        ),
        LiabilityRow(
            Liability.ABOVE_THRESHOLD,
            "GA",
            "GZ",
            True,
            "therapy above the KX threshold without documented medical necessity",
            "SSA §1833(g)(7); CMS 100-04 Ch.5 §10.3 (KX attests necessity) and Ch.30 §50 (ABN)",
            "Medicare pays for therapy above this year's threshold only when it is medically "
            "necessary; it may not pay for this service.",
        ),
        LiabilityRow(
            Liability.MAINTENANCE,
            "GA",
            "GZ",
            True,
            "maintenance care (the same parameters as on the last two visits)",
            "CMS 100-02 Ch.15 §220.2 (maintenance vs skilled); 100-04 Ch.30 §50 (ABN)",
            "Medicare may not pay for exercise that maintains function without skilled "
            "progression.",
        ),
    )
}


class LineLiability(msgspec.Struct, frozen=True, gc=False):
    """What the table decided for one line: the case, the option of the notice covering it
    (None: no notice), and the modifier it carries (None when the notice says the line should
    not be on a Medicare claim at all: the scrubber reports it)."""

    liability: Liability | None
    option: int | None
    modifier: str | None


def notice_covering(
    notices: Sequence[BeneficiaryNotice], code: str, visit: Visit
) -> BeneficiaryNotice | None:
    """The newest notice signed on or before the date of service that names `code` and still
    covers the day (no `through`, or `through` on or after it)."""
    on = visit.date_of_service
    found: BeneficiaryNotice | None = None
    for notice in notices:
        if notice.signed_on > on or code not in notice.codes:
            continue
        if notice.through is not None and notice.through < on:
            continue
        if found is None or notice.signed_on >= found.signed_on:
            found = notice
    return found


def line_liabilities(
    visit: Visit,
    codes: Sequence[str],
    units: Sequence[int],
    procedures: Sequence[Procedure | None],
    *,
    threshold_lines: Collection[int],
    unprogressed: Collection[int],
) -> dict[int, LineLiability]:
    """The liability decision for each billed line of a Medicare visit whose notices are known.

    `threshold_lines` are the lines past the KX threshold; one of them without a justification
    (the documented necessity KX would attest) is expected to be denied. `unprogressed` are the
    maintenance lines (`rules.progression`). A line no case applies to but that a signed
    option-1 notice names still carries GA: the patient agreed to pay if Medicare denies.
    """
    notices = visit.notices
    if notices is None or visit.payer.kind is not PayerKind.MEDICARE:
        return {}
    services = visit.services
    found: dict[int, LineLiability] = {}
    for index, code in enumerate(codes):
        if units[index] <= 0:
            continue
        procedure = procedures[index]
        case: Liability | None = None
        if procedure is not None and procedure.medicare_status is MedicareStatus.NON_COVERED:
            case = Liability.STATUTORY
        elif index in threshold_lines and not services[index].justification:
            case = Liability.ABOVE_THRESHOLD
        elif index in unprogressed:
            case = Liability.MAINTENANCE
        notice = notice_covering(notices, code, visit)
        option = None if notice is None else notice.option
        if case is None:
            if option == NoticeOption.BILL_MEDICARE:
                found[index] = LineLiability(None, option, "GA")
            continue
        row = LIABILITY_TABLE[case]
        if not row.notice_needed:
            found[index] = LineLiability(case, option, row.with_notice)
        elif option is None:
            found[index] = LineLiability(case, None, row.without_notice)
        elif option == NoticeOption.BILL_MEDICARE:
            found[index] = LineLiability(case, option, row.with_notice)
        else:
            found[index] = LineLiability(case, option, None)
    return found


def missing_notice_message(code: str, liability: Liability | None) -> str:
    """The scrubber's words for a line billed with GZ (`medicare.abn-missing`); the chart's
    offer of a notice reads the code and the case back with `notice_offer_of`."""
    words = LIABILITY_TABLE[liability].words if liability else "not covered"
    return (
        f"{code} is expected to be denied ({words}) and no signed ABN covers it: billed with "
        "GZ, the patient cannot be charged."
    )


@dataclass(frozen=True, slots=True)
class NoticeOffer:
    """What an ABN offered from a `medicare.abn-missing` finding starts with (ADR 0961)."""

    code: str
    reason: str


def notice_offer_of(message: str) -> NoticeOffer | None:
    """The code and the patient's reason of a `missing_notice_message`, or None when the text
    is not one (a finding stored before the words changed reads as no prefill)."""
    code, _, rest = (message or "").partition(" is expected to be denied (")
    if not code or not rest or not code.isalnum() or len(code) != 5:
        return None
    for row in LIABILITY_TABLE.values():
        if rest.startswith(f"{row.words})"):
            return NoticeOffer(code.upper(), row.patient_reason)
    return None


def liability_reason(line: LineLiability) -> str:
    """Why the line carries its liability modifier, for the biller."""
    if line.liability is None:
        return "GA: the patient signed an ABN (option 1) naming this service"
    row = LIABILITY_TABLE[line.liability]
    if line.modifier == "GY":
        return f"GY: {row.words}"
    if line.modifier == "GA":
        return f"GA: expected denial ({row.words}); the patient signed an ABN (option 1)"
    if line.modifier == "GZ":
        return f"GZ: expected denial ({row.words}) and no signed ABN covers it"
    return f"no liability modifier: the patient's ABN chose option {line.option}"
