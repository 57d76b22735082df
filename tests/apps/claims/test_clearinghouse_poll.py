"""The exchange's poll with claims: a batch built for an SFTP clearinghouse waits for the poll,
which uploads it once (ADR 0700, 0701), against a real SFTP server on 127.0.0.1."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cleannote.apps.claims.actions import do_mark_ready
from cleannote.apps.claims.models import Batch, Claim, ClaimStatus
from cleannote.apps.claims.tasks import build_and_file_batch
from cleannote.apps.exchange.models import ClearinghouseProfile, ReceivedFile, Transport
from tests.apps.claims.conftest import another_claim
from tests.apps.exchange.sftp_server import USER, SftpServer, serve
from tests.edi.envelopes import wrap


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SftpServer]:
    yield from serve(tmp_path)


def _sftp_profile(organisation, server: SftpServer) -> ClearinghouseProfile:
    return ClearinghouseProfile.objects.create(
        organisation=organisation,
        name="acme",
        is_default=True,
        transport=Transport.SFTP,
        host=server.host,
        port=server.port,
        username=USER,
        key_path=str(server.key_path),
        host_key_fingerprint=server.fingerprint,
        upload_dir="inbound",
        download_dir="outbound",
        upload_name_pattern="{date}_{name}",
        archive_dir="outbound/archive",
    )


def _poll() -> str:
    out = StringIO()
    call_command("cleannote_exchange_poll", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_batch_for_an_sftp_clearinghouse_is_uploaded_by_the_poll_once(billing, server):
    # given an SFTP default profile and a batch built by the batch task
    _sftp_profile(billing.clinic.organisation, server)
    claim = do_mark_ready(billing.actor, another_claim(billing, 4))
    batch_id = build_and_file_batch(billing.clinic.organisation.pk, [claim.pk])
    batch = Batch.objects.get(pk=batch_id)
    # then the task left it for the poll
    assert batch.filed_at is None
    assert list((server.root / "inbound").iterdir()) == []
    # when the poll runs twice
    first = _poll()
    second = _poll()
    # then the batch went up once, whole, under the profile's naming pattern
    batch.refresh_from_db()
    [uploaded] = (server.root / "inbound").iterdir()
    assert uploaded.name.endswith(f"_{batch.file_name}")
    assert uploaded.read_bytes() == batch.content.encode("ascii")
    assert batch.receipt == f"sftp://127.0.0.1/inbound/{uploaded.name}"
    assert batch.filed_at is not None
    assert "1 file(s) filed" in first
    assert "0 file(s) filed, 0 new file(s) downloaded" in second


def test_a_poll_that_cannot_reach_the_server_files_nothing_and_says_so(billing, server):
    # given a batch waiting and the server down
    _sftp_profile(billing.clinic.organisation, server)
    claim = do_mark_ready(billing.actor, another_claim(billing, 4))
    batch_id = build_and_file_batch(billing.clinic.organisation.pk, [claim.pk])
    server.stop()
    # when the poll runs, then it fails naming the profile, and the batch still waits
    with pytest.raises(CommandError, match="1 profile"):
        _poll()
    assert Batch.objects.get(pk=batch_id).filed_at is None


def test_the_poll_downloads_a_999_and_a_277ca_and_moves_the_claims(
    billing, server, django_capture_on_commit_callbacks
):
    # given two claims sent in one batch through the SFTP clearinghouse
    _sftp_profile(billing.clinic.organisation, server)
    claims = [do_mark_ready(billing.actor, another_claim(billing, 4 + n)) for n in range(2)]
    batch = Batch.objects.get(pk=build_and_file_batch(billing.clinic.organisation.pk,
                                                      [c.pk for c in claims]))  # fmt: skip
    _poll()
    # and, an hour later, the clearinghouse's 999 (set accepted) and 277CA (one rejection)
    number = batch.control_number
    ack = wrap([f"AK1*HC*{number}*005010X222A1", f"AK2*837*{number:04d}*005010X222A1", "IK5*A",
                "AK9*A*1*1*1"], st01="999", guide="005010X231A1", functional="FA")  # fmt: skip
    first, second = (c.patient_control_number for c in claims)
    answer = wrap(["BHT*0085*08*B1*20261206*1200*TH", "HL*1**20*1", "HL*2*1*21*1", "HL*3*2*19*1",
                   "HL*4*3*PT", f"TRN*2*{first}", "STC*A2:20*20261206*WQ*190.00",
                   "HL*5*3*PT", f"TRN*2*{second}", "STC*A7:562:85*20261206*U*190.00"],
                  st01="277", guide="005010X214", functional="HN")  # fmt: skip
    hour_ago = time.time() - 3600
    for name, text in (("R1.999", ack), ("R1.277", answer)):
        path = server.root / "outbound" / name
        path.write_text(text)
        os.utime(path, (hour_ago, hour_ago))
    # when the poll runs (twice)
    with django_capture_on_commit_callbacks(execute=True):
        out = _poll()
    with django_capture_on_commit_callbacks(execute=True):
        again = _poll()
    # then both files were imported once and the claims moved
    assert "2 new file(s) downloaded" in out
    assert "0 new file(s) downloaded" in again
    assert sorted((f.name, f.state, f.outcome) for f in ReceivedFile.objects.all()) == [
        ("R1.277", "imported", "277CA: 1 claim(s) accepted, 1 rejected, 0 not ours or not found"),
        ("R1.999", "imported", "999: 1 transaction set(s) answered, 0 claim(s) rejected"),
    ]
    statuses = [Claim.objects.get(pk=c.pk).status for c in claims]
    assert statuses == [ClaimStatus.ACCEPTED, ClaimStatus.REJECTED]
    assert sorted(p.name for p in (server.root / "outbound" / "archive").iterdir()) == [
        "R1.277",
        "R1.999",
    ]
