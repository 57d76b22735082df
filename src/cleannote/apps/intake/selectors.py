"""Reads of intake forms, consents and ABNs: what a patient still has to do, and what they signed.

The chart's panel, the check-in page, the portal and the hooks (the visit builder's notices,
the booking message's line) all read these, so they agree on what is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from cleannote.apps.intake.form_fields import FieldSpec, pain_now_of, read_fields, shown_answer
from cleannote.apps.intake.models import (
    AdvanceNotice,
    ChartSuggestion,
    ConsentKind,
    ConsentSignature,
    ConsentText,
    IntakeForm,
    IntakeResponse,
    NoticeStatus,
    ResponseStatus,
    SuggestionStatus,
)
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Patient
from cleannote.rules.visit import BeneficiaryNotice


def forms_of(organisation: Organisation) -> list[IntakeForm]:
    return list(IntakeForm.objects.filter(organisation=organisation).prefetch_related("versions"))


def current_consents(organisation_id: int) -> dict[str, ConsentText]:
    """The version of each consent kind in force now (the newest), by kind."""
    found: dict[str, ConsentText] = {}
    for row in ConsentText.objects.filter(organisation_id=organisation_id).order_by(
        "kind", "-version"
    ):
        found.setdefault(row.kind, row)
    return found


@dataclass(frozen=True, slots=True)
class ConsentState:
    kind: str
    words: str
    current: ConsentText
    signed: ConsentSignature | None  # the signature of the current version, if any
    older: ConsentSignature | None  # the newest signature of an older version, if any

    @property
    def missing(self) -> bool:
        return self.signed is None and self.current.required


def consent_states(patient: Patient) -> list[ConsentState]:
    """Each consent the clinic has written, with the patient's signature of its current text."""
    current = current_consents(patient.organisation_id)
    signatures = list(
        ConsentSignature.objects.filter(patient=patient)
        .select_related("text", "witness__user")
        .order_by("-signed_at", "-id")
    )
    states = []
    for kind in ConsentKind:
        text = current.get(kind.value)
        if text is None:
            continue
        signed = next((s for s in signatures if s.text_id == text.pk), None)
        older = next((s for s in signatures if s.text.kind == kind.value), None)
        states.append(
            ConsentState(kind.value, kind.label, text, signed, older if not signed else None)
        )
    return states


def open_responses(patient: Patient) -> list[IntakeResponse]:
    return list(
        IntakeResponse.objects.filter(patient=patient, status=ResponseStatus.SENT)
        .select_related("version__form")
        .order_by("sent_at", "id")
    )


def signed_responses(patient: Patient) -> list[IntakeResponse]:
    return list(
        IntakeResponse.objects.filter(patient=patient, status=ResponseStatus.SIGNED)
        .select_related("version__form")
        .order_by("-signed_at", "-id")
    )


def response_of(organisation: Organisation, response_id: int) -> IntakeResponse | None:
    return (
        IntakeResponse.objects.filter(organisation=organisation, pk=response_id)
        .select_related("version__form", "patient")
        .first()
    )


@dataclass(frozen=True, slots=True)
class AnswerRow:
    label: str
    answer: str


def answer_rows(response: IntakeResponse) -> list[AnswerRow]:
    """The signed document as read: each question with the patient's answer, in form order."""
    fields: tuple[FieldSpec, ...] = read_fields(response.version.fields)
    answers = response.answers or {}
    return [
        AnswerRow(spec.label, shown_answer(spec, answers[spec.key]) if spec.key in answers else "")
        for spec in fields
    ]


def pending_suggestions(patient: Patient) -> list[ChartSuggestion]:
    return list(
        ChartSuggestion.objects.filter(patient=patient, status=SuggestionStatus.PENDING)
        .select_related("response__version__form")
        .order_by("id")
    )


def notices_of(patient: Patient) -> list[AdvanceNotice]:
    return list(
        AdvanceNotice.objects.filter(patient=patient)
        .select_related("witness__user")
        .order_by("-offered_at", "-id")
    )


