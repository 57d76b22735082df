"""The clearinghouse loop on the demo clinic, over a real SFTP server on 127.0.0.1: claims from
signed notes go out in one batch that the poll uploads, the clearinghouse's 999 and 277CA come
back (one claim rejected for its member id), the front desk fixes the coverage, the biller
resubmits from the rejections worklist, and the new original claim goes out in a second,
pyx12-valid batch (ADRs 0700-0702).

Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_mark_ready
from cleannote.apps.claims.models import Batch, Claim, ClaimStatus, Frequency
from cleannote.apps.claims.tasks import build_and_file_batch
from cleannote.apps.exchange.models import ClearinghouseProfile, ReceivedFile, Transport
from cleannote.apps.organisations.models import Staff
from cleannote.apps.patients.chart_actions import do_update_coverage
from tests.apps.exchange.sftp_server import USER, SftpServer, serve
from tests.apps.x12_files import claim_acknowledgment_277ca
from tests.e2e.conftest import Demo, claims_from_signed_notes
from tests.edi.envelopes import wrap
from tests.edi.pyx12_check import pyx12_errors
from tests.personas import client_for


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SftpServer]:
    yield from serve(tmp_path)


def _poll(capture) -> str:  # type: ignore[no-untyped-def]
    out = StringIO()
    with capture(execute=True):
        call_command("cleannote_exchange_poll", stdout=out)
    return out.getvalue()


def _answer(server: SftpServer, name: str, text: str) -> None:
    """The clearinghouse drops a response, finished an hour ago."""
    path = server.root / "outbound" / name
    path.write_text(text)
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))


def _uploaded(server: SftpServer, batch: Batch) -> bytes:
    [path] = [p for p in (server.root / "inbound").iterdir() if p.name == batch.file_name]
    return path.read_bytes()


def test_a_rejected_claim_comes_back_by_sftp_is_fixed_and_goes_out_as_a_new_original(
    demo: Demo, server: SftpServer, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    ClearinghouseProfile.objects.create(
        organisation=demo.organisation, name="acme", is_default=True, transport=Transport.SFTP,
        host=server.host, port=server.port, username=USER, key_path=str(server.key_path),
        host_key_fingerprint=server.fingerprint, upload_dir="inbound", download_dir="outbound",
        archive_dir="outbound/done",
    )  # fmt: skip
    # given the demo's claims, ready and batched through the task (which leaves SFTP to the poll)
    claims, _ = claims_from_signed_notes(demo)
    assert len(claims) >= 2
    for claim in claims:
        do_mark_ready(demo.actor, claim)
    organisation_id = demo.organisation.pk
    batch = Batch.objects.get(pk=build_and_file_batch(organisation_id, [c.pk for c in claims]))
    assert batch.filed_at is None

    # when the poll runs, then the batch is on the clearinghouse's server, whole and valid
    assert "1 file(s) filed" in _poll(capture)
    first_upload = _uploaded(server, batch)
    assert first_upload == batch.content.encode("ascii")
    assert pyx12_errors(first_upload) == []

    # when the clearinghouse answers: the set accepted (999), every claim accepted but one,
    # rejected for the subscriber's member id (277CA A6:164:IL)
    number = batch.control_number
    _answer(server, "ack.999", wrap(
        [f"AK1*HC*{number}*005010X222A1", f"AK2*837*{number:04d}*005010X222A1", "IK5*A",
         "AK9*A*1*1*1"], st01="999", guide="005010X231A1", functional="FA"))  # fmt: skip
    rejected, *others = claims
    answers = [(str(rejected.patient_control_number), ["STC*A6:164:IL*20260316*U"])]
    answers += [(str(c.patient_control_number), ["STC*A2:20*20260316*WQ"]) for c in others]
    _answer(server, "ca.277", claim_acknowledgment_277ca(answers).decode("ascii"))
    out = _poll(capture)

    # then both files are imported once, the claims moved, and the rejection is on the worklist
    assert "2 new file(s) downloaded" in out
    outcomes = dict(ReceivedFile.objects.values_list("name", "outcome"))
    assert outcomes["ca.277"] == (
        f"277CA: {len(others)} claim(s) accepted, 1 rejected, 0 not ours or not found"
    )
    statuses = dict(Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("pk", "status"))
    assert statuses == {rejected.pk: ClaimStatus.REJECTED} | {
        c.pk: ClaimStatus.ACCEPTED for c in others
    }
    biller = client_for(demo.biller)
    page = biller.get("/claims/rejections/").content.decode()
    assert str(rejected.patient_control_number) in page
    assert "164: the entity&#x27;s contract or member number (the subscriber)" in page
    assert "No rejected claims" not in page

    # when the front desk fixes the member id and the biller resubmits from the worklist
    front_desk = Staff.objects.select_related("user").get(user__username="demo-frontdesk")
    fixer = Actor(user=front_desk.user, organisation=demo.organisation)
    do_update_coverage(fixer, rejected.coverage, reason="member id typo on the card",
                       member_id="XYZ987654321")  # fmt: skip
    response = biller.post(f"/claims/{rejected.pk}/resubmit/")
    assert response.status_code == 302

    # then a new original claim bills the note with the fixed member id and a new number
    fresh = Claim.objects.get(note=rejected.note, voided=False, pk__gt=rejected.pk)
    rejected.refresh_from_db()
    assert (rejected.status, rejected.voided) == (ClaimStatus.CLOSED, True)
    assert fresh.frequency == Frequency.ORIGINAL
    assert fresh.patient_control_number != rejected.patient_control_number
    assert "/claims/rejections/" not in response.url
    assert "No rejected claims" in biller.get("/claims/rejections/").content.decode()

    # and it goes out in a second batch, uploaded by the next poll, valid, frequency 1
    do_mark_ready(demo.actor, fresh)
    second = Batch.objects.get(pk=build_and_file_batch(organisation_id, [fresh.pk]))
    assert "1 file(s) filed" in _poll(capture)
    resent = _uploaded(server, second).decode("ascii")
    assert pyx12_errors(resent.encode("ascii")) == []
    assert f"CLM*{fresh.patient_control_number}*" in resent
    assert ":B:1*" in resent  # CLM05: place of service, B, frequency 1 (an original)
    assert "XYZ987654321" in resent
    assert sorted(p.name for p in (server.root / "outbound" / "done").iterdir()) == [
        "ack.999",
        "ca.277",
    ]
