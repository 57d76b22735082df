"""Every refusal of the 837P writer and the CMS-1500 renderer maps to a scrub rule (ADR 0350).

The writers raise `X12WriteError`/`FormError` with the id of a row of
`rules.claim_format_limits` (or a `caller.*` id for what the caller passes besides the visit).
This test reads their source: a new `raise` without a rule id, or with an id no catalog entry
carries, fails here. The tripping cases below are the ones the issue saw: the scrubber called
them clean and `cleannote edi 837` refused them.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import msgspec
import pytest

from cleannote.edi import envelope, x12_837p, x12_values
from cleannote.edi.envelope import X12WriteError
from cleannote.edi.x12_837p import ClaimToSend, write_837p
from cleannote.forms import cms1500, cms1500_layout
from cleannote.forms.cms1500 import FormClaim, check_form_claim
from cleannote.rules.claim_format_limits import (
    CALLER_GUARDS,
    FORM_IDENTIFIER_WIDTHS,
    FORMAT_LIMITS,
)
from cleannote.rules.findings import Severity
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Address
from tests.edi.factories import CONTROL, CREATED, RECEIVER, SUBMITTER
from tests.rules.scrub.factories import BILLING_ADDRESS, visit

WRITER_MODULES = (x12_837p, x12_values, envelope, cms1500)
_ERRORS = {"X12WriteError": 1, "FormError": 3}  # exception: position of its `rule` argument
_RULE_KEYWORDS = ("rule", "zip_rule")
_RULE_PREFIXES = ("format.", "caller.", "address.")


def _known(rule: str) -> bool:
    return rule in RULES or rule in CALLER_GUARDS


def _module_constants(tree: ast.Module) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and node.value.value.startswith(_RULE_PREFIXES)
        ):
            found[node.targets[0].id] = node.value.value
    return found


def _rule_ids(expr: ast.expr, constants: dict[str, str]) -> list[str]:
    """The rule ids an expression can evaluate to (string constants that look like ids)."""
    if isinstance(expr, ast.Name) and expr.id in constants:
        return [constants[expr.id]]
    return [
        node.value
        for node in ast.walk(expr)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value
    ]


def _guards(module: ModuleType) -> Iterator[tuple[str, ast.expr | None, ast.FunctionDef | None]]:
    """(where, the rule expression or None, the enclosing function) per raise of a writer error."""
    tree = ast.parse(inspect.getsource(module))
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        call = node.exc
        if not isinstance(call.func, ast.Name) or call.func.id not in _ERRORS:
            continue
        rule: ast.expr | None = next((k.value for k in call.keywords if k.arg == "rule"), None)
        position = _ERRORS[call.func.id]
        if rule is None and len(call.args) > position:
            rule = call.args[position]
        function: ast.AST | None = node
        while function is not None and not isinstance(function, ast.FunctionDef):
            function = parents.get(function)
        where = f"{module.__name__}:{node.lineno}"
        yield where, rule, function if isinstance(function, ast.FunctionDef) else None


def _parameter_default(function: ast.FunctionDef, name: str) -> ast.expr | bool | None:
    """The default of parameter `name` (None when it has none), or False when no such one."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    defaults += arguments.defaults
    for argument, default in zip(positional, defaults, strict=True):
        if argument.arg == name:
            return default
    for argument, kw_default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if argument.arg == name:
            return kw_default
    return False


def _all_guards() -> list[tuple[str, ast.expr | None, ast.FunctionDef | None, dict[str, str]]]:
    found = []
    for module in WRITER_MODULES:
        constants = _module_constants(ast.parse(inspect.getsource(module)))
        found += [(where, rule, fn, constants) for where, rule, fn in _guards(module)]
    return found


GUARDS = _all_guards()


def test_the_writers_have_guards_to_check() -> None:
    # the parse finds the raises (a refactor that hides them would make the test below vacuous)
    assert len(GUARDS) >= 50


