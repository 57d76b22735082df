"""The only writers of intake forms, answers, suggestions, consents and ABNs (ADR 0960).

Each `do_*` is one transaction with its audit row. A patient acts through the portal with an
`Actor` of their own (no staff login); staff act through their pages. What a patient signs is
never changed afterwards: a new answer or signature is a new row. Accepting a chart suggestion
goes through the patients app's own actions, so the chart's rules and audit apply unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.intake.errors import IntakeRefused
from cleannote.apps.intake.form_fields import (
    MEASURE_PREFIX,
    ChartTarget,
    FieldSpec,
    FormDefinitionError,
    check_answers,
    read_fields,
    suggestions_of,
)
from cleannote.apps.intake.models import (
    AdvanceNotice,
    ChartSuggestion,
    ConsentKind,
    ConsentSignature,
    ConsentText,
    IntakeForm,
    IntakeFormVersion,
    IntakeResponse,
    NoticeStatus,
    ResponseStatus,
    SignedVia,
    SuggestionStatus,
)
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Role, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.chart_actions import (
    ChartChangeRefused,
    do_update_coverage,
    do_update_patient,
)
from cleannote.apps.patients.clinical_access import ChartAccessRefused
from cleannote.apps.patients.measure_actions import MeasureRecordError, do_record_outcome_measure
from cleannote.apps.patients.medication_actions import do_add_reported_medications
from cleannote.apps.patients.models import Case, Coverage, Patient
from cleannote.apps.scheduling.models import Appointment
from cleannote.rules.beneficiary_notices import NoticeOption
from cleannote.rules.catalog import find_procedure
from cleannote.rules.medication_lines import MedicationLineError, parse_lines
from cleannote.rules.visit import PayerKind

MAX_NOTICE_CODES = 12
SIGNED_NAME_MAX = 120
RELATIONSHIP_MAX = 60
# The roles that witness only for a patient they treat (an appointment or a note of theirs).
CLINICIAN_ROLES = frozenset({Role.THERAPIST, Role.ASSISTANT})


def _same_organisation(actor: Actor, organisation_id: int, what: str) -> None:
    if organisation_id != actor.organisation.pk:
        raise IntakeRefused(what, f"this {what} is not in this clinic")


def _signed_name(name: str) -> str:
    text = " ".join((name or "").split())
    if len(text) < 2 or len(text) > SIGNED_NAME_MAX:
        raise IntakeRefused("signed_name", "Type your full name to sign.")
    return text


def _staff_may(staff: Staff, capability: Capability, actor: Actor) -> None:
    if staff.organisation_id != actor.organisation.pk:
        raise IntakeRefused("staff", "that staff member is not in this clinic")
    if not has_capability(staff.role, capability):
        raise IntakeRefused("staff", f"role {staff.role} may not do this")


@dataclass(frozen=True, slots=True)
class Signing:
    """How a consent or an ABN is signed (ADR 0961): in the portal by the patient, or at the
    desk with `witness` (the signed-in staff member) watching; `relationship` names the
    representative who signs for the patient (empty: the patient signs), and `attested` is the
    ticked attestation the desk screen asks for."""

    via: str = SignedVia.PORTAL
    witness: Staff | None = None
    relationship: str = ""
    attested: bool = False


def treats(staff: Staff, patient: Patient) -> bool:
    """Whether a clinician treats the patient: an appointment with them, or a note of theirs."""
    return (
        Appointment.objects.filter(staff=staff, patient=patient).exists()
        or Note.objects.filter(therapist=staff, patient=patient).exists()
    )


def may_witness(staff: Staff, patient: Patient) -> bool:
    """The owner and the front desk witness for any patient of the clinic; a clinician for a
    patient they treat; a biller or a location manager never."""
    if staff.organisation_id != patient.organisation_id or not staff.user.is_active:
        return False
    if not has_capability(staff.role, Capability.WITNESS_SIGNATURES):
        return False
    return staff.role not in CLINICIAN_ROLES or treats(staff, patient)


def _checked_signing(actor: Actor, patient: Patient, signing: Signing) -> tuple[str, str]:
    """The signing's where and relationship, checked; refuses a desk signature without a
    witness who may witness for this patient, or without the attestation ticked."""
    if signing.via == SignedVia.PORTAL:
        if signing.witness is not None or signing.relationship:
            raise IntakeRefused("via", "a portal signature has no witness")
        return SignedVia.PORTAL, ""
    if signing.via != SignedVia.DESK:
        raise IntakeRefused("via", "sign in the portal or at the desk")
    witness = signing.witness
    if witness is None:
        raise IntakeRefused("witness", "a signature at the desk needs a staff witness")
    if actor.user is not None and witness.user_id != actor.user.pk:
        raise IntakeRefused("witness", "the witness is the staff member signed in")
    if not may_witness(witness, patient):
        raise IntakeRefused(
            "witness",
            f"role {witness.get_role_display().lower()} may not witness this patient's signature",
        )
    relationship = " ".join((signing.relationship or "").split())
    if len(relationship) > RELATIONSHIP_MAX:
        raise IntakeRefused(
            "relationship", f"Say the relationship in up to {RELATIONSHIP_MAX} characters."
        )
    if not signing.attested:
        raise IntakeRefused("attested", "Tick the box to confirm before signing.")
    return SignedVia.DESK, relationship


def _how(signing: Signing, via: str, relationship: str) -> str:
    """The audit row's reason: where, who witnessed (by staff id), and whether a representative
    signed (no name: names are PHI)."""
    said = via if signing.witness is None else f"{via}, witness staff {signing.witness.pk}"
    return f"{said}, by a representative" if relationship else said


# --- forms ------------------------------------------------------------------------------------


@transaction.atomic
def do_publish_form(
    actor: Actor,
    staff: Staff,
    *,
    name: str,
    fields: Sequence[Mapping[str, object]],
    form: IntakeForm | None = None,
    send_with_booking: bool = True,
    now: dt.datetime | None = None,
) -> IntakeFormVersion:
    """Create a form, or publish the next version of `form`; the fields are checked whole
    (`form_fields.read_fields`). Answers already given keep the version they answered."""
    _staff_may(staff, Capability.MANAGE_INTAKE_FORMS, actor)
    title = " ".join((name or "").split())
    if not title or len(title) > 80:
        raise IntakeRefused("name", "Name the form (up to 80 characters).")
    try:
        checked = read_fields(list(fields))
    except FormDefinitionError as exc:
        raise IntakeRefused("fields", str(exc)) from exc
    if form is None:
        if IntakeForm.objects.filter(organisation=actor.organisation, name=title).exists():
            raise IntakeRefused("name", "A form of this name exists: open it to change it.")
        form = IntakeForm.objects.create(
            organisation=actor.organisation, name=title, send_with_booking=send_with_booking
        )
    else:
        form = IntakeForm.objects.select_for_update().get(pk=form.pk)
        _same_organisation(actor, form.organisation_id, "form")
        form.name, form.send_with_booking = title, send_with_booking
        form.save(update_fields=["name", "send_with_booking"])
    number = (form.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = IntakeFormVersion.objects.create(
        form=form,
        number=number,
        fields=[spec.as_json() for spec in checked],
        published_at=now or timezone.now(),
        published_by=staff,
    )
    do_record_audit_event(
        actor, AuditAction.CREATE, "intake_form_version", version.pk, reason=f"v{number}"
    )
    return version


def current_version(form: IntakeForm) -> IntakeFormVersion | None:
    return form.versions.order_by("-number").first()


@transaction.atomic
def do_send_form(
    actor: Actor,
    patient: Patient,
    form: IntakeForm,
    *,
    appointment_id: int | None = None,
    now: dt.datetime | None = None,
) -> IntakeResponse:
    """Ask the patient to answer the form's current version; one unanswered request per form
    (sending again returns the open one)."""
    _same_organisation(actor, patient.organisation_id, "patient")
    _same_organisation(actor, form.organisation_id, "form")
    version = current_version(form)
    if version is None:
        raise IntakeRefused("form", "the form has no published version")
    open_one = (
        IntakeResponse.objects.select_for_update()
        .filter(patient=patient, version__form=form, status=ResponseStatus.SENT)
        .first()
    )
    if open_one is not None:
        return open_one
    response = IntakeResponse.objects.create(
        organisation=actor.organisation,
        patient=patient,
        version=version,
        appointment_id=appointment_id,
        sent_at=now or timezone.now(),
    )
    do_record_audit_event(
        actor, AuditAction.CREATE, "intake_response", response.pk, patient_id=patient.pk
    )
    return response


def send_booking_forms(actor: Actor, patient: Patient, appointment_id: int) -> list[IntakeResponse]:
    """The scheduling hook's answer at booking: every active form sent with bookings that the
    patient has not answered yet is sent (ADR 0960). Runs inside the booking's transaction."""
    answered = set(
        IntakeResponse.objects.filter(patient=patient, status=ResponseStatus.SIGNED).values_list(
            "version__form_id", flat=True
        )
    )
    forms = IntakeForm.objects.filter(
        organisation_id=patient.organisation_id, is_active=True, send_with_booking=True
    ).exclude(pk__in=answered)
    return [do_send_form(actor, patient, form, appointment_id=appointment_id) for form in forms]


