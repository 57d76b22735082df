"""SFTP to a clearinghouse (paramiko): pinned host key, atomic uploads, final files only.

`SftpSession` is one connection. It refuses a server whose host key does not have the pinned
SHA256 fingerprint before any password or key is offered, uploads to a hidden `.name.part` and
renames it into place once the size checks, and lists only the files of the download folder
that are final (ADR 0701): not hidden, not a temporary name, not empty, and unchanged for the
profile's settle time. `SftpAdapter` is the `ClearinghouseAdapter` over one session per file.

Every failure is an `ExchangeError` naming the profile, host and step, never a file's content.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import os
import socket
import stat
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import TracebackType

import paramiko
from django.utils import timezone

from cleannote.apps.exchange.clearinghouse import FilingReceipt, safe_file_name
from cleannote.apps.exchange.errors import ExchangeError
from cleannote.apps.exchange.models import ClearinghouseProfile

CONNECT_TIMEOUT = 20.0
# Names a clearinghouse (or its client) gives a file still being written.
_TEMPORARY_SUFFIXES = (".part", ".tmp", ".filepart", ".partial", ".uploading", ".lock")


@dataclass(frozen=True, slots=True)
class RemoteFile:
    name: str
    size: int
    mtime: int


def fingerprint(key: paramiko.PKey) -> str:
    """The key's SHA256 fingerprint as OpenSSH prints it (`SHA256:` and unpadded base64)."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def is_final_name(name: str) -> bool:
    """A name the clearinghouse gives a finished file: not hidden, not a temporary name."""
    lowered = name.lower()
    return not name.startswith((".", "~")) and not lowered.endswith(_TEMPORARY_SUFFIXES)


