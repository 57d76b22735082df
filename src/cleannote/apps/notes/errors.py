"""Refusals of note actions, as ValueErrors whose message says which rule was hit."""

from __future__ import annotations


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
