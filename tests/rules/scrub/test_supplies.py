"""Supplies dispensed from a note: the bundling table, the NU/RR modifiers and the lines billed
(rules/supplies.py, rules/scrub/checks_supplies.py, ADR 0821)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.supplies import (
    DmeMode,
    SupplyKind,
    all_supplies,
    bundled_into,
    dme_modifier,
    find_supply,
)
from cleannote.rules.visit import PayerKind, Service
from tests.rules.scrub.factories import findings_of, line_for, payer, rules_of, service, visit


def supply(code: str, units: int = 1, charge: str = "20.00", *mods: str) -> Service:
    """A dispensed item as the visit builder writes it: no times, its quantity as units."""
    return Service(
        code=code,
        charge=Decimal(charge),
        units=units,
        modifiers=mods,
        diagnosis_pointers=(1,),
    )


ESTIM = service("G0283", None, None, minutes=15)
EXERCISE = service("97110")


@pytest.mark.parametrize(
    ("_case", "kind", "services", "bundled"),
    [
        ("medicare electrodes with G0283", PayerKind.MEDICARE, (ESTIM, supply("A4556")), "G0283"),
        ("medicare electrodes with 97032", PayerKind.MEDICARE,
         (service("97032", "09:00", "09:15"), supply("A4556")), "97032"),
        ("medicare electrodes with exercise only", PayerKind.MEDICARE,
         (EXERCISE, supply("A4556")), None),
        ("medicare tape with any service", PayerKind.MEDICARE, (EXERCISE, supply("A4450")),
         "97110"),
        ("medicaid stim supplies with G0283", PayerKind.MEDICAID, (ESTIM, supply("A4595")),
         "G0283"),
        ("medicare advantage electrodes", PayerKind.MEDICARE_ADVANTAGE,
         (ESTIM, supply("A4556")), "G0283"),
        ("commercial pays electrodes apart", PayerKind.COMMERCIAL,
         (service("97014", None, None, minutes=15), supply("A4556")), None),
        ("medicare brace is no supply of the table", PayerKind.MEDICARE,
         (EXERCISE, supply("L1832")), None),
    ],
)  # fmt: skip
def test_bundling_table(
    _case: str, kind: PayerKind, services: tuple[Service, ...], bundled: str | None
) -> None:
    # given a visit billing a therapy line and a dispensed supply to a payer of `kind`
    v = visit(*services, payer=payer(kind))
    # when
    result = scrub(v)
    # then the supply is left off the claim exactly when the table bundles it
    codes = [line.code for line in result.lines]
    found = findings_of(result, "supply.bundled")
    if bundled is None:
        assert services[-1].code in codes
        assert not found
    else:
        assert services[-1].code not in codes
        assert len(found) == 1
        assert bundled in found[0].message
        assert found[0].severity is Severity.WARNING
        assert "PFS status P" in found[0].source
    assert result.clean, result.findings


def test_payer_override_turns_bundling_off() -> None:
    # given Medicare's default bundling, and a payer record whose contract pays supplies apart
    overridden = payer(PayerKind.MEDICARE, policy_overrides=(("bundles_supplies", False),))
    v = visit(ESTIM, supply("A4556", 2, "24.00"), payer=overridden)
    # when
    result = scrub(v)
    # then the electrodes are billed, two units at the item's charge
    line = line_for(result, 1)
    assert (line.code, line.units, line.charge) == ("A4556", 2, Decimal("24.00"))
    assert "supply.bundled" not in rules_of(result)


def test_payer_override_turns_bundling_on() -> None:
    bundling = payer(PayerKind.COMMERCIAL, policy_overrides=(("bundles_supplies", True),))
    result = scrub(visit(ESTIM, supply("A4556"), payer=bundling))
    assert [f.rule for f in findings_of(result, "supply.bundled")] == ["supply.bundled"]


@pytest.mark.parametrize(
    ("_case", "code", "mods", "error", "billed_mods"),
    [
        ("TENS bought, NU", "E0730", ("NU",), False, ("NU",)),
        ("TENS rented, RR", "E0730", ("RR",), False, ("RR",)),
        ("TENS with neither", "E0730", (), True, ()),
        ("TENS with both", "E0730", ("NU", "RR"), True, ("NU", "RR")),
        ("heat pad bought", "E0210", ("NU",), False, ("NU",)),
        ("brace takes no NU here", "L1832", ("NU",), True, ("NU",)),
        ("brace plain", "L1832", (), False, ()),
        ("cold pack plain", "A9273", (), False, ()),
    ],
)  # fmt: skip
def test_dme_modifiers(
    _case: str, code: str, mods: tuple[str, ...], error: bool, billed_mods: tuple[str, ...]
) -> None:
    result = scrub(
        visit(EXERCISE, supply(code, 1, "150.00", *mods), payer=payer(PayerKind.COMMERCIAL))
    )
    assert ("supply.dme-modifier" in rules_of(result)) is error
    line = line_for(result, 1)
    assert line.modifiers == billed_mods  # never GP: a supply is never therapy
    assert line.units == 1


@pytest.mark.parametrize(
    ("kind", "mode", "modifier"),
    [
        (SupplyKind.DME, DmeMode.PURCHASE, "NU"),
        (SupplyKind.DME, DmeMode.RENTAL, "RR"),
        (SupplyKind.DME, None, None),
        (SupplyKind.ORTHOTIC, DmeMode.PURCHASE, None),
        (SupplyKind.SUPPLY, DmeMode.RENTAL, None),
    ],
)
def test_dme_modifier_table(kind: SupplyKind, mode: DmeMode | None, modifier: str | None) -> None:
    assert dme_modifier(kind, mode) == modifier


def test_medicare_therapy_line_keeps_gp_and_supply_gets_none() -> None:
    result = scrub(visit(EXERCISE, supply("E0730", 1, "95.00", "RR", "KH")))
    assert "GP" in line_for(result, 0).modifiers
    assert line_for(result, 1).modifiers == ("RR", "KH")
    assert result.clean, result.findings


@pytest.mark.parametrize(
    ("_case", "kind", "code", "mods", "said"),
    [
        ("first month, KH", PayerKind.MEDICARE, "E0730", ("RR", "KH"), None),
        ("second month, KI", PayerKind.MEDICARE, "E0730", ("RR", "KI"), None),
        ("heat pad third month, KI", PayerKind.MEDICARE, "E0210", ("RR", "KI"), None),
        ("no month", PayerKind.MEDICARE, "E0730", ("RR",), "it has none"),
        ("two months", PayerKind.MEDICARE, "E0730", ("RR", "KH", "KI"), "it has KH, KI"),
        ("KJ on a TENS: two months at most", PayerKind.MEDICARE, "E0730", ("RR", "KJ"),
         "2 months at most"),
        ("KJ on an item not capped", PayerKind.MEDICARE, "E0210", ("RR", "KJ"),
         "not a capped-rental item"),
        ("bought, no month needed", PayerKind.MEDICARE, "E0730", ("NU",), None),
        ("commercial takes RR alone", PayerKind.COMMERCIAL, "E0730", ("RR",), None),
        ("Medicare Advantage takes RR alone", PayerKind.MEDICARE_ADVANTAGE, "E0730", ("RR",),
         None),
    ],
)  # fmt: skip
def test_medicare_rental_line_names_its_month(
    _case: str, kind: PayerKind, code: str, mods: tuple[str, ...], said: str | None
) -> None:
    # given a rented (or bought) unit billed on a visit to a payer of `kind`
    result = scrub(visit(EXERCISE, supply(code, 1, "60.00", *mods), payer=payer(kind)))
    # then Medicare's rental line carries exactly one month modifier its table bills
    found = findings_of(result, "supply.rental-month")
    if said is None:
        assert not found, found
        return
    (finding,) = found
    assert said in finding.message
    assert code in finding.message
    assert finding.severity is Severity.ERROR
    assert finding.line == 1
    assert "Bill the month from the rental" in finding.fix


def test_table_rows_and_lookups() -> None:
    codes = {s.code for s in all_supplies()}
    assert {"A4556", "A4595", "E0730", "A9273", "E0210", "A4450", "L1832"} <= codes
    assert find_supply(" e0730 ").kind is SupplyKind.DME  # type: ignore[union-attr]
    assert find_supply("97110") is None
    assert bundled_into("A4556", ["A4556", "A4595"]) is None  # supplies bundle into services
    assert bundled_into("E0730", ["G0283"]) is None  # no row for DME
