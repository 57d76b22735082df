"""Where a downloaded response goes, and who files what is waiting to go (ADR 0401, 0701).

The exchange sits below the apps that own what a response means, so it asks them through
hooks: claims answers 999 and 277CA, eligibility 271, remittance 835, each with its own `do_*`
import action; claims files its unfiled 837P batches and eligibility its unfiled 270 requests.
Each app registers its functions in its `AppConfig.ready()`.

An importer takes (actor, the file's bytes, its name) and returns a one-line outcome (counts,
never patient data); it raises `ValueError` (the apps' errors are ValueErrors) to refuse the
file. An uploader takes (actor, adapter, the profile being polled) and returns how many files
it filed through that profile: claims files the batches routed to it (ADR 0707), eligibility
its 270 requests when it is the default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleannote.apps.exchange.models import ResponseKind
from cleannote.platform.hooks import Hook

if TYPE_CHECKING:
    from cleannote.apps.audit.actions import Actor
    from cleannote.apps.exchange.clearinghouse import ClearinghouseAdapter
    from cleannote.apps.exchange.models import ClearinghouseProfile


class NotRoutedError(ValueError):
    """No app registered an importer for this kind of file."""


def _not_routed(kind: str) -> Hook[[Actor, bytes, str], str]:
    def refuse(actor: Actor, data: bytes, file_name: str) -> str:
        raise NotRoutedError(f"{file_name}: no app imports {kind} files")

    return Hook(f"exchange.import_{kind}", refuse)


IMPORTERS: dict[str, Hook[[Actor, bytes, str], str]] = {
    kind: _not_routed(kind)
    for kind in (
        ResponseKind.ACK_999,
        ResponseKind.CLAIM_ACK_277CA,
        ResponseKind.ELIGIBILITY_271,
        ResponseKind.REMITTANCE_835,
    )
}


def _nothing_to_file(
    actor: Actor, adapter: ClearinghouseAdapter, profile: ClearinghouseProfile
) -> int:
    return 0


UPLOADERS: dict[str, Hook[[Actor, ClearinghouseAdapter, ClearinghouseProfile], int]] = {
    "837P": Hook("exchange.file_pending_837p", _nothing_to_file),
    "270": Hook("exchange.file_pending_270", _nothing_to_file),
}
