"""The load test, start to end (ADR 0921): `python loadtests/run.py`.

1. Copies the source database (the demo clinic, `manage.py cleannote_demo --patients 20`) to a
   fresh one (`createdb -T`) and migrates it with this checkout's code.
2. Starts gunicorn (4 workers on 127.0.0.1) and one RQ worker on the Redis database given,
   production settings (no debug), tasks on Redis.
3. For each user count (50, then 200) runs `locust` headless for the time given, then prints
   p50/p95/p99, requests and failures per request type.
4. Counts what the users wrote against what the database holds: every booking answered as
   booked is one appointment with its note; every draft holds the last text its one writer
   saved (no lost writes).
5. Waits for the workers to link the audit events, then verifies every chain from its first
   event.

Needs PostgreSQL's `createdb`/`dropdb`, Redis and `pip install -e .[load]` (locust). Never part
of the test run. Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DEMO_SECRET = "django-insecure-cleannote-development-key-never-use-in-production"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source-db", default="cleannote_prod", help="database with the demo")
    parser.add_argument("--db", default="cleannote_load", help="the copy the run writes to")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--users", default="50,200", help="user counts, one run each")
    parser.add_argument("--seconds", type=int, default=60, help="length of each run")
    parser.add_argument("--port", type=int, default=8730)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "loadtest")
    parser.add_argument("--keep-db", action="store_true", help="reuse --db as it is")
    return parser.parse_args()


def _environment(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "CLEANNOTE_"))}
    env.update(
        DATABASE_URL=f"{args.pg}/{args.db}",
        REDIS_URL=args.redis,
        PYTHONPATH=str(REPO / "src"),
        DJANGO_SETTINGS_MODULE="cleannote.web.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        # The demo's chains were anchored under the key the demo derives from its secret.
        CLEANNOTE_AUDIT_KEY=os.environ.get("CLEANNOTE_AUDIT_KEY")
        or hmac.new(DEMO_SECRET.encode(), b"cleannote audit anchor", hashlib.sha256).hexdigest(),
        CLEANNOTE_DATA_DIR=str(args.out / "data"),
        CLEANNOTE_ALLOWED_HOSTS="127.0.0.1",
        CLEANNOTE_WEB_WORKERS=str(args.workers),
        CLEANNOTE_BIND=f"127.0.0.1:{args.port}",
    )
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, cwd=REPO, env=env, check=True)


def _database(args: argparse.Namespace, env: dict[str, str]) -> None:
    if args.keep_db:
        return
    server = f"--maintenance-db={args.pg}/postgres"
    _run(["dropdb", "--if-exists", "--force", server, args.db], env)
    _run(["createdb", server, "-T", args.source_db, args.db], env)
    _run([sys.executable, "manage.py", "migrate", "-v0"], env)


def _start(env: dict[str, str], args: argparse.Namespace) -> list[subprocess.Popen[bytes]]:
    logs = args.out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    web = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "--access-logfile", "-"],
        cwd=REPO,
        env=env,
        stdout=(logs / "gunicorn.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "cleannote_worker"],
        cwd=REPO,
        env=env,
        stdout=(logs / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/accounts/login/", timeout=30)
            break
        except OSError:
            time.sleep(1)
    else:
        raise SystemExit("gunicorn did not answer within two minutes: see logs/gunicorn.log")
    return [web, worker]


def _session(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def _facts(run: str, users: int) -> dict[str, Any]:
    """Who signs in, the (therapist, case) pairs, and what the front desk books with."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from cleannote.apps.audit.actions import Actor
    from cleannote.apps.organisations.api_tokens import do_create_api_token
    from cleannote.apps.organisations.models import Location, Organisation, Staff
    from cleannote.apps.patients.models import Case, Patient
    from cleannote.web.demo_clinic import DEMO_PASSWORD

    clinic = Organisation.objects.order_by("pk").first()
    assert clinic is not None, "the source database has no clinic: load the demo first"
    staff = Staff.objects.filter(organisation=clinic).select_related("user")
    therapists = [
        s.user.username
        for s in staff
        if s.role in ("therapist", "assistant") and s.user.username.startswith("demo-")
    ]
    cases = list(
        Case.objects.filter(patient__organisation=clinic, closed_on=None).values_list(
            "pk", flat=True
        )
    )
    by_login = {s.user.username: s for s in staff}
    pairs = [[login, case] for case in cases for login in therapists]
    owner = next(s for s in staff if s.role == "owner")
    as_owner = Actor(user=owner.user, organisation=clinic)
    return {
        "run": run,
        "password": DEMO_PASSWORD,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "therapists": therapists,
        # Signed in ahead: Argon2 costs each sign-in seconds of CPU on this machine, and the
        # sign-in is not what the run measures. One session per user, as in a browser.
        "pairs": [[login, case, _session(by_login[login].user)] for login, case in pairs],
        "therapist_sessions": [_session(by_login[therapists[0]].user) for _ in range(users)],
        "front_desk_sessions": [_session(by_login["demo-frontdesk"].user) for _ in range(users)],
        "biller_sessions": [_session(by_login["demo-biller"].user) for _ in range(users)],
        # One read token per API client, made by the owner as on the tokens page: each keeps
        # under its own rate limit, as separate connected systems would.
        "api_tokens": [
            do_create_api_token(as_owner, name=f"load {run} client {n}", scopes=["read"])[1]
            for n in range(users)
        ],
        "front_desk": "demo-frontdesk",
        "biller": "demo-biller",
        "patients": list(
            Patient.objects.filter(organisation=clinic).order_by("pk").values_list("pk", flat=True)
        ),
        "clinicians": [by_login[t].pk for t in therapists],
        "location": Location.objects.filter(organisation=clinic).order_by("pk")[0].pk,
        # far ahead, 200 days apart per run: no booking of a run meets another's or the demo's
        "first_day": (
            timezone.localdate() + dt.timedelta(days=400 + 200 * int(run[-1]))
        ).isoformat(),
    }


