"""The plan of care as the referrer reads it and signs it: a Letter-size PDF.

It carries what the certification covers (CMS 100-02 Ch.15 §220.1.2: diagnoses, long-term
goals, type, amount, frequency and duration), goals by their text, and a line for the
physician's or NPP's signature and date. Built from the same parts as the note PDF
(`platform.pdf_parts`), so the clinic's documents look alike.
"""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer

from cleannote.apps.patients.models import PlanOfCare
from cleannote.platform.pdf_parts import letter_pdf, letterhead, patient_line
from cleannote.platform.pdf_parts import paragraph as _p
from cleannote.platform.pdf_parts import styles as _styles
from cleannote.platform.pdf_parts import table as _table
from cleannote.rules.icd10 import check as icd_check


def plan_story(plan: PlanOfCare) -> list[Flowable]:
    s = _styles()
    case = plan.case
    patient = case.patient
    org = patient.organisation
    referral = case.referrals.order_by("-referral_date", "-id").first()
    story: list[Flowable] = [
        *letterhead(org, s),
        _p(
            f"{'Revised plan' if plan.revises_id else 'Plan'} of care · "
            f"{case.get_discipline_display()} · {plan.start_date:%d %b %Y} to "
            f"{plan.certified_through:%d %b %Y}",
            s["h2"],
        ),
        patient_line(patient, s["body"]),
        _p(f"Case: {case.title}", s["body"]),
    ]
    if referral is not None:
        story.append(
            _p(
                f"Referred by {referral.provider_first_name} {referral.provider_last_name} "
                f"(NPI {referral.provider_npi}) on {referral.referral_date:%Y-%m-%d}",
                s["body"],
            )
        )
    story.append(_p("Diagnoses", s["h2"]))
    rows: list[list[object]] = [["#", "ICD-10-CM", "Description"]]
    rows += [
        [i, code, icd_check(code).description or ""] for i, code in enumerate(plan.diagnoses, 1)
    ]
    story.append(_table(rows, [0.4 * inch, 1.1 * inch, 5.3 * inch], s["body"]))
    story += [
        _p("Frequency and duration", s["h2"]),
        _p(plan.frequency_text, s["body"]),
        _p("Interventions", s["h2"]),
        _p(plan.interventions or "As documented in the evaluation.", s["body"]),
        _p("Goals", s["h2"]),
    ]
    goals: list[list[object]] = [["Goal", "Kind", "Baseline", "Target", "Status"]]
    goals += [
        [g.text, g.kind, g.baseline or "—", g.target or "—", g.get_status_display()]
        for g in plan.goals.order_by("order", "id")
    ]
    story.append(
        _table(goals, [3.0 * inch, 0.9 * inch, 1.0 * inch, 1.0 * inch, 0.9 * inch], s["body"])
    )
    certifier = plan.certifier_name or "Physician / NPP"
    npi = f" · NPI {plan.certifier_npi}" if plan.certifier_npi else ""
    story += [
        Spacer(1, 18),
        _p("Certification", s["h2"]),
        _p(
            "I have reviewed this plan of care and certify that the services are medically "
            "necessary and furnished under it while the patient is under my care.",
            s["body"],
        ),
        Spacer(1, 24),
        _p(f"Signature {'_' * 30}  Date {'_' * 12}  {certifier}{npi}", s["body"]),
        Spacer(1, 8),
        _p(
            f"Please sign and return to {org.name}. Plan {plan.pk}; recertification due by "
            f"{plan.recertify_by:%Y-%m-%d}.",
            s["small"],
        ),
    ]
    return story


def render_plan_pdf(plan: PlanOfCare) -> bytes:
    return letter_pdf(
        plan_story(plan),
        title=f"Plan of care {plan.pk}",
        author=plan.case.patient.organisation.name,
    )
