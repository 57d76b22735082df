"""The forward compliance view's shell: chart facts for a set of appointments, read in bulk, and
the core's flags per appointment (rules/forward_view.py, ADR 0620).

`flags_for(organisation, appointments, today)` reads a constant number of queries however many
appointments it is given: the patients' booked visits from `today` on, their open cases with
plans and referrals (visits used through patients' `with_visits_used` hook), their coverages,
and two hooks answered by the apps above scheduling (ADR 0401):

- `case_treatment_days` (notes): each case's signed treatment days with whether each was a
  progress report, and the days a report note is already drafted (a planned report);
- `therapy_billing` (claims): each patient's Medicare therapy charges this year per bucket, and
  each case's billed charges and claim count (the expected charge of a visit is the case's
  average claim: ADR 0620);
- `authorization_units` (notes): per referral, each code group that limits units with the
  units signed notes used and each signed visit's units of it, counted under the payer's unit
  method as the chart's authorization usage counts them (ADR 0654).

An appointment belongs to the patient's open case of its discipline (the appointment type's,
else the clinician's), the most recently opened when there are several. It plans a progress
report when its type's name says so (`type_plans_report`) or a report note is drafted for it.

Which chart facts trip each flag (for the demo calendar and tests) is listed in
rules/forward_view.py's docstring.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models.functions import TruncDate
from django.utils import timezone

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.coverage_order import claim_order
from cleannote.apps.patients.fix_links import ChartScreen, FixLink, screen_link
from cleannote.apps.patients.models import Case, Coverage, PlanOfCare, Referral
from cleannote.apps.patients.selectors import with_visits_used
from cleannote.apps.payers.models import Payer
from cleannote.apps.scheduling.models import EXPECTED, Appointment, AppointmentType
from cleannote.apps.scheduling.selectors import day_bounds
from cleannote.platform.hooks import Hook, no_answer
from cleannote.platform.plain_rows import rows_as_instances
from cleannote.rules.forward_view import (
    KIND_LABELS,
    THRESHOLD_KINDS,
    BookedVisit,
    CaseFacts,
    Flag,
    FlagKind,
    PatientFacts,
    PlanWindow,
    ReferralWindow,
    Remedy,
    UnitAllowance,
    forward_flags,
    type_plans_report,
)
from cleannote.rules.payer_policy import PayerPolicy, default_policy
from cleannote.rules.thresholds import TherapyBucket
from cleannote.rules.visit import (
    DISCIPLINE_OF_CREDENTIAL,
    Credential,
    Discipline,
    PayerKind,
    UnitMethod,
)

# What the notes know of one case: its signed treatment days, each with whether it was a
# progress report, and the days a report note is drafted for.
CaseDays = tuple[tuple[tuple[dt.date, bool], ...], frozenset[dt.date]]
_NO_DAYS: CaseDays = ((), frozenset())


@dataclass(frozen=True, slots=True)
class TherapyBilling:
    """What the claims know: Medicare therapy charges this year per patient and bucket, and
    each case's billed charges (the total and the number of claims)."""

    ytd: Mapping[int, Mapping[TherapyBucket, Decimal]] = field(default_factory=dict)
    billed: Mapping[int, tuple[Decimal, int]] = field(default_factory=dict)
    pip_drawn: Mapping[int, Decimal] = field(default_factory=dict)
    """Per case, what its PIP/MedPay carrier's claims draw from the limit: the posted payments,
    and the charge of each claim not answered yet (ADR 0770)."""


# {case id: CaseDays} (notes.forward_facts.case_days, registered by claims above both).
case_treatment_days: Hook[[Collection[int]], Mapping[int, CaseDays]] = Hook(
    "scheduling.case_treatment_days", no_answer
)
# TherapyBilling for (organisation id, patient ids, case ids, year, with what PIP/MedPay drew)
# (the claims app's answer).
therapy_billing: Hook[[int, Collection[int], Collection[int], int, bool], TherapyBilling] = Hook(
    "scheduling.therapy_billing",
    lambda organisation, patients, cases, year, pip: TherapyBilling(),
)
# {referral id: its unit limits} for {referral id: the payer's unit method} (the notes' answer,
# `notes.forward_facts.referral_units`, registered by claims above both).
authorization_units: Hook[[Mapping[int, UnitMethod]], Mapping[int, tuple[UnitAllowance, ...]]] = (
    Hook("scheduling.authorization_units", no_answer)
)


def _policy(coverage: Coverage | None) -> PayerPolicy | None:
    if coverage is None:
        return None
    if coverage.payer_record is not None:
        return coverage.payer_record.policy
    return default_policy(PayerKind(coverage.kind))


