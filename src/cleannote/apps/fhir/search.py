"""What each FHIR resource type is read from and how it is searched (ADR 0910).

A resource type has one or more sources (Observation has two: outcome-measure results and
notes' pain levels); each source is a queryset of one organisation's rows, its mapper, and the
search parameters it understands. Paging is by keyset: a page is at most `MAX_COUNT` rows in
primary-key order, and the next link carries the last row's position (`_after=<id>`), so a
deep page costs what the first does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from cleannote.apps.claims.models import Claim
from cleannote.apps.fhir import mapping
from cleannote.apps.notes.models import Note, TreatmentBlock
from cleannote.apps.organisations.models import Location, Organisation, Staff
from cleannote.apps.patients.models import (
    CaseDiagnosis,
    Coverage,
    Goal,
    OutcomeMeasureResult,
    Patient,
    PlanOfCare,
)
from cleannote.rules.outcome_measures import Licence, Scoring, all_instruments

DEFAULT_COUNT = 20
MAX_COUNT = 100
# Parameters every search takes besides its own.
COMMON = ("_id", "_count", "_after", "_format")


class SearchError(ValueError):
    """A search parameter the facade cannot read: `parameter` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


Filter = Callable[[QuerySet[Any], Sequence[str]], QuerySet[Any]]


@dataclass(frozen=True)
class Parameter:
    """A search parameter a source understands: its FHIR type (as the CapabilityStatement
    lists it), how it narrows the rows, and the column it reads (a date parameter's column is
    also what `_sort` orders by)."""

    kind: str
    apply: Filter
    column: str = ""


@dataclass(frozen=True)
class Source:
    prefix: str
    rows: Callable[[Organisation], QuerySet[Any]]
    to_resource: Callable[[Any], mapping.Resource]
    patient_of: Callable[[Any], int | None]
    filters: Mapping[str, Parameter] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourceType:
    name: str
    sources: tuple[Source, ...]
    patient_data: bool = True

    @property
    def parameters(self) -> dict[str, str]:
        """The parameters it is searched by, with their type: what its sources understand."""
        return {
            name: parameter.kind
            for source in self.sources
            for name, parameter in source.filters.items()
        }


# --- parameter readers ---------------------------------------------------------------------

