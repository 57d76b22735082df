"""The visit reader as it was before issue 9, frozen as a reference (do not edit).

`test_visit_reader_parity.py` reads generated visits, and broken variants of them, with this
reader and with `cleannote.rules.visit_format`, and asserts the same accept/refuse decision
and the same error path. It is the hand-written reader of commit f5cc3e8 with one change:
the exec-built positional builders (rules/frozen_builders.py, since removed) are the
dataclasses' own constructors, which take the same positional arguments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar, cast

from cleannote.rules.errors import RulesError
from cleannote.rules.visit import (
    ASSISTANT_CREDENTIALS,
    Accident,
    AccidentKind,
    Address,
    BillingProvider,
    Credential,
    Episode,
    Goal,
    GoalKind,
    HistoryService,
    HistoryVisit,
    Laterality,
    MedicareSecondaryType,
    ModifierStyle,
    OtherProviderService,
    Payer,
    PayerKind,
    Person,
    PlanOfCare,
    Referral,
    ReferralQualifier,
    Relationship,
    RenderingProvider,
    Service,
    ServiceFacility,
    Sex,
    TherapyYearToDate,
    UnitMethod,
    Visit,
)

T = TypeVar("T")
SCHEMA_ID = "cleannote.visit/1"


def frozen_builder(cls: type[T]) -> Callable[..., T]:
    return cls


class VisitFormatError(RulesError):
    """One problem with one visit (or one unreadable file), located precisely enough to fix."""

    def __init__(
        self,
        source: str,
        line: int | None,
        visit_id: str | None,
        field: str | None,
        problem: str,
    ) -> None:
        self.source = source
        self.line = line
        self.visit_id = visit_id
        self.field = field
        self.problem = problem
        where = source if line is None else f"{source}:{line}"
        if visit_id is not None:
            where += f": visit {visit_id}"
        if field:
            where += f": {field}"
        super().__init__(f"{where}: {problem}")

    def __reduce__(self) -> tuple[type[VisitFormatError], tuple[object, ...]]:
        return (
            VisitFormatError,
            (self.source, self.line, self.visit_id, self.field, self.problem),
        )


class _Problem(Exception):
    """Raised deep in the checks; `parse_visit` adds the source, line and visit id."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


_ABSENT = object()
# The earliest birth date accepted (the web forms refuse the same, and any date after today).
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
# Values under these roots are patient data: an error says what is wrong, never what was sent.
_PHI_ROOTS = ("subscriber", "patient")
_MONEY = re.compile(r"\d{1,9}(?:\.\d{1,2})?")
_DIGITS_2 = re.compile(r"\d{2}")
_STATE = re.compile(r"[A-Z]{2}")
_TIMES: dict[str, dt.time] = {
    f"{h:02d}:{m:02d}": dt.time(h, m) for h in range(24) for m in range(60)
}
_VISIT_ID_MAX = 20  # CLM01, the 837P patient control number, holds at most 20 characters

E = TypeVar("E", bound=StrEnum)


def _enum_table(enum: type[E]) -> dict[str, E]:
    return {member.value: member for member in enum}


_PAYER_KINDS = _enum_table(PayerKind)
_UNIT_METHODS = _enum_table(UnitMethod)
_MODIFIER_STYLES = _enum_table(ModifierStyle)
_CREDENTIALS = _enum_table(Credential)
_ASSISTANTS = {c.value: c for c in Credential if c in ASSISTANT_CREDENTIALS}
_SEXES = _enum_table(Sex)
_RELATIONSHIPS = _enum_table(Relationship)
_LATERALITIES = _enum_table(Laterality)
_QUALIFIERS = _enum_table(ReferralQualifier)
_ACCIDENT_KINDS = _enum_table(AccidentKind)
_GOAL_KINDS = _enum_table(GoalKind)
_MSP_TYPES = _enum_table(MedicareSecondaryType)

# Positional builders (field order) for the value objects: see rules/frozen_builders.py.
_new_address = frozen_builder(Address)
_new_billing_provider = frozen_builder(BillingProvider)
_new_rendering_provider = frozen_builder(RenderingProvider)
_new_payer = frozen_builder(Payer)
_new_person = frozen_builder(Person)
_new_referral = frozen_builder(Referral)
_new_accident = frozen_builder(Accident)
_new_goal = frozen_builder(Goal)
_new_plan_of_care = frozen_builder(PlanOfCare)
_new_ytd = frozen_builder(TherapyYearToDate)
_new_episode = frozen_builder(Episode)
_new_service = frozen_builder(Service)
_new_other_provider = frozen_builder(OtherProviderService)
_new_history_service = frozen_builder(HistoryService)
_new_history_visit = frozen_builder(HistoryVisit)
_new_service_facility = frozen_builder(ServiceFacility)
_new_visit = frozen_builder(Visit)
_ZERO = Decimal("0")


# --- describing a bad value ------------------------------------------------------------------


def _kind(value: object) -> str:
    if value is _ABSENT:
        return "nothing"
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


def _bad(d: dict[str, object], key: str, at: str, expected: str) -> _Problem:
    path = at + key
    if key not in d:
        return _Problem(path, "required field is missing")
    return _Problem(path, f"expected {expected}, {_got(d[key], path)}")


