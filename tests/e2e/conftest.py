"""The demo clinic loaded with a fixed seed and date, and its biller ready to bill.

Passwords are hashed with MD5 here only to keep the load quick; the outbox is the test's own
folder, and tasks run in-process (tests/conftest.py).

The demos the tests read (`demo`: 5 patients; `money_demo`: the 20 of `MIN_PATIENTS`;
`standard_demo`: the 30 `make run` loads) take from ten seconds to a minute each to load, so
each is loaded once for all the tests that ask for it (ADR 0275): the collection puts those
tests one after another, the first of them loads the demo inside an outer transaction, each
test runs in a savepoint of it (pytest-django's `db`) rolled back after the test, and the
outer transaction is rolled back after the last of them, so no other test sees the demo.
A test that changes the clock or the loader's settings calls `load_demo` itself.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.errors import ClaimRefusedError
from cleannote.apps.claims.models import Claim
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.web.demo_clinic import load_demo_clinic
from cleannote.web.demo_money import MIN_PATIENTS

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


# The shared demos (ADR 0275). A fixture's name gives its number of patients.
SHARED_DEMOS = {
    "demo": DEMO_PATIENTS,
    "money_demo": MIN_PATIENTS,
    "standard_demo": STANDARD_PATIENTS,
}


class _SharedDemo:
    """The one demo loaded inside an outer transaction, if any: its number of patients and the
    folder its load wrote to as outbox."""

    def __init__(self) -> None:
        self.patients: int | None = None
        self.outbox: Path | None = None
        self._outer: Any = None
        self._blocker: Any = None

    def open(self, patients: int, blocker: Any, folder: Path) -> None:
        if self.patients == patients:
            return
        self.close()
        with blocker.unblock():
            if connection.in_atomic_block:
                raise RuntimeError(
                    "the shared demo loads before the test's own transaction: ask for "
                    "`demo`, `money_demo` or `standard_demo`, not `db`, in the test's arguments"
                )
            self._outer, self._blocker = transaction.atomic(), blocker
            # Like the test runner's own blocks: work inside it runs as in autocommit
            # (platform/tasks.py runs tasks at once, a durable block may open).
            self._outer._from_testcase = True
            self._outer.__enter__()
            try:
                outbox = folder / "outbox"
                with override_settings(
                    PASSWORD_HASHERS=FAST_HASHERS, CLEANNOTE_OUTBOX_DIR=outbox, REDIS_URL=""
                ):
                    summary = load_demo_clinic(today=DEMO_TODAY, seed=DEMO_SEED, patients=patients)
                assert summary is not None, "an organisation existed before the shared demo"
            except BaseException:
                self._rollback()
                raise
        self.patients, self.outbox = patients, outbox

    def close(self) -> None:
        if self._outer is not None:
            with self._blocker.unblock():
                self._rollback()

    def _rollback(self) -> None:
        transaction.set_rollback(True)
        self._outer.__exit__(None, None, None)
        self._outer = self._blocker = self.patients = self.outbox = None


_shared = _SharedDemo()


def _shared_patients(item: pytest.Item | None) -> int | None:
    names = getattr(item, "fixturenames", ())
    return next((patients for name, patients in SHARED_DEMOS.items() if name in names), None)


def _shared_demo(request, settings, tmp_path: Path) -> Demo:
    """The test's view of the shared demo: its settings as `load_demo` sets them, its own copy
    of what the load wrote to the outbox, and the demo's rows read afresh."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    outbox = tmp_path / "outbox"
    settings.CLEANNOTE_OUTBOX_DIR = outbox
    assert _shared.patients == SHARED_DEMOS[request.fixturename]
    if _shared.outbox is not None and _shared.outbox.exists():
        shutil.copytree(_shared.outbox, outbox)
    return _demo(outbox)


@pytest.fixture
def _shared_demo_loaded(request, django_db_setup, django_db_blocker, tmp_path_factory) -> None:
    """Loads the shared demo the test asks for, unless it is loaded already; set up before the
    test's `db`, so that the test's transaction is a savepoint inside the demo's."""
    patients = _shared_patients(request.node)
    assert patients is not None
    _shared.open(patients, django_db_blocker, tmp_path_factory.mktemp(f"demo{patients}"))


@pytest.fixture
def demo(request, _shared_demo_loaded, db, settings, tmp_path) -> Demo:
    """The small demo (5 patients), shared (ADR 0275)."""
    return _shared_demo(request, settings, tmp_path)


@pytest.fixture
def money_demo(request, _shared_demo_loaded, db, settings, tmp_path) -> Demo:
    """The smallest demo with the money by hand and what builds on it (`MIN_PATIENTS`, 20),
    shared (ADR 0275)."""
    return _shared_demo(request, settings, tmp_path)


@pytest.fixture
def standard_demo(request, _shared_demo_loaded, db, settings, tmp_path) -> Demo:
    """The demo `make run` loads (30 patients), shared (ADR 0275)."""
    return _shared_demo(request, settings, tmp_path)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests of each shared demo run one after another, where the first of them was."""
    groups: dict[int, list[pytest.Item]] = {}
    for item in items:
        patients = _shared_patients(item)
        if patients is not None:
            groups.setdefault(patients, []).append(item)
    ordered: list[pytest.Item] = []
    for item in items:
        patients = _shared_patients(item)
        if patients is None:
            ordered.append(item)
        elif groups[patients][0] is item:
            ordered.extend(groups[patients])
    items[:] = ordered


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After the last test of a shared demo (its own savepoint rolled back already), the
    demo's outer transaction is rolled back too."""
    try:
        return (yield)
    finally:
        if _shared.patients is not None and _shared_patients(nextitem) != _shared.patients:
            _shared.close()


def pytest_sessionfinish() -> None:
    _shared.close()