_DATE = re.compile(r"^(eq|ne|gt|ge|lt|le|sa|eb)?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_range(value: str) -> tuple[str, dt.date, dt.date]:
    """A FHIR date parameter (`ge2026-01-01`, `2026-03`, `2026`) as prefix, first and last day."""
    found = _DATE.match(value.strip())
    if found is None:
        raise SearchError("date", f"{value!r} is not a date (e.g. 2026-03-01 or ge2026-03-01)")
    prefix, year, month, day = found.groups()
    try:
        if day is not None:
            first = last = dt.date(int(year), int(month), int(day))
        elif month is not None:
            first = dt.date(int(year), int(month), 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            last -= dt.timedelta(days=1)
        else:
            first, last = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    except ValueError as error:
        raise SearchError("date", f"{value!r} is not a real date") from error
    return prefix or "eq", first, last


def date_filter(column: str, parameter: str = "date") -> Parameter:
    def apply(rows: QuerySet[Any], values: Sequence[str]) -> QuerySet[Any]:
        for value in values:
            try:
                prefix, first, last = date_range(value)
            except SearchError as error:
                raise SearchError(parameter, str(error).split(": ", 1)[1]) from error
            if prefix == "eq":
                rows = rows.filter(**{f"{column}__range": (first, last)})
            elif prefix == "ne":
                rows = rows.exclude(**{f"{column}__range": (first, last)})
            elif prefix in ("gt", "sa"):
                rows = rows.filter(**{f"{column}__gt": last})
            elif prefix == "ge":
                rows = rows.filter(**{f"{column}__gte": first})
            elif prefix in ("lt", "eb"):
                rows = rows.filter(**{f"{column}__lt": first})
            else:
                rows = rows.filter(**{f"{column}__lte": last})
        return rows

    return Parameter("date", apply, column)


def by_date(column: str, parameter: str = "date") -> dict[str, Parameter]:
    """The date parameter (`date` unless the resource names it otherwise) on `column`."""
    return {parameter: date_filter(column, parameter)}


def reference_id(parameter: str, value: str, kind: str) -> int:
    """`123` or `Patient/123` as the id 123; anything else is a clear error."""
    text = value.strip()
    if text.startswith(f"{kind}/"):
        text = text[len(kind) + 1 :]
    if not text.isdigit():
        raise SearchError(parameter, f"{value!r} is not a {kind} id (e.g. {kind}/12)")
    return int(text)


def reference_filter(column: str, kind: str, parameter: str) -> Parameter:
    def apply(rows: QuerySet[Any], values: Sequence[str]) -> QuerySet[Any]:
        for value in values:
            ids = [reference_id(parameter, one, kind) for one in value.split(",")]
            rows = rows.filter(**{f"{column}__in": ids})
        return rows

    return Parameter("reference", apply, column)


def token_filter(column: str, system: str | None = None) -> Parameter:
    """`value` or `system|value` (a system other than ours matches nothing)."""

    def apply(rows: QuerySet[Any], values: Sequence[str]) -> QuerySet[Any]:
        for value in values:
            wanted = Q()
            for one in value.split(","):
                given_system, bar, code = one.rpartition("|")
                if bar and given_system and system is not None and given_system != system:
                    wanted |= Q(pk__in=[])
                    continue
                wanted |= Q(**{column: code})
            rows = rows.filter(wanted)
        return rows

    return Parameter("token", apply, column)


def text_filter(*columns: str) -> Parameter:
    def apply(rows: QuerySet[Any], values: Sequence[str]) -> QuerySet[Any]:
        for value in values:
            wanted = Q()
            for column in columns:
                wanted |= Q(**{f"{column}__istartswith": value.strip()})
            rows = rows.filter(wanted)
        return rows

    return Parameter("string", apply)


def only_codes(accepted: Sequence[str], parameter: str = "category") -> Parameter:
    """A token parameter a source answers with all its rows or none (an Observation source is
    one category)."""

    def apply(rows: QuerySet[Any], values: Sequence[str]) -> QuerySet[Any]:
        for value in values:
            codes = {one.rpartition("|")[2] for one in value.split(",")}
            if not codes & set(accepted):
                rows = rows.none()
        return rows

    return Parameter("token", apply)


_GENDER_CODE = {fhir: ours for ours, fhir in mapping.GENDER.items()}


def _gender(rows: QuerySet[Any], values: Sequence[str]) -> QuerySet[Any]:
    for value in values:
        codes = [_GENDER_CODE.get(one.strip(), "") for one in value.split(",")]
        rows = rows.filter(sex__in=codes)
    return rows


gender_filter = Parameter("token", _gender, "sex")


# --- the resource types --------------------------------------------------------------------


def _patients(organisation: Organisation) -> QuerySet[Any]:
    return Patient.objects.filter(organisation=organisation)


def _clinicians(organisation: Organisation) -> QuerySet[Any]:
    return (
        Staff.objects.filter(organisation=organisation)
        .exclude(credential="")
        .select_related("user")
    )


def _claims(organisation: Organisation) -> QuerySet[Any]:
    return Claim.objects.filter(organisation=organisation).prefetch_related("diagnoses", "lines")


def by_patient(column: str) -> dict[str, Parameter]:
    """The `patient` parameter on the column holding the row's patient."""
    return {"patient": reference_filter(column, "Patient", "patient")}


RESOURCE_TYPES: dict[str, ResourceType] = {}


def _register(resource: ResourceType) -> None:
    RESOURCE_TYPES[resource.name] = resource


_register(
    ResourceType(
        "Patient",
        (
            Source(
                "",
                _patients,
                mapping.patient_resource,
                lambda row: row.pk,
                {
                    "identifier": token_filter("chart_number", mapping.CHART_SYSTEM),
                    "name": text_filter("first_name", "last_name", "preferred_name"),
                    "family": text_filter("last_name"),
                    "given": text_filter("first_name"),
                    **by_date("birth_date", "birthdate"),
                    "gender": gender_filter,
                },
            ),
        ),
    )
)
_register(
    ResourceType(
        "Practitioner",
        (
            Source(
                "",
                _clinicians,
                mapping.practitioner_resource,
                lambda row: None,
                {
                    "identifier": token_filter("npi", mapping.NPI_SYSTEM),
                    "name": text_filter("user__first_name", "user__last_name"),
                },
            ),
        ),
        patient_data=False,
    )
)
_register(
    ResourceType(
        "PractitionerRole",
        (
            Source(
                "",
                _clinicians,
                mapping.practitioner_role_resource,
                lambda row: None,
                {"practitioner": reference_filter("pk", "Practitioner", "practitioner")},
            ),
        ),
        patient_data=False,
    )
)
_register(
    ResourceType(
        "Organization",
        (
            Source(
                "",
                lambda organisation: Organisation.objects.filter(pk=organisation.pk),
                mapping.organization_resource,
                lambda row: None,
                {
                    "identifier": token_filter("npi", mapping.NPI_SYSTEM),
                    "name": text_filter("name"),
                },
            ),
        ),
        patient_data=False,
    )
)
_register(
    ResourceType(
        "Location",
        (
            Source(
                "",
                lambda organisation: Location.objects.filter(organisation=organisation),
                mapping.location_resource,
                lambda row: None,
                {
                    "identifier": token_filter("npi", mapping.NPI_SYSTEM),
                    "name": text_filter("name"),
                },
            ),
        ),
        patient_data=False,
    )
)
_register(
    ResourceType(
        "Coverage",
        (
            Source(
                "",
                lambda organisation: Coverage.objects.filter(patient__organisation=organisation),
                mapping.coverage_resource,
                lambda row: row.patient_id,
                {
                    **by_patient("patient_id"),
                    "beneficiary": reference_filter("patient_id", "Patient", "beneficiary"),
                    "identifier": token_filter("member_id"),
                },
            ),
        ),
    )
)
_register(
    ResourceType(
        "Encounter",
        (
            Source(
                "",
                lambda organisation: Note.objects.filter(
                    patient__organisation=organisation
                ).select_related("patient"),
                mapping.encounter_resource,
                lambda row: row.patient_id,
                {
                    **by_patient("patient_id"),
                    **by_date("date_of_service"),
                    "practitioner": reference_filter(
                        "therapist_id", "Practitioner", "practitioner"
                    ),
                },
            ),
        ),
    )
)
_register(
    ResourceType(
        "Condition",
        (
            Source(
                "",
                lambda organisation: CaseDiagnosis.objects.filter(
                    case__patient__organisation=organisation
                ).select_related("case"),
                mapping.condition_resource,
                lambda row: row.case.patient_id,
                {
                    **by_patient("case__patient_id"),
                    "category": only_codes(("problem-list-item",)),
                    "code": token_filter("code", mapping.ICD10_SYSTEM),
                    **by_date("onset_date", "onset-date"),
                },
            ),
        ),
    )
)
_register(
    ResourceType(
        "Observation",
        (
            Source(
                "m",
                lambda organisation: OutcomeMeasureResult.objects.filter(
                    case__patient__organisation=organisation
                ).select_related("case"),
                mapping.outcome_observation,
                lambda row: row.case.patient_id,
                {
                    **by_patient("case__patient_id"),
                    "category": only_codes(("survey",)),
                    "code": token_filter("instrument", mapping.INSTRUMENT_SYSTEM),
                    **by_date("measured_on"),
                },
            ),
            Source(
                "p",
                lambda organisation: Note.objects.filter(
                    patient__organisation=organisation, pain_level__isnull=False
                ),
                mapping.pain_observation,
                lambda row: row.patient_id,
                {
                    **by_patient("patient_id"),
                    "category": only_codes(("exam",)),
                    "code": only_codes((mapping.PAIN_LOINC,), "code"),
                    **by_date("date_of_service"),
                },
            ),
        ),
    )
)
_register(
    ResourceType(
        "Goal",
        (
            Source(
                "",
                lambda organisation: Goal.objects.filter(
                    plan__case__patient__organisation=organisation
                ).select_related("plan__case"),
                mapping.goal_resource,
                lambda row: row.plan.case.patient_id,
                {
                    **by_patient("plan__case__patient_id"),
                    **by_date("due_date", "target-date"),
                },
            ),
        ),
    )
)
_register(
    ResourceType(
        "Procedure",
        (
            Source(
                "",
                lambda organisation: TreatmentBlock.objects.filter(
                    note__patient__organisation=organisation
                ).select_related("note"),
                mapping.procedure_resource,
                lambda row: row.note.patient_id,
                {
                    **by_patient("note__patient_id"),
                    **by_date("note__date_of_service"),
                    "code": token_filter("code", mapping.CPT_SYSTEM),
                },
            ),
        ),
    )
)
_register(
    ResourceType(
        "CarePlan",
        (
            Source(
                "",
                lambda organisation: (
                    PlanOfCare.objects.filter(case__patient__organisation=organisation)
                    .select_related("case")
                    .prefetch_related("goals")
                ),
                mapping.care_plan_resource,
                lambda row: row.case.patient_id,
                {
                    **by_patient("case__patient_id"),
                    **by_date("start_date"),
                },
            ),
        ),
    )
)


def _answers_we_may_show() -> list[str]:
    """The instruments whose item answers may leave as a QuestionnaireResponse: a
    questionnaire scored from its items whose licence lets it be used freely (LEFS, PSFS,
    Berg, DHI). A licensed form's answers and text are never held (ADR 0540), and a timed test
    is one measurement, an Observation."""
    return [
        one.code
        for one in all_instruments()
        if one.licence is not Licence.LICENSED and one.scoring in (Scoring.SUM, Scoring.MEAN)
    ]


_register(
    ResourceType(
        "QuestionnaireResponse",
        (
            Source(
                "",
                lambda organisation: (
                    OutcomeMeasureResult.objects.filter(
                        case__patient__organisation=organisation,
                        instrument__in=_answers_we_may_show(),
                    )
                    .exclude(answers=[])
                    .select_related("case")
                ),
                mapping.questionnaire_response_resource,
                lambda row: row.case.patient_id,
                {
                    **by_patient("case__patient_id"),
                    **by_date("measured_on", "authored"),
                },
            ),
        ),
    )
)
_register(
    ResourceType(
        "Claim",
        (
            Source(
                "",
                _claims,
                mapping.claim_resource,
                lambda row: row.patient_id,
                {
                    **by_patient("patient_id"),
                    "identifier": token_filter("patient_control_number", mapping.CLAIM_SYSTEM),
                    **by_date("created_at__date", "created"),
                },
            ),
        ),
    )
)
_register(
    ResourceType(
        "ExplanationOfBenefit",
        (
            Source(
                "",
                lambda organisation: _claims(organisation).filter(status__in=mapping.ADJUDICATED),
                mapping.explanation_of_benefit_resource,
                lambda row: row.patient_id,
                {
                    **by_patient("patient_id"),
                    "identifier": token_filter("patient_control_number", mapping.CLAIM_SYSTEM),
                    **by_date("date_of_service", "service-date"),
                },
            ),
        ),
    )
)


# --- running a search ----------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    resource: mapping.Resource
    patient_id: int | None


@dataclass(frozen=True)
class Page:
    found: list[Found]
    count: int
    next_after: str | None


def split_id(resource: ResourceType, resource_id: str) -> tuple[Source, int] | None:
    """The source and primary key a resource id names, or None when it names nothing."""
    for source in resource.sources:
        if resource_id.startswith(source.prefix):
            rest = resource_id[len(source.prefix) :]
            if rest.isdigit() and len(rest) < 19:
                return source, int(rest)
    return None


def read(resource: ResourceType, organisation: Organisation, resource_id: str) -> Found | None:
    located = split_id(resource, resource_id)
    if located is None:
        return None
    source, pk = located
    row = source.rows(organisation).filter(pk=pk).first()
    if row is None:
        return None
    return Found(source.to_resource(row), source.patient_of(row))


def page_size(values: Sequence[str]) -> int:
    if not values:
        return DEFAULT_COUNT
    text = values[-1].strip()
    if not text.isdigit():
        raise SearchError("_count", f"{text!r} is not a whole number (e.g. 20)")
    return max(1, min(int(text), MAX_COUNT))


def check_parameters(resource: ResourceType, parameters: Mapping[str, Sequence[str]]) -> None:
    for name in parameters:
        if name not in resource.parameters and name not in COMMON:
            known = ", ".join(sorted({*resource.parameters, *COMMON} - {"_after", "_format"}))
            raise SearchError(
                name, f"{resource.name} is not searched by {name!r} (it is by {known})"
            )


def search(
    resource: ResourceType, organisation: Organisation, parameters: Mapping[str, Sequence[str]]
) -> Page:
    """One page of matches in id order after `_after`, at most `_count` (bounded) of them."""
    check_parameters(resource, parameters)
    count = page_size(parameters.get("_count", ()))
    after = (parameters.get("_after") or [""])[-1]
    start = 0
    after_pk = 0
    if after:
        located = split_id(resource, after)
        if located is None:
            raise SearchError("_after", f"{after!r} is not a position of this search")
        start = resource.sources.index(located[0])
        after_pk = located[1]
    found: list[Found] = []
    next_after: str | None = None
    for index in range(start, len(resource.sources)):
        source = resource.sources[index]
        rows = _filtered(source, organisation, parameters)
        if index == start and after_pk:
            rows = rows.filter(pk__gt=after_pk)
        wanted = count - len(found)
        batch = list(rows.order_by("pk")[: wanted + 1])
        for row in batch[:wanted]:
            found.append(Found(source.to_resource(row), source.patient_of(row)))
        if len(batch) > wanted:
            # More remain: the next page starts after the last one shown.
            next_after = str(found[-1].resource["id"])
            break
    return Page(found, count, next_after)


def _filtered(
    source: Source, organisation: Organisation, parameters: Mapping[str, Sequence[str]]
) -> QuerySet[Any]:
    rows = source.rows(organisation)
    ids = parameters.get("_id")
    if ids:
        wanted = []
        for value in ids:
            for one in value.split(","):
                rest = one.strip()
                if rest.startswith(source.prefix) and rest[len(source.prefix) :].isdigit():
                    wanted.append(int(rest[len(source.prefix) :]))
        rows = rows.filter(pk__in=wanted)
    for name, values in parameters.items():
        parameter = source.filters.get(name)
        if parameter is not None:
            rows = parameter.apply(rows, values)
    return rows


def iter_all(resource: ResourceType, organisation: Organisation, **filters: str) -> Iterator[Found]:
    """Every match, a page at a time (the bulk export's reader)."""
    parameters: dict[str, list[str]] = {key: [value] for key, value in filters.items()}
    parameters["_count"] = [str(MAX_COUNT)]
    while True:
        page = search(resource, organisation, parameters)
        yield from page.found
        if page.next_after is None:
            return
        parameters["_after"] = [page.next_after]
