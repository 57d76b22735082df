"""The whole billing loop on the demo clinic, through the same actions, task and pages a clinic
uses: signed notes become claims, claims go out in a pyx12-valid 837P through the outbox, one
prints on a CMS-1500, an 835 pays one, part-pays one (settled: paid) and denies one, and pays a
claim number that is none of ours (kept as unmatched, the rest posts), the denial is worked on
the denials page and rebilled as a corrected claim in a second valid 837P.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL. The demo is loaded small (five patients)
with a fixed seed and date (tests/e2e/conftest.py), so the same notes and claims come out
every run.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from pypdf import PdfReader

from cleannote.apps.claims.actions import (
    do_create_corrected_claim,
    do_mark_ready,
)
from cleannote.apps.claims.claim_form import claim_to_form
from cleannote.apps.claims.models import (
    Batch,
    Claim,
    ClaimAdjustment,
    ClaimLine,
    ClaimStatus,
    Frequency,
)
from cleannote.apps.claims.tasks import build_and_file_batch
from cleannote.apps.remittance.actions import do_import_835
from cleannote.apps.remittance.models import (
    ClaimPosting,
    EraFile,
    PatientLedgerEntry,
    UnmatchedPayment,
)
from cleannote.apps.remittance.selectors import patient_balance
from cleannote.edi.carc import explain_carc
from cleannote.forms.cms1500 import check_form_claim
from cleannote.platform.tasks import enqueue
from cleannote.rules.findings import Severity
from tests.apps.x12_files import claim_payment, remittance_835, service
from tests.e2e.conftest import Demo, claims_from_signed_notes
from tests.edi.pyx12_check import pyx12_errors
from tests.forms.test_cms1500 import boxes_by_page
from tests.personas import client_for

ALLOWED_SHARE = Decimal("0.60")
COINSURANCE = Decimal("0.20")
CENT = Decimal("0.01")


# --- an 835 for claims we sent ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the test payer does with one claim; the amounts follow from the claim's lines."""

    claim: Claim
    kind: str  # "paid", "partial" or "denied"


def _procedure(line: ClaimLine) -> str:
    return ":".join([line.code, *line.modifiers])


def _service(line: ClaimLine, kind: str) -> tuple[list[str], Decimal, Decimal]:
    """(SVC loop, paid, patient share) for one line, balanced: charge = paid + adjustments."""
    charge = line.charge
    if kind == "paid":
        adjustments: tuple[tuple[str, str, str], ...] = ()
        paid, share, allowed = charge, Decimal("0"), charge
    elif kind == "partial":
        allowed = (charge * ALLOWED_SHARE).quantize(CENT)
        share = (allowed * COINSURANCE).quantize(CENT)
        paid = allowed - share
        adjustments = (("CO", "45", str(charge - allowed)), ("PR", "2", str(share)))
    else:
        paid, share, allowed = Decimal("0"), Decimal("0"), Decimal("0")
        adjustments = (("CO", "50", str(charge)),)
    loop = service(
        _procedure(line), str(charge), str(paid), line.units, adjustments=adjustments,
        line_control=line.line_control_number, allowed=str(allowed),
    )  # fmt: skip
    return loop, paid, share


def payer_claim_number(claim: Claim) -> str:
    """The number the test payer gives a claim (CLP07), as `claim_payment` writes it."""
    return f"PAYER{claim.patient_control_number}"


def remittance_for(outcomes: list[Outcome], *, strangers: tuple[str, ...] = ()) -> bytes:
    """A valid 835 paying, part-paying or denying each claim, matched by CLP01 and REF*6R, and
    paying claims of `strangers` (numbers that are none of ours)."""
    payments = [
        claim_payment(number, "1", "50", "50", "0", [service("97110", "50", "50", 1)])
        for number in strangers
    ]
    for outcome in outcomes:
        claim = outcome.claim
        loops, paid, share = [], Decimal("0"), Decimal("0")
        for line in claim.lines.all():
            loop, line_paid, line_share = _service(line, outcome.kind)
            loops.append(loop)
            paid += line_paid
            share += line_share
        status = "4" if outcome.kind == "denied" else "1"
        number = str(claim.patient_control_number)
        charge = str(claim.total_charge)
        payments.append(claim_payment(number, status, charge, str(paid), str(share), loops))
    return remittance_835(payments)


# --- the loop ------------------------------------------------------------------------------


def _file_batch(demo: Demo, claims: list[Claim]) -> Batch:
    """Through the task wrapper, as the claim page's button does; in-process without Redis."""
    queued = enqueue(
        build_and_file_batch, demo.organisation.pk, [c.pk for c in claims], demo.biller.user_id
    )
    assert queued.job_id is None
    assert isinstance(queued.result, int)
    return Batch.objects.get(pk=queued.result)


def _filed_837p(demo: Demo, batch: Batch) -> bytes:
    """The bytes in the outbox, checked against the stored batch and pyx12."""
    assert batch.is_filed
    filed = (demo.outbox / batch.file_name).read_bytes()
    assert filed == batch.content.encode("ascii")
    assert pyx12_errors(filed) == []
    return filed


def _one_per_patient(claims: list[Claim], count: int) -> list[Claim]:
    chosen: dict[int, Claim] = {}
    for claim in claims:
        chosen.setdefault(claim.patient_id, claim)
    assert len(chosen) >= count, "the demo should bill at least three patients"
    return list(chosen.values())[:count]


