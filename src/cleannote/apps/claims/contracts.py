"""The charge master and payers' contracted rates, imported from CSV (ADR 0720).

`do_import_fees` reads the whole file first (`cleannote.rules.fee_csv`), checks it against the
organisation (the payer is in its directory; a contracted code has a charge in the charge
master), and then writes every schedule in one transaction, or nothing: a file with any
problem raises `FeeImportError` listing all of them, each with file, line and column.

Rows with the same dates make one schedule per location. A charge master is the locations'
general schedule (`payer_id` blank). A contract is a payer's schedule: it copies the charge
master in force on its start date (so claims to the payer are priced as before) and sets the
contracted per-unit amount on the codes (and modifiers) the file lists; 835 posting compares
each paid line against it (`remittance.actions._post`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.fees import fee_schedule_for
from cleannote.apps.claims.models import FeeSchedule, FeeScheduleEntry
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.payers.models import Payer
from cleannote.rules.catalog import find_procedure
from cleannote.rules.fee_csv import FeeProblem, FeeRow, read_fee_csv

CHARGE_MASTER = "Charge master"


class FeeImportError(ValueError):
    """The file loaded nothing; `problems` says every place it is wrong."""

    def __init__(self, problems: tuple[FeeProblem, ...] | list[FeeProblem]) -> None:
        self.problems = tuple(problems)
        shown = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{shown}{more}")


def require_biller(actor: Actor, file_name: str) -> None:
    if actor.user is None:
        return  # the demo loader or a task acting for the organisation
    staff = Staff.objects.filter(user=actor.user).only("role", "organisation_id").first()
    if (
        staff is None
        or staff.organisation_id != actor.organisation.pk
        or not has_capability(staff.role, Capability.POST_PAYMENTS)
    ):
        raise FeeImportError([FeeProblem(file_name, 0, "", "only billers and owners may import")])


def _known_code(code: str) -> bool:
    return find_procedure(code) is not None


def check_fees(
    actor: Actor, data: bytes, *, file_name: str, payer_id: str = ""
) -> tuple[tuple[FeeRow, ...], tuple[FeeProblem, ...]]:
    """The file's rows and every problem, without writing (the import page's preview)."""
    parsed = read_fee_csv(data, file=file_name, known_code=_known_code)
    problems = list(parsed.problems)
    if (
        payer_id
        and not Payer.objects.filter(
            organisation=actor.organisation, claims_payer_id=payer_id
        ).exists()
    ):
        problems.insert(0, FeeProblem(file_name, 0, "", "the payer is not in the directory"))
    if payer_id and parsed.ok:
        for location in _locations(actor):
            problems.extend(_uncharged(location, parsed.rows, file_name))
    return parsed.rows, tuple(problems)


def _locations(actor: Actor) -> list[Location]:
    return list(Location.objects.filter(organisation=actor.organisation).order_by("pk"))


def _groups(rows: tuple[FeeRow, ...]) -> dict[tuple[dt.date, dt.date | None], list[FeeRow]]:
    groups: dict[tuple[dt.date, dt.date | None], list[FeeRow]] = defaultdict(list)
    for row in rows:
        groups[(row.effective_from, row.effective_through)].append(row)
    return dict(sorted(groups.items(), key=lambda kv: kv[0][0]))


def _charges(location: Location, day: dt.date) -> dict[str, Decimal]:
    master = fee_schedule_for(location, "", day)
    if master is None:
        return {}
    return dict(master.entries.filter(modifier="").values_list("code", "amount"))


def _uncharged(location: Location, rows: tuple[FeeRow, ...], file_name: str) -> list[FeeProblem]:
    problems = []
    for (start, _end), group in _groups(rows).items():
        charges = _charges(location, start)
        for row in group:
            if row.code not in charges:
                problems.append(
                    FeeProblem(
                        file_name,
                        row.line,
                        "code",
                        f"{row.code} has no charge in {location.name}'s charge master on "
                        f"{start.isoformat()}",
                    )
                )
    return problems


@transaction.atomic
def do_import_fees(
    actor: Actor, data: bytes, *, file_name: str, payer_id: str = ""
) -> list[FeeSchedule]:
    """Load a charge master (`payer_id` blank) or a payer's contract for every location of the
    organisation; all or nothing."""
    require_biller(actor, file_name)
    rows, problems = check_fees(actor, data, file_name=file_name, payer_id=payer_id)
    if problems:
        raise FeeImportError(problems)
    payer_name = (
        Payer.objects.filter(organisation=actor.organisation, claims_payer_id=payer_id)
        .values_list("name", flat=True)
        .first()
        if payer_id
        else None
    )
    made: list[FeeSchedule] = []
    for location in _locations(actor):
        for (start, end), group in _groups(rows).items():
            schedule = FeeSchedule.objects.create(
                organisation=actor.organisation,
                location=location,
                payer_id=payer_id,
                name=f"Contract: {payer_name}"[:80] if payer_id else CHARGE_MASTER,
                source=f"imported from {file_name}"[:200],
                effective_from=start,
                effective_through=end,
            )
            entries: dict[tuple[str, str], FeeScheduleEntry] = {}
            if payer_id:
                charges = _charges(location, start)
                for code, amount in charges.items():
                    entries[(code, "")] = FeeScheduleEntry(
                        schedule=schedule, code=code, amount=amount
                    )
                for row in group:
                    entry = entries.get((row.code, row.modifier)) or FeeScheduleEntry(
                        schedule=schedule,
                        code=row.code,
                        modifier=row.modifier,
                        amount=charges[row.code],
                    )
                    entry.contracted_amount = row.amount
                    entries[(row.code, row.modifier)] = entry
            else:
                for row in group:
                    entries[(row.code, row.modifier)] = FeeScheduleEntry(
                        schedule=schedule, code=row.code, modifier=row.modifier, amount=row.amount
                    )
            FeeScheduleEntry.objects.bulk_create(entries.values())
            do_record_audit_event(actor, AuditAction.CREATE, "fee_schedule", schedule.pk)
            made.append(schedule)
    return made
