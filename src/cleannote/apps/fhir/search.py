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

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

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
# Parameters every search takes besides its own (ADR 0914 for _sort, _total, _include).
COMMON = ("_id", "_count", "_after", "_format", "_sort", "_total", "_include")
# `_total` values: a count of every match, or none (the default: a count costs a query).
TOTALS = {"accurate": True, "estimate": True, "none": False}


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
    # A reference parameter `_include` may follow: the resource's element holding the
    # reference (e.g. "subject") and the type it points at (e.g. "Patient").
    element: str = ""
    target: str = ""


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


def reference_filter(column: str, kind: str, parameter: str, element: str = "") -> Parameter:
    def apply(rows: QuerySet[Any], values: Sequence[str]) -> QuerySet[Any]:
        for value in values:
            ids = [reference_id(parameter, one, kind) for one in value.split(",")]
            rows = rows.filter(**{f"{column}__in": ids})
        return rows

    return Parameter("reference", apply, column, element, kind if element else "")


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


def by_patient(column: str, element: str = "subject") -> dict[str, Parameter]:
    """The `patient` parameter on the column holding the row's patient; the resource names
    the patient in `element` (what `_include=<Type>:patient` follows)."""
    return {"patient": reference_filter(column, "Patient", "patient", element)}


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
                    **by_patient("patient_id", "beneficiary"),
                    "beneficiary": reference_filter(
                        "patient_id", "Patient", "beneficiary", "beneficiary"
                    ),
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
                    **by_patient("patient_id", "patient"),
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
                    **by_patient("patient_id", "patient"),
                    # An explanation of benefit is its claim's adjudication: the same row.
                    "claim": reference_filter("pk", "Claim", "claim", "claim"),
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
    # Every match across the pages, when `_total=accurate` asked for it.
    total: int | None = None


@dataclass(frozen=True)
class Sort:
    """`_sort`: `_id` (the default) or one of the resource's date parameters, `-` for newest
    first."""

    parameter: str = "_id"
    descending: bool = False


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


def sort_of(resource: ResourceType, values: Sequence[str]) -> Sort:
    if not values:
        return Sort()
    text = values[-1].strip()
    name = text.removeprefix("-")
    dates = [key for key, kind in resource.parameters.items() if kind == "date"]
    if name != "_id" and name not in dates:
        keys = ", ".join(["_id", *dates])
        raise SearchError(
            "_sort", f"{resource.name} is sorted by {keys} (e.g. -{dates[0] if dates else '_id'})"
        )
    return Sort(name, text.startswith("-"))


def wants_total(values: Sequence[str]) -> bool:
    if not values:
        return False
    text = values[-1].strip()
    if text not in TOTALS:
        raise SearchError("_total", f"{text!r} is not accurate, estimate or none")
    return TOTALS[text]


def _followed(resource: ResourceType) -> dict[str, Parameter]:
    return {
        name: parameter
        for source in resource.sources
        for name, parameter in source.filters.items()
        if parameter.element
    }


def includable(resource: ResourceType) -> list[str]:
    """What `_include` follows from this type, as the CapabilityStatement lists it."""
    return [f"{resource.name}:{name}" for name in _followed(resource)]


