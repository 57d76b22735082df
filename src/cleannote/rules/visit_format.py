"""The public visit format, `cleannote.visit/1`: JSON in, `Visit` value objects out, and back.

This is the contract other systems write to (docs/visit-format.md, the JSON Schema in
`data/visit.schema.json`). The reader is strict so that a typo never silently drops data: an
unknown field, a wrong type or a malformed date is an error that names the file, the line, the
visit and the JSON path. It checks shape only; whether a code, NPI check digit or diagnosis
pointer makes sense for billing is the scrubber's business, reported as findings.

The shape is declared once, by the value objects themselves (`rules/visit.py`, frozen
`msgspec` structs whose field types carry the constraints), and `msgspec` decodes and checks
JSON straight into them in compiled code (docs/decisions/0300-visit-reader-on-msgspec.md). Its
errors are translated into ours: the path, the visit id, and what was expected (each field's
`Meta.description`), never a patient's value. The first problem found is raised; the reader
moves on to the next visit.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, TextIO, get_args, get_origin

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
    SCHEMA_ID,
    VISIT_ID_MAX,
    Address,
    AmountType,
    Authorization,
    BeneficiaryNotice,
    Certification,
    ClockTimeType,
    Credential,
    HistoryService,
    NotInFormatType,
    OverridesType,
    Person,
    RenderingProvider,
    Service,
    Visit,
)


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


# --- decoding straight into the value objects ------------------------------------------------
# The value objects in `rules/visit.py` are the format's declaration (docs/decisions/0300). Three
# places where the format is narrower than them are checked after decoding, cheaply, and any
# visit they refuse is read again by `_EXPLAIN` (derived from the same declarations) for the
# message: a subscriber and a patient are both a `Person` but have different required fields,
# and an assistant's credential is an assistant's.

_MONEY = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,2})?")
_CLOCK = {f"{h:02d}:{m:02d}": dt.time(h, m) for h in range(24) for m in range(60)}  # a table


class _UncheckedOverrides(dict[str, Any]):
    """A payer record's overrides that `check_overrides` refused: kept until the whole visit is
    decoded, so that a problem before it in the visit is named first, as before."""


OverridesType.register(_UncheckedOverrides)


def _decode_hook(kind: type, value: Any) -> Any:
    if kind is AmountType:
        if type(value) is str:
            if _MONEY.fullmatch(value):
                return Decimal(value)
        elif type(value) is int and value >= 0:
            return Decimal(value)
    elif kind is ClockTimeType:
        clock = _CLOCK.get(value) if type(value) is str else None
        if clock is not None:
            return clock
    elif kind is OverridesType:
        if type(value) is dict and all(type(k) is str for k in value):
            try:
                return check_overrides(value)
            except OverrideError:
                return _UncheckedOverrides(value)
    elif kind is not NotInFormatType:
        raise NotImplementedError(kind)
    raise ValueError("refused")  # the message is ours, from the field's description


class _NotAVisit(msgspec.Struct, frozen=True, tag_field="schema", tag="\x00"):
    """Never decoded: with it, `Visit` is one of a tagged union, so `schema` is required."""


_TOP = Visit | _NotAVisit
_TEXT_DECODER = msgspec.json.Decoder(_TOP, dec_hook=_decode_hook)


def _fields(struct: type[msgspec.Struct], names: Iterable[str], required: set[str]) -> list[Any]:
    """Fields of `struct` named `names`, in that order, as `msgspec.defstruct` takes them."""
    info = {f.name: f for f in msgspec.structs.fields(struct)}
    out: list[Any] = []
    for name in names:
        f = info[name]
        if name in required:
            out.append((name, f.type))
        elif f.default_factory is not msgspec.NODEFAULT:
            out.append((name, f.type, msgspec.field(default_factory=f.default_factory)))
        else:
            out.append((name, f.type, f.default))
    return out


def _shape(name: str, fields: list[Any]) -> Any:
    return msgspec.defstruct(name, fields, forbid_unknown_fields=True, frozen=True, gc=False)


_PERSON = ("first_name", "last_name", "birth_date", "sex", "address")
_SUBSCRIBER_ONLY = ("member_id", "relationship", "group_number")
# Fields in the order their absence is reported.
_SubscriberIn = _shape(
    "Subscriber",
    _fields(Person, (*_PERSON, *_SUBSCRIBER_ONLY), {*_PERSON, "member_id", "relationship"}),
)
_PatientIn = _shape("Patient", _fields(Person, (*_PERSON, "id"), {*_PERSON, "id"}))
_ASSISTANT_CODES = tuple(c.value for c in Credential if c in ASSISTANT_CREDENTIALS)
_AssistantIn = _shape(
    "Assistant",
    [
        (name, type_, *rest)
        if name != "credential"
        else (
            name,
            Annotated[
                Literal["PTA", "COTA", "SLPA"],
                msgspec.Meta(description="one of " + "|".join(_ASSISTANT_CODES)),
            ],
        )
        for name, type_, *rest in _fields(
            RenderingProvider,
            (f.name for f in msgspec.structs.fields(RenderingProvider)),
            {f.name for f in msgspec.structs.fields(RenderingProvider)},
        )
    ],
)
_NARROWER = {"subscriber": _SubscriberIn, "patient": _PatientIn, "assistant": _AssistantIn}
_VISIT_FIELDS = msgspec.structs.fields(Visit)
# The whole format for the messages: `schema` first, then the visit's fields, the three above
# narrowed. Only a visit the decoder or `_fits` refused is read with it.
_EXPLAIN = _shape(
    "VisitIn",
    [
        (
            "schema",
            Annotated[Literal["cleannote.visit/1"], msgspec.Meta(description=f'"{SCHEMA_ID}"')],
        ),
        *(
            (name, _NARROWER.get(name, type_), *rest)
            for name, type_, *rest in _fields(
                Visit,
                (f.name for f in _VISIT_FIELDS),
                {f.name for f in _VISIT_FIELDS if f.required},
            )
        ),
    ],
)


def _fits(visit: Visit) -> bool:
    """Whether the decoded visit is also inside the three narrower shapes."""
    s, p, a = visit.subscriber, visit.patient, visit.assistant
    return (
        s.address is not None
        and s.member_id is not None
        and s.relationship is not None
        and s.id is None
        and p.address is not None
        and p.id is not None
        and p.member_id is None
        and p.relationship is None
        and p.group_number is None
        and (a is None or a.credential in ASSISTANT_CREDENTIALS)
    )


def _checked(visit: Visit) -> Visit:
    """The visit, after the checks that span fields (in the order the old reader made them)."""
    overrides: object = visit.payer.policy_overrides
    if type(overrides) is _UncheckedOverrides:
        _refuse_overrides(overrides)
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


def _refuse_overrides(raw: dict[str, Any]) -> NoReturn:
    """The payer record's first refused override, named as the payer directory names it."""
    try:
        check_overrides(raw)
    except OverrideError as refused:
        name, problem = sorted(refused.errors.items())[0]
        shown = name if len(name) <= 40 else name[:37] + "..."
        raise _Problem(
            f"payer.policy_overrides.{shown}", problem, _override_code(name, raw[name])
        ) from None
    raise AssertionError("overrides refused once are refused again")


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


