"""The demo shows outcome measures: a PT case with three real LEFS measurements and the
progress report that draws them."""

from __future__ import annotations

from cleannote.apps.notes.models import Note
from cleannote.apps.patients.models import OutcomeMeasureResult
from cleannote.rules.note_types import NoteType
from tests.e2e.conftest import Demo
from tests.personas import client_for


def test_the_demo_has_three_lefs_measurements_and_a_progress_report_showing_them(demo: Demo):
    # given the demo as the browser tests load it
    # then one case has three LEFS measurements, 31 then 39 then 48 of 80
    results = list(OutcomeMeasureResult.objects.order_by("measured_on"))
    assert [(r.instrument, int(r.score)) for r in results] == [
        ("LEFS", 31),
        ("LEFS", 39),
        ("LEFS", 48),
    ]
    case = results[0].case
    report = Note.objects.get(case=case, date_of_service=results[-1].measured_on)
    assert report.note_type == NoteType.PROGRESS_REPORT
    # and the report's page draws the three and says the change meets the MCID
    html = client_for(report.therapist).get(f"/notes/{report.pk}/").content.decode()
    assert html.count("<circle") == 3
    assert "better by 17 points: meets the MCID of 9" in html
