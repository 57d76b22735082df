"""The FHIR R4 facade: metadata, read and search over one organisation's rows (ADR 0910)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.models import Claim
from cleannote.apps.fhir.search import RESOURCE_TYPES
from cleannote.apps.notes.models import Note
from cleannote.apps.patients.measure_actions import do_record_outcome_measure
from cleannote.apps.patients.models import CaseDiagnosis, Patient
from tests.apps.fhir.conftest import bearer, validate

TODAY = timezone.localdate()


@pytest.fixture
def chart(clinic, billing):
    """Pat's chart with a billed, paid visit, an outcome measure and a pain level."""
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    do_record_outcome_measure(
        actor,
        case=clinic.case,
        recorded_by=clinic.therapist,
        instrument_code="TUG",
        measured_on=TODAY - dt.timedelta(days=3),
        today=TODAY,
        answers=["14.2"],
    )
    do_record_outcome_measure(
        actor,
        case=clinic.case,
        recorded_by=clinic.therapist,
        instrument_code="PSFS",
        measured_on=TODAY - dt.timedelta(days=3),
        today=TODAY,
        answers=["4", "6"],
    )
    Note.objects.filter(pk=clinic.signed_note.pk).update(pain_level=4)
    claim = do_create_claim_from_note(billing.actor, billing.note, as_of=TODAY)
    claim.lines.update(paid_amount=Decimal("40.00"))
    Claim.objects.filter(pk=claim.pk).update(
        status="paid", paid_amount=Decimal("40.00"), adjudicated_on=TODAY
    )
    return clinic


def test_metadata_is_a_capability_statement_listing_every_resource(client, db):
    # when
    response = client.get("/fhir/r4/metadata")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    validate(body)
    served = {r["type"] for r in body["rest"][0]["resource"]}
    assert served == set(RESOURCE_TYPES)


def test_patients_with_a_token_are_a_searchset_bundle_whose_entries_validate(call):
    # when
    response = call("/fhir/r4/Patient?_count=5")
    # then
    assert response.status_code == 200
    bundle = response.json()
    validate(bundle)
    assert bundle["type"] == "searchset"
    assert [e["resource"]["name"][0]["family"] for e in bundle["entry"]] == ["Example"]
    for entry in bundle["entry"]:
        validate(entry["resource"])


@pytest.mark.parametrize(
    ("token_case", "headers"),
    [
        ("no header", {}),
        ("unknown token", bearer("nobody")),
        ("not bearer", {"HTTP_AUTHORIZATION": "Basic b2xpdmU6eA=="}),
    ],
)
def test_without_a_valid_token_the_answer_is_401_as_an_operation_outcome(
    client, tokens, token_case, headers
):
    response = client.get("/fhir/r4/Patient", **headers)
    assert response.status_code == 401, token_case
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    validate(body)
    assert body["resourceType"] == "OperationOutcome"


def test_a_token_without_the_read_scope_is_refused_403(call):
    response = call("/fhir/r4/Patient", "riverside-write")
    assert response.status_code == 403
    assert response.json()["issue"][0]["code"] == "forbidden"


def test_another_organisations_token_sees_none_of_these_patients(call, chart):
    pat = chart.patient
    # when Harbor's token searches and reads Riverside's patient and its record
    patients = call("/fhir/r4/Patient", "harbor-read").json()
    read = call(f"/fhir/r4/Patient/{pat.pk}", "harbor-read")
    claims = call(f"/fhir/r4/Claim?patient={pat.pk}", "harbor-read").json()
    # then it sees only Hal, and Pat is not found
    assert [e["resource"]["name"][0]["given"] for e in patients["entry"]] == [["Hal"]]
    assert read.status_code == 404
    assert read.json()["issue"][0]["code"] == "not-found"
    assert claims.get("entry", []) == []


@pytest.mark.parametrize("resource_type", sorted(RESOURCE_TYPES))
def test_every_resource_type_searched_and_read_validates(call, chart, resource_type):
    # when
    bundle = call(f"/fhir/r4/{resource_type}?_count=100").json()
    # then
    validate(bundle)
    assert bundle["entry"], f"no {resource_type} for the chart"
    for entry in bundle["entry"]:
        validate(entry["resource"])
    first = bundle["entry"][0]["resource"]
    read = call(f"/fhir/r4/{resource_type}/{first['id']}")
    assert read.status_code == 200
    assert read.json() == first


