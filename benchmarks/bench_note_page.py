"""Server time of the note page and of its live scrub, for a four-block note on SQLite.

Target (issue "The clinic app"): under 50 ms each, median, so the page answers a therapist's
typing before the 400 ms debounce of the next keystroke runs out. The database is a fresh
SQLite file in a temporary directory, migrated and filled through the apps' actions; requests
go through Django's test client, so the figure is the whole server path (middleware, session,
audit row, scrub, template) without a network.

Engineers share the machine, so wall time alone says little. Each request is also timed in
process CPU time, its queries are counted, and a fixed pure-Python loop is timed before and
after (best of five): divide a figure by that loop's time to compare runs made under different
load.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

ROUNDS = int(os.environ.get("BENCH_NOTE_PAGE_ROUNDS", "40"))
REFERENCE_LOOP = 200_000
BLOCKS = (
    (
        "97110",
        {
            "exercise": "sit-to-stand",
            "position": "standing",
            "sets": 3,
            "reps": 10,
            "resistance": "none",
            "target_outcome": "quad strength",
            "baseline_measure": "5xSTS 18 s",
        },
    ),
    (
        "97530",
        {
            "activity": "floor transfer",
            "components": "balance, reach",
            "skilled_direction": "cued hip hinge",
        },
    ),
    ("97140", {"techniques": "grade III PA glides", "target_outcome": "lumbar extension"}),
    (
        "97112",
        {
            "techniques": "tandem stance",
            "sets": 3,
            "target_outcome": "balance",
            "baseline_measure": "SLS 4 s",
        },
    ),
)


def _setup(data_dir: str) -> tuple[object, int, dict[str, str]]:
    os.environ["CLEANNOTE_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["CLEANNOTE_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannote.web.settings")
    # Production settings (debug off) need keys from the environment: random ones for this run.
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CLEANNOTE_AUDIT_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.utils import timezone

    from cleannote.apps.audit.actions import Actor
    from cleannote.apps.notes.actions import do_add_treatment_block, do_start_note
    from cleannote.apps.organisations.actions import (
        do_create_location,
        do_create_organisation,
        do_create_staff,
    )
    from cleannote.apps.patients.actions import do_create_plan_of_care, do_register_patient
    from cleannote.apps.patients.models import (
        Case,
        Coverage,
        Goal,
        Patient,
        PlanOfCare,
        Referral,
    )

    today = timezone.localdate()
    org = do_create_organisation(
        name="Bench clinic",
        npi="1234567893",
        tax_id="123456789",
        taxonomy="261QP2000X",
        address_line1="1 Main St",
        city="Springfield",
        state="IL",
        zip="62701",
    )
    location = do_create_location(
        org,
        name="Main",
        address_line1="1 Main St",
        city="Springfield",
        state="IL",
        zip="62701",
    )
    therapist = do_create_staff(
        org,
        username="bench",
        password="bench-password-long",
        first_name="Ben",
        last_name="Chmark",
        role="therapist",
        credential="PT",
        npi="1679576722",
    )
    actor = Actor(user=therapist.user, organisation=org)
    case = Case(discipline="PT", title="Knee", opened_on=today - dt.timedelta(days=10))
    do_register_patient(
        actor,
        patient=Patient(
            first_name="Bea", last_name="Bench", birth_date=dt.date(1970, 1, 1), sex="F"
        ),
        coverage=Coverage(
            priority="primary",
            payer_name="Medicare",
            payer_id="MCR",
            kind="medicare",
            member_id="1EG4TE5MK73",
            active_from=dt.date(2025, 1, 1),
        ),
        case=case,
        referral=Referral(
            provider_first_name="Ann",
            provider_last_name="Doc",
            provider_npi="1497758544",
            referral_date=today - dt.timedelta(days=12),
            diagnoses=["M17.11"],
            authorized_visits=20,
        ),
    )
    plan = do_create_plan_of_care(
        actor,
        case,
        PlanOfCare(
            diagnoses=["M17.11"],
            frequency_per_week=2,
            duration_weeks=6,
            start_date=today - dt.timedelta(days=10),
            certified_through=today + dt.timedelta(days=30),
            signature_received_on=today - dt.timedelta(days=9),
        ),
        goals=[Goal(text="Climb 12 stairs", kind="functional")],
    )
    goal = plan.goals.get()
    note = do_start_note(
        actor, case=case, therapist=therapist, location=location, date_of_service=today
    )
    form = {"objective": "1", "pain_level": "3"}
    for index, (code, parameters) in enumerate(BLOCKS):
        block = do_add_treatment_block(
            actor,
            note,
            goals=[goal],
            code=code,
            start_time=dt.time(9 + index, 0),
            stop_time=dt.time(9 + index, 12),
            parameters=parameters,
            justification="cues",
            body_regions=["knee"],
        )
        form.update(
            {
                f"b{block.pk}-present": "1",
                f"b{block.pk}-start": f"{9 + index:02d}:00",
                f"b{block.pk}-stop": f"{9 + index:02d}:13",
                f"b{block.pk}-goals-present": "1",
                f"b{block.pk}-goals": str(goal.pk),
                f"b{block.pk}-justification": "cues",
            }
        )
    client = Client()
    client.force_login(therapist.user)
    return client, note.pk, form


@dataclass(frozen=True, slots=True)
class Timing:
    wall_median_ms: float
    wall_best_ms: float
    cpu_median_ms: float
    queries: int


def _measure(call: Callable[[], Any], rounds: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = call()
    queries = len(captured)  # now: the next request clears the connection's query log
    assert response.status_code == 200, response.status_code
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        response = call()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
        assert response.status_code == 200, response.status_code
    return Timing(statistics.median(walls), min(walls), statistics.median(cpus), queries)


def _as_htmx_posts(client: Any, url: str, form: dict[str, str]) -> Callable[[], Any]:
    """The live scrub as htmx sends it: form-urlencoded (the test client's default is
    multipart, which Django parses more slowly), with htmx's request header."""
    body = urlencode(form)

    def post() -> Any:
        return client.post(
            url,
            body,
            content_type="application/x-www-form-urlencoded",
            headers={"HX-Request": "true"},
        )

    return post


def reference_loop_ms() -> float:
    """Best of five runs of a fixed pure-Python loop: the machine's speed at the moment."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(REFERENCE_LOOP):
            total += i % 7
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def _report(name: str, timing: Timing) -> None:
    print(
        f"{name}_median: {timing.wall_median_ms:.1f} ms (target < 50, {len(BLOCKS)} blocks, "
        f"SQLite; best {timing.wall_best_ms:.1f} ms, CPU median {timing.cpu_median_ms:.1f} ms, "
        f"{timing.queries} queries)"
    )


def run() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        client, note_id, form = _setup(data_dir)
        page = f"/notes/{note_id}/edit/"
        live = f"/notes/{note_id}/live/"
        client.get(page)  # warm caches: catalog, NCCI tables, templates
        post_live = _as_htmx_posts(client, live, form)
        post_live()
        before = reference_loop_ms()
        page_timing = _measure(lambda: client.get(page), ROUNDS)
        live_timing = _measure(post_live, ROUNDS)
        after = reference_loop_ms()
        _report("note_page_render", page_timing)
        _report("live_scrub", live_timing)
        print(f"reference_loop: {before:.1f} ms before, {after:.1f} ms after (best of 5)")