def offered_notice(patient: Patient, notice_id: int) -> AdvanceNotice | None:
    """One ABN of the patient's still waiting for a signature, or None."""
    return AdvanceNotice.objects.filter(
        pk=notice_id, patient=patient, status=NoticeStatus.OFFERED
    ).first()


def offered_notices(patient: Patient) -> list[AdvanceNotice]:
    return [n for n in notices_of(patient) if n.status == NoticeStatus.OFFERED]


def signed_notices_for(patient_ids: Iterable[int]) -> dict[int, tuple[BeneficiaryNotice, ...]]:
    """The notes hook's answer (`notes.advance_notices.BENEFICIARY_NOTICES`): each patient's
    signed ABNs as the rules core reads them, in one query."""
    found: dict[int, list[BeneficiaryNotice]] = {}
    rows = AdvanceNotice.objects.filter(
        patient_id__in=list(patient_ids), status=NoticeStatus.SIGNED
    ).values_list("patient_id", "signed_on", "option", "codes", "through")
    for patient_id, signed_on, option, codes, through in rows:
        if signed_on is None or option is None or not codes:
            continue
        found.setdefault(patient_id, []).append(
            BeneficiaryNotice(signed_on, option, tuple(codes), through)
        )
    return {pk: tuple(v) for pk, v in found.items()}


@dataclass(frozen=True, slots=True)
class Missing:
    """Something the patient still has to complete or sign, as the desk reads it."""

    what: str
    kind: str  # "consent", "form" or "notice"
    # What the desk opens to sign it (ADR 0961): the consent's kind or the notice's id; empty
    # for a form (the patient answers forms in the portal).
    key: str = ""


def missing_for(patient: Patient) -> list[Missing]:
    """What the patient has not signed: required consents (current version), forms sent and
    not answered, ABNs offered and not signed. The check-in page and the chart list it."""
    found = [
        Missing(f"{state.words}" + (" (new version)" if state.older else ""), "consent", state.kind)
        for state in consent_states(patient)
        if state.missing
    ]
    found += [Missing(r.version.form.name, "form") for r in open_responses(patient)]
    found += [
        Missing(f"ABN for {', '.join(n.codes)}", "notice", str(n.pk))
        for n in offered_notices(patient)
    ]
    return found


def patient_task_line(patient: Patient, link: str) -> str:
    """The booking message's line when something is open, else ""."""
    if not missing_for(patient):
        return ""
    return f"Before your visit, please complete your forms: {link}"


# How long a patient's pain now stays worth offering to a note that has not yet been written.
PAIN_OFFER_DAYS = 30


@dataclass(frozen=True)
class PainAnswer:
    level: int
    answered_on: dt.date
    form_name: str
    response_id: int


def pain_for_note(note: Note) -> PainAnswer | None:
    """The pain now (0-10) the patient gave on their newest intake answer that asked it, for
    the note's subjective pain: offered to the patient's next note only, i.e. a note dated on
    or after the answer (within `PAIN_OFFER_DAYS`) when no other signed note of theirs is
    dated since the answer. Never written into the note: the therapist puts it there (ADR
    0964)."""
    responses = (
        IntakeResponse.objects.filter(
            patient_id=note.patient_id, status=ResponseStatus.SIGNED, signed_at__isnull=False
        )
        .select_related("version__form")
        .order_by("-signed_at", "-id")
    )
    for response in responses:
        if response.signed_at is None:
            continue
        answered_on = timezone.localdate(response.signed_at)
        if answered_on > note.date_of_service:
            continue
        level = pain_now_of(read_fields(response.version.fields), response.answers)
        if level is None:
            continue
        if (note.date_of_service - answered_on).days > PAIN_OFFER_DAYS:
            return None
        taken = (
            Note.objects.filter(
                patient_id=note.patient_id,
                status=NoteStatus.SIGNED,
                date_of_service__gte=answered_on,
            )
            .exclude(pk=note.pk)
            .exists()
        )
        if taken:
            return None
        return PainAnswer(level, answered_on, response.version.form.name, response.pk)
    return None