@transaction.atomic
def do_submit_response(
    actor: Actor,
    response: IntakeResponse,
    given: Mapping[str, Sequence[str]],
    *,
    signed_name: str,
    now: dt.datetime | None = None,
) -> IntakeResponse:
    """The patient's answers, checked against the version they answered, signed with their
    typed name; answers that map to the chart become suggestions for the front desk.

    IntakeRefused("answers", ...) carries `problems` (field key to message) when any answer is
    wrong, so the page shows each next to its question."""
    row = IntakeResponse.objects.select_for_update().get(pk=response.pk)
    _same_organisation(actor, row.organisation_id, "form")
    if row.status != ResponseStatus.SENT:
        raise IntakeRefused("answers", "This form was signed already; it cannot be changed.")
    fields = read_fields(row.version.fields)
    answers, problems = check_answers(fields, given)
    if problems:
        raise IntakeRefused("answers", "Some answers need another look.", problems=problems)
    name = _signed_name(signed_name)
    row.answers = answers
    row.signed_name = name
    row.signed_at = now or timezone.now()
    row.status = ResponseStatus.SIGNED
    row.save(update_fields=["answers", "signed_name", "signed_at", "status"])
    for target, value in suggestions_of(fields, answers):
        ChartSuggestion.objects.create(
            response=row, patient_id=row.patient_id, target=target, value=value[:500]
        )
    do_record_audit_event(
        actor, AuditAction.SIGN, "intake_response", row.pk, patient_id=row.patient_id
    )
    return row