def _bad_item(value: object, path: str, expected: str) -> _Problem:
    return _Problem(path, f"expected {expected}, {_got(value, path)}")


def _object(value: object, path: str, allowed: frozenset[str]) -> dict[str, object]:
    if type(value) is not dict:
        raise _Problem(path, f"expected an object, got {_kind(value)}")
    if not value.keys() <= allowed:
        unknown = sorted(str(k) for k in value.keys() - allowed)[0]
        shown = unknown if len(unknown) <= 40 else unknown[:37] + "..."
        raise _Problem(
            f"{path}.{shown}" if path else shown, f"unknown field (not part of {SCHEMA_ID})"
        )
    return value


# --- per-type readers: `at` is the parent's path with a trailing dot, or "" at the top -------


def _str(d: dict[str, object], key: str, at: str) -> str:
    v = d.get(key)
    if type(v) is str and v:
        return v
    raise _bad(d, key, at, "a non-empty string")


def _opt_str(d: dict[str, object], key: str, at: str) -> str | None:
    v = d.get(key, _ABSENT)
    if v is _ABSENT:
        return None
    if type(v) is str and v:
        return v
    raise _bad(d, key, at, "a non-empty string")


def _npi(d: dict[str, object], key: str, at: str) -> str:
    v = d.get(key)
    if type(v) is str and len(v) == 10 and v.isascii() and v.isdigit():
        return v
    raise _bad(d, key, at, "an NPI of 10 digits")


def _opt_npi(d: dict[str, object], key: str, at: str) -> str | None:
    if key not in d:
        return None
    return _npi(d, key, at)


def _state(d: dict[str, object], key: str, at: str) -> str:
    v = d.get(key)
    if type(v) is str and _STATE.fullmatch(v):
        return v
    raise _bad(d, key, at, "a two-letter state code in capitals")


def _date(d: dict[str, object], key: str, at: str) -> dt.date:
    v = d.get(key)
    if type(v) is str and len(v) == 10 and v[4] == "-" and v[7] == "-":
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            pass
    raise _bad(d, key, at, "a date YYYY-MM-DD")


def _opt_date(d: dict[str, object], key: str, at: str) -> dt.date | None:
    if key not in d:
        return None
    return _date(d, key, at)


def _opt_time(d: dict[str, object], key: str, at: str) -> dt.time | None:
    v = d.get(key, _ABSENT)
    if v is _ABSENT:
        return None
    if type(v) is str:
        t = _TIMES.get(v)
        if t is not None:
            return t
    raise _bad(d, key, at, "HH:MM")


def _int(d: dict[str, object], key: str, at: str, low: int) -> int:
    v = d.get(key)
    if type(v) is int and v >= low:
        return v
    raise _bad(d, key, at, f"an integer of at least {low}")


def _opt_int(d: dict[str, object], key: str, at: str, low: int) -> int | None:
    if key not in d:
        return None
    return _int(d, key, at, low)


def _bool(d: dict[str, object], key: str, at: str) -> bool:
    v = d.get(key)
    if type(v) is bool:
        return v
    raise _bad(d, key, at, "true or false")


def _money(d: dict[str, object], key: str, at: str) -> Decimal:
    """Money is a decimal string ("120.00"); a whole JSON integer is accepted, a float never."""
    v = d.get(key)
    if type(v) is str and _MONEY.fullmatch(v):
        return Decimal(v)
    if type(v) is int and v >= 0:
        return Decimal(v)
    raise _bad(d, key, at, 'an amount as a decimal string like "120.00"')


def _enum(d: dict[str, object], key: str, at: str, table: dict[str, E]) -> E:
    v = d.get(key)
    if type(v) is str:
        member = table.get(v)
        if member is not None:
            return member
    raise _bad(d, key, at, "one of " + "|".join(table))


def _opt_enum(d: dict[str, object], key: str, at: str, table: dict[str, E]) -> E | None:
    if key not in d:
        return None
    return _enum(d, key, at, table)


def _list(d: dict[str, object], key: str, at: str, required: bool = False) -> list[object]:
    """A JSON array; an optional one may be left out when empty."""
    v = d.get(key, _ABSENT)
    if type(v) is list and (v or not required):
        return v
    if v is _ABSENT and not required:
        return []
    raise _bad(d, key, at, "a non-empty array" if required else "an array")


def _str_list(d: dict[str, object], key: str, at: str, required: bool = False) -> tuple[str, ...]:
    items = _list(d, key, at, required)
    for i, item in enumerate(items):
        if type(item) is not str or not item:
            raise _bad_item(item, f"{at}{key}[{i}]", "a non-empty string")
    return tuple(items)  # type: ignore[arg-type]  # every item checked above


def _parameters(d: dict[str, object], key: str, at: str) -> dict[str, object]:
    v = d.get(key, _ABSENT)
    if v is _ABSENT:
        return {}
    if type(v) is dict:
        return v
    raise _bad(d, key, at, "an object")


