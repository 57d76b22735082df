"""The public visit format, `cleannote.visit/1`: JSON in, `Visit` value objects out, and back.

This is the contract other systems write to (docs/visit-format.md, the JSON Schema in
`data/visit.schema.json`). The reader is strict so that a typo never silently drops data: an
unknown field, a wrong type or a malformed date is an error that names the file, the line, the
visit and the JSON path. It checks shape only; whether a code, NPI check digit or diagnosis
pointer makes sense for billing is the scrubber's business, reported as findings.

The shape is declared once, as `msgspec` structs (`_VisitIn` and the types under it), and
`msgspec` decodes and checks it in compiled code, then builds the `Visit` dataclasses from the
checked structs (docs/decisions/0300-visit-reader-on-msgspec.md). Its errors are translated
into ours: the path, the visit id, and what was expected (each field's `Meta.description`),
never a patient's value. The first problem found is raised; the reader moves on to the next
visit.
"""

from __future__ import annotations

import abc
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import Path
from types import UnionType
from typing import (
    Annotated,
    Any,
    Literal,
    TextIO,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

import msgspec

from cleannote.rules.errors import RulesError
from cleannote.rules.payer_overrides import (
    OVERRIDE_FIELD_BY_NAME,
    FieldType,
    OverrideError,
    check_overrides,
    overrides_as_json,
)
from cleannote.rules.visit import (
    ASSISTANT_CREDENTIALS,
    AccidentKind,
    Address,
    Authorization,
    Certification,
    CertificationKind,
    Credential,
    GoalKind,
    HistoryService,
    Laterality,
    MedicareSecondaryType,
    ModifierStyle,
    PayerKind,
    Person,
    ReferralQualifier,
    Relationship,
    Service,
    Sex,
    UnitMethod,
    Visit,
)

SCHEMA_ID = "cleannote.visit/1"


class VisitErrorCode(StrEnum):
    """What kind of problem a `VisitFormatError` is, for a caller that maps it (an API status, a
    help link) without reading the message. The values are a public contract, like rule ids."""

    NOT_JSON = "not-json"  # the text is not JSON
    NOT_UTF8 = "not-utf8"  # the bytes are not UTF-8 text
    CANNOT_READ = "cannot-read"  # a file or folder the system would not read
    NO_INPUT = "no-input"  # "-" with no standard input
    NOT_AN_OBJECT = "not-an-object"  # a visit that is not a JSON object
    UNKNOWN_FIELD = "unknown-field"  # a field the format does not have
    MISSING_FIELD = "missing-field"  # a required field left out
    WRONG_TYPE = "wrong-type"  # a value of the wrong JSON type (a number for a text ...)
    OUT_OF_RANGE = "out-of-range"  # a number, length or count outside its bounds
    BAD_FORMAT = "bad-format"  # text of the wrong shape (an NPI, a state, an amount ...)
    BAD_CODE = "bad-code"  # a value outside its list of codes (a payer kind, a credential ...)
    BAD_DATE = "bad-date"  # not a YYYY-MM-DD date, or a date that cannot be (a birth date)
    BAD_TIME = "bad-time"  # not an HH:MM time of day


class VisitFormatError(RulesError):
    """One problem with one visit (or one unreadable file), located precisely enough to fix;
    `code` says what kind of problem it is."""

    def __init__(
        self,
        source: str,
        line: int | None,
        visit_id: str | None,
        field: str | None,
        problem: str,
        code: VisitErrorCode,
    ) -> None:
        self.source = source
        self.line = line
        self.visit_id = visit_id
        self.field = field
        self.problem = problem
        self.code = code
        where = source if line is None else f"{source}:{line}"
        if visit_id is not None:
            where += f": visit {visit_id}"
        if field:
            where += f": {field}"
        super().__init__(f"{where}: {problem}")

    def __reduce__(self) -> tuple[type[VisitFormatError], tuple[object, ...]]:
        return (
            VisitFormatError,
            (self.source, self.line, self.visit_id, self.field, self.problem, self.code),
        )


_Code = VisitErrorCode
_NOT_UTF8 = "not UTF-8 text"

# The earliest birth date accepted (the web forms refuse the same, and any date after today).
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
# Values under these roots are patient data: an error says what is wrong, never what was sent.
_PHI_ROOTS = ("subscriber", "patient")
_VISIT_ID_MAX = 20  # CLM01, the 837P patient control number, holds at most 20 characters
# An optional field's default. Left out it is None; sent as JSON null it is refused, because
# each field's type leaves null out.
_LEFT_OUT: Any = None


# --- the shape, declared once ----------------------------------------------------------------
# `description` is what an error says was expected. Patterns use \Z, not $, so that a value
# ending in a newline is refused as the old reader refused it.


def _one_of(values: Iterable[str]) -> str:
    return "one of " + "|".join(values)


Text = Annotated[str, msgspec.Meta(min_length=1, description="a non-empty string")]
Npi = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{10}\Z", description="an NPI of 10 digits")]
State = Annotated[
    str, msgspec.Meta(pattern=r"^[A-Z]{2}\Z", description="a two-letter state code in capitals")
]
Day = Annotated[dt.date, msgspec.Meta(description="a date YYYY-MM-DD")]
Money = Annotated[
    Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,9}(?:\.[0-9]{1,2})?\Z")]
    | Annotated[int, msgspec.Meta(ge=0)],
    msgspec.Meta(description='an amount as a decimal string like "120.00"'),
]
Minutes = Annotated[int, msgspec.Meta(ge=0, description="an integer of at least 0")]
Count = Annotated[int, msgspec.Meta(ge=1, description="an integer of at least 1")]
Pointer = Annotated[int, msgspec.Meta(ge=1, le=12, description="an integer from 1 to 12")]
Texts = Annotated[tuple[Text, ...], msgspec.Meta(description="an array")]
Flag = Annotated[bool, msgspec.Meta(description="true or false")]


