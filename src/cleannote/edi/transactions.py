"""Which reader a file needs, from ST01 and GS08, and one call that reads any supported file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cleannote.edi.error_codes import X12ReadErrorCode
from cleannote.edi.tokenizer import X12Error, iter_segments, shown_code
from cleannote.edi.x12_271 import EligibilityResponse, read_271
from cleannote.edi.x12_277 import StatusReport, read_277
from cleannote.edi.x12_835 import Remittance, read_835
from cleannote.edi.x12_837p_reader import ProfessionalClaim, read_837p
from cleannote.edi.x12_999 import Acknowledgment, read_999

SUPPORTED = ("835", "271", "277", "999", "837P")

Item = Remittance | EligibilityResponse | StatusReport | Acknowledgment | ProfessionalClaim


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What one file held: its transaction type, guide version and the values read."""

    source: str
    transaction: str
    implementation_guide: str
    items: tuple[Item, ...]


def _name(data: bytes | Path, source: str | None) -> str:
    return source or (data.name if isinstance(data, Path) else "<data>")


def detect_transaction(data: bytes | Path, *, source: str | None = None) -> tuple[str, str]:
    """(transaction type, GS08) of the first set: '837P' for a professional 837 (X222)."""
    name = _name(data, source)
    group = ""
    for segment in iter_segments(data, source=name):
        if segment.id == "GS":
            group = segment.get(8)
        elif segment.id == "ST":
            kind = segment.get(1)
            guide = segment.get(3) or group
            if kind == "837":
                if "X222" not in guide:
                    raise X12Error(
                        name,
                        f"the 837 guide {shown_code(guide)} is not professional (X222)",
                        segment_number=segment.number,
                        segment_id="ST",
                        code=X12ReadErrorCode.UNSUPPORTED_TRANSACTION,
                        expected="an 837P (005010X222)",
                    )
                return "837P", guide
            return kind, guide
    raise X12Error(
        name,
        "the file holds no transaction set",
        code=X12ReadErrorCode.MISSING_SEGMENT,
        expected="an ST segment",
    )


def read_any(data: bytes | Path, *, source: str | None = None) -> ReadResult:
    """Detect, then read the whole file with the matching reader; X12Error and nothing else
    when the file is broken or of a type we do not read."""
    name = _name(data, source)
    kind, guide = detect_transaction(data, source=name)
    items: Sequence[Item]
    if kind == "835":
        items = list(read_835(data, source=name))
    elif kind == "271":
        items = read_271(data, source=name)
    elif kind == "277":
        items = read_277(data, source=name)
    elif kind == "999":
        items = read_999(data, source=name)
    elif kind == "837P":
        items = read_837p(data, source=name)
    else:
        raise X12Error(
            name,
            f"transaction set {shown_code(kind)} has no reader",
            code=X12ReadErrorCode.UNSUPPORTED_TRANSACTION,
            expected="one of " + ", ".join(SUPPORTED),
        )
    return ReadResult(name, kind, guide, tuple(items))


__all__ = ["SUPPORTED", "ReadResult", "detect_transaction", "read_any"]