# --- fast paths ------------------------------------------------------------------------------
# Services and history make up most of a visit. These builders check the common, valid shape
# inline; anything unusual goes to the `_checked` twin, which either builds the object or
# raises the precise problem. So the messages live in one place and the fast path may be
# conservative, never lenient.

_AMOUNTS: dict[str, Decimal] = {}  # charges repeat across visits; bounded below
_AMOUNTS_MAX = 4096


def _amount(value: object) -> Decimal | None:
    if type(value) is str:
        amount = _AMOUNTS.get(value)
        if amount is None and _MONEY.fullmatch(value):
            if len(_AMOUNTS) >= _AMOUNTS_MAX:
                _AMOUNTS.clear()
            amount = _AMOUNTS[value] = Decimal(value)
        return amount
    return None


def _strings(value: object) -> tuple[str, ...] | None:
    """A list of non-empty strings as a tuple; () when absent; None when anything is off."""
    if value is _ABSENT:
        return ()
    if type(value) is not list:
        return None
    for item in value:
        if type(item) is not str or not item:
            return None
    return tuple(value)


def _address(value: object, path: str) -> Address:
    if type(value) is dict and value.keys() <= _ADDRESS:
        g = value.get
        line1, city, state, zip_code = g("line1"), g("city"), g("state"), g("zip")
        line2 = g("line2", _ABSENT)
        if (
            type(line1) is str
            and line1
            and type(city) is str
            and city
            and type(state) is str
            and len(state) == 2
            and state.isascii()
            and state.isalpha()
            and state.isupper()
            and type(zip_code) is str
            and zip_code
            and (line2 is _ABSENT or (type(line2) is str and line2))
        ):
            return _new_address(line1, city, state, zip_code, None if line2 is _ABSENT else line2)
    return _address_checked(value, path)


def _service(value: object, index: int) -> Service:
    if type(value) is dict and value.keys() <= _SERVICE:
        g = value.get
        code = g("code")
        charge = _amount(g("charge"))
        start = g("start", _ABSENT)
        start_time = None if start is _ABSENT else _TIMES.get(start) if type(start) is str else None
        end = g("end", _ABSENT)
        end_time = None if end is _ABSENT else _TIMES.get(end) if type(end) is str else None
        minutes = g("minutes")
        assistant = g("assistant_minutes", 0)
        laterality = g("laterality", _ABSENT)
        side = _LATERALITIES.get(laterality) if type(laterality) is str else None
        justification = g("justification")
        parameters = g("parameters", _ABSENT)
        pointers = g("diagnosis_pointers", _ABSENT)
        encounter = g("encounter", 1)
        npi = g("rendering_npi")
        units = g("units")
        # `_strings` inlined for the usual absent lists: a call each costs more than the test.
        regions = g("body_regions", _ABSENT)
        regions = () if regions is _ABSENT else _strings(regions)
        goals = g("goal_ids", _ABSENT)
        goals = () if goals is _ABSENT else _strings(goals)
        modifiers = g("modifiers", _ABSENT)
        modifiers = () if modifiers is _ABSENT else _strings(modifiers)
        if (
            type(code) is str
            and code
            and charge is not None
            and (start is _ABSENT or start_time is not None)
            and (end is _ABSENT or end_time is not None)
            and (minutes is None or (type(minutes) is int and minutes >= 0))
            and ("minutes" in value) == (minutes is not None)
            and type(assistant) is int
            and assistant >= 0
            and (laterality is _ABSENT or side is not None)
            and (justification is None or (type(justification) is str and justification))
            and ("justification" in value) == (justification is not None)
            and (parameters is _ABSENT or type(parameters) is dict)
            and (pointers is _ABSENT or (type(pointers) is list and _pointers_ok(pointers)))
            and type(encounter) is int
            and encounter >= 1
            and (
                npi is None
                or (type(npi) is str and len(npi) == 10 and npi.isascii() and npi.isdigit())
            )
            and ("rendering_npi" in value) == (npi is not None)
            and (units is None or (type(units) is int and units >= 1))
            and ("units" in value) == (units is not None)
            and regions is not None
            and goals is not None
            and modifiers is not None
        ):
            return _new_service(
                code,
                charge,
                start_time,
                end_time,
                minutes,
                assistant,
                regions,
                side,
                goals,
                (),  # goal_texts: the shell fills them; the JSON format has none
                justification,
                {} if parameters is _ABSENT else parameters,
                modifiers,
                () if pointers is _ABSENT else tuple(cast(list[int], pointers)),
                encounter,
                npi,
                units,
            )
    return _service_checked(value, f"services[{index}]")


def _pointers_ok(pointers: list[object]) -> bool:
    # A plain loop: a generator under all() costs more than the checks themselves.
    for p in pointers:  # noqa: SIM110
        if type(p) is not int or not 1 <= p <= 12:
            return False
    return True


