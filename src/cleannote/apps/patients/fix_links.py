"""Which chart screen fixes a scrub finding, by rule id: the one map (ADR 0502).

A finding about the coverage, the subscriber, the case's accident details or the patient's own
record is fixed on the chart, not on the note or the claim. The note page and the claim pages
link each such finding here, so a person who meets it is one click from the screen that fixes
it. Rules whose fix is elsewhere (a block's minutes, a modifier, the clinic's settings) map to
nothing. Prefixes are matched longest first; an exact id wins over its family.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.urls import reverse
from django.utils.http import urlencode

from cleannote.rules.beneficiary_notices import notice_offer_of


class ChartScreen(StrEnum):
    DETAILS = "details"  # demographics: name, birth date, sex, address
    COVERAGE = "coverage"  # the coverage billed: subscriber, member id, Medicare's MSP type
    COVERAGE_ORDER = "coverage_order"  # which coverage pays first
    COVERAGES = "coverages"  # add a coverage (a carrier the case lacks)
    CASE = "case"  # the case: accident or work-injury details, claim number, dates
    REFERRALS = "referrals"  # the case's referrals and authorizations: renew, correct (ADR 0521)
    DIAGNOSES = "diagnoses"  # the case's diagnoses: correct, reorder, onset dates
    PLAN = "plan"  # the plan of care: write, revise, send, record certification
    NOTICES = "notices"  # the intake app's ABNs: offer one, see what the patient chose


# rule id (or family prefix ending in ".") -> the screen that fixes it
CHART_SCREEN_OF_RULE: dict[str, ChartScreen] = {
    # The patient and the subscriber (checks_patient.py; format.relationship).
    "patient.self-mismatch": ChartScreen.COVERAGE,
    "patient.not-subscriber": ChartScreen.COVERAGE,
    "patient.minor-subscriber": ChartScreen.COVERAGE,
    "patient.dependent-age": ChartScreen.COVERAGE,
    "format.relationship": ChartScreen.COVERAGE,
    "format.patient-address": ChartScreen.DETAILS,
    # Accident and work-injury details on the case (checks_payer.py, checks_claim_data.py).
    "payer.accident-details": ChartScreen.CASE,
    "payer.claim-number-missing": ChartScreen.CASE,
    "payer.wc-not-employment": ChartScreen.CASE,
    "format.accident-state": ChartScreen.CASE,
    "date.after-service": ChartScreen.CASE,
    # Who pays first (coordination of benefits, ADR 0500).
    "payer.auto-primary": ChartScreen.COVERAGES,
    "payer.auto-primary-check": ChartScreen.COVERAGES,
    "msp.accident-medicare-first": ChartScreen.COVERAGE_ORDER,
    "msp.type-contradicts-case": ChartScreen.COVERAGE,
    "msp.type-not-medicare": ChartScreen.COVERAGE,
    "format.payer-not-billable": ChartScreen.COVERAGES,
    # The order, its window and its limits (checks_referral.py, checks_dates.py, checks_chart.py).
    "referral.": ChartScreen.REFERRALS,
    "auth.": ChartScreen.REFERRALS,
    # The case's diagnoses (checks_diagnoses.py, checks_chart.py); dx.block-side-missing and
    # dx.pointer are fixed on the note's block or the claim line.
    "dx.none": ChartScreen.DIAGNOSES,
    "dx.invalid": ChartScreen.DIAGNOSES,
    "dx.seventh-character": ChartScreen.DIAGNOSES,
    "dx.retired": ChartScreen.DIAGNOSES,
    "dx.excludes1": ChartScreen.DIAGNOSES,
    "dx.laterality": ChartScreen.DIAGNOSES,
    "dx.referral-mismatch": ChartScreen.DIAGNOSES,
    "dx.onset-after-service": ChartScreen.DIAGNOSES,
    # The plan and its certification; the progress report is written in the note.
    "poc.missing": ChartScreen.PLAN,
    "poc.certification-pending": ChartScreen.PLAN,
    "poc.not-certified": ChartScreen.PLAN,
    "poc.certification-lapsed": ChartScreen.PLAN,
    "poc.after-service": ChartScreen.PLAN,
    "poc.certification-late": ChartScreen.PLAN,
    "poc.delayed-incomplete": ChartScreen.PLAN,
    "poc.signed-order-unmet": ChartScreen.PLAN,
    "poc.recertification-due": ChartScreen.PLAN,
    # Advance Beneficiary Notices (checks_payer.py, ADR 0960): offered from the intake panel.
    "medicare.abn-missing": ChartScreen.NOTICES,
    "medicare.abn-do-not-bill": ChartScreen.NOTICES,
    "medicare.abn-declined": ChartScreen.NOTICES,
}
# A 999/277CA rejection (not a scrub rule), by the part of the record its status and entity
# codes point at (`claims.ClaimRejection.rule`, ADR 0702): the member id and the subscriber are
# on the coverage, a wrong payer is fixed by choosing the coverage, a diagnosis on the case.
CHART_SCREEN_OF_REJECTION: dict[str, ChartScreen] = {
    "ack.patient": ChartScreen.COVERAGE,
    "ack.payer": ChartScreen.COVERAGES,
    "ack.diagnosis": ChartScreen.DIAGNOSES,
}
_CASE_SCREENS = {
    ChartScreen.REFERRALS: "patients:referrals",
    ChartScreen.DIAGNOSES: "patients:diagnoses",
    ChartScreen.PLAN: "patients:plan",
}

LINK_TEXT = {
    ChartScreen.DETAILS: "Fix the patient's details",
    ChartScreen.COVERAGE: "Fix the coverage",
    ChartScreen.COVERAGE_ORDER: "Change the order of the coverages",
    ChartScreen.COVERAGES: "Add or choose the coverage",
    ChartScreen.CASE: "Fix the case",
    ChartScreen.REFERRALS: "Renew or correct the referral",
    ChartScreen.DIAGNOSES: "Correct the diagnoses",
    ChartScreen.PLAN: "Open the plan of care",
    ChartScreen.NOTICES: "Offer or review the patient's ABN",
}


@dataclass(frozen=True, slots=True)
class FixLink:
    url: str
    text: str


def chart_screen(rule: str) -> ChartScreen | None:
    if rule in CHART_SCREEN_OF_REJECTION:
        return CHART_SCREEN_OF_REJECTION[rule]
    if rule in CHART_SCREEN_OF_RULE:
        return CHART_SCREEN_OF_RULE[rule]
    families = [p for p in CHART_SCREEN_OF_RULE if p.endswith(".") and rule.startswith(p)]
    return CHART_SCREEN_OF_RULE[max(families, key=len)] if families else None


def chart_fix_link(
    rule: str,
    *,
    patient_id: int,
    case_id: int | None = None,
    coverage_id: int | None = None,
    message: str = "",
) -> FixLink | None:
    """The chart screen that fixes a finding of `rule` for this patient (and the case and
    coverage the visit or claim used); None when the fix is not on the chart. A
    `medicare.abn-missing` finding's `message` names the service and the case: its link opens
    the ABN's offer with the code and the patient's reason filled in (ADR 0961)."""
    screen = chart_screen(rule)
    if screen is None:
        return None
    offer = notice_offer_of(message) if rule == "medicare.abn-missing" else None
    if offer is not None:
        # The intake app's page (above patients): named by its URL, never imported.
        url = reverse("intake:offer_notice", args=[patient_id])
        query = urlencode({"codes": offer.code, "reason": offer.reason})
        return FixLink(f"{url}?{query}", f"Offer the patient an ABN for {offer.code}")
    return screen_link(screen, patient_id=patient_id, case_id=case_id, coverage_id=coverage_id)


def screen_link(
    screen: ChartScreen,
    *,
    patient_id: int,
    case_id: int | None = None,
    coverage_id: int | None = None,
) -> FixLink:
    """The link to one chart screen for this patient (and case and coverage)."""
    if screen is ChartScreen.DETAILS:
        url = reverse("patients:edit_details", args=[patient_id])
    elif screen is ChartScreen.COVERAGE and coverage_id is not None:
        url = reverse("patients:edit_coverage", args=[patient_id, coverage_id])
    elif screen is ChartScreen.COVERAGE_ORDER:
        url = reverse("patients:reorder_coverages", args=[patient_id])
    elif screen is ChartScreen.CASE and case_id is not None:
        url = reverse("patients:edit_case", args=[patient_id, case_id])
    elif screen is ChartScreen.COVERAGES:
        url = reverse("patients:add_coverage", args=[patient_id])
    elif screen is ChartScreen.NOTICES:
        # The intake app's page (above patients): named by its URL, never imported.
        url = reverse("intake:panel", args=[patient_id])
    elif screen in _CASE_SCREENS and case_id is not None:
        url = reverse(_CASE_SCREENS[screen], args=[patient_id, case_id])
    else:
        url = reverse("patients:chart", args=[patient_id]) + f"#{screen.value}"
    return FixLink(url, LINK_TEXT[screen])
