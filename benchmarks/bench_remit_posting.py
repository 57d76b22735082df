"""Posting a payer's 835 of 5,000 distinct claim payments against 5,000 claims, on PostgreSQL
(issue 13; target under 15 s).

The claims are made as a biller makes them: signed notes of `bench_billing`'s clinic (four
visits per patient, Medicare for three in four), claims through the charge queue in requests
of 1,000 notes, marked ready and built into batches. The 835 answers every claim
(`remit_generator.write_835`): distinct amounts, adjustments, denials and patient shares per
claim, as a clearinghouse's daily file. Only `do_import_835` is timed; setting up is not.

`BENCH_REMIT_CLAIMS` sets the number of claims (default 5,000; a multiple of four). The
database is `DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/cleannote_remit_bench,
dropped and made afresh), or `BENCH_DATABASE_URL` used as it stands. There (e.g. a copy of
the million-visit database, ADR 0833) the 835 answers claims the database already holds: the
largest clinic's oldest Medicare and commercial claims still waiting for their payer
(accepted), the payers of the clinic made here, posted by its biller, so each run posts the
next ones. Making them through a new clinic's clinical actions took over
240 s for 1,000 claims (some 65 queries a visit), and its audit chain and rows were not the
grown clinic's (ADR 0872). `BENCH_REMIT_PROFILE=1` prints a cProfile of the posting.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import bench_billing
from benchmarks.remit_generator import write_835

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cleannote_remit_bench"


def run() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    claims_wanted = int(os.environ.get("BENCH_REMIT_CLAIMS", "5000"))
    bench_billing._setup()
    from django.db import connection

    from cleannote.apps.claims.actions import do_mark_ready
    from cleannote.apps.claims.batching import do_build_batches
    from cleannote.apps.claims.charges import BULK_LIMIT, do_create_claims_from_notes
    from cleannote.apps.claims.claim_export import claim_to_send
    from cleannote.apps.claims.models import Claim
    from cleannote.apps.remittance.actions import do_import_835
    from cleannote.apps.remittance.models import ClaimPosting, UnmatchedPayment

    started = time.perf_counter()
    if os.environ.get("BENCH_DATABASE_URL"):
        actor, ready = _waiting_claims(claims_wanted)
    else:
        actor, note_ids = bench_billing._clinic(patients=claims_wanted // bench_billing.VISITS)
        created = []
        for start in range(0, len(note_ids), BULK_LIMIT):
            batch = note_ids[start : start + BULK_LIMIT]
            created += do_create_claims_from_notes(actor, batch).created
        ready = [do_mark_ready(actor, claim).pk for claim in created]
        do_build_batches(actor, ready)
    claims = Claim.objects.filter(pk__in=ready).select_related("primary_claim").order_by("pk")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.835"
        count = write_835(path, (claim_to_send(c) for c in claims))
        data = path.read_bytes()
    print(f"setup: {count} claims in batches, 835 of {len(data):,} bytes, "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    profile = cProfile.Profile() if os.environ.get("BENCH_REMIT_PROFILE") else None
    started = time.perf_counter()
    if profile:
        profile.enable()
    queries = [0]

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        era = do_import_835(actor, data, file_name="bench.835")
    if profile:
        profile.disable()
    posting = time.perf_counter() - started
    posted = ClaimPosting.objects.filter(era_file=era).count()
    unmatched = UnmatchedPayment.objects.filter(era_file=era).count()
    print(f"posted: {posted} claim payments, unmatched: {unmatched}")
    print(f"post_835_{count}: {posting:.2f} s (target < 15 s for 5,000; < 3 s for 1,000)")
    print(f"queries: {queries[0]} ({queries[0] / max(count, 1):.1f} per claim payment)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


def _waiting_claims(wanted: int) -> tuple[Any, list[int]]:
    """The largest clinic's biller and its `wanted` oldest Medicare and commercial claims the
    payer accepted and has not answered yet (one query each; no clinic is made). Not its PIP
    carriers' claims: those post one by one against the carrier's limit (ADR 0781), and
    arrive in the carrier's own 835."""
    from django.db.models import CharField, Count, Value
    from django.db.models.functions import Cast, Concat

    from cleannote.apps.audit.actions import Actor
    from cleannote.apps.claims.models import Claim, ClaimStatus
    from cleannote.apps.organisations.models import Organisation, Role, Staff
    from cleannote.rules.visit import PayerKind

    organisation = Organisation.objects.annotate(n=Count("claims")).order_by("-n", "pk").first()
    biller = Staff.objects.filter(organisation=organisation, role=Role.BILLER).first()
    if organisation is None or biller is None:
        raise SystemExit("BENCH_DATABASE_URL: no clinic with claims and a biller to post them")
    ready = list(
        Claim.objects.filter(
            organisation=organisation,
            status=ClaimStatus.ACCEPTED,
            payer_kind__in=(PayerKind.MEDICARE, PayerKind.COMMERCIAL),
        )
        .order_by("date_of_service", "pk")
        .values_list("pk", flat=True)[:wanted]
    )
    if len(ready) < wanted:
        raise SystemExit(f"BENCH_DATABASE_URL: only {len(ready)} accepted claims to answer")
    # A database grown before ADR 0872 left the claims' control number (CLP01) empty; the
    # claim action names a claim CN and its id.
    Claim.objects.filter(pk__in=ready, patient_control_number__isnull=True).update(
        patient_control_number=Concat(Value("CN"), Cast("pk", CharField()))
    )
    return Actor(user=biller.user, organisation=organisation), ready
