"""The SFTP adapter and the download step against a real SFTP server on 127.0.0.1 (ADR 0700,
0701): atomic uploads, pinned host keys, final files only, each file imported once."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from cleannote.apps.exchange.errors import ExchangeError
from cleannote.apps.exchange.models import (
    ClearinghouseProfile,
    ReceivedFile,
    ReceivedState,
    ResponseKind,
    Transport,
)
from cleannote.apps.exchange.polling import (
    do_download_responses,
    do_poll_profile,
    response_kind,
)
from cleannote.apps.exchange.routing import IMPORTERS, UPLOADERS
from cleannote.apps.exchange.sftp import SftpAdapter, SftpSession, is_final_name
from cleannote.apps.remittance.models import EraFile, UnmatchedPayment
from tests.apps.exchange.sftp_server import PASSWORD, USER, SftpServer
from tests.apps.x12_files import claim_payment, remittance_835, service
from tests.edi.envelopes import REMIT_BODY, wrap

ACK_999 = wrap(
    ["AK1*HC*41*005010X222A1", "AK2*837*0041*005010X222A1", "IK5*A", "AK9*A*1*1*1"],
    st01="999",
    guide="005010X231A1",
    functional="FA",
).encode()
REMIT_835 = wrap(REMIT_BODY).encode()
OLD = time.time() - 3600  # finished an hour ago: settled


def _profile(organisation, server: SftpServer, **overrides) -> ClearinghouseProfile:
    values = {
        "organisation": organisation,
        "name": "acme",
        "is_default": True,
        "transport": Transport.SFTP,
        "host": server.host,
        "port": server.port,
        "username": USER,
        "key_path": str(server.key_path),
        "host_key_fingerprint": server.fingerprint,
        "upload_dir": "inbound",
        "download_dir": "outbound",
        "archive_dir": "outbound/archive",
        "settle_seconds": 120,
    }
    return ClearinghouseProfile.objects.create(**{**values, **overrides})


def _drop(server: SftpServer, name: str, content: bytes, *, mtime: float = OLD) -> Path:
    path = server.root / "outbound" / name
    path.write_bytes(content)
    os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def recorded_imports(monkeypatch):
    """Every importer answers by recording what it was given (the apps' own importers are
    tested in their apps)."""
    seen: list[tuple[str, str, bytes]] = []
    for kind, hook in IMPORTERS.items():

        def answer(actor, data, file_name, kind=kind):
            seen.append((kind, file_name, data))
            return f"{kind} read"

        monkeypatch.setattr(hook, "_answer", answer)
    return seen


# --- uploading ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_lands_under_its_final_name_with_no_temporary_file_left(clinic, sftp_server):
    # given a profile with a naming pattern
    profile = _profile(clinic.organisation, sftp_server, upload_name_pattern="CN_{stem}{suffix}")
    # when a batch is sent
    receipt = SftpAdapter(profile).send("837P_1_CLEANNOTE_7.x12", b"ISA*batch~")
    # then the file is there, whole, under the pattern's name, and nothing else
    inbound = sftp_server.root / "inbound"
    assert sorted(p.name for p in inbound.iterdir()) == ["CN_837P_1_CLEANNOTE_7.x12"]
    assert (inbound / "CN_837P_1_CLEANNOTE_7.x12").read_bytes() == b"ISA*batch~"
    assert receipt.reference == "sftp://127.0.0.1/inbound/CN_837P_1_CLEANNOTE_7.x12"


@pytest.mark.django_db
def test_sending_the_same_batch_again_replaces_it_instead_of_adding_a_file(clinic, sftp_server):
    profile = _profile(clinic.organisation, sftp_server)
    adapter = SftpAdapter(profile)
    adapter.send("batch.x12", b"ISA*one~")
    adapter.send("batch.x12", b"ISA*one~")
    assert [p.name for p in (sftp_server.root / "inbound").iterdir()] == ["batch.x12"]


@pytest.mark.django_db
def test_password_comes_from_the_named_environment_variable(clinic, sftp_server, monkeypatch):
    # given a profile naming a variable, not holding a password
    profile = _profile(clinic.organisation, sftp_server, key_path="", password_env="CH_PASS")
    # when the variable is missing, then the error names it
    monkeypatch.delenv("CH_PASS", raising=False)
    with pytest.raises(ExchangeError, match="environment variable CH_PASS is not set"):
        SftpAdapter(profile).send("a.x12", b"ISA~")
    # when it holds the password, then the upload goes through
    monkeypatch.setenv("CH_PASS", PASSWORD)
    SftpAdapter(profile).send("a.x12", b"ISA~")
    assert (sftp_server.root / "inbound" / "a.x12").read_bytes() == b"ISA~"


@pytest.mark.django_db
def test_a_host_key_that_is_not_the_pinned_one_is_refused_before_logging_in(clinic, sftp_server):
    # given a profile pinned to another key (a server impersonating the clearinghouse)
    profile = _profile(
        clinic.organisation, sftp_server, host_key_fingerprint=sftp_server.other_fingerprint
    )
    # when sending, then the connection is refused with both fingerprints named
    with pytest.raises(ExchangeError) as refused:
        SftpAdapter(profile).send("a.x12", b"ISA~")
    assert f"host key {sftp_server.fingerprint} is not the pinned" in str(refused.value)
    assert sftp_server.other_fingerprint in str(refused.value)
    assert list((sftp_server.root / "inbound").iterdir()) == []


@pytest.mark.django_db
def test_a_profile_without_a_pinned_key_never_connects(clinic, sftp_server):
    profile = _profile(clinic.organisation, sftp_server, host_key_fingerprint="")
    with pytest.raises(ExchangeError, match="unknown host keys are refused"):
        SftpAdapter(profile).send("a.x12", b"ISA~")


@pytest.mark.django_db
def test_a_server_that_is_down_is_a_clear_error_and_nothing_is_recorded(clinic, sftp_server):
    # given a profile and a file waiting, then the server stops
    profile = _profile(clinic.organisation, sftp_server)
    _drop(sftp_server, "ack.999", ACK_999)
    sftp_server.stop()
    # when sending and polling
    with pytest.raises(ExchangeError, match=r"acme \(127\.0\.0\.1:\d+\): could not connect"):
        SftpAdapter(profile).send("a.x12", b"ISA~")
    result = do_poll_profile(profile)
    # then the poll says so and nothing was half-recorded
    assert "could not connect" in result.error
    assert ReceivedFile.objects.count() == 0


# --- downloading --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "final"),
    [
        ("ack.999", True),
        ("R0001.x12", True),
        (".ack.999.part", False),
        ("ack.999.part", False),
        ("ack.999.tmp", False),
        ("ack.999.filepart", False),
        ("~ack.999", False),
    ],
)
def test_only_final_names_are_fetched(name, final):
    assert is_final_name(name) is final


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (ACK_999, ResponseKind.ACK_999),
        (REMIT_835, ResponseKind.REMITTANCE_835),
        (wrap(["BHT*0085*08*B1*20260110*1200*TH"], st01="277", guide="005010X214",
              functional="HN").encode(), ResponseKind.CLAIM_ACK_277CA),
        (wrap(["BHT*0010*08*B1*20260110*1200*DG"], st01="277", guide="005010X212",
              functional="HN").encode(), ResponseKind.OTHER),
        (b"Your password expires in 5 days", ResponseKind.OTHER),
    ],
    ids=["999", "835", "277CA", "277-X212", "not-x12"],
)  # fmt: skip
def test_a_file_kind_comes_from_its_envelope(content, kind):
    assert response_kind(content, "f") == kind


@pytest.mark.django_db
def test_download_fetches_final_files_records_routes_and_archives_them(
    clinic, sftp_server, recorded_imports, django_capture_on_commit_callbacks
):
    # given two finished responses, one still being written under a temporary name and one
    # finished seconds ago (inside the settle time)
    profile = _profile(clinic.organisation, sftp_server)
    _drop(sftp_server, "ack.999", ACK_999)
    _drop(sftp_server, "era.835", REMIT_835)
    _drop(sftp_server, ".era2.835.part", REMIT_835[:40])
    _drop(sftp_server, "era3.835", REMIT_835, mtime=time.time() - 5)
    # when the responses are downloaded
    with django_capture_on_commit_callbacks(execute=True):
        result = do_download_responses(profile)
    # then the two finished ones are recorded with their size and hash, and imported
    files = {f.name: f for f in ReceivedFile.objects.filter(profile=profile)}
    assert sorted(files) == ["ack.999", "era.835"]
    era = files["era.835"]
    assert (era.size, era.sha256, era.kind) == (
        len(REMIT_835),
        hashlib.sha256(REMIT_835).hexdigest(),
        ResponseKind.REMITTANCE_835,
    )
    assert sorted((k, n, d) for k, n, d in recorded_imports) == [
        ("835", "era.835", REMIT_835),
        ("999", "ack.999", ACK_999),
    ]
    assert {f.state for f in ReceivedFile.objects.all()} == {ReceivedState.IMPORTED}
    assert sorted(result.new_files) == sorted(f.pk for f in files.values())
    # and moved to the archive, the unfinished ones left where they were
    outbound = sftp_server.root / "outbound"
    assert sorted(p.name for p in (outbound / "archive").iterdir()) == ["ack.999", "era.835"]
    assert sorted(p.name for p in outbound.iterdir() if p.is_file()) == [
        ".era2.835.part",
        "era3.835",
    ]


@pytest.mark.django_db
def test_a_second_poll_imports_nothing_even_when_files_stay_on_the_server(
    clinic, sftp_server, recorded_imports, django_capture_on_commit_callbacks
):
    # given a profile that leaves files on the server, polled once
    profile = _profile(clinic.organisation, sftp_server, after_download="keep")
    _drop(sftp_server, "ack.999", ACK_999)
    with django_capture_on_commit_callbacks(execute=True):
        first = do_download_responses(profile)
    # when polled again, and again after the server re-dates the same file
    with django_capture_on_commit_callbacks(execute=True):
        second = do_download_responses(profile)
    _drop(sftp_server, "ack.999", ACK_999, mtime=OLD + 60)
    with django_capture_on_commit_callbacks(execute=True):
        third = do_download_responses(profile)
    # then the file was recorded and imported once
    assert (len(first.new_files), len(second.new_files), len(third.new_files)) == (1, 0, 0)
    assert (second.already_seen, third.already_seen) == (1, 1)
    assert ReceivedFile.objects.count() == 1
    assert len(recorded_imports) == 1


@pytest.mark.django_db
def test_a_kind_switched_off_is_kept_but_not_imported(
    clinic, sftp_server, recorded_imports, django_capture_on_commit_callbacks
):
    profile = _profile(clinic.organisation, sftp_server, take_835=False)
    _drop(sftp_server, "era.835", REMIT_835)
    with django_capture_on_commit_callbacks(execute=True):
        do_download_responses(profile)
    received = ReceivedFile.objects.get()
    assert (received.state, received.outcome) == (
        ReceivedState.SKIPPED,
        "835 files are switched off",
    )
    assert recorded_imports == []


@pytest.mark.django_db
def test_an_import_refused_by_its_app_is_kept_with_the_reason(
    clinic, sftp_server, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(actor, data, file_name):
        raise ValueError(f"{file_name}: names no batch of ours")

    monkeypatch.setattr(IMPORTERS["999"], "_answer", refuse)
    profile = _profile(clinic.organisation, sftp_server)
    _drop(sftp_server, "ack.999", ACK_999)
    with django_capture_on_commit_callbacks(execute=True):
        do_download_responses(profile)
    received = ReceivedFile.objects.get()
    assert (received.state, received.outcome) == (
        ReceivedState.FAILED,
        "ack.999: names no batch of ours",
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL): SKIP LOCKED is PostgreSQL's",
)
def test_two_workers_polling_at_once_never_fetch_the_same_file(
    clinic, sftp_server, recorded_imports
):
    # given ten responses waiting and a session that counts what it fetches
    profile = _profile(clinic.organisation, sftp_server, after_download="keep")
    for number in range(10):
        _drop(sftp_server, f"ack{number}.999", ACK_999.replace(b"0041", b"%04d" % number))
    fetched: list[str] = []
    barrier = threading.Barrier(2)

    class SlowSession(SftpSession):
        def fetch(self, remote):  # type: ignore[no-untyped-def]
            fetched.append(remote.name)
            time.sleep(0.05)
            return super().fetch(remote)

    results = []

    def poll() -> None:
        try:
            barrier.wait()
            results.append(do_download_responses(profile, session_factory=SlowSession))
        finally:
            connection.close()

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every file was fetched, recorded and imported exactly once
    assert sorted(fetched) == sorted(f"ack{n}.999" for n in range(10))
    assert ReceivedFile.objects.count() == 10
    assert sum(len(r.new_files) for r in results) == 10
    assert len(recorded_imports) == 10


def test_every_response_kind_is_imported_by_the_app_that_owns_it():
    # claims answers 999 and 277CA, eligibility 271, remittance 835 (registered at start-up)
    assert {kind: hook.registered for kind, hook in IMPORTERS.items()} == {
        "999": True,
        "277CA": True,
        "271": True,
        "835": True,
    }
    assert [hook.registered for hook in UPLOADERS.values()] == [True, True]


@pytest.mark.django_db
def test_a_downloaded_835_is_posted_by_remittance(
    clinic, sftp_server, django_capture_on_commit_callbacks
):
    # given an 835 paying a claim that is none of ours, waiting on the server
    profile = _profile(clinic.organisation, sftp_server)
    payment = claim_payment("NOT-OURS-1", "1", "50", "50", "0", [service("97110", "50", "50", 1)])
    _drop(sftp_server, "era.835", remittance_835([payment]))
    # when downloaded, then remittance imported it (keeping the stranger as unmatched)
    with django_capture_on_commit_callbacks(execute=True):
        do_download_responses(profile)
    received = ReceivedFile.objects.get()
    assert (received.kind, received.state) == (ResponseKind.REMITTANCE_835, ReceivedState.IMPORTED)
    assert received.outcome.endswith(": 0 claim payment(s) posted")
    assert EraFile.objects.get().file_name == "era.835"
    assert UnmatchedPayment.objects.count() == 1


@pytest.mark.django_db
def test_a_file_that_changes_while_downloading_is_left_and_the_others_are_recorded(
    clinic, sftp_server, recorded_imports, django_capture_on_commit_callbacks
):
    # given two responses, one of which the clearinghouse is still appending to
    profile = _profile(clinic.organisation, sftp_server)
    _drop(sftp_server, "a.999", ACK_999)
    _drop(sftp_server, "b.835", REMIT_835)

    class Growing(SftpSession):
        def fetch(self, remote):  # type: ignore[no-untyped-def]
            if remote.name == "a.999":
                (sftp_server.root / "outbound" / "a.999").write_bytes(ACK_999 + b"\n")
            return super().fetch(remote)

    # when downloaded
    with django_capture_on_commit_callbacks(execute=True):
        result = do_download_responses(profile, session_factory=Growing)
    # then the growing one is left on the server for the next poll, the other recorded
    assert [f.name for f in ReceivedFile.objects.all()] == ["b.835"]
    assert result.left == ["a.999 changed while downloading; left for the next poll"]
    assert (sftp_server.root / "outbound" / "a.999").exists()
