"""A note, read from the database, as the rules core's `Visit`.

The live scrub on the note page, sign-off and the claims app all judge a note through this one
function, so the therapist sees exactly the findings the biller will. It reads a fixed number
of queries however many blocks, goals or earlier visits the case has: everything is fetched
with select_related/prefetch and the episode is counted from one list of dates.

Nothing here writes. Charges come from the caller (the claims app owns fee schedules); the
note page passes none and every line is charged zero, which no scrub rule reads as an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.db.models import Prefetch, prefetch_related_objects

from cleannote.apps.notes.advance_notices import (
    BENEFICIARY_NOTICES,
    notices_of_patients,
    notices_on_file,
)
from cleannote.apps.notes.authorization_usage import UsageBlock, chart_authorization
from cleannote.apps.notes.models import (
    PROGRESS_REPORT_TYPES,
    Note,
    NoteStatus,
    TreatmentBlock,
)
from cleannote.apps.notes.supply_lines import DISPENSED_SUPPLIES, DispensedSupply, supply_services
from cleannote.apps.organisations.models import Location, Organisation, Staff
from cleannote.apps.patients.chart_visit import chart_plan, goal_id
from cleannote.apps.patients.coverage_order import claim_order
from cleannote.apps.patients.models import (
    Case,
    CaseDiagnosis,
    Coverage,
    Patient,
    PlanOfCare,
    Referral,
)
from cleannote.apps.patients.models import Goal as GoalRow
from cleannote.apps.patients.selectors import core_address, to_core_person
from cleannote.platform.request_params import MAX_ID
from cleannote.rules.addresses import is_po_box
from cleannote.rules.payer_policy import policy_for
from cleannote.rules.scope_of_practice import bills_under_supervisor
from cleannote.rules.visit import (
    Accident,
    AccidentKind,
    BeneficiaryNotice,
    BillingProvider,
    Credential,
    DiagnosisOnset,
    Episode,
    HistoryService,
    HistoryVisit,
    Laterality,
    MedicareSecondaryType,
    Payer,
    PayerKind,
    Person,
    ReferralQualifier,
    Relationship,
    RenderingProvider,
    Service,
    ServiceFacility,
    Sex,
    TherapyYearToDate,
    Visit,
)
from cleannote.rules.visit import (
    Referral as CoreReferral,
)

ChargeOf = Callable[[str], Decimal]
NO_CHARGE = Decimal("0.00")
# A claim line points at up to four diagnoses (837P SV107, CMS-1500 box 24E); a block does not
# pick its own, so each line points at the first four in the order the plan lists them.
MAX_POINTERS = 4
_Row = TypeVar("_Row")
SELF_PAY = Payer(name="Self pay", payer_id="SELFPAY", kind=PayerKind.SELF_PAY)


class VisitBuildError(ValueError):
    """The note's record lacks something every claim needs (e.g. the clinician's credential)."""

    def __init__(self, note_id: int, problem: str) -> None:
        super().__init__(f"note {note_id}: {problem}")
        self.note_id = note_id
        self.problem = problem


LOAD_CHUNK = 200  # notes per bulk load: a few hundred ids keep each IN list and its rows small


@dataclass(frozen=True, slots=True)
class CaseVisits:
    """The case's signed notes and their blocks, which the episode count, the progression
    history and the authorization usage are judged from (each filters by the visit's date).

    Loaded once per case for a whole bulk load, so claims for a month of visits read them in a
    fixed number of queries however many notes; a draft save leaves them true (a draft is not
    signed), which is why the note page can keep them across saves.
    """

    notes: dict[int, SignedNote]
    blocks: tuple[CaseBlock, ...]  # ordered by note, then the block's order


@dataclass(frozen=True, slots=True)
class SignedNote:
    date_of_service: dt.date
    note_type: str
    treatment_visit: bool  # not a remote-monitoring note (`TREATMENT_VISIT`)


@dataclass(frozen=True, slots=True)
class CaseBlock:
    note_id: int
    code: str
    body_regions: tuple[str, ...]
    parameters: dict[str, object]
    start: dt.time | None
    stop: dt.time | None
    minutes: int | None


def load_note_for_visit(note_id: int, organisation: Organisation | None = None) -> Note | None:
    """The note with everything `build_visit` reads: `load_notes_for_visits` of one id."""
    return load_notes_for_visits([note_id], organisation).get(note_id)


def load_notes_for_visits(
    note_ids: Iterable[int], organisation: Organisation | None = None
) -> dict[int, Note]:
    """The notes (by id; ids not found, or another organisation's, are left out) with
    everything `build_visit` reads, in a fixed number of queries per `LOAD_CHUNK` notes: the
    notes with their people and places, blocks and goals, the patients' coverages, the cases'
    referrals, plans of care and diagnoses, and each case's signed visits (`CaseVisits`).
    An id no row can have (a hostile URL's 23 digits) is not found: SQLite refuses to bind it."""
    ids = sorted({i for i in note_ids if 1 <= i <= MAX_ID})
    found: dict[int, Note] = {}
    for start in range(0, len(ids), LOAD_CHUNK):
        notes = Note.objects.all()
        if organisation is not None:
            notes = notes.filter(patient__organisation=organisation)
        chunk = list(
            notes.select_related(
                "patient__organisation",
                "case__coverage__payer_record",
                "therapist__user",
                "signed_by__user",
                "cosigned_by__user",
                "location",
            )
            .prefetch_related(
                *_block_prefetches(),
                Prefetch(
                    "patient__coverages", queryset=Coverage.objects.select_related("payer_record")
                ),
                Prefetch(
                    "case__referrals",
                    queryset=Referral.objects.order_by("-referral_date", "-id").prefetch_related(
                        "code_groups"
                    ),
                ),
                Prefetch(
                    "case__plans_of_care",
                    queryset=PlanOfCare.objects.order_by("-start_date", "-id").prefetch_related(
                        Prefetch("goals", queryset=GoalRow.objects.order_by("order", "id"))
                    ),
                ),
                Prefetch(
                    "case__diagnoses", queryset=CaseDiagnosis.objects.order_by("position", "id")
                ),
            )
            .filter(pk__in=ids[start : start + LOAD_CHUNK])
        )
        visits = _case_visits({n.case_id for n in chunk})
        supplies = DISPENSED_SUPPLIES([n.pk for n in chunk])
        notices = _medicare_notices(chunk)
        for note in chunk:
            if note.patient_id in notices:
                note.beneficiary_notices = notices[note.patient_id]  # type: ignore[attr-defined]
            note.case_visits = visits[note.case_id]  # type: ignore[attr-defined]
            note.dispensed_supplies = supplies.get(note.pk, [])  # type: ignore[attr-defined]
            found[note.pk] = note
    return found


def _medicare_notices(chunk: list[Note]) -> dict[int, tuple[BeneficiaryNotice, ...]]:
    """The signed ABNs of the chunk's patients with a Medicare coverage (already prefetched),
    in one question; none asked for a chunk without Medicare patients (ADR 0960)."""
    if not BENEFICIARY_NOTICES.registered:
        return {}
    ids = {
        n.patient_id
        for n in chunk
        if any(c.kind == PayerKind.MEDICARE for c in n.patient.coverages.all())
    }
    return notices_of_patients(ids) if ids else {}


def visit_notices(note: Note, payer: Payer) -> tuple[BeneficiaryNotice, ...] | None:
    """The notices a visit billed to `payer` carries: only Medicare's are judged; loaded with
    the note, or asked now for one loaded without."""
    if payer.kind is not PayerKind.MEDICARE:
        return None
    loaded: tuple[BeneficiaryNotice, ...] | None = getattr(note, "beneficiary_notices", None)
    if loaded is None:
        loaded = notices_on_file(note.patient_id)
        if loaded is not None:
            note.beneficiary_notices = loaded  # type: ignore[attr-defined]
    return loaded


def _case_visits(case_ids: set[int]) -> dict[int, CaseVisits]:
    """Each case's signed notes and their blocks, in two queries for all the cases."""
    notes: dict[int, dict[int, SignedNote]] = {case_id: {} for case_id in case_ids}
    case_of: dict[int, int] = {}
    rows = Note.objects.filter(case_id__in=case_ids, status=NoteStatus.SIGNED).values_list(
        "pk", "case_id", "date_of_service", "note_type", "rtm_enrolment_id"
    )
    for pk, case_id, day, note_type, rtm in rows:
        notes[case_id][pk] = SignedNote(day, note_type, rtm is None)
        case_of[pk] = case_id
    blocks: dict[int, list[CaseBlock]] = {case_id: [] for case_id in case_ids}
    block_rows = (
        TreatmentBlock.objects.filter(note__case_id__in=case_ids, note__status=NoteStatus.SIGNED)
        .order_by("note_id", "order", "id")
        .values_list(
            "note_id", "code", "body_regions", "parameters", "start_time", "stop_time", "minutes"
        )
    )
    for note_id, code, regions, parameters, start, stop, minutes in block_rows:
        blocks[case_of[note_id]].append(
            CaseBlock(note_id, code, tuple(regions), dict(parameters), start, stop, minutes)
        )
    return {c: CaseVisits(notes[c], tuple(blocks[c])) for c in case_ids}


def case_visits(note: Note) -> CaseVisits:
    """The case's signed visits loaded with the note (loaded now for a note that came without)."""
    loaded: CaseVisits | None = getattr(note, "case_visits", None)
    if loaded is None:
        loaded = _case_visits({note.case_id})[note.case_id]
        note.case_visits = loaded  # type: ignore[attr-defined]
    return loaded


def dispensed_supplies(note: Note) -> list[DispensedSupply]:
    """What the note dispensed (loaded with the note, or asked now for one loaded without)."""
    loaded: list[DispensedSupply] | None = getattr(note, "dispensed_supplies", None)
    if loaded is None:
        loaded = DISPENSED_SUPPLIES([note.pk]).get(note.pk, [])
        note.dispensed_supplies = loaded  # type: ignore[attr-defined]
    return loaded


def refresh_saved_draft(note: Note, saved: Note) -> None:
    """Bring a note loaded by `load_note_for_visit` up to date after a draft save, in two
    queries rather than a fresh load: the saved row's fields, and its blocks with their goals.

    A draft save writes only the note row, its blocks and their goal links, so the case, plans,
    referrals and people loaded with the note still hold.
    """
    for column in Note._meta.concrete_fields:
        setattr(note, column.attname, getattr(saved, column.attname))
    note._prefetched_objects_cache.pop("blocks", None)  # type: ignore[attr-defined]
    prefetch_related_objects([note], *_block_prefetches())


def _block_prefetches() -> tuple[Prefetch[str], Prefetch[str]]:
    return (
        Prefetch("blocks", queryset=TreatmentBlock.objects.order_by("order")),
        Prefetch("blocks__goals", queryset=GoalRow.objects.only("pk", "plan_id", "text")),
    )


def build_visit(
    note: Note,
    *,
    coverage: Coverage | None = None,
    visit_id: str | None = None,
    prior_authorization: str | None = None,
    charge_of: ChargeOf | None = None,
    therapy_ytd: TherapyYearToDate | None = None,
) -> Visit:
    """The core `Visit` for `note` (load it with `load_note_for_visit` to keep queries flat).

    Billed to the first payer of the coordination-of-benefits order on the date of service
    (`billed_coverage`) unless `coverage` is given (a secondary claim); `visit_id`
    becomes CLM01 (default `N<note id>`). `charge_of(code)` prices each line (zero when not
    given); `therapy_ytd` is what Medicare allowed so far this year, which only claims know.
    """
    case = note.case
    patient = note.patient
    organisation = patient.organisation
    dos = note.date_of_service
    visits = case_visits(note)
    case_days = _case_days(note, visits)
    plan = _current(list(case.plans_of_care.all()), lambda p: p.start_date, dos)
    referral = _current(list(case.referrals.all()), lambda r: r.referral_date, dos)
    # The case's diagnoses as the chart keeps them (ADR 0521); a case from before them, the plan's
    # or the referral's codes.
    case_dx = list(case.diagnoses.all())
    diagnoses = tuple(
        [d.code for d in case_dx]
        if case_dx
        else (plan.diagnoses if plan and plan.diagnoses else _referral_dx(referral))
    )
    pointers = tuple(range(1, min(MAX_POINTERS, len(diagnoses)) + 1))
    price = charge_of or (lambda _code: NO_CHARGE)
    patient_person = to_core_person(patient)
    payer, subscriber = _payer_and_subscriber(
        case, billed_coverage(note) if coverage is None else coverage, patient, patient_person
    )
    rendering, assistant = _clinicians(note, organisation, payer)
    authorization = chart_authorization(
        note, referral, policy_for(payer).unit_method, _visit_blocks(visits)
    )
    if prior_authorization is None and referral is not None:
        prior_authorization = referral.authorization_number or None
    return Visit(
        id=visit_id or f"N{note.pk}",
        date_of_service=dos,
        billing_provider=_billing_provider(organisation, note),
        rendering_provider=rendering,
        payer=payer,
        subscriber=subscriber,
        patient=patient_person,
        diagnoses=diagnoses,
        services=(
            *(_service(b, price, pointers) for b in note.blocks.all()),
            *supply_services(dispensed_supplies(note), pointers),
        ),
        place_of_service=note.location.place_of_service or "11",
        referral=_referral(referral, case_days, dos),
        accident=_accident(case),
        prior_authorization=prior_authorization,
        plan_of_care=chart_plan(plan),
        episode=_episode(case_days, therapy_ytd),
        history=_history(visits, dos),
        initial_treatment=case.initial_treatment_date,
        service_facility=_service_facility(note.location),
        assistant=assistant,
        diagnosis_onsets=tuple(
            DiagnosisOnset(d.code, d.onset_date) for d in case_dx if d.onset_date is not None
        ),
        authorization=authorization,
        notices=visit_notices(note, payer),
    )


def billed_coverage(note: Note) -> Coverage | None:
    """The coverage a note's claim goes to first: the head of the case's coordination-of-
    benefits order on the date of service (ADR 0500); None is self-pay."""
    order = claim_order(note.case, note.patient.coverages.all(), note.date_of_service)
    return order[0] if order else None


def _current(rows: list[_Row], start: Callable[[_Row], dt.date], dos: dt.date) -> _Row | None:
    """The newest row in force on the date of service, else the newest at all."""
    started = [r for r in rows if start(r) <= dos]
    return started[0] if started else (rows[0] if rows else None)


def _referral_dx(referral: Referral | None) -> list[str]:
    return list(referral.diagnoses) if referral is not None else []


def _billing_provider(org: Organisation, note: Note) -> BillingProvider:
    """The organisation as the claim's billing provider (837P 2010AA, box 33).

    A PO box is no billing address: when the organisation's address is one, the visit's
    location gives the street address and the PO box becomes the pay-to address (2010AB). An
    organisation whose NPI is the treating clinician's own is a sole proprietor billing under
    that NPI, so the billing provider is that person (ADR 0263).
    """
    address = core_address(org.address_line1, org.address_line2, org.city, org.state, org.zip)
    assert address is not None  # an organisation's address fields are all required
    pay_to = None
    if is_po_box(address):
        place = note.location
        street = core_address(
            place.address_line1, place.address_line2, place.city, place.state, place.zip
        )
        if street is not None and not is_po_box(street):
            address, pay_to = street, address
    owner = next(
        (s for s in (note.therapist, note.signed_by) if s is not None and s.npi == org.npi), None
    )
    return BillingProvider(
        name=org.name,
        npi=org.npi,
        tax_id=org.tax_id,
        taxonomy=org.taxonomy,
        address=address,
        pay_to_address=pay_to,
        last_name=owner.user.last_name if owner is not None else None,
        first_name=owner.user.first_name if owner is not None else None,
    )


def _service_facility(location: Location) -> ServiceFacility | None:
    """Where the visit took place (837P 2310C when it is not the billing address)."""
    address = core_address(
        location.address_line1, location.address_line2, location.city, location.state, location.zip
    )
    if address is None:
        return None
    return ServiceFacility(name=location.name, address=address, npi=location.npi or None)


def _clinicians(
    note: Note, org: Organisation, payer: Payer
) -> tuple[RenderingProvider, RenderingProvider | None]:
    """The claim's rendering provider, and the assistant who furnished the visit when that is
    someone else.

    The note's clinician renders it, unless the payer enrols no assistants (Medicare): then an
    assistant's visit is billed under the supervising therapist who co-signed it, and the
    assistant rides along so the scrubber marks the lines CQ/CO (docs/decisions/0200). Before
    the co-signature the assistant stays the rendering provider and the scrubber says the
    claim waits (scope.assistant-rendering).
    """
    clinician = _provider(note, note.therapist, org)
    cosigner = note.cosigned_by
    if cosigner is not None and bills_under_supervisor(clinician.credential, policy_for(payer)):
        return _provider(note, cosigner, org), clinician
    return clinician, None


def _provider(note: Note, staff: Staff, org: Organisation) -> RenderingProvider:
    if not staff.credential:
        raise VisitBuildError(note.pk, f"clinician {staff.pk} has no credential on file")
    return RenderingProvider(
        first_name=staff.user.first_name,
        last_name=staff.user.last_name,
        npi=staff.npi,
        credential=Credential(staff.credential),
        taxonomy=staff.taxonomy or org.taxonomy,
    )


def _payer_and_subscriber(
    case: Case, coverage: Coverage | None, patient: Patient, patient_person: Person
) -> tuple[Payer, Person]:
    if coverage is None:
        return SELF_PAY, patient_person
    msp = coverage.medicare_secondary_type
    # The payer directory's record brings the clinic's overrides for this payer (ADR 0330); the
    # kind is the coverage's copy of the record's, which payers.actions keeps equal. A coverage
    # from before the directory keeps its kind's defaults.
    record = coverage.payer_record
    payer = Payer(
        name=coverage.payer_name,
        payer_id=coverage.payer_id,
        kind=PayerKind(coverage.kind),
        claim_number=case.insurer_claim_number or None,
        medicare_secondary_type=MedicareSecondaryType(msp) if msp else None,
        policy_overrides=record.core_overrides if record is not None else (),
        timely_filing_days=(record.timely_filing_days or None) if record is not None else None,
    )
    relationship = Relationship(coverage.subscriber_relationship)
    if relationship is Relationship.SELF:
        subscriber = Person(
            first_name=patient.first_name,
            last_name=patient.last_name,
            birth_date=patient.birth_date,
            sex=Sex(patient.sex),
            address=patient_person.address,
            member_id=coverage.member_id,
            relationship=relationship,
            group_number=coverage.group_number or None,
        )
    else:
        subscriber = Person(
            first_name=coverage.subscriber_first_name,
            last_name=coverage.subscriber_last_name,
            birth_date=coverage.subscriber_birth_date or patient.birth_date,
            sex=Sex(coverage.subscriber_sex or Sex.UNKNOWN.value),
            address=patient_person.address,
            member_id=coverage.member_id,
            relationship=relationship,
            group_number=coverage.group_number or None,
        )
    return payer, subscriber


def _case_days(note: Note, visits: CaseVisits) -> list[tuple[dt.date, bool]]:
    """The case's treatment days up to this visit, oldest first, each with whether a progress
    report (or a note that serves as one, ADR 0580) was written that day: the signed visits
    before it, and this visit's own day.

    Unsigned drafts of other days do not count (a draft may be abandoned).
    """
    days: dict[dt.date, bool] = {}
    for signed in visits.notes.values():
        if signed.treatment_visit and signed.date_of_service < note.date_of_service:
            day = signed.date_of_service
            days[day] = days.get(day, False) or signed.note_type in PROGRESS_REPORT_TYPES
    days[note.date_of_service] = note.counts_as_progress_report
    return sorted(days.items())


def _visit_blocks(visits: CaseVisits) -> list[UsageBlock]:
    """The blocks of the case's signed treatment visits, as the authorization usage counts them."""
    return [
        UsageBlock(b.note_id, visits.notes[b.note_id].date_of_service, b.code, b.start, b.stop,
                   b.minutes)
        for b in visits.blocks
        if visits.notes[b.note_id].treatment_visit
    ]  # fmt: skip


def _episode(case_days: list[tuple[dt.date, bool]], ytd: TherapyYearToDate | None) -> Episode:
    """Treatment day of this visit (the last of `case_days`) and the day of the last report,
    which is this day when this note is the progress report."""
    last_report: int | None = None
    for index, (_day, is_report) in enumerate(case_days, start=1):
        if is_report:
            last_report = index
    return Episode(
        treatment_day=len(case_days), last_progress_report_day=last_report, therapy_ytd=ytd
    )


def _referral(
    referral: Referral | None, case_days: list[tuple[dt.date, bool]], dos: dt.date
) -> CoreReferral | None:
    if referral is None:
        return None
    visit_number = sum(1 for day, _ in case_days if referral.referral_date <= day <= dos)
    return CoreReferral(
        first_name=referral.provider_first_name,
        last_name=referral.provider_last_name,
        npi=referral.provider_npi,
        qualifier=ReferralQualifier(referral.qualifier),
        date=referral.referral_date,
        diagnoses=tuple(referral.diagnoses),
        authorized_visits=referral.authorized_visits,
        visit_number=visit_number or None,
        expires=referral.expires_on,
    )


def _accident(case: Case) -> Accident | None:
    if not case.accident_kind:
        return None
    return Accident(
        kind=AccidentKind(case.accident_kind),
        date=case.accident_date,
        state=case.accident_state or None,
        pip_exhausted_on=case.pip_exhausted_on,
    )


def _service(block: TreatmentBlock, price: ChargeOf, pointers: tuple[int, ...]) -> Service:
    goals = sorted(block.goals.all(), key=goal_id)
    return Service(
        code=block.code,
        charge=price(block.code),
        start=block.start_time,
        end=block.stop_time,
        minutes=block.minutes,
        assistant_minutes=block.assistant_minutes,
        body_regions=tuple(block.body_regions),
        laterality=Laterality(block.laterality) if block.laterality else None,
        goal_ids=tuple(goal_id(g) for g in goals),
        goal_texts=tuple(g.text for g in goals),
        justification=block.justification or None,
        parameters=dict(block.parameters),
        modifiers=tuple(block.modifiers_requested),
        diagnosis_pointers=pointers,
        encounter=block.encounter,
    )


def _history(visits: CaseVisits, dos: dt.date) -> tuple[HistoryVisit, ...]:
    """Earlier signed visits of the case, newest first: what the progression check compares."""
    earlier = sorted(
        (
            (visits.notes[b.note_id].date_of_service, b.note_id, i, b)
            for i, b in enumerate(visits.blocks)
            if visits.notes[b.note_id].date_of_service < dos
        ),
        key=lambda row: (-row[0].toordinal(), row[1], row[2]),
    )
    by_day: dict[dt.date, list[HistoryService]] = {}
    for day, _note_id, _index, block in earlier:
        by_day.setdefault(day, []).append(
            HistoryService(
                code=block.code, body_regions=block.body_regions, parameters=dict(block.parameters)
            )
        )
    return tuple(HistoryVisit(date_of_service=d, services=tuple(s)) for d, s in by_day.items())
