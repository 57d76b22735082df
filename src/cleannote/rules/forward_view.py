"""The forward compliance view: which booked visit will break which limit (ADR 0620).

The shell hands in one patient's chart facts and the booked future visits of each of the
patient's cases; out come flags per visit, computed ahead of time, so the front desk plans the
progress report, recertifies the plan or asks for visits before the patient is in the room.
Pure: no Django, no clock (the caller says which visits are still ahead).

Each flag's chart facts (what a demo or a test sets up to trip it):

- `progress-report` (Medicare, PT/OT/SLP): the case's signed treatment days since the last
  progress report (or re-evaluation or discharge summary) plus the booked visits reach the 10th
  treatment day (`progress_report_due`, the rule the scrubber's `poc.progress-report-due` and the
  note page use) on a visit that is not planned as a report (`BookedVisit.plans_report`: its
  appointment type is a progress report or re-evaluation, or a report note is drafted for it).
  Example: 7 signed daily notes since the evaluation and 3 booked visits: the 3rd is flagged.
- `plan-ended`: a booked visit after the current plan of care's `certified_through`.
- `recertify`: a booked visit on the plan's day 91 or later (and not after its end): a
  certification covers at most 90 days (the scrubber's `poc.recertification-due`).
- `kx-threshold` / `targeted-review` (Medicare): the year's allowed-so-far for the bucket (PT and
  SLP together, OT apart) plus `charge_per_visit` for each booked visit in the bucket crosses the
  year's KX amount (rules/data/thresholds.json) or the $3,000 targeted medical review amount.
  Example (2026, KX $2,480): $2,400 so far, $100 a visit: the first booked visit is flagged.
- `authorization-visits`: visits used on the referral (signed notes) plus the booked visits
  under it exceed its authorized visits. Example: 12 authorized, 11 used: the 2nd booked visit.
- `authorization-units`: per code group of the referral that limits units (97110 x 24), the
  units signed notes used plus the units each booked visit is expected to bill exceed the
  group's units. A booked visit is expected to bill the median units of the group's codes over
  the case's last `RECENT_VISITS` signed visits under the referral (0 where a visit billed none
  of them), rounded half up; no history, no forecast (ADR 0654). Example: 24 units of 97110,
  18 used, the last visits billed 2, 3, 2, 2, 3 units: 2 a visit, so the 4th booked visit
  (18 + 8 = 26) is flagged.
- `referral-window`: a booked visit before the referral's date or after its `expires`.
- `pip-limit` (auto PIP / MedPay coverage): the case's billed charges plus `charge_per_visit`
  per booked visit pass the case's `pip_limit`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.checks_chart import RECERTIFY_EVERY_DAYS
from cleannote.rules.thresholds import (
    TherapyBucket,
    ThresholdKind,
    ThresholdRow,
    bucket_for,
    find_threshold_row,
)
from cleannote.rules.visit import Discipline


class FlagKind(StrEnum):
    PROGRESS_REPORT = "progress-report"
    PLAN_ENDED = "plan-ended"
    RECERTIFY = "recertify"
    KX_THRESHOLD = "kx-threshold"
    TARGETED_REVIEW = "targeted-review"
    AUTHORIZATION_VISITS = "authorization-visits"
    AUTHORIZATION_UNITS = "authorization-units"
    REFERRAL_WINDOW = "referral-window"
    PIP_LIMIT = "pip-limit"


class Remedy(StrEnum):
    """What fixes the flag: the screen a link opens."""

    PLAN_PROGRESS_REPORT = "plan progress report"
    RECERTIFY_PLAN = "recertify plan"
    REQUEST_AUTHORIZATION = "request authorization"
    RENEW_REFERRAL = "renew referral"
    CONFIRM_MEDICAL_NECESSITY = "confirm medical necessity"
    REVIEW_CASE_BENEFITS = "review case benefits"


# The order the attention list shows the kinds in, and each kind's label and remedy.
KIND_LABELS: Mapping[FlagKind, str] = {
    FlagKind.PROGRESS_REPORT: "Progress report due",
    FlagKind.PLAN_ENDED: "After the plan of care ends",
    FlagKind.RECERTIFY: "Recertification due",
    FlagKind.AUTHORIZATION_VISITS: "Authorized visits exceeded",
    FlagKind.AUTHORIZATION_UNITS: "Authorized units exceeded",
    FlagKind.REFERRAL_WINDOW: "Outside the referral's window",
    FlagKind.KX_THRESHOLD: "Crosses the KX threshold",
    FlagKind.TARGETED_REVIEW: "Crosses the targeted review amount",
    FlagKind.PIP_LIMIT: "PIP/MedPay limit exhausted",
}


@dataclass(frozen=True, slots=True)
class Flag:
    kind: FlagKind
    severity: Severity
    message: str
    triggers_on: dt.date
    remedy: Remedy
    case_key: Hashable = None

    @property
    def id(self) -> str:
        """Stable across recomputations: the kind, the case and the date it triggers."""
        return f"{self.kind.value}:{self.case_key}:{self.triggers_on.isoformat()}"

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True, slots=True)
class PlanWindow:
    start: dt.date
    certified_through: dt.date


# How many of the case's latest signed visits the expected units of a booked visit read.
RECENT_VISITS = 5


@dataclass(frozen=True, slots=True)
class UnitAllowance:
    """One code group of an authorization that limits units (`AuthorizedCodeGroup.units`)."""

    label: str
    """What the flag names: the group's label or its codes ("97110")."""
    units: int
    units_used: int = 0
    """Units signed notes billed under it."""
    recent_units: tuple[int, ...] = ()
    """The group's units on each signed visit of the case under the referral, oldest first
    (0 where a visit billed none of its codes)."""