_PIP_KINDS = frozenset({PayerKind.AUTO_PIP.value, PayerKind.AUTO_MEDPAY.value})


def appointment_discipline(appointment: Appointment) -> str | None:
    kind: Any = getattr(appointment, "appointment_type", None)
    if kind is not None and kind.discipline:
        return str(kind.discipline)
    discipline = appointment.staff.discipline
    return discipline.value if discipline is not None else None


def _case_for(cases: Sequence[Case], discipline: str | None, day: dt.date) -> Case | None:
    mine = [c for c in cases if c.discipline == discipline and c.opened_on <= day]
    return max(mine, key=lambda c: (c.opened_on, c.pk), default=None)


def _case_policy(case: Case, coverages: list[Coverage], today: dt.date) -> PayerPolicy | None:
    """The policy of the payer the case's visits bill first (ADR 0500)."""
    order = claim_order(case, coverages, today)
    return _policy(order[0] if order else None)


def _case_facts(
    case: Case,
    coverages: list[Coverage],
    policy: PayerPolicy | None,
    days: CaseDays,
    billed: tuple[Decimal, int] | None,
    drawn: Decimal,
    units: Mapping[int, tuple[UnitAllowance, ...]],
    plans: Sequence[PlanWindow],
    referrals: Sequence[Referral],
) -> CaseFacts:
    total, claims = billed or (Decimal("0"), 0)
    per_visit = (total / claims).quantize(Decimal("0.01")) if claims else None
    named = next((c for c in coverages if c.pk == case.coverage_id), None)
    # Exhausted: the next payer bills the visits (coverage_order), nothing left to flag.
    pip = named is not None and named.kind in _PIP_KINDS and case.pip_exhausted_on is None
    return CaseFacts(
        key=case.pk,
        discipline=Discipline(case.discipline),
        signed_days=days[0],
        progress_report_every=policy.progress_report_interval_days if policy else None,
        certification_required=bool(policy and policy.plan_of_care_certification_required),
        plans=tuple(plans),
        referrals=tuple(
            ReferralWindow(
                r.referral_date,
                r.expires_on,
                r.authorized_visits,
                getattr(r, "visits_used", 0),
                units.get(r.pk, ()),
            )
            for r in referrals
        ),
        kx_applies=bool(policy and policy.kx_applies),
        charge_per_visit=per_visit,
        pip_limit=case.pip_medpay_limit if pip else None,
        pip_used=drawn if pip else Decimal("0"),
    )


