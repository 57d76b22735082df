"""Background work of the ledger: the nightly dunning steps (ADR 0760)."""

from __future__ import annotations

import datetime as dt

from cleannote.apps.audit.actions import Actor
from cleannote.apps.ledger.statement_actions import (
    do_check_payment_plans,
    do_run_dunning,
    run_statement_cycle,
)
from cleannote.apps.organisations.models import Organisation


def run_dunning_steps(organisation_id: int, day: str) -> dict[str, object]:
    """The steps due on `day` (ISO date) for one organisation, as the system; a second run on
    the same day makes nothing more."""
    organisation = Organisation.objects.get(pk=organisation_id)
    system, on = Actor(user=None, organisation=organisation), dt.date.fromisoformat(day)
    # payment plans' missed installments onto the worklist (ADR 0764); the plans stay open,
    # so their patients' dunning stays paused until a person adjusts or ends a plan
    missed = do_check_payment_plans(system, today=on)
    run = do_run_dunning(system, day=on)
    # the clinic's statement cycle (ADR 0763): the batch run on its day of the month
    batch = run_statement_cycle(system, day=on)
    return {
        "run": run.pk if run else None,
        "statements": run.statements.count() if run else 0,
        "batch": batch.pk if batch else None,
        "batch_statements": batch.statements.count() if batch else 0,
        "missed_installments": len(missed),
    }
