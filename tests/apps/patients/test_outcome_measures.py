"""Outcome measures on a case: recorded through the core's scoring with an audit row, refused
with a message at the field, drawn on the chart from real measurements only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.patients.measure_actions import MeasureRecordError, do_record_outcome_measure
from cleannote.apps.patients.measure_chart import measure_series
from cleannote.apps.patients.models import OutcomeMeasureResult
from tests.personas import TODAY, client_for
from tests.rules.test_outcome_measures import LEFS_ANSWERS

pytestmark = pytest.mark.django_db

LEFS_44 = " ".join(LEFS_ANSWERS)


def _actor(staff) -> Actor:
    return Actor(user=staff.user, organisation=staff.organisation, ip_address="10.0.0.9")


def _record(clinic, *, days_ago: int, answers=(), total="", code="LEFS"):
    return do_record_outcome_measure(
        _actor(clinic.therapist),
        case=clinic.case,
        recorded_by=clinic.therapist,
        instrument_code=code,
        measured_on=TODAY - dt.timedelta(days=days_ago),
        today=TODAY,
        answers=list(answers),
        total=total,
    )


def test_recording_lefs_answers_scores_them_and_writes_an_audit_row(clinic) -> None:
    # given / when
    measure = _record(clinic, days_ago=3, answers=LEFS_44.split())
    # then
    assert measure.score == Decimal(44)
    assert measure.answers == LEFS_44.split()
    assert measure.instrument == "LEFS"
    event = AuditEvent.objects.filter(object_type="outcome_measure").get()
    assert event.object_id == str(measure.pk)
    assert event.patient_id == clinic.patient.pk


def test_a_licensed_total_is_kept_without_answers(clinic) -> None:
    measure = _record(clinic, days_ago=1, total="34", code="odi")
    assert measure.instrument == "ODI"
    assert measure.score == Decimal(34)
    assert measure.answers == []


@pytest.mark.parametrize(
    ("_case", "kwargs", "field", "message"),
    [
        (
            "19 answers",
            {"answers": LEFS_44.split()[:19]},
            "answers",
            "LEFS takes 20 answers, got 19",
        ),
        ("answer out of range", {"answers": [*LEFS_44.split()[:19], "7"]}, "answers", "answer 20"),
        ("total out of range", {"total": "81"}, "total", "LEFS value 81 is out of range"),
        ("both", {"answers": ["4"] * 20, "total": "80"}, "total", "not both"),
        ("neither", {}, "answers", "enter LEFS's answers or its total"),
        ("unknown", {"code": "WOMAC", "total": "3"}, "instrument", "unknown instrument 'WOMAC'"),
    ],
)
def test_refusals_name_the_field_and_save_nothing(clinic, _case, kwargs, field, message) -> None:
    with pytest.raises(MeasureRecordError) as caught:
        _record(clinic, days_ago=1, **kwargs)
    assert caught.value.field == field
    assert message in str(caught.value)
    assert not OutcomeMeasureResult.objects.exists()
    assert not AuditEvent.objects.filter(object_type="outcome_measure").exists()


def test_a_measure_is_not_dated_in_the_future_or_before_the_case(clinic) -> None:
    with pytest.raises(MeasureRecordError, match="future"):
        _record(clinic, days_ago=-1, total="40")
    with pytest.raises(MeasureRecordError, match="the case opened on"):
        _record(clinic, days_ago=400, total="40")


def test_front_desk_may_not_record(clinic) -> None:
    with pytest.raises(MeasureRecordError, match="may not record"):
        do_record_outcome_measure(
            _actor(clinic.front_desk),
            case=clinic.case,
            recorded_by=clinic.front_desk,
            instrument_code="LEFS",
            measured_on=TODAY,
            today=TODAY,
            total="40",
        )


def test_another_clinic_cannot_record_on_this_case(clinic, other_clinic) -> None:
    with pytest.raises(MeasureRecordError, match="not in this organisation"):
        do_record_outcome_measure(
            _actor(other_clinic.therapist),
            case=clinic.case,
            recorded_by=other_clinic.therapist,
            instrument_code="LEFS",
            measured_on=TODAY,
            today=TODAY,
            total="40",
        )


def test_series_change_since_the_first_and_the_mcid(clinic) -> None:
    # given three real LEFS measurements, oldest first out of order
    _record(clinic, days_ago=10, total="38")
    _record(clinic, days_ago=19, total="30")
    _record(clinic, days_ago=1, answers=LEFS_44.split())
    # when
    (series,) = measure_series(OutcomeMeasureResult.objects.all())
    # then
    assert [p.shown for p in series.points] == ["30/80", "38/80", "44/80"]
    assert series.points[1].change.summary == "better by 8 points: below the MCID of 9"
    assert series.change.summary == "better by 14 points: meets the MCID of 9"
    svg = str(series.svg)
    assert svg.startswith("<svg")
    assert svg.count("<circle") == 3
    assert 'aria-label="LEFS over time: 30/80 on' in svg
    assert "MCID</text>" in svg


def test_series_through_a_date_leaves_out_later_measurements(clinic) -> None:
    _record(clinic, days_ago=19, total="30")
    _record(clinic, days_ago=1, total="50")
    (series,) = measure_series(
        OutcomeMeasureResult.objects.all(), through=TODAY - dt.timedelta(days=2)
    )
    assert len(series.points) == 1
    assert series.change is None


def test_chart_shows_the_panel_and_the_svg(clinic) -> None:
    _record(clinic, days_ago=19, total="30")
    _record(clinic, days_ago=1, total="44")
    response = client_for(clinic.therapist).get(f"/patients/{clinic.patient.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="measures-{clinic.case.pk}"' in body
    assert "<svg" in body
    assert "better by 14 points: meets the MCID of 9" in body
    assert f'id="record-measure-{clinic.case.pk}"' in body


def test_front_desk_chart_has_no_measures(clinic) -> None:
    _record(clinic, days_ago=1, total="44")
    body = client_for(clinic.front_desk).get(f"/patients/{clinic.patient.pk}/").content.decode()
    assert "Outcome measures" not in body


def test_the_record_page_records_and_returns_to_the_chart(clinic) -> None:
    url = f"/patients/{clinic.patient.pk}/cases/{clinic.case.pk}/measures/new/"
    client = client_for(clinic.therapist)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"instrument": "LEFS", "measured_on": TODAY.isoformat(), "answers": LEFS_44, "total": ""},
    )
    assert response.status_code == 302
    assert response.url == f"/patients/{clinic.patient.pk}/#measures-{clinic.case.pk}"
    assert OutcomeMeasureResult.objects.get().score == Decimal(44)


def test_the_record_page_shows_a_refusal_at_its_field_and_keeps_the_answers(clinic) -> None:
    url = f"/patients/{clinic.patient.pk}/cases/{clinic.case.pk}/measures/new/"
    short = " ".join(LEFS_44.split()[:19])
    response = client_for(clinic.therapist).post(
        url, {"instrument": "LEFS", "measured_on": TODAY.isoformat(), "answers": short}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "LEFS takes 20 answers, got 19" in body
    assert f'value="{short}"' in body
    assert not OutcomeMeasureResult.objects.exists()


def test_the_record_page_is_not_for_front_desk_or_another_clinic(clinic, other_clinic) -> None:
    url = f"/patients/{clinic.patient.pk}/cases/{clinic.case.pk}/measures/new/"
    assert client_for(clinic.front_desk).get(url).status_code == 403
    assert client_for(other_clinic.therapist).get(url).status_code == 404