def _history_visit(value: object, index: int) -> HistoryVisit:
    if type(value) is dict and value.keys() <= _HISTORY:
        day = value.get("date_of_service")
        services = value.get("services", _ABSENT)
        if type(day) is str and (services is _ABSENT or type(services) is list):
            built = []
            for item in () if services is _ABSENT else cast(list[object], services):
                if type(item) is not dict or not item.keys() <= _HISTORY_SERVICE:
                    break
                g = item.get
                code = g("code")
                regions = g("body_regions", _ABSENT)
                regions = () if regions is _ABSENT else _strings(regions)
                parameters = g("parameters", _ABSENT)
                if (
                    type(code) is not str
                    or not code
                    or regions is None
                    or not (parameters is _ABSENT or type(parameters) is dict)
                ):
                    break
                built.append(
                    _new_history_service(code, regions, {} if parameters is _ABSENT else parameters)
                )
            else:
                date_of_service = _date_or_none(day)
                if date_of_service is not None:
                    return _new_history_visit(date_of_service, tuple(built))
    return _history_visit_checked(value, f"history[{index}]")


_DATES: dict[str, dt.date] = {}  # a visit has several dates and they repeat; bounded below
_DATES_MAX = 4096


def _date_or_none(text: str) -> dt.date | None:
    day = _DATES.get(text)
    if day is not None:
        return day
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        if len(_DATES) >= _DATES_MAX:
            _DATES.clear()
        _DATES[text] = day
        return day
    return None


# --- the visit, section by section ------------------------------------------------------------

_ADDRESS = frozenset({"line1", "line2", "city", "state", "zip"})
_BILLING = frozenset({"name", "npi", "tax_id", "taxonomy", "address"})
# Rarer fields take the checked path, so the common visit pays nothing for them.
_BILLING_ALL = _BILLING | {"pay_to_address", "last_name", "first_name"}
_RENDERING = frozenset({"first_name", "last_name", "npi", "credential", "taxonomy"})
_PAYER = frozenset({"name", "payer_id", "kind", "claim_number", "unit_method", "modifier_style"})
_PAYER_ALL = _PAYER | {"medicare_secondary_type"}
_FACILITY = frozenset({"name", "address", "npi"})
_SUBSCRIBER = frozenset(
    {
        "member_id",
        "first_name",
        "last_name",
        "birth_date",
        "sex",
        "relationship",
        "group_number",
        "address",
    }
)
_PATIENT = frozenset({"id", "first_name", "last_name", "birth_date", "sex", "address"})
_REFERRAL = frozenset(
    {
        "first_name",
        "last_name",
        "npi",
        "qualifier",
        "date",
        "diagnoses",
        "authorized_visits",
        "visit_number",
        "expires",
    }
)
_ACCIDENT = frozenset({"kind", "date", "state"})
_PLAN = frozenset({"start", "certified_through", "certified", "goals"})
_GOAL = frozenset({"id", "text", "kind"})
_EPISODE = frozenset({"treatment_day", "last_progress_report_day", "therapy_ytd"})
_YTD = frozenset({"pt_slp", "ot"})
_SERVICE = frozenset(
    {
        "code",
        "start",
        "end",
        "minutes",
        "assistant_minutes",
        "body_regions",
        "laterality",
        "goal_ids",
        "justification",
        "parameters",
        "modifiers",
        "diagnosis_pointers",
        "charge",
        "encounter",
        "rendering_npi",
        "units",
    }
)
_OTHER = frozenset({"code", "npi"})
_HISTORY = frozenset({"date_of_service", "services"})
_HISTORY_SERVICE = frozenset({"code", "body_regions", "parameters"})
_VISIT = frozenset(
    {
        "schema",
        "id",
        "date_of_service",
        "place_of_service",
        "billing_provider",
        "rendering_provider",
        "payer",
        "subscriber",
        "patient",
        "referral",
        "accident",
        "prior_authorization",
        "plan_of_care",
        "episode",
        "diagnoses",
        "services",
        "other_providers_same_day",
        "history",
        "initial_treatment",
        "service_facility",
        "assistant",
    }
)


def _address_checked(value: object, path: str) -> Address:
    d = _object(value, path, _ADDRESS)
    at = path + "."
    return _new_address(
        _str(d, "line1", at),
        _str(d, "city", at),
        _state(d, "state", at),
        _str(d, "zip", at),
        _opt_str(d, "line2", at),
    )


def _required(d: dict[str, object], key: str, at: str) -> object:
    v = d.get(key, _ABSENT)
    if v is _ABSENT:
        raise _Problem(at + key, "required field is missing")
    return v


# A clinic's providers and payers repeat on every visit, so a valid one is remembered by its
# raw field values and shared (the objects are frozen). Only shapes whose values are strings
# or absent are remembered: a string equals only the same string, so a hit is exactly the
# input that was checked. Bounded: a stream of distinct ones must not grow them forever.
_SEEN_MAX = 1024
_BILLING_SEEN: dict[tuple[object, ...], BillingProvider] = {}
_RENDERING_SEEN: dict[tuple[object, ...], RenderingProvider] = {}
_PAYER_SEEN: dict[tuple[object, ...], Payer] = {}


