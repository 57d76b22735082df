"""The modifier engine against worked cases: discipline, assistant, NCCI bypass, KX and AT."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from cleannote.rules.errors import RulesError
from cleannote.rules.modifier_assignment import (
    ALL_DISTINCTIONS,
    accepted_distinctions,
    assign_modifiers,
    bypass_distinction,
)
from cleannote.rules.ncci import PtpEdit, PtpTable
from cleannote.rules.payer_policy import default_policy, policy_with_overrides
from cleannote.rules.visit import (
    Address,
    BillingProvider,
    Credential,
    Episode,
    Laterality,
    Payer,
    PayerKind,
    Person,
    PlanOfCare,
    RenderingProvider,
    Service,
    Sex,
    TherapyYearToDate,
    Visit,
)

DOS = dt.date(2026, 3, 10)
ADDRESS = Address(line1="1 MAIN ST", city="SALEM", state="OR", zip="97301")
NPI = "1245319599"
OTHER_NPI = "1003000126"


def _edit(col1: str, col2: str, indicator: int, effective: str, deletion: str | None = None):
    return PtpEdit(
        column1=col1,
        column2=col2,
        pre_1996=False,
        effective=dt.date.fromisoformat(effective),
        deletion=dt.date.fromisoformat(deletion) if deletion else None,
        modifier_indicator=indicator,
        rationale="test edit",
        source="test",
    )


PTP = PtpTable(
    [
        _edit("97140", "97530", 1, "2017-01-01"),
        _edit("98940", "97140", 1, "2017-01-01"),
        _edit("97140", "97124", 1, "2017-01-01"),
        _edit("97530", "97161", 0, "2020-01-01", "2020-04-01"),
    ]
)


def svc(code: str, minutes: int | None = 15, **changes: Any) -> Service:
    values: dict[str, Any] = {
        "code": code,
        "charge": Decimal("45.00"),
        "minutes": minutes,
        "body_regions": ("knee",),
    }
    values.update(changes)
    return Service(**values)


def visit(
    *services: Service,
    credential: Credential = Credential.PT,
    kind: PayerKind = PayerKind.MEDICARE,
    **changes: Any,
) -> Visit:
    person = Person(first_name="A", last_name="B", birth_date=dt.date(1950, 1, 2), sex=Sex.MALE)
    values: dict[str, Any] = {
        "id": "v-1",
        "date_of_service": DOS,
        "billing_provider": BillingProvider("CLINIC", "1234567893", "931234567", "X", ADDRESS),
        "rendering_provider": RenderingProvider("C", "D", NPI, credential, "225100000X"),
        "payer": Payer(name="PAYER", payer_id="00001", kind=kind),
        "subscriber": person,
        "patient": person,
        "diagnoses": ("M17.11",),
        "services": services,
        "plan_of_care": PlanOfCare(start=dt.date(2026, 2, 1), certified=True),
    }
    values.update(changes)
    return Visit(**values)


def run(v: Visit, units: list[int] | None = None, **policy: Any) -> list[tuple[str, ...]]:
    chosen = policy_with_overrides(v.payer.kind, **policy)
    lines = assign_modifiers(v, units or [1] * len(v.services), chosen, PTP)
    return [line.modifiers for line in lines]


YTD_HIGH = Episode(treatment_day=5, therapy_ytd=TherapyYearToDate(pt_slp=Decimal("2400")))

CASES = [
    ("pt-pta-3-of-12", visit(svc("97110", 12, assistant_minutes=3)), {}, [("GP", "CQ")]),
    ("pt-pta-1-of-15", visit(svc("97110", 15, assistant_minutes=1)), {}, [("GP",)]),
    (
        "pta-commercial-no-cq",
        visit(svc("97110", 15), credential=Credential.PTA, kind=PayerKind.COMMERCIAL),
        {},
        [("GP",)],
    ),
    (
        "pta-commercial-contract-asks-cq",
        visit(svc("97110", 15), credential=Credential.PTA, kind=PayerKind.COMMERCIAL),
        {"assistant_modifiers_required": True},
        [("GP", "CQ")],
    ),
    (
        "pta-medicaid-cq",
        visit(svc("97110", 15), credential=Credential.PTA, kind=PayerKind.MEDICAID),
        {},
        [("GP", "CQ")],
    ),
    (
        "pta-medicare-advantage-cq",
        visit(svc("97110", 15), credential=Credential.PTA, kind=PayerKind.MEDICARE_ADVANTAGE),
        {},
        [("GP", "CQ")],
    ),
    (
        "ot-by-cota",
        visit(svc("97530", 30), credential=Credential.COTA),
        {},
        [("GO", "CO")],
    ),
    (
        "ot-ota-half",
        visit(svc("97530", 20, assistant_minutes=10), credential=Credential.OT),
        {},
        [("GO", "CO")],
    ),
    (
        "slp-assistant-gn-only",
        visit(svc("92507", 30, assistant_minutes=20), credential=Credential.SLPA),
        {},
        [("GN",)],
    ),
    ("sometimes-code-without-poc", visit(svc("97550", 20), plan_of_care=None), {}, [()]),
    ("sometimes-code-with-poc", visit(svc("97550", 20)), {}, [("GP",)]),
    (
        "97140-97530-different-regions",
        visit(svc("97140", body_regions=("neck",)), svc("97530")),
        {},
        [("GP",), ("GP", "XS")],
    ),
    ("97140-97530-same-region", visit(svc("97140"), svc("97530")), {}, [("GP",), ("GP",)]),
    (
        "97140-97530-opposite-sides",
        visit(svc("97140", laterality=Laterality.LEFT), svc("97530", laterality=Laterality.RIGHT)),
        {},
        [("GP",), ("GP", "XS")],
    ),
    (
        "separate-encounters",
        visit(svc("97140"), svc("97530", encounter=2)),
        {},
        [("GP",), ("GP", "XE")],
    ),
    (
        "different-practitioner",
        visit(svc("97140"), svc("97530", rendering_npi=OTHER_NPI)),
        {},
        [("GP",), ("GP", "XP")],
    ),
    (
        "non-overlapping-times",
        visit(
            svc("97140", None, start=dt.time(9, 0), end=dt.time(9, 15)),
            svc("97530", None, start=dt.time(9, 15), end=dt.time(9, 30)),
        ),
        {},
        [("GP",), ("GP", "XU")],
    ),
    (
        "overlapping-times",
        visit(
            svc("97140", None, start=dt.time(9, 0), end=dt.time(9, 20)),
            svc("97530", None, start=dt.time(9, 15), end=dt.time(9, 30)),
        ),
        {},
        [("GP",), ("GP",)],
    ),
    (
        "59-style",
        visit(svc("97530"), svc("97140", body_regions=("neck",))),
        {"modifier_style": "59"},
        [("GP", "59"), ("GP",)],
    ),
    (
        "ind-0-dated-pair-no-bypass",
        visit(
            svc("97530"),
            svc("97161", body_regions=("hip",)),
            kind=PayerKind.COMMERCIAL,
            date_of_service=dt.date(2020, 2, 3),
        ),
        {"modifier_style": "x"},
        [("GP",), ("GP",)],
    ),
    (
        "kx-when-ytd-crosses-2026",
        visit(svc("97110"), svc("97140"), episode=YTD_HIGH),
        {},
        [("GP",), ("GP", "KX")],
    ),
    (
        "kx-ot-bucket-apart",
        visit(svc("97110"), svc("97140"), credential=Credential.OT, episode=YTD_HIGH),
        {},
        [("GO",), ("GO",)],
    ),
    (
        "kx-not-for-commercial",
        visit(svc("97110"), svc("97140"), kind=PayerKind.COMMERCIAL, episode=YTD_HIGH),
        {},
        [("GP",), ("GP",)],
    ),
    ("cmt-medicare-at", visit(svc("98940", None), credential=Credential.DC), {}, [("AT",)]),
    (
        "cmt-commercial-no-at",
        visit(svc("98940", None), credential=Credential.DC, kind=PayerKind.COMMERCIAL),
        {},
        [()],
    ),
    (
        "cmt-97140-other-region",
        visit(
            svc("98940", None, body_regions=("lumbar",)),
            svc("97140", body_regions=("cervical",)),
            credential=Credential.DC,
            kind=PayerKind.COMMERCIAL,
        ),
        {},
        [(), ("59",)],
    ),
    (
        "cmt-97140-same-region-separate-times-no-bypass",
        visit(
            svc("98940", None, body_regions=("lumbar",), start=dt.time(9, 0), end=dt.time(9, 10)),
            svc("97140", None, body_regions=("lumbar",), start=dt.time(9, 10), end=dt.time(9, 25)),
            credential=Credential.DC,
            kind=PayerKind.COMMERCIAL,
        ),
        {"modifier_style": "x"},
        [(), ()],
    ),
    (
        "cmt-97140-same-region-other-clinician-no-bypass",
        visit(
            svc("98940", None, body_regions=("lumbar",)),
            svc("97140", body_regions=("lumbar",), rendering_npi=OTHER_NPI),
            credential=Credential.DC,
            kind=PayerKind.COMMERCIAL,
        ),
        {"modifier_style": "x"},
        [(), ()],
    ),
    (
        "cmt-97140-separate-encounter",
        visit(
            svc("98940", None, body_regions=("lumbar",)),
            svc("97140", body_regions=("lumbar",), encounter=2),
            credential=Credential.DC,
            kind=PayerKind.COMMERCIAL,
        ),
        {"modifier_style": "x"},
        [(), ("XE",)],
    ),
    (
        "97140-97124-same-region-separate-times-no-bypass",
        visit(
            svc("97140", None, start=dt.time(9, 0), end=dt.time(9, 15)),
            svc("97124", None, start=dt.time(9, 15), end=dt.time(9, 30)),
        ),
        {},
        [("GP",), ("GP",)],
    ),
    (
        "97140-97124-other-region",
        visit(svc("97140"), svc("97124", body_regions=("neck",))),
        {},
        [("GP",), ("GP", "XS")],
    ),
    (
        "massage-lmt-to-pip",
        visit(svc("97124", 30), credential=Credential.LMT, kind=PayerKind.AUTO_PIP),
        {},
        [()],
    ),
    (
        "requested-kept-and-dropped",
        visit(svc("97110", modifiers=("GA", "go", "ZZ", "59"))),
        {},
        [("GP", "GA")],
    ),
    (
        "at-most-four",
        visit(
            svc("97140", body_regions=("neck",)),
            svc("97530", assistant_minutes=5, modifiers=("GA",)),
            episode=Episode(treatment_day=5, therapy_ytd=TherapyYearToDate(pt_slp=Decimal("3000"))),
        ),
        {},
        [("GP", "KX"), ("GP", "CQ", "XS", "KX")],
    ),
]


@pytest.mark.parametrize(
    ("v", "policy", "expected"),
    [(v, p, e) for _, v, p, e in CASES],
    ids=[case for case, *_ in CASES],
)
def test_assign_modifiers(
    v: Visit, policy: dict[str, Any], expected: list[tuple[str, ...]]
) -> None:
    # given a visit and its payer policy / when
    modifiers = run(v, **policy)
    # then
    assert modifiers == expected


def test_every_modifier_has_a_reason() -> None:
    # given
    v = CASES[-1][1]
    # when
    lines = assign_modifiers(v, [1, 1], default_policy(PayerKind.MEDICARE), PTP)
    # then
    for line in lines:
        for mod in line.modifiers:
            assert any(reason.startswith(f"{mod}:") for reason in line.reasons), (mod, line)
    assert any("dropped GA" in reason for reason in lines[1].reasons)


def test_unbilled_line_gets_no_modifiers_and_no_bypass_for_its_pair() -> None:
    # given 97140 on another region but not billed (0 units)
    v = visit(svc("97140", 5, body_regions=("neck",)), svc("97530", assistant_minutes=5))
    # when
    modifiers = run(v, [0, 1])
    # then
    assert modifiers == [(), ("GP", "CQ")]


def test_billed_codes_drive_the_ncci_lookup() -> None:
    # given a clinic table where G0283 bundles with 97140, and 97014 billed as G0283
    table = PtpTable([_edit("97140", "G0283", 1, "2017-01-01")])
    v = visit(svc("97140"), svc("97014", None, body_regions=("neck",)))
    # when
    lines = assign_modifiers(
        v, [1, 1], default_policy(PayerKind.MEDICARE), table, billed_codes=["97140", "G0283"]
    )
    # then
    assert lines[1].modifiers == ("GP", "XS")


def test_units_must_match_services() -> None:
    v = visit(svc("97110"))
    with pytest.raises(RulesError, match="2 lines"):
        assign_modifiers(v, [1, 1], default_policy(PayerKind.MEDICARE), PTP)


def test_bypass_distinction_is_none_for_the_same_block() -> None:
    # given two services on the same region in the same encounter by the same clinician
    a, b = svc("97140"), svc("97530")
    # when / then
    assert bypass_distinction(a, b, NPI) is None
    assert bypass_distinction(a, msgspec.structs.replace(b, encounter=2), NPI) == "XE"


def test_medicare_year_without_kx_data_is_refused() -> None:
    # given a Medicare therapy visit in a year the threshold table does not cover
    v = visit(svc("97110"), date_of_service=dt.date(2019, 6, 1))
    # when / then
    with pytest.raises(RulesError, match="2019"):
        assign_modifiers(v, [1], default_policy(PayerKind.MEDICARE), PTP)


@pytest.mark.parametrize(
    ("code_a", "code_b", "expected"),
    [
        pytest.param("98941", "97140", frozenset({"XS", "XE"}), id="cmt-manual-therapy"),
        pytest.param("97112", "98942", frozenset({"XS", "XE"}), id="cmt-either-order"),
        pytest.param("97124", "97140", frozenset({"XS", "XE"}), id="massage-manual-therapy"),
        pytest.param("97140", "97530", ALL_DISTINCTIONS, id="manual-therapy-97530-time-blocks"),
        pytest.param("97530", "97116", ALL_DISTINCTIONS, id="unlisted-pair-default"),
    ],
)
def test_accepted_distinctions_are_data_per_pair(
    code_a: str, code_b: str, expected: frozenset[str]
) -> None:
    # given the bundled distinctions table / when
    accepted = accepted_distinctions(code_a, code_b, DOS)
    # then
    assert accepted.modifiers == expected
    assert accepted.source


def test_bypass_distinction_skips_distinctions_the_pair_does_not_accept() -> None:
    # given two services on one region, in non-overlapping blocks, in different encounters
    a = svc("98940", None, start=dt.time(9, 0), end=dt.time(9, 10))
    b = svc("97140", None, start=dt.time(9, 10), end=dt.time(9, 25))
    # when / then time alone is not accepted, a separate encounter is
    assert bypass_distinction(a, b, NPI) == "XU"
    assert bypass_distinction(a, b, NPI, frozenset({"XS", "XE"})) is None
    assert (
        bypass_distinction(a, msgspec.structs.replace(b, encounter=2), NPI, frozenset({"XS", "XE"}))
        == "XE"
    )