def _enum(enum: type[Any]) -> Any:
    return Annotated[enum, msgspec.Meta(description=_one_of(m.value for m in enum))]


class _ClockTime(abc.ABC):  # noqa: B024  # a marker: "HH:MM", decoded by `_decode_hook`
    """A time of day written HH:MM (JSON has no time type; RFC 3339 would want seconds)."""


_ClockTime.register(dt.time)
ClockTime = Annotated[_ClockTime, msgspec.Meta(description="HH:MM")]
Parameters = Annotated[dict[str, Any], msgspec.Meta(description="an object")]
_CLOCK = {f"{h:02d}:{m:02d}": dt.time(h, m) for h in range(24) for m in range(60)}  # a table


def _decode_hook(kind: type, value: Any) -> Any:
    if kind is _ClockTime:
        clock = _CLOCK.get(value) if type(value) is str else None
        if clock is not None:
            return clock
    else:
        raise NotImplementedError(kind)
    raise ValueError("refused")  # the message is ours, from the field's description


class _Shape(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """Every object of the format: an unknown field is an error. Short-lived and without
    cycles, so the garbage collector need not track them (`gc=False`)."""


class _AddressIn(_Shape):
    line1: Text
    city: Text
    state: State
    zip: Text
    line2: Text = _LEFT_OUT


class _BillingProviderIn(_Shape):
    name: Text
    npi: Npi
    tax_id: Text
    taxonomy: Text
    address: _AddressIn
    pay_to_address: _AddressIn = _LEFT_OUT
    last_name: Text = _LEFT_OUT
    first_name: Text = _LEFT_OUT


class _RenderingProviderIn(_Shape):
    first_name: Text
    last_name: Text
    npi: Npi
    credential: _enum(Credential)  # type: ignore[valid-type]
    taxonomy: Text


_ASSISTANT_CODES = tuple(c.value for c in Credential if c in ASSISTANT_CREDENTIALS)


class _AssistantIn(_Shape):
    first_name: Text
    last_name: Text
    npi: Npi
    credential: Annotated[
        Literal["PTA", "COTA", "SLPA"], msgspec.Meta(description=_one_of(_ASSISTANT_CODES))
    ]
    taxonomy: Text


class _PayerIn(_Shape):
    name: Text
    payer_id: Text
    kind: _enum(PayerKind)  # type: ignore[valid-type]
    claim_number: Text = _LEFT_OUT
    unit_method: _enum(UnitMethod) = _LEFT_OUT  # type: ignore[valid-type]
    modifier_style: _enum(ModifierStyle) = _LEFT_OUT  # type: ignore[valid-type]
    medicare_secondary_type: _enum(MedicareSecondaryType) = _LEFT_OUT  # type: ignore[valid-type]
    timely_filing_days: Count = _LEFT_OUT
    # The payer record's checked overrides (rules/payer_overrides.py), read in `_build`; named
    # apart from `Payer.policy_overrides`, which holds them checked, so the conversion skips it.
    overrides: Parameters = msgspec.field(default=_LEFT_OUT, name="policy_overrides")


class _SubscriberIn(_Shape):  # fields in the order their absence is reported
    first_name: Text
    last_name: Text
    birth_date: Day
    sex: _enum(Sex)  # type: ignore[valid-type]
    address: _AddressIn
    member_id: Text
    relationship: _enum(Relationship)  # type: ignore[valid-type]
    group_number: Text = _LEFT_OUT


class _PatientIn(_Shape):
    first_name: Text
    last_name: Text
    birth_date: Day
    sex: _enum(Sex)  # type: ignore[valid-type]
    address: _AddressIn
    id: Text


class _ReferralIn(_Shape):
    first_name: Text
    last_name: Text
    npi: Npi
    qualifier: _enum(ReferralQualifier)  # type: ignore[valid-type]
    date: Day
    diagnoses: Texts = ()
    authorized_visits: Count = _LEFT_OUT
    visit_number: Count = _LEFT_OUT
    expires: Day = _LEFT_OUT


class _AccidentIn(_Shape):
    kind: _enum(AccidentKind)  # type: ignore[valid-type]
    date: Day = _LEFT_OUT
    state: State = _LEFT_OUT


class _GoalIn(_Shape):
    id: Text
    text: Text
    kind: _enum(GoalKind)  # type: ignore[valid-type]


class _CertificationIn(_Shape):
    kind: _enum(CertificationKind)  # type: ignore[valid-type]
    signed_on: Day = _LEFT_OUT
    order_signed_on: Day = _LEFT_OUT
    sent_on: Day = _LEFT_OUT
    delay_reason: Text = _LEFT_OUT


class _PlanOfCareIn(_Shape):
    start: Day
    certified: Flag
    certified_through: Day = _LEFT_OUT
    goals: Annotated[tuple[_GoalIn, ...], msgspec.Meta(description="an array")] = ()
    certification: _CertificationIn = _LEFT_OUT


class _DiagnosisOnsetIn(_Shape):
    code: Text
    onset: Day


class _AuthorizedServicesIn(_Shape):
    codes: Texts = ()
    visits: Count = _LEFT_OUT
    units: Count = _LEFT_OUT
    visits_used: Minutes = 0
    units_used: Minutes = 0


class _AuthorizationIn(_Shape):
    number: Text = _LEFT_OUT
    start: Day = _LEFT_OUT
    end: Day = _LEFT_OUT
    services: Annotated[
        tuple[_AuthorizedServicesIn, ...], msgspec.Meta(description="an array")
    ] = ()


class _TherapyYearToDateIn(_Shape):
    pt_slp: Money = 0
    ot: Money = 0


class _EpisodeIn(_Shape):
    treatment_day: Count
    last_progress_report_day: Count = _LEFT_OUT
    therapy_ytd: _TherapyYearToDateIn = _LEFT_OUT


class _ServiceIn(_Shape):
    code: Text
    charge: Money
    start: ClockTime = _LEFT_OUT
    end: ClockTime = _LEFT_OUT
    minutes: Minutes = _LEFT_OUT
    assistant_minutes: Minutes = 0
    body_regions: Texts = ()
    laterality: _enum(Laterality) = _LEFT_OUT  # type: ignore[valid-type]
    goal_ids: Texts = ()
    justification: Text = _LEFT_OUT
    parameters: Parameters = msgspec.field(default_factory=dict)
    modifiers: Texts = ()
    diagnosis_pointers: Annotated[tuple[Pointer, ...], msgspec.Meta(description="an array")] = ()
    encounter: Count = 1
    rendering_npi: Npi = _LEFT_OUT
    units: Count = _LEFT_OUT


class _OtherProviderIn(_Shape):
    code: Text
    npi: Npi


class _HistoryServiceIn(_Shape):
    code: Text
    body_regions: Texts = ()
    parameters: Parameters = msgspec.field(default_factory=dict)


class _HistoryVisitIn(_Shape):
    date_of_service: Day
    services: Annotated[tuple[_HistoryServiceIn, ...], msgspec.Meta(description="an array")] = ()


class _FacilityIn(_Shape):
    name: Text
    address: _AddressIn
    npi: Npi = _LEFT_OUT


def _array(item: Any) -> Any:
    return Annotated[tuple[item, ...], msgspec.Meta(description="an array")]


class _VisitIn(_Shape):
    schema: Annotated[Literal["cleannote.visit/1"], msgspec.Meta(description=f'"{SCHEMA_ID}"')]
    id: Annotated[
        str,
        msgspec.Meta(min_length=1, max_length=_VISIT_ID_MAX, description="a non-empty string"),
    ]
    date_of_service: Day
    billing_provider: _BillingProviderIn
    rendering_provider: _RenderingProviderIn
    payer: _PayerIn
    subscriber: _SubscriberIn
    patient: _PatientIn
    diagnoses: Annotated[
        tuple[Text, ...], msgspec.Meta(min_length=1, description="a non-empty array")
    ]
    services: Annotated[
        tuple[_ServiceIn, ...], msgspec.Meta(min_length=1, description="a non-empty array")
    ]
    place_of_service: Annotated[
        str,
        msgspec.Meta(pattern=r"^[0-9]{2}\Z", description="a two-digit place of service code"),
    ] = "11"
    referral: _ReferralIn = _LEFT_OUT
    accident: _AccidentIn = _LEFT_OUT
    prior_authorization: Text = _LEFT_OUT
    plan_of_care: _PlanOfCareIn = _LEFT_OUT
    episode: _EpisodeIn = _LEFT_OUT
    other_providers_same_day: _array(_OtherProviderIn) = ()  # type: ignore[valid-type]
    history: _array(_HistoryVisitIn) = ()  # type: ignore[valid-type]
    initial_treatment: Day = _LEFT_OUT
    service_facility: _FacilityIn = _LEFT_OUT
    assistant: _AssistantIn = _LEFT_OUT
    diagnosis_onsets: _array(_DiagnosisOnsetIn) = ()  # type: ignore[valid-type]
    authorization: _AuthorizationIn = _LEFT_OUT


_TEXT_DECODER = msgspec.json.Decoder(_VisitIn, dec_hook=_decode_hook)


def _field_types(shape: type[_Shape]) -> dict[str, Any]:
    hints = get_type_hints(shape, include_extras=True)
    return {f.encode_name: hints[f.name] for f in msgspec.structs.fields(shape)}


# Each struct's field types with their `Meta` by JSON name, for wording errors.
_FIELD_TYPES = {shape: _field_types(shape) for shape in _Shape.__subclasses__()}


# --- from the checked shape to the value objects ---------------------------------------------


def _build(shape: _VisitIn) -> Visit:
    """The `Visit` for a checked shape, built in compiled code (attributes by name); then the
    two checks that span fields."""
    visit = msgspec.convert(shape, Visit, from_attributes=True)
    if shape.payer.overrides is not None:
        visit = _with_overrides(visit, shape.payer.overrides)
    bp = visit.billing_provider
    if bp.first_name is not None and bp.last_name is None:
        raise _Problem(
            "billing_provider.last_name",
            "required when first_name is given (a person)",
            _Code.MISSING_FIELD,
        )
    for person, path in ((visit.subscriber, "subscriber"), (visit.patient, "patient")):
        # The core reads no clock, so the date of service stands for today. The message
        # withholds the date: it is patient data.
        if person.birth_date < EARLIEST_BIRTH_DATE:
            raise _Problem(
                f"{path}.birth_date", "before 1900-01-01 (check the year)", _Code.BAD_DATE
            )
        if person.birth_date > visit.date_of_service:
            raise _Problem(
                f"{path}.birth_date", "after the date of service (check the year)", _Code.BAD_DATE
            )
    return visit


def _with_overrides(visit: Visit, raw: dict[str, Any]) -> Visit:
    """The visit with its payer record's overrides checked as the payer directory checks them."""
    try:
        checked = check_overrides(raw)
    except OverrideError as refused:
        name, problem = sorted(refused.errors.items())[0]
        shown = name if len(name) <= 40 else name[:37] + "..."
        code = _override_code(name, raw[name])
        raise _Problem(f"payer.policy_overrides.{shown}", problem, code) from None
    return replace(visit, payer=replace(visit.payer, policy_overrides=checked))


def _override_code(name: str, value: object) -> VisitErrorCode:
    spec = OVERRIDE_FIELD_BY_NAME.get(name)
    if spec is None:
        return _Code.UNKNOWN_FIELD
    if spec.type is FieldType.CHOICE and isinstance(value, str):
        return _Code.BAD_CODE
    if spec.type is FieldType.NUMBER and type(value) is int:
        return _Code.OUT_OF_RANGE
    if spec.type is FieldType.STATES and isinstance(value, list):
        return _Code.BAD_FORMAT
    return _Code.WRONG_TYPE


class _Problem(Exception):
    """A located problem; the caller adds the source, line and visit id."""

    def __init__(self, field: str, problem: str, code: VisitErrorCode) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem
        self.code = code


def parse_visit(data: object, *, source: str = "<input>", line: int | None = None) -> Visit:
    """Build a `Visit` from one decoded JSON object, or raise `VisitFormatError`.

    The input is left unchanged; a service's `parameters` is a copy of the caller's dict.
    `parse_visit_json` is the faster way in for JSON text.
    """
    if type(data) is not dict:
        raise VisitFormatError(
            source,
            line,
            None,
            None,
            f"expected a JSON object (one visit), got {_kind(data)}",
            _Code.NOT_AN_OBJECT,
        )
    try:
        return _build(msgspec.convert(data, _VisitIn, dec_hook=_decode_hook))
    except msgspec.ValidationError as error:
        problem = _translate(str(error), data)
    except _Problem as found:
        problem = found
    raise VisitFormatError(
        source, line, _shown_id(data), problem.field, problem.problem, problem.code
    )


def parse_visit_json(
    text: str | bytes, *, source: str = "<input>", line: int | None = None
) -> Visit:
    """Build a `Visit` from one visit's JSON text (a JSON Lines line), or raise
    `VisitFormatError`; decoding and checking are one compiled pass, without `json.loads`."""
    try:
        return _build(_TEXT_DECODER.decode(text))
    except (msgspec.DecodeError, _Problem):
        pass  # the rare path: read the text the plain way, for the message
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise VisitFormatError(
            source, line, None, None, _json_problem(exc), _Code.NOT_JSON
        ) from None
    except UnicodeDecodeError:
        raise VisitFormatError(source, line, None, None, _NOT_UTF8, _Code.NOT_UTF8) from None
    return parse_visit(data, source=source, line=line)


def _shown_id(data: dict[str, object]) -> str | None:
    raw_id = data.get("id")
    return raw_id if type(raw_id) is str and 0 < len(raw_id) <= 40 else None


# --- msgspec's errors in our words -----------------------------------------------------------

_AT = re.compile(r"^(?P<what>.*?)(?: - at (?P<key>`key` in )?`\$(?P<path>[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([A-Za-z_][A-Za-z_0-9]*)|\[(\d+)\]")


def _translate(message: str, data: dict[str, object]) -> _Problem:
    """msgspec's "what - at `$.a[1].b`" as our (path, problem), with the raw value described
    the way the format's documentation describes it."""
    match = _AT.match(message)
    assert match is not None  # the pattern matches any text
    what, raw_path = match["what"], match["path"] or ""
    steps: list[str | int] = [
        name if name else int(index) for name, index in _STEP.findall(raw_path)
    ]
    path = raw_path.lstrip(".")
    if match["key"]:  # only a Python caller can send a key that is not text
        return _Problem(path, "expected an object with text keys", _Code.WRONG_TYPE)
    try:
        value: object = data
        for step in steps:
            value = value[step]  # type: ignore[index]  # msgspec's path exists in the input
        kind = _type_at(steps)
    except (LookupError, TypeError):
        # A value JSON cannot hold (a non-text key from a Python caller): say where, and
        # never echo it, since msgspec's own text may quote it.
        return _Problem(path, f"not a value {SCHEMA_ID} allows", _Code.WRONG_TYPE)
    if what.startswith("Object missing required field `"):
        name = what.split("`")[1]
        field = f"{path}.{name}" if path else name
        if field == "schema":
            return _Problem(
                field, f'required field is missing (expected "{SCHEMA_ID}")', _Code.MISSING_FIELD
            )
        return _Problem(field, "required field is missing", _Code.MISSING_FIELD)
    if what.startswith("Object contains unknown field `"):
        known = {f.encode_name for f in msgspec.structs.fields(_struct_of(kind))}
        unknown = sorted(str(k) for k in value.keys() - known)[0]  # type: ignore[attr-defined]
        shown = unknown if len(unknown) <= 40 else unknown[:37] + "..."
        return _Problem(
            f"{path}.{shown}" if path else shown,
            f"unknown field (not part of {SCHEMA_ID})",
            _Code.UNKNOWN_FIELD,
        )
    if path == "id" and type(value) is str and len(value) > _VISIT_ID_MAX:
        return _Problem(
            "id", f"longer than {_VISIT_ID_MAX} characters (the claim's limit)", _Code.OUT_OF_RANGE
        )
    if _struct_of(kind) is not None:
        return _Problem(path, f"expected an object, got {_kind(value)}", _Code.WRONG_TYPE)
    return _Problem(path, f"expected {_description(kind)}, {_got(value, path)}", _code(kind, value))


def _code(kind: Any, value: object) -> VisitErrorCode:
    """What kind of refusal a value of the declared `kind` is: of the wrong JSON type, or of the
    right type and wrong in its text, code list or bounds (read from the declared type)."""
    bare = _strip(kind)
    if get_origin(bare) in (Union, UnionType):  # an amount: text like "120.00", or a whole number
        if type(value) is str:
            return _Code.BAD_FORMAT
        return _Code.OUT_OF_RANGE if type(value) is int else _Code.WRONG_TYPE
    if bare is bool:
        return _Code.WRONG_TYPE
    if bare is int:
        return _Code.OUT_OF_RANGE if type(value) is int else _Code.WRONG_TYPE
    if get_origin(bare) is tuple:
        return _Code.OUT_OF_RANGE if type(value) is list else _Code.WRONG_TYPE
    if type(value) is not str:
        return _Code.WRONG_TYPE
    if bare is dt.date:
        return _Code.BAD_DATE
    if bare is _ClockTime:
        return _Code.BAD_TIME
    if get_origin(bare) is Literal or (isinstance(bare, type) and issubclass(bare, Enum)):
        return _Code.BAD_CODE
    if value == "":
        return _Code.OUT_OF_RANGE  # a non-empty text left empty
    return _Code.BAD_FORMAT


def _strip(kind: Any) -> Any:
    while get_origin(kind) is Annotated:
        kind = get_args(kind)[0]
    return kind


def _struct_of(kind: Any) -> Any:
    bare = _strip(kind)
    return bare if isinstance(bare, type) and issubclass(bare, _Shape) else None


def _type_at(steps: list[str | int]) -> Any:
    kind: Any = _VisitIn
    for step in steps:
        bare = _strip(kind)
        kind = get_args(bare)[0] if isinstance(step, int) else _FIELD_TYPES[bare][step]
    return kind


def _description(kind: Any) -> str:
    for meta in getattr(kind, "__metadata__", ()):
        if isinstance(meta, msgspec.Meta) and meta.description:
            return meta.description
    return "a value of the documented type"


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number with a fraction"
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _got(value: object, path: str) -> str:
    """'got ...' for an error message, withholding patient data and long text."""
    if path.startswith(_PHI_ROOTS) or not isinstance(value, str | int | float) or value == "":
        return f"got {_kind(value)}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"got {shown!r}"
    return f"got {_kind(value)} {value!r}"


# --- writing ----------------------------------------------------------------------------------


def _money_text(amount: Decimal) -> str:
    return str(amount)


def _address_dict(a: Address) -> dict[str, object]:
    out: dict[str, object] = {"line1": a.line1}
    if a.line2 is not None:
        out["line2"] = a.line2
    out.update(city=a.city, state=a.state, zip=a.zip)
    return out


def _service_dict(s: Service) -> dict[str, object]:
    out: dict[str, object] = {"code": s.code}
    if s.start is not None:
        out["start"] = s.start.strftime("%H:%M")
    if s.end is not None:
        out["end"] = s.end.strftime("%H:%M")
    if s.minutes is not None:
        out["minutes"] = s.minutes
    if s.assistant_minutes:
        out["assistant_minutes"] = s.assistant_minutes
    if s.body_regions:
        out["body_regions"] = list(s.body_regions)
    if s.laterality is not None:
        out["laterality"] = s.laterality.value
    if s.goal_ids:
        out["goal_ids"] = list(s.goal_ids)
    if s.justification is not None:
        out["justification"] = s.justification
    if s.parameters:
        out["parameters"] = s.parameters
    if s.modifiers:
        out["modifiers"] = list(s.modifiers)
    if s.diagnosis_pointers:
        out["diagnosis_pointers"] = list(s.diagnosis_pointers)
    out["charge"] = _money_text(s.charge)
    if s.encounter != 1:
        out["encounter"] = s.encounter
    if s.rendering_npi is not None:
        out["rendering_npi"] = s.rendering_npi
    return out


def _person_dict(p: Person, *, subscriber: bool) -> dict[str, object]:
    out: dict[str, object] = {}
    if subscriber:
        out["member_id"] = p.member_id
    else:
        out["id"] = p.id
    out.update(
        first_name=p.first_name,
        last_name=p.last_name,
        birth_date=p.birth_date.isoformat(),
        sex=p.sex.value,
    )
    if subscriber:
        out["relationship"] = p.relationship.value if p.relationship is not None else None
        if p.group_number is not None:
            out["group_number"] = p.group_number
    out["address"] = _address_dict(p.address) if p.address is not None else None
    return out


def _dated(out: dict[str, object], name: str, day: dt.date | None) -> None:
    if day is not None:
        out[name] = day.isoformat()


def _certification_dict(c: Certification) -> dict[str, object]:
    out: dict[str, object] = {"kind": c.kind.value}
    _dated(out, "signed_on", c.signed_on)
    _dated(out, "order_signed_on", c.order_signed_on)
    _dated(out, "sent_on", c.sent_on)
    if c.delay_reason is not None:
        out["delay_reason"] = c.delay_reason
    return out


def _authorization_dict(a: Authorization) -> dict[str, object]:
    out: dict[str, object] = {}
    if a.number is not None:
        out["number"] = a.number
    _dated(out, "start", a.start)
    _dated(out, "end", a.end)
    if a.services:
        groups: list[dict[str, object]] = []
        for group in a.services:
            g: dict[str, object] = {}
            if group.codes:
                g["codes"] = list(group.codes)
            if group.visits is not None:
                g["visits"] = group.visits
            if group.units is not None:
                g["units"] = group.units
            if group.visits_used:
                g["visits_used"] = group.visits_used
            if group.units_used:
                g["units_used"] = group.units_used
            groups.append(g)
        out["services"] = groups
    return out


def visit_to_dict(visit: Visit) -> dict[str, object]:
    """The visit as `cleannote.visit/1` JSON data; `parse_visit` reads it back unchanged.

    Optional fields that are unset (None, empty, or the default) are left out.
    """
    v = visit
    bp = v.billing_provider
    rp = v.rendering_provider
    payer: dict[str, object] = {"name": v.payer.name, "payer_id": v.payer.payer_id}
    payer["kind"] = v.payer.kind.value
    if v.payer.claim_number is not None:
        payer["claim_number"] = v.payer.claim_number
    if v.payer.unit_method is not None:
        payer["unit_method"] = v.payer.unit_method.value
    if v.payer.modifier_style is not None:
        payer["modifier_style"] = v.payer.modifier_style.value
    if v.payer.medicare_secondary_type is not None:
        payer["medicare_secondary_type"] = v.payer.medicare_secondary_type.value
    if v.payer.timely_filing_days is not None:
        payer["timely_filing_days"] = v.payer.timely_filing_days
    if v.payer.policy_overrides:
        payer["policy_overrides"] = overrides_as_json(v.payer.policy_overrides)
    billing: dict[str, object] = {
        "name": bp.name,
        "npi": bp.npi,
        "tax_id": bp.tax_id,
        "taxonomy": bp.taxonomy,
        "address": _address_dict(bp.address),
    }
    if bp.pay_to_address is not None:
        billing["pay_to_address"] = _address_dict(bp.pay_to_address)
    if bp.last_name is not None:
        billing["last_name"] = bp.last_name
    if bp.first_name is not None:
        billing["first_name"] = bp.first_name
    out: dict[str, object] = {
        "schema": SCHEMA_ID,
        "id": v.id,
        "date_of_service": v.date_of_service.isoformat(),
        "place_of_service": v.place_of_service,
        "billing_provider": billing,
        "rendering_provider": {
            "first_name": rp.first_name,
            "last_name": rp.last_name,
            "npi": rp.npi,
            "credential": rp.credential.value,
            "taxonomy": rp.taxonomy,
        },
        "payer": payer,
        "subscriber": _person_dict(v.subscriber, subscriber=True),
        "patient": _person_dict(v.patient, subscriber=False),
    }
    if v.referral is not None:
        r = v.referral
        referral: dict[str, object] = {
            "first_name": r.first_name,
            "last_name": r.last_name,
            "npi": r.npi,
            "qualifier": r.qualifier.value,
            "date": r.date.isoformat(),
        }
        if r.diagnoses:
            referral["diagnoses"] = list(r.diagnoses)
        if r.authorized_visits is not None:
            referral["authorized_visits"] = r.authorized_visits
        if r.visit_number is not None:
            referral["visit_number"] = r.visit_number
        if r.expires is not None:
            referral["expires"] = r.expires.isoformat()
        out["referral"] = referral
    if v.accident is not None:
        accident: dict[str, object] = {"kind": v.accident.kind.value}
        if v.accident.date is not None:
            accident["date"] = v.accident.date.isoformat()
        if v.accident.state is not None:
            accident["state"] = v.accident.state
        out["accident"] = accident
    if v.prior_authorization is not None:
        out["prior_authorization"] = v.prior_authorization
    if v.initial_treatment is not None:
        out["initial_treatment"] = v.initial_treatment.isoformat()
    if v.service_facility is not None:
        facility: dict[str, object] = {
            "name": v.service_facility.name,
            "address": _address_dict(v.service_facility.address),
        }
        if v.service_facility.npi is not None:
            facility["npi"] = v.service_facility.npi
        out["service_facility"] = facility
    if v.assistant is not None:
        a = v.assistant
        out["assistant"] = {
            "first_name": a.first_name,
            "last_name": a.last_name,
            "npi": a.npi,
            "credential": a.credential.value,
            "taxonomy": a.taxonomy,
        }
    if v.plan_of_care is not None:
        poc = v.plan_of_care
        plan: dict[str, object] = {"start": poc.start.isoformat()}
        if poc.certified_through is not None:
            plan["certified_through"] = poc.certified_through.isoformat()
        plan["certified"] = poc.certified
        if poc.goals:
            plan["goals"] = [{"id": g.id, "text": g.text, "kind": g.kind.value} for g in poc.goals]
        if poc.certification is not None:
            plan["certification"] = _certification_dict(poc.certification)
        out["plan_of_care"] = plan
    if v.episode is not None:
        episode: dict[str, object] = {"treatment_day": v.episode.treatment_day}
        if v.episode.last_progress_report_day is not None:
            episode["last_progress_report_day"] = v.episode.last_progress_report_day
        if v.episode.therapy_ytd is not None:
            episode["therapy_ytd"] = {
                "pt_slp": _money_text(v.episode.therapy_ytd.pt_slp),
                "ot": _money_text(v.episode.therapy_ytd.ot),
            }
        out["episode"] = episode
    out["diagnoses"] = list(v.diagnoses)
    if v.diagnosis_onsets:
        out["diagnosis_onsets"] = [
            {"code": d.code, "onset": d.onset.isoformat()} for d in v.diagnosis_onsets
        ]
    if v.authorization is not None:
        out["authorization"] = _authorization_dict(v.authorization)
    out["services"] = [_service_dict(s) for s in v.services]
    if v.other_providers_same_day:
        out["other_providers_same_day"] = [
            {"code": o.code, "npi": o.npi} for o in v.other_providers_same_day
        ]
    if v.history:
        out["history"] = [
            {
                "date_of_service": h.date_of_service.isoformat(),
                "services": [_history_service_dict(s) for s in h.services],
            }
            for h in v.history
        ]
    return out


def _history_service_dict(s: HistoryService) -> dict[str, object]:
    out: dict[str, object] = {"code": s.code}
    if s.body_regions:
        out["body_regions"] = list(s.body_regions)
    if s.parameters:
        out["parameters"] = s.parameters
    return out


# --- reading files and streams ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadItem:
    """One visit read, or one reason a visit (or a whole file) could not be read."""

    source: str
    line: int | None
    visit: Visit | None
    error: VisitFormatError | None


_VISIT_SUFFIXES = (".json", ".jsonl", ".ndjson")


def _item(data: object, source: str, line: int | None) -> ReadItem:
    try:
        return ReadItem(source, line, parse_visit(data, source=source, line=line), None)
    except VisitFormatError as error:
        return ReadItem(source, line, None, error)


def _failure(source: str, line: int | None, problem: str, code: VisitErrorCode) -> ReadItem:
    return ReadItem(source, line, None, VisitFormatError(source, line, None, None, problem, code))


def _json_problem(exc: json.JSONDecodeError) -> str:
    return f"not valid JSON: {exc.msg} (column {exc.colno})"


def _read_document(text: str, source: str, first_line: int = 1) -> Iterator[ReadItem]:
    """A whole JSON document: one visit object, or an array of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield _failure(source, first_line + exc.lineno - 1, _json_problem(exc), _Code.NOT_JSON)
        return
    if type(data) is list:
        for i, element in enumerate(data):
            yield _item(element, f"{source}[{i}]", None)
    else:
        yield _item(data, source, None)


def _read_lines(lines: Iterable[str], source: str, start: int = 1) -> Iterator[ReadItem]:
    """One visit object per line; blank lines are skipped, line numbers count from 1."""
    for number, text in enumerate(lines, start):
        if not text or text.isspace():
            continue
        try:
            yield ReadItem(source, number, parse_visit_json(text, source=source, line=number), None)
        except VisitFormatError as error:
            yield ReadItem(source, number, None, error)


def _short_source(name: str) -> str:
    """A file name as given, cut short when it is too long to be one (one line per error)."""
    return name if len(name) <= 200 else name[:197] + "..."


@dataclass(frozen=True, slots=True)
class RawLines:
    """JSON Lines lines as read, not yet parsed; `first` is the number of the first one."""

    source: str
    first: int
    texts: list[str]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One JSON document (a visit or an array of visits), not yet read: a `.json` file's path,
    or the text of a stream that is one document, from its line `first_line`."""

    source: str
    path: str | None = None
    text: str | None = None
    first_line: int = 1


# What `read_raw` hands out: lines, a document, or why a path or stream could not be read.
RawUnit = RawLines | RawDocument | VisitFormatError
_RAW_CHUNK_LINES = 64  # lines per `RawLines` when the caller does not say: a few hundred KB


def read_raw(
    paths: Iterable[str | Path],
    stdin: TextIO | None = None,
    *,
    chunk_lines: int = _RAW_CHUNK_LINES,
) -> Iterator[RawUnit]:
    """The input as `read_visits` walks it, before any visit is parsed: the folder walk, JSON
    Lines told from a document, and a file that stops being UTF-8 text part way (its lines
    before, then the error). JSON Lines come as chunks of at most `chunk_lines` raw lines, so a
    stream of any length passes in constant memory. `items_of` parses a unit; `cleannote scrub
    --jobs N` hands the units to its workers to parse there."""
    for raw in paths:
        if str(raw) == "-":
            if stdin is None:
                yield _unreadable("<stdin>", "no standard input to read from", _Code.NO_INPUT)
            else:
                yield from _raw_stream(stdin, "<stdin>", chunk_lines)
            continue
        path = Path(raw)
        try:
            is_dir = path.is_dir()
        except OSError as exc:  # a name too long for the file system, for one
            yield _cannot_read(_short_source(str(raw)), exc)
            continue
        if is_dir:
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in _VISIT_SUFFIXES and p.is_file()
            )
            for file in found:
                yield from _raw_file(file, chunk_lines)
        else:
            yield from _raw_file(path, chunk_lines)


