"""A real SFTP server on 127.0.0.1 for the exchange's tests (asyncssh, in its own thread).

Ephemeral port, a temporary root folder (the client sees it as `/`), a generated ed25519 host
key and a generated client key written to a file; password "s3cret" for user "clinic" too.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest

USER = "clinic"
PASSWORD = "s3cret"  # a test server's password


@dataclass
class SftpServer:
    host: str
    port: int
    root: Path
    key_path: Path
    fingerprint: str
    other_fingerprint: str
    stop: Callable[[], None]


class _Server(asyncssh.SSHServer):
    def __init__(self, client_key: asyncssh.SSHKey) -> None:
        self._client_key = client_key

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == USER and password == PASSWORD

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        return (
            username == USER and key.public_data == self._client_key.convert_to_public().public_data
        )


@pytest.fixture
def sftp_server(tmp_path: Path) -> Iterator[SftpServer]:
    yield from serve(tmp_path)


def serve(tmp_path: Path) -> Iterator[SftpServer]:
    """The server for one test: started, yielded, stopped."""
    root = tmp_path / "sftp-root"
    for folder in ("inbound", "outbound"):
        (root / folder).mkdir(parents=True)
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    other_key = asyncssh.generate_private_key("ssh-ed25519")
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    key_path = tmp_path / "client_ed25519"
    key_path.write_bytes(client_key.export_private_key("openssh"))
    key_path.chmod(0o600)

    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, object] = {}

    async def start() -> None:
        server = await asyncssh.listen(
            "127.0.0.1",
            0,
            server_host_keys=[host_key],
            server_factory=lambda: _Server(client_key),
            sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=str(root).encode()),
        )
        holder["server"] = server
        holder["port"] = server.sockets[0].getsockname()[1]
        started.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10), "the test SFTP server did not start"

    def stop() -> None:
        async def close() -> None:
            server = holder.pop("server", None)
            if server is not None:
                server.close()  # type: ignore[attr-defined]
                await server.wait_closed()  # type: ignore[attr-defined]

        if not loop.is_closed() and "server" in holder:
            asyncio.run_coroutine_threadsafe(close(), loop).result(10)

    server = SftpServer(
        host="127.0.0.1",
        port=int(holder["port"]),  # type: ignore[call-overload]
        root=root,
        key_path=key_path,
        fingerprint=host_key.get_fingerprint("sha256"),
        other_fingerprint=other_key.get_fingerprint("sha256"),
        stop=stop,
    )
    yield server
    stop()
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()
