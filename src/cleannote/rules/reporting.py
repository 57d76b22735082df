"""What every figure on the reports means, and the arithmetic that turns counts into figures.

The reports app counts rows in the database (sums and counts grouped per clinician, location
or payer); everything after the counting is here, pure, so a figure has one definition that
the page, the CSV, the dashboard and the tests share. A ratio with nothing to divide by is
None ("no data"), never zero: a clinician with no booked visits has no cancellation rate.

The modifier-59 finding's rule (ADR 0801): a clinician is flagged when their share of lines
carrying 59 or an X modifier is above the rest of the clinic's share by more than
`OUTLIER_MARGIN` (percentage points) and more than `OUTLIER_RATIO` times it, with at least
`OUTLIER_MIN_LINES` lines of their own, so a handful of claims never makes a finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# CMS's NCCI-associated modifiers: 59 and its four more specific X subsets (MLN1783722).
DISTINCT_SERVICE_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})

OUTLIER_MIN_LINES = 20
OUTLIER_MARGIN = Decimal("10")  # percentage points above the rest of the clinic
OUTLIER_RATIO = Decimal("2")  # and at least twice the rest's share

FULL_TIME_HOURS = Decimal("40")  # the week of one full-time equivalent
AR_OVER_DAYS = 90


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str


def _figures(*rows: tuple[str, str, str]) -> dict[str, Figure]:
    return {key: Figure(key, label, text) for key, label, text in rows}


# One definition per figure, shown under every report that prints it.
FIGURES: dict[str, Figure] = _figures(
    (
        "visits",
        "Visits",
        "Signed treatment notes with a date of service in the period (evaluations, daily "
        "notes, re-evaluations, progress reports and discharge visits; RTM billing notes are "
        "not visits). A draft is not a visit until it is signed.",
    ),
    (
        "days_worked",
        "Days worked",
        "Distinct dates of service on which the clinician has at least one visit.",
    ),
    ("visits_per_day", "Visits per day", "Visits divided by days worked."),
    (
        "fte",
        "FTE",
        "The clinician's weekly working hours on the schedule divided by a 40-hour week; "
        "blank when no hours are set.",
    ),
    (
        "visits_per_fte_week",
        "Visits per FTE-week",
        "Visits divided by FTE and by the weeks in the period (days in the period / 7).",
    ),
    (
        "units_per_visit",
        "Units per visit",
        "Units on the visits' primary claims (first claim billed from the note, not voided) "
        "divided by the visits that have one. A unit is a billed service unit on a claim "
        "line: 15 minutes of a timed code, or one untimed service.",
    ),
    (
        "timed_units_per_visit",
        "Timed units per visit",
        "As units per visit, counting only codes billed by time (the 8-minute rule's codes).",
    ),
    (
        "evaluations",
        "Evaluations",
        "Signed evaluation and re-evaluation notes in the period.",
    ),
    (
        "visits_per_discharged_case",
        "Visits per discharged case",
        "For cases discharged in the period, all their visits (whenever given) divided by "
        "the number of those cases. Closed cases that were not discharged are left out.",
    ),
    (
        "cancellation_rate",
        "Cancellation rate",
        "Appointments in the period cancelled (by the patient, late, or by the clinic) "
        "divided by all appointments booked for the period.",
    ),
    (
        "no_show_rate",
        "No-show rate",
        "Appointments marked no-show divided by all appointments booked for the period.",
    ),
    (
        "arrived_to_booked",
        "Arrived to booked",
        "Appointments where the patient arrived (arrived or checked out) divided by all "
        "appointments booked for the period, cancellations included.",
    ),
    (
        "signed_same_day",
        "Signed on the day",
        "Share of visits whose note was signed on the date of service (clinic time). The "
        "visit is taken to end on its date of service: a note has no stamped end time.",
    ),
    (
        "signed_within_24h",
        "Signed within 24 h",
        "Share of visits signed by the end of the day after the date of service.",
    ),
    (
        "unsigned_24h",
        "Unsigned after 24 h",
        "Draft treatment notes whose date of service ended more than 24 hours ago (dated "
        "two or more days before the end of the period).",
    ),
    (
        "unsigned_72h",
        "Unsigned after 72 h",
        "Draft treatment notes whose date of service ended more than 72 hours ago.",
    ),
    (
        "documentation_hours",
        "Documentation hours",
        "Hours from opening each signed note to signing it, summed. A note counts from when "
        "it was started, so one left open overnight shows as long documentation; a note "
        "entered after the fact with an earlier signature time counts none.",
    ),
    (
        "notes_per_hour",
        "Notes per documentation hour",
        "Signed notes divided by documentation hours.",
    ),
    (
        "charges",
        "Charges",
        "The clinic's charges on those claims (its fee per unit times the units), in dollars.",
    ),
    (
        "payments",
        "Payments",
        "What the payer paid on those claims, as posted from its 835 or keyed in.",
    ),
    (
        "contractual_adjustments",
        "Contractual adjustments",
        "Adjustments in group CO (contractual obligation: the part of the charge the contract "
        "says the clinic may not collect) on those claims.",
    ),
    (
        "other_adjustments",
        "Other adjustments",
        "Adjustments in the other groups: PR (the patient's share: deductible, "
        "coinsurance, copay), OA and PI.",
    ),
    (
        "net_collection_rate",
        "Net collection rate",
        "On the claims the payer has answered: payments divided by charges less contractual "
        "adjustments. What was collected of what could be.",
    ),
    (
        "ar_balance",
        "A/R today",
        "What the payer still owes today on open claims (sent and not settled, or denied and "
        "being worked), whatever their date: charges less payments and, except on a denial "
        "being worked, adjustments. The A/R aging page's rule.",
    ),
    (
        "ar_over_90",
        "A/R over 90 days",
        "The part of A/R on claims first sent (or, never sent, dated) more than 90 days ago.",
    ),
    (
        "days_in_ar",
        "Days in A/R",
        "A/R today divided by the average day's charges over the period.",
    ),
    (
        "first_pass_rate",
        "First-pass acceptance",
        "Of the claims sent (in a batch, or answered by the payer), the share never "
        "rejected by a 999 or 277CA and never denied.",
    ),
    (
        "denial_rate",
        "Denial rate",
        "Of the claims the payer has answered, the share it denied (a denial opened on the claim).",
    ),
    (
        "paid_per_visit",
        "Paid per visit",
        "Payments divided by the claims the payer has answered (one claim per visit).",
    ),
    (
        "paid_per_unit",
        "Paid per unit",
        "What the payer paid on posted lines of the code divided by the units posted.",
    ),
    (
        "contracted",
        "Contracted rate",
        "The payer's contracted amount per unit in force at the end of the period, from "
        "the fee schedule the clinic loaded for that payer (Claims, Fees); blank without one.",
    ),
    (
        "charge",
        "Clinic charge",
        "The clinic's own fee per unit (its general fee schedule), for reference.",
    ),
    (
        "carc",
        "CARC",
        "Claim adjustment reason code with its group, on denied claims (the patient's share "
        "left out): how many denied claims carry it and the amount adjusted.",
    ),
    (
        "progress_due",
        "Progress report due",
        "Open cases with 9 or more treatment days since the last progress report, "
        "re-evaluation or discharge summary (or since the start): the report is due at the "
        "next visit (Medicare: at least once every 10 treatment days).",
    ),
    (
        "past_certification",
        "Plan of care past certification",
        "Open cases whose current plan of care is certified through a date before today.",
    ),
    (
        "authorization_ending",
        "Authorization ending",
        "A case's current referral or authorization valid through a date in the next 7 days, "
        "or with 3 or fewer authorized visits left (signed visits since it started).",
    ),
    (
        "kx_passed",
        "KX threshold passed",
        "Medicare patients whose PT and SLP charges this year (one amount, counted together) or "
        "OT charges (apart) are above the year's KX threshold, from their claims (charges, "
        "not allowed amounts, so the row comes early, never late), or will be at a visit "
        "booked in the next two weeks at the case's average charge a visit. Their lines need "
        "KX, which attests that the plan and notes document medical necessity.",
    ),
    (
        "targeted_review_passed",
        "Targeted medical review amount passed",
        "The same, past the $3,000 targeted medical review amount: Medicare may choose the "
        "claims for review, so the documentation must stand on its own.",
    ),
    (
        "referral_missing",
        "Referral missing",
        "Open cases with no referral on file.",
    ),
    (
        "claims",
        "Claims",
        "Primary claims (billed from a signed note, not voided) with a date of service in "
        "the period.",
    ),
    (
        "lines",
        "Lines",
        "Service lines on those claims.",
    ),
    (
        "claims_59_share",
        "Claims with 59/X",
        "Share of claims with at least one line carrying 59, XE, XS, XP or XU.",
    ),
    (
        "lines_59_share",
        "Lines with 59/X",
        "Share of lines carrying 59, XE, XS, XP or XU.",
    ),
    (
        "rest_lines_59_share",
        "Rest of the clinic",
        "The same share of lines for every other clinician in the clinic, under the same "
        "filters: what this clinician is compared with.",
    ),
    (
        "finding",
        "Finding",
        f"Far above the rest: at least {OUTLIER_MIN_LINES} lines, a share more than "
        f"{OUTLIER_MARGIN} percentage points above the rest of the clinic's and more than "
        f"{OUTLIER_RATIO} times it. Review the notes behind the lines: each 59 or X modifier "
        "must be supported by a distinct encounter, structure, practitioner or time.",
    ),
)


def definitions(*keys: str) -> list[Figure]:
    return [FIGURES[key] for key in keys]


def ratio(numerator: int | Decimal, denominator: int | Decimal, places: int = 2) -> Decimal | None:
    """numerator / denominator rounded half up, or None when there is nothing to divide by."""
    if not denominator:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(numerator) / Decimal(denominator)).quantize(quantum, ROUND_HALF_UP)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part as a percentage of whole, to one decimal, or None when whole is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def fte(weekly_hours: Decimal | None) -> Decimal | None:
    """Weekly scheduled hours as full-time equivalents; None when no hours are set."""
    if not weekly_hours:
        return None
    return ratio(weekly_hours, FULL_TIME_HOURS)


def weeks_in(start: dt.date, end: dt.date) -> Decimal:
    """Weeks in the inclusive period [start, end], as days / 7."""
    return Decimal((end - start).days + 1) / 7


def visits_per_fte_week(visits: int, fte_value: Decimal | None, weeks: Decimal) -> Decimal | None:
    if not fte_value or not weeks:
        return None
    return ratio(Decimal(visits), fte_value * weeks)


def hours(seconds: float | Decimal | None) -> Decimal:
    """Seconds as hours to two decimals (a duration summed by the database)."""
    if not seconds:
        return Decimal("0.00")
    return (Decimal(str(seconds)) / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP)


def is_outlier(lines: int, share: Decimal | None, rest_share: Decimal | None) -> bool:
    """The modifier-59 finding: enough lines, and a share far above the rest of the clinic."""
    if lines < OUTLIER_MIN_LINES or share is None:
        return False
    rest = rest_share if rest_share is not None else Decimal(0)
    return share - rest > OUTLIER_MARGIN and share > rest * OUTLIER_RATIO


def has_distinct_service_modifier(modifiers: list[str] | tuple[str, ...]) -> bool:
    return any(m in DISTINCT_SERVICE_MODIFIERS for m in modifiers)


@dataclass(frozen=True)
class Target:
    """A clinic's expectation for one figure: at least or at most `value`."""

    key: str
    value: Decimal
    at_least: bool

    @property
    def text(self) -> str:
        return f"{'at least' if self.at_least else 'at most'} {self.value}"

    def missed_by(self, value: Decimal | int | None) -> bool:
        if value is None:
            return False
        return Decimal(value) < self.value if self.at_least else Decimal(value) > self.value


