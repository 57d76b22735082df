"""Polling a clearinghouse: file what waits to go, fetch new responses, import each once.

`do_download_responses` holds the profile's row locked for the whole download
(`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL), so a second worker polling the same
profile at the same moment skips it instead of fetching the same files (ADR 0701). A listed
file already recorded with the same name, size and modification time is not fetched again; a
fetched one whose name and sha256 are already recorded is dropped by the unique constraint.
The rows commit before any file is archived or deleted on the server, so a crash in between
leaves the file where it was (and recognised next time), never lost.

Each new file is imported by `import_received_file`, run as a task when the download commits:
the owning app's importer (`routing.IMPORTERS`) reads it with its own `do_*` action.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.exchange.clearinghouse import adapter_for
from cleannote.apps.exchange.errors import ExchangeError
from cleannote.apps.exchange.models import (
    ClearinghouseProfile,
    ReceivedFile,
    ReceivedState,
    ResponseKind,
    Transport,
)
from cleannote.apps.exchange.routing import IMPORTERS, UPLOADERS
from cleannote.apps.exchange.sftp import RemoteFile, SftpSession
from cleannote.edi.tokenizer import X12Error
from cleannote.edi.transactions import detect_transaction
from cleannote.platform.tasks import enqueue

SessionFactory = Callable[[ClearinghouseProfile], SftpSession]


def response_kind(data: bytes, name: str) -> ResponseKind:
    """What a downloaded file holds, from its first set's ST01 and guide (GS08/ST03)."""
    try:
        transaction_set, guide = detect_transaction(data, source=name)
    except X12Error:
        return ResponseKind.OTHER
    if transaction_set == "277":
        # A 277CA is the X214 guide; an X212 277 answers a 276 we never send.
        return ResponseKind.CLAIM_ACK_277CA if "X214" in guide else ResponseKind.OTHER
    if transaction_set in {"999", "271", "835"}:
        return ResponseKind(transaction_set)
    return ResponseKind.OTHER


@dataclass
class DownloadResult:
    profile: str
    busy: bool = False
    new_files: list[int] = field(default_factory=list)
    already_seen: int = 0
    left: list[str] = field(default_factory=list)  # files left for the next poll, and why


def system_actor(profile: ClearinghouseProfile) -> Actor:
    return Actor(user=None, organisation=profile.organisation)


def do_download_responses(
    profile: ClearinghouseProfile,
    *,
    session_factory: SessionFactory = SftpSession,
    now: dt.datetime | None = None,
) -> DownloadResult:
    """Fetch the download folder's new final files, record each once and queue its import."""
    result = DownloadResult(profile.name)
    if profile.transport != Transport.SFTP:
        return result  # an outbox profile's responses are imported by hand
    when = now or timezone.now()
    with session_factory(profile) as session:
        with transaction.atomic():
            locked = (
                ClearinghouseProfile.objects.select_for_update(skip_locked=True)
                .select_related("organisation")
                .filter(pk=profile.pk)
                .first()
            )
            if locked is None:
                result.busy = True
                return result
            listed = session.final_files(when)
            seen = set(
                ReceivedFile.objects.filter(
                    profile=locked, name__in=[f.name for f in listed]
                ).values_list("name", "size", "remote_mtime")
            )
            fresh = [f for f in listed if (f.name, f.size, f.mtime) not in seen]
            result.already_seen = len(listed) - len(fresh)
            for remote in fresh:
                try:
                    data = session.fetch(remote)
                except ExchangeError as exc:
                    result.left.append(exc.problem)  # grew, or vanished: the next poll
                    continue
                received = _record(locked, remote, data, when)
                if received is None:
                    result.already_seen += 1
                    continue
                result.new_files.append(received.pk)
                if received.state == ReceivedState.NEW:
                    enqueue(import_received_file, received.pk)
        _dispose(locked, session, {f.name for f in listed})
    return result


def _record(
    profile: ClearinghouseProfile, remote: RemoteFile, data: bytes, when: dt.datetime
) -> ReceivedFile | None:
    """The new row, or None when this name and content were recorded before."""
    digest = hashlib.sha256(data).hexdigest()
    kind = response_kind(data, remote.name)
    state = ReceivedState.NEW if profile.takes(kind) else ReceivedState.SKIPPED
    try:
        with transaction.atomic():
            received = ReceivedFile.objects.create(
                profile=profile,
                name=remote.name[:255],
                size=remote.size,
                remote_mtime=remote.mtime,
                sha256=digest,
                kind=kind,
                content=data.removeprefix(codecs.BOM_UTF8).decode("latin-1"),
                downloaded_at=when,
                state=state,
                outcome="" if state == ReceivedState.NEW else f"{kind} files are switched off",
            )
    except IntegrityError:
        return None  # the same name and bytes came before (a re-listed or re-dated file)
    do_record_audit_event(system_actor(profile), AuditAction.CREATE, "received_file", received.pk)
    return received


def _dispose(profile: ClearinghouseProfile, session: SftpSession, listed: set[str]) -> None:
    """Archive or delete, as the profile says, every recorded file this poll listed (one a
    crash kept on the server last time included)."""
    if profile.after_download == "keep" or not listed:
        return
    waiting = ReceivedFile.objects.filter(profile=profile, disposed=False, name__in=listed)
    for received in waiting:
        try:
            session.dispose(received.name)
        except ExchangeError:
            continue  # gone already, or not allowed: recognised by name and hash next time
        ReceivedFile.objects.filter(pk=received.pk).update(disposed=True)


def import_received_file(received_id: int) -> str:
    """Task: hand one downloaded file to the app that imports its kind; idempotent."""
    with transaction.atomic():
        received = (
            ReceivedFile.objects.select_for_update()
            .select_related("profile__organisation")
            .get(pk=received_id)
        )
        if received.state != ReceivedState.NEW:
            return received.outcome
        actor = system_actor(received.profile)
        data = received.content.encode("latin-1")
        try:
            with transaction.atomic():
                outcome = IMPORTERS[received.kind](actor, data, received.name)
            received.state = ReceivedState.IMPORTED
        except ValueError as exc:
            outcome = str(exc)
            received.state = ReceivedState.FAILED
        received.outcome = outcome[:500]
        received.imported_at = timezone.now()
        received.save(update_fields=["state", "outcome", "imported_at"])
        return received.outcome


@dataclass
class PollResult:
    profile: str
    uploaded: int = 0
    download: DownloadResult | None = None
    error: str = ""


def do_poll_profile(
    profile: ClearinghouseProfile, *, session_factory: SessionFactory = SftpSession
) -> PollResult:
    """File what waits to go through the profile's adapter, then download its responses.

    A failure (server down, host key refused) is reported in the result; what committed
    before it stays, nothing is half-written."""
    result = PollResult(profile.name)
    actor = system_actor(profile)
    try:
        adapter = adapter_for(profile)
        result.uploaded = sum(upload(actor, adapter, profile) for upload in UPLOADERS.values())
        result.download = do_download_responses(profile, session_factory=session_factory)
    except ValueError as exc:  # ExchangeError, or an app refusing to file a batch
        result.error = str(exc)
    return result