@pytest.mark.parametrize(
    ("where", "rule", "function", "constants"), GUARDS, ids=[g[0] for g in GUARDS]
)
def test_every_writer_refusal_names_a_catalog_rule(
    where: str, rule: ast.expr | None, function: ast.FunctionDef | None, constants: dict[str, str]
) -> None:
    assert rule is not None, f"{where}: raise without a rule id (add a row to claim_format_limits)"
    if isinstance(rule, ast.Attribute) and rule.attr == "rule":
        return  # an error raised again with the rule of the one it wraps
    if isinstance(rule, ast.Name) and rule.id not in constants:
        assert function is not None
        default = _parameter_default(function, rule.id)
        assert default is not False, f"{where}: rule {rule.id!r} is not a parameter"
        if default is None:
            return  # required: every call passes one (checked below)
        assert isinstance(default, ast.expr)
        rule = default
    ids = _rule_ids(rule, constants)
    assert ids, f"{where}: no rule id in {ast.unparse(rule)}"
    assert all(_known(i) for i in ids), f"{where}: unknown rule id in {ids}"


def _rule_arguments() -> Iterator[tuple[str, str]]:
    """Rule ids passed to the helpers (`rule=`, `zip_rule=`, or a `caller.*`/`format.*` string)."""
    for module in WRITER_MODULES:
        tree = ast.parse(inspect.getsource(module))
        constants = _module_constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg in _RULE_KEYWORDS:
                    for rule in _rule_ids(keyword.value, constants):
                        yield f"{module.__name__}:{node.lineno}", rule
            for argument in node.args:
                if isinstance(argument, ast.Name) and argument.id in constants:
                    yield f"{module.__name__}:{node.lineno}", constants[argument.id]
                elif (
                    isinstance(argument, ast.Constant)
                    and isinstance(argument.value, str)
                    and argument.value.startswith(_RULE_PREFIXES)
                ):
                    yield f"{module.__name__}:{node.lineno}", argument.value


def test_every_rule_passed_to_a_helper_is_in_the_catalog() -> None:
    unknown = [(where, rule) for where, rule in _rule_arguments() if not _known(rule)]
    assert unknown == []


def test_every_row_is_a_catalog_error_with_a_source() -> None:
    for row in FORMAT_LIMITS.values():
        spec = RULES[row.rule]
        assert spec.severity is Severity.ERROR
        assert "005010X222A1" in spec.source or "NUCC" in spec.source, row.rule
        assert row.fix
        assert row.where


def test_form_identifier_widths_are_the_layouts() -> None:
    for box, width in FORM_IDENTIFIER_WIDTHS.items():
        spot = {"24d.modifier": "24d.modifier1", "21": "21.A"}.get(box, box)
        assert cms1500_layout.SPOTS[spot].width >= width, box
        assert cms1500_layout.SPOTS[spot].width == width or box == "21", box


# --- the refusals the issue saw, each a scrub finding first, and its near miss -------------

_FIVE_DIGIT_ZIP = msgspec.structs.replace(BILLING_ADDRESS, zip="97201")
_THIRTEEN = tuple(f"M{n:02d}.0" for n in range(10, 23))  # invented shapes, 13 of them


def _with_billing_address(address: Address) -> Any:
    base = visit()
    return visit(billing_provider=msgspec.structs.replace(base.billing_provider, address=address))


def _with_diagnoses(count: int) -> Any:
    return visit(diagnoses=("M17.11", *_THIRTEEN)[:count])


CASES = [
    pytest.param(_with_billing_address(_FIVE_DIGIT_ZIP), "format.billing-zip", id="zip5"),
    pytest.param(_with_billing_address(BILLING_ADDRESS), None, id="zip9-near-miss"),
    pytest.param(_with_diagnoses(13), "format.diagnosis-count", id="13-diagnoses"),
    pytest.param(_with_diagnoses(12), None, id="12-diagnoses-near-miss"),
]


def _write(v: Any, lines: Any) -> bytes:
    return write_837p(
        [ClaimToSend(visit=v, lines=lines)],
        submitter=SUBMITTER,
        receiver=RECEIVER,
        control=CONTROL,
        created=CREATED,
    )


@pytest.mark.parametrize(("v", "rule"), CASES)
def test_a_writer_refusal_is_a_scrub_error_first(v: Any, rule: str | None) -> None:
    # when
    result = scrub(v, as_of=dt.date(2026, 3, 31))
    format_errors = {f.rule for f in result.findings if f.rule in FORMAT_LIMITS}

    # then: the scrubber says so, and the writer refuses with the same rule id
    if rule is None:
        assert format_errors == set()
        assert _write(v, result.lines).startswith(b"ISA")
        check_form_claim(FormClaim(visit=v, lines=result.lines))
        return
    assert format_errors == {rule}
    assert not result.clean
    with pytest.raises(X12WriteError) as refused:
        _write(v, result.lines)
    assert refused.value.rule == rule