def _billing_provider(value: object) -> BillingProvider:
    if type(value) is dict and value.keys() <= _BILLING:
        g = value.get
        name, npi, tax_id, taxonomy = g("name"), g("npi"), g("tax_id"), g("taxonomy")
        address = g("address", _ABSENT)
        key: tuple[object, ...] | None = None
        if type(address) is dict and address.keys() <= _ADDRESS:
            a = address.get
            key = (
                name,
                npi,
                tax_id,
                taxonomy,
                a("line1"),
                a("city"),
                a("state"),
                a("zip"),
                a("line2", _ABSENT),
            )
            seen = _BILLING_SEEN.get(key)
            if seen is not None:
                return seen
        if (
            type(name) is str
            and name
            and type(npi) is str
            and len(npi) == 10
            and npi.isascii()
            and npi.isdigit()
            and type(tax_id) is str
            and tax_id
            and type(taxonomy) is str
            and taxonomy
            and address is not _ABSENT
        ):
            built = _new_billing_provider(
                name,
                npi,
                tax_id,
                taxonomy,
                _address(address, "billing_provider.address"),
                None,
                None,
                None,
            )
            if key is not None and all(type(v) is str or v is _ABSENT for v in key):
                if len(_BILLING_SEEN) >= _SEEN_MAX:
                    _BILLING_SEEN.clear()
                _BILLING_SEEN[key] = built
            return built
    return _billing_provider_checked(value)


def _billing_provider_checked(value: object) -> BillingProvider:
    d = _object(value, "billing_provider", _BILLING_ALL)
    at = "billing_provider."
    pay_to = d.get("pay_to_address", _ABSENT)
    last_name = _opt_str(d, "last_name", at)
    first_name = _opt_str(d, "first_name", at)
    if first_name is not None and last_name is None:
        raise _Problem(at + "last_name", "required when first_name is given (a person)")
    return _new_billing_provider(
        _str(d, "name", at),
        _npi(d, "npi", at),
        _str(d, "tax_id", at),
        _str(d, "taxonomy", at),
        _address(_required(d, "address", at), "billing_provider.address"),
        None if pay_to is _ABSENT else _address(pay_to, "billing_provider.pay_to_address"),
        last_name,
        first_name,
    )


def _rendering_provider(value: object) -> RenderingProvider:
    if type(value) is dict and value.keys() <= _RENDERING:
        g = value.get
        first, last, npi, raw, taxonomy = (
            g("first_name"),
            g("last_name"),
            g("npi"),
            g("credential"),
            g("taxonomy"),
        )
        key = (first, last, npi, raw, taxonomy)
        seen = _RENDERING_SEEN.get(key)
        if seen is not None:
            return seen
        credential = _CREDENTIALS.get(raw) if type(raw) is str else None
        if (
            type(first) is str
            and first
            and type(last) is str
            and last
            and type(npi) is str
            and len(npi) == 10
            and npi.isascii()
            and npi.isdigit()
            and credential is not None
            and type(taxonomy) is str
            and taxonomy
        ):
            built = _new_rendering_provider(first, last, npi, credential, taxonomy)
            if len(_RENDERING_SEEN) >= _SEEN_MAX:
                _RENDERING_SEEN.clear()
            _RENDERING_SEEN[key] = built  # every value checked a string above
            return built
    d = _object(value, "rendering_provider", _RENDERING)
    at = "rendering_provider."
    return _new_rendering_provider(
        _str(d, "first_name", at),
        _str(d, "last_name", at),
        _npi(d, "npi", at),
        _enum(d, "credential", at, _CREDENTIALS),
        _str(d, "taxonomy", at),
    )


def _payer(value: object) -> Payer:
    if type(value) is dict and value.keys() <= _PAYER:
        g = value.get
        name, payer_id, raw_kind = g("name"), g("payer_id"), g("kind")
        claim, method, style = (
            g("claim_number", _ABSENT),
            g("unit_method", _ABSENT),
            g("modifier_style", _ABSENT),
        )
        key = (name, payer_id, raw_kind, claim, method, style)
        seen = _PAYER_SEEN.get(key)
        if seen is not None:
            return seen
        kind = _PAYER_KINDS.get(raw_kind) if type(raw_kind) is str else None
        unit_method = (
            None if type(method) is not str else _UNIT_METHODS.get(method)  # absent: None
        )
        modifier_style = None if type(style) is not str else _MODIFIER_STYLES.get(style)
        if (
            type(name) is str
            and name
            and type(payer_id) is str
            and payer_id
            and kind is not None
            and (claim is _ABSENT or (type(claim) is str and claim))
            and (method is _ABSENT or unit_method is not None)
            and (style is _ABSENT or modifier_style is not None)
        ):
            built = _new_payer(
                name,
                payer_id,
                kind,
                None if claim is _ABSENT else claim,
                unit_method,
                modifier_style,
                None,
            )
            if len(_PAYER_SEEN) >= _SEEN_MAX:
                _PAYER_SEEN.clear()
            _PAYER_SEEN[key] = built  # every value checked a string or absent above
            return built
    d = _object(value, "payer", _PAYER_ALL)
    at = "payer."
    return _new_payer(
        _str(d, "name", at),
        _str(d, "payer_id", at),
        _enum(d, "kind", at, _PAYER_KINDS),
        _opt_str(d, "claim_number", at),
        _opt_enum(d, "unit_method", at, _UNIT_METHODS),
        _opt_enum(d, "modifier_style", at, _MODIFIER_STYLES),
        _opt_enum(d, "medicare_secondary_type", at, _MSP_TYPES),
    )