def response_fields(response: IntakeResponse) -> tuple[FieldSpec, ...]:
    return read_fields(response.version.fields)


# --- suggestions ------------------------------------------------------------------------------


def _primary_coverage(patient: Patient, on: dt.date) -> Coverage | None:
    rows = [
        c
        for c in patient.coverages.all()
        if c.active_from <= on and (c.active_through is None or on <= c.active_through)
    ]
    rows.sort(key=lambda c: (c.priority != "primary", c.pk))
    return rows[0] if rows else None


def _open_case(patient: Patient) -> Case | None:
    return patient.cases.filter(closed_on__isnull=True).order_by("-opened_on", "-id").first()


@transaction.atomic
def do_decide_suggestion(
    actor: Actor,
    staff: Staff,
    suggestion: ChartSuggestion,
    *,
    accept: bool,
    today: dt.date,
    now: dt.datetime | None = None,
) -> ChartSuggestion:
    """Accept an answer onto the chart through the patients app's action for that field, or
    reject it; either way the suggestion records who decided and when."""
    _staff_may(staff, Capability.EDIT_CHART, actor)
    row = (
        ChartSuggestion.objects.select_for_update().select_related("response").get(pk=suggestion.pk)
    )
    _same_organisation(actor, row.response.organisation_id, "suggestion")
    if row.status != SuggestionStatus.PENDING:
        raise IntakeRefused("suggestion", "This suggestion was decided already.")
    if accept:
        row.decision_note = _accept(actor, staff, row, today, now)
    row.status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.REJECTED
    row.decided_by = staff
    row.decided_at = now or timezone.now()
    row.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "chart_suggestion",
        row.pk,
        patient_id=row.patient_id,
        reason="accepted" if accept else "rejected",
    )
    return row


