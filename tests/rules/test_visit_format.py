"""The cleannote.visit/1 reader: round trips, exact error messages, streaming, no PHI echoed."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from cleannote.rules import visit as visit_module
from cleannote.rules.errors import RulesError
from cleannote.rules.visit import Address, Credential, Laterality, PayerKind, Service
from cleannote.rules.visit_format import (
    SCHEMA_ID,
    VisitFormatError,
    parse_visit,
    read_visits,
    visit_to_dict,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


def _example(name: str = "medicare-pt-follow-up.json") -> dict[str, object]:
    data: dict[str, object] = json.loads((EXAMPLES / name).read_text())
    return data


def _three_services() -> dict[str, object]:
    visit = _example()
    visit["id"] = "v-17"
    return visit


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_round_trips(path: Path) -> None:
    # given
    data = json.loads(path.read_text())
    # when
    visit = parse_visit(data, source=str(path))
    # then
    assert visit.id == data["id"]
    assert parse_visit(visit_to_dict(visit)) == visit
    assert visit_to_dict(visit) == data


def test_parse_builds_the_value_objects() -> None:
    # given
    data = _example("ot-visit-by-cota.json")
    # when
    visit = parse_visit(data)
    # then
    # Medicare enrols no assistants: the claim names the supervising OT (ADR 0200)
    assert visit.rendering_provider.credential is Credential.OT
    assert visit.assistant is not None
    assert visit.assistant.credential is Credential.COTA
    assert visit.payer.kind is PayerKind.MEDICARE
    assert visit.place_of_service == "11"
    assert visit.services[0].charge == Decimal("110.00")
    assert visit.services[0].documented_minutes == 23
    assert visit.services[0].assistant_minutes == 23
    assert visit.episode is not None
    assert visit.episode.therapy_ytd is not None
    assert visit.episode.therapy_ytd.ot == Decimal("860.00")


def test_optional_fields_take_their_defaults_when_left_out() -> None:
    # given
    data = _example("slp-visit.json")
    del data["place_of_service"]
    # when
    visit = parse_visit(data)
    # then
    assert visit.place_of_service == "11"
    assert visit.accident is None
    assert visit.services[0].body_regions == ()
    assert visit.services[0].encounter == 1


def test_a_whole_integer_charge_is_accepted() -> None:
    # given
    data = _example()
    data["services"][0]["charge"] = 48  # type: ignore[index]
    # when
    visit = parse_visit(data)
    # then
    assert visit.services[0].charge == Decimal("48")


def _set(data: dict[str, object], path: str, value: object) -> None:
    """Set (or, with value DELETE, remove) a field named by a dotted path with [i] indexes."""
    parts = path.replace("[", ".").replace("]", "").split(".")
    target: object = data
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]  # type: ignore[index]
    last = parts[-1]
    if value is DELETE:
        del target[last]  # type: ignore[attr-defined]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value  # type: ignore[index]


DELETE = object()

MESSAGE_CASES = [
    ("bad-time", "services[2].start", "25:99", "services[2].start: expected HH:MM, got '25:99'"),
    (
        "unknown-field",
        "services[1].strat",
        "10:00",
        "services[1].strat: unknown field (not part of cleannote.visit/1)",
    ),
    ("unknown-top", "notes", "x", "notes: unknown field (not part of cleannote.visit/1)"),
    ("missing", "services[0].charge", DELETE, "services[0].charge: required field is missing"),
    (
        "float-charge",
        "services[0].charge",
        48.5,
        'services[0].charge: expected an amount as a decimal string like "120.00", '
        "got a number with a fraction 48.5",
    ),
    (
        "three-decimals",
        "services[0].charge",
        "48.001",
        "services[0].charge: expected an amount as a decimal string like \"120.00\", got '48.001'",
    ),
    (
        "enum",
        "rendering_provider.credential",
        "DPT",
        "rendering_provider.credential: expected one of PT|PTA|OT|COTA|SLP|SLPA|DC|LMT, got 'DPT'",
    ),
    (
        "npi",
        "rendering_provider.npi",
        "172946013",
        "rendering_provider.npi: expected an NPI of 10 digits, got '172946013'",
    ),
    (
        "date",
        "date_of_service",
        "2026-02-30",
        "date_of_service: expected a date YYYY-MM-DD, got '2026-02-30'",
    ),
    (
        "pointer",
        "services[0].diagnosis_pointers[1]",
        13,
        "services[0].diagnosis_pointers[1]: expected an integer from 1 to 12, got an integer 13",
    ),
    (
        "bool-minutes",
        "services[0].minutes",
        True,
        "services[0].minutes: expected an integer of at least 0, got a boolean True",
    ),
    (
        "null",
        "prior_authorization",
        None,
        "prior_authorization: expected a non-empty string, got null",
    ),
    (
        "state",
        "billing_provider.address.state",
        "or",
        "billing_provider.address.state: expected a two-letter state code in capitals, got 'or'",
    ),
    (
        "goal-kind",
        "plan_of_care.goals[1].kind",
        "goal",
        "plan_of_care.goals[1].kind: expected one of functional|impairment, got 'goal'",
    ),
    (
        "history",
        "history[1].services[0].body_regions",
        "knee",
        "history[1].services[0].body_regions: expected an array, got 'knee'",
    ),
    ("empty-services", "services", [], "services: expected a non-empty array, got an array"),
    (
        "schema",
        "schema",
        "cleannote.visit/2",
        "schema: expected \"cleannote.visit/1\", got 'cleannote.visit/2'",
    ),
    (
        "ytd",
        "episode.therapy_ytd.pt_slp",
        "1,240.35",
        'episode.therapy_ytd.pt_slp: expected an amount as a decimal string like "120.00", '
        "got '1,240.35'",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "message"), [c[1:] for c in MESSAGE_CASES], ids=[c[0] for c in MESSAGE_CASES]
)
def test_bad_field_is_named_with_file_visit_and_path(
    path: str, value: object, message: str
) -> None:
    # given
    data = _three_services()
    _set(data, path, value)
    # when
    with pytest.raises(VisitFormatError) as caught:
        parse_visit(data, source="examples/bad.json")
    # then
    assert str(caught.value) == f"examples/bad.json: visit v-17: {message}"
    assert isinstance(caught.value, RulesError)
    assert caught.value.visit_id == "v-17"
    assert caught.value.field == path


def test_error_carries_its_parts_and_the_jsonl_line() -> None:
    # given
    data = _three_services()
    _set(data, "services[2].start", "25:99")
    # when
    with pytest.raises(VisitFormatError) as caught:
        parse_visit(data, source="batch.jsonl", line=17)
    # then
    error = caught.value
    assert (error.source, error.line, error.visit_id, error.field) == (
        "batch.jsonl",
        17,
        "v-17",
        "services[2].start",
    )
    assert error.problem == "expected HH:MM, got '25:99'"
    assert (
        str(error) == "batch.jsonl:17: visit v-17: services[2].start: expected HH:MM, got '25:99'"
    )


def test_a_visit_without_a_usable_id_is_reported_without_one() -> None:
    # given
    data = _example()
    del data["id"]
    # when
    with pytest.raises(VisitFormatError) as caught:
        parse_visit(data, source="x.json")
    # then
    assert str(caught.value) == "x.json: id: required field is missing"


def test_something_other_than_an_object_is_refused() -> None:
    with pytest.raises(VisitFormatError) as caught:
        parse_visit([1, 2], source="x.json")
    assert str(caught.value) == "x.json: expected a JSON object (one visit), got an array"


PHI_CASES = [
    ("patient-birth-date", "patient.birth_date", "1951-13-45"),
    ("subscriber-member-id", "subscriber.member_id", 55810342),
    ("patient-first-name", "patient.first_name", ["Harriet"]),
    ("subscriber-last-name", "subscriber.last_name", 1951),
    ("patient-address", "patient.address.line1", 3318),
    ("subscriber-sex", "subscriber.sex", "Female-Okonkwo"),
]


@pytest.mark.parametrize(
    ("path", "value"), [c[1:] for c in PHI_CASES], ids=[c[0] for c in PHI_CASES]
)
def test_patient_data_is_never_echoed(path: str, value: object) -> None:
    # given
    data = _three_services()
    _set(data, path, value)
    # when
    with pytest.raises(VisitFormatError) as caught:
        parse_visit(data, source="x.json")
    # then
    message = str(caught.value)
    assert message.startswith(f"x.json: visit v-17: {path}: expected ")
    for shown in ("1951", "13-45", "55810342", "Harriet", "3318", "Okonkwo"):
        assert shown not in message


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _line(visit_id: str, **changes: object) -> str:
    data = _example()
    data["id"] = visit_id
    data.update(changes)
    return json.dumps(data)


def test_jsonl_items_carry_their_line_numbers_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    # given
    lines = [_line("v-1"), "", _line("v-3", date_of_service="03/10/2026"), "   ", _line("v-5")]
    path = _write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    # when
    items = list(read_visits([path]))
    # then
    assert [(item.line, item.visit.id if item.visit else None) for item in items] == [
        (1, "v-1"),
        (3, None),
        (5, "v-5"),
    ]
    assert str(items[1].error) == (
        f"{path}:3: visit v-3: date_of_service: expected a date YYYY-MM-DD, got '03/10/2026'"
    )


def test_a_line_that_is_not_json_is_one_error_and_reading_carries_on(tmp_path: Path) -> None:
    # given
    path = _write(
        tmp_path / "batch.ndjson", _line("v-1") + '\n{"id": "v-2",\n' + _line("v-3") + "\n"
    )
    # when
    items = list(read_visits([path]))
    # then
    assert [item.visit.id if item.visit else None for item in items] == ["v-1", None, "v-3"]
    assert items[1].line == 2
    assert str(items[1].error).startswith(f"{path}:2: not valid JSON: ")


def test_a_malformed_file_among_good_ones_does_not_stop_the_others(tmp_path: Path) -> None:
    # given
    _write(tmp_path / "a.json", _line("v-a"))
    _write(tmp_path / "b.json", '{\n  "schema": "cleannote.visit/1",\n  "id": "v-b"\n  "x": 1\n}')
    _write(tmp_path / "c" / "d.jsonl", _line("v-d1") + "\n" + _line("v-d2") + "\n")
    _write(tmp_path / "notes.txt", "not a visit")
    # when
    items = list(read_visits([tmp_path]))
    # then
    assert [item.visit.id if item.visit else None for item in items] == [
        "v-a",
        None,
        "v-d1",
        "v-d2",
    ]
    bad = items[1]
    assert bad.source == str(tmp_path / "b.json")
    assert bad.error is not None
    assert bad.error.line == 4
    assert (
        str(bad.error)
        == f"{tmp_path / 'b.json'}:4: not valid JSON: Expecting ',' delimiter (column 3)"
    )


def test_a_json_array_yields_each_visit_with_its_index(tmp_path: Path) -> None:
    # given
    good, bad = _example(), _example()
    good["id"], bad["id"] = "v-1", "v-2"
    bad["payer"]["kind"] = "hmo"  # type: ignore[index]
    path = _write(tmp_path / "two.json", json.dumps([good, bad]))
    # when
    items = list(read_visits([path]))
    # then
    assert items[0].visit is not None
    assert items[0].source == f"{path}[0]"
    assert str(items[1].error) == (
        f"{path}[1]: visit v-2: payer.kind: expected one of medicare|medicare_advantage|"
        "medicaid|commercial|auto_pip|auto_medpay|auto_liability|workers_comp|self_pay, got 'hmo'"
    )


def test_a_missing_file_is_one_error_item(tmp_path: Path) -> None:
    items = list(read_visits([tmp_path / "nope.json"]))
    assert len(items) == 1
    assert items[0].visit is None
    assert str(items[0].error).startswith(f"{tmp_path / 'nope.json'}: cannot read: ")


@pytest.mark.parametrize(
    "text",
    [
        _line("v-1") + "\n\n" + _line("v-2") + "\n",
        json.dumps([json.loads(_line("v-1")), json.loads(_line("v-2"))], indent=2),
        "\n" + json.dumps(json.loads(_line("v-1")), indent=2) + "\n",
    ],
    ids=["jsonl", "pretty-array", "pretty-object"],
)
def test_stdin_is_read_as_jsonl_or_as_one_document(text: str) -> None:
    # when
    items = list(read_visits(["-"], stdin=io.StringIO(text)))
    # then
    assert all(item.error is None for item in items)
    assert [item.visit.id for item in items if item.visit] == ["v-1", "v-2"][: len(items)]
    assert items[0].source.startswith("<stdin>")


def test_stdin_jsonl_reports_line_numbers() -> None:
    stream = io.StringIO(_line("v-1") + "\n" + _line("v-2", place_of_service="O1") + "\n")
    items = list(read_visits(["-"], stdin=stream))
    assert str(items[1].error) == (
        "<stdin>:2: visit v-2: place_of_service: expected a two-digit place of service code, "
        "got 'O1'"
    )


def test_a_jsonl_file_streams_in_constant_memory(tmp_path: Path) -> None:
    # given: a 3,000-line file (about 10 MB on disk)
    line = _line("v-1")
    path = tmp_path / "big.jsonl"
    with path.open("w") as out:
        for _ in range(3000):
            out.write(line + "\n")
    # when
    tracemalloc.start()
    count = sum(1 for item in read_visits([path]) if item.visit is not None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # then
    assert count == 3000
    assert peak < 2_000_000


def test_parse_does_not_change_its_input() -> None:
    # given
    data = _example()
    before = copy.deepcopy(data)
    # when
    visit = parse_visit(data)
    # then
    assert data == before
    assert visit.services[0].parameters == data["services"][0]["parameters"]  # type: ignore[index]


def test_schema_id_is_the_first_version() -> None:
    assert SCHEMA_ID == "cleannote.visit/1"


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
    # when read back (msgspec builds the dataclasses without their __init__)
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


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("billing_provider.npi", ["1234567893"]),
        ("billing_provider.address.city", {"name": "Salem"}),
        ("rendering_provider.last_name", ["Reyes"]),
        ("payer.name", {"x": 1}),
    ],
)
def test_an_array_or_object_in_a_provider_or_payer_field_is_refused_by_path(
    path: str, value: object
) -> None:
    """The old reader remembered providers and payers by their raw values and raised
    TypeError (unhashable) on these; a message naming the field is what an exporter needs."""
    # given
    data = _three_services()
    _set(data, path, value)
    # when
    with pytest.raises(VisitFormatError) as caught:
        parse_visit(data, source="x.json")
    # then
    assert caught.value.field == path
    assert "expected " in caught.value.problem


def test_a_python_caller_s_non_text_key_is_refused_with_its_path() -> None:
    # given parameters built in Python with a key JSON could not hold
    data = _three_services()
    _set(data, "services[0].parameters", {1: "x"})
    # when
    with pytest.raises(VisitFormatError) as caught:
        parse_visit(data, source="x.json")
    # then
    assert str(caught.value) == (
        "x.json: visit v-17: services[0].parameters: expected an object with text keys"
    )
