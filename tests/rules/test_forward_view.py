"""The forward compliance view (rules/forward_view.py, ADR 0620): flags per booked visit, worked
on CMS's rules (every 10 treatment days, 90-day certification, the year's KX and $3,000 review
amounts per bucket) and the chart's own limits (authorized visits, referral window, PIP)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.forward_view import (
    BookedVisit,
    CaseFacts,
    FlagKind,
    PatientFacts,
    PlanWindow,
    ReferralWindow,
    Remedy,
    UnitAllowance,
    expected_units,
    forward_flags,
    last_report_day,
    progress_report_due,
    threshold_message,
    thresholds_passed,
    type_plans_report,
)
from cleannote.rules.thresholds import TherapyBucket
from cleannote.rules.visit import Discipline

D = dt.date
MON = D(2026, 12, 7)


def _days(start: D, count: int, reports: tuple[int, ...] = ()) -> tuple[tuple[D, bool], ...]:
    """`count` signed treatment days, one a day from `start`; the 1-based `reports` are
    progress reports."""
    return tuple((start + dt.timedelta(days=i), i + 1 in reports) for i in range(count))


def _booked(count: int, case: str = "pt", start: D = MON, **kw: object) -> list[BookedVisit]:
    return [
        BookedVisit(f"{case}{i + 1}", case, start + dt.timedelta(days=i), **kw)  # type: ignore[arg-type]
        for i in range(count)
    ]


def _kinds(flags: dict[object, tuple[object, ...]]) -> dict[object, list[str]]:
    return {key: [f.kind.value for f in fs] for key, fs in flags.items()}  # type: ignore[attr-defined]


def _one_case(case: CaseFacts, visits: list[BookedVisit], **kw: object) -> dict[object, list[str]]:
    patient = PatientFacts(cases=(case,), ytd_year=2026, **kw)  # type: ignore[arg-type]
    return _kinds(forward_flags(patient, visits))


@pytest.mark.parametrize(
    ("treatment_day", "last", "due"),
    [(9, None, False), (10, None, True), (10, 1, False), (11, 1, True), (19, 10, False)],
)
def test_progress_report_due_every_tenth_treatment_day(
    treatment_day: int, last: int | None, due: bool
) -> None:
    assert progress_report_due(treatment_day, last, 10) is due


def test_last_report_day_counts_one_treatment_day_per_date() -> None:
    rows = [(D(2026, 11, 2), False), (D(2026, 11, 2), True), (D(2026, 11, 4), False)]
    assert last_report_day(rows) == (2, 1)


# (signed days since the episode began, which of them were reports, booked visits, planned
# report on booked visit n, the booked visits flagged)
PROGRESS_CASES = [
    ("day 10 is the 3rd booked", 7, (), 3, None, ["pt3"]),
    ("day 10 is the 3rd, planned as the report", 7, (), 3, 3, []),
    ("planned earlier restarts the count", 7, (), 5, 2, []),
    ("report on day 5, day 15 the 8th booked", 7, (5,), 8, None, ["pt8"]),
    ("not yet due in the window", 2, (), 5, None, []),
    ("past due already: the first booked visit", 12, (), 2, None, ["pt1"]),
    ("a second report falls due ten days later", 0, (), 20, None, ["pt10", "pt20"]),
]


@pytest.mark.parametrize(
    ("signed", "reports", "booked", "planned", "flagged"),
    [c[1:] for c in PROGRESS_CASES],
    ids=[c[0] for c in PROGRESS_CASES],
)
def test_progress_report_flags(
    signed: int, reports: tuple[int, ...], booked: int, planned: int | None, flagged: list[str]
) -> None:
    case = CaseFacts(
        "pt",
        Discipline.PT,
        signed_days=_days(D(2026, 11, 1), signed, reports),
        progress_report_every=10,
    )
    visits = [
        BookedVisit(v.key, v.case_key, v.date, plans_report=(i + 1 == planned))
        for i, v in enumerate(_booked(booked))
    ]
    found = _one_case(case, visits)
    assert sorted(k for k, kinds in found.items() if "progress-report" in kinds) == sorted(flagged)


def test_progress_report_flag_says_what_to_do() -> None:
    case = CaseFacts(
        "pt", Discipline.PT, signed_days=_days(D(2026, 11, 1), 9), progress_report_every=10
    )
    patient = PatientFacts(cases=(case,), ytd_year=2026)
    (flag,) = forward_flags(patient, _booked(1))["pt1"]
    assert flag.kind is FlagKind.PROGRESS_REPORT
    assert flag.severity is Severity.ERROR
    assert flag.remedy is Remedy.PLAN_PROGRESS_REPORT
    assert flag.triggers_on == MON
    assert flag.id == "progress-report:pt:2026-12-07"
    assert "Treatment day 10" in flag.message


def test_no_progress_report_rule_for_a_payer_without_one() -> None:
    case = CaseFacts("pt", Discipline.PT, signed_days=_days(D(2026, 11, 1), 9))
    assert _one_case(case, _booked(3)) == {}


def test_a_booked_visit_on_a_signed_day_is_not_a_second_treatment_day() -> None:
    signed = _days(D(2026, 11, 20), 9)
    case = CaseFacts("pt", Discipline.PT, signed_days=signed, progress_report_every=10)
    same_day = BookedVisit("today", "pt", signed[-1][0])
    assert _one_case(case, [same_day, *_booked(1)]) == {"pt1": ["progress-report"]}


# Plan started 2026-09-10: day 90 is 2026-12-08, day 91 2026-12-09.
PLAN_CASES = [
    ("inside the 90 days", D(2027, 1, 31), D(2026, 12, 8), []),
    ("day 91", D(2027, 1, 31), D(2026, 12, 9), ["recertify"]),
    ("after the plan's end", D(2026, 12, 7), D(2026, 12, 8), ["plan-ended"]),
    ("on the plan's last day", D(2026, 12, 8), D(2026, 12, 8), []),
]


@pytest.mark.parametrize(
    ("through", "day", "kinds"), [c[1:] for c in PLAN_CASES], ids=[c[0] for c in PLAN_CASES]
)
def test_plan_of_care_flags(through: D, day: D, kinds: list[str]) -> None:
    case = CaseFacts(
        "pt",
        Discipline.PT,
        certification_required=True,
        plans=(PlanWindow(D(2026, 9, 10), through),),
    )
    assert _one_case(case, [BookedVisit("v", "pt", day)]).get("v", []) == kinds


def test_a_recertified_plan_replaces_the_old_one() -> None:
    plans = (PlanWindow(D(2026, 9, 10), D(2026, 12, 8)), PlanWindow(D(2026, 12, 9), D(2027, 3, 8)))
    case = CaseFacts("pt", Discipline.PT, certification_required=True, plans=plans)
    assert _one_case(case, [BookedVisit("v", "pt", D(2026, 12, 10))]) == {}


def test_no_plan_flags_when_the_payer_needs_no_certification() -> None:
    case = CaseFacts("pt", Discipline.PT, plans=(PlanWindow(D(2026, 1, 1), D(2026, 2, 1)),))
    assert _one_case(case, _booked(1)) == {}


REFERRAL_CASES = [
    (
        "12 authorized, 11 used: the 2nd booked",
        ReferralWindow(D(2026, 10, 1), None, 12, 11),
        3,
        ["v2", "v3"],
    ),
    ("enough visits", ReferralWindow(D(2026, 10, 1), None, 12, 5), 3, []),
    ("no visit limit", ReferralWindow(D(2026, 10, 1), None, None, 40), 3, []),
]


@pytest.mark.parametrize(
    ("referral", "booked", "flagged"),
    [c[1:] for c in REFERRAL_CASES],
    ids=[c[0] for c in REFERRAL_CASES],
)
def test_authorized_visits(referral: ReferralWindow, booked: int, flagged: list[str]) -> None:
    case = CaseFacts("v", Discipline.PT, referrals=(referral,))
    found = _one_case(case, _booked(booked, case="v"))
    assert sorted(found) == flagged
    assert all(kinds == ["authorization-visits"] for kinds in found.values())


@pytest.mark.parametrize(
    ("recent", "expected"),
    [
        ((), (0, 0)),
        ((3,), (3, 1)),
        ((2, 3), (3, 2)),  # the median 2.5, rounded half up
        ((2, 3, 2, 2, 3), (2, 5)),
        ((4, 4, 1, 2, 3, 2, 2, 3), (2, 5)),  # the last 5 only: 2, 2, 2, 3, 3
        ((0, 0, 2), (0, 3)),  # most visits billed none of the group's codes
        ((1, 8, 2), (2, 3)),  # one long visit does not move the median
    ],
)
def test_expected_units_is_the_median_of_the_last_five_visits(
    recent: tuple[int, ...], expected: tuple[int, int]
) -> None:
    assert expected_units(recent) == expected


UNIT_CASES = [
    # 97110 x 24: 18 used, 2 a visit: 20, 22, 24, 26 -> the 4th booked visit and after
    ("97110 x 24, 18 used, 2 a visit", 24, 18, (2, 3, 2, 2, 3), 5, ["u4", "u5"]),
    ("exactly used up is not over", 24, 18, (2, 2, 2), 3, []),
    ("already over: every booked visit", 24, 25, (2,), 2, ["u1", "u2"]),
    ("no history: no forecast", 24, 0, (), 5, []),
    ("visits billing none of the codes", 24, 23, (0, 0, 1), 3, []),
]


@pytest.mark.parametrize(
    ("units", "used", "recent", "booked", "flagged"),
    [c[1:] for c in UNIT_CASES],
    ids=[c[0] for c in UNIT_CASES],
)
def test_authorized_units(
    units: int, used: int, recent: tuple[int, ...], booked: int, flagged: list[str]
) -> None:
    # given a referral whose 97110 group allows `units`, with no visit limit
    group = UnitAllowance("97110", units, used, recent)
    case = CaseFacts(
        "u", Discipline.PT, referrals=(ReferralWindow(D(2026, 10, 1), None, None, 0, (group,)),)
    )
    # when `booked` visits are booked ahead
    found = _one_case(case, _booked(booked, case="u"))
    # then the visits past the units are flagged, and only those
    assert sorted(found) == flagged
    assert all(kinds == ["authorization-units"] for kinds in found.values())


def test_authorized_units_flag_says_the_estimate_and_what_to_do() -> None:
    group = UnitAllowance("97110", 24, 18, (2, 3, 2, 2, 3))
    case = CaseFacts(
        "u", Discipline.PT, referrals=(ReferralWindow(D(2026, 10, 1), None, None, 0, (group,)),)
    )
    patient = PatientFacts(cases=(case,), ytd_year=2026)
    flag = forward_flags(patient, _booked(4, case="u"))["u4"][0]
    assert flag.message == (
        "About 26 of 24 authorized units of 97110: 18 used, and a visit is expected to bill 2 "
        "(the median of the last 5 signed visits)."
    )
    assert flag.remedy is Remedy.REQUEST_AUTHORIZATION
    assert flag.severity is Severity.ERROR
    assert flag.label == "Authorized units exceeded"


def test_two_appointments_on_one_day_are_one_visit_of_units() -> None:
    group = UnitAllowance("97110", 4, 0, (2,))
    case = CaseFacts(
        "u", Discipline.PT, referrals=(ReferralWindow(D(2026, 10, 1), None, None, 0, (group,)),)
    )
    visits = [
        BookedVisit("a", "u", MON),
        BookedVisit("b", "u", MON),
        BookedVisit("c", "u", MON + dt.timedelta(days=1)),
        BookedVisit("d", "u", MON + dt.timedelta(days=2)),
    ]
    assert _one_case(case, visits) == {"d": ["authorization-units"]}


def test_units_and_visits_are_flagged_apart() -> None:
    group = UnitAllowance("Therapeutic exercise", 6, 4, (2,))
    referral = ReferralWindow(D(2026, 10, 1), None, 3, 2, (group,))
    case = CaseFacts("u", Discipline.PT, referrals=(referral,))
    assert _one_case(case, _booked(2, case="u")) == {
        "u2": ["authorization-units", "authorization-visits"]
    }


@pytest.mark.parametrize(
    ("start", "expires", "day", "kinds"),
    [
        (D(2026, 10, 1), D(2026, 12, 31), D(2026, 12, 31), []),
        (D(2026, 10, 1), D(2026, 12, 31), D(2027, 1, 1), ["referral-window"]),
        (D(2026, 12, 10), None, D(2026, 12, 9), ["referral-window"]),
    ],
)
def test_referral_window(start: D, expires: D | None, day: D, kinds: list[str]) -> None:
    case = CaseFacts("pt", Discipline.PT, referrals=(ReferralWindow(start, expires),))
    assert _one_case(case, [BookedVisit("v", "pt", day)]).get("v", []) == kinds


# (discipline, bucket so far, charge per visit, booked visits, expected {visit: kinds}); 2026:
# KX $2,480 (CY2026 PFS), targeted review $3,000 (BBA 2018 §50202).
THRESHOLD_CASES = [
    ("crosses KX on the 1st", Discipline.PT, "2400", "100", 2, {"pt1": ["kx-threshold"]}),
    ("reaches KX exactly: not past it", Discipline.PT, "2380", "100", 1, {}),
    ("KX on the 2nd", Discipline.PT, "2300", "100", 3, {"pt2": ["kx-threshold"]}),
    ("review on the 3rd", Discipline.PT, "2750", "100", 3, {"pt3": ["targeted-review"]}),
    ("SLP shares PT's bucket", Discipline.SLP, "2400", "100", 1, {"pt1": ["kx-threshold"]}),
    ("OT's own bucket is empty", Discipline.OT, "0", "100", 3, {}),
    ("chiropractic has no bucket", Discipline.CHIRO, "2400", "100", 1, {}),
]


@pytest.mark.parametrize(
    ("discipline", "so_far", "charge", "booked", "expected"),
    [c[1:] for c in THRESHOLD_CASES],
    ids=[c[0] for c in THRESHOLD_CASES],
)
def test_therapy_thresholds(
    discipline: Discipline, so_far: str, charge: str, booked: int, expected: dict[str, list[str]]
) -> None:
    case = CaseFacts("pt", discipline, kx_applies=True, charge_per_visit=Decimal(charge))
    ytd = {TherapyBucket.PT_SLP: Decimal(so_far)}
    assert _one_case(case, _booked(booked), ytd=ytd) == expected


# (year, before, after, kinds passed): the one comparison the forward flags and the
# compliance report's year-so-far rows share (ADR 0802). 2026: KX $2,480, review $3,000.
PASSED_CASES = [
    (2026, "0", "2480.00", []),  # at the amount is not past it
    (2026, "0", "2480.01", ["kx-threshold"]),
    (2026, "0", "3000.01", ["kx-threshold", "targeted-review"]),
    (2026, "2400", "2500", ["kx-threshold"]),
    (2026, "2500", "2600", []),  # already past before: passed at an earlier visit
    (2026, "2900", "3100", ["targeted-review"]),
    (2025, "0", "2450", ["kx-threshold"]),  # 2025's KX is $2,410
    (2027, "0", "3100", ["targeted-review"]),  # no 2027 KX amount on file: none guessed
]


@pytest.mark.parametrize(("year", "before", "after", "kinds"), PASSED_CASES)
def test_thresholds_passed(year: int, before: str, after: str, kinds: list[str]) -> None:
    passed = thresholds_passed(year, Decimal(before), Decimal(after))
    assert [kind.value for kind, _ in passed] == kinds


def test_a_year_so_far_message_names_the_bucket_amount_and_threshold() -> None:
    ((kind, row),) = thresholds_passed(2026, Decimal("0"), Decimal("2612.5"))
    text = threshold_message(kind, TherapyBucket.OT, 2026, Decimal("2612.5"), row, expected=False)
    assert text == (
        "OT therapy is billed $2,612.50 this year, past the 2026 KX threshold of $2,480.00: "
        "its lines need KX."
    )


def test_pt_and_slp_visits_add_up_in_one_bucket() -> None:
    pt = CaseFacts("pt", Discipline.PT, kx_applies=True, charge_per_visit=Decimal("150"))
    slp = CaseFacts("slp", Discipline.SLP, kx_applies=True, charge_per_visit=Decimal("150"))
    patient = PatientFacts((pt, slp), 2026, {TherapyBucket.PT_SLP: Decimal("2250")})
    visits = [BookedVisit("a", "pt", MON), BookedVisit("b", "slp", MON + dt.timedelta(days=1))]
    assert _kinds(forward_flags(patient, visits)) == {"b": ["kx-threshold"]}


def test_a_new_year_starts_the_bucket_over() -> None:
    case = CaseFacts("pt", Discipline.PT, kx_applies=True, charge_per_visit=Decimal("100"))
    patient = PatientFacts((case,), 2026, {TherapyBucket.PT_SLP: Decimal("2470")})
    january = BookedVisit("jan", "pt", D(2027, 1, 4))
    # 2027 has no KX amount on file yet: nothing is guessed for it.
    assert forward_flags(patient, [january]) == {}


def test_no_money_flag_without_an_expected_charge() -> None:
    case = CaseFacts("pt", Discipline.PT, kx_applies=True, pip_limit=Decimal("10"))
    assert _one_case(case, _booked(2), ytd={TherapyBucket.PT_SLP: Decimal("5000")}) == {}


PIP_CASES = [
    ("limit reached on the 3rd", "10000", "9700", "120", 4, "pt3", Severity.WARNING),
    ("nothing left", "10000", "10000", "120", 2, "pt1", Severity.ERROR),
    ("room for all", "10000", "1000", "120", 4, None, None),
]


@pytest.mark.parametrize(
    ("limit", "used", "charge", "booked", "flagged", "severity"),
    [c[1:] for c in PIP_CASES],
    ids=[c[0] for c in PIP_CASES],
)
def test_pip_medpay_limit(
    limit: str, used: str, charge: str, booked: int, flagged: str | None, severity: Severity | None
) -> None:
    case = CaseFacts(
        "pt",
        Discipline.PT,
        charge_per_visit=Decimal(charge),
        pip_limit=Decimal(limit),
        pip_used=Decimal(used),
    )
    flags = forward_flags(PatientFacts((case,), 2026), _booked(booked))
    if flagged is None:
        assert flags == {}
        return
    assert list(flags) == [flagged]
    (flag,) = flags[flagged]
    assert flag.kind is FlagKind.PIP_LIMIT
    assert flag.severity is severity
    assert flag.remedy is Remedy.REVIEW_CASE_BENEFITS


@pytest.mark.parametrize(
    ("name", "plans"),
    [
        ("Progress report", True),
        ("Re-evaluation", True),
        ("PT reevaluation", True),
        ("Discharge", True),
        ("Follow-up", False),
        ("Evaluation", False),
    ],
)
def test_appointment_types_that_plan_a_report(name: str, plans: bool) -> None:
    assert type_plans_report(name) is plans