def _unreadable(source: str, problem: str, code: VisitErrorCode) -> VisitFormatError:
    return VisitFormatError(source, None, None, None, problem, code)


def _cannot_read(source: str, exc: OSError) -> VisitFormatError:
    return _unreadable(source, f"cannot read: {exc.strerror or exc}", _Code.CANNOT_READ)


def _raw_file(path: Path, chunk_lines: int) -> Iterator[RawUnit]:
    source = str(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        yield RawDocument(source, path=source)  # read whole by whoever parses it
        return
    try:
        stream = path.open(encoding="utf-8")
    except OSError as exc:
        yield _cannot_read(source, exc)
        return
    with stream:
        if suffix in (".jsonl", ".ndjson"):
            yield from _raw_lines(stream, source, 1, [], chunk_lines)
        else:
            yield from _raw_stream(stream, source, chunk_lines)


def _raw_stream(stream: TextIO, source: str, chunk_lines: int) -> Iterator[RawUnit]:
    """Tell JSON Lines from a single document by the first non-blank line, then read on.

    A first line that is a complete JSON object means one visit per line; anything else (an
    array, or an object spread over lines) is one document.
    """
    head: list[str] = []
    try:
        for first in stream:
            head.append(first)
            if first.isspace():
                continue
            if first.lstrip().startswith("{"):
                try:
                    json.loads(first)
                except json.JSONDecodeError:
                    pass
                else:
                    yield from _raw_lines(stream, source, 1, head, chunk_lines)
                    return
            yield RawDocument(source, text=first + stream.read(), first_line=len(head))
            return
    except UnicodeDecodeError:
        yield _unreadable(source, _NOT_UTF8, _Code.NOT_UTF8)
    except OSError as exc:
        yield _cannot_read(source, exc)


def _raw_lines(
    stream: TextIO, source: str, first: int, batch: list[str], chunk_lines: int
) -> Iterator[RawUnit]:
    """The stream's lines in chunks, after `batch` (lines already read, from line `first`); a
    stream that fails part way gives its lines before, then the reason."""
    failed: VisitFormatError | None = None
    try:
        for text in stream:
            batch.append(text)
            if len(batch) >= chunk_lines:
                yield RawLines(source, first, batch)
                first += len(batch)
                batch = []
    except UnicodeDecodeError:
        failed = _unreadable(source, _NOT_UTF8, _Code.NOT_UTF8)
    except OSError as exc:
        failed = _cannot_read(source, exc)
    if batch:
        yield RawLines(source, first, batch)
    if failed is not None:
        yield failed


def items_of(unit: RawUnit) -> Iterator[ReadItem]:
    """The visits of one `read_raw` unit, parsed, or why they could not be."""
    if isinstance(unit, VisitFormatError):
        yield ReadItem(unit.source, unit.line, None, unit)
    elif isinstance(unit, RawLines):
        yield from _read_lines(unit.texts, unit.source, unit.first)
    elif unit.text is not None:
        yield from _read_document(unit.text, unit.source, unit.first_line)
    else:
        try:
            text = Path(unit.path or unit.source).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            yield _failure(unit.source, None, _NOT_UTF8, _Code.NOT_UTF8)
        except OSError as exc:
            yield ReadItem(unit.source, None, None, _cannot_read(unit.source, exc))
        else:
            yield from _read_document(text, unit.source)


def read_visits(paths: Iterable[str | Path], stdin: TextIO | None = None) -> Iterator[ReadItem]:
    """Stream visits from files, folders and "-" (standard input), one item per visit.

    A `.json` file holds one visit or an array of visits; `.jsonl`/`.ndjson` hold one per line
    and are read a chunk of lines at a time, so a file of any size streams in constant memory.
    A folder is searched recursively for those three kinds, in path order. An unreadable file
    or line becomes one error item and reading carries on.
    """
    for unit in read_raw(paths, stdin):
        yield from items_of(unit)
