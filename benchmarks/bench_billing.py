"""Billing a month in one go, on PostgreSQL (issue 13): 1,000 claims from 1,000 distinct signed
notes through the charge queue's `do_create_claims_from_notes` (ADR 0710), marked ready, then
built into one batch per payer by `do_build_batches` (ADR 0711).

Target: under 10 s for creating the 1,000 claims and building their batches. The notes are
made through the clinical actions (start, treatment blocks, sign), as a therapist makes them:
250 patients (distinct names, birth dates, member ids; Medicare for three in four, a
commercial plan for the rest), each with a plan of care and four visits on different days,
with different minutes of 97110, and 97140 on every other visit. Setting up is not timed.

The database is `DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/cleannote_billing,
dropped and made afresh); it must be PostgreSQL. With `BENCH_DATABASE_URL` set instead (e.g.
a copy of the million-visit database, ADR 0833), that database is used as it stands, migrated
and never dropped: the bench clinic is added beside the clinics already in it, its logins
named for the run, so the claims are built among the database's own rows.
`BENCH_BILLING_PROFILE=1` prints a cProfile of the create step.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import os
import pstats
import random
import secrets
import time
from decimal import Decimal
from typing import Any

from benchmarks.bench_schedule import _fresh_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cleannote_billing"
PATIENTS = 250
VISITS = 4
FIRST = ("Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea")
LAST = ("Adams", "Baker", "Chen", "Diaz", "Evans", "Fox", "Garcia", "Hall", "Ito", "Jones")
MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  # the letters a Medicare beneficiary identifier uses


def _mbi(rng: random.Random) -> str:
    letter, digit = (lambda: rng.choice(MBI_LETTERS)), (lambda: str(rng.randint(0, 9)))
    alnum = lambda: rng.choice(MBI_LETTERS + "0123456789")  # noqa: E731
    return "".join(
        [str(rng.randint(1, 9)), letter(), alnum(), digit(), letter(), alnum(), digit(),
         letter(), letter(), digit(), digit()]
    )  # fmt: skip


def _setup() -> None:
    existing = os.environ.get("BENCH_DATABASE_URL")
    url = existing or os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("bench_billing measures PostgreSQL: set DATABASE_URL to postgres://…")
    if not existing:
        _fresh_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannote.web.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CLEANNOTE_AUDIT_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _clinic(patients: int = PATIENTS) -> tuple[Any, list[int]]:
    from django.utils import timezone

    from cleannote.apps.audit.actions import Actor, do_open_chain
    from cleannote.apps.claims.actions import do_create_fee_schedule
    from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
    from cleannote.apps.organisations.actions import (
        do_create_location,
        do_create_organisation,
        do_create_staff,
    )
    from cleannote.apps.organisations.models import Role
    from cleannote.apps.patients.actions import do_create_plan_of_care, do_register_patient
    from cleannote.apps.patients.models import Case, Coverage, Goal, Patient, PlanOfCare, Referral

    today = timezone.localdate()
    rng = random.Random(2026)
    # In a database the run did not make, the logins are the run's own (usernames are unique).
    run = f"-{secrets.token_hex(3)}" if os.environ.get("BENCH_DATABASE_URL") else ""
    organisation = do_create_organisation(
        name="Bench Billing Clinic", npi="1234567893", tax_id="123456789",
        taxonomy="261QP2000X", address_line1="1 Main St", city="Springfield", state="IL",
        zip="627011234",
    )  # fmt: skip
    if not hasattr(organisation, "audit_chain_head"):
        do_open_chain(organisation)
    location = do_create_location(
        organisation, name="Main", address_line1="1 Main St", city="Springfield", state="IL",
        zip="62701",
    )  # fmt: skip
    therapist = do_create_staff(
        organisation, username=f"bench-pt{run}", password=None, first_name="Theo", last_name="Pt",
        role=Role.THERAPIST, credential="PT", npi="1679576722", taxonomy="225100000X",
    )  # fmt: skip
    desk = do_create_staff(
        organisation, username=f"bench-desk{run}", password=None, first_name="Fran",
        last_name="Desk", role=Role.FRONT_DESK,
    )  # fmt: skip
    biller = do_create_staff(
        organisation, username=f"bench-biller{run}", password=None, first_name="Bill",
        last_name="B", role=Role.BILLER,
    )  # fmt: skip
    do_create_fee_schedule(
        location, name="Bench standard", source="bench chargemaster",
        effective_from=dt.date(2024, 1, 1),
        fees={"97110": (Decimal("65.00"), Decimal("30.12")), "97140": Decimal("60.00")},
    )  # fmt: skip
    front = Actor(user=desk.user, organisation=organisation)
    clinical = Actor(user=therapist.user, organisation=organisation)
    note_ids = []
    for i in range(patients):
        start = today - dt.timedelta(days=40 + i % 20)
        medicare = i % 4 != 3
        coverage = Coverage(
            priority="primary", active_from=dt.date(2025, 1, 1),
            payer_name="Medicare" if medicare else "Lakeshore Mutual",
            payer_id="MCR" if medicare else "LSM01",
            kind="medicare" if medicare else "commercial",
            member_id=_mbi(rng) if medicare else f"LSM{rng.randint(10**8, 10**9 - 1)}",
        )  # fmt: skip
        case = Case(discipline="PT", title="Low back pain", opened_on=start)
        patient = Patient(
            first_name=f"{FIRST[i % len(FIRST)]}{i}", last_name=LAST[(i // 12) % len(LAST)],
            birth_date=dt.date(1940 + i % 50, 1 + i % 12, 1 + i % 28), sex="FM"[i % 2],
            address_line1=f"{10 + i} Elm St", city="Springfield", state="IL", zip="62704",
        )  # fmt: skip
        do_register_patient(
            front, patient=patient, coverage=coverage, case=case,
            referral=Referral(
                provider_first_name="Laura", provider_last_name="Singh",
                provider_npi="1497758544", referral_date=start - dt.timedelta(days=5),
                diagnoses=["M54.50"], authorized_visits=12,
            ),
        )  # fmt: skip
        plan = do_create_plan_of_care(
            front, case,
            PlanOfCare(
                diagnoses=["M54.50"], frequency_per_week=2, duration_weeks=8, start_date=start,
                certified_through=today + dt.timedelta(days=14), signature_received_on=start,
            ),
            goals=[Goal(text="Walk 30 minutes", kind="functional", baseline="10", target="30")],
        )  # fmt: skip
        goal = plan.goals.get()
        for visit in range(VISITS):
            note = do_start_note(
                clinical, case=case, therapist=therapist, location=location,
                date_of_service=start + dt.timedelta(days=3 + 7 * visit),
            )  # fmt: skip
            do_add_treatment_block(
                clinical, note, code="97110", minutes=rng.randint(23, 38),
                body_regions=["lumbar"], goals=[goal],
                justification="core strength for walking tolerance",
            )  # fmt: skip
            if visit % 2:
                do_add_treatment_block(
                    clinical, note, code="97140", minutes=rng.randint(8, 15),
                    body_regions=["lumbar"], goals=[goal],
                    justification="soft tissue mobilisation for pain",
                )  # fmt: skip
            note_ids.append(do_sign_note(clinical, note, therapist).pk)
    return Actor(user=biller.user, organisation=organisation), note_ids


def run() -> None:
    _setup()
    from cleannote.apps.claims.actions import do_mark_ready
    from cleannote.apps.claims.batching import do_build_batches
    from cleannote.apps.claims.charges import do_create_claims_from_notes

    started = time.perf_counter()
    actor, note_ids = _clinic()
    print(f"setup: {len(note_ids)} signed notes in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    queries = {"create": 0, "build": 0}
    step = ["create"]

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[step[0]] += 1
        return execute(sql, params, many, context)

    profile = cProfile.Profile() if os.environ.get("BENCH_BILLING_PROFILE") else None
    started = time.perf_counter()
    if profile:
        profile.enable()
    with connection.execute_wrapper(counted):
        outcome = do_create_claims_from_notes(actor, note_ids)
    if profile:
        profile.disable()
    create = time.perf_counter() - started
    print(f"created: {len(outcome.created)} claims, refused: {len(outcome.refused)}")
    started = time.perf_counter()
    ready = [do_mark_ready(actor, claim).pk for claim in outcome.created]
    mark = time.perf_counter() - started
    started = time.perf_counter()
    step[0] = "build"
    with connection.execute_wrapper(counted):
        batches = do_build_batches(actor, ready)
    build = time.perf_counter() - started
    print(f"batches: {len(batches.batches)} (skipped {len(batches.skipped)})")
    print(f"create_claims_1000: {create:.2f} s")
    print(f"mark_ready_1000: {mark:.2f} s (one action per claim; not in the target)")
    print(f"build_batches: {build:.2f} s")
    print(f"create_plus_build: {create + build:.2f} s (target < 10 s)")
    claims = max(len(outcome.created), 1)
    print(f"queries: create {queries['create']} ({queries['create'] / claims:.1f} per claim), "
          f"build {queries['build']} ({queries['build'] / claims:.1f} per claim)")  # fmt: skip
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