def _assistant(value: object) -> RenderingProvider:
    """The assistant who furnished a visit billed under the supervising therapist."""
    d = _object(value, "assistant", _RENDERING)
    at = "assistant."
    return _new_rendering_provider(
        _str(d, "first_name", at),
        _str(d, "last_name", at),
        _npi(d, "npi", at),
        _enum(d, "credential", at, _ASSISTANTS),
        _str(d, "taxonomy", at),
    )


def _service_facility(value: object) -> ServiceFacility:
    d = _object(value, "service_facility", _FACILITY)
    at = "service_facility."
    return _new_service_facility(
        _str(d, "name", at),
        _address(_required(d, "address", at), "service_facility.address"),
        _opt_npi(d, "npi", at),
    )


def _subscriber(value: object) -> Person:
    if type(value) is dict and value.keys() <= _SUBSCRIBER:
        g = value.get
        first, last, born, raw_sex = g("first_name"), g("last_name"), g("birth_date"), g("sex")
        member_id, raw_relationship = g("member_id"), g("relationship")
        group, address = g("group_number", _ABSENT), g("address", _ABSENT)
        sex = _SEXES.get(raw_sex) if type(raw_sex) is str else None
        relationship = (
            _RELATIONSHIPS.get(raw_relationship) if type(raw_relationship) is str else None
        )
        birth_date = _date_or_none(born) if type(born) is str else None
        if (
            type(first) is str
            and first
            and type(last) is str
            and last
            and birth_date is not None
            and sex is not None
            and address is not _ABSENT
            and type(member_id) is str
            and member_id
            and relationship is not None
            and (group is _ABSENT or (type(group) is str and group))
        ):
            return _new_person(
                first,
                last,
                birth_date,
                sex,
                _address(address, "subscriber.address"),
                None,
                member_id,
                relationship,
                None if group is _ABSENT else group,
            )
    d = _object(value, "subscriber", _SUBSCRIBER)
    at = "subscriber."
    return _new_person(
        _str(d, "first_name", at),
        _str(d, "last_name", at),
        _date(d, "birth_date", at),
        _enum(d, "sex", at, _SEXES),
        _address(_required(d, "address", at), "subscriber.address"),
        None,
        _str(d, "member_id", at),
        _enum(d, "relationship", at, _RELATIONSHIPS),
        _opt_str(d, "group_number", at),
    )


def _patient(value: object) -> Person:
    if type(value) is dict and value.keys() <= _PATIENT:
        g = value.get
        first, last, born, raw_sex = g("first_name"), g("last_name"), g("birth_date"), g("sex")
        patient_id, address = g("id"), g("address", _ABSENT)
        sex = _SEXES.get(raw_sex) if type(raw_sex) is str else None
        birth_date = _date_or_none(born) if type(born) is str else None
        if (
            type(first) is str
            and first
            and type(last) is str
            and last
            and birth_date is not None
            and sex is not None
            and address is not _ABSENT
            and type(patient_id) is str
            and patient_id
        ):
            return _new_person(
                first,
                last,
                birth_date,
                sex,
                _address(address, "patient.address"),
                patient_id,
                None,
                None,
                None,
            )
    d = _object(value, "patient", _PATIENT)
    at = "patient."
    return _new_person(
        _str(d, "first_name", at),
        _str(d, "last_name", at),
        _date(d, "birth_date", at),
        _enum(d, "sex", at, _SEXES),
        _address(_required(d, "address", at), "patient.address"),
        _str(d, "id", at),
        None,
        None,
        None,
    )


def _referral(value: object) -> Referral:
    if type(value) is dict and value.keys() <= _REFERRAL:
        g = value.get
        first, last, npi, raw_qualifier, raw_date = (
            g("first_name"),
            g("last_name"),
            g("npi"),
            g("qualifier"),
            g("date"),
        )
        authorized, number = g("authorized_visits", _ABSENT), g("visit_number", _ABSENT)
        raw_expires = g("expires", _ABSENT)
        qualifier = _QUALIFIERS.get(raw_qualifier) if type(raw_qualifier) is str else None
        day = _date_or_none(raw_date) if type(raw_date) is str else None
        expires = _date_or_none(raw_expires) if type(raw_expires) is str else None
        diagnoses = _strings(g("diagnoses", _ABSENT))
        if (
            type(first) is str
            and first
            and type(last) is str
            and last
            and type(npi) is str
            and len(npi) == 10
            and npi.isascii()
            and npi.isdigit()
            and qualifier is not None
            and day is not None
            and diagnoses is not None
            and (authorized is _ABSENT or (type(authorized) is int and authorized >= 1))
            and (number is _ABSENT or (type(number) is int and number >= 1))
            and (raw_expires is _ABSENT or expires is not None)
        ):
            return _new_referral(
                first,
                last,
                npi,
                qualifier,
                day,
                diagnoses,
                None if authorized is _ABSENT else authorized,
                None if number is _ABSENT else number,
                expires,
            )
    d = _object(value, "referral", _REFERRAL)
    at = "referral."
    return _new_referral(
        _str(d, "first_name", at),
        _str(d, "last_name", at),
        _npi(d, "npi", at),
        _enum(d, "qualifier", at, _QUALIFIERS),
        _date(d, "date", at),
        _str_list(d, "diagnoses", at),
        _opt_int(d, "authorized_visits", at, 1),
        _opt_int(d, "visit_number", at, 1),
        _opt_date(d, "expires", at),
    )


