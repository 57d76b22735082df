"""FHIR search's `_sort`, `_total` and `_include`, and the 400 naming a parameter it cannot
follow (ADR 0914)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.notes.actions import do_start_note
from cleannote.apps.notes.models import Note
from cleannote.apps.patients.measure_actions import do_record_outcome_measure
from tests.apps.fhir.conftest import validate

TODAY = timezone.localdate()


@pytest.fixture
def visits(clinic):
    """Pat's three visits: the clinic's two (2 and 1 days ago) and one 10 days ago, made last,
    so id order and date order differ."""
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY - dt.timedelta(days=10),
    )
    return clinic


def _pages(call, url: str) -> list[dict]:
    """Every entry, following next links."""
    entries: list[dict] = []
    while url:
        bundle = call(url).json()
        entries += bundle.get("entry", [])
        nexts = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
        url = nexts[0].removeprefix("http://testserver") if nexts else ""
    return entries


def _dates(entries: list[dict]) -> list[str]:
    return [e["resource"]["period"]["start"][:10] for e in entries]


@pytest.mark.parametrize(
    ("sort", "days_ago"),
    [("date", [10, 2, 1]), ("-date", [1, 2, 10]), ("", None), ("-_id", None)],
)
def test_encounters_sorted_by_date_or_id_page_in_that_order(call, visits, sort, days_ago):
    # when the client pages one at a time in the order asked
    query = f"&_sort={sort}" if sort else ""
    entries = _pages(call, f"/fhir/r4/Encounter?patient={visits.patient.pk}&_count=1{query}")
    # then each is seen once, in that order
    ids = [int(e["resource"]["id"]) for e in entries]
    assert len(set(ids)) == 3
    if days_ago is not None:
        expected = [(TODAY - dt.timedelta(days=d)).isoformat() for d in days_ago]
        assert _dates(entries) == expected
    else:
        assert ids == sorted(ids, reverse=sort == "-_id")


def test_observations_from_two_sources_merge_in_date_order(call, clinic):
    # given two outcome measures around a visit's pain level
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    for days, code, answers in ((3, "TUG", ["14.2"]), (1, "TUG", ["12.0"])):
        do_record_outcome_measure(
            actor,
            case=clinic.case,
            recorded_by=clinic.therapist,
            instrument_code=code,
            measured_on=TODAY - dt.timedelta(days=days),
            today=TODAY,
            answers=answers,
        )
    Note.objects.filter(pk=clinic.signed_note.pk).update(pain_level=4)
    # when
    entries = _pages(call, "/fhir/r4/Observation?_sort=-date&_count=1")
    # then newest first across both sources: measure, pain level, measure
    assert [e["resource"]["id"][0] for e in entries] == ["m", "p", "m"]
    assert [e["resource"]["effectiveDateTime"][:10] for e in entries] == [
        (TODAY - dt.timedelta(days=d)).isoformat() for d in (1, 2, 3)
    ]


@pytest.mark.parametrize(("total", "expected"), [("accurate", 3), ("none", None), ("", None)])
def test_total_counts_every_match_only_when_asked(call, visits, total, expected):
    query = f"&_total={total}" if total else ""
    bundle = call(f"/fhir/r4/Encounter?_count=1{query}").json()
    validate(bundle)
    assert bundle.get("total") == expected
    assert len(bundle["entry"]) == 1


@pytest.mark.parametrize(
    ("url", "included"),
    [
        ("/fhir/r4/Encounter?_include=Encounter:patient", "Patient"),
        ("/fhir/r4/Coverage?_include=Coverage:beneficiary", "Patient"),
        ("/fhir/r4/Encounter?_include=Encounter:patient:Patient", "Patient"),
    ],
)
def test_include_adds_each_referenced_resource_once_as_mode_include(call, visits, url, included):
    # when
    bundle = call(url).json()
    # then the matches come first, then Pat once, marked include, and all validate
    validate(bundle)
    modes = [e["search"]["mode"] for e in bundle["entry"]]
    assert modes[-1] == "include"
    assert modes.count("include") == 1
    last = bundle["entry"][-1]
    assert last["resource"]["resourceType"] == included
    assert last["resource"]["id"] == str(visits.patient.pk)
    assert last["fullUrl"].endswith(f"/fhir/r4/Patient/{visits.patient.pk}")
    # and the audit row names the patient shown
    event = AuditEvent.objects.filter(action="search").latest("pk")
    assert visits.patient.pk in event.shown_patient_ids()


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("Encounter?_sort=name", "_sort"),
        ("Encounter?_total=maybe", "_total"),
        ("Encounter?_include=Encounter:practitioner", "_include"),
        ("Encounter?_include=Patient:link", "_include"),
        ("Encounter?_include=Encounter:patient:Group", "_include"),
        ("Encounter?_elements=id", "_elements"),
        ("Patient?_revinclude=Encounter:patient", "_revinclude"),
    ],
)
def test_a_parameter_it_cannot_follow_is_a_400_naming_it(call, clinic, query, parameter):
    response = call(f"/fhir/r4/{query}")
    assert response.status_code == 400
    body = response.json()
    validate(body)
    assert body["issue"][0]["expression"] == [parameter]


def test_the_capability_statement_says_what_sort_total_and_include_do(client, db):
    statement = client.get("/fhir/r4/metadata").json()
    validate(statement)
    by_type = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert by_type["Encounter"]["searchInclude"] == ["Encounter:patient"]
    assert by_type["ExplanationOfBenefit"]["searchInclude"] == [
        "ExplanationOfBenefit:patient",
        "ExplanationOfBenefit:claim",
    ]
    assert "searchInclude" not in by_type["Practitioner"]
    encounter = {p["name"]: p for p in by_type["Encounter"]["searchParam"]}
    assert "_id, date" in encounter["_sort"]["documentation"]
    assert encounter["_total"]["type"] == "token"


@pytest.mark.parametrize(
    ("query", "status"),
    [("_after=999999", 200), ("_sort=birthdate&_after=999999", 400)],
)
def test_an_id_position_stands_without_its_row_a_date_position_needs_it(
    call, clinic, query, status
):
    """In id order the id is the whole position (a row removed since the last page still
    marks it); in date order the row's date is looked up, so a missing row is a 400."""
    response = call(f"/fhir/r4/Patient?{query}")
    assert response.status_code == status
    if status == 200:
        assert response.json().get("entry", []) == []
