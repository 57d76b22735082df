"""Facts about postal addresses that claim rules need.

The 837P billing provider address (loop 2010AA) and the service facility (2310C) must be
street addresses; a PO box or lock box goes to the pay-to address (2010AB) instead
(005010X222A1 2010AA N301 note). The scrubber, the 837P writer and the clinic app all ask
`is_po_box`, so they cannot disagree about what a PO box looks like.
"""

from __future__ import annotations

import re

from cleannote.rules.visit import Address

__all__ = ["is_po_box", "same_place"]

# "PO Box 12", "P.O. Box", "P O Box", "POB 12", "Post Office Box", "Lock Box", "Lockbox",
# "Drawer 9" (a PO box by another name, used by the US Postal Service), "Caller 5".
_PO_BOX = re.compile(
    r"\b(?:p\s*\.?\s*o\s*\.?\s*b(?:ox|\b|\.)|post\s+office\s+box|postal\s+box|lock\s*box"
    r"|(?:drawer|caller)\s+\d)",
    re.IGNORECASE,
)


def is_po_box(address: Address) -> bool:
    """True when either street line of `address` names a PO box (or a lock box)."""
    if _PO_BOX.search(address.line1):
        return True
    return address.line2 is not None and _PO_BOX.search(address.line2) is not None


def _street_key(address: Address) -> tuple[str, str, str, str, str]:
    def squeeze(text: str | None) -> str:
        return " ".join((text or "").upper().replace(".", " ").replace(",", " ").split())

    zip_digits = "".join(ch for ch in address.zip if ch.isdigit())[:5]
    return (
        squeeze(address.line1),
        squeeze(address.line2),
        squeeze(address.city),
        address.state.strip().upper(),
        zip_digits,
    )


def same_place(a: Address, b: Address) -> bool:
    """True when two addresses name the same place: the same street lines, city, state and
    five-digit ZIP, ignoring case, punctuation and spacing (a ZIP+4 on one side only is the
    same place)."""
    return a is b or _street_key(a) == _street_key(b)