# The clinic's targets until it sets its own (the targets page, ADR 0802): common
# expectations for a full-time outpatient therapist (ADR 0800): about ten visits a day (fifty
# a full-time week), three to four units a visit, few cancellations and no-shows, notes signed
# the next day at the latest and none left three days; and for the money, 95 % of what could
# be collected and under 40 days in A/R.
DEFAULT_TARGETS: dict[str, Target] = {
    t.key: t
    for t in (
        Target("visits_per_day", Decimal("10"), at_least=True),
        Target("visits_per_fte_week", Decimal("50"), at_least=True),
        Target("units_per_visit", Decimal("3.5"), at_least=True),
        Target("cancellation_rate", Decimal("10"), at_least=False),
        Target("no_show_rate", Decimal("5"), at_least=False),
        Target("arrived_to_booked", Decimal("85"), at_least=True),
        Target("signed_within_24h", Decimal("90"), at_least=True),
        Target("unsigned_72h", Decimal("0"), at_least=False),
        Target("net_collection_rate", Decimal("95"), at_least=True),
        Target("days_in_ar", Decimal("40"), at_least=False),
    )
}

# The largest value a clinic may set for each target (the least is 0); counts are whole.
TARGET_MAXIMUM: dict[str, Decimal] = {
    "visits_per_day": Decimal("60"),
    "visits_per_fte_week": Decimal("300"),
    "units_per_visit": Decimal("20"),
    "cancellation_rate": Decimal("100"),
    "no_show_rate": Decimal("100"),
    "arrived_to_booked": Decimal("100"),
    "signed_within_24h": Decimal("100"),
    "unsigned_72h": Decimal("10000"),
    "net_collection_rate": Decimal("100"),
    "days_in_ar": Decimal("365"),
}
WHOLE_TARGETS = frozenset({"unsigned_72h"})
TARGET_PLACES = 2


