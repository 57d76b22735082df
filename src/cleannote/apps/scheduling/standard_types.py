"""The appointment types a new clinic starts from, per discipline: the usual visit lengths of
outpatient practice (an evaluation takes an hour, a follow-up 45 minutes …), and which ones
need a private room or a piece of equipment. A clinic edits its own copy; this table only
seeds it (`actions.do_add_standard_appointment_types`)."""

from __future__ import annotations

from typing import NamedTuple

from cleannote.rules.visit import Discipline


class StandardType(NamedTuple):
    discipline: Discipline
    name: str
    minutes: int
    needs_room: bool = False
    needs_equipment: str = ""


STANDARD_TYPES: tuple[StandardType, ...] = (
    StandardType(Discipline.PT, "Evaluation", 60, needs_room=True),
    StandardType(Discipline.PT, "Follow-up", 45),
    StandardType(Discipline.PT, "Re-evaluation", 45, needs_room=True),
    StandardType(Discipline.PT, "Progress report", 45),
    StandardType(Discipline.PT, "Discharge", 30),
    StandardType(Discipline.PT, "Aquatic therapy", 45, needs_equipment="pool"),
    StandardType(Discipline.OT, "Evaluation", 60, needs_room=True),
    StandardType(Discipline.OT, "Follow-up", 45),
    StandardType(Discipline.OT, "Re-evaluation", 45, needs_room=True),
    StandardType(Discipline.OT, "Progress report", 45),
    StandardType(Discipline.OT, "Discharge", 30),
    StandardType(Discipline.SLP, "Evaluation", 60, needs_room=True),
    StandardType(Discipline.SLP, "Follow-up", 45, needs_room=True),
    StandardType(Discipline.SLP, "Re-evaluation", 45, needs_room=True),
    StandardType(Discipline.SLP, "Progress report", 45),
    StandardType(Discipline.SLP, "Discharge", 30, needs_room=True),
    StandardType(Discipline.CHIRO, "New patient exam", 45, needs_room=True),
    StandardType(Discipline.CHIRO, "Adjustment", 15, needs_equipment="adjusting table"),
    StandardType(Discipline.CHIRO, "Re-examination", 30, needs_room=True),
    StandardType(Discipline.MASSAGE, "Massage 60", 60, needs_equipment="massage table"),
    StandardType(Discipline.MASSAGE, "Massage 30", 30, needs_equipment="massage table"),
)
