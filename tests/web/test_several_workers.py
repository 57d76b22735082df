"""Two RQ workers run the nightly tasks at once and every effect happens once (ADR 0844).

Each nightly task is queued twice (a cron line fired twice, a retry beside the first try),
then two `manage.py cleannote_worker --burst` processes, each its own connection to the test
database, take the jobs together. Afterwards there is one batch of the ready claim, one 270,
one dunning statement and one cycle run, one lapsed hold, one reminder sent once, every
message sent once, and an audit chain that links each event exactly once.

It needs PostgreSQL and Redis: on SQLite the test database lives in this process's memory,
where no other process can reach it, and SQLite lets one writer in at a time anyway
(`BEGIN IMMEDIATE`, ADR 0072). CI runs it in the PostgreSQL run on that run's Redis database
(REDIS_URL); locally, e.g. REDIS_URL=redis://127.0.0.1:6379/13.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from cleannote.apps.audit.chaining import chain_pending_events, verify_audit_chain
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.actions import do_mark_ready
from cleannote.apps.claims.models import Batch
from cleannote.apps.claims.tasks import build_ready_batches
from cleannote.apps.eligibility.models import EligibilityCheck, EligibilityFile, FileKind
from cleannote.apps.eligibility.tasks import check_next_clinic_day
from cleannote.apps.ledger.statement_actions import do_create_statement
from cleannote.apps.ledger.statement_models import RunKind, Statement, StatementRun
from cleannote.apps.ledger.statement_selectors import settings_of
from cleannote.apps.ledger.tasks import run_dunning_steps
from cleannote.apps.messaging.models import MessageStatus, OutboundMessage
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.models import FrontDeskSettings, HoldStatus, SlotHold
from cleannote.apps.scheduling.reminders import PURPOSE as REMINDER
from cleannote.apps.scheduling.reminders import send_reminders
from cleannote.apps.scheduling.waitlist_actions import do_expire_holds, do_offer_slot
from cleannote.platform.tasks import enqueue, queue
from tests.apps.claims.conftest import another_claim, billing  # noqa: F401
from tests.apps.eligibility.test_eligibility import book
from tests.apps.ledger.test_statements import posted  # noqa: F401
from tests.apps.scheduling.series_fixtures import MONDAY
from tests.apps.scheduling.test_slot_holds import _entry, opened, setup  # noqa: F401
from tests.personas import TODAY

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (DATABASE_URL): SQLite's test database is in this process's "
        "memory, out of a worker process's reach, and admits one writer at a time anyway",
    ),
]


def _night_of_the_second_step() -> dt.date:
    """A night 30 to 40 days after the first statement (step 2 due, step 3 not yet) whose day
    of the month can be the statement cycle's (1 to 28)."""
    return next(
        TODAY + dt.timedelta(days=n)
        for n in range(30, 41)
        if (TODAY + dt.timedelta(days=n)).day <= 28
    )


