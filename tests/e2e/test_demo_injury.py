"""The demo's personal-injury cases (ADRs 0770, 0771): an auto-accident case whose PIP limit is
nearly used up by posted payments, flagged on a booked visit, and a letter-of-protection case
with its lien ledger settled to a zero balance, its packet a PDF."""

from __future__ import annotations

import io
from decimal import Decimal

from django.urls import reverse
from pypdf import PdfReader

from cleannote.apps.injury.models import LienKind, Settlement
from cleannote.apps.injury.selectors import lien_balance, lien_ledger
from cleannote.apps.organisations.models import Staff
from cleannote.apps.patients.benefit_limits import pip_use
from cleannote.apps.patients.models import Case
from cleannote.apps.scheduling.forward_flags import flags_for
from cleannote.apps.scheduling.models import Appointment
from tests.e2e.conftest import DEMO_TODAY, Demo
from tests.personas import client_for


def test_the_demo_shows_a_pip_limit_nearly_used_and_a_settled_lien(standard_demo: Demo):
    demo = standard_demo
    # the PIP case: payments posted, a little left, the booked visit that passes it flagged
    case = Case.objects.get(patient__organisation=demo.organisation, pip_medpay_limit__isnull=False)
    use = pip_use(case)
    assert use is not None
    assert Decimal("0") < use.paid < use.limit
    assert Decimal("0") < use.remaining < use.limit - use.paid + Decimal("0.01")
    ahead = Appointment.objects.filter(patient=case.patient, start__date__gt=DEMO_TODAY)
    flags = flags_for(demo.organisation, ahead, DEMO_TODAY)
    assert any(f.kind.value == "pip-limit" for row in flags.values() for f in row)
    # the letter-of-protection case: charged at the full fee, settled, nothing left
    settlement = Settlement.objects.get(case__patient__organisation=demo.organisation)
    lop = settlement.case
    assert lop.coverage is not None
    assert lop.coverage.kind == "auto_liability"
    ledger = lien_ledger(lop)
    assert lien_balance(lop.pk) == ledger.balance == Decimal("0.00")
    assert ledger.totals[LienKind.CHARGE] == settlement.balance_before > 0
    assert settlement.write_off > 0
    assert settlement.reduction + settlement.payment + settlement.write_off == (
        settlement.balance_before
    )
    # the biller opens the ledger and the attorney packet
    biller = Staff.objects.get(organisation=demo.organisation, user__username="demo-biller")
    client = client_for(biller)
    page = client.get(reverse("injury:ledger", args=[lop.pk])).content.decode()
    assert 'id="lien-balance">$0.00' in page
    packet = client.get(reverse("injury:packet", args=[lop.pk]))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(packet.content)).pages)
    assert lop.attorney_name in text
    assert "Lien ledger" in text
