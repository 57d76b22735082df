"""Batches of many claims (ADR 0711): one 837P per payer from a worklist selection or the nightly
command, each valid for pyx12, and a claim never in two batches."""

from __future__ import annotations

import datetime as dt
import os
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from cleannote.apps.claims.actions import do_create_claim_from_note, do_mark_ready
from cleannote.apps.claims.batching import do_build_batches
from cleannote.apps.claims.models import Batch, BatchClaim, Claim, ClaimStatus
from cleannote.apps.patients.models import Coverage
from tests.apps.claims.conftest import signed_note
from tests.edi.pyx12_check import pyx12_errors
from tests.personas import TODAY, client_for


def _ready(billing, days_ago: int, coverage: Coverage | None = None) -> Claim:
    note = signed_note(billing.clinic, TODAY - dt.timedelta(days=days_ago))
    claim = do_create_claim_from_note(billing.actor, note, coverage=coverage)
    return do_mark_ready(billing.actor, claim)


def _commercial(billing) -> Coverage:
    return Coverage.objects.create(
        patient=billing.clinic.patient, priority="secondary", payer_name="Lakeshore Mutual",
        payer_id="LSM01", kind="commercial", member_id="LSM998877", active_from=dt.date(2025, 1, 1),
    )  # fmt: skip


def test_ready_claims_are_grouped_one_batch_per_payer(billing):
    # given three ready Medicare claims and two to a commercial payer
    commercial = _commercial(billing)
    medicare = [_ready(billing, d) for d in (4, 5, 6)]
    lakeshore = [_ready(billing, d, commercial) for d in (7, 8)]
    # when the biller batches all five
    outcome = do_build_batches(billing.actor, [c.pk for c in medicare + lakeshore])
    # then two batches, each of one payer's claims, each valid
    assert outcome.skipped == {}
    by_payer = {
        b.pk: sorted(b.entries.values_list("claim__payer_id", flat=True)) for b in outcome.batches
    }
    assert sorted(by_payer.values()) == [["LSM01", "LSM01"], ["MCR", "MCR", "MCR"]]
    for batch in outcome.batches:
        assert pyx12_errors(batch.content.encode("ascii")) == []
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.IN_BATCH}


def test_a_claim_is_never_in_two_batches(billing):
    first, second = _ready(billing, 4), _ready(billing, 5)
    one = do_build_batches(billing.actor, [first.pk])
    # when a later selection includes the batched claim again
    two = do_build_batches(billing.actor, [first.pk, second.pk])
    # then it is left out with its status, and the other claim goes in a batch of its own
    assert two.skipped == {first.pk: "is in_batch; only ready claims go in a batch"}
    assert [list(b.entries.values_list("claim_id", flat=True)) for b in two.batches] == [
        [second.pk]
    ]
    assert BatchClaim.objects.filter(claim=first).count() == 1
    assert one.batches[0].pk != two.batches[0].pk


def test_drafts_and_other_organisations_claims_are_left_out(billing):
    draft = do_create_claim_from_note(
        billing.actor, signed_note(billing.clinic, TODAY - dt.timedelta(days=4))
    )
    outcome = do_build_batches(billing.actor, [draft.pk, 999_999])
    assert outcome.batches == []
    assert outcome.skipped == {
        draft.pk: "is draft; only ready claims go in a batch",
        999_999: "no such claim in this organisation",
    }


def test_build_batches_from_the_worklist_selection(billing):
    claims = [_ready(billing, d) for d in (4, 5)]
    client = client_for(billing.clinic.biller)
    page = client.get("/claims/").content.decode()
    assert 'name="claim"' in page
    response = client.post("/claims/batches/build/", {"claim": [str(c.pk) for c in claims]})
    assert response.status_code == 302
    assert response["Location"] == "/claims/batches/"
    batch = Batch.objects.get()
    assert batch.is_filed  # in the outbox
    assert batch.entries.count() == 2


def test_the_nightly_command_batches_every_ready_claim_once(billing):
    _commercial_coverage = _commercial(billing)
    _ready(billing, 4)
    _ready(billing, 5, _commercial_coverage)
    out = StringIO()
    call_command("cleannote_build_batches", stdout=out)
    assert f"organisation {billing.clinic.organisation.pk}: 2 batch(es) of 2 claim(s)" in (
        out.getvalue()
    )
    call_command("cleannote_build_batches", stdout=StringIO())
    assert Batch.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL): SQLite serialises writers by itself",
)
def test_two_builders_at_once_put_each_claim_in_one_batch(billing):
    claims = [_ready(billing, d) for d in (4, 5, 6)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def build(ids: list[int]) -> None:
        try:
            barrier.wait()
            do_build_batches(billing.actor, ids)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    selections = [[c.pk for c in claims], [claims[1].pk, claims[2].pk]]
    threads = [threading.Thread(target=build, args=(s,)) for s in selections]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(BatchClaim.objects.values_list("claim_id", flat=True)) == [c.pk for c in claims]
