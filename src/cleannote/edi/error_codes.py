"""What kind of fault a core error reports, as a code the shell and the API map without reading
the message (ADR 0420).

The message stays the one a person reads (where and what, never a value from the file); the
code is the stable part a program branches on. `X12Error` (every X12 reader) carries an
`X12ReadErrorCode`; `X12WriteError` (the 837P and 270 writers) and `FormError` (the CMS-1500)
carry a `WriteErrorCode`, and beside it the `rules.claim_format_limits` rule id where a format
rule applies, which is what a scrub finding names too (ADR 0350).
"""

from __future__ import annotations

from enum import StrEnum


class X12ReadErrorCode(StrEnum):
    """Why a reader refused a file (nothing of the file is kept when it does)."""

    NOT_FOUND = "not-found"
    """No file at the name given."""
    NOT_X12 = "not-x12"
    """The file does not start with an ISA header, or holds no segments at all."""
    BAD_ENCODING = "bad-encoding"
    """Bytes that are not text in the encoding the file's first bytes announce."""
    TRUNCATED = "truncated"
    """The file stops inside the ISA header, an interchange, a group or a transaction set."""
    BAD_ENVELOPE = "bad-envelope"
    """ISA/GS/ST nesting broken (a segment outside a set, GS outside an interchange), or an
    ISA without its 16 elements or with delimiters that collide."""
    BAD_SEGMENT = "bad-segment"
    """A segment id that is not 2-3 capital letters or digits."""
    COUNT_MISMATCH = "count-mismatch"
    """SE01, GE01 or IEA01 says another number than the segments, sets or groups counted."""
    CONTROL_NUMBER_MISMATCH = "control-number-mismatch"
    """SE02, GE02 or IEA02 does not repeat the control number of its ST, GS or ISA."""
    WRONG_TRANSACTION = "wrong-transaction"
    """A transaction set of another kind than the reader reads (ST01)."""
    UNSUPPORTED_TRANSACTION = "unsupported-transaction"
    """A transaction set no reader of ours reads (or an 837 that is not professional)."""
    MISSING_SEGMENT = "missing-segment"
    """A segment the guide requires is absent (BPR in an 835, AK9 in a 999, a claim's SBR)."""
    OUT_OF_ORDER = "out-of-order"
    """A segment where its loop cannot be (CAS before any CLP, IK5 without AK2)."""
    BAD_ELEMENT = "bad-element"
    """An element that is not what the guide asks for (an amount, a date, a count, a code,
    a composite)."""
    TOO_MANY = "too-many"
    """A segment repeated past what the guide allows in its loop."""
    TOO_LARGE = "too-large"
    """A segment that runs on past the longest one we read."""
    UNKNOWN_CODE = "unknown-code"
    """A code value our tables do not hold (an AAA reason code)."""


class WriteErrorCode(StrEnum):
    """Why a writer refused a claim or a request (nothing is written when it does)."""

    FORMAT_RULE = "format-rule"
    """The data breaks a row of `rules.claim_format_limits`; the error's `rule` names it and
    the scrubber reports the same rule first: fix the claim."""
    ENVELOPE = "envelope"
    """Delimiters, control numbers, usage, submitter or receiver: the trading-partner set-up."""
    EMPTY_BATCH = "empty-batch"
    """A batch with no claim or no request."""
    FREQUENCY = "frequency"
    """A claim frequency (CLM05-3, box 22) or the reference of the claim it replaces."""
    PRIOR_PAYMENT = "prior-payment"
    """An earlier payer's amounts, adjustments or SBR01 on a secondary claim."""
    LINE_REFERENCE = "line-reference"
    """A claim line that points at a service the visit lacks."""
    FORM_TEXT = "form-text"
    """Text given when printing a CMS-1500 (box 19, the box 22 reference)."""
    SERVICE_TYPE = "service-type"
    """A 270 request's EQ service type codes."""
    ATTACHMENT = "attachment"
    """A paperwork attachment (2300 PWK): its report type, transmission or control number."""


# The caller guards of `rules.claim_format_limits.CALLER_GUARDS`, each with its code (a test
# keeps the two lists equal); every other rule id a writer names is a format rule.
_CALLER_CODES = {
    "caller.envelope": WriteErrorCode.ENVELOPE,
    "caller.batch": WriteErrorCode.EMPTY_BATCH,
    "caller.frequency": WriteErrorCode.FREQUENCY,
    "caller.prior-payment": WriteErrorCode.PRIOR_PAYMENT,
    "caller.lines": WriteErrorCode.LINE_REFERENCE,
    "caller.form": WriteErrorCode.FORM_TEXT,
    "caller.attachment": WriteErrorCode.ATTACHMENT,
}
_FORMAT_PREFIXES = ("format.", "address.")


def write_code_of(rule: str) -> WriteErrorCode:
    """The code of a writer refusal that names `rule`; ValueError for an id that is neither a
    caller guard nor a format rule (a raise the guard test would also refuse)."""
    code = _CALLER_CODES.get(rule)
    if code is not None:
        return code
    if rule.startswith(_FORMAT_PREFIXES):
        return WriteErrorCode.FORMAT_RULE
    raise ValueError(f"rule id {rule!r} has no write error code")


__all__ = ["WriteErrorCode", "X12ReadErrorCode", "write_code_of"]