def _worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "cleannote_worker", "--burst"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _files(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file()) if folder.exists() else 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_the_nightly_tasks_and_each_effect_happens_once(
    billing,  # noqa: F811
    posted,  # noqa: F811
    setup,  # noqa: F811
    opened,  # noqa: F811
    settings,
    tmp_path,
):
    # given a clinic with one of everything the night acts on, made in this process
    clinic, organisation = billing.clinic, billing.clinic.organisation
    sms_dir, mail_dir = tmp_path / "sms", tmp_path / "mail"
    settings.CLEANNOTE_SMS_OUTBOX_DIR = sms_dir
    # a ready claim for the nightly batch
    claim = another_claim(billing, 5)
    do_mark_ready(billing.actor, claim)
    # an appointment on the next clinic day, whose coverage the afternoon run asks about
    clinic_day = MONDAY + dt.timedelta(days=14)
    book(clinic, clinic_day, 9)
    # a first statement today (dunning step 1), step 2 due on the night, which is the cycle day
    night = _night_of_the_second_step()
    do_create_statement(billing.actor, clinic.patient, day=TODAY)
    statement_settings = settings_of(organisation)
    statement_settings.cycle_day = night.day
    statement_settings.save(update_fields=["cycle_day"])
    # a waitlist offer whose hold ran out an hour ago
    slot, _ = opened
    waiting = _entry(setup)
    do_offer_slot(setup.actor, entry=waiting, slot=slot, now=timezone.now() - dt.timedelta(days=1))
    hold = SlotHold.objects.get()
    # a visit in three hours for a patient who takes texts, with reminders on
    FrontDeskSettings.objects.update_or_create(
        organisation=organisation, defaults={"reminders_on": True}
    )
    soon = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=3)
    reminded = do_book_appointment(
        setup.actor,
        patient=waiting.patient,
        staff=clinic.assistant,
        location=clinic.location,
        start=soon,
        end=soon + dt.timedelta(minutes=45),
    )
    outbox = settings.CLEANNOTE_OUTBOX_DIR
    files_before = _files(outbox)
    requests_before = set(EligibilityFile.objects.values_list("pk", flat=True))
    batches_before = set(Batch.objects.values_list("pk", flat=True))
    messages_before = OutboundMessage.objects.order_by("pk").values_list("pk", flat=True).last()
    chain_pending_events(organisation.pk)
    # when every nightly task is queued twice on the Redis queue ...
    settings.REDIS_URL = os.environ["REDIS_URL"]
    work = queue()
    work.empty()
    for registry in (work.failed_job_registry, work.finished_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
    now = timezone.now()
    nightly = [
        (build_ready_batches, organisation.pk),
        (check_next_clinic_day, organisation.pk, (clinic_day - dt.timedelta(days=1)).isoformat()),
        (run_dunning_steps, organisation.pk, night.isoformat()),
        (do_expire_holds, now),
        (send_reminders, now),
        (chain_pending_events, organisation.pk),
    ]
    for task, *args in nightly:
        for _ in range(2):
            assert enqueue(task, *args).job_id is not None
    # ... and two worker processes take them at once, each on its own database connection
    database = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(
        DATABASE_URL=(
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        REDIS_URL=os.environ["REDIS_URL"],
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        CLEANNOTE_AUDIT_KEY=settings.CLEANNOTE_AUDIT_KEY,
        CLEANNOTE_OUTBOX_DIR=str(outbox),
        CLEANNOTE_SMS_OUTBOX_DIR=str(sms_dir),
        CLEANNOTE_EMAIL_FILE_DIR=str(mail_dir),
        CLEANNOTE_TIME_ZONE=settings.TIME_ZONE,
    )
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    workers = [_worker(env), _worker(env)]
    logs = [w.communicate(timeout=600)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], "\n".join(logs)
    failed = work.failed_job_registry
    assert failed.count == 0, [
        work.fetch_job(j).latest_result().exc_string for j in failed.get_job_ids()
    ]
    assert len(work.finished_job_registry) >= 2 * len(nightly)
    # then the ready claim went into one batch, filed once
    (batch,) = Batch.objects.exclude(pk__in=batches_before)
    assert list(batch.entries.values_list("claim_id", flat=True)) == [claim.pk]
    assert batch.filed_at is not None
    # one 270 for the clinic day, asking once about its one appointment
    (request,) = EligibilityFile.objects.filter(kind=FileKind.REQUEST).exclude(
        pk__in=requests_before
    )
    assert request.filed_at is not None
    assert EligibilityCheck.objects.filter(requested_for=clinic_day).count() == 1
    assert _files(outbox) - files_before == 2  # the batch's 837P and the 270
    # one dunning run with step 2's one statement, and one batch run on the cycle day
    runs = StatementRun.objects.filter(run_on=night)
    assert runs.filter(kind=RunKind.DUNNING).count() == 1
    assert runs.filter(kind=RunKind.BATCH).count() == 1
    assert Statement.objects.filter(dunning_step=2).count() == 1
    # the hold lapsed once, with one audit row
    hold.refresh_from_db()
    assert hold.status == HoldStatus.EXPIRED
    lapsed = AuditEvent.objects.filter(object_type="slot_hold", object_id=str(hold.pk))
    assert lapsed.filter(reason__startswith="lapsed").count() == 1
    # one reminder, sent once; every message the night queued was sent once, one file each
    reminders = OutboundMessage.objects.filter(purpose=REMINDER, reference_id=reminded.pk)
    assert reminders.count() == 1
    new = OutboundMessage.objects.filter(pk__gt=messages_before or 0)
    assert {(m.status, m.attempts) for m in new} == {(MessageStatus.SENT, 1)}
    assert _files(sms_dir) == OutboundMessage.objects.filter(channel="sms", status="sent").count()
    assert _files(mail_dir) == new.filter(channel="email").count()
    # the audit chain links every event once, in one unbroken line
    chain_pending_events(organisation.pk)
    sequences = list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1))
    assert verify_audit_chain(organisation.pk, full=True)
