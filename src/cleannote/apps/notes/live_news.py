"""What a screen reader hears after an autosave: only what changed in the findings.

The findings list is not a live region (read whole, it ran to about 2,200 characters after
every save). The page keeps, in a hidden input, the keys of the findings it last showed; each
autosave posts them back, and the answer puts a short summary ("1 new error: ...; 2 resolved")
into a separate polite live region, or nothing when nothing changed (ADR 0564). The keys are
the page's own echo, so a missing or garbled value only makes every finding count as new.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleannote.apps.notes.live_scrub import LiveScrub, ShownFinding
from cleannote.rules.findings import Severity

# The hidden input's name, in the editor's form.
SHOWN_FIELD = "live-shown"
# A key is a rule id and a block or field id: far below this; a longer echo is cut, not read.
MAX_ECHO = 8000
NAMED_AT_MOST = 2  # messages read out per kind; the rest are counted


@dataclass(frozen=True, slots=True)
class LiveNews:
    keys: str  # the keys now shown, for the hidden input
    text: str  # the summary to announce; "" when nothing changed


def _finding_key(shown: ShownFinding) -> str:
    return f"{shown.finding.rule}@{shown.anchor}"


def _kind(shown: ShownFinding) -> str:
    if shown.is_error:
        return "error"
    return "warning" if shown.finding.severity is Severity.WARNING else "note"


def _current(
    live: LiveScrub | None, build_problem: str, errors: dict[str, str]
) -> dict[str, tuple[str, str]]:
    """key -> (kind, message), in the order the panel lists them."""
    now: dict[str, tuple[str, str]] = {}
    if build_problem:
        now["build"] = ("error", build_problem)
    for shown in live.findings if live is not None else ():
        now.setdefault(_finding_key(shown), (_kind(shown), shown.finding.message))
    for name, message in errors.items():
        now[f"not-saved@{name}"] = ("not saved", message)
    return now


def _phrase(kind: str, messages: list[str]) -> str:
    count = len(messages)
    named = "; ".join(m.rstrip(". ") for m in messages[:NAMED_AT_MOST])
    more = f"; and {count - NAMED_AT_MOST} more" if count > NAMED_AT_MOST else ""
    if kind == "not saved":
        return f"Not saved: {named}{more}"
    return f"{count} new {kind}{'s' if count != 1 else ''}: {named}{more}"


def live_news(
    echoed: str, live: LiveScrub | None, build_problem: str, errors: dict[str, str]
) -> LiveNews:
    """Compare what the page showed (`echoed` keys) with what it will show now."""
    before = set(echoed[:MAX_ECHO].split())
    now = _current(live, build_problem, errors)
    added: dict[str, list[str]] = {}
    for key, (kind, message) in now.items():
        if key not in before:
            added.setdefault(kind, []).append(message)
    resolved = len(before - now.keys())
    parts = [
        _phrase(kind, added[kind])
        for kind in ("not saved", "error", "warning", "note")
        if kind in added
    ]
    if resolved:
        parts.append(f"{resolved} resolved")
    if parts and live is not None and live.clean and not build_problem and not errors:
        parts.append("ready to sign")
    return LiveNews(keys=" ".join(now), text=". ".join(parts) + ("." if parts else ""))


def shown_keys(live: LiveScrub | None, build_problem: str, errors: dict[str, str]) -> str:
    """The keys the full page shows, for the hidden input's first value."""
    return " ".join(_current(live, build_problem, errors))