def _accident(value: object) -> Accident:
    d = _object(value, "accident", _ACCIDENT)
    at = "accident."
    return _new_accident(
        _enum(d, "kind", at, _ACCIDENT_KINDS),
        _opt_date(d, "date", at),
        _state(d, "state", at) if "state" in d else None,
    )


def _goals_or_none(value: object) -> tuple[Goal, ...] | None:
    """The goals when every one has the plain valid shape; None sends the caller to the
    checked path, which names the problem."""
    if value is _ABSENT:
        return ()
    if type(value) is not list:
        return None
    goals = []
    for item in value:
        if type(item) is not dict or not item.keys() <= _GOAL:
            return None
        g = item.get
        goal_id, text, raw_kind = g("id"), g("text"), g("kind")
        kind = _GOAL_KINDS.get(raw_kind) if type(raw_kind) is str else None
        if not (type(goal_id) is str and goal_id and type(text) is str and text and kind):
            return None
        goals.append(_new_goal(goal_id, text, kind))
    return tuple(goals)


def _plan_of_care(value: object) -> PlanOfCare:
    if type(value) is dict and value.keys() <= _PLAN:
        g = value.get
        raw_start, certified, raw_through = g("start"), g("certified"), g("certified_through")
        start = _date_or_none(raw_start) if type(raw_start) is str else None
        through = _date_or_none(raw_through) if type(raw_through) is str else None
        goals = _goals_or_none(g("goals", _ABSENT))
        if (
            start is not None
            and type(certified) is bool
            and (through is not None or "certified_through" not in value)
            and goals is not None
        ):
            return _new_plan_of_care(start, certified, through, goals)
    d = _object(value, "plan_of_care", _PLAN)
    at = "plan_of_care."
    checked = []
    for i, item in enumerate(_list(d, "goals", at)):
        path = f"plan_of_care.goals[{i}]"
        goal = _object(item, path, _GOAL)
        gat = path + "."
        checked.append(
            _new_goal(
                _str(goal, "id", gat),
                _str(goal, "text", gat),
                _enum(goal, "kind", gat, _GOAL_KINDS),
            )
        )
    return _new_plan_of_care(
        _date(d, "start", at),
        _bool(d, "certified", at),
        _opt_date(d, "certified_through", at),
        tuple(checked),
    )


def _ytd_amount(value: object) -> Decimal | None:
    if type(value) is int:
        return Decimal(value) if value >= 0 else None
    return _amount(value)


def _episode(value: object) -> Episode:
    if type(value) is dict and value.keys() <= _EPISODE:
        g = value.get
        day, last, raw_ytd = g("treatment_day"), g("last_progress_report_day"), g("therapy_ytd")
        ytd: TherapyYearToDate | None = None
        ok = True
        if raw_ytd is not None:
            ok = type(raw_ytd) is dict and raw_ytd.keys() <= _YTD
            if ok:
                pt_slp = _ytd_amount(raw_ytd["pt_slp"]) if "pt_slp" in raw_ytd else _ZERO
                ot = _ytd_amount(raw_ytd["ot"]) if "ot" in raw_ytd else _ZERO
                ok = pt_slp is not None and ot is not None
                if ok:
                    ytd = _new_ytd(pt_slp, ot)
        if (
            ok
            and ("therapy_ytd" in value) == (raw_ytd is not None)
            and type(day) is int
            and day >= 1
            and (last is None or (type(last) is int and last >= 1))
            and ("last_progress_report_day" in value) == (last is not None)
        ):
            return _new_episode(day, last, ytd)
    d = _object(value, "episode", _EPISODE)
    at = "episode."
    checked_ytd = None
    if "therapy_ytd" in d:
        y = _object(d["therapy_ytd"], "episode.therapy_ytd", _YTD)
        yat = "episode.therapy_ytd."
        checked_ytd = _new_ytd(
            _money(y, "pt_slp", yat) if "pt_slp" in y else Decimal("0"),
            _money(y, "ot", yat) if "ot" in y else Decimal("0"),
        )
    return _new_episode(
        _int(d, "treatment_day", at, 1),
        _opt_int(d, "last_progress_report_day", at, 1),
        checked_ytd,
    )


