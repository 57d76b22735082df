"""The report packet of a liability or letter-of-protection case for its attorney or case
manager, as one PDF (ADR 0771).

In order: the cover letter on the clinic's letterhead (to whom, the case, the dates of
treatment, the balance, what is enclosed), the case's signed notes written for that reader,
the itemised bill (each visit's lines at the full fee), the visits' CMS-1500s, and the lien
ledger with its running balance. The parts are the ones the appeal packet is made of (the
note PDF, `claim_to_form` and the form, the platform's letter parts), joined with
`join_pdfs`.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, PageBreak

from cleannote.apps.claims.claim_form import claim_to_form
from cleannote.apps.claims.models import Claim
from cleannote.apps.injury.actions import case_claims, full_fee_lines
from cleannote.apps.injury.selectors import LienLedger, lien_ledger
from cleannote.apps.notes.models import Note
from cleannote.apps.notes.note_pdf import render_note_pdf
from cleannote.apps.patients.models import Case
from cleannote.forms.cms1500 import FormError, FormMode, render_cms1500
from cleannote.platform.money import format_money
from cleannote.platform.pdf_parts import (
    join_pdfs,
    letter_pdf,
    letterhead,
    paragraph,
    patient_line,
    styles,
    table,
)

AUDIENCES = {"attorney": "attorney", "case_manager": "case manager"}


def addressee(case: Case, audience: str) -> str:
    if audience == "case_manager":
        return case.case_manager_name or "Case manager"
    return case.attorney_name or "Attorney of record"


def signed_notes(case: Case) -> list[Note]:
    return list(
        Note.objects.filter(case=case, signed_at__isnull=False).order_by("date_of_service", "id")
    )


def render_case_packet(case: Case, audience: str) -> bytes:
    """The packet for `audience` ("attorney" or "case_manager")."""
    if audience not in AUDIENCES:
        audience = "attorney"
    claims = case_claims(case)
    notes = signed_notes(case)
    ledger = lien_ledger(case)
    org = case.patient.organisation
    s = styles()
    front: list[Flowable] = [
        *_letter(case, audience, claims, notes, ledger),
        PageBreak(),
    ]
    documents = [letter_pdf(front, title=f"Case {case.pk} cover letter", author=org.name)]
    documents += [render_note_pdf(note, audience=audience) for note in notes]
    bill: list[Flowable] = [*letterhead(org, s), paragraph("Itemised bill", s["h2"])]
    bill += [patient_line(case.patient, s["body"]), *_bill(claims)]
    bill += [PageBreak(), paragraph("Lien ledger", s["h2"]), *_ledger(ledger)]
    documents.append(letter_pdf(bill, title=f"Case {case.pk} bill and ledger", author=org.name))
    forms = _forms(claims)
    if forms is not None:
        documents.append(forms)
    return join_pdfs(
        documents, title=f"Case {case.pk} packet for the {AUDIENCES[audience]}", author=org.name
    )


def _letter(
    case: Case, audience: str, claims: list[Claim], notes: list[Note], ledger: LienLedger
) -> list[Flowable]:
    s = styles()
    org = case.patient.organisation
    days = [n.date_of_service for n in notes]
    span = f"{min(days):%Y-%m-%d} to {max(days):%Y-%m-%d}" if days else "no signed visits yet"
    accident = (
        f"{case.get_accident_kind_display()} accident of {case.accident_date:%Y-%m-%d}"
        if case.accident_kind and case.accident_date
        else "injury"
    )
    lien = " under the lien on file" if case.lien_on_file else ""
    return [
        *letterhead(org, s),
        paragraph(f"{timezone.localdate():%B %d, %Y}", s["body"]),
        paragraph(f"To: {addressee(case, audience)}", s["body"]),
        paragraph(f"Treatment records and bill: {case.title}", s["h2"]),
        patient_line(case.patient, s["body"]),
        paragraph(
            f"We are treating the patient for the {accident}{lien}. Visits: {len(notes)}, "
            f"{span}. Charges to date {format_money(ledger.totals['charge'])}; balance "
            f"{format_money(ledger.balance)}.",
            s["body"],
        ),
        paragraph(
            f"Enclosed: {len(notes)} signed treatment note(s), the itemised bill, "
            f"{len(claims)} CMS-1500 claim form(s) and the lien ledger.",
            s["body"],
        ),
        paragraph(f"Sincerely,\n{org.name} billing office", s["body"]),
    ]


def _bill(claims: list[Claim]) -> list[Flowable]:
    s = styles()
    rows: list[list[object]] = [["Date", "Code", "Units", "Charge"]]
    total = Decimal("0.00")
    for claim in claims:
        for line, amount in full_fee_lines(claim):
            day = f"{claim.date_of_service:%Y-%m-%d}"
            rows.append([day, line.code, line.units, format_money(amount)])
            total += amount
    rows.append(["", "Total", "", format_money(total)])
    return [table(rows, [1.1 * inch, 3.6 * inch, 0.8 * inch, 1.3 * inch], s["small"])]


def _ledger(ledger: LienLedger) -> list[Flowable]:
    s = styles()
    rows: list[list[object]] = [["Date", "Entry", "Memo", "Amount", "Balance"]]
    for row in ledger.rows:
        entry = row.entry
        rows.append([
            f"{entry.entry_date:%Y-%m-%d}",
            entry.get_kind_display(),
            entry.memo,
            format_money(entry.signed_amount),
            format_money(row.balance),
        ])  # fmt: skip
    widths = [1.0 * inch, 1.3 * inch, 2.6 * inch, 1.0 * inch, 1.0 * inch]
    story: list[Flowable] = [table(rows, widths, s["small"])]
    story.append(paragraph(f"Balance {format_money(ledger.balance)}", s["body"]))
    if ledger.settlement is not None:
        done = ledger.settlement
        story.append(
            paragraph(
                f"Settled {done.settled_on:%Y-%m-%d}: reduction {format_money(done.reduction)}, "
                f"paid {format_money(done.payment)}, written off {format_money(done.write_off)}.",
                s["body"],
            )
        )
    return story


def _forms(claims: list[Claim]) -> bytes | None:
    forms = []
    for claim in claims:
        try:
            forms.append(claim_to_form(claim))
        except FormError:
            continue  # the bill lists the visit; its form could not be drawn
    if not forms:
        return None
    try:
        return render_cms1500(forms, mode=FormMode.FULL, printed_on=timezone.localdate())
    except FormError:
        return None