def flags_for(
    organisation: Organisation,
    appointments: Iterable[Appointment],
    today: dt.date,
    *,
    thresholds_only: bool = False,
) -> dict[int, tuple[Flag, ...]]:
    """{appointment id: its flags} for `appointments` of `organisation` on or after `today`
    (earlier ones are history: left out). Counts run over every booked visit of the same
    patients from `today` on, not only the ones given.

    `thresholds_only` (the compliance report, ADR 0863): the KX and targeted review flags
    alone. They read the cases, coverages, booked visits and billing only, so the plans,
    referrals, treatment days, authorization units and PIP/MedPay draws are not read; each
    case's other flags, counted from nothing, are dropped."""
    zone = timezone.get_current_timezone()
    wanted = [a for a in appointments if a.start.astimezone(zone).date() >= today]
    if not wanted:
        return {}
    patient_ids = {a.patient_id for a in wanted}
    last_day = max(a.start.astimezone(zone).date() for a in wanted)
    # Id lists go in as one array each (`any_of`, ADR 0607), not thousands of placeholders.
    open_cases = Case.objects.filter(patient_id__any_of=patient_ids, closed_on__isnull=True)
    # Only what the flags read (`_case_for`, `_case_facts`, `claim_order`): a case row is
    # wide, and 2,000 of them whole cost more than the rule (ADR 0603); read as plain rows,
    # made into instances without Django's per-row construction (ADR 0660).
    cases = rows_as_instances(
        Case,
        _CASE_FIELDS,
        open_cases.order_by("pk").values_list(*_CASE_FIELDS),
        open_cases.db,
    )
    if not cases:
        return {}  # no open case, nothing to count against
    case_ids = [c.pk for c in cases]
    # The plans' two dates as plain rows, not 2,000 model rows (ADR 0607).
    plans: dict[int, list[PlanWindow]] = defaultdict(list)
    referrals: dict[int, list[Referral]] = defaultdict(list)
    if not thresholds_only:
        for case_id, first, through in (
            PlanOfCare.objects.filter(case_id__any_of=case_ids)
            .order_by("case_id", "start_date", "pk")
            .values_list("case_id", "start_date", "certified_through")
        ):
            plans[case_id].append(PlanWindow(first, through))
        for referral in with_visits_used(Referral.objects.filter(case_id__any_of=case_ids)):
            referrals[referral.case_id].append(referral)
    patient_ids = {c.patient_id for c in cases}
    start, _ = day_bounds(today)
    _, end = day_bounds(last_day)
    # Plain rows, not model instances: a week view hands in thousands of appointments. Each
    # one's day in the clinic's zone comes from the database as a date: psycopg reads a
    # timestamp through Django's loader in Python, a date in C (ADR 0674).
    booked = list(
        Appointment.objects.filter(
            organisation=organisation,
            patient_id__any_of=patient_ids,
            status__in=EXPECTED,
            start__gte=start,
            start__lt=end,
        )
        .annotate(local_day=TruncDate("start", tzinfo=zone))
        .order_by("start", "id")
        .values_list("pk", "patient_id", "local_day", "staff__credential", *_TYPE_FIELDS)
    )
    coverages: dict[int, list[Coverage]] = defaultdict(list)
    held = Coverage.objects.filter(patient_id__any_of=patient_ids)
    # As for cases: what `claim_order` and `_policy` read, with the payer's record joined.
    width = len(_COVERAGE_FIELDS)
    read = list(held.values_list(*_COVERAGE_FIELDS, *(f"payer_record__{n}" for n in _PAYER)))
    named = {r[width]: r[width:] for r in read if r[width] is not None}  # each payer once
    payers = {p.pk: p for p in rows_as_instances(Payer, _PAYER, named.values(), held.db)}
    for coverage in rows_as_instances(
        Coverage, _COVERAGE_FIELDS, (r[:width] for r in read), held.db
    ):
        coverage._state.fields_cache["payer_record"] = payers.get(coverage.payer_record_id or 0)
        coverages[coverage.patient_id].append(coverage)
    days = {} if thresholds_only else case_treatment_days(case_ids)
    billing = therapy_billing(
        organisation.pk, patient_ids, case_ids, today.year, not thresholds_only
    )
    policies = {c.pk: _case_policy(c, coverages[c.patient_id], today) for c in cases}
    units = authorization_units(
        {
            referral.pk: policy.unit_method if policy else UnitMethod.CMS
            for case in cases
            for referral in referrals.get(case.pk, ())
            for policy in (policies[case.pk],)
        }
    )
    by_patient: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        by_patient[case.patient_id].append(case)
    visits: dict[int, list[BookedVisit]] = defaultdict(list)
    for pk, patient_id, day, credential, *kind in booked:
        type_name, type_discipline = kind or ("", "")
        discipline = type_discipline or _credential_discipline(credential)
        mine = _case_for(by_patient[patient_id], discipline, day)
        if mine is None:
            continue
        planned = bool(type_name and type_plans_report(type_name)) or (
            day in days.get(mine.pk, _NO_DAYS)[1]
        )
        visits[patient_id].append(BookedVisit(pk, mine.pk, day, planned))
    found: dict[int, tuple[Flag, ...]] = {}
    wanted_ids = {a.pk for a in wanted}
    for patient_id, patient_visits in visits.items():
        facts = PatientFacts(
            cases=tuple(
                _case_facts(
                    case,
                    coverages[patient_id],
                    policies[case.pk],
                    days.get(case.pk, _NO_DAYS),
                    billing.billed.get(case.pk),
                    billing.pip_drawn.get(case.pk, Decimal("0")),
                    units,
                    plans.get(case.pk, ()),
                    referrals.get(case.pk, ()),
                )
                for case in by_patient[patient_id]
            ),
            ytd_year=today.year,
            ytd=billing.ytd.get(patient_id, {}),
        )
        for key, flags in forward_flags(facts, patient_visits).items():
            if thresholds_only:
                flags = tuple(f for f in flags if f.kind in THRESHOLD_FLAGS)
            if key in wanted_ids and flags:
                found[int(key)] = flags
    return found


# The flags `thresholds_only` keeps (rules.forward_view.THRESHOLD_KINDS).
THRESHOLD_FLAGS = frozenset(kind for kind, _ in THRESHOLD_KINDS)

_CASE_FIELDS = (
    "id",
    "patient_id",
    "discipline",
    "opened_on",
    "coverage_id",
    "pip_medpay_limit",
    "pip_exhausted_on",
)
_COVERAGE_FIELDS = (
    "id", "patient_id", "priority", "kind", "active_from", "active_through", "payer_record_id",
)  # fmt: skip
# A payer's record whole (its policy reads most of it); the coverages name a few.
_PAYER = tuple(f.attname for f in Payer._meta.concrete_fields)

