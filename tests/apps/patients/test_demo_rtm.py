"""The demo clinic's two RTM patients (ADR 0570), built through the chart's actions: one whose
days came from the app's CSV with periods and months billable, one with the set-up and first
period on signed RTM notes."""

from __future__ import annotations

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.patients.models import RtmEnrolment
from cleannote.apps.patients.rtm_selectors import billing_of
from cleannote.rules.rtm import Standing
from tests.e2e.conftest import DEMO_TODAY, Demo


def test_demo_has_two_patients_in_remote_monitoring(demo: Demo):
    lena, victor = (
        RtmEnrolment.objects.filter(case__patient__organisation=demo.organisation)
        .order_by("start_date")
        .reverse()
    )
    # Lena: days imported from the app's CSV; set-up, period 1 and a month billable today
    assert set(lena.data_days.values_list("source", flat=True)) == {"imported"}
    assert AuditEvent.objects.filter(object_type="rtm-data", object_id=str(lena.pk)).exists()
    billing = billing_of(lena, DEMO_TODAY)
    codes = {line.code for line in billing.billable}
    assert "98975" in codes
    assert codes & {"98977", "98985"}
    assert codes & {"98979", "98980"}
    # Victor: set-up and period 1 on signed RTM notes, so not offered again
    notes = Note.objects.filter(rtm_enrolment=victor)
    assert set(notes.values_list("status", flat=True)) == {NoteStatus.SIGNED}
    billing = billing_of(victor, DEMO_TODAY)
    assert billing.setup.standing is Standing.ON_NOTE
    assert billing.periods[0].standing is Standing.ON_NOTE
    assert any(m.standing is Standing.NOT_BILLABLE for m in billing.months)