def _service_checked(value: object, path: str) -> Service:
    d = _object(value, path, _SERVICE)
    at = path + "."
    pointers = _list(d, "diagnosis_pointers", at)
    for i, p in enumerate(pointers):
        if type(p) is not int or not 1 <= p <= 12:
            raise _bad_item(p, f"{at}diagnosis_pointers[{i}]", "an integer from 1 to 12")
    return _new_service(
        _str(d, "code", at),
        _money(d, "charge", at),
        _opt_time(d, "start", at),
        _opt_time(d, "end", at),
        _opt_int(d, "minutes", at, 0),
        _int(d, "assistant_minutes", at, 0) if "assistant_minutes" in d else 0,
        _str_list(d, "body_regions", at),
        _opt_enum(d, "laterality", at, _LATERALITIES),
        _str_list(d, "goal_ids", at),
        (),  # goal_texts
        _opt_str(d, "justification", at),
        _parameters(d, "parameters", at),
        _str_list(d, "modifiers", at),
        tuple(pointers),  # every pointer checked above
        _int(d, "encounter", at, 1) if "encounter" in d else 1,
        _opt_npi(d, "rendering_npi", at),
        _opt_int(d, "units", at, 1),
    )


def _other_provider(value: object, path: str) -> OtherProviderService:
    d = _object(value, path, _OTHER)
    at = path + "."
    return _new_other_provider(_str(d, "code", at), _npi(d, "npi", at))


def _history_visit_checked(value: object, path: str) -> HistoryVisit:
    d = _object(value, path, _HISTORY)
    at = path + "."
    services = []
    for i, item in enumerate(_list(d, "services", at)):
        spath = f"{at}services[{i}]"
        s = _object(item, spath, _HISTORY_SERVICE)
        sat = spath + "."
        services.append(
            _new_history_service(
                _str(s, "code", sat),
                _str_list(s, "body_regions", sat),
                _parameters(s, "parameters", sat),
            )
        )
    return _new_history_visit(_date(d, "date_of_service", at), tuple(services))


def _visit(d: dict[str, object]) -> Visit:
    _object(d, "", _VISIT)
    schema = d.get("schema", _ABSENT)
    if schema != SCHEMA_ID:
        if schema is _ABSENT:
            raise _Problem("schema", f'required field is missing (expected "{SCHEMA_ID}")')
        raise _Problem("schema", f'expected "{SCHEMA_ID}", {_got(schema, "schema")}')
    visit_id = _str(d, "id", "")
    if len(visit_id) > _VISIT_ID_MAX:
        raise _Problem("id", f"longer than {_VISIT_ID_MAX} characters (the claim's limit)")
    pos = d.get("place_of_service", "11")
    if type(pos) is not str or not _DIGITS_2.fullmatch(pos):
        raise _bad(d, "place_of_service", "", "a two-digit place of service code")
    referral = d.get("referral", _ABSENT)
    accident = d.get("accident", _ABSENT)
    plan = d.get("plan_of_care", _ABSENT)
    episode = d.get("episode", _ABSENT)
    facility = d.get("service_facility", _ABSENT)
    assistant = d.get("assistant", _ABSENT)
    visit = _new_visit(
        visit_id,
        _date(d, "date_of_service", ""),
        _billing_provider(_required(d, "billing_provider", "")),
        _rendering_provider(_required(d, "rendering_provider", "")),
        _payer(_required(d, "payer", "")),
        _subscriber(_required(d, "subscriber", "")),
        _patient(_required(d, "patient", "")),
        _str_list(d, "diagnoses", "", required=True),
        tuple(
            [_service(item, i) for i, item in enumerate(_list(d, "services", "", required=True))]
        ),
        pos,
        None if referral is _ABSENT else _referral(referral),
        None if accident is _ABSENT else _accident(accident),
        _opt_str(d, "prior_authorization", ""),
        None if plan is _ABSENT else _plan_of_care(plan),
        None if episode is _ABSENT else _episode(episode),
        tuple(
            [
                _other_provider(item, f"other_providers_same_day[{i}]")
                for i, item in enumerate(_list(d, "other_providers_same_day", ""))
            ]
        ),
        tuple([_history_visit(item, i) for i, item in enumerate(_list(d, "history", ""))]),
        _opt_date(d, "initial_treatment", ""),
        None if facility is _ABSENT else _service_facility(facility),
        None if assistant is _ABSENT else _assistant(assistant),
    )
    _check_birth_dates(visit)
    return visit


def _check_birth_dates(visit: Visit) -> None:
    """Nobody on a claim was born before 1900 or after the visit (the core reads no clock, so
    the date of service stands for today). The message withholds the date: it is patient data.
    """
    for person, path in ((visit.subscriber, "subscriber"), (visit.patient, "patient")):
        if person.birth_date < EARLIEST_BIRTH_DATE:
            raise _Problem(f"{path}.birth_date", "before 1900-01-01 (check the year)")
        if person.birth_date > visit.date_of_service:
            raise _Problem(f"{path}.birth_date", "after the date of service (check the year)")


def parse_visit(data: object, *, source: str = "<input>", line: int | None = None) -> Visit:
    """Build a `Visit` from one decoded JSON object, or raise `VisitFormatError`.

    `data` is used as is, never copied: a service's `parameters` is the caller's dict.
    """
    if type(data) is not dict:
        raise VisitFormatError(
            source, line, None, None, f"expected a JSON object (one visit), got {_kind(data)}"
        )
    try:
        return _visit(data)
    except _Problem as problem:
        raw_id = data.get("id")
        visit_id = raw_id if type(raw_id) is str and 0 < len(raw_id) <= 40 else None
        raise VisitFormatError(source, line, visit_id, problem.field, problem.problem) from None
