"""Server time of the chart pages with the demo clinic: the patient's chart, and the case's
plan-of-care, referrals and diagnoses screens (the clinical chart, ADR 0521).

Target (issue 11): under 50 ms median server time each, the note page's budget. The database is
a fresh SQLite file in a temporary directory, migrated and loaded by `manage.py cleannote_demo`
as `make run` loads it; the pages are those of the demo patient with the most notes (the
busiest chart), read by the demo's therapist through Django's test client, so the figure is
the whole server path (middleware, session, audit row, queries, template) without a network.
Query counts are printed beside each figure; the timing and reference-loop method is
bench_note_page's.

With `BENCH_DATABASE_URL` set (e.g. postgres://postgres@127.0.0.1:5432/cleannote_scale1m), the
pages are read from that database as it stands, as bench_reports reads it: the PT case with
the most notes among those of the newest 2,000 plans of care (the whole database is not
counted), read by the clinician who wrote its latest note. Issue 14's target there is under
200 ms: these pages read one patient. `BENCH_CHART_ROUNDS` sets the reads a page (default
bench_note_page's).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from typing import Any

from benchmarks.bench_note_page import ROUNDS as NOTE_ROUNDS
from benchmarks.bench_note_page import Timing, _measure, reference_loop_ms

ROUNDS = int(os.environ.get("BENCH_CHART_ROUNDS", NOTE_ROUNDS))
EXISTING = os.environ.get("BENCH_DATABASE_URL", "")
NEWEST_CASES = 2000


def _setup(data_dir: str) -> tuple[Any, dict[str, str]]:
    if EXISTING:
        os.environ["DATABASE_URL"] = EXISTING
    else:
        os.environ["CLEANNOTE_DATA_DIR"] = data_dir
        os.environ.pop("DATABASE_URL", None)
    os.environ["CLEANNOTE_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannote.web.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CLEANNOTE_AUDIT_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client

    from cleannote.apps.organisations.models import Staff
    from cleannote.apps.patients.models import Case, PlanOfCare

    cases = Case.objects.all()
    if EXISTING:
        planned = PlanOfCare.objects.order_by("-pk").values_list("case_id", flat=True)
        cases = cases.filter(pk__in=list(planned[:NEWEST_CASES]))
    else:
        call_command("migrate", verbosity=0)
        call_command("cleannote_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    case = (
        cases.annotate(n=Count("notes"))
        .filter(discipline="PT", plans_of_care__isnull=False)
        .order_by("-n", "pk")
        .first()
    )
    assert case is not None, "no PT case with a plan in the database"
    if EXISTING:
        latest = case.notes.order_by("-date_of_service", "-pk").first()
        assert latest is not None
        therapist = latest.therapist
    else:
        therapist = Staff.objects.get(user__username="demo-pt")
    client = Client()
    client.force_login(therapist.user)
    base = f"/patients/{case.patient_id}/"
    pages = {
        "chart_page": base,
        "plan_of_care_page": f"{base}cases/{case.pk}/plan/",
        "referrals_page": f"{base}cases/{case.pk}/referrals/",
        "diagnoses_page": f"{base}cases/{case.pk}/diagnoses/",
    }
    return client, pages


def _report(name: str, timing: Timing) -> None:
    where = (
        "target < 200, database " + EXISTING.rsplit("/", 1)[-1]
        if EXISTING
        else "target < 50, demo clinic, SQLite"
    )
    print(
        f"{name}_median: {timing.wall_median_ms:.1f} ms ({where}; "
        f"best {timing.wall_best_ms:.1f} ms, CPU median {timing.cpu_median_ms:.1f} ms, "
        f"{timing.queries} queries)"
    )


def run() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        client, pages = _setup(data_dir)
        for url in pages.values():
            client.get(url)  # warm caches: templates, catalog, tables
        before = reference_loop_ms()
        timings = {
            name: _measure(lambda u=url: client.get(u), ROUNDS) for name, url in pages.items()
        }
        after = reference_loop_ms()
        for name, timing in timings.items():
            _report(name, timing)
        print(f"reference_loop: {before:.1f} ms before, {after:.1f} ms after (best of 5)")