@dataclass(frozen=True, slots=True)
class ReferralWindow:
    start: dt.date
    expires: dt.date | None = None
    authorized_visits: int | None = None
    visits_used: int = 0
    """Signed visits already counted against it."""
    unit_groups: tuple[UnitAllowance, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseFacts:
    key: Hashable
    discipline: Discipline
    signed_days: tuple[tuple[dt.date, bool], ...] = ()
    """Each signed treatment day of the case, with whether a progress report (or a note that
    serves as one) was written that day."""
    progress_report_every: int | None = None
    """The payer's interval in treatment days (Medicare 10); None when it sets none."""
    certification_required: bool = False
    plans: tuple[PlanWindow, ...] = ()
    referrals: tuple[ReferralWindow, ...] = ()
    kx_applies: bool = False
    charge_per_visit: Decimal | None = None
    """What one booked visit is expected to add (None: unknown, no money flag)."""
    pip_limit: Decimal | None = None
    pip_used: Decimal = Decimal("0")


@dataclass(frozen=True, slots=True)
class PatientFacts:
    cases: tuple[CaseFacts, ...]
    ytd_year: int
    ytd: Mapping[TherapyBucket, Decimal] = field(default_factory=dict)
    """Medicare therapy amounts so far in `ytd_year`, per bucket."""


@dataclass(frozen=True, slots=True)
class BookedVisit:
    key: Hashable
    case_key: Hashable
    date: dt.date
    plans_report: bool = False


# Words in an appointment type's name that make the visit a progress report: a progress
# report, a re-evaluation or a discharge summary restarts the count (rules/note_types.py).
_REPORT_WORDS = (
    "progress",
    "re-eval",
    "reeval",
    "re-assess",
    "reassess",
    "re-exam",
    "reexam",
    "discharge",
)


def type_plans_report(type_name: str) -> bool:
    """Whether an appointment type called `type_name` books a visit whose note is a report."""
    name = type_name.casefold()
    return any(word in name for word in _REPORT_WORDS)


def progress_report_due(treatment_day: int, last_report_day: int | None, every: int) -> bool:
    """A visit on `treatment_day` needs to be (or follow) a progress report: `every` treatment
    days since the last one, the first period starting on day 1 (CMS 100-02 Ch.15 §220.3D)."""
    return treatment_day - (last_report_day or 0) >= every


def last_report_day(days: Iterable[tuple[dt.date, bool]]) -> tuple[int, int | None]:
    """(treatment days so far, the day of the last report) over (date, is report) rows, one
    treatment day per date."""
    by_day: dict[dt.date, bool] = {}
    for day, is_report in days:
        by_day[day] = by_day.get(day, False) or is_report
    last: int | None = None
    for index, (_day, is_report) in enumerate(sorted(by_day.items()), start=1):
        if is_report:
            last = index
    return len(by_day), last


def expected_units(recent: Sequence[int]) -> tuple[int, int]:
    """(units a booked visit is expected to bill, how many visits that came from): the median
    of the last `RECENT_VISITS` visits' units, rounded half up; (0, 0) with no history."""
    last = sorted(recent[-RECENT_VISITS:])
    if not last:
        return 0, 0
    middle = len(last) // 2
    doubled = last[middle] * 2 if len(last) % 2 else last[middle - 1] + last[middle]
    return (doubled + 1) // 2, len(last)


def forward_flags(
    patient: PatientFacts, visits: Sequence[BookedVisit]
) -> dict[Hashable, tuple[Flag, ...]]:
    """Flags per booked visit key (visits with none are left out). `visits` are every visit
    still ahead for the patient's cases, in any order: the counts run over all of them."""
    found: dict[Hashable, list[Flag]] = {}
    cases = {c.key: c for c in patient.cases}
    ordered = sorted(visits, key=lambda v: (v.date, str(v.key)))
    for case in patient.cases:
        mine = [v for v in ordered if v.case_key == case.key]
        for visit, flag in _case_flags(case, mine):
            found.setdefault(visit.key, []).append(flag)
    for visit, flag in _threshold_flags(patient, cases, ordered):
        found.setdefault(visit.key, []).append(flag)
    return {key: tuple(flags) for key, flags in found.items()}


def _case_flags(case: CaseFacts, visits: list[BookedVisit]) -> Iterable[tuple[BookedVisit, Flag]]:
    yield from _progress_report(case, visits)
    yield from _plan(case, visits)
    yield from _referral(case, visits)
    yield from _pip(case, visits)


def _flag(
    case: CaseFacts,
    kind: FlagKind,
    severity: Severity,
    day: dt.date,
    message: str,
    remedy: Remedy,
) -> Flag:
    return Flag(kind, severity, message, day, remedy, case.key)


def _progress_report(
    case: CaseFacts, visits: list[BookedVisit]
) -> Iterable[tuple[BookedVisit, Flag]]:
    every = case.progress_report_every
    if every is None:
        return
    signed = {day for day, _ in case.signed_days}
    day, last = last_report_day(case.signed_days)
    seen: set[dt.date] = set()
    for visit in visits:
        if visit.date in signed:
            continue
        if visit.date not in seen:
            seen.add(visit.date)
            day += 1
        if visit.plans_report:
            last = day
        elif progress_report_due(day, last, every):
            yield (
                visit,
                _flag(
                    case,
                    FlagKind.PROGRESS_REPORT,
                    Severity.ERROR,
                    visit.date,
                    f"Treatment day {day}: a progress report is due every {every} treatment "
                    f"days ({f'the last on day {last}' if last else 'none yet this episode'}) "
                    "and none is planned for this visit.",
                    Remedy.PLAN_PROGRESS_REPORT,
                ),
            )
            last = day  # the next report falls due `every` days after this one


def _current_plan(plans: Iterable[PlanWindow], day: dt.date) -> PlanWindow | None:
    started = [p for p in plans if p.start <= day]
    return max(started, key=lambda p: p.start, default=None)


def _plan(case: CaseFacts, visits: list[BookedVisit]) -> Iterable[tuple[BookedVisit, Flag]]:
    if not case.certification_required:
        return
    for visit in visits:
        plan = _current_plan(case.plans, visit.date)
        if plan is None:
            continue
        if visit.date > plan.certified_through:
            yield (
                visit,
                _flag(
                    case,
                    FlagKind.PLAN_ENDED,
                    Severity.ERROR,
                    visit.date,
                    f"After the plan of care's end on {plan.certified_through.isoformat()}.",
                    Remedy.RECERTIFY_PLAN,
                ),
            )
        elif (visit.date - plan.start).days >= RECERTIFY_EVERY_DAYS:
            yield (
                visit,
                _flag(
                    case,
                    FlagKind.RECERTIFY,
                    Severity.ERROR,
                    visit.date,
                    f"Day {(visit.date - plan.start).days + 1} of a plan that started "
                    f"{plan.start.isoformat()}; a certification covers at most "
                    f"{RECERTIFY_EVERY_DAYS} days.",
                    Remedy.RECERTIFY_PLAN,
                ),
            )


def _current_referral(case: CaseFacts, day: dt.date) -> ReferralWindow | None:
    started = [r for r in case.referrals if r.start <= day]
    return max(started, key=lambda r: r.start, default=None)


def _referral(case: CaseFacts, visits: list[BookedVisit]) -> Iterable[tuple[BookedVisit, Flag]]:
    if not case.referrals:
        return
    booked: dict[ReferralWindow, set[dt.date]] = {}
    for visit in visits:
        referral = _current_referral(case, visit.date)
        if referral is None:
            first = min(r.start for r in case.referrals)
            yield (
                visit,
                _flag(
                    case,
                    FlagKind.REFERRAL_WINDOW,
                    Severity.ERROR,
                    visit.date,
                    f"Before the referral's date, {first.isoformat()}.",
                    Remedy.RENEW_REFERRAL,
                ),
            )
            continue
        if referral.expires is not None and visit.date > referral.expires:
            yield (
                visit,
                _flag(
                    case,
                    FlagKind.REFERRAL_WINDOW,
                    Severity.ERROR,
                    visit.date,
                    f"After the referral expired on {referral.expires.isoformat()}.",
                    Remedy.RENEW_REFERRAL,
                ),
            )
            continue
        days = booked.setdefault(referral, set())
        first_that_day = visit.date not in days
        days.add(visit.date)
        if first_that_day:
            yield from _units(case, referral, visit, len(days))
        if referral.authorized_visits is None:
            continue
        number = referral.visits_used + len(days)
        if number > referral.authorized_visits:
            yield (
                visit,
                _flag(
                    case,
                    FlagKind.AUTHORIZATION_VISITS,
                    Severity.ERROR,
                    visit.date,
                    f"Visit {number} of {referral.authorized_visits} authorized.",
                    Remedy.REQUEST_AUTHORIZATION,
                ),
            )


def _units(
    case: CaseFacts, referral: ReferralWindow, visit: BookedVisit, booked: int
) -> Iterable[tuple[BookedVisit, Flag]]:
    """The unit limits `visit`, the `booked`-th visit day under the referral, passes."""
    for group in referral.unit_groups:
        each, basis = expected_units(group.recent_units)
        if each == 0:
            continue
        expected = group.units_used + each * booked
        if expected <= group.units:
            continue
        yield (
            visit,
            _flag(
                case,
                FlagKind.AUTHORIZATION_UNITS,
                Severity.ERROR,
                visit.date,
                f"About {expected} of {group.units} authorized units of {group.label}: "
                f"{group.units_used} used, and a visit is expected to bill {each} (the median "
                f"of the last {basis} signed visit{'s' if basis != 1 else ''}).",
                Remedy.REQUEST_AUTHORIZATION,
            ),
        )


def _pip(case: CaseFacts, visits: list[BookedVisit]) -> Iterable[tuple[BookedVisit, Flag]]:
    if case.pip_limit is None or case.charge_per_visit is None:
        return
    running = case.pip_used
    for visit in visits:
        if running + case.charge_per_visit > case.pip_limit:
            left = max(case.pip_limit - running, Decimal("0"))
            yield (
                visit,
                _flag(
                    case,
                    FlagKind.PIP_LIMIT,
                    Severity.ERROR if left == 0 else Severity.WARNING,
                    visit.date,
                    f"${left:,.2f} left of the ${case.pip_limit:,.2f} PIP/MedPay limit; a "
                    f"visit bills about ${case.charge_per_visit:,.2f}.",
                    Remedy.REVIEW_CASE_BENEFITS,
                ),
            )
            return  # the visits after it are past the limit too; one flag says so
        running += case.charge_per_visit


def _threshold_flags(
    patient: PatientFacts, cases: Mapping[Hashable, CaseFacts], visits: list[BookedVisit]
) -> Iterable[tuple[BookedVisit, Flag]]:
    """KX and targeted review per bucket, booked visits of every case in it adding up."""
    running: dict[tuple[int, TherapyBucket], Decimal] = {
        (patient.ytd_year, bucket): amount for bucket, amount in patient.ytd.items()
    }
    for visit in visits:
        case = cases.get(visit.case_key)
        if case is None or not case.kx_applies or case.charge_per_visit is None:
            continue
        bucket = bucket_for(case.discipline)
        if bucket is None:
            continue
        year = visit.date.year
        before = running.get((year, bucket), Decimal("0"))
        after = before + case.charge_per_visit
        running[(year, bucket)] = after
        for kind, row in thresholds_passed(year, before, after):
            yield (
                visit,
                Flag(
                    kind,
                    Severity.WARNING,
                    threshold_message(kind, bucket, year, after, row, expected=True),
                    visit.date,
                    Remedy.CONFIRM_MEDICAL_NECESSITY,
                    case.key,
                ),
            )


# The Medicare therapy thresholds a bucket's year can pass, in the order they come.
THRESHOLD_KINDS: tuple[tuple[FlagKind, ThresholdKind], ...] = (
    (FlagKind.KX_THRESHOLD, "kx"),
    (FlagKind.TARGETED_REVIEW, "targeted_review"),
)


def thresholds_passed(
    year: int, before: Decimal, after: Decimal
) -> list[tuple[FlagKind, ThresholdRow]]:
    """The thresholds of `year` (KX, targeted medical review) that a bucket's amount passes in
    going from `before` to `after`: `before` at or under the amount, `after` above it. From
    zero, the ones a year's billing has already passed. A year with no amount on file passes
    none (the scrubber reports the KX amount unknown). Example (2026): 2,400 to 2,500 passes
    KX ($2,480); 0 to 3,100 passes both."""
    passed = []
    for kind, threshold_kind in THRESHOLD_KINDS:
        row = find_threshold_row(threshold_kind, year)
        if row is not None and before <= row.amount < after:
            passed.append((kind, row))
    return passed


def threshold_message(
    kind: FlagKind,
    bucket: TherapyBucket,
    year: int,
    amount: Decimal,
    row: ThresholdRow,
    *,
    expected: bool,
) -> str:
    """What passing a threshold means, for a booked visit (`expected`: an estimate) or for the
    year's billing so far."""
    name = "PT and SLP" if bucket is TherapyBucket.PT_SLP else "OT"
    reach = f"reaches about ${amount:,.2f}" if expected else f"is billed ${amount:,.2f}"
    if kind is FlagKind.KX_THRESHOLD:
        return (
            f"{name} therapy {reach} this year, past the {year} KX threshold of "
            f"${row.amount:,.2f}: its lines need KX."
        )
    return (
        f"{name} therapy {reach} this year, past the ${row.amount:,.2f} targeted medical "
        "review amount."
    )
