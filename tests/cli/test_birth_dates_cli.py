"""A visit whose patient or subscriber was born before 1900 or after the visit is refused, by
the reader every command shares, with one line naming the field and never the date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleannote.cli.main import main
from cleannote.rules.visit_format import VisitFormatError, parse_visit

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "medicare-pt-follow-up.json"


def _visit(**birth_dates: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for who, born in birth_dates.items():
        person = data[who]
        assert isinstance(person, dict)
        person["birth_date"] = born
    return data


REFUSED = [
    ("patient-1899", {"patient": "1899-12-31"}, "patient.birth_date", "before 1900-01-01"),
    ("subscriber-1066", {"subscriber": "1066-10-14"}, "subscriber.birth_date", "before 1900"),
    ("patient-after-visit", {"patient": "2030-01-01"}, "patient.birth_date", "after the date"),
    ("subscriber-9999", {"subscriber": "9999-12-31"}, "subscriber.birth_date", "after the date"),
]
ACCEPTED = [
    ("first-day-accepted", {"patient": "1900-01-01", "subscriber": "1900-01-01"}),
    ("born-on-the-day-of-service", {"patient": "DOS", "subscriber": "DOS"}),
]


@pytest.mark.parametrize(
    ("births", "field", "problem"),
    [c[1:] for c in REFUSED],
    ids=[c[0] for c in REFUSED],
)
def test_impossible_birth_dates_are_refused_without_echoing_them(births, field, problem):
    with pytest.raises(VisitFormatError) as raised:
        parse_visit(_visit(**births))
    assert raised.value.field == field
    assert problem in raised.value.problem
    for born in births.values():
        assert born not in str(raised.value)


@pytest.mark.parametrize("births", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_birth_dates_at_the_edges_are_accepted(births):
    data = _visit()
    on = str(data["date_of_service"])
    visit = parse_visit(_visit(**{k: on if v == "DOS" else v for k, v in births.items()}))
    assert visit.patient.birth_date.isoformat() <= on


@pytest.mark.parametrize("command", [["scrub"], ["edi", "837"], ["form", "cms1500", "-o"]])
def test_every_command_refuses_it_with_one_line_and_exit_2(tmp_path, capsys, command):
    # given
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(_visit(patient="1850-06-01")), encoding="utf-8")
    argv = [*command, str(tmp_path / "form.pdf"), str(path)] if "-o" in command else [*command]
    if "-o" not in command:
        argv.append(str(path))
    # when
    status = main(argv)
    # then
    err = capsys.readouterr().err
    assert status == 2
    assert "patient.birth_date: before 1900-01-01" in err
    assert "1850" not in err
    assert not (tmp_path / "form.pdf").exists()