class TargetError(ValueError):
    """A target the clinic typed that cannot be kept: `field` is the target's key, the
    message names the figure."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{FIGURES[field].label}: {message}")
        self.field = field
        self.message = message


def parse_target(key: str, text: str) -> Decimal | None:
    """A target as the clinic typed it: blank is None (back to the default), else a number
    from 0 to the figure's maximum, at most two decimals, whole for counts; a % sign on a
    percentage is allowed. Raises TargetError naming the figure."""
    if key not in DEFAULT_TARGETS:
        raise ValueError(f"no target for {key!r}")
    cleaned = text.strip().replace(",", "")
    if key in PERCENT_FIGURES:
        cleaned = cleaned.removesuffix("%").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        raise TargetError(key, "enter a number, e.g. " + str(DEFAULT_TARGETS[key].value)) from None
    if not value.is_finite():
        raise TargetError(key, "enter a number, e.g. " + str(DEFAULT_TARGETS[key].value))
    maximum = TARGET_MAXIMUM[key]
    if value < 0 or value > maximum:
        unit = "%" if key in PERCENT_FIGURES else ""
        raise TargetError(key, f"must be from 0 to {maximum}{unit}")
    if key in WHOLE_TARGETS and value != value.to_integral_value():
        raise TargetError(key, "must be a whole number")
    if value != value.quantize(Decimal(1).scaleb(-TARGET_PLACES), ROUND_HALF_UP):
        raise TargetError(key, f"at most {TARGET_PLACES} decimal places")
    return plain(value)


def plain(value: Decimal) -> Decimal:
    """A target without trailing zeros (12.00 is 12, 3.50 is 3.5), as the page shows it."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def targets_with(*layers: Mapping[str, Decimal]) -> dict[str, Target]:
    """The defaults with each layer's values over them, later layers winning (the clinic's,
    then a location's)."""
    merged = dict(DEFAULT_TARGETS)
    for layer in layers:
        for key, value in layer.items():
            default = DEFAULT_TARGETS.get(key)
            if default is not None:
                merged[key] = Target(key, value, default.at_least)
    return merged


