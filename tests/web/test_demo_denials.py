"""The demo clinic's denial shows an appeal in progress, made through the actions (ADR 0730)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from cleannote.apps.claims.models import ClaimStatus
from cleannote.apps.remittance.denial_models import Denial, DenialState


@pytest.mark.django_db
def test_demo_denial_is_under_appeal_with_its_history(settings, tmp_path):
    settings.CLEANNOTE_OUTBOX_DIR = tmp_path / "outbox"
    call_command("cleannote_demo", "--patients", "3", "--today", "2026-03-16", stdout=None)
    denial = Denial.objects.select_related("claim").get()
    assert denial.state == DenialState.APPEALED
    assert denial.claim.status == ClaimStatus.APPEALED
    assert denial.assigned_to.user.username == "demo-biller"
    assert [a.step for a in denial.actions.all()] == ["assign", "appeal"]
    assert denial.claim.date_of_service < dt.date(2026, 3, 16) - dt.timedelta(days=20)
