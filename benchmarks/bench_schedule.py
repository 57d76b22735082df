"""Server time of the week view (`/schedule/week/`) for 60 clinicians and 2,000 appointments in
one week, on PostgreSQL.

Target (issue 12): under 300 ms median server time, and a query count that does not grow with
the number of appointments: the same page is measured on a week of 500 and a week of 2,000.
Every appointment is distinct: its own patient (distinct names), its own time, length, type
and clinician; a third are in rooms (each room belongs to one clinician's day, so the
exclusion constraints hold). Every patient is charted as a clinic's patient is: a primary
coverage (Medicare for most, a commercial plan or auto PIP for some), an open case of the
visit's discipline and its plan of care (one in ten certified only to the Friday before, so
the forward flags find real work: `scheduling/forward_flags.flags_for`, ADR 0620). The data
goes in with bulk inserts (the booking action's checks are measured by the tests, not here);
the page is read by a front-desk login through Django's
test client, so the figure is the whole server path (middleware, session, audit row, queries,
template) without a network. The page asks for every clinician at once (`page=all`): a grid
draws twenty by default (ADR 0676), and the figure is the week of all 2,000 visits.

The database is its own, named from `DATABASE_URL` with `_bench_cal` added
(postgres://…/cleannote_x gives cleannote_x_bench_cal; without `DATABASE_URL`,
cleannote_cal), dropped and made afresh each run, so a run never touches the database it was
pointed at nor one of another checkout's; it must be PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import secrets
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from benchmarks.bench_note_page import Timing, _measure, reference_loop_ms

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cleannote_cal"
ROUNDS = int(os.environ.get("BENCH_SCHEDULE_ROUNDS", "15"))
CLINICIANS = 60
SIZES = (500, 2000)
FIRST_WEEK = dt.date(2027, 3, 1)  # a Monday; the second size is the week after
CREDENTIALS = ("PT", "PT", "PT", "PTA", "OT", "OT", "COTA", "SLP", "DC", "LMT")
FIRST = ("Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea")
LAST = ("Adams", "Baker", "Chen", "Diaz", "Evans", "Fox", "Garcia", "Hall", "Ito", "Jones")


def _fresh_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _bench_url(given: str | None) -> str:
    """The benchmark's own database beside the one `DATABASE_URL` names (never that one)."""
    if not given:
        return DEFAULT_URL
    parts = urlparse(given)
    return parts._replace(path=f"/{parts.path.lstrip('/')}_bench_cal").geturl()


def _setup() -> Any:
    url = _bench_url(os.environ.get("DATABASE_URL"))
    if not url.startswith("postgres"):
        raise SystemExit("bench_schedule measures PostgreSQL: set DATABASE_URL to postgres://…")
    _fresh_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["CLEANNOTE_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannote.web.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CLEANNOTE_AUDIT_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return _clinic()


def _clinic() -> Any:
    from django.test import Client
    from django.utils import timezone

    from cleannote.apps.audit.actions import Actor, do_open_chain
    from cleannote.apps.organisations.actions import (
        do_create_location,
        do_create_organisation,
        do_create_room,
        do_create_staff,
    )
    from cleannote.apps.organisations.models import Role
    from cleannote.apps.patients.models import Case, Coverage, Patient, PlanOfCare
    from cleannote.apps.scheduling.actions import do_add_standard_appointment_types
    from cleannote.apps.scheduling.models import Appointment

    organisation = do_create_organisation(
        name="Bench Therapy Group",
        npi="1234567893",
        tax_id="123456789",
        taxonomy="225100000X",
        address_line1="1 Main St",
        city="Springfield",
        state="IL",
        zip="62701",
    )
    if not hasattr(organisation, "audit_chain_head"):
        do_open_chain(organisation)
    location = do_create_location(
        organisation, name="Main", address_line1="1 Main St", city="Springfield", state="IL",
        zip="62701",
    )  # fmt: skip
    desk = do_create_staff(
        organisation, password=None, username="bench-desk", first_name="Dee", last_name="Desk",
        role=Role.FRONT_DESK,
    )  # fmt: skip
    actor = Actor(user=desk.user, organisation=organisation)
    staff = [
        do_create_staff(
            organisation, password=None, username=f"bench-clinician-{i:02d}",
            first_name=FIRST[i % len(FIRST)], last_name=f"{LAST[i % len(LAST)]}-{i:02d}",
            role=Role.THERAPIST, credential=CREDENTIALS[i % len(CREDENTIALS)],
        )
        for i in range(CLINICIANS)
    ]  # fmt: skip
    rooms = [do_create_room(actor, location=location, name=f"Room {i + 1}") for i in range(20)]
    types = do_add_standard_appointment_types(actor)
    by_discipline: dict[str, list[Any]] = {}
    for kind in types:
        by_discipline.setdefault(kind.discipline, []).append(kind)
    rng = random.Random(12)
    zone = timezone.get_current_timezone()
    serial = 0
    for size, monday in zip(SIZES, (FIRST_WEEK, FIRST_WEEK + dt.timedelta(days=7)), strict=True):
        patients = Patient.objects.bulk_create(
            Patient(
                organisation=organisation,
                chart_number=f"B{monday:%m%d}-{n:05d}",
                first_name=f"{FIRST[n % len(FIRST)]}{n}",
                last_name=f"{LAST[(n // len(FIRST)) % len(LAST)]}{n}",
                birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=(n * 37) % 25000),
                sex="F" if n % 2 else "M",
            )
            for n in range(size)
        )
        rows, charts = [], []
        for n, patient in enumerate(patients):
            person = staff[n % CLINICIANS]
            visit = n // CLINICIANS  # the clinician's n-th visit of the week, in time order
            day = monday + dt.timedelta(days=visit % 5)
            slot = visit // 5  # a 45-minute slot from 7:00, minutes jittered inside it
            start = dt.datetime.combine(day, dt.time(7), tzinfo=zone) + dt.timedelta(
                minutes=45 * slot + rng.choice((0, 5, 10, 15))
            )
            kinds = by_discipline.get(person.discipline.value if person.discipline else "", [])
            kind = kinds[n % len(kinds)] if kinds else None
            minutes = rng.choice((15, 20, 25, 30))
            index = staff.index(person)
            rows.append(
                Appointment(
                    organisation=organisation,
                    patient=patient,
                    staff=person,
                    location=location,
                    appointment_type=kind,
                    room=rooms[index] if index < len(rooms) and n % 3 == 0 else None,
                    start=start,
                    end=start + dt.timedelta(minutes=minutes),
                    status=rng.choice(("booked", "booked", "booked", "arrived", "completed")),
                    created_by=desk.user,
                )
            )
            charts.append((patient, kind.discipline if kind else "PT", monday))
            serial += 1
        Appointment.objects.bulk_create(rows)
        _chart(charts, Case, Coverage, PlanOfCare)
    client = Client()
    client.force_login(desk.user)
    return client


