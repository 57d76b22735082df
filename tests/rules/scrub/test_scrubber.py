"""The whole scrubber: a documented visit in, the claim lines and findings out.

The worked examples are CMS's (BPM 100-04 Ch.5 §20.2 / 100-02 Ch.15 §220.3, rules-facts §1),
run under Medicare's total-time method and under a commercial payer's per-code method.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.scrubber import scrub, scrub_all
from cleannote.rules.visit import PayerKind
from tests.rules.scrub.factories import OTHER_NPI, findings_of, payer, rules_of, service, visit

_MEDICARE = payer(PayerKind.MEDICARE)
_COMMERCIAL = payer(PayerKind.COMMERCIAL)


def _blocks(*minutes_by_code: tuple[str, int]) -> tuple:
    """Back-to-back blocks from 09:00, each pointing to both diagnoses, each its own charge."""
    services, start = [], 9 * 60
    for n, (code, minutes) in enumerate(minutes_by_code, start=1):
        end = start + minutes
        services.append(
            service(
                code,
                f"{start // 60:02d}:{start % 60:02d}",
                f"{end // 60:02d}:{end % 60:02d}",
                charge=Decimal(f"{40 + n}.50"),
                diagnosis_pointers=(1, 2),
                justification="Skilled cueing and grading needed.",
            )
        )
        start = end
    return tuple(services)


def _scrub_blocks(kind_payer, *minutes_by_code):
    services = _blocks(*minutes_by_code)
    return services, scrub(visit(*services, payer=kind_payer, diagnoses=("M17.11", "M62.81")))


def test_the_default_visit_scrubs_clean():
    # when
    result = scrub(visit())

    # then
    assert result.findings == ()
    assert result.clean
    assert [(line.code, line.units, line.modifiers) for line in result.lines] == [
        ("97110", 1, ("GP",))
    ]


_EXAMPLES = {
    "ex1-24-23": (("97112", 24), ("97110", 23)),
    "ex2-20-20": (("97110", 20), ("97112", 20)),
    "ex3-33-7": (("97110", 33), ("97140", 7)),
    "ex4-18-13-10-8": (("97110", 18), ("97140", 13), ("97116", 10), ("97035", 8)),
    "ex5-7-7-7": (("97112", 7), ("97110", 7), ("97140", 7)),
}


@pytest.mark.parametrize(
    ("example", "medicare_units", "per_code_units"),
    [
        ("ex1-24-23", (2, 1), (2, 2)),
        ("ex2-20-20", (2, 1), (1, 1)),
        ("ex3-33-7", (2, 1), (2, 0)),
        ("ex4-18-13-10-8", (1, 1, 1, 0), (1, 1, 1, 1)),
        ("ex5-7-7-7", (1, 0, 0), (0, 0, 0)),
    ],
    ids=["ex1", "ex2", "ex3", "ex4", "ex5"],
)
@pytest.mark.parametrize("method", ["medicare", "per-code"])
def test_cms_worked_examples_become_claim_lines(example, medicare_units, per_code_units, method):
    # given
    expected = medicare_units if method == "medicare" else per_code_units
    chosen_payer = _MEDICARE if method == "medicare" else _COMMERCIAL

    # when
    services, result = _scrub_blocks(chosen_payer, *_EXAMPLES[example])

    # then: every unit-earning service is a line with its code, GP, both pointers and charge
    billed = [(i, units) for i, units in enumerate(expected) if units]
    assert [
        (line.service_index, line.code, line.units, line.modifiers[:1], line.diagnosis_pointers)
        for line in result.lines
    ] == [(i, services[i].code, units, ("GP",), (1, 2)) for i, units in billed]
    assert [line.charge for line in result.lines] == [services[i].charge for i, _ in billed]
    # and every service that earns nothing is reported on its own line index
    assert [f.line for f in findings_of(result, "units.zero")] == [
        i for i, units in enumerate(expected) if not units
    ]
    assert "units.unsupported" not in rules_of(result)


def test_the_day_s_units_under_medicare_follow_the_8_minute_table():
    # given: CMS Ex4 pools 49 minutes: 38-52 minutes are 3 units
    _, result = _scrub_blocks(_MEDICARE, *_EXAMPLES["ex4-18-13-10-8"])

    # then
    assert sum(line.units for line in result.lines) == 3


def test_a_zero_unit_service_is_reported_not_dropped_silently():
    # given: CMS Ex4 under Medicare, where 97035's 8 minutes lose to 97116's 10
    _, result = _scrub_blocks(_MEDICARE, *_EXAMPLES["ex4-18-13-10-8"])

    # when
    found = findings_of(result, "units.zero")

    # then
    assert [(f.severity, f.line) for f in found] == [(Severity.WARNING, 3)]
    assert "97035" in found[0].message
    assert 3 not in {line.service_index for line in result.lines}


@pytest.mark.parametrize(
    ("chosen_payer", "code", "warned"),
    [(_MEDICARE, "G0283", True), (_COMMERCIAL, "97014", False)],
    ids=["medicare", "commercial"],
)
def test_97014_is_billed_as_g0283_for_medicare_only(chosen_payer, code, warned):
    # given
    v = visit(service("97014", None, None, minutes=15), payer=chosen_payer)

    # when
    result = scrub(v)

    # then
    assert [(line.code, line.units, line.service_index) for line in result.lines] == [(code, 1, 0)]
    assert ("medicare.97014-invalid" in rules_of(result)) is warned


@pytest.mark.parametrize(
    ("code", "minutes"),
    [("97161", 45), ("97012", 20), ("97150", 40), ("97164", 25)],
    ids=["evaluation-45", "traction-20", "group-40", "re-evaluation-25"],
)
def test_an_untimed_code_is_one_unit_whatever_its_minutes(code, minutes):
    # given: an untimed service beside 16 minutes of 97110
    v = visit(service(), service(code, None, None, minutes=minutes))

    # when
    result = scrub(v)

    # then: one unit each; the untimed minutes do not add to 97110's
    assert [(line.code, line.units) for line in result.lines] == [("97110", 1), (code, 1)]


def test_two_rendering_providers_pool_their_minutes_separately():
    # given: 10 minutes each; pooled they would earn one unit between them
    v = visit(
        service("97110", "09:00", "09:10"),
        service("97112", "09:00", "09:10", rendering_npi=OTHER_NPI),
    )

    # when
    result = scrub(v)

    # then
    assert [(line.code, line.units) for line in result.lines] == [("97110", 1), ("97112", 1)]
    assert not {"units.zero", "time.overlap"} & rules_of(result)


def test_one_provider_pools_the_same_minutes_into_one_unit():
    v = visit(service("97110", "09:00", "09:10"), service("97112", "09:10", "09:20"))

    result = scrub(v)

    assert [(line.code, line.units) for line in result.lines] == [("97110", 1)]
    assert [f.line for f in findings_of(result, "units.zero")] == [1]


def test_every_finding_names_its_rule_source_and_no_patient_details():
    # given: a visit that trips rules in every group
    v = visit(
        service("97140", "09:30", "09:10", goal_ids=(), justification=None),
        service("97110", units=3, diagnosis_pointers=(4,)),
        diagnoses=("M54.5", "M17.10"),
        plan_of_care=None,
        referral=None,
    )

    # when
    result = scrub(v)

    # then
    assert not result.clean
    text = " ".join(f.message + f.fix for f in result.findings)
    for detail in ("JOHN", "DOE", "1950", "1EG4TE5MK73", "p-1"):
        assert detail not in text
    assert all(f.source for f in result.findings)


def test_scrub_all_scrubs_each_visit_in_order():
    results = list(scrub_all([visit(id="v-1"), visit(diagnoses=(), id="v-2")]))

    assert [(r.visit_id, r.clean) for r in results] == [("v-1", True), ("v-2", False)]