def _posting_state(demo: Demo) -> tuple[object, ...]:
    return (
        EraFile.objects.count(),
        ClaimPosting.objects.count(),
        ClaimAdjustment.objects.count(),
        PatientLedgerEntry.objects.count(),
        sorted(
            Claim.objects.filter(organisation=demo.organisation).values_list(
                "pk", "status", "paid_amount", "payer_claim_number"
            )
        ),
    )


def test_billing_loop_from_demo_notes_to_a_corrected_claim(demo):
    # given the demo clinic's signed notes, billed by the biller
    claims, refusals = claims_from_signed_notes(demo)
    assert len(claims) >= 3
    for refusal in refusals:
        assert any(f.severity is Severity.ERROR for f in refusal.findings)

    # when every claim is marked ready and filed in one batch through the task
    for claim in claims:
        do_mark_ready(demo.actor, claim)
    batch = _file_batch(demo, claims)

    # then the outbox holds a pyx12-valid 837P with every claim's CLM01, and the claims are sent
    filed = _filed_837p(demo, batch).decode("ascii")
    for claim in claims:
        assert f"CLM*{claim.patient_control_number}*" in filed
    statuses = Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("status", flat=True)
    assert set(statuses) == {ClaimStatus.IN_BATCH}

    # and every claim can also go on paper, one through the claim page's button
    for claim in claims:
        check_form_claim(claim_to_form(claim))
    paid, partial, denied = (
        Claim.objects.get(pk=c.pk) for c in _one_per_patient(claims, 3)
    )  # fmt: skip
    client = client_for(demo.biller)
    response = client.get(f"/claims/{paid.pk}/cms1500.pdf?mode=full")
    assert response.status_code == 200
    [boxes] = boxes_by_page(response.content)
    lines = list(paid.lines.all())
    assert [boxes[f"24d.code#{n}"] for n in range(1, len(lines) + 1)] == [x.code for x in lines]
    total = f"{paid.total_charge:.2f}".split(".")
    assert [boxes["28.dollars"], boxes["28.cents"]] == total
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert paid.patient_control_number in text

    # when the payer's 835 pays one claim, part-pays one (coinsurance), denies one (CO-50) and
    # pays a claim number that is none of ours
    era = remittance_for(
        [Outcome(paid, "paid"), Outcome(partial, "partial"), Outcome(denied, "denied")],
        strangers=("CN-NOT-OURS",),
    )
    posted = do_import_835(demo.actor, era, file_name="demo-era-1.835")

    # then each claim has its status: the part-paid claim is settled (paid at the allowed
    # amount, CO-45 and PR-2 account for the rest), and the patient owes the coinsurance
    for claim in (paid, partial, denied):
        claim.refresh_from_db()
    assert (paid.status, partial.status, denied.status) == (
        ClaimStatus.PAID, ClaimStatus.PAID, ClaimStatus.DENIED,
    )  # fmt: skip
    assert paid.paid_amount == paid.total_charge
    assert denied.paid_amount == 0
    shares = ClaimAdjustment.objects.filter(claim=partial, group="PR", reason="2")
    coinsurance = sum((a.amount for a in shares), Decimal("0"))
    assert coinsurance > 0
    assert patient_balance(demo.organisation, partial.patient_id) == coinsurance
    assert patient_balance(demo.organisation, paid.patient_id) == 0
    assert denied.payer_claim_number == payer_claim_number(denied)

    # and the stranger did not stop the file: it waits on the unmatched page to be matched
    (unmatched,) = UnmatchedPayment.objects.filter(era_file=posted)
    assert unmatched.patient_control_number == "CN-NOT-OURS"
    assert "CN-NOT-OURS" in client.get("/remittance/unmatched/").content.decode()

    # and the denial is on the denials page, in plain words with its next step
    page = client.get("/remittance/denials/").content.decode()
    carc50 = explain_carc("50")
    assert carc50 is not None
    assert "CARC 50" in page
    assert escape(carc50.meaning) in page
    assert escape(carc50.next_step) in page
    assert f"/claims/{denied.pk}/" in page
    assert f"/claims/{paid.pk}/" not in page

    # when the same 835 is imported again
    before = _posting_state(demo)
    again = do_import_835(demo.actor, era, file_name="demo-era-1-again.835")

    # then nothing changes
    assert again.pk == posted.pk
    assert _posting_state(demo) == before

    # when the denied claim is corrected and filed in a second batch
    corrected = do_create_corrected_claim(demo.actor, denied, reason="documentation added")
    do_mark_ready(demo.actor, corrected)
    second = _file_batch(demo, [corrected])

    # then the second 837P is valid and replaces the payer's claim (CLM05-3 = 7, REF*F8)
    assert second.pk != batch.pk
    assert corrected.frequency == Frequency.REPLACEMENT
    resent = _filed_837p(demo, second).decode("ascii")
    clm = next(s.strip() for s in resent.split("~") if s.strip().startswith("CLM*"))
    assert clm.split("*")[1] == corrected.patient_control_number
    assert clm.split("*")[5].split(":")[2] == "7"
    assert f"REF*F8*{payer_claim_number(denied)}~" in resent
    assert resent.count("CLM*") == 1
