"""The claim-format rules (rules/claim_format_limits.py, ADR 0350): a tripping visit and a near
miss for each, starting from the clean factory visit and changing one field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from cleannote.rules.claim_format_limits import FORMAT_LIMITS
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import (
    Accident,
    AccidentKind,
    Payer,
    PayerKind,
    Person,
    Relationship,
    Sex,
)
from tests.rules.scrub.factories import (
    ADDRESS,
    BILLING_ADDRESS,
    OTHER_NPI,
    replace,
    rules_of,
    service,
    visit,
)

DX = ("M17.11", "M25.561", "M62.81", "R26.89", "Z96.651", "M54.50", "M54.2", "S83.241A",
      "M79.604", "R26.2", "M25.661", "M62.59", "Z47.1")  # fmt: skip
Change = Callable[[], Any]


def _billing(**changes: Any) -> Any:
    base = visit()
    return visit(billing_provider=replace(base.billing_provider, **changes))


def _subscriber(**changes: Any) -> Any:
    base = visit()
    return visit(subscriber=replace(base.subscriber, **changes))


def _payer(**changes: Any) -> Any:
    base = visit()
    return visit(payer=replace(base.payer, **changes))


def _rendering(**changes: Any) -> Any:
    base = visit()
    return visit(rendering_provider=replace(base.rendering_provider, **changes))


def _dependant(relationship: Relationship | None, address: Any = ADDRESS) -> Any:
    base = visit(payer=Payer("ACME HEALTH", "CHP01", PayerKind.COMMERCIAL))
    child = Person("AMY", "DOE", dt.date(2012, 4, 1), Sex.FEMALE, address=address, id="p-2")
    return replace(
        base,
        patient=child,
        subscriber=replace(
            base.subscriber, relationship=relationship, birth_date=dt.date(1980, 1, 2)
        ),
    )


def _auto(state: str | None) -> Any:
    return visit(
        payer=Payer("NW AUTO", "NWAUTO", PayerKind.AUTO_PIP, claim_number="C-1"),
        accident=Accident(AccidentKind.AUTO, dt.date(2026, 1, 5), state),
    )


CASES: list[tuple[str, Change, Change]] = [
    ("format.payer-not-billable",
     lambda: _payer(kind=PayerKind.SELF_PAY), lambda: _payer(kind=PayerKind.COMMERCIAL)),
    ("format.diagnosis-count", lambda: visit(diagnoses=DX), lambda: visit(diagnoses=DX[:12])),
    ("format.diagnosis-code",
     lambda: visit(diagnoses=("M17.11", "M1")), lambda: visit(diagnoses=("M17.11", "M17"))),
    ("format.no-lines", lambda: visit(service("99999")), lambda: visit(service("97110"))),
    ("format.pointer-count",
     lambda: visit(service(diagnosis_pointers=())),
     lambda: visit(service(diagnosis_pointers=(1,)))),
    ("format.pointer-target",
     lambda: visit(service(diagnosis_pointers=(2,))),
     lambda: visit(service(diagnosis_pointers=(1,)), diagnoses=("M17.11", "M25.561"))),
    ("format.charge",
     lambda: visit(service(charge=Decimal("45.005"))),
     lambda: visit(service(charge=Decimal("99999.99")))),
    ("format.claim-id", lambda: visit(id="v-2026-0310-071"), lambda: visit(id="v-2026-0310-07")),
    ("format.place-of-service",
     lambda: visit(place_of_service="1"), lambda: visit(place_of_service="12")),
    ("format.accident-state", lambda: _auto("O"), lambda: _auto("OR")),
    ("format.billing-zip",
     lambda: _billing(address=replace(BILLING_ADDRESS, zip="97201")),
     lambda: _billing(address=replace(BILLING_ADDRESS, zip="97201-1234"))),
    ("format.address",
     lambda: _subscriber(address=replace(ADDRESS, city="P")),
     lambda: _subscriber(address=replace(ADDRESS, city="YE"))),
    ("format.patient-address",
     lambda: _subscriber(address=None), lambda: _subscriber(address=ADDRESS)),
    ("format.npi", lambda: _rendering(npi="124531959"), lambda: _rendering(npi=OTHER_NPI)),
    ("format.tax-id", lambda: _billing(tax_id="9312345"), lambda: _billing(tax_id="93-1234567")),
    ("format.taxonomy",
     lambda: _billing(taxonomy="225100000"), lambda: _billing(taxonomy=" 225100000X ")),
    ("format.required",
     lambda: _subscriber(member_id="A"), lambda: _subscriber(member_id="AB")),
    ("format.relationship",
     lambda: _dependant(None), lambda: _dependant(Relationship.CHILD)),
    ("format.x12-characters",
     lambda: _subscriber(last_name="MUÑOZ"), lambda: _subscriber(last_name="MUNOZ-O'HARA")),
    ("format.line-rendering",
     lambda: visit(service(rendering_npi=OTHER_NPI)),
     lambda: visit(service(rendering_npi=visit().rendering_provider.npi))),
    ("format.form-box-width",
     lambda: _subscriber(member_id="M" * 30), lambda: _subscriber(member_id="M" * 29)),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "tripping", "near_miss"), CASES, ids=[c[0] for c in CASES])
def test_a_claim_format_rule_trips_and_its_near_miss_does_not(
    rule: str, tripping: Change, near_miss: Change
) -> None:
    # when
    tripped = scrub(tripping())
    missed = scrub(near_miss())
    # then
    assert rule in rules_of(tripped)
    assert not tripped.clean
    assert rule not in rules_of(missed)


def test_every_row_has_a_tripping_case_here_or_a_reason() -> None:
    # line-count (51 lines), units (1,000 units) and procedure-code (the catalog knows only
    # five-character codes) are the property test's; modifier-count and modifier-code guard the
    # modifier engine, which passes on only known two-character modifiers, at most four
    covered = {case[0] for case in CASES}
    elsewhere = {"format.line-count", "format.modifier-count", "format.modifier-code",
                 "format.units", "format.procedure-code"}  # fmt: skip
    assert set(FORMAT_LIMITS) == covered | elsewhere