def includes_of(resource: ResourceType, values: Sequence[str]) -> list[Parameter]:
    """`_include=<Type>:<parameter>[:<Target>]`: the reference parameters to follow."""
    followed = _followed(resource)
    wanted: list[Parameter] = []
    for value in values:
        kind, _, rest = value.strip().partition(":")
        name, _, target = rest.partition(":")
        parameter = followed.get(name) if kind == resource.name else None
        if parameter is None or target not in ("", parameter.target):
            known = ", ".join(f"{resource.name}:{one}" for one in followed) or "none"
            raise SearchError("_include", f"{value!r} is not followed here (it is: {known})")
        if parameter not in wanted:
            wanted.append(parameter)
    return wanted


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
    """One page of matches in `_sort` order (id order by default) after `_after`, at most
    `_count` (bounded) of them.

    Paging is by keyset over (sort value, source, id): `_after` names the last resource shown,
    whose sort value is looked up, so a deep page costs what the first does and a row added
    meanwhile never shifts one onto two pages. A missing date sorts as the earliest."""
    check_parameters(resource, parameters)
    includes_of(resource, parameters.get("_include", ()))
    count = page_size(parameters.get("_count", ()))
    order = sort_of(resource, parameters.get("_sort", ()))
    total = wants_total(parameters.get("_total", ()))
    cursor = _cursor(resource, organisation, order, (parameters.get("_after") or [""])[-1])
    candidates: list[tuple[tuple[Any, int, int], Source, Any]] = []
    matches = 0
    for index, source in enumerate(resource.sources):
        rows = _filtered(source, organisation, parameters)
        if total:
            matches += rows.count()
        rows = _sorted(rows, source, order)
        if cursor is not None:
            rows = rows.filter(_after_cursor(index, cursor, order))
        for row in rows[: count + 1]:
            candidates.append(((_key(row, order), index, row.pk), source, row))
    candidates.sort(key=lambda one: one[0], reverse=order.descending)
    shown = candidates[:count]
    found = [Found(source.to_resource(row), source.patient_of(row)) for _, source, row in shown]
    next_after = str(found[-1].resource["id"]) if len(candidates) > count else None
    return Page(found, count, next_after, matches if total else None)


def _sort_column(source: Source, order: Sort) -> str | None:
    return None if order.parameter == "_id" else source.filters[order.parameter].column


def _sorted(rows: QuerySet[Any], source: Source, order: Sort) -> QuerySet[Any]:
    column = _sort_column(source, order)
    sign = "-" if order.descending else ""
    if column is None:
        return rows.order_by(f"{sign}pk")
    rows = rows.annotate(sort_value=Coalesce(F(column), Value(dt.date.min)))
    return rows.order_by(f"{sign}sort_value", f"{sign}pk")


def _key(row: Any, order: Sort) -> Any:
    return 0 if order.parameter == "_id" else row.sort_value


def _cursor(
    resource: ResourceType, organisation: Organisation, order: Sort, after: str
) -> tuple[Any, int, int] | None:
    """The (sort value, source, id) of the resource `_after` names, or None on the first page."""
    if not after:
        return None
    located = split_id(resource, after)
    if located is None:
        raise SearchError("_after", f"{after!r} is not a position of this search")
    source, pk = located
    index = resource.sources.index(source)
    if order.parameter == "_id":
        # The id is the whole position: a row removed since the last page still marks it.
        return 0, index, pk
    row = _sorted(source.rows(organisation).filter(pk=pk), source, order).first()
    if row is None:
        raise SearchError("_after", f"{after!r} is not a position of this search")
    return _key(row, order), index, pk


def _after_cursor(index: int, cursor: tuple[Any, int, int], order: Sort) -> Q:
    """Rows of source `index` past the cursor in the sort order (ties broken by source, id)."""
    value, cursor_index, cursor_pk = cursor
    later = "lt" if order.descending else "gt"
    if index == cursor_index:
        same_value = Q(**{f"pk__{later}": cursor_pk})
    elif (index > cursor_index) != order.descending:
        same_value = Q()
    else:
        same_value = Q(pk__in=[])
    if order.parameter == "_id":
        return same_value
    return Q(**{f"sort_value__{later}": value}) | (Q(sort_value=value) & same_value)


def included(
    resource: ResourceType,
    organisation: Organisation,
    page: Page,
    parameters: Mapping[str, Sequence[str]],
) -> list[Found]:
    """The resources `_include` asks for that the page's matches point at, each once, read
    from this organisation only."""
    found: list[Found] = []
    seen: set[str] = set()
    for parameter in includes_of(resource, parameters.get("_include", ())):
        target = RESOURCE_TYPES[parameter.target]
        wanted: dict[int, list[int]] = {}
        for match in page.found:
            reference = match.resource.get(parameter.element, {}).get("reference", "")
            kind, _, target_id = str(reference).partition("/")
            located = split_id(target, target_id) if kind == target.name else None
            if located is not None and reference not in seen:
                seen.add(reference)
                wanted.setdefault(target.sources.index(located[0]), []).append(located[1])
        for index, pks in wanted.items():
            source = target.sources[index]
            for row in source.rows(organisation).filter(pk__in=pks).order_by("pk"):
                found.append(Found(source.to_resource(row), source.patient_of(row)))
    return found


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