def _read(data: dict[str, object]) -> Visit:
    """The visit for decoded data, or `_Problem`: decoded straight into the value objects; a
    refusal is explained by reading the data again with `_EXPLAIN`."""
    try:
        visit = msgspec.convert(data, _TOP, dec_hook=_decode_hook)
    except msgspec.ValidationError:
        pass
    else:
        if type(visit) is Visit and _fits(visit):
            return _checked(visit)
    try:
        msgspec.convert(data, _EXPLAIN, dec_hook=_decode_hook)
    except msgspec.ValidationError as error:
        raise _translate(str(error), data) from None
    raise AssertionError("the format refuses what the value objects refused")


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
        return _read(data)
    except _Problem as problem:
        raise VisitFormatError(
            source, line, _shown_id(data), problem.field, problem.problem, problem.code
        ) from None


def parse_visit_json(
    text: str | bytes, *, source: str = "<input>", line: int | None = None
) -> Visit:
    """Build a `Visit` from one visit's JSON text (a JSON Lines line), or raise
    `VisitFormatError`; decoding and checking are one compiled pass, without `json.loads`."""
    try:
        visit = _TEXT_DECODER.decode(text)
        if type(visit) is Visit and _fits(visit):
            return _checked(visit)
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
    bare = _strip(kind)
    if bare is NotInFormatType:  # a field of the value object that the format leaves out
        what, kind, path = "Object contains unknown field `", _type_at(steps[:-1]), _parent(path)
        value = data
        for step in steps[:-1]:
            value = value[step]  # type: ignore[index]
    if what.startswith("Object missing required field `"):
        name = what.split("`")[1]
        field = f"{path}.{name}" if path else name
        if field == "schema":
            return _Problem(
                field, f'required field is missing (expected "{SCHEMA_ID}")', _Code.MISSING_FIELD
            )
        return _Problem(field, "required field is missing", _Code.MISSING_FIELD)
    if what.startswith("Object contains unknown field `"):
        known = {
            f.encode_name
            for f in msgspec.structs.fields(_struct_of(kind))
            if _strip(f.type) is not NotInFormatType
        }
        unknown = sorted(str(k) for k in value.keys() - known)[0]  # type: ignore[attr-defined]
        shown = unknown if len(unknown) <= 40 else unknown[:37] + "..."
        return _Problem(
            f"{path}.{shown}" if path else shown,
            f"unknown field (not part of {SCHEMA_ID})",
            _Code.UNKNOWN_FIELD,
        )
    if path == "id" and type(value) is str and len(value) > VISIT_ID_MAX:
        return _Problem(
            "id", f"longer than {VISIT_ID_MAX} characters (the claim's limit)", _Code.OUT_OF_RANGE
        )
    if bare is OverridesType and type(value) is dict:  # a key that is not text
        return _Problem(path, "expected an object with text keys", _Code.WRONG_TYPE)
    if _struct_of(kind) is not None:
        return _Problem(path, f"expected an object, got {_kind(value)}", _Code.WRONG_TYPE)
    return _Problem(path, f"expected {_description(kind)}, {_got(value, path)}", _code(kind, value))


