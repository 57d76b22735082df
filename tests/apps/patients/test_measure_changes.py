"""Correcting or removing an outcome-measure result entered wrongly (ADR 0592): a new value
scored as recording scores it, or a soft removal; each with its reason in the audit trail, by
the clinician who recorded it or one who treats the case, and the chart of scores follows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.notes.note_reading import progress_measures
from cleannote.apps.patients.measure_actions import (
    MeasureRecordError,
    do_correct_outcome_measure,
    do_record_outcome_measure,
    do_remove_outcome_measure,
)
from cleannote.apps.patients.measure_chart import measure_series
from cleannote.apps.patients.models import OutcomeMeasureResult
from tests.apps.patients.test_outcome_measures import LEFS_44, _actor, _record
from tests.personas import TODAY, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(clinic):
    """LEFS 30, then 28 typed for 38 (a slip), then 44."""
    return [
        _record(clinic, days_ago=19, total="30"),
        _record(clinic, days_ago=10, total="28"),
        _record(clinic, days_ago=2, total="44"),
    ]


def _scores(clinic) -> list[Decimal]:
    (series,) = measure_series(clinic.case.outcome_measures.all())
    return [p.score for p in series.points]


def test_a_correction_rescores_the_result_with_its_reason_in_the_audit_trail(clinic, three):
    # when the therapist corrects the middle result to 38
    do_correct_outcome_measure(
        _actor(clinic.therapist),
        three[1],
        staff=clinic.therapist,
        reason="typed 28 for 38",
        total="38",
    )

    # then the chart of scores reads the corrected score, and the audit row says why
    assert _scores(clinic) == [Decimal(30), Decimal(38), Decimal(44)]
    event = AuditEvent.objects.filter(object_type="outcome_measure.score").get()
    assert (event.action, event.object_id, event.reason) == (
        "update",
        str(three[1].pk),
        "typed 28 for 38",
    )
    assert event.patient_id == clinic.patient.pk


def test_a_correction_from_the_answers_is_scored_by_the_core(clinic, three):
    do_correct_outcome_measure(
        _actor(clinic.therapist),
        three[1],
        staff=clinic.therapist,
        reason="the form's answers",
        answers=LEFS_44.split(),
    )
    three[1].refresh_from_db()
    assert three[1].score == Decimal(44)
    assert three[1].answers == LEFS_44.split()


def test_a_removed_result_leaves_the_chart_the_trend_and_reports_but_not_the_trail(clinic, three):
    # when the therapist removes the middle result
    do_remove_outcome_measure(
        _actor(clinic.therapist),
        three[1],
        staff=clinic.therapist,
        reason="another patient's form",
        at=timezone.now(),
    )

    # then the chart and a progress report read two results, and the row stays with who and why
    assert _scores(clinic) == [Decimal(30), Decimal(44)]
    assert OutcomeMeasureResult.objects.filter(case=clinic.case).count() == 2
    kept = OutcomeMeasureResult.with_removed.get(pk=three[1].pk)
    assert (kept.removed_by, kept.removal_reason) == (clinic.therapist, "another patient's form")
    assert kept.removed_at is not None
    note = clinic.draft_note
    note.date_of_service = TODAY
    assert [p.score for s in progress_measures(note) for p in s.points] == [30, 44]
    event = AuditEvent.objects.filter(object_type="outcome_measure", action="delete").get()
    assert (event.object_id, event.reason) == (str(three[1].pk), "another patient's form")


@pytest.mark.parametrize(
    ("change", "kwargs", "field", "message"),
    [
        ("correct", {"reason": "", "total": "38"}, "reason", "Say why"),
        ("correct", {"reason": "slip", "total": "81"}, "total", "80"),
        ("correct", {"reason": "slip"}, "answers", "answers or its total"),
        ("correct", {"reason": "slip", "total": "38", "answers": ["1"]}, "total", "not both"),
        ("remove", {"reason": "   "}, "reason", "Say why"),
    ],
    ids=["no-reason", "out-of-range", "no-value", "both", "blank-reason"],
)
def test_refusals_name_the_field_and_change_nothing(clinic, three, change, kwargs, field, message):
    action = do_correct_outcome_measure if change == "correct" else do_remove_outcome_measure
    extra = {"at": timezone.now()} if change == "remove" else {}
    with pytest.raises(MeasureRecordError) as refused:
        action(_actor(clinic.therapist), three[1], staff=clinic.therapist, **kwargs, **extra)
    assert refused.value.field == field
    assert message in str(refused.value)
    assert _scores(clinic) == [Decimal(30), Decimal(28), Decimal(44)]
    assert not AuditEvent.objects.filter(object_type__startswith="outcome_measure.").exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("therapist", True), ("owner", True), ("assistant", False), ("front_desk", False)],
)
def test_who_may_change_a_result_someone_else_recorded(clinic, three, who, allowed):
    staff = getattr(clinic, who)
    change = {"staff": staff, "reason": "slip", "total": "38"}
    if allowed:
        do_correct_outcome_measure(_actor(staff), three[1], **change)
        assert _scores(clinic)[1] == Decimal(38)
    else:
        with pytest.raises(MeasureRecordError):
            do_correct_outcome_measure(_actor(staff), three[1], **change)


def test_the_assistant_who_recorded_a_result_may_correct_it(clinic):
    mine = do_record_outcome_measure(
        _actor(clinic.assistant),
        case=clinic.case,
        recorded_by=clinic.assistant,
        instrument_code="TUG",
        measured_on=TODAY,
        today=TODAY,
        answers=["14.2"],
    )
    do_correct_outcome_measure(
        _actor(clinic.assistant), mine, staff=clinic.assistant, reason="misread", answers=["12.4"]
    )
    mine.refresh_from_db()
    assert mine.score == Decimal("12.4")


def test_the_page_corrects_then_removes_and_the_chart_follows(clinic, three):
    client = client_for(clinic.therapist)
    url = f"/patients/{clinic.patient.pk}/cases/{clinic.case.pk}/measures/{three[1].pk}/"
    chart_url = f"/patients/{clinic.patient.pk}/"
    assert f'href="{url}"' in client.get(chart_url).content.decode()
    assert client.get(url).status_code == 200

    # a refusal stays on the page at its field
    refused = client.post(url, {"action": "correct", "correct-total": "38", "correct-reason": ""})
    assert refused.status_code == 422
    assert "This field is required." in refused.content.decode()

    # correct
    done = client.post(url, {"action": "correct", "correct-total": "38", "correct-reason": "slip"})
    assert done.status_code == 302
    assert done.url == f"{chart_url}#measures-{clinic.case.pk}"
    assert _scores(clinic) == [Decimal(30), Decimal(38), Decimal(44)]

    # remove
    gone = client.post(url, {"action": "remove", "remove-reason": "wrong patient"})
    assert gone.status_code == 302
    assert _scores(clinic) == [Decimal(30), Decimal(44)]
    assert f'href="{url}"' not in client.get(chart_url).content.decode()
    assert client.get(url).status_code == 404


def test_the_page_is_not_for_front_desk_another_clinic_or_an_assistant(clinic, other_clinic, three):
    url = f"/patients/{clinic.patient.pk}/cases/{clinic.case.pk}/measures/{three[1].pk}/"
    assert client_for(clinic.front_desk).get(url).status_code == 403
    assert client_for(other_clinic.therapist).get(url).status_code == 404
    assert client_for(clinic.assistant).get(url).status_code == 403
