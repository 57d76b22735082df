"""CMS-1500 (02/12): what each box holds, read back out of the PDF by position.

The PDF's text is mapped back to layout spots by where each string starts, so a test says
"box 10b holds X in YES and OR as the state", not "the text contains OR somewhere".
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import msgspec
import pytest
from pypdf import PdfReader

from cleannote.cli.main import main
from cleannote.forms import cms1500_layout as layout
from cleannote.forms.cms1500 import (
    FormClaim,
    FormError,
    FormMode,
    form_pages,
    render_cms1500,
)
from cleannote.rules.findings import ClaimLine
from cleannote.rules.visit import (
    Accident,
    AccidentKind,
    Address,
    Payer,
    PayerKind,
    Relationship,
    ServiceFacility,
    Visit,
)
from cleannote.rules.visit_format import visit_to_dict
from tests.rules.scrub.factories import REFERRING_NPI, RENDERING_NPI, service, visit

PRINTED_ON = dt.date(2026, 3, 11)
OTHER_NPI = "1003000134"
AUTO = Payer(
    name="Northwest Auto Insurance",
    payer_id="NWAUTO",
    kind=PayerKind.AUTO_PIP,
    claim_number="PIP-2026-00042",
)


def auto_visit() -> Visit:
    """A PIP visit after a car accident in Oregon: three lines, two diagnoses."""
    return visit(
        service("97110"),
        service("97140", start="09:16", end="09:31", rendering_npi=OTHER_NPI),
        service("97530", start="09:31", end="09:46"),
        payer=AUTO,
        accident=Accident(kind=AccidentKind.AUTO, date=dt.date(2026, 1, 20), state="OR"),
        diagnoses=("M17.11", "S83.241A"),
        prior_authorization="AUTH12345",
    )


def line(index: int, code: str, charge: str, **changes: object) -> ClaimLine:
    values: dict[str, object] = {
        "code": code,
        "units": 1,
        "modifiers": ("GP",),
        "diagnosis_pointers": (1,),
        "charge": Decimal(charge),
        "service_index": index,
    }
    values.update(changes)
    return ClaimLine(**values)  # type: ignore[arg-type]


AUTO_LINES = (
    line(0, "97110", "45.00", units=2, modifiers=("GP", "KX"), diagnosis_pointers=(2, 1)),
    line(1, "97140", "38.50", modifiers=("GP", "59", "KX", "AT")),
    line(2, "97530", "52.25", units=3, diagnosis_pointers=(1,)),
)

ONE_LINE = (line(0, "97110", "45.00"),)


def boxes_by_page(pdf: bytes) -> list[dict[str, str]]:
    """Each page's printed strings, keyed by the layout spot they start in.

    Box 24 spots are keyed `24d.code#2` for service line 2.
    """
    data_lines = {layout.service_line(n)[1]: n for n in range(1, 7)}
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        found: dict[str, str] = {}

        def visit_text(
            text: str, cm: object, tm: list[float], *_: object, found: dict[str, str] = found
        ) -> None:
            text = text.strip()
            if not text or tm[4] < layout.ORIGIN_X - 1:
                return
            col = round((tm[4] - layout.ORIGIN_X) / layout.CHAR_PITCH) + 1
            grid_line = round((layout.PAGE_HEIGHT - tm[5] - layout.ORIGIN_Y) / layout.LINE_PITCH)
            for box, spot in layout.SPOTS.items():
                on_line = spot.line == grid_line or (spot.line == 0 and grid_line in data_lines)
                if on_line and spot.col <= col < spot.col + spot.width:
                    key = f"{box}#{data_lines[grid_line]}" if spot.line == 0 else box
                    if abs(tm[4] - layout.grid_x(col)) < 0.5:
                        found[key] = text

        page.extract_text(visitor_text=visit_text)
        pages.append(found)
    return pages


@cache
def rendered(mode: FormMode) -> tuple[dict[str, str], ...]:
    claim = FormClaim(auto_visit(), AUTO_LINES)
    return tuple(boxes_by_page(render_cms1500([claim], mode=mode, printed_on=PRINTED_ON)))


AUTO_BOXES = [
    ("1.other", "X"),
    ("1a", "1EG4TE5MK73"),
    ("2", "DOE, JOHN"),
    ("3.dob", "01 02 1950"),
    ("3.m", "X"),
    ("4", "DOE, JOHN"),
    ("5.street", "100 MAIN ST"),
    ("5.city", "PORTLAND"),
    ("5.state", "OR"),
    ("5.zip", "97201"),
    ("6.self", "X"),
    ("10a.no", "X"),
    ("10b.yes", "X"),
    ("10b.state", "OR"),
    ("10c.no", "X"),
    ("11a.dob", "01 02 1950"),
    ("11b.qualifier", "Y4"),
    ("11b", "PIP-2026-00042"),
    ("11c", "NORTHWEST AUTO INSURANCE"),
    ("11d.no", "X"),
    ("12", "SIGNATURE ON FILE"),
    ("13", "SIGNATURE ON FILE"),
    ("14.date", "01 20 26"),
    ("14.qualifier", "431"),
    ("15.qualifier", "454"),
    ("15.date", "02 03 26"),
    ("17.qualifier", "DN"),
    ("17", "MAYA CHEN"),
    ("17b", REFERRING_NPI),
    ("20.no", "X"),
    ("21.indicator", "0"),
    ("21.A", "M1711"),
    ("21.B", "S83241A"),
    ("23", "AUTH12345"),
    ("24a.from#1", "03 10 26"),
    ("24a.to#1", "03 10 26"),
    ("24b#1", "11"),
    ("24d.code#1", "97110"),
    ("24d.modifier1#1", "GP"),
    ("24d.modifier2#1", "KX"),
    ("24e#1", "BA"),
    ("24f.dollars#1", "45"),
    ("24f.cents#1", "00"),
    ("24g#1", "2"),
    ("24j#1", RENDERING_NPI),
    ("24d.code#2", "97140"),
    ("24d.modifier1#2", "GP"),
    ("24d.modifier2#2", "59"),
    ("24d.modifier3#2", "KX"),
    ("24d.modifier4#2", "AT"),
    ("24e#2", "A"),
    ("24f.dollars#2", "38"),
    ("24f.cents#2", "50"),
    ("24j#2", OTHER_NPI),
    ("24d.code#3", "97530"),
    ("24g#3", "3"),
    ("24f.dollars#3", "52"),
    ("24f.cents#3", "25"),
    ("25", "931234567"),
    ("25.ein", "X"),
    ("26", "v-1"),
    ("27.yes", "X"),
    ("28.dollars", "135"),
    ("28.cents", "75"),
    ("31", "SIGNATURE ON FILE"),
    ("31.date", "03 11 26"),
    ("32.name", "RIVERSIDE PHYSICAL THERAPY"),
    ("32a", "1234567893"),
    ("33.name", "RIVERSIDE PHYSICAL THERAPY"),
    ("33.city", "PORTLAND OR 972011234"),
    ("33a", "1234567893"),
]


@pytest.mark.parametrize("mode", list(FormMode), ids=[m.value for m in FormMode])
@pytest.mark.parametrize(("box", "expected"), AUTO_BOXES, ids=[b for b, _ in AUTO_BOXES])
def test_auto_claim_box_holds(mode: FormMode, box: str, expected: str) -> None:
    # given an Oregon PIP claim with three lines / when it is rendered
    (page,) = rendered(mode)
    # then
    assert page.get(box) == expected


@pytest.mark.parametrize("mode", list(FormMode), ids=[m.value for m in FormMode])
def test_auto_claim_leaves_unknown_boxes_blank(mode: FormMode) -> None:
    # given / when
    (page,) = rendered(mode)
    # then: no other insured, no phone, no resubmission, nothing in the unused lines
    blank = ("9", "9a", "9d", "10a.yes", "22.code", "29.dollars", "33.phone", "24d.code#4")
    assert [box for box in blank if box in page] == []


def test_full_mode_draws_captions_and_data_only_does_not() -> None:
    # given
    claim = FormClaim(auto_visit(), AUTO_LINES)
    # when
    full = render_cms1500([claim], mode=FormMode.FULL, printed_on=PRINTED_ON)
    data = render_cms1500([claim], mode=FormMode.DATA_ONLY, printed_on=PRINTED_ON)
    # then
    full_text = PdfReader(io.BytesIO(full)).pages[0].extract_text()
    data_text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "INSURED'S ID NUMBER" in full_text
    assert "INSURED'S ID NUMBER" not in data_text
    assert "1EG4TE5MK73" in data_text


def test_rendering_is_reproducible() -> None:
    # given / when: no clock anywhere, so the same claim gives the same bytes
    claim = FormClaim(auto_visit(), AUTO_LINES)
    first = render_cms1500([claim], mode=FormMode.FULL, printed_on=PRINTED_ON)
    second = render_cms1500([claim], mode=FormMode.FULL, printed_on=PRINTED_ON)
    # then
    assert first == second
    assert b"DOE" not in first.split(b"stream")[0]  # no patient in the document info


def eight_line_claim(amount_paid: str = "0") -> FormClaim:
    services = tuple(service("97110", rendering_npi=None) for _ in range(8))
    lines = tuple(line(i, "97110", f"{10 + i}.00") for i in range(8))
    return FormClaim(visit(*services), lines, amount_paid=Decimal(amount_paid))


def test_eight_lines_take_two_pages_each_totalled_on_its_own() -> None:
    # given eight lines charged 10.00 .. 17.00
    claim = eight_line_claim(amount_paid="20.00")
    # when
    pages = boxes_by_page(render_cms1500([claim], mode=FormMode.FULL, printed_on=PRINTED_ON))
    # then: six lines then two; each page's 28 is the sum of its own 24F
    assert len(pages) == 2
    first, second = pages
    assert [first.get(f"24f.dollars#{n}") for n in range(1, 7)] == [str(c) for c in range(10, 16)]
    assert [second.get(f"24f.dollars#{n}") for n in (1, 2, 3)] == ["16", "17", None]
    assert (first["28.dollars"], first["28.cents"]) == ("75", "00")
    assert (second["28.dollars"], second["28.cents"]) == ("33", "00")
    assert (first["29.dollars"], first["29.cents"]) == ("20", "00")
    assert "29.dollars" not in second
    # and the header repeats on the continuation page
    for box in ("1a", "2", "21.A", "26", "33a"):
        assert second[box] == first[box]
    assert (first["carrier.page"], second["carrier.page"]) == ("PAGE 1 OF 2", "PAGE 2 OF 2")


def test_several_claims_go_into_one_pdf_in_order() -> None:
    # given
    claims = [eight_line_claim(), FormClaim(auto_visit(), AUTO_LINES)]
    # when
    pdf = render_cms1500(claims, mode=FormMode.DATA_ONLY, printed_on=PRINTED_ON)
    # then
    pages = boxes_by_page(pdf)
    assert [p["11c"] for p in pages] == ["MEDICARE PART B"] * 2 + ["NORTHWEST AUTO INSURANCE"]


BOX1_CASES = [
    (PayerKind.MEDICARE, "1.medicare"),
    (PayerKind.MEDICAID, "1.medicaid"),
    (PayerKind.COMMERCIAL, "1.group"),
    (PayerKind.MEDICARE_ADVANTAGE, "1.group"),
    (PayerKind.AUTO_PIP, "1.other"),
    (PayerKind.AUTO_MEDPAY, "1.other"),
    (PayerKind.AUTO_LIABILITY, "1.other"),
    (PayerKind.WORKERS_COMP, "1.other"),
]


def values_of(claim: FormClaim) -> dict[str, str]:
    (page,) = form_pages(claim, printed_on=PRINTED_ON)
    return {v.box: v.text for v in page}


@pytest.mark.parametrize(("kind", "box"), BOX1_CASES, ids=[k.value for k, _ in BOX1_CASES])
def test_box1_marks_the_payer_kind(kind: PayerKind, box: str) -> None:
    # given
    claim = FormClaim(visit(payer=Payer(name="P", payer_id="P1", kind=kind)), ONE_LINE)
    # when
    values = values_of(claim)
    # then
    assert [b for b in values if b.startswith("1.")] == [box]


@pytest.mark.parametrize(
    ("relationship", "box"),
    [
        (Relationship.SELF, "6.self"),
        (Relationship.SPOUSE, "6.spouse"),
        (Relationship.CHILD, "6.child"),
        (Relationship.OTHER, "6.other"),
    ],
    ids=lambda value: str(value),
)
def test_box6_marks_the_relationship(relationship: Relationship, box: str) -> None:
    # given
    base = visit()
    subscriber = msgspec.structs.replace(base.subscriber, relationship=relationship)
    claim = FormClaim(msgspec.structs.replace(base, subscriber=subscriber), ONE_LINE)
    # when / then
    assert [b for b in values_of(claim) if b.startswith("6.")] == [box]


GROUP_CASES = [
    ("medicare-no-group", PayerKind.MEDICARE, None, "NONE"),
    ("medicare-with-group", PayerKind.MEDICARE, "GRP1", "GRP1"),
    ("commercial-group", PayerKind.COMMERCIAL, "G-778", "G-778"),
    ("commercial-no-group", PayerKind.COMMERCIAL, None, None),
]


@pytest.mark.parametrize(
    ("kind", "group", "expected"),
    [c[1:] for c in GROUP_CASES],
    ids=[c[0] for c in GROUP_CASES],
)
def test_box11_group_number(kind: PayerKind, group: str | None, expected: str | None) -> None:
    # given
    base = visit(payer=Payer(name="P", payer_id="P1", kind=kind))
    subscriber = msgspec.structs.replace(base.subscriber, group_number=group)
    claim = FormClaim(msgspec.structs.replace(base, subscriber=subscriber), ONE_LINE)
    # when / then
    assert values_of(claim).get("11") == expected


ACCIDENT_CASES = [
    ("none", None, {"10a.no", "10b.no", "10c.no"}, None),
    (
        "employment",
        Accident(AccidentKind.EMPLOYMENT, dt.date(2026, 2, 2)),
        {"10a.yes", "10b.no", "10c.no"},
        "02 02 26",
    ),
    (
        "other",
        Accident(AccidentKind.OTHER, dt.date(2026, 2, 3)),
        {"10a.no", "10b.no", "10c.yes"},
        "02 03 26",
    ),
    (
        "auto-undated",
        Accident(AccidentKind.AUTO, None, "WA"),
        {"10a.no", "10b.yes", "10c.no"},
        None,
    ),
]


@pytest.mark.parametrize(
    ("accident", "marked", "box14"),
    [c[1:] for c in ACCIDENT_CASES],
    ids=[c[0] for c in ACCIDENT_CASES],
)
def test_box10_and_box14_follow_the_accident(
    accident: Accident | None, marked: set[str], box14: str | None
) -> None:
    # given
    claim = FormClaim(visit(accident=accident), ONE_LINE)
    # when
    values = values_of(claim)
    # then
    assert {b for b in values if b[:3] in ("10a", "10b", "10c") and b != "10b.state"} == marked
    assert values.get("14.date") == box14
    assert values.get("14.qualifier") == ("431" if box14 else None)


def test_twelve_diagnoses_fill_a_to_l_without_points() -> None:
    # given
    codes = tuple(f"M{n:02d}.9" for n in range(10, 22))
    claim = FormClaim(
        visit(diagnoses=codes), (line(0, "97110", "45.00", diagnosis_pointers=(12,)),)
    )
    # when
    values = values_of(claim)
    # then
    assert [values[f"21.{x}"] for x in "ABCDEFGHIJKL"] == [c.replace(".", "") for c in codes]
    assert values["24e"] == "L"


def test_replacement_claim_fills_box22() -> None:
    # given
    claim = FormClaim(visit(), ONE_LINE, frequency="7", original_reference="PAYER123")
    # when
    values = values_of(claim)
    # then
    assert (values["22.code"], values["22.reference"]) == ("7", "PAYER123")


PROPERTY_CASUALTY_CASES = [
    pytest.param(PayerKind.AUTO_PIP, "1", "C-77a", True, id="pip"),
    pytest.param(PayerKind.AUTO_MEDPAY, "1", "C-77a", True, id="medpay"),
    pytest.param(PayerKind.AUTO_LIABILITY, "1", "C-77a", True, id="liability"),
    pytest.param(PayerKind.WORKERS_COMP, "1", "C-77a", True, id="workers-comp"),
    pytest.param(PayerKind.WORKERS_COMP, "7", "C-77a", True, id="workers-comp-replacement"),
    pytest.param(PayerKind.AUTO_PIP, "8", "C-77a", True, id="pip-void"),
    pytest.param(PayerKind.WORKERS_COMP, "1", None, False, id="workers-comp-without-number"),
    pytest.param(PayerKind.COMMERCIAL, "1", "C-77a", False, id="health-plan"),
    pytest.param(PayerKind.MEDICARE, "7", "C-77a", False, id="medicare-replacement"),
]


@pytest.mark.parametrize(("kind", "frequency", "number", "printed"), PROPERTY_CASUALTY_CASES)
def test_box11b_carries_the_carriers_claim_number_with_qualifier_y4(
    kind: PayerKind, frequency: str, number: str | None, printed: bool
) -> None:
    # given an auto or workers' comp claim (an original, a replacement or a void)
    claim = FormClaim(
        visit(payer=Payer(name="P", payer_id="P1", kind=kind, claim_number=number)),
        ONE_LINE,
        frequency=frequency,
        original_reference="PCN-31" if frequency != "1" else None,
    )
    # when
    values = values_of(claim)
    # then box 11b says Y4 and the number, while box 22 keeps the replaced claim's number
    expected = ("Y4", number) if printed else (None, None)
    assert (values.get("11b.qualifier"), values.get("11b")) == expected
    assert values.get("22.reference") == ("PCN-31" if frequency != "1" else None)


@pytest.mark.parametrize(
    ("initial", "plan_start", "box15"),
    [
        pytest.param(dt.date(2026, 1, 12), True, "01 12 26", id="initial-treatment-date"),
        pytest.param(None, True, "02 03 26", id="plan-of-care-start"),
        pytest.param(dt.date(2026, 1, 12), False, "01 12 26", id="without-a-plan"),
        pytest.param(None, False, None, id="neither"),
    ],
)
def test_box15_prints_the_initial_treatment_date(
    initial: dt.date | None, plan_start: bool, box15: str | None
) -> None:
    changes: dict[str, object] = {"initial_treatment": initial}
    if not plan_start:
        changes["plan_of_care"] = None
    values = values_of(FormClaim(visit(**changes), ONE_LINE))
    assert values.get("15.date") == box15
    assert values.get("15.qualifier") == ("454" if box15 else None)


EASTSIDE = Address("4410 SE Division St", "Portland", "OR", "972061502")


@pytest.mark.parametrize(
    ("facility", "name", "street", "npi"),
    [
        pytest.param(None, "RIVERSIDE PHYSICAL THERAPY", "100 MAIN ST", "1234567893", id="none"),
        pytest.param(
            ServiceFacility("Eastside", EASTSIDE, "1306849450"),
            "EASTSIDE",
            "4410 SE DIVISION ST",
            "1306849450",
            id="elsewhere",
        ),
        pytest.param(
            ServiceFacility("Eastside", EASTSIDE), "EASTSIDE", "4410 SE DIVISION ST", None,
            id="elsewhere-without-npi",
        ),
        pytest.param(
            ServiceFacility("Main", Address("100 Main St.", "Portland", "OR", "97201-1234")),
            "RIVERSIDE PHYSICAL THERAPY",
            "100 MAIN ST",
            "1234567893",
            id="at-the-billing-address",
        ),
    ],
)  # fmt: skip
def test_box32_names_where_the_visit_took_place(
    facility: ServiceFacility | None, name: str, street: str, npi: str | None
) -> None:
    values = values_of(FormClaim(visit(service_facility=facility), ONE_LINE))
    assert (values["32.name"].upper(), values["32.street"].upper()) == (name, street)
    assert values.get("32a") == npi
    assert values["33.name"].upper() == "RIVERSIDE PHYSICAL THERAPY"


def too_many_modifiers() -> ClaimLine:
    return line(0, "97110", "45.00", modifiers=("GP", "KX", "59", "AT", "CQ"))


REFUSALS = [
    ("self-pay", {"payer": Payer("SELF", "-", PayerKind.SELF_PAY)}, None, {}, "box 1: payer kind"),
    (
        "13-diagnoses",
        {"diagnoses": tuple(f"M{n}.9" for n in range(10, 23))},
        None,
        {},
        "box 21: 13 diagnoses",
    ),
    (
        "pointer-past-21",
        {},
        (line(0, "97110", "1.00", diagnosis_pointers=(2,)),),
        {},
        "24 line 1: diagnosis pointer 2",
    ),
    ("five-modifiers", {}, (too_many_modifiers(),), {}, "24 line 1: 5 modifiers"),
    ("no-lines", {}, (), {}, "box 24: the claim has no"),
    ("long-account-number", {"id": "visit-0123456789abc"}, None, {}, "box 26: 19 characters"),
    (
        "auto-without-state",
        {"accident": Accident(AccidentKind.AUTO)},
        None,
        {},
        "box 10b: an auto accident needs",
    ),
    ("void-without-reference", {}, None, {"frequency": "8"}, "box 22: frequency 8 needs"),
    ("unknown-frequency", {}, None, {"frequency": "5"}, "box 22: frequency '5'"),
    ("fractional-cent", {}, (line(0, "97110", "1.005"),), {}, "24 line 1: amount 1.005"),
]


@pytest.mark.parametrize(
    ("visit_changes", "lines", "claim_changes", "where"),
    [r[1:] for r in REFUSALS],
    ids=[r[0] for r in REFUSALS],
)
def test_claims_the_form_cannot_carry_are_refused_without_phi(
    visit_changes: dict[str, object],
    lines: tuple[ClaimLine, ...] | None,
    claim_changes: dict[str, object],
    where: str,
) -> None:
    # given
    given = visit(**visit_changes)
    claim = FormClaim(given, ONE_LINE if lines is None else lines, **claim_changes)  # type: ignore[arg-type]
    # when
    with pytest.raises(FormError) as raised:
        render_cms1500([claim], mode=FormMode.FULL, printed_on=PRINTED_ON)
    # then
    message = str(raised.value)
    assert message.startswith(f"visit {given.id}: CMS-1500 ")
    assert where in message
    assert "DOE" not in message
    assert "1EG4TE5MK73" not in message


# --- the command ----------------------------------------------------------------------------


def write_visits(path: Path, *visits: Visit) -> Path:
    path.write_text(json.dumps([visit_to_dict(v) for v in visits]), encoding="utf-8")
    return path


def test_cli_prints_clean_visits_to_one_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given two clean visits
    source = write_visits(tmp_path / "visits.json", visit(), visit(id="v-2"))
    output = tmp_path / "out.pdf"
    # when
    status = main(["form", "cms1500", "-o", str(output), "--date", "2026-03-11", str(source)])
    # then
    out, err = capsys.readouterr()
    assert status == 0
    assert err == ""
    assert out == f"{output}: 2 claims on 2 pages (full)\n"
    pages = boxes_by_page(output.read_bytes())
    assert [(p["26"], p["24d.code#1"], p["24d.modifier1#1"]) for p in pages] == [
        ("v-1", "97110", "GP"),
        ("v-2", "97110", "GP"),
    ]
    assert pages[0]["31.date"] == "03 11 26"


def test_cli_refuses_visits_with_error_findings_and_prints_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a clean visit and one whose only line points past box 21
    broken = visit(service(diagnosis_pointers=(3,)), id="v-bad")
    source = write_visits(tmp_path / "visits.json", visit(), broken)
    output = tmp_path / "out.pdf"
    # when
    status = main(
        ["form", "cms1500", "--data-only", "--date", "2026-03-11", "-o", str(output), str(source)]
    )
    # then
    out, err = capsys.readouterr()
    assert status == 1
    assert "visit v-bad: NOT CLEAN" in err
    assert "DOE" not in err
    assert out == f"{output}: 1 claims on 1 pages (data_only)\n"
    assert [p["26"] for p in boxes_by_page(output.read_bytes())] == ["v-1"]


def test_cli_bad_input_exits_2_and_writes_nothing_when_nothing_is_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    source = tmp_path / "broken.json"
    source.write_text("{not json", encoding="utf-8")
    output = tmp_path / "out.pdf"
    # when
    status = main(["form", "cms1500", "-o", str(output), str(source)])
    # then
    _, err = capsys.readouterr()
    assert status == 2
    assert "not valid JSON" in err
    assert "no form written" in err
    assert not output.exists()


def test_cli_bad_date_is_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # given / when
    status = main(["form", "cms1500", "--date", "11/03/2026", "x.json"])
    # then
    _, err = capsys.readouterr()
    assert status == 2
    assert err.count("\n") == 1
