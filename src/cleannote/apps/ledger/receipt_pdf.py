"""A payment's receipt as a Letter-size PDF, built from the clinic documents' parts
(`platform.pdf_parts`): letterhead, patient line, one table."""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer

from cleannote.apps.ledger.models import PatientPayment
from cleannote.platform.clock import format_moment, hour_cycle_of
from cleannote.platform.money import format_money
from cleannote.platform.pdf_parts import letter_pdf, letterhead, patient_line
from cleannote.platform.pdf_parts import paragraph as _p
from cleannote.platform.pdf_parts import styles as _styles
from cleannote.platform.pdf_parts import table as _table


def receipt_rows(payment: PatientPayment) -> list[list[object]]:
    """What the receipt says, the same on the page and in the PDF."""
    cycle = hour_cycle_of(payment.organisation.hour_cycle)
    rows: list[list[object]] = [
        ["Receipt", payment.receipt_number],
        ["Received", format_moment(payment.received_at, cycle, "Y-m-d")],
        ["Amount", format_money(payment.amount)],
        ["Method", payment.get_method_display().split(" (")[0]],
    ]
    if payment.reference:
        rows.append(["Reference", payment.reference_shown])
    if payment.appointment is not None:
        visit = payment.appointment
        rows.append(
            [
                "For the visit of",
                f"{format_moment(visit.start, cycle, 'Y-m-d')} with {visit.staff.display_name}",
            ]
        )
    who = payment.received_by
    if who is None:
        rows.append(["Recorded", "online, in the patient portal"])
    else:
        rows.append(["Taken by", f"{who.first_name} {who.last_name}".strip() or who.username])
    return rows


def render_receipt_pdf(payment: PatientPayment) -> bytes:
    s = _styles()
    story: list[Flowable] = [
        *letterhead(payment.organisation, s),
        _p("Payment receipt", s["h2"]),
        patient_line(payment.patient, s["body"]),
        Spacer(1, 6),
        _table(receipt_rows(payment), [1.6 * inch, 5.2 * inch], s["body"]),
        Spacer(1, 12),
        _p("Thank you. Keep this receipt for your records.", s["small"]),
    ]
    return letter_pdf(
        story, title=f"Receipt {payment.receipt_number}", author=payment.organisation.name
    )
