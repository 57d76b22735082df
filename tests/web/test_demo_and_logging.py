"""The demo clinic loads once, and log lines never carry what a user typed into a search."""

import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from cleannote.apps.audit.selectors import verify_chain
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.patients.models import OutcomeMeasureResult, Patient
from cleannote.web.log_filters import StripQueryStrings


@pytest.mark.django_db
def test_demo_loads_once_and_prints_logins():
    # given an empty database / when the demo loads twice (small, to keep the test quick)
    first, second = io.StringIO(), io.StringIO()
    call_command("cleannote_demo", "--patients", "3", "--today", "2026-03-16", stdout=first)
    counts = (Organisation.objects.count(), Patient.objects.count(), Note.objects.count())
    call_command("cleannote_demo", "--patients", "3", "--today", "2026-03-16", stdout=second)
    # then the second run changes nothing and both print the logins
    assert (Organisation.objects.count(), Patient.objects.count(), Note.objects.count()) == counts
    # and the three blocked charts (ADR 0521) and the two RTM patients (ADR 0570)
    assert counts[:2] == (2, 4 + 3 + 2)
    assert counts[2] > 3
    assert "Loaded the demo clinic" in first.getvalue()
    assert "already has an organisation" in second.getvalue()
    assert "demo-owner" in second.getvalue()
    assert "cleannote-demo" in second.getvalue()
    roles = set(Staff.objects.values_list("role", flat=True))
    assert roles == {"owner", "therapist", "assistant", "front_desk", "biller", "manager"}
    assert "demo-manager" in second.getvalue()
    for organisation in Organisation.objects.all():
        assert verify_chain(organisation) is None
    # and a LEFS typed twice, removed with its reason: kept, but off the chart (ADR 0592)
    removed = OutcomeMeasureResult.with_removed.exclude(removed_at=None).get()
    assert removed.removal_reason == "typing slip: the day's LEFS entered twice"
    assert not OutcomeMeasureResult.objects.filter(pk=removed.pk).exists()
    assert OutcomeMeasureResult.objects.filter(case=removed.case).count() == 3


class _RollBack(Exception):
    pass


def _snapshot():
    return (
        list(Patient.objects.order_by("id").values_list("last_name", "birth_date")),
        list(Staff.objects.order_by("id").values_list("user__username", "npi")),
        list(
            Note.objects.order_by("id").values_list(
                "date_of_service", "status", "therapist__user__username", "pain_level"
            )
        ),
    )


@pytest.mark.django_db
def test_demo_is_deterministic():
    # given one load, rolled back after a snapshot
    snapshots = []

    def load_and_roll_back():
        with transaction.atomic():
            call_command(
                "cleannote_demo",
                "--patients",
                "2",
                "--today",
                "2026-03-16",
                stdout=io.StringIO(),
            )
            snapshots.append(_snapshot())
            raise _RollBack

    with pytest.raises(_RollBack):
        load_and_roll_back()
    # when the same seed and date load again
    call_command("cleannote_demo", "--patients", "2", "--today", "2026-03-16", stdout=io.StringIO())
    # then the clinic is the same
    assert _snapshot() == snapshots[0]


def test_bad_today_is_one_clear_error():
    with pytest.raises(CommandError, match="--today '16/03/2026': expected YYYY-MM-DD"):
        call_command("cleannote_demo", "--today", "16/03/2026", stdout=io.StringIO())


def test_request_log_lines_lose_their_query_string():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /patients/?q=Smith HTTP/1.1", "200", "512"),
        None,
    )
    StripQueryStrings().filter(record)
    assert record.getMessage() == '"GET /patients/?[redacted] HTTP/1.1" 200 512'
