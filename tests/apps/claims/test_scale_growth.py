"""`manage.py cleannote_scale` grows a clinic with distinct, realistic rows (ADR 0832)."""

import pytest

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.audit.selectors import verify_chain
from cleannote.apps.claims.models import Claim
from cleannote.apps.notes.models import Note
from cleannote.apps.patients.models import Patient
from cleannote.web.scale_database import grow
from tests.apps.claims.conftest import new_claim
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def test_growth_adds_distinct_patients_dates_and_amounts_in_proportion(billing):
    # given the clinic with a signed note and a claim to copy
    new_claim(billing)
    organisation = billing.clinic.organisation
    notes_before = Note.objects.count()
    claims_before = Claim.objects.count()

    # when 300 visits are added
    grown = grow(organisation, visits=300, today=TODAY, seed=7)

    # then the proportions of a group practice: 20 patients, ~295 notes, ~197 claims
    assert grown.patients == 20
    assert Note.objects.count() - notes_before == grown.notes == 295
    assert Claim.objects.count() - claims_before == grown.claims
    assert 150 <= grown.claims <= 240
    added = Patient.objects.filter(chart_number__startswith="S")
    assert added.count() == 20
    assert len(set(added.values_list("last_name", flat=True))) == 20
    new_notes = Note.objects.order_by("-id")[: grown.notes]
    assert len({n.date_of_service for n in new_notes}) > 150
    amounts = Claim.objects.order_by("-id")[: grown.claims].values_list("total_charge", flat=True)
    assert len(set(amounts)) > grown.claims // 2
    # and every note's audit rows are linked into the organisation's chain, which verifies
    assert grown.audit_events >= 4 * grown.notes
    assert not AuditEvent.objects.filter(organisation=organisation, sequence__isnull=True).exists()
    assert verify_chain(organisation) is None
