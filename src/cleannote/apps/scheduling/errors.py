"""Refusals of scheduling actions; messages carry internal ids, clinicians', rooms' and
locations' names and times, never a patient's name.

Each refusal has a code (`SchedulingErrorCode`) so a page or a caller can tell them apart, and
`overridable` is true for the ones a person may confirm past (outside working hours, in a
break or time off, ADR 0601); a double booking never is.
"""

from __future__ import annotations

from enum import StrEnum


class SchedulingErrorCode(StrEnum):
    INVALID = "invalid"
    OTHER_ORGANISATION = "other_organisation"
    NAIVE_TIME = "naive_time"
    ENDS_BEFORE_START = "ends_before_start"
    NO_LENGTH = "no_length"
    TOO_LONG = "too_long"
    DISCIPLINE = "discipline"
    ROOM_NEEDED = "room_needed"
    ROOM_ELSEWHERE = "room_elsewhere"
    EQUIPMENT = "equipment"
    INACTIVE = "inactive"
    CLINICIAN_BOOKED = "clinician_booked"
    ROOM_BOOKED = "room_booked"
    OUTSIDE_HOURS = "outside_hours"
    IN_BREAK = "in_break"
    TIME_OFF = "time_off"
    STATUS = "status"
    CANCEL_REASON = "cancel_reason"
    SLOT_HELD = "slot_held"


OVERRIDABLE = frozenset(
    {SchedulingErrorCode.OUTSIDE_HOURS, SchedulingErrorCode.IN_BREAK, SchedulingErrorCode.TIME_OFF}
)


class SchedulingError(ValueError):
    def __init__(
        self,
        subject: str,
        problem: str,
        code: SchedulingErrorCode = SchedulingErrorCode.INVALID,
        *,
        ref: int | None = None,
    ) -> None:
        super().__init__(f"{subject}: {problem}")
        self.subject = subject
        self.problem = problem
        self.code = code
        # The id of what stands in the way, when a page can link to it (a slot hold's id for
        # `SLOT_HELD`, ADR 0670).
        self.ref = ref

    @property
    def overridable(self) -> bool:
        return self.code in OVERRIDABLE
