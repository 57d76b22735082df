"""The demo clinic `make run` loads: every discipline, with the default number of patients.

The other demo tests load a handful of patients for speed, which never reached the massage
patients; a scope rule that refused their plan of care broke `make run` unseen.
"""

from __future__ import annotations

from cleannote.apps.notes.models import Note
from cleannote.apps.patients.models import PlanOfCare
from tests.e2e.conftest import Demo


def test_the_default_demo_loads_every_discipline_within_scope(standard_demo: Demo):
    # given the demo as `make run` loads it (the loader's default patient count)
    demo = standard_demo
    # then every treating credential has signed notes, and no plan of care was established
    # by a credential the scope table refuses it to
    notes = Note.objects.filter(patient__organisation=demo.organisation, signed_at__isnull=False)
    credentials = set(notes.values_list("therapist__credential", flat=True))
    assert {"PT", "OT", "SLP", "DC", "LMT"} <= credentials
    # one plan per patient, the blocked charts' revised plan (ADR 0521), and the plan each of
    # the two remote-monitoring patients is enrolled under (web/demo_rtm.py, ADR 0570), and the
    # KX course's (web/demo_kx_course.py, ADR 0653), and the high modifier-59 course's
    # (web/demo_reports.py, ADR 0801), and the ABN patient's (web/demo_intake.py, ADR 0960)
    plans = PlanOfCare.objects.filter(case__patient__organisation=demo.organisation)
    assert plans.count() == 30 + 3 + 1 + 2 + 1 + 1 + 1
