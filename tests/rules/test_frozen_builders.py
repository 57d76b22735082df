"""The visit reader's fast builders make the very objects the dataclass constructors make."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from decimal import Decimal
from typing import Any

import pytest

from cleannote.rules import visit as visit_module
from cleannote.rules.frozen_builders import frozen_builder
from cleannote.rules.visit import Address, Laterality, Service
from cleannote.rules.visit_format import parse_visit, visit_to_dict

_VALUE_CLASSES = sorted(
    (
        cls
        for cls in vars(visit_module).values()
        if isinstance(cls, type) and dataclasses.is_dataclass(cls)
    ),
    key=lambda cls: cls.__name__,
)


def _sample(field: dataclasses.Field[Any], index: int) -> object:
    """A distinct, hashable-when-possible value per field, so a swapped field would show."""
    if field.name == "parameters":
        return {"sets": index}
    return f"value-{index}"


@pytest.mark.parametrize("cls", _VALUE_CLASSES, ids=lambda cls: cls.__name__)
def test_builder_matches_the_constructor(cls: type) -> None:
    # given the same values in field order
    fields = dataclasses.fields(cls)
    values = [_sample(f, i) for i, f in enumerate(fields)]
    # when
    built = frozen_builder(cls)(*values)
    made = cls(*values)
    # then it is the same kind of object, equal, and alike in every public way
    assert type(built) is cls
    assert built == made
    assert repr(built) == repr(made)
    assert [getattr(built, f.name) for f in fields] == values
    assert dataclasses.astuple(built) == dataclasses.astuple(made)
    if "parameters" not in {f.name for f in fields} and cls.__name__ not in {
        "Visit",
        "HistoryVisit",
    }:
        assert hash(built) == hash(made)
    assert pickle.loads(pickle.dumps(built)) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(built, fields[0].name, "changed")
    replaced = dataclasses.replace(built, **{fields[0].name: "other"})
    assert replaced == dataclasses.replace(made, **{fields[0].name: "other"})
    assert replaced != built


def test_builder_refuses_a_class_it_cannot_build_faithfully() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            raise AssertionError

    with pytest.raises(TypeError, match="__post_init__"):
        frozen_builder(Checked)
    with pytest.raises(TypeError, match="slotted dataclass"):
        frozen_builder(dict)


def test_a_read_visit_equals_one_built_by_hand() -> None:
    # given a service built with the dataclass constructor, defaults included
    service = Service(
        code="97110",
        charge=Decimal("45.00"),
        start=dt.time(9, 0),
        end=dt.time(9, 16),
        body_regions=("knee",),
        laterality=Laterality.RIGHT,
        diagnosis_pointers=(1,),
    )
    raw = visit_to_dict(_minimal_visit(service))
    # when read back through the fast path
    read = parse_visit(raw)
    # then
    assert read == _minimal_visit(service)
    assert read.services[0] == service
    assert hash(read.billing_provider.address) == hash(_ADDRESS)


_ADDRESS = Address(line1="100 MAIN ST", city="PORTLAND", state="OR", zip="97201")


def _minimal_visit(service: Service) -> visit_module.Visit:
    v = visit_module
    return v.Visit(
        id="v-1",
        date_of_service=dt.date(2026, 3, 10),
        billing_provider=v.BillingProvider(
            "CLINIC", "1234567893", "931234567", "225100000X", _ADDRESS
        ),
        rendering_provider=v.RenderingProvider(
            "ANA", "REYES", "1245319599", v.Credential.PT, "225100000X"
        ),
        payer=v.Payer("MEDICARE", "00952", v.PayerKind.MEDICARE),
        subscriber=v.Person(
            "JOHN",
            "DOE",
            dt.date(1950, 1, 2),
            v.Sex.MALE,
            _ADDRESS,
            member_id="1EG4TE5MK73",
            relationship=v.Relationship.SELF,
        ),
        patient=v.Person("JOHN", "DOE", dt.date(1950, 1, 2), v.Sex.MALE, _ADDRESS, id="p-1"),
        diagnoses=("M17.11",),
        services=(service,),
        episode=v.Episode(5, 1, v.TherapyYearToDate(Decimal("10.00"), Decimal("0"))),
        plan_of_care=v.PlanOfCare(
            dt.date(2026, 2, 3), True, None, (v.Goal("g1", "Climb stairs", v.GoalKind.FUNCTIONAL),)
        ),
    )
