"""How much of a referral's authorization signed notes used: visits and units per code group.

It reads notes, so it lives in the notes app, above the patients app that holds the referral
(ADR 0401).

Counts come from signed notes only (a draft may be abandoned, and nobody types a count in).
Units are what the notes' minutes support under the payer's unit method, timed codes pooled per
note the way the scrubber pools them (`rules/units.py`), untimed codes one each. One query per
referral, however many notes; none when the visit builder passes the case's blocks it loaded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cleannote.apps.notes.models import TREATMENT_VISIT_BLOCK, Note, NoteStatus, TreatmentBlock
from cleannote.apps.patients.models import AuthorizedCodeGroup, Referral
from cleannote.rules.catalog import find_procedure
from cleannote.rules.units import units_for_minutes
from cleannote.rules.visit import (
    Authorization,
    AuthorizedServices,
    UnitMethod,
    minute_of_day,
)

_Block = tuple[str, int | None]  # (code, documented minutes)


@dataclass(frozen=True, slots=True)
class GroupUsage:
    group: AuthorizedCodeGroup
    visits_used: int
    units_used: int

    @property
    def visits_left(self) -> int | None:
        return None if self.group.visits is None else self.group.visits - self.visits_used

    @property
    def units_left(self) -> int | None:
        return None if self.group.units is None else self.group.units - self.units_used

    @property
    def used_up(self) -> bool:
        return any(left is not None and left <= 0 for left in (self.visits_left, self.units_left))


def note_units(blocks: Sequence[_Block], method: UnitMethod) -> list[int]:
    """Units per block of one note: timed codes pooled, untimed codes one each."""
    units = [0] * len(blocks)
    timed: list[int] = []
    for index, (code, minutes) in enumerate(blocks):
        procedure = find_procedure(code)
        if procedure is None:
            continue
        if procedure.timed:
            if minutes:
                timed.append(index)
        else:
            units[index] = 1
    if timed:
        assigned = units_for_minutes(
            [blocks[i][0] for i in timed], [blocks[i][1] or 0 for i in timed], method
        )
        for i, count in zip(timed, assigned, strict=True):
            units[i] = count
    return units


@dataclass(frozen=True, slots=True)
class UsageBlock:
    """One block of a signed treatment visit of the case, as usage counts it."""

    note_id: int
    date_of_service: dt.date
    code: str
    start: dt.time | None
    stop: dt.time | None
    minutes: int | None


def _last_day(referral: Referral, through: dt.date | None) -> dt.date | None:
    dates = [d for d in (referral.expires_on, through) if d is not None]
    return min(dates) if dates else None


def usage(
    referral: Referral,
    groups: Iterable[AuthorizedCodeGroup],
    *,
    method: UnitMethod = UnitMethod.CMS,
    through: dt.date | None = None,
    exclude_note_id: int | None = None,
) -> list[GroupUsage]:
    """Each group's visits and units used by signed notes of the case inside the referral's
    window (up to `through` when given), leaving out one note (the visit being judged)."""
    groups = list(groups)
    if not groups:
        return []
    last = _last_day(referral, through)
    rows = TreatmentBlock.objects.filter(
        TREATMENT_VISIT_BLOCK,
        note__case_id=referral.case_id,
        note__status=NoteStatus.SIGNED,
        note__date_of_service__gte=referral.referral_date,
    )
    if last is not None:
        rows = rows.filter(note__date_of_service__lte=last)
    if exclude_note_id is not None:
        rows = rows.exclude(note_id=exclude_note_id)
    blocks = [
        UsageBlock(note_id, day, code, start, stop, minutes)
        for note_id, day, code, start, stop, minutes in rows.order_by(
            "note_id", "order"
        ).values_list("note_id", "note__date_of_service", "code", "start_time", "stop_time",
                      "minutes")
    ]  # fmt: skip
    return _count(blocks, groups, method)


def _count(
    blocks: Iterable[UsageBlock], groups: list[AuthorizedCodeGroup], method: UnitMethod
) -> list[GroupUsage]:
    """Visits and units per group from the blocks, given in note then block order."""
    by_note: dict[int, list[_Block]] = defaultdict(list)
    for block in blocks:
        minutes = block.minutes
        if block.start is not None and block.stop is not None:
            minutes = minute_of_day(block.stop) - minute_of_day(block.start)
        by_note[block.note_id].append((block.code, minutes))
    found = {g.pk: [0, 0] for g in groups}
    for note_blocks in by_note.values():
        units = note_units(note_blocks, method)
        for group in groups:
            codes = set(group.codes)
            hits = [i for i, (code, _m) in enumerate(note_blocks) if not codes or code in codes]
            if hits:
                found[group.pk][0] += 1
                found[group.pk][1] += sum(units[i] for i in hits)
    return [GroupUsage(g, found[g.pk][0], found[g.pk][1]) for g in groups]


def usage_by_method(
    referral: Referral, groups: list[AuthorizedCodeGroup], method: UnitMethod
) -> list[GroupUsage]:
    """`usage` as the chart's referrals screen asks for it (`patients.referral_usage`)."""
    return usage(referral, groups, method=method)


def chart_authorization(
    note: Note,
    referral: Referral | None,
    method: UnitMethod | None,
    case_blocks: Iterable[UsageBlock],
) -> Authorization | None:
    """The referral's authorization for the visit: its window and, per code group, what signed
    notes other than this one used up to the visit's date. `case_blocks` are the blocks of the
    case's signed treatment visits (loaded with the note, so no query here); the same window as
    `usage` is applied to them."""
    if referral is None:
        return None
    groups = list(referral.code_groups.all())
    if not groups and not referral.authorization_number:
        return None
    last = _last_day(referral, note.date_of_service)
    window = (
        b
        for b in case_blocks
        if b.note_id != note.pk
        and referral.referral_date <= b.date_of_service
        and (last is None or b.date_of_service <= last)
    )
    used = _count(window, groups, method or UnitMethod.CMS) if groups else []
    return Authorization(
        number=referral.authorization_number or None,
        start=referral.referral_date,
        end=referral.expires_on,
        services=tuple(
            AuthorizedServices(
                codes=tuple(u.group.codes),
                visits=u.group.visits,
                units=u.group.units,
                visits_used=u.visits_used,
                units_used=u.units_used,
            )
            for u in used
        ),
    )
