"""The demo's secondary claim and Medicare crossover (ADR 0740), through the actions a biller
uses: a claim of a signed note, sent on paper, answered by the payer's 835 posted with
`do_import_835`. The patient with a second plan (the one `_demo_chart_upkeep` adds, or the
spouse's plan shown by the first patient whose note bills cleanly) gets the secondary claim the
835's posting makes; a Medicare patient who is also on Medicaid has the claim crossed over by
Medicare (MA07, NM1*TT), which is not billed again.

The 835s are written here the way a payer writes them: each line allowed at 70% of the charge,
80% of that paid, the rest of the allowed amount coinsurance (PR-2), the charge over the
allowed amount CO-45.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import (
    do_change_claim_status,
    do_create_claim_from_note,
    do_mark_ready,
)
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.patients.chart_actions import do_add_coverage_to_chart
from cleannote.apps.patients.models import Coverage, Patient
from cleannote.apps.payers.models import Payer
from cleannote.apps.remittance.actions import do_import_835
from cleannote.rules.visit import PayerKind

_CENT = Decimal("0.01")
_ANSWERED_AFTER = dt.timedelta(days=14)
# A patient billed here keeps at least this many signed notes for the charge queue to show.
_KEEP_UNBILLED = 4


def load_demo_secondary(organisation: Organisation, today: dt.date) -> tuple[Claim | None, ...]:
    """(the secondary claim made from the primary's 835, the crossed-over claim); either None
    when the demo has no fitting note (a small demo)."""
    biller = Staff.objects.filter(organisation=organisation, user__username="demo-biller").first()
    desk = Staff.objects.filter(organisation=organisation, user__username="demo-frontdesk").first()
    if biller is None or desk is None:
        return (None, None)
    actor = Actor(user=biller.user, organisation=organisation)
    front_desk = Actor(user=desk.user, organisation=organisation)
    secondary = _secondary(actor, front_desk, today)
    crossover = _crossover(actor, front_desk, today)
    return (secondary, crossover)


_HEALTH_PLANS = (PayerKind.MEDICARE.value, PayerKind.MEDICARE_ADVANTAGE.value,
                 PayerKind.COMMERCIAL.value)  # fmt: skip


def _secondary(actor: Actor, desk: Actor, today: dt.date) -> Claim | None:
    """The patient who showed a second card at check-in, when one of their notes bills cleanly;
    else the first patient on one health plan whose note does, who then shows the spouse's
    plan. The primary's 835 then makes the secondary claim."""
    patients = Patient.objects.filter(organisation=actor.organisation).order_by("chart_number")
    for patient in patients.prefetch_related("coverages"):
        coverages = list(patient.coverages.all())
        second = next((c for c in coverages if c.priority == "secondary"), None)
        if second is None and (len(coverages) != 1 or coverages[0].kind not in _HEALTH_PLANS):
            continue
        since = second.active_from if second is not None else today - dt.timedelta(days=90)
        primary = _sent_claim(actor, patient, today, since=since)
        if primary is None:
            continue
        if second is None:
            _add_spouses_plan(desk, patient, coverages[0], primary.date_of_service)
        _answer(actor, primary, payer_name=primary.payer_name.upper())
        return Claim.objects.filter(primary_claim=primary, origin="secondary").first()
    return None


def _add_spouses_plan(desk: Actor, patient: Patient, primary: Coverage, since: dt.date) -> None:
    plan = "DEMO-KHP" if primary.payer_id == "DEMO-LSM" else "DEMO-LSM"
    do_add_coverage_to_chart(
        desk,
        patient,
        Coverage(
            priority="secondary",
            payer_record=Payer.objects.get(organisation=desk.organisation, claims_payer_id=plan),
            member_id=f"{plan[-3:]}{patient.pk:08d}",
            group_number="G7710",
            subscriber_relationship="spouse",
            subscriber_first_name="Jamie",
            subscriber_last_name=patient.last_name,
            subscriber_birth_date=dt.date(patient.birth_date.year, 2, 14),
            subscriber_sex="U",
            active_from=since.replace(day=1),
        ),
        reason="Spouse's plan card shown at check-in",
    )


def _crossover(actor: Actor, desk: Actor, today: dt.date) -> Claim | None:
    """A Medicare patient whose Medicaid is added at check-in, and Medicare's crossover."""
    medicaid = Payer.objects.filter(
        organisation=actor.organisation, claims_payer_id="DEMO-MCD"
    ).first()
    if medicaid is None:
        return None
    for patient in Patient.objects.filter(organisation=actor.organisation).order_by("chart_number"):
        coverages = list(patient.coverages.all())
        if len(coverages) != 1 or coverages[0].kind != PayerKind.MEDICARE.value:
            continue
        claim = _sent_claim(actor, patient, today, since=today - dt.timedelta(days=90))
        if claim is None:
            continue
        do_add_coverage_to_chart(
            desk,
            patient,
            Coverage(
                priority="secondary",
                payer_record=medicaid,
                member_id=f"MCD{patient.pk:08d}",
                active_from=claim.date_of_service.replace(day=1),
            ),
            reason="Medicaid card shown at check-in (dual eligible)",
        )
        _answer(actor, claim, payer_name="MEDICARE PART B", crossover=("MA07", medicaid.name))
        claim.refresh_from_db()
        return claim
    return None


def _sent_claim(actor: Actor, patient: Patient, today: dt.date, *, since: dt.date) -> Claim | None:
    """A claim of the patient's newest signed, unbilled note old enough to have been answered,
    marked ready and sent on paper (no 837P file left for a clearinghouse poll)."""
    unbilled = Note.objects.filter(patient=patient, status=NoteStatus.SIGNED, claims__isnull=True)
    if unbilled.count() < _KEEP_UNBILLED + 1:
        return None  # leave a short chart's notes to the charge queue
    notes = unbilled.filter(
        date_of_service__gte=since,
        date_of_service__lte=today - _ANSWERED_AFTER - dt.timedelta(days=1),
    ).order_by("-date_of_service", "id")[:10]
    for note in notes:
        try:
            claim = do_create_claim_from_note(actor, note)
        except ClaimError:
            continue  # the scrubber refuses it: try the next note
        do_mark_ready(actor, claim)
        return do_change_claim_status(
            actor, claim, ClaimStatus.IN_BATCH, reason="sent on paper (demo)"
        )
    return None


def _answer(
    actor: Actor, claim: Claim, *, payer_name: str, crossover: tuple[str, str] | None = None
) -> None:
    """Post the payer's 835 for `claim` through the remittance import."""
    paid_on = claim.date_of_service + _ANSWERED_AFTER
    services: list[str] = []
    total_paid, total_share = Decimal(0), Decimal(0)
    for line in claim.lines.all():
        allowed = (line.charge * Decimal("0.70")).quantize(_CENT, ROUND_HALF_UP)
        paid = (allowed * Decimal("0.80")).quantize(_CENT, ROUND_HALF_UP)
        share = allowed - paid
        total_paid += paid
        total_share += share
        procedure = ":".join(("HC", line.code, *line.modifiers))
        services += [
            f"SVC*{procedure}*{line.charge}*{paid}**{line.units}",
            f"DTM*472*{line.service_date:%Y%m%d}",
            f"CAS*CO*45*{line.charge - allowed}",
            f"CAS*PR*2*{share}",
            f"REF*6R*{line.line_control_number}",
            f"AMT*B6*{allowed}",
        ]
    clp = [
        f"CLP*{claim.patient_control_number}*1*{claim.total_charge}*{total_paid}*{total_share}"
        f"*MB*DEMO{claim.pk:010d}*11*1"
    ]
    if crossover is not None:
        remark, to = crossover
        clp += [f"NM1*TT*2*{to.upper()[:60]}", f"MOA***{remark}"]
    body = [
        f"BPR*I*{total_paid}*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999999999*DA"
        f"*7654321*{paid_on:%Y%m%d}",
        f"TRN*1*DEMO{claim.pk:08d}*1512345678",
        f"N1*PR*{payer_name[:60]}",
        "N1*PE*DEMO CLINIC",
        "LX*1",
        *clp,
        *services,
    ]
    do_import_835(
        actor,
        _interchange(body, claim.pk),
        file_name=f"demo-{claim.patient_control_number}.835",
        at=dt.datetime.combine(paid_on, dt.time(9), tzinfo=dt.UTC),
    )


def _interchange(body: list[str], control: int) -> bytes:
    segments = [
        "ISA*00*          *00*          *ZZ*DEMOPAYER      *ZZ*CLEANNOTE      "
        f"*260101*1200*^*00501*{control:09d}*0*P*:",
        f"GS*HP*DEMOPAYER*CLEANNOTE*20260101*1200*{control}*X*005010X221A1",
        "ST*835*0001",
        *body,
        f"SE*{len(body) + 2}*0001",
        f"GE*1*{control}",
        f"IEA*1*{control:09d}",
    ]
    return ("~\n".join(segments) + "~\n").encode("ascii")