def _accept(
    actor: Actor, staff: Staff, row: ChartSuggestion, today: dt.date, now: dt.datetime | None
) -> str:
    """Put the answer on the chart; what the decision adds to its record ("" mostly)."""
    patient = Patient.objects.get(pk=row.patient_id)
    reason = f"accepted from intake form answer {row.response_id}"
    try:
        if row.target == ChartTarget.MEDICATIONS:
            return _accept_medications(actor, patient, row, today, now)
        if row.target == ChartTarget.PAIN_NOW:
            raise IntakeRefused("suggestion", "The pain now is offered on the therapist's note.")
        if row.target.startswith(MEASURE_PREFIX):
            case = _open_case(patient)
            if case is None:
                raise IntakeRefused("suggestion", "Open a case first: measures belong to a case.")
            signed = row.response.signed_at or timezone.now()
            do_record_outcome_measure(
                actor,
                case=case,
                recorded_by=staff,
                instrument_code=row.target.removeprefix(MEASURE_PREFIX),
                measured_on=max(timezone.localdate(signed), case.opened_on),
                today=today,
                total=row.value,
                from_patient_form=True,
            )
        elif row.target in (ChartTarget.MEMBER_ID, ChartTarget.GROUP_NUMBER):
            coverage = _primary_coverage(patient, today)
            if coverage is None:
                raise IntakeRefused("suggestion", "Add the coverage to the chart first.")
            field = row.target.removeprefix("coverage.")
            do_update_coverage(actor, coverage, reason=reason, **{field: row.value})
        else:
            do_update_patient(actor, patient, reason=reason, **{str(row.target): row.value})
    except MeasureRecordError as exc:
        raise IntakeRefused("suggestion", str(exc)) from exc
    except IntakeRefused:
        raise
    except ChartAccessRefused as exc:
        raise IntakeRefused("suggestion", str(exc)) from exc
    except ChartChangeRefused as exc:
        raise IntakeRefused("suggestion", exc.message) from exc
    except ValueError as exc:
        raise IntakeRefused("suggestion", f"the chart would not take it: {exc}") from exc
    return ""


def _accept_medications(
    actor: Actor, patient: Patient, row: ChartSuggestion, today: dt.date, now: dt.datetime | None
) -> str:
    """Each listed medication not on the chart's current list (by name, any case) is added,
    its source the answer; the decision records how many were added and how many were there."""
    try:
        lines = parse_lines(row.value)
    except MedicationLineError as exc:
        raise IntakeRefused("suggestion", f"the list cannot be read: {exc}") from exc
    added, there = do_add_reported_medications(
        actor, patient, lines, answer_id=row.response_id, today=today, now=now
    )
    return f"added {len(added)}, on the list already {len(there)}"


# --- consents ---------------------------------------------------------------------------------


@transaction.atomic
def do_publish_consent(
    actor: Actor,
    staff: Staff,
    *,
    kind: str,
    text: str,
    required: bool = True,
    now: dt.datetime | None = None,
) -> ConsentText:
    """A new version of a consent's words: patients who signed an older one are asked again."""
    _staff_may(staff, Capability.MANAGE_INTAKE_FORMS, actor)
    if kind not in ConsentKind.values:
        raise IntakeRefused("kind", f"choose one of {', '.join(ConsentKind.values)}")
    words = (text or "").strip()
    if len(words) < 20:
        raise IntakeRefused("text", "Write the consent's words (at least 20 characters).")
    top = ConsentText.objects.filter(organisation=actor.organisation, kind=kind).aggregate(
        top=Max("version")
    )["top"]
    row = ConsentText.objects.create(
        organisation=actor.organisation,
        kind=kind,
        version=(top or 0) + 1,
        text=words,
        required=required,
        published_at=now or timezone.now(),
        published_by=staff,
    )
    do_record_audit_event(actor, AuditAction.CREATE, "consent_text", row.pk, reason=f"{kind}")
    return row


