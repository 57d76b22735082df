"""The exchange's poll with claims: a batch built for an SFTP clearinghouse waits for the poll,
which uploads it once (ADR 0700, 0701), against a real SFTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cleannote.apps.claims.actions import do_mark_ready
from cleannote.apps.claims.models import Batch
from cleannote.apps.claims.tasks import build_and_file_batch
from cleannote.apps.exchange.models import ClearinghouseProfile, Transport
from tests.apps.claims.conftest import another_claim
from tests.apps.exchange.sftp_server import USER, SftpServer, serve


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
