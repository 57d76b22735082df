"""Refusals of note actions, as ValueErrors whose message says which rule was hit."""

from __future__ import annotations


class NoteStateError(ValueError):
    """The action does not fit the note's state (e.g. editing a signed note)."""

    def __init__(self, note_id: int | None, problem: str) -> None:
        super().__init__(f"note {note_id}: {problem}")
        self.note_id = note_id
        self.problem = problem