@transaction.atomic
def do_sign_consent(
    actor: Actor,
    patient: Patient,
    text: ConsentText,
    *,
    signed_name: str,
    via: str = SignedVia.PORTAL,
    witness: Staff | None = None,
    relationship: str = "",
    attested: bool = False,
    now: dt.datetime | None = None,
) -> ConsentSignature:
    """The patient (or their representative) signs the current version of a consent, in the
    portal or at the desk with a witness (`Signing`); the row keeps the version signed, where,
    and the witness. One signature a version: a version signed already is refused, and a newer
    version asks again."""
    _same_organisation(actor, patient.organisation_id, "patient")
    _same_organisation(actor, text.organisation_id, "consent")
    # One signer at a time per patient: two tablets cannot both sign the same version.
    Patient.objects.select_for_update().only("pk").get(pk=patient.pk)
    newest = (
        ConsentText.objects.filter(organisation_id=text.organisation_id, kind=text.kind)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    if newest != text.pk:
        raise IntakeRefused("consent", "A newer version of this consent is in force: sign that.")
    if ConsentSignature.objects.filter(patient=patient, text=text).exists():
        raise IntakeRefused("consent", "This version is signed already.")
    name = _signed_name(signed_name)
    signing = Signing(via, witness, relationship, attested)
    via, relationship = _checked_signing(actor, patient, signing)
    row = ConsentSignature.objects.create(
        patient=patient,
        text=text,
        signed_name=name,
        signed_at=now or timezone.now(),
        signed_via=via,
        witness=signing.witness if via == SignedVia.DESK else None,
        representative_name=name if relationship else "",
        representative_relationship=relationship,
    )
    do_record_audit_event(
        actor,
        AuditAction.SIGN,
        "consent_signature",
        row.pk,
        patient_id=patient.pk,
        reason=f"{text.kind} v{text.version}, {_how(signing, via, relationship)}",
    )
    return row


# --- advance beneficiary notices --------------------------------------------------------------


def _medicare(patient: Patient, on: dt.date) -> bool:
    return any(
        c.kind == PayerKind.MEDICARE
        and c.active_from <= on
        and (c.active_through is None or on <= c.active_through)
        for c in patient.coverages.all()
    )


def _notice_codes(codes: Sequence[str]) -> list[str]:
    found = []
    for raw in codes:
        code = raw.strip().upper()
        if not code:
            continue
        if find_procedure(code) is None:
            raise IntakeRefused("codes", f"{code[:8]!r} is not a code in the catalog")
        if code not in found:
            found.append(code)
    if not found or len(found) > MAX_NOTICE_CODES:
        raise IntakeRefused("codes", f"Name 1 to {MAX_NOTICE_CODES} services (CPT/HCPCS).")
    return found


@transaction.atomic
def do_offer_notice(
    actor: Actor,
    staff: Staff,
    patient: Patient,
    *,
    codes: Sequence[str],
    services: str,
    reason: str,
    estimated_cost: Decimal | str,
    today: dt.date,
    through: dt.date | None = None,
    now: dt.datetime | None = None,
) -> AdvanceNotice:
    """Offer a Medicare patient an ABN for named services, why Medicare may not pay, and the
    estimated cost; the patient signs it in the portal or at the desk (`do_sign_notice`)."""
    _staff_may(staff, Capability.EDIT_CHART, actor)
    _same_organisation(actor, patient.organisation_id, "patient")
    if not _medicare(patient, today):
        raise IntakeRefused("patient", "An ABN is for a patient whose Medicare is in force.")
    checked = _notice_codes(codes)
    try:
        cost = Decimal(str(estimated_cost).strip().lstrip("$").replace(",", ""))
    except InvalidOperation:
        raise IntakeRefused("estimated_cost", "Enter the estimated cost, e.g. 45.00.") from None
    if not cost.is_finite() or cost < 0 or cost != cost.quantize(Decimal("0.01")):
        raise IntakeRefused("estimated_cost", "Enter the estimated cost, e.g. 45.00.")
    words = " ".join((services or "").split()) or ", ".join(checked)
    why = " ".join((reason or "").split())
    if not why:
        raise IntakeRefused("reason", "Say why Medicare may not pay (the patient reads it).")
    if through is not None and not today <= through <= today + dt.timedelta(days=365):
        raise IntakeRefused("through", "A notice covers a course of treatment of up to a year.")
    row = AdvanceNotice.objects.create(
        organisation=actor.organisation,
        patient=patient,
        codes=checked,
        services=words[:300],
        reason=why[:300],
        estimated_cost=cost,
        through=through,
        offered_at=now or timezone.now(),
        offered_by=staff,
    )
    do_record_audit_event(
        actor, AuditAction.CREATE, "advance_notice", row.pk, patient_id=patient.pk
    )
    return row


@transaction.atomic
def do_sign_notice(
    actor: Actor,
    notice: AdvanceNotice,
    *,
    option: int,
    signed_name: str,
    via: str = SignedVia.PORTAL,
    witness: Staff | None = None,
    relationship: str = "",
    attested: bool = False,
    now: dt.datetime | None = None,
) -> AdvanceNotice:
    """The patient (or their representative) chooses an option and signs, in the portal or at
    the desk with a witness (`Signing`); from then the notice is a fact the scrubber reads for
    the services it names (`rules.beneficiary_notices`), wherever it was signed."""
    row = AdvanceNotice.objects.select_for_update().select_related("patient").get(pk=notice.pk)
    _same_organisation(actor, row.organisation_id, "notice")
    if row.status != NoticeStatus.OFFERED:
        raise IntakeRefused("notice", f"This notice is {row.get_status_display().lower()}.")
    try:
        chosen = NoticeOption(int(option))
    except (TypeError, ValueError):
        raise IntakeRefused("option", "Choose option 1, 2 or 3.") from None
    name = _signed_name(signed_name)
    signing = Signing(via, witness, relationship, attested)
    via, relationship = _checked_signing(actor, row.patient, signing)
    moment = now or timezone.now()
    row.option = int(chosen)
    row.signed_name = name
    row.signed_at = moment
    row.signed_on = timezone.localdate(moment)
    row.status = NoticeStatus.SIGNED
    row.signed_via = via
    row.witness = signing.witness if via == SignedVia.DESK else None
    row.representative_name = name if relationship else ""
    row.representative_relationship = relationship
    row.save(
        update_fields=[
            "option",
            "signed_name",
            "signed_at",
            "signed_on",
            "status",
            "signed_via",
            "witness",
            "representative_name",
            "representative_relationship",
        ]
    )
    do_record_audit_event(
        actor,
        AuditAction.SIGN,
        "advance_notice",
        row.pk,
        patient_id=row.patient_id,
        reason=f"option {int(chosen)}, {_how(signing, via, relationship)}",
    )
    return row


@transaction.atomic
def do_withdraw_notice(actor: Actor, staff: Staff, notice: AdvanceNotice) -> AdvanceNotice:
    """Withdraw a notice not yet signed (offered by mistake, or the plan changed)."""
    _staff_may(staff, Capability.EDIT_CHART, actor)
    row = AdvanceNotice.objects.select_for_update().get(pk=notice.pk)
    _same_organisation(actor, row.organisation_id, "notice")
    if row.status != NoticeStatus.OFFERED:
        raise IntakeRefused("notice", "Only a notice not yet signed can be withdrawn.")
    row.status = NoticeStatus.WITHDRAWN
    row.save(update_fields=["status"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "advance_notice",
        row.pk,
        patient_id=row.patient_id,
        reason="withdrawn",
    )
    return row