def _parent(path: str) -> str:
    return path.rpartition(".")[0]


def _code(kind: Any, value: object) -> VisitErrorCode:
    """What kind of refusal a value of the declared `kind` is: of the wrong JSON type, or of the
    right type and wrong in its text, code list or bounds (read from the declared type)."""
    bare = _strip(kind)
    if bare is AmountType:  # an amount: text like "120.00", or a whole number
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
    if bare is ClockTimeType:
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
    return bare if isinstance(bare, type) and issubclass(bare, msgspec.Struct) else None


def _type_at(steps: list[str | int]) -> Any:
    kind: Any = _EXPLAIN
    for step in steps:
        bare = _strip(kind)
        if isinstance(step, int):
            kind = get_args(bare)[0]
        else:
            kind = next(f.type for f in msgspec.structs.fields(bare) if f.encode_name == step)
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
        if v.accident.pip_exhausted_on is not None:
            accident["pip_exhausted_on"] = v.accident.pip_exhausted_on.isoformat()
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
    if v.notices is not None:
        out["notices"] = [_notice_dict(n) for n in v.notices]
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


def _notice_dict(n: BeneficiaryNotice) -> dict[str, object]:
    out: dict[str, object] = {
        "signed_on": n.signed_on.isoformat(),
        "option": n.option,
        "codes": list(n.codes),
    }
    _dated(out, "through", n.through)
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