# The appointment type's name and discipline, when the model has types (the calendar's).
_TYPE_FIELDS: tuple[str, ...] = (
    ("appointment_type__name", "appointment_type__discipline")
    if "appointment_type" in {f.name for f in Appointment._meta.get_fields()}
    else ()
)


def _credential_discipline(credential: str) -> str | None:
    if not credential:
        return None
    return DISCIPLINE_OF_CREDENTIAL[Credential(credential)].value


# The chart screen that fixes each remedy (patients/fix_links.py).
_SCREEN_OF_REMEDY: Mapping[Remedy, ChartScreen] = {
    Remedy.PLAN_PROGRESS_REPORT: ChartScreen.PLAN,
    Remedy.RECERTIFY_PLAN: ChartScreen.PLAN,
    Remedy.CONFIRM_MEDICAL_NECESSITY: ChartScreen.PLAN,
    Remedy.REQUEST_AUTHORIZATION: ChartScreen.REFERRALS,
    Remedy.RENEW_REFERRAL: ChartScreen.REFERRALS,
    Remedy.REVIEW_CASE_BENEFITS: ChartScreen.CASE,
}
_LINK_TEXT: Mapping[Remedy, str] = {
    Remedy.PLAN_PROGRESS_REPORT: "Plan the progress report",
    Remedy.RECERTIFY_PLAN: "Recertify the plan",
    Remedy.CONFIRM_MEDICAL_NECESSITY: "Review the plan (KX)",
    Remedy.REQUEST_AUTHORIZATION: "Request authorization",
    Remedy.RENEW_REFERRAL: "Renew the referral",
    Remedy.REVIEW_CASE_BENEFITS: "Review the case's limit",
}


@dataclass(frozen=True, slots=True)
class AttentionRow:
    flag: Flag
    appointment: Appointment
    fix: FixLink
    report_types: tuple[AppointmentType, ...] = ()
    """For a progress report due: the clinic's types that book one, for the visit's discipline
    (choosing one plans the report: `do_change_appointment_type`)."""


@dataclass(frozen=True, slots=True)
class AttentionGroup:
    kind: FlagKind
    label: str
    rows: tuple[AttentionRow, ...]


def remedy_link(remedy: Remedy, *, patient_id: int, case_id: int) -> FixLink:
    """The chart screen that fixes a flag's remedy on the case, with its link text."""
    link = screen_link(_SCREEN_OF_REMEDY[remedy], patient_id=patient_id, case_id=case_id)
    return FixLink(link.url, _LINK_TEXT[remedy])


def fix_link(flag: Flag, appointment: Appointment) -> FixLink:
    return remedy_link(
        flag.remedy,
        patient_id=appointment.patient_id,
        case_id=int(flag.case_key),  # type: ignore[call-overload]
    )


def report_types(organisation: Organisation) -> dict[str, tuple[AppointmentType, ...]]:
    """{discipline: the active appointment types that book a progress report}: one query."""
    found: dict[str, list[AppointmentType]] = defaultdict(list)
    for kind in AppointmentType.objects.filter(organisation=organisation, active=True).order_by(
        "name", "pk"
    ):
        if type_plans_report(kind.name) and not (kind.needs_room or kind.needs_equipment):
            found[kind.discipline].append(kind)
    return {discipline: tuple(kinds) for discipline, kinds in found.items()}


def attention_groups(
    appointments: Iterable[Appointment],
    flags: Mapping[int, tuple[Flag, ...]],
    types: Mapping[str, tuple[AppointmentType, ...]] | None = None,
) -> list[AttentionGroup]:
    """The flags grouped by kind (in the order of KIND_LABELS), each by date and time; a
    progress report's row carries the `types` that would plan it (`report_types`)."""
    by_kind: dict[FlagKind, list[AttentionRow]] = defaultdict(list)
    for appointment in sorted(appointments, key=lambda a: (a.start, a.pk)):
        for flag in flags.get(appointment.pk, ()):
            choices: tuple[AppointmentType, ...] = ()
            if flag.kind is FlagKind.PROGRESS_REPORT and types:
                choices = types.get(appointment_discipline(appointment) or "", ())
            by_kind[flag.kind].append(
                AttentionRow(flag, appointment, fix_link(flag, appointment), choices)
            )
    return [
        AttentionGroup(kind, label, tuple(by_kind[kind]))
        for kind, label in KIND_LABELS.items()
        if by_kind.get(kind)
    ]
