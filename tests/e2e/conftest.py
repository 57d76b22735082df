"""The demo clinic loaded with a fixed seed and date, and its biller ready to bill.

Passwords are hashed with MD5 here only to keep the load quick; the outbox is the test's own
folder, and tasks run in-process (tests/conftest.py). The fixtures `demo`, `money_demo` and
`standard_demo` give a demo loaded once for all the tests that read it (tests/shared_demo.py,
ADR 0275); a test that changes the clock or the loader's settings calls `load_demo` itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.errors import ClaimRefusedError
from cleannote.apps.claims.models import Claim
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.web.demo_clinic import load_demo_clinic

DEMO_TODAY = dt.date(2026, 3, 16)
DEMO_SEED = 2026
DEMO_PATIENTS = 5
STANDARD_PATIENTS = 30  # the loader's default: the demo `make run` loads
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Demo:
    organisation: Organisation
    biller: Staff
    actor: Actor
    outbox: Path


def load_demo(settings, tmp_path: Path, patients: int = DEMO_PATIENTS) -> Demo:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.CLEANNOTE_OUTBOX_DIR = tmp_path / "outbox"
    summary = load_demo_clinic(today=DEMO_TODAY, seed=DEMO_SEED, patients=patients)
    assert summary is not None
    return _demo(tmp_path / "outbox")


def _demo(outbox: Path) -> Demo:
    organisation = Organisation.objects.get(name="Riverbend Therapy & Rehab")
    biller = Staff.objects.select_related("user").get(user__username="demo-biller")
    actor = Actor(user=biller.user, organisation=organisation, ip_address="10.0.0.9")
    return Demo(organisation, biller, actor, outbox)


def claims_from_signed_notes(demo: Demo) -> tuple[list[Claim], list[ClaimRefusedError]]:
    """Bill every signed note of the clinic not yet billed, oldest first: the claims and the
    refusals. (The demo bills one note itself: its denial under appeal, ADR 0730.)"""
    claims, refusals = [], []
    notes = Note.objects.filter(
        patient__organisation=demo.organisation, signed_at__isnull=False, claims__isnull=True
    )
    for note in notes.order_by("date_of_service", "id"):
        try:
            claims.append(do_create_claim_from_note(demo.actor, note, as_of=DEMO_TODAY))
        except ClaimRefusedError as refusal:
            refusals.append(refusal)
    return claims, refusals