# Figures that are percentages (shown with a % sign; the CSV keeps the bare number).
PERCENT_FIGURES = frozenset(
    {
        "cancellation_rate", "no_show_rate", "arrived_to_booked", "signed_same_day",
        "signed_within_24h", "claims_59_share", "lines_59_share", "rest_lines_59_share",
        "net_collection_rate", "first_pass_rate", "denial_rate",
    }
)  # fmt: skip


def shown(key: str, value: Decimal | int | str | None) -> str:
    """A figure as a page shows it: a dash for no data, a % sign on percentages."""
    if value is None:
        return "—"
    return f"{value}%" if key in PERCENT_FIGURES else str(value)


CENT = Decimal("0.01")


def cents(amount: Decimal | int | None) -> Decimal:
    """A summed amount to the cent (SQLite sums decimals in floating point)."""
    return Decimal(amount or 0).quantize(CENT, ROUND_HALF_UP)


def money_ratio(amount: Decimal | None, count: int | Decimal | None) -> Decimal | None:
    """An amount per visit or per unit, to the cent; None when there is nothing to divide by."""
    if not count or amount is None:
        return None
    return (Decimal(amount) / Decimal(count)).quantize(CENT, ROUND_HALF_UP)


def net_collection_rate(
    payments: Decimal, charges: Decimal, contractual: Decimal
) -> Decimal | None:
    """Payments as a percentage of what could be collected: charges less contractual (CO)
    adjustments, on adjudicated claims."""
    return percent(payments, charges - contractual)


def days_in_ar(balance: Decimal, charges: Decimal, days: int) -> Decimal | None:
    """A/R today divided by the average day's charges over the period, to one decimal."""
    if not charges or not days:
        return None
    return (balance / (charges / days)).quantize(Decimal("0.1"), ROUND_HALF_UP)
