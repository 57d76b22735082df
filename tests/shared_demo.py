"""The demos the tests read, each loaded once for all the tests that ask for it (ADR 0275).

`demo` (5 patients), `money_demo` (the 20 of `MIN_PATIENTS`: the money by hand and what builds on
it) and `standard_demo` (the 30 `make run` loads) take from ten seconds to a minute each to
load. The collection puts the tests of each one after another; the first of them loads the demo
inside an outer transaction; each test runs in a savepoint of it (pytest-django's `db`, set up
after the load) that is rolled back after the test; after the last of them the outer
transaction is rolled back too, so no other test sees the demo. Each test has its settings as
`load_demo` sets them, its own outbox folder (with a copy of what the load wrote there) and the
demo's rows read afresh. The fixtures and hooks are the suite's (tests/conftest.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings

from cleannote.web.demo_clinic import load_demo_clinic
from cleannote.web.demo_money import MIN_PATIENTS
from tests.e2e.conftest import (
    DEMO_PATIENTS,
    DEMO_SEED,
    DEMO_TODAY,
    FAST_HASHERS,
    STANDARD_PATIENTS,
    Demo,
    _demo,
)

# A fixture's name gives its number of patients.
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
                raise RuntimeError("the shared demo loads before the test's own transaction")
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
        assert not connection.in_atomic_block, "the shared demo's transaction was left open"


_shared = _SharedDemo()


def _shared_patients(item: pytest.Item | None) -> int | None:
    """The number of patients of the shared demo the test reads, if it reads one."""
    names = getattr(item, "fixturenames", ())
    if "_shared_demo_loaded" not in names:
        return None
    return next(patients for name, patients in SHARED_DEMOS.items() if name in names)


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
    """The tests of each shared demo run one after another, where the first of them was; and
    the demo is each one's first fixture, before even the django_db mark's transaction."""
    groups: dict[int, list[pytest.Item]] = {}
    for item in items:
        patients = _shared_patients(item)
        if patients is not None:
            groups.setdefault(patients, []).append(item)
            names = item.fixturenames  # type: ignore[attr-defined]
            names.insert(0, names.pop(names.index("_shared_demo_loaded")))
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