PAYERS = (("medicare", "Medicare", "00431"),) * 6 + (
    ("commercial", "Acme Health", "60054"),
    ("commercial", "Keystone Health Plan", "KHP01"),
    ("auto_pip", "State Auto", "AUTO1"),
    ("medicare", "Medicare", "00431"),
)


def _chart(charts: list[tuple[Any, str, dt.date]], case: Any, coverage: Any, plan: Any) -> None:
    """A coverage, an open case of the visit's discipline and its plan of care per patient."""
    opened = FIRST_WEEK - dt.timedelta(days=45)
    coverages = coverage.objects.bulk_create(
        coverage(
            patient=patient, priority="primary", kind=kind, payer_name=name, payer_id=payer,
            member_id=f"M{patient.pk:09d}", active_from=dt.date(2026, 1, 1),
        )
        for n, (patient, _, _) in enumerate(charts)
        for kind, name, payer in (PAYERS[n % len(PAYERS)],)
    )  # fmt: skip
    cases = case.objects.bulk_create(
        case(
            patient=patient, discipline=discipline, title=f"{discipline} episode",
            coverage=covered, opened_on=opened,
            pip_medpay_limit=Decimal("2500.00") if covered.kind == "auto_pip" else None,
        )
        for (patient, discipline, _), covered in zip(charts, coverages, strict=True)
    )  # fmt: skip
    plan.objects.bulk_create(
        plan(
            case=episode, diagnoses=["M54.50"], frequency_per_week=2, duration_weeks=8,
            start_date=opened,
            certified_through=(
                monday - dt.timedelta(days=3) if n % 10 == 0 else opened + dt.timedelta(days=89)
            ),
        )
        for n, (episode, (_, _, monday)) in enumerate(zip(cases, charts, strict=True))
    )  # fmt: skip


def _report(size: int, timing: Timing) -> None:
    print(
        f"week_view_{size}_median: {timing.wall_median_ms:.1f} ms (target < 300, {CLINICIANS} "
        f"clinicians, {size} appointments, PostgreSQL; best {timing.wall_best_ms:.1f} ms, "
        f"CPU median {timing.cpu_median_ms:.1f} ms, {timing.queries} queries)"
    )


def run() -> None:
    client = _setup()
    urls = {
        size: f"/schedule/week/?day={monday:%Y-%m-%d}&page=all"
        for size, monday in zip(SIZES, (FIRST_WEEK, FIRST_WEEK + dt.timedelta(days=7)), strict=True)
    }
    for url in urls.values():
        page = client.get(url)  # warm: templates, the session
        assert page.status_code == 200, page.status_code
    # What `cleannote.web.wsgi` does once the project is loaded (ADR 0660): the long-lived
    # objects out of the cyclic collector's sight, so the figure is the server's.
    gc.collect()
    gc.freeze()
    if os.environ.get("BENCH_SCHEDULE_PROFILE"):  # cProfile of one request at the larger size
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(client.get, urls[SIZES[-1]])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
    before = reference_loop_ms()
    timings = {size: _measure(lambda u=url: client.get(u), ROUNDS) for size, url in urls.items()}
    after = reference_loop_ms()
    for size, timing in timings.items():
        _report(size, timing)
    small, large = (timings[s].queries for s in SIZES)
    print(f"week_view_queries: {small} at {SIZES[0]}, {large} at {SIZES[1]} (must be equal)")
    print(f"reference_loop: {before:.1f} ms before, {after:.1f} ms after (best of 5)")