def test_observations_hold_outcome_scores_and_pain_levels_by_category(call, chart):
    surveys = call("/fhir/r4/Observation?category=survey").json()["entry"]
    exams = call(f"/fhir/r4/Observation?category=exam&patient={chart.patient.pk}").json()
    assert [e["resource"]["code"]["coding"][0]["code"] for e in surveys] == ["TUG", "PSFS"]
    assert surveys[0]["resource"]["valueQuantity"]["value"] == 14.2
    assert [e["resource"]["valueQuantity"]["value"] for e in exams["entry"]] == [4]


def test_pages_follow_next_links_across_sources_until_done(call, chart):
    # given two observations (one per source) and pages of one
    url = "/fhir/r4/Observation?_count=1"
    seen = []
    # when the client follows next links
    while url:
        bundle = call(url).json()
        seen += [e["resource"]["id"] for e in bundle.get("entry", [])]
        nexts = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
        url = nexts[0].removeprefix("http://testserver") if nexts else ""
    # then each is seen once, and the last page has no next link
    assert len(seen) == len(set(seen)) == 3
    assert [one[0] for one in seen] == ["m", "m", "p"]


def test_search_by_date_identifier_and_patient(call, chart):
    pat = chart.patient
    day = chart.signed_note.date_of_service
    on_day = call(f"/fhir/r4/Encounter?patient=Patient/{pat.pk}&date={day}").json()
    after = call(f"/fhir/r4/Encounter?date=gt{TODAY}").json()
    by_chart = call(f"/fhir/r4/Patient?identifier=urn:cleannote:chart-number|{pat.chart_number}")
    other_system = call(f"/fhir/r4/Patient?identifier=urn:x|{pat.chart_number}").json()
    assert [e["resource"]["id"] for e in on_day["entry"]] == [str(chart.signed_note.pk)]
    assert after.get("entry", []) == []
    assert by_chart.json()["entry"][0]["resource"]["id"] == str(pat.pk)
    assert other_system.get("entry", []) == []
    code = CaseDiagnosis.objects.filter(case=chart.case).values_list("code", flat=True).first()
    conditions = call(f"/fhir/r4/Condition?patient={pat.pk}&code={code}").json()
    assert len(conditions["entry"]) == 1


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/fhir/r4/Encounter?date=yesterday", "date"),
        ("/fhir/r4/Encounter?date=2026-02-30", "date"),
        ("/fhir/r4/Encounter?patient=Pat", "patient"),
        ("/fhir/r4/Encounter?_count=many", "_count"),
        ("/fhir/r4/Patient?colour=blue", "colour"),
        ("/fhir/r4/Observation?_after=z9", "_after"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(call, url, parameter):
    response = call(url)
    assert response.status_code == 400
    issue = response.json()["issue"][0]
    assert issue["code"] == "invalid"
    assert issue["expression"] == [parameter]


def test_an_unknown_type_or_id_is_a_404_outcome(call):
    assert call("/fhir/r4/Medication").status_code == 404
    assert call("/fhir/r4/Patient/999999").status_code == 404
    assert call("/fhir/r4/Observation/x1").status_code == 404


def test_each_search_and_read_of_patient_data_is_audited(call, chart):
    pat: Patient = chart.patient
    call("/fhir/r4/Patient?name=Exa")
    call(f"/fhir/r4/Patient/{pat.pk}")
    search, read = AuditEvent.objects.filter(object_type="fhir.Patient").order_by("pk")
    assert search.action == "search"
    assert list(search.shown_patients.values_list("patient_id", flat=True)) == [pat.pk]
    assert read.action == "view"
    assert read.patient_id == pat.pk
    assert read.actor_username.startswith("api token ")


def test_a_page_is_bounded(call, chart):
    bundle = call("/fhir/r4/Patient?_count=100000").json()
    assert "_count=100000" in bundle["link"][0]["url"]
    assert len(bundle["entry"]) == 1


def test_questionnaire_responses_only_for_free_questionnaires_with_their_answers(call, chart):
    # given a timed test (TUG) and a free questionnaire (PSFS) on the chart
    # when
    bundle = call("/fhir/r4/QuestionnaireResponse").json()
    # then only the questionnaire's answers leave, with its score
    (entry,) = bundle["entry"]
    items = entry["resource"]["item"]
    assert [i["linkId"] for i in items] == ["PSFS-1", "PSFS-2", "PSFS-score"]
    assert items[-1]["answer"] == [{"valueDecimal": 5.0}]
