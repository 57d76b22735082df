"""The appeal letter and the audit-defense packet of a claim as one PDF (ADR 0731).

In order: the appeal letter on the clinic's letterhead (what was denied and why we ask for
reconsideration, with the list of what is enclosed), an index page that states each part's key
facts (the note's signing time, the plan's certification, the referral, the eligibility
answer, the claim's control numbers), then the signed note (times, goals and justification per
treatment), the plan of care, and the claim as sent on a CMS-1500. A part the record lacks is
named as missing on the index, never silently left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from reportlab.platypus import Flowable, PageBreak

from cleannote.apps.claims.claim_form import claim_to_form
from cleannote.apps.claims.models import Claim
from cleannote.apps.eligibility.models import EligibilityCheck
from cleannote.apps.notes.note_pdf import render_note_pdf
from cleannote.apps.patients.models import PlanOfCare, Referral
from cleannote.apps.patients.plan_pdf import render_plan_pdf
from cleannote.edi.carc import explain_carc
from cleannote.forms.cms1500 import FormError, FormMode, render_cms1500
from cleannote.platform.clock import format_moment, format_time, hour_cycle_of
from cleannote.platform.pdf_parts import (
    join_pdfs,
    letter_pdf,
    letterhead,
    paragraph,
    patient_line,
    styles,
)
from cleannote.platform.pdf_parts import table as pdf_table

MISSING = "not in the record"


@dataclass(frozen=True)
class PacketParts:
    claim: Claim
    plan: PlanOfCare | None
    referral: Referral | None
    eligibility: EligibilityCheck | None


def packet_parts(claim: Claim) -> PacketParts:
    day = claim.date_of_service
    case_id = claim.note.case_id
    plan = (
        PlanOfCare.objects.filter(case_id=case_id, start_date__lte=day)
        .order_by("-start_date", "-id")
        .first()
    )
    referral = (
        Referral.objects.filter(case_id=case_id, referral_date__lte=day)
        .order_by("-referral_date", "-id")
        .first()
    )
    eligibility = (
        EligibilityCheck.objects.filter(
            patient_id=claim.patient_id, coverage_id=claim.coverage_id, requested_for__lte=day
        )
        .order_by("-requested_for", "-id")
        .first()
    )
    return PacketParts(claim, plan, referral, eligibility)


def render_appeal_packet(claim: Claim, *, with_letter: bool = True) -> bytes:
    parts = packet_parts(claim)
    front: list[Flowable] = []
    if with_letter:
        front += [*_letter(parts), PageBreak()]
    front += _index(parts)
    org = claim.organisation
    documents = [letter_pdf(front, title=f"Appeal of claim {claim.pk}", author=org.name)]
    documents.append(render_note_pdf(claim.note, audience="referrer"))
    if parts.plan is not None:
        documents.append(render_plan_pdf(parts.plan))
    try:
        form = render_cms1500(
            [claim_to_form(claim)], mode=FormMode.FULL, printed_on=timezone.localdate()
        )
    except FormError:
        form = None  # the index lists the claim's numbers; the form could not be drawn
    if form is not None:
        documents.append(form)
    return join_pdfs(documents, title=f"Appeal packet, claim {claim.pk}", author=org.name)


def _reasons(claim: Claim) -> list[str]:
    seen: dict[str, str] = {}
    for adjustment in claim.adjustments.all():
        if adjustment.group == "PR" or adjustment.reason in seen:
            continue
        explained = explain_carc(adjustment.reason)
        seen[adjustment.reason] = explained.meaning if explained else ""
    return [f"CARC {code}: {meaning}" for code, meaning in seen.items()]


def _letter(parts: PacketParts) -> list[Flowable]:
    claim = parts.claim
    s = styles()
    org = claim.organisation
    reasons = _reasons(claim) or ["no reason code was given"]
    return [
        *letterhead(org, s),
        paragraph(f"{timezone.localdate():%B %d, %Y}", s["body"]),
        paragraph(f"To: {claim.payer_name} (payer id {claim.payer_id}), appeals", s["body"]),
        paragraph("Request for reconsideration of a denied claim", s["h2"]),
        patient_line(claim.patient, s["body"]),
        paragraph(
            f"Claim control number {claim.patient_control_number or claim.pk} · payer claim "
            f"number {claim.payer_claim_number or 'not given'} · date of service "
            f"{claim.date_of_service:%Y-%m-%d} · billed {claim.total_charge}",
            s["body"],
        ),
        paragraph("The claim was denied for:", s["body"]),
        *[paragraph(f"• {reason}", s["body"]) for reason in reasons],
        paragraph(
            "The services were skilled, medically necessary, provided under a certified plan of "
            "care and documented with their times, goals and justification. We ask you to "
            "reconsider the claim and pay it as billed. Enclosed: the signed treatment note, "
            "the plan of care and its certification, the referral, the eligibility answer "
            "and the claim as sent.",
            s["body"],
        ),
        paragraph(f"Sincerely,\n{org.name} billing office", s["body"]),
    ]


def _index(parts: PacketParts) -> list[Flowable]:
    claim, plan, referral, check = parts.claim, parts.plan, parts.referral, parts.eligibility
    s = styles()
    note = claim.note
    cycle = hour_cycle_of(claim.organisation.hour_cycle)
    signed = (
        f"signed {format_moment(note.signed_at, cycle, 'Y-m-d', zone=True)}"
        if note.signed_at
        else MISSING
    )
    times = [
        f"{b.code} {format_time(b.start_time, cycle)}–{format_time(b.stop_time, cycle)}"
        if b.start_time and b.stop_time
        else f"{b.code} {b.minutes or 0} min"
        for b in note.blocks.all()
    ]
    if plan is None:
        plan_text = MISSING
    else:
        certified = (
            f"certified {plan.signature_received_on:%Y-%m-%d}"
            if plan.signature_received_on
            else "certification not signed"
        )
        certifier = f" by {plan.certifier_name}" if plan.certifier_name else ""
        plan_text = (
            f"plan {plan.pk}, {plan.start_date:%Y-%m-%d} to {plan.certified_through:%Y-%m-%d}; "
            f"{certified}{certifier}"
        )
    if referral is None:
        referral_text = MISSING
    else:
        referral_text = (
            f"Referral from {referral.provider_first_name} {referral.provider_last_name} "
            f"(NPI {referral.provider_npi}) dated {referral.referral_date:%Y-%m-%d}"
            + _given(", authorization {}", referral.authorization_number)
            + _given(", {} visits", referral.authorized_visits)
        )
    if check is None:
        eligibility_text = MISSING
    else:
        answered = (
            f"answered {timezone.localtime(check.responded_at):%Y-%m-%d}"
            if check.responded_at
            else "no answer received"
        )
        eligibility_text = (
            f"Eligibility for {check.requested_for:%Y-%m-%d}: {check.get_status_display()}, "
            f"{answered}"
            + _given(", plan from {}", check.plan_start)
            + _given(" to {}", check.plan_end)
            + _given(", copay {}", check.copay)
        )
    rows: list[list[object]] = [
        ["Part", "What it shows"],
        ["Signed note", f"Note {note.pk} of {note.date_of_service:%Y-%m-%d}, {signed}; "
         f"treatment times {', '.join(times) or MISSING}"],
        ["Plan of care", plan_text],
        ["Referral", referral_text],
        ["Eligibility answer", eligibility_text],
        ["Claim as sent", f"Claim control number {claim.patient_control_number or claim.pk}, "
         f"frequency {claim.frequency}, payer claim number {claim.payer_claim_number or 'none'}"],
    ]  # fmt: skip
    return [
        *letterhead(claim.organisation, s),
        paragraph("Audit-defense packet", s["h2"]),
        patient_line(claim.patient, s["body"]),
        pdf_table(rows, [110, 390], s["small"]),
    ]


def _given(shape: str, value: object) -> str:
    return "" if value in (None, "", 0) else shape.format(value)
