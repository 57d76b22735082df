"""A streaming standby of the test database's PostgreSQL cluster, on this machine, for a test.

`start_standby()` copies the running cluster with `pg_basebackup -X stream -R` into a new
temporary folder, starts it as a hot standby on a free port of 127.0.0.1 and returns a
`Standby`; `Standby.stop()` stops it and deletes the folder. The copy holds every database of
the cluster, pytest-django's test database among them, and keeps replaying what the primary
writes after it was taken.

PostgreSQL refuses to run as root: run as root (as `.ci/run` is), the commands run as the
`postgres` user (`runuser`), in a folder that user owns. What the machine lacks is named by
`StandbyUnavailable`: not PostgreSQL, another machine's server, no server binaries of the
primary's version, a primary that does not stream (`wal_level`, `max_wal_senders`) or refuses
replication connections from 127.0.0.1 (pg_hba.conf: `.ci/run` adds the line), a cluster too
large to copy in a test.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Copying and deleting more than this took over 30 s on a busy two-core machine (1.2 GB: 17 s
# to copy, 19 s to delete): the test is meant for a cluster that holds the test databases
# (CI's, about 100 MB: a few seconds), not a developer's grown one.
MAX_CLUSTER_BYTES = 1_000_000_000
# Settings a hot standby must have at least as large as its primary's, or it refuses to start.
AT_LEAST_THE_PRIMARYS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)
# How long the copy may take to open for reads once started (normally under a second).
START_SECONDS = 20
LOCAL_HOSTS = ("", "127.0.0.1", "localhost")
REPLICATION_LINE = "host replication all 127.0.0.1/32 trust"


class StandbyUnavailable(Exception):
    """Why this machine cannot run a standby of the test cluster (a skip reason)."""


@dataclass
class Standby:
    port: int
    folder: Path
    data: Path
    as_user: list[str]
    bin_dir: Path

    def settings_for(self, primary: dict[str, Any]) -> dict[str, Any]:
        """The Django database settings of the standby's copy of the primary's database."""
        return {
            **primary,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "TEST": {**primary.get("TEST", {}), "MIRROR": "default"},
        }

    def stop(self) -> None:
        """Stop the standby and delete its folder, whatever state it is in."""
        try:
            _run([*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data),
                  "-m", "immediate", "-w", "-t", "20", "stop"], timeout=30)  # fmt: skip
        except (subprocess.SubprocessError, OSError):
            _kill_postmaster(self.data)
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout)


def _kill_postmaster(data: Path) -> None:
    """The standby's own server, by the process id it wrote, if pg_ctl could not stop it."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((data / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGQUIT)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _show(cursor: Any, name: str) -> str:
    cursor.execute(f"SHOW {name}")
    value: str = cursor.fetchone()[0]
    return value


def check_primary(cursor: Any, settings: dict[str, Any]) -> tuple[Path, dict[str, str]]:
    """The server binaries' folder and the settings to copy, or StandbyUnavailable saying why."""
    if settings["HOST"] not in LOCAL_HOSTS:
        raise StandbyUnavailable(
            f"the test database's server is at {settings['HOST']}, not on this machine"
        )
    major = int(_show(cursor, "server_version_num")) // 10000
    bin_dir = Path(f"/usr/lib/postgresql/{major}/bin")
    missing = [n for n in ("pg_basebackup", "pg_ctl", "postgres") if not (bin_dir / n).exists()]
    if missing:
        raise StandbyUnavailable(
            f"no PostgreSQL {major} server programs ({', '.join(missing)}) in {bin_dir}"
        )
    wal_level, senders = _show(cursor, "wal_level"), int(_show(cursor, "max_wal_senders"))
    if wal_level == "minimal" or senders == 0:
        raise StandbyUnavailable(
            f"the primary does not stream its log (wal_level={wal_level}, "
            f"max_wal_senders={senders}; a standby needs replica and at least 1)"
        )
    cursor.execute("SELECT sum(pg_database_size(oid)) FROM pg_database")
    size = int(cursor.fetchone()[0])
    if size > MAX_CLUSTER_BYTES:
        raise StandbyUnavailable(
            f"the cluster holds {size / 1e9:.1f} GB, too much to copy for a test; run it on "
            "a cluster that holds the test databases only (as CI's does)"
        )
    return bin_dir, {name: _show(cursor, name) for name in AT_LEAST_THE_PRIMARYS}


