"""837P batches: valid X12, control numbers never reused, no claim sent twice, the outbox."""

from __future__ import annotations

import hashlib
import os

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import (
    do_build_batch,
    do_file_batch,
    do_mark_ready,
)
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Batch, Claim, ClaimStatus
from cleannote.apps.claims.tasks import build_and_file_batch
from cleannote.apps.exchange.clearinghouse import FilingReceipt, OutboxFolderAdapter
from cleannote.apps.exchange.models import ControlNumberCounter
from cleannote.edi.error_codes import WriteErrorCode
from cleannote.platform.tasks import enqueue
from tests.apps.claims.conftest import another_claim, new_claim
from tests.edi.pyx12_check import pyx12_errors


def _ready_claim(billing):
    """A ready claim of a note of its own (a note is billed once to a payer)."""
    days_ago = 4 + Claim.objects.count()
    return do_mark_ready(billing.actor, another_claim(billing, days_ago))


def test_batch_is_a_valid_837p_with_its_control_number_and_checksum(billing):
    # given two ready claims
    claims = [_ready_claim(billing), _ready_claim(billing)]
    # when
    batch = do_build_batch(billing.actor, [c.pk for c in claims])
    # then
    data = batch.content.encode("ascii")
    assert pyx12_errors(data) == []
    assert batch.control_number == 1
    assert data.startswith(b"ISA*")
    assert b"*000000001*0*T*:~" in data
    assert b"GS*HC*CLEANNOTE*CLEARINGHOUSE*" in data
    assert batch.sha256 == hashlib.sha256(data).hexdigest()
    assert [e.claim_id for e in batch.entries.all()] == [c.pk for c in claims]
    for claim in claims:
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.IN_BATCH
        assert f"CLM*{claim.patient_control_number}*190*".encode() in data


def test_control_numbers_count_up_and_are_never_reused(billing):
    first = do_build_batch(billing.actor, [_ready_claim(billing).pk])
    second = do_build_batch(billing.actor, [_ready_claim(billing).pk])
    assert (first.control_number, second.control_number) == (1, 2)
    assert ControlNumberCounter.objects.get().last == 2


def test_asking_again_for_the_same_claims_returns_the_same_batch(billing):
    claim = _ready_claim(billing)
    first = do_build_batch(billing.actor, [claim.pk])
    again = do_build_batch(billing.actor, [claim.pk])
    assert again.pk == first.pk
    assert Batch.objects.count() == 1


def test_a_claim_already_batched_is_refused_in_a_new_batch(billing):
    batched = _ready_claim(billing)
    do_build_batch(billing.actor, [batched.pk])
    other = _ready_claim(billing)
    with pytest.raises(ClaimError, match=rf"claim {batched.pk}: is in_batch"):
        do_build_batch(billing.actor, [batched.pk, other.pk])
    other.refresh_from_db()
    assert other.status == ClaimStatus.READY


def test_a_draft_claim_is_refused(billing):
    claim = new_claim(billing)
    with pytest.raises(ClaimError, match="only ready claims go in a batch"):
        do_build_batch(billing.actor, [claim.pk])


def test_another_organisations_claim_is_refused(billing, other_clinic):
    claim = _ready_claim(billing)
    stranger = Actor(user=None, organisation=other_clinic.organisation)
    with pytest.raises(ClaimError, match=rf"claim {claim.pk}: no such claim"):
        do_build_batch(stranger, [claim.pk])


def test_writer_refusal_becomes_a_claim_error_and_nothing_is_kept(billing):
    # issue 9: a five-digit billing ZIP was scrubbed clean and refused only by the 837P writer
    # when the batch was built; the scrubber now refuses the claim itself, by the rule the
    # writer's guard carries (format.billing-zip, ADR 0350), and nothing is kept
    type(billing.clinic.organisation).objects.update(zip="62701")
    with pytest.raises(ClaimError, match=r"format\.billing-zip"):
        _ready_claim(billing)
    assert not Batch.objects.exists()


def test_writer_refusal_keeps_the_writers_code_and_keeps_nothing(billing, settings):
    # given a trading-partner set-up the 837P writer refuses (usage is T or P, never X)
    claim = _ready_claim(billing)
    settings.CLEANNOTE_EDI = {"usage": "X"}
    # when / then: the claim error carries the writer's code, not only its message
    with pytest.raises(ClaimError, match=r"batch: .*usage indicator") as refused:
        do_build_batch(billing.actor, [claim.pk])
    assert refused.value.code is WriteErrorCode.ENVELOPE
    assert not Batch.objects.exists()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY


def test_a_claim_error_of_our_own_has_no_core_code(billing):
    claim = _ready_claim(billing)
    do_build_batch(billing.actor, [claim.pk])
    with pytest.raises(ClaimError, match="only ready claims") as refused:
        do_build_batch(billing.actor, [claim.pk, _ready_claim(billing).pk])
    assert refused.value.code is None


class _CountingAdapter:
    def __init__(self, inner):
        self.inner = inner
        self.sent = []

    def send(self, batch_file_name, content) -> FilingReceipt:
        self.sent.append(batch_file_name)
        return self.inner.send(batch_file_name, content)


def test_filing_writes_the_outbox_once(billing, tmp_path):
    # given
    batch = do_build_batch(billing.actor, [_ready_claim(billing).pk])
    adapter = _CountingAdapter(OutboxFolderAdapter(tmp_path / "outbox"))
    # when filed twice
    filed = do_file_batch(billing.actor, batch, adapter)
    again = do_file_batch(billing.actor, batch, adapter)
    # then
    assert adapter.sent == [batch.file_name]
    target = tmp_path / "outbox" / batch.file_name
    assert target.read_bytes() == batch.content.encode("ascii")
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == [batch.file_name]
    assert filed.filed_at is not None
    assert again.filed_at == filed.filed_at
    assert filed.receipt == str(target)


def test_task_runs_in_process_without_redis_and_a_retry_files_nothing_new(billing, settings):
    # given no REDIS_URL (the embedded default)
    claim = _ready_claim(billing)
    args = (billing.clinic.organisation.pk, [claim.pk], billing.clinic.biller.user.pk)
    # when the task runs, then runs again as a retry would
    first = enqueue(build_and_file_batch, *args)
    retry = enqueue(build_and_file_batch, *args)
    # then
    assert first.job_id is None
    assert first.result == retry.result
    assert Batch.objects.count() == 1
    assert len(list(settings.CLEANNOTE_OUTBOX_DIR.iterdir())) == 1


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis")
def test_task_on_a_real_redis_queue_builds_the_batch(billing, settings):
    from rq import SimpleWorker

    from cleannote.platform.tasks import queue

    # given a Redis queue
    settings.REDIS_URL = os.environ["REDIS_URL"]
    work = queue()
    work.empty()
    claim = _ready_claim(billing)
    # when enqueued and a burst worker runs in this process
    queued = enqueue(build_and_file_batch, billing.clinic.organisation.pk, [claim.pk], None)
    assert queued.job_id is not None
    assert not Batch.objects.exists()
    SimpleWorker([work], connection=work.connection).work(burst=True, with_scheduler=False)
    # then
    job = work.fetch_job(queued.job_id)
    assert job.is_finished, job.latest_result().exc_string if job.latest_result() else None
    batch = Batch.objects.get()
    assert job.return_value() == batch.pk
    assert batch.filed_at is not None
