"""The NCCI/MUE tables every scrub in the shell reads (the note page's and the claim's alike)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from cleannote.rules.ncci import MueTable, PtpTable, active_tables


@cache
def scrub_tables() -> tuple[PtpTable, MueTable]:
    """NCCI/MUE tables of the last `cleannote refdata import` under the data directory (else the
    bundled subset), read once per process: a new import is used after a restart."""
    return active_tables(Path(settings.DATA_DIR) / "refdata")
