"""The demo's patient statements (ADR 0760): three health-plan visits billed, answered by the
payer's 835 with coinsurance (PR-2) that lands on the patients' ledgers, then statements made
through the biller's actions. The oldest visit's statement is 30 days old, so today's nightly
run moves that patient to dunning step 2 (the reminder); of the two others, one paid part at
the desk, and today's batch run statements both.

Only the standard demo (10 patients or more) gets them, from its newest patients: the small
demos the end-to-end tests load bill every note themselves and count their patients' balances.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import (
    do_change_claim_status,
    do_create_claim_from_note,
    do_mark_ready,
)
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.ledger.actions import do_record_patient_payment
from cleannote.apps.ledger.statement_actions import (
    do_create_statement,
    do_run_dunning,
    do_run_statements,
)
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.remittance.actions import do_import_835
from cleannote.rules.visit import PayerKind

MIN_PATIENTS = 10
HEALTH_PLANS = (PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE, PayerKind.COMMERCIAL)
CENT = Decimal("0.01")


def _x12(value: Decimal) -> str:
    return f"{value:.2f}"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _era(claims: list[Claim], paid_on: dt.date) -> bytes:
    """The payer's 835 for `claims`: allowed 80% of each charge, paid 80% of the allowed,
    PR-2 coinsurance the other 20%, CO-45 the rest (what a contract would write off)."""
    body = [
        "BPR*I*{total}*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999999999*DA*7654321*"
        f"{paid_on:%Y%m%d}",
        f"TRN*1*DEMO{paid_on:%Y%m%d}*1512345678",
        f"DTM*405*{paid_on:%Y%m%d}",
        "N1*PR*DEMO HEALTH PLANS",
        "N1*PE*RIVERBEND*XX*1234567893",
        "LX*1",
    ]
    total = Decimal(0)
    for claim in claims:
        loops: list[str] = []
        claim_paid = claim_share = Decimal(0)
        for line in claim.lines.order_by("number"):
            allowed = (line.charge * Decimal("0.8")).quantize(CENT, ROUND_HALF_UP)
            paid = (allowed * Decimal("0.8")).quantize(CENT, ROUND_HALF_UP)
            share = allowed - paid
            code = ":".join(["HC", line.code, *line.modifiers])
            loops += [
                f"SVC*{code}*{_x12(line.charge)}*{_x12(paid)}**{line.units}",
                f"DTM*472*{line.service_date:%Y%m%d}",
                f"CAS*CO*45*{_x12(line.charge - allowed)}",
                f"CAS*PR*2*{_x12(share)}",
                f"REF*6R*{line.line_control_number}",
                f"AMT*B6*{_x12(allowed)}",
            ]
            claim_paid += paid
            claim_share += share
        body += [
            f"CLP*{claim.patient_control_number}*1*{_x12(claim.total_charge)}*{_x12(claim_paid)}"
            f"*{_x12(claim_share)}*CI*DEMO{claim.pk:08d}*11*1",
            *loops,
        ]
        total += claim_paid
    body[0] = body[0].replace("{total}", _x12(total))
    segments = [
        "ISA*00*          *00*          *ZZ*DEMOPAYER      *ZZ*CLEANNOTE      "
        f"*{paid_on:%y%m%d}*1200*^*00501*000000835*0*T*:",
        f"GS*HP*DEMOPAYER*CLEANNOTE*{paid_on:%Y%m%d}*1200*835*X*005010X221A1",
        "ST*835*0001",
        *body,
        f"SE*{len(body) + 2}*0001",
        "GE*1*835",
        "IEA*1*000000835",
    ]
    return ("~\n".join(segments) + "~\n").encode("ascii")


def _bill(biller: Actor, today: dt.date, *, days_back: int, count: int, oldest: bool,
          skip: list[Claim]) -> list[Claim]:  # fmt: skip
    """Claims for `count` patients' signed, unbilled health-plan notes at least `days_back`
    days old (the oldest note, or the newest patients first), patients with no claim yet;
    sent on paper (no 837P file is left for a clearinghouse poll)."""
    notes = (
        Note.objects.filter(
            patient__organisation=biller.organisation,
            status=NoteStatus.SIGNED,
            claims__isnull=True,
            case__coverage__kind__in=HEALTH_PLANS,
            date_of_service__lte=today - dt.timedelta(days=days_back),
        )
        .exclude(patient__claims__isnull=False)
        .exclude(patient__in=[c.patient_id for c in skip])
        .order_by(
            *(("date_of_service", "-patient__chart_number") if oldest else
              ("-patient__chart_number", "date_of_service")), "id",
        )
    )  # fmt: skip
    claims: list[Claim] = []
    for note in notes:
        if len(claims) == count:
            break
        if any(c.patient_id == note.patient_id for c in claims):
            continue
        try:
            claim = do_create_claim_from_note(biller, note)
        except ClaimError:
            continue  # the scrubber refuses it: the next note
        do_mark_ready(biller, claim)
        do_change_claim_status(biller, claim, ClaimStatus.IN_BATCH, reason="sent on paper (demo)")
        claims.append(claim)
    return claims


def load_demo_statements(organisation: Organisation, today: dt.date, patients: int) -> int:
    """The statements made (0 in a small demo, or when no three notes can be billed)."""
    biller_staff = Staff.objects.filter(
        organisation=organisation, user__username="demo-biller"
    ).first()
    if patients < MIN_PATIENTS or biller_staff is None:
        return 0
    biller = Actor(user=biller_staff.user, organisation=organisation)
    # the oldest visit, answered within a day so its statement is 30 days old today
    reminded = _bill(biller, today, days_back=31, count=1, oldest=True, skip=[])
    if not reminded:
        return 0
    others = _bill(biller, today, days_back=14, count=2, oldest=False, skip=reminded)
    if len(others) < 2:
        return 0
    first_day = today - dt.timedelta(days=30)
    do_import_835(biller, _era(reminded, first_day), file_name="demo-coinsurance-1.835",
                  at=_at(first_day, 9))  # fmt: skip
    do_create_statement(biller, reminded[0].patient, day=first_day)
    # today's nightly run sends the reminder (step 2, day 30)
    do_run_dunning(Actor(user=None, organisation=organisation), day=today)
    paid_on = today - dt.timedelta(days=7)
    do_import_835(biller, _era(others, paid_on), file_name="demo-coinsurance-2.835",
                  at=_at(paid_on))  # fmt: skip
    # one paid $5.00 of the coinsurance at the desk, then today's batch run statements both
    do_record_patient_payment(
        biller, others[0].patient, amount="5.00", method="cash", at=_at(today - dt.timedelta(3))
    )
    run = do_run_statements(biller, day=today)
    return 2 + run.statements.count()