def upload_name(profile: ClearinghouseProfile, name: str, on: dt.date) -> str:
    """The profile's naming pattern applied to our file name; a plain file name or an error."""
    path = PurePosixPath(name)
    try:
        result = profile.upload_name_pattern.format(
            name=name, stem=path.stem, suffix=path.suffix, date=on.strftime("%Y%m%d")
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise ExchangeError(
            profile.name, f"upload name pattern {profile.upload_name_pattern!r} is invalid: {exc}"
        ) from None
    return safe_file_name(result, subject=profile.name)


class SftpSession:
    """One authenticated SFTP connection for a profile; use it as a context manager."""

    def __init__(self, profile: ClearinghouseProfile) -> None:
        self.profile = profile
        self.where = f"{profile.name} ({profile.host}:{profile.port})"
        self._transport: paramiko.Transport | None = None
        self._sftp: paramiko.SFTPClient | None = None

    # --- connecting -------------------------------------------------------------------------

    def __enter__(self) -> SftpSession:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        profile = self.profile
        if not profile.host or not profile.username:
            raise ExchangeError(self.where, "needs a host and a user name")
        if not profile.host_key_fingerprint:
            raise ExchangeError(
                self.where, "has no pinned host key fingerprint; unknown host keys are refused"
            )
        try:
            sock = socket.create_connection((profile.host, profile.port), timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise ExchangeError(self.where, f"could not connect: {exc.strerror or exc}") from None
        transport = paramiko.Transport(sock)
        self._transport = transport
        try:
            transport.start_client(timeout=CONNECT_TIMEOUT)
            offered = fingerprint(transport.get_remote_server_key())
            if offered != profile.host_key_fingerprint.strip():
                raise ExchangeError(
                    self.where,
                    f"host key {offered} is not the pinned {profile.host_key_fingerprint}; "
                    "refused (if the clearinghouse changed its key, confirm the new "
                    "fingerprint with them and update the profile)",
                )
            self._authenticate(transport)
            self._sftp = paramiko.SFTPClient.from_transport(transport)
        except ExchangeError:
            self.close()
            raise
        except (paramiko.SSHException, OSError, EOFError) as exc:
            self.close()
            raise ExchangeError(self.where, f"SSH failed: {exc}") from None

    def _authenticate(self, transport: paramiko.Transport) -> None:
        profile = self.profile
        if profile.key_path:
            try:
                key = paramiko.PKey.from_path(profile.key_path)
            except (OSError, paramiko.SSHException, ValueError) as exc:
                raise ExchangeError(
                    self.where, f"cannot read the key file {profile.key_path}: {exc}"
                ) from None
            try:
                transport.auth_publickey(profile.username, key)
            except paramiko.AuthenticationException:
                raise ExchangeError(self.where, "refused our key") from None
            return
        if profile.password_env:
            password = os.environ.get(profile.password_env)
            if password is None:
                raise ExchangeError(
                    self.where, f"environment variable {profile.password_env} is not set"
                )
            try:
                transport.auth_password(profile.username, password)
            except paramiko.AuthenticationException:
                raise ExchangeError(self.where, "refused the password") from None
            return
        raise ExchangeError(self.where, "needs a key file or a password variable")

    def close(self) -> None:
        if self._sftp is not None:
            self._sftp.close()
            self._sftp = None
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    @property
    def sftp(self) -> paramiko.SFTPClient:
        if self._sftp is None:
            raise ExchangeError(self.where, "is not connected")
        return self._sftp

    def _path(self, folder: str, name: str) -> str:
        return str(PurePosixPath(folder or ".") / name)

    # --- uploading ----------------------------------------------------------------------------

    def upload(self, name: str, content: bytes) -> str:
        """Write `.name.part`, check its size, rename it to `name`; the remote path.

        Sending the same name again replaces the file with the same bytes (a retry after a
        crash between sending and recording), never a second file.
        """
        final = self._path(self.profile.upload_dir, name)
        temporary = self._path(self.profile.upload_dir, f".{name}.part")
        try:
            with self.sftp.open(temporary, "wb") as stream:
                stream.write(content)
            size = self.sftp.stat(temporary).st_size
            if size != len(content):
                self.sftp.remove(temporary)
                raise ExchangeError(
                    self.where, f"{name}: wrote {size} bytes of {len(content)}; removed"
                )
            self._rename(temporary, final)
        except OSError as exc:
            self._remove_quietly(temporary)
            raise ExchangeError(self.where, f"upload of {name} failed: {exc}") from None
        return final

    def _rename(self, source: str, target: str) -> None:
        try:
            self.sftp.posix_rename(source, target)
        except OSError:
            # No posix-rename extension: plain SFTP rename refuses an existing target.
            self._remove_quietly(target)
            self.sftp.rename(source, target)

    def _remove_quietly(self, path: str) -> None:
        with contextlib.suppress(OSError, ExchangeError):
            self.sftp.remove(path)

    # --- downloading ------------------------------------------------------------------------

    def final_files(self, now: dt.datetime | None = None) -> list[RemoteFile]:
        """The download folder's finished files, by name (ADR 0701)."""
        settled_before = (now or timezone.now()).timestamp() - self.profile.settle_seconds
        try:
            entries = self.sftp.listdir_attr(self.profile.download_dir or ".")
        except OSError as exc:
            raise ExchangeError(
                self.where, f"cannot list {self.profile.download_dir!r}: {exc}"
            ) from None
        found = []
        for entry in entries:
            mode, size, mtime = entry.st_mode, entry.st_size or 0, entry.st_mtime or 0
            if mode is None or not stat.S_ISREG(mode) or not is_final_name(entry.filename):
                continue
            if size == 0 or mtime > settled_before:
                continue  # still being written, or just finished: next poll
            found.append(RemoteFile(entry.filename, size, int(mtime)))
        return sorted(found, key=lambda f: f.name)

    def fetch(self, remote: RemoteFile) -> bytes:
        path = self._path(self.profile.download_dir, remote.name)
        try:
            with self.sftp.open(path, "rb") as stream:
                data = stream.read()
        except OSError as exc:
            raise ExchangeError(self.where, f"download of {remote.name} failed: {exc}") from None
        if len(data) != remote.size:
            raise ExchangeError(
                self.where, f"{remote.name} changed while downloading; left for the next poll"
            )
        return bytes(data)

    def dispose(self, name: str) -> None:
        """Archive or delete a downloaded file as the profile says (after it is recorded)."""
        profile = self.profile
        path = self._path(profile.download_dir, name)
        try:
            if profile.after_download == "delete":
                self.sftp.remove(path)
            elif profile.after_download == "archive":
                self._ensure_folder(profile.archive_dir)
                self._rename(path, self._path(profile.archive_dir, name))
        except OSError as exc:
            raise ExchangeError(
                self.where, f"could not {profile.after_download} {name}: {exc}"
            ) from None

    def _ensure_folder(self, folder: str) -> None:
        try:
            self.sftp.stat(folder)
        except OSError:
            self.sftp.mkdir(folder)


class SftpAdapter:
    """The clearinghouse adapter (ADR 0113) over SFTP: one connection per file sent."""

    def __init__(self, profile: ClearinghouseProfile) -> None:
        self.profile = profile

    def send(self, batch_file_name: str, content: bytes) -> FilingReceipt:
        safe_file_name(batch_file_name, subject=self.profile.name)
        now = timezone.now()
        name = upload_name(self.profile, batch_file_name, timezone.localdate(now))
        with SftpSession(self.profile) as session:
            path = session.upload(name, content)
        return FilingReceipt(reference=f"sftp://{self.profile.host}{_absolute(path)}", at=now)


def _absolute(path: str) -> str:
    return path if path.startswith("/") else f"/{path}"
