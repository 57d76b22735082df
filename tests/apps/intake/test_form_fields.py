"""The builder's field definitions and a patient's answers, checked without a database
(apps/intake/form_fields.py, ADR 0960)."""

from __future__ import annotations

import pytest

from cleannote.apps.intake.form_fields import (
    FieldType,
    FormDefinitionError,
    check_answers,
    read_fields,
    suggestions_of,
)

FIELDS = read_fields(
    [
        {"key": "street", "label": "Street address", "type": "text", "maps_to": "address_line1"},
        {
            "key": "pain",
            "label": "Pain now",
            "type": "scale",
            "low": 0,
            "high": 10,
            "required": True,
        },
        {"key": "side", "label": "Which side", "type": "choice", "choices": ["Left", "Right"]},
        {"key": "onset", "label": "When did it start", "type": "date"},
        {"key": "where", "label": "Where does it hurt", "type": "body_regions"},
        {"key": "lefs", "label": "LEFS total", "type": "text", "maps_to": "measure:LEFS"},
        {"key": "sign", "label": "Signature", "type": "signature", "required": True},
    ]
)


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        pytest.param([], "form", id="no-fields"),
        pytest.param([{"key": "1a", "label": "x", "type": "text"}], "field 1", id="bad-key"),
        pytest.param([{"key": "a", "label": "", "type": "text"}], "field 1", id="no-label"),
        pytest.param([{"key": "a", "label": "A", "type": "slider"}], "field 1", id="unknown-type"),
        pytest.param(
            [{"key": "a", "label": "A", "type": "choice", "choices": ["one"]}],
            "field 1",
            id="one-choice",
        ),
        pytest.param(
            [{"key": "a", "label": "A", "type": "scale", "low": 5, "high": 5}],
            "field 1",
            id="empty-scale",
        ),
        pytest.param(
            [{"key": "a", "label": "A", "type": "text", "maps_to": "blood_type"}],
            "field 1",
            id="unknown-chart-field",
        ),
        pytest.param(
            [
                {"key": "a", "label": "A", "type": "text"},
                {"key": "a", "label": "B", "type": "date"},
            ],
            "field 2",
            id="key-twice",
        ),
    ],
)
def test_a_definition_the_builder_cannot_publish_names_its_field(raw: object, where: str) -> None:
    with pytest.raises(FormDefinitionError) as refused:
        read_fields(raw)
    assert refused.value.where == where


def test_good_answers_are_cleaned_and_the_chart_fields_become_suggestions() -> None:
    # given every kind of answer
    given = {
        "street": ["  12   Elm St "],
        "pain": ["6"],
        "side": ["Left"],
        "onset": ["2026-11-02"],
        "where": ["low back", "left knee", "low back"],
        "lefs": ["52"],
        "sign": ["Pat Example"],
    }
    # when
    answers, problems = check_answers(FIELDS, given)
    # then
    assert problems == {}
    assert answers["street"] == "12 Elm St"
    assert answers["where"] == ["low back", "left knee"]  # diagram order, once each
    assert suggestions_of(FIELDS, answers) == [
        ("address_line1", "12 Elm St"),
        ("measure:LEFS", "52"),
    ]


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("pain", "11", "from 0 to 10"),
        ("side", "Both", "answers offered"),
        ("onset", "2 Nov", "YYYY-MM-DD"),
        ("where", "tail", "diagram"),
        ("lefs", "95", "out of range"),
        ("sign", "P", "full name"),
    ],
)
def test_a_wrong_answer_is_named_next_to_its_question(key: str, value: str, words: str) -> None:
    given = {"pain": ["3"], "sign": ["Pat Example"], key: [value]}
    _answers, problems = check_answers(FIELDS, given)
    assert list(problems) == [key]
    assert words in problems[key]


def test_required_questions_left_empty_are_named() -> None:
    _answers, problems = check_answers(FIELDS, {})
    assert sorted(problems) == ["pain", "sign"]
    assert FIELDS[4].type is FieldType.BODY_REGIONS
