"""Refusals of note actions, as ValueErrors whose message says which rule was hit."""

from __future__ import annotations

from collections.abc import Sequence

from cleannote.rules.scope_of_practice import ScopeRefusal


class NoteStateError(ValueError):
    """The action does not fit the note's state (e.g. editing a signed note)."""

    def __init__(self, note_id: int | None, problem: str) -> None:
        super().__init__(f"note {note_id}: {problem}")
        self.note_id = note_id
        self.problem = problem


class ScopeRefused(NoteStateError):
    """The person may not do this to this note: not its treating clinician, or outside their
    credential's scope of practice. `rule` is the scope rule's id (rules/scope_of_practice.py),
    named in the message too."""

    def __init__(self, note_id: int | None, problem: str, rule: str) -> None:
        super().__init__(note_id, f"{problem} (rule {rule})")
        self.rule = rule


class NoteTypeRefused(NoteStateError):
    """The note does not meet its type's sign-off rules (rules/note_types.py): each refusal
    names its rule, what is wrong and the fix. The first is in the message."""

    def __init__(self, note_id: int | None, refusals: Sequence[ScopeRefusal]) -> None:
        first = refusals[0]
        more = f" (and {len(refusals) - 1} more)" if len(refusals) > 1 else ""
        super().__init__(note_id, f"{first.message} (rule {first.rule}){more}")
        self.refusals = tuple(refusals)
        self.rule = first.rule
