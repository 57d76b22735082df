"""Server time of the pages an owner and a biller read on a group's database (issue 14).

Target: under 1 s median server time each. With `BENCH_DATABASE_URL` set (e.g.
postgres://postgres@127.0.0.1:5432/cleannote_scale1m), the pages are read from that database
as it stands: grow it first with `manage.py cleannote_scale --visits N` (ADR 0832, 0833).
`DATABASE_URL` is read the same way when `BENCH_DATABASE_URL` is not set. Without either, a
temporary SQLite database is migrated, loaded with the demo clinic and grown by
`BENCH_REPORTS_VISITS` visits (default 2,000), which labels the figures as a small case.
Pages: the schedule (day list, clinician's day, week), the owner's and a therapist's home,
the claims worklist, the denials worklist, the audit page, and every report under /reports/,
each read through Django's test client (middleware, session, audit row, queries, template; no
network). The figure is the median of `BENCH_REPORTS_ROUNDS` reads (default 5) after one warm
read; a table of the medians closes the run. `BENCH_REPORTS_TIMEOUT_S` (e.g. 60) caps each
query on PostgreSQL (libpq's PGOPTIONS statement_timeout): a page past it is listed as such.
`BENCH_REPORTS_PAGES` (e.g. `denials,audit`) reads only the pages it names.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from typing import Any

from benchmarks.bench_note_page import Timing, _measure, reference_loop_ms

ROUNDS = int(os.environ.get("BENCH_REPORTS_ROUNDS", "5"))
SMALL_VISITS = int(os.environ.get("BENCH_REPORTS_VISITS", "2000"))
TIMEOUT_S = int(os.environ.get("BENCH_REPORTS_TIMEOUT_S", "0"))
# e.g. "denials,audit": only these pages (names as in the closing table); empty means all.
ONLY = {name for name in os.environ.get("BENCH_REPORTS_PAGES", "").split(",") if name}


def _setup(data_dir: str) -> tuple[Any, Any, dict[str, tuple[str, str]], str]:
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    if TIMEOUT_S:
        os.environ["PGOPTIONS"] = f"-c statement_timeout={TIMEOUT_S * 1000}"
    grown_here = "DATABASE_URL" not in os.environ
    if grown_here:
        os.environ["CLEANNOTE_DATA_DIR"] = data_dir
    os.environ["CLEANNOTE_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannote.web.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CLEANNOTE_AUDIT_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from cleannote.apps.organisations.models import Role, Staff
    from cleannote.apps.reports.views import REPORTS

    if grown_here:
        call_command("migrate", verbosity=0)
        call_command(
            "cleannote_scale",
            visits=SMALL_VISITS,
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
    owner = Staff.objects.filter(role=Role.OWNER).order_by("pk").first()
    therapist = (
        Staff.objects.annotate(n=Count("notes")).exclude(role=Role.OWNER).order_by("-n").first()
    )
    if owner is None or therapist is None:
        raise SystemExit("no clinic in the database: run manage.py cleannote_scale first")
    as_owner, as_therapist = Client(), Client()
    as_owner.force_login(owner.user)
    as_therapist.force_login(therapist.user)
    pages = {
        "schedule_day": ("owner", "/schedule/"),
        "schedule_my_day": ("therapist", "/schedule/mine/"),
        "schedule_week": ("owner", "/schedule/week/"),
        "home_owner": ("owner", "/"),
        "home_therapist": ("therapist", "/"),
        "claims_worklist": ("owner", "/claims/"),
        "denials": ("owner", "/remittance/denials/"),
        "audit": ("owner", "/audit/"),
        "reports_index": ("owner", "/reports/"),
    }
    pages.update({f"report_{slug}": ("owner", f"/reports/{slug}/") for slug in REPORTS})
    # The same reports over the year ending today (issue 14 asks both under a second).
    today = timezone.localdate()
    year = f"?start={today - dt.timedelta(days=364)}&end={today}"
    pages.update({f"report_{slug}_year": ("owner", f"/reports/{slug}/{year}") for slug in REPORTS})
    if ONLY:
        unknown = ONLY - pages.keys()
        if unknown:
            raise SystemExit(f"BENCH_REPORTS_PAGES names no page: {', '.join(sorted(unknown))}")
        pages = {name: page for name, page in pages.items() if name in ONLY}
    where = f"{connection.vendor}, " + (
        f"grown here by {SMALL_VISITS} visits (small case)"
        if grown_here
        else f"database {connection.settings_dict['NAME']}"
    )
    return as_owner, as_therapist, pages, where


def _report(name: str, timing: Timing, where: str) -> None:
    print(
        f"{name}_median: {timing.wall_median_ms:.1f} ms (target < 1000, {where}; "
        f"best {timing.wall_best_ms:.1f} ms, CPU median {timing.cpu_median_ms:.1f} ms, "
        f"{timing.queries} queries)"
    )


def run() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        as_owner, as_therapist, pages, where = _setup(data_dir)
        before = reference_loop_ms()
        timings: dict[str, Timing | str] = {}
        for name, (who, url) in pages.items():
            client = as_owner if who == "owner" else as_therapist
            try:
                client.get(url)  # warm: templates, catalog, tables
                timings[name] = _measure(lambda c=client, u=url: c.get(u), ROUNDS)
            except Exception as exc:  # a query past the timeout: listed, and the run goes on
                print(f"{name}: failed ({type(exc).__name__})")
                timings[name] = type(exc).__name__
                continue
            _report(name, timings[name], where)
        after = reference_loop_ms()
        print(f"reference_loop: {before:.1f} ms before, {after:.1f} ms after (best of 5)")
        print(f"\n| page | median ms | best ms | queries | < 1 s |  ({where})")
        print("|---|---:|---:|---:|---|")
        for name, t in timings.items():
            if isinstance(t, str):
                print(f"| {name} | failed: {t} (QueryCanceled: past the timeout) | | | **no** |")
                continue
            within = "yes" if t.wall_median_ms < 1000 else "**no**"
            print(
                f"| {name} | {t.wall_median_ms:.0f} | {t.wall_best_ms:.0f} | {t.queries} | "
                f"{within} |"
            )
