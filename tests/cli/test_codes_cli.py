"""`cleannote codes`: list, show and modifiers, in text and JSON."""

from __future__ import annotations

import json

import pytest

from cleannote.cli.main import main

FIELDS = [
    "code",
    "descriptor",
    "timed",
    "unit",
    "disciplines",
    "medicare_therapy",
    "medicare_status",
    "medicare_replacement",
    "mue",
    "documentation",
    "needs_justification",
    "guidance",
    "rtm",
    "sources",
]
NOT_APPLICABLE_ALLOWED = {"medicare_replacement", "rtm"}


def test_list_json_has_sixty_codes_with_every_attribute_filled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # when
    status = main(["codes", "list", "--json"])
    # then
    assert status == 0
    entries = json.loads(capsys.readouterr().out)
    assert len(entries) >= 60
    for entry in entries:
        assert list(entry) == FIELDS, entry["code"]
        for field, value in entry.items():
            if value is None:
                assert field in NOT_APPLICABLE_ALLOWED, (entry["code"], field)
            else:
                assert value not in ("", [], {}), (entry["code"], field)
    by_code = {e["code"]: e for e in entries}
    assert by_code["97014"]["medicare_replacement"] == "G0283"
    assert by_code["98985"]["rtm"]["device_days"] == [2, 15]


def test_list_text_is_a_table_with_one_line_per_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # when
    status = main(["codes", "list"])
    # then
    lines = capsys.readouterr().out.splitlines()
    assert status == 0
    assert lines[0].split()[:6] == [
        "CODE",
        "TIMED/UNIT",
        "DISCIPLINES",
        "MEDICARE",
        "STATUS",
        "MUE",
    ]
    row = next(line for line in lines if line.startswith("97014 "))
    assert "untimed/service" in row
    assert "invalid->G0283" in row
    row = next(line for line in lines if line.startswith("97110 "))
    assert row.split()[1:5] == ["timed/15", "minutes", "CHIRO,OT,PT", "always"]
    assert len(lines) >= 61


def test_show_text_lists_every_attribute(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    status = main(["codes", "show", "97530"])
    # then
    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith("97530  Therapeutic activities")
    for fragment in (
        "timed: yes (15 minutes)",
        "MUE per day: 6",
        "Medicare therapy code: always",
        "documentation: activity, components, skilled_direction, goal",
        "guidance: ",
        "rules-facts §5",
    ):
        assert fragment in out


def test_show_json_for_an_rtm_code(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    status = main(["codes", "show", "98979", "--json"])
    # then
    entry = json.loads(capsys.readouterr().out)
    assert status == 0
    assert entry["rtm"] == {
        "role": "management",
        "family": None,
        "device_days": None,
        "management_minutes_floor": 10,
    }
    assert entry["medicare_therapy"] == "sometimes"


def test_show_unknown_code_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    status = main(["codes", "show", "99213"])
    # then
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "99213" in captured.err


def test_modifiers_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    assert main(["codes", "modifiers"]) == 0
    text = capsys.readouterr().out
    assert main(["codes", "modifiers", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    # then
    assert text.splitlines()[0].split()[:2] == ["GP", "discipline"]
    assert {e["code"] for e in entries} >= {"GP", "GO", "GN", "CQ", "CO", "59", "KX", "AT"}
    assert all(e["meaning"] and e["applies_when"] and e["kind"] and e["sources"] for e in entries)


def test_codes_without_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codes"]) == 2
    assert capsys.readouterr().err.startswith("cleannote: error:")