def _stats(csv_path: Path) -> list[dict[str, str]]:
    with csv_path.open() as stream:
        return list(csv.DictReader(stream))


def _check_writes(run: str, written: dict[str, Any]) -> list[str]:
    from cleannote.apps.notes.models import Note
    from cleannote.apps.scheduling.models import Appointment

    problems = []
    booked = set(written["booked"])
    held = set(
        Appointment.objects.filter(booked_note__startswith=f"load {run} ").values_list(
            "booked_note", flat=True
        )
    )
    if booked - held:
        problems.append(
            f"bookings: {len(booked)} answered as booked, {len(held)} in the database "
            f"({len(booked - held)} lost)"
        )
    saved = written["saved"]
    texts = dict(Note.objects.filter(pk__in=[int(k) for k in saved]).values_list("pk", "plan"))

    def number(text: str | None) -> int:
        prefix = f"load {run} note "
        if not text or not text.startswith(prefix):
            return -1
        return int(text.rsplit(" ", 1)[1])

    # A save answered before the stop must be in the database, or a later one of the same
    # writer; one sent as locust stopped may be there without its answer (in flight).
    held_saves = {pk: number(texts.get(int(pk))) for pk in saved}
    lost = [pk for pk, text in saved.items() if held_saves[pk] < number(text)]
    in_flight = [pk for pk, text in saved.items() if held_saves[pk] > number(text)]
    if lost:
        problems.append(f"notes: {len(lost)} of {len(saved)} drafts lack their last save")
    print(
        f"  writes: {len(booked)} bookings answered as booked, {len(held)} in the database "
        f"({len(held - booked)} sent as the run stopped, {len(booked - held)} lost); "
        f"{len(saved)} drafts written, {len(saved) - len(lost) - len(in_flight)} hold exactly "
        f"their last answered save, {len(in_flight)} a later one sent as the run stopped, "
        f"{len(lost)} lost"
    )
    return problems


def _drain_and_verify(env: dict[str, str]) -> list[str]:
    from django.core.management import call_command

    from cleannote.platform.tasks import queue

    work = queue()
    for _ in range(300):
        if len(work) == 0 and not work.started_job_registry.get_job_ids():
            break
        time.sleep(1)
    print(f"  failed background jobs: {work.failed_job_registry.count}")
    try:
        call_command("audit_verify", "--full")
    except Exception as error:  # the command names the broken chain
        return [f"audit chain: {error}"]
    return []


def main() -> int:
    args = _arguments()
    args.out.mkdir(parents=True, exist_ok=True)
    env = _environment(args)
    _database(args, env)
    os.environ.update(env)
    import django

    django.setup()
    processes = _start(env, args)
    problems: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for number, users in enumerate(int(u) for u in args.users.split(",")):
            run = f"{int(time.time())}-{number}"
            facts_path = args.out / f"facts-{users}.json"
            facts_path.write_text(json.dumps(_facts(run, users)))
            writes = args.out / f"writes-{users}.json"
            load = os.popen("uptime").read().strip()
            print(f"\n== {users} users for {args.seconds} s (before: {load})")
            subprocess.run(
                [
                    str(VENV_BIN / "locust"),
                    "-f",
                    "loadtests/locustfile.py",
                    "--headless",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(max(5, users // 10)),
                    "--run-time",
                    f"{args.seconds}s",
                    "--host",
                    f"http://127.0.0.1:{args.port}",
                    "--csv",
                    str(args.out / f"u{users}"),
                    "--only-summary",
                    "--reset-stats",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=REPO,
                env={**env, "LOAD_FACTS": str(facts_path), "LOAD_WRITES": str(writes)},
                check=False,
            )
            print(f"  load after: {os.popen('uptime').read().strip()}")
            rows += [(users, row) for row in _stats(args.out / f"u{users}_stats.csv")]
            problems += _check_writes(run, json.loads(writes.read_text()))
        problems += _drain_and_verify(env)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
    print("\n| users | request | requests | failures | p50 ms | p95 ms | p99 ms |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for users, row in rows:
        print(
            f"| {users} | {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} |"
        )
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