def check_replication_allowed(settings: dict[str, Any]) -> None:
    """Open and close one replication connection, as pg_basebackup and the standby will."""
    import psycopg

    try:
        psycopg.connect(
            host=settings["HOST"] or "127.0.0.1",
            port=int(settings["PORT"] or 5432),
            user=settings["USER"],
            dbname=settings["NAME"],
            replication="true",
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError as error:
        raise StandbyUnavailable(
            "the primary refuses replication connections from 127.0.0.1 "
            f"({str(error).strip().splitlines()[-1]}): add `{REPLICATION_LINE}` to its "
            "pg_hba.conf and reload it, as .ci/run does"
        ) from error


def _runner() -> tuple[list[str], int | None, int | None]:
    """The command prefix to run PostgreSQL's programs with, and the folder's owner."""
    if os.geteuid() != 0:
        return [], None, None
    runuser = shutil.which("runuser")
    try:
        postgres = pwd.getpwnam("postgres")
    except KeyError as error:
        raise StandbyUnavailable("running as root and there is no postgres user") from error
    if runuser is None:
        raise StandbyUnavailable("running as root and there is no runuser to act as postgres")
    return [runuser, "-u", "postgres", "--"], postgres.pw_uid, postgres.pw_gid


def start_standby(settings: dict[str, Any], copied: dict[str, str], bin_dir: Path) -> Standby:
    """Copy the cluster and start the copy as a hot standby (see the module's docstring)."""
    as_user, uid, gid = _runner()
    folder = Path(tempfile.mkdtemp(prefix="cleannote-standby-"))
    if uid is not None and gid is not None:
        os.chown(folder, uid, gid)
    standby = Standby(_free_port(), folder, folder / "data", as_user, bin_dir)
    try:
        _run([*as_user, str(bin_dir / "pg_basebackup"),
              "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432),
              "-U", settings["USER"], "-D", str(standby.data),
              "-X", "stream", "-R", "--checkpoint=fast", "--no-sync"], timeout=90)  # fmt: skip
        conf = {
            "port": str(standby.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{folder}'",
            "hot_standby": "on",
            "fsync": "off",
            "shared_buffers": "'32MB'",
            **copied,
        }
        files = {
            "postgresql.conf": "".join(f"{k} = {v}\n" for k, v in conf.items()),
            "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
            "pg_ident.conf": "",
        }
        for name, text in files.items():
            path = standby.data / name
            path.write_text(text)
            if uid is not None and gid is not None:
                os.chown(path, uid, gid)
        _run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(standby.data),
              "-l", str(folder / "server.log"), "-w", "-t", str(START_SECONDS), "start"],
             timeout=START_SECONDS + 10)  # fmt: skip
    except subprocess.CalledProcessError as error:
        log = folder / "server.log"
        text = log.read_text() if log.exists() else ""
        standby.stop()
        if "consistent recovery state reached" in text and "read-only connections" not in text:
            raise StandbyUnavailable(
                f"the standby replays but did not open for reads within {START_SECONDS} s: "
                "a hot standby waits until the transactions open on the primary when it was "
                "copied have ended (with more than 64 savepoints, PostgreSQL cannot see past "
                "them); one is still open (see pg_stat_activity on the primary)"
            ) from error
        raise RuntimeError(
            f"{error.cmd[len(as_user)]} failed: {error.stderr}{text[-2000:]}"
        ) from error
    except BaseException:
        standby.stop()
        raise
    return standby


def wait_until(check: Any, seconds: float, what: str) -> None:
    """Poll `check()` until it is true, or fail naming what did not happen."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds} s")
        time.sleep(0.05)
