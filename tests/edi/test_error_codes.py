"""Every refusal of the core's X12 readers and claim writers carries a code (ADR 0420).

The guard reads the source of `cleannote.edi` and `cleannote.forms`: an `X12Error` or
`segment_error` built without `code=`, or an `X12WriteError` with neither a rule nor a code,
fails here. The table below trips each read code with a real file, and checks the message a
person reads is still the same words.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import pickle
import pkgutil
from collections.abc import Callable, Iterator
from importlib import import_module
from types import ModuleType

import pytest

import cleannote.edi
import cleannote.forms
from cleannote.edi import error_codes
from cleannote.edi.envelope import ControlNumbers, X12WriteError
from cleannote.edi.error_codes import WriteErrorCode, X12ReadErrorCode, write_code_of
from cleannote.edi.tokenizer import MAX_SEGMENT_LENGTH, X12Error, iter_segments
from cleannote.edi.transactions import read_any
from cleannote.edi.x12_270 import EligibilityRequest, write_270
from cleannote.edi.x12_271 import explain_aaa
from cleannote.edi.x12_835 import read_835
from cleannote.edi.x12_837p import write_837p
from cleannote.edi.x12_999 import read_999
from cleannote.forms.cms1500 import FormClaim, FormError, check_form_claim
from cleannote.rules.claim_format_limits import CALLER_GUARDS, FORMAT_LIMITS
from tests.edi.envelopes import ISA, REMIT_BODY, wrap
from tests.edi.factories import CONTROL, CREATED, RECEIVER, SUBMITTER, claim, visit

# --- the guard -------------------------------------------------------------------------------

_READ_ERRORS = ("X12Error", "segment_error")
# Helpers that build a read error with one fixed code. Their own `segment_error` call is checked
# below like any other; each call to them is a raise site too, so the count below sees them.
_CODED_READ_HELPERS = ("_before_any_clp", "_envelope_error", "_too_many")
_WRITE_ERRORS = {"X12WriteError": (1, 2)}  # positions of its `rule` and `code` arguments


def _core_modules() -> Iterator[ModuleType]:
    for package in (cleannote.edi, cleannote.forms):
        for info in pkgutil.iter_modules(package.__path__):
            yield import_module(f"{package.__name__}.{info.name}")


def _calls() -> Iterator[tuple[str, str, ast.Call]]:
    """(where, the error's name, the call) for each construction of a core error."""
    for module in _core_modules():
        tree = ast.parse(inspect.getsource(module))
        read_subclasses = {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and any(isinstance(b, ast.Name) and b.id == "X12Error" for b in node.bases)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in read_subclasses:
                for call in ast.walk(node):
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "__init__"
                    ):
                        yield f"{module.__name__}:{call.lineno}", "X12Error", call
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                name = node.func.id
                if name in _READ_ERRORS or name in _WRITE_ERRORS:
                    yield f"{module.__name__}:{node.lineno}", name, node


CALLS = list(_calls())


def _coded_helper_calls() -> list[str]:
    """The names of the calls to `_CODED_READ_HELPERS`, one per raise site."""
    return [
        node.func.id
        for module in _core_modules()
        for node in ast.walk(ast.parse(inspect.getsource(module)))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _CODED_READ_HELPERS
    ]


def test_the_guard_finds_the_raise_sites() -> None:
    # a refactor that hid the calls from the parse would make the test below vacuous
    names = [name for _, name, _ in CALLS]
    helpers = _coded_helper_calls()
    assert set(helpers) == set(_CODED_READ_HELPERS)
    assert names.count("segment_error") + len(helpers) >= 30
    assert names.count("X12Error") >= 8
    assert names.count("X12WriteError") >= 40


@pytest.mark.parametrize(("where", "name", "call"), CALLS, ids=[c[0] for c in CALLS])
def test_every_core_error_is_built_with_a_code(where: str, name: str, call: ast.Call) -> None:
    keywords = {k.arg for k in call.keywords}
    if name in _READ_ERRORS:
        assert "code" in keywords, f"{where}: {name} without code="
        return
    rule_at, code_at = _WRITE_ERRORS[name]
    has_rule = "rule" in keywords or len(call.args) > rule_at
    has_code = "code" in keywords or len(call.args) > code_at
    assert has_rule or has_code, f"{where}: {name} with neither a rule nor a code"


def test_every_caller_guard_has_its_code_and_every_format_rule_is_one() -> None:
    assert set(error_codes._CALLER_CODES) == set(CALLER_GUARDS)
    assert {write_code_of(rule) for rule in FORMAT_LIMITS} == {WriteErrorCode.FORMAT_RULE}
    assert {write_code_of(rule) for rule in CALLER_GUARDS} == set(WriteErrorCode) - {
        WriteErrorCode.FORMAT_RULE,
        WriteErrorCode.SERVICE_TYPE,
    }
    with pytest.raises(ValueError, match="has no write error code"):
        write_code_of("")


# --- each read code, tripped by a file -------------------------------------------------------


def _file(*body: str) -> bytes:
    return wrap(list(body)).encode()


def _remit(*changes: tuple[int, str]) -> bytes:
    body = list(REMIT_BODY)
    for index, segment in changes:
        body[index] = segment
    return wrap(body).encode()


def _835(data: bytes) -> object:
    return list(read_835(data, source="r.835"))


def _segments(data: bytes) -> object:
    return list(iter_segments(data, source="r.835"))


def _any(data: bytes) -> object:
    return read_any(data, source="r.x12")


_GOOD = wrap(REMIT_BODY)
_TOO_MANY_CAS = wrap([*REMIT_BODY[:8], *["CAS*CO*45*0"] * 100, *REMIT_BODY[8:]])

READ_CASES = [
    pytest.param(
        X12ReadErrorCode.NOT_X12,
        _segments,
        b"NOT X12",
        "r.835: segment 1 (NOT): expected ISA; the file does not start with an interchange header",
        id="not-x12",
    ),
    pytest.param(
        X12ReadErrorCode.BAD_ENCODING,
        _segments,
        ISA.encode() + b"GS\xff~",
        "r.835: byte offset 108: the bytes are not valid utf-8 text",
        id="bad-encoding",
    ),
    pytest.param(
        X12ReadErrorCode.TRUNCATED,
        _segments,
        _GOOD.rsplit("\n", 1)[0].encode(),
        "r.835: segment 31 (GE): expected IEA before the end of the file; the file is truncated",
        id="truncated",
    ),
    pytest.param(
        X12ReadErrorCode.BAD_ENVELOPE,
        _segments,
        (ISA + "\nST*835*0001~").encode(),
        "r.835: segment 2 (ST): expected GS; ST came outside a functional group",
        id="bad-envelope",
    ),
    pytest.param(
        X12ReadErrorCode.BAD_SEGMENT,
        _835,
        _remit((5, "L!*1")),
        "r.835: segment 9 (?): expected a segment id; "
        "the segment id is not 2-3 capital letters or digits",
        id="bad-segment",
    ),
    pytest.param(
        X12ReadErrorCode.COUNT_MISMATCH,
        _segments,
        _GOOD.replace("GE*1*7~", "GE*2*7~").encode(),
        "r.835: segment 31 (GE): expected the number of transaction sets; GE01 says 2 but "
        "there are 1",
        id="count-mismatch",
    ),
    pytest.param(
        X12ReadErrorCode.CONTROL_NUMBER_MISMATCH,
        _segments,
        _GOOD.replace("GE*1*7~", "GE*1*8~").encode(),
        "r.835: segment 31 (GE): expected the control number of the matching GS; "
        "GE02 does not match GS06",
        id="control-number-mismatch",
    ),
    pytest.param(
        X12ReadErrorCode.WRONG_TRANSACTION,
        lambda data: list(read_999(data, source="r.835")),
        _GOOD.encode(),
        "r.835: segment 3 (ST): expected 999 in ST01; found transaction set '835'",
        id="wrong-transaction",
    ),
    pytest.param(
        X12ReadErrorCode.UNSUPPORTED_TRANSACTION,
        _any,
        wrap(["BHT*0022"], st01="276").encode(),
        "r.x12: expected one of 835, 271, 277, 999, 837P; transaction set '276' has no reader",
        id="unsupported-transaction",
    ),
    pytest.param(
        X12ReadErrorCode.MISSING_SEGMENT,
        _835,
        wrap(REMIT_BODY[1:]).encode(),
        "r.835: segment 29 (SE): expected BPR after ST; the set has no BPR segment",
        id="missing-segment",
    ),
    pytest.param(
        X12ReadErrorCode.OUT_OF_ORDER,
        _835,
        _remit((5, "CAS*CO*45*1.00")),
        "r.835: segment 9 (CAS): expected CLP; CAS came before any CLP",
        id="out-of-order",
    ),
    pytest.param(
        X12ReadErrorCode.BAD_ELEMENT,
        _835,
        _remit((7, "CAS*PR*2*twenty")),
        "r.835: segment 11 (CAS): expected a decimal amount in CAS03; it is not a decimal number",
        id="bad-element",
    ),
    pytest.param(
        X12ReadErrorCode.TOO_MANY,
        _835,
        _TOO_MANY_CAS.encode(),
        "r.835: segment 110 (CAS): expected at most 99 CAS segments per claim; "
        "this is the 100th CAS segment of one claim",
        id="too-many",
    ),
    pytest.param(
        X12ReadErrorCode.TOO_LARGE,
        _segments,
        (ISA + "GS*HP*" + "A" * (2 * MAX_SEGMENT_LENGTH)).encode(),
        f"r.835: segment 2 (GS): expected a segment terminator '~' within "
        f"{MAX_SEGMENT_LENGTH:,} characters; the segment runs on past that",
        id="too-large",
    ),
    pytest.param(
        X12ReadErrorCode.UNKNOWN_CODE,
        lambda _: explain_aaa("ZZ"),
        b"",
        "aaa_reasons.json: 'ZZ' is not an AAA03 reason code we know",
        id="unknown-code",
    ),
]


def test_every_read_code_has_a_tripping_file() -> None:
    tripped = {case.values[0] for case in READ_CASES}
    assert tripped == set(X12ReadErrorCode) - {X12ReadErrorCode.NOT_FOUND}  # the CLI's own


@pytest.mark.parametrize(("code", "read", "data", "message"), READ_CASES)
def test_a_refused_file_carries_its_code_and_the_same_words(
    code: X12ReadErrorCode, read: Callable[[bytes], object], data: bytes, message: str
) -> None:
    # when
    with pytest.raises(X12Error) as raised:
        read(data)
    # then
    assert raised.value.code is code
    assert str(raised.value) == message


def test_the_near_miss_reads() -> None:
    # the file every tripping case above was cut from reads whole
    [remittance] = read_835(_GOOD.encode(), source="r.835")
    assert remittance.claim_count == 2


# --- the writers -----------------------------------------------------------------------------


def _837(*claims: object) -> bytes:
    return write_837p(
        claims,  # type: ignore[arg-type]
        submitter=SUBMITTER,
        receiver=RECEIVER,
        control=CONTROL,
        created=CREATED,
    )


def _270(requests: list[EligibilityRequest]) -> bytes:
    return write_270(
        requests, submitter=SUBMITTER, receiver=RECEIVER, control=CONTROL, created=CREATED
    )


_REQUEST = EligibilityRequest.from_visit(visit(), trace="E-100")

WRITE_CASES = [
    pytest.param(lambda: _837(), WriteErrorCode.EMPTY_BATCH, "caller.batch", id="837p-empty-batch"),
    pytest.param(
        lambda: _837(claim(visit(diagnoses=tuple(f"M{n:02d}.0" for n in range(10, 23))))),
        WriteErrorCode.FORMAT_RULE,
        "format.diagnosis-count",
        id="837p-format-rule",
    ),
    pytest.param(
        lambda: ControlNumbers(0, 1, 1), WriteErrorCode.ENVELOPE, "caller.envelope", id="envelope"
    ),
    pytest.param(lambda: _270([]), WriteErrorCode.EMPTY_BATCH, "", id="270-empty-batch"),
    pytest.param(
        lambda: _270([dataclasses.replace(_REQUEST, service_types=("!",))]),
        WriteErrorCode.SERVICE_TYPE,
        "",
        id="270-service-type",
    ),
    pytest.param(
        lambda: _270([dataclasses.replace(_REQUEST, trace="")]),
        WriteErrorCode.FORMAT_RULE,
        "format.required",
        id="270-wrapped-format-rule",
    ),
]


@pytest.mark.parametrize(("write", "code", "rule"), WRITE_CASES)
def test_a_writer_refusal_carries_its_code_and_rule(
    write: Callable[[], object], code: WriteErrorCode, rule: str
) -> None:
    with pytest.raises(X12WriteError) as raised:
        write()
    assert (raised.value.code, raised.value.rule) == (code, rule)


def test_the_code_survives_a_trip_between_processes() -> None:
    # given
    error = X12WriteError("EQ needs 1 to 99 service type codes", code=WriteErrorCode.SERVICE_TYPE)
    # when
    copy = pickle.loads(pickle.dumps(error))
    # then
    assert (str(copy), copy.rule, copy.code) == (str(error), "", WriteErrorCode.SERVICE_TYPE)


def test_a_form_refusal_carries_the_code_of_its_rule() -> None:
    # given a claim without lines
    form = FormClaim(visit=visit(), lines=())
    # when
    with pytest.raises(FormError) as raised:
        check_form_claim(form)
    # then
    assert (raised.value.code, raised.value.rule) == (WriteErrorCode.FORMAT_RULE, "format.no-lines")
    assert pickle.loads(pickle.dumps(raised.value)).code is WriteErrorCode.FORMAT_RULE
