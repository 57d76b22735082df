"""Standardized outcome measures: scoring, interpretation bands and meaningful change.

The instruments are data (data/outcome_measures.json, each with its licence and sources, ADR
0540). Only instruments free to use in software are scored from their items here: LEFS, PSFS,
Berg Balance Scale, Dizziness Handicap Inventory, and the timed tests (Timed Up and Go,
30-second chair stand, gait speed), which have no form at all. A licensed instrument (ODI,
NDI, QuickDASH, KOOS, HOOS, PROMIS) is recorded as the one total the clinician obtained on
their licensed form, range-checked; its questionnaire text is never held.

Every instrument is scored the same way, from a list of answers as typed: 20 item answers for
LEFS, 1 to 5 activity ratings for PSFS, one value for a timed test or a licensed total. A bad
answer raises `MeasureInputError` naming the instrument, the answer's position and what was
allowed, never what was typed beyond a short echo.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from importlib import resources

from cleannote.rules.errors import RulesError

_SHOWN = 12  # an answer echoed in an error is cut to this many characters


class MeasureInputError(RulesError):
    """Answers an instrument cannot be scored from; the message names which and why."""


class Scoring(StrEnum):
    SUM = "sum"  # every item's answer, totalled
    MEAN = "mean"  # activity ratings, averaged
    VALUE = "value"  # one timed or counted result
    TOTAL = "total"  # the total from a licensed form, recorded as obtained


class CompletedBy(StrEnum):
    """Who gives the answers: the patient fills in a questionnaire; the clinician performs and
    scores a test. Only a patient's own answers may be copied onto the chart from a form the
    patient signed (the intake forms, ADR 0960)."""

    PATIENT = "patient"
    CLINICIAN = "clinician"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Licence(StrEnum):
    FREE = "free"
    PUBLIC_DOMAIN = "public_domain"
    NO_FORM = "no_form"
    LICENSED = "licensed"


@dataclass(frozen=True, slots=True)
class ChangeThreshold:
    """How much change counts: the MCID, or the MDC where no MCID is in general use. With
    baseline bounds it applies only when the first score lies within them."""

    kind: str  # "MCID" or "MDC"
    points: Decimal
    source: str
    confidence: str
    baseline_low: Decimal | None = None
    baseline_high: Decimal | None = None

    def applies_to(self, baseline: Decimal) -> bool:
        return (self.baseline_low is None or baseline >= self.baseline_low) and (
            self.baseline_high is None or baseline <= self.baseline_high
        )


@dataclass(frozen=True, slots=True)
class Band:
    low: Decimal  # a score at or above this (and below the next band's low) is in the band
    label: str


@dataclass(frozen=True, slots=True)
class Instrument:
    code: str
    name: str
    scoring: Scoring
    completed_by: CompletedBy
    min_items: int
    max_items: int
    answers: tuple[str, ...]  # the allowed item answers; empty for one value or total
    answers_text: str
    low: Decimal
    high: Decimal
    places: int
    unit: str
    direction: Direction
    licence: Licence
    licence_note: str
    source: str
    thresholds: tuple[ChangeThreshold, ...]
    bands: tuple[Band, ...]
    bands_source: str
    aliases: tuple[str, ...]

    @property
    def scored_in_full(self) -> bool:
        """True when Cleannote scores it from its items or result; False for a licensed form."""
        return self.scoring is not Scoring.TOTAL

    @property
    def patient_reported(self) -> bool:
        return self.completed_by is CompletedBy.PATIENT

    @property
    def higher_is_better(self) -> bool:
        return self.direction is Direction.HIGHER_IS_BETTER

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)

    def shown(self, value: Decimal) -> str:
        """A score as people read it: `62/80`, `6.3/10`, `11.2 s`, `34%`, `T 42.0`."""
        text = f"{value.quantize(self.quantum, rounding=ROUND_HALF_UP):f}"
        if self.unit == "points":
            return f"{text}/{self.high.quantize(Decimal(1)):f}"
        if self.unit == "%":
            return f"{text}%"
        if self.unit == "T":
            return f"T {text}"
        return f"{text} {self.unit}"

    def band_of(self, value: Decimal) -> str:
        """The published interpretation band the score falls in, or "" where none is used."""
        label = ""
        for band in self.bands:
            if value >= band.low:
                label = band.label
        return label

    def threshold_for(self, baseline: Decimal) -> ChangeThreshold | None:
        return next((t for t in self.thresholds if t.applies_to(baseline)), None)


@dataclass(frozen=True, slots=True)
class Score:
    instrument: Instrument
    total: Decimal

    @property
    def shown(self) -> str:
        return self.instrument.shown(self.total)

    @property
    def band(self) -> str:
        return self.instrument.band_of(self.total)


@dataclass(frozen=True, slots=True)
class Change:
    """The latest score against the first: signed points, and whether it is meaningful."""

    instrument: Instrument
    first: Decimal
    latest: Decimal
    threshold: ChangeThreshold | None

    @property
    def points(self) -> Decimal:
        return self.latest - self.first

    @property
    def improved(self) -> bool:
        return self.points > 0 if self.instrument.higher_is_better else self.points < 0

    @property
    def worsened(self) -> bool:
        return self.points != 0 and not self.improved

    @property
    def meets_threshold(self) -> bool | None:
        """Whether the change, either way, is at least the threshold; None without one."""
        if self.threshold is None:
            return None
        return abs(self.points) >= self.threshold.points

    @property
    def summary(self) -> str:
        """`better by 14 points: meets the MCID of 9`, in words a referrer reads."""
        size = f"{abs(self.points).quantize(self.instrument.quantum):f}"
        unit = (
            " points"
            if self.instrument.unit in ("points", "%", "T")
            else f" {self.instrument.unit}"
        )
        if self.points == 0:
            head = "no change"
        else:
            head = f"{'better' if self.improved else 'worse'} by {size}{unit}"
        if self.threshold is None:
            return head
        limit = f"{self.threshold.kind} of {self.threshold.points:f}"
        return f"{head}: {'meets' if self.meets_threshold else 'below'} the {limit}"


def change_between(instrument: Instrument, first: Decimal, latest: Decimal) -> Change:
    """How the latest score differs from the first, judged by the threshold for that baseline."""
    return Change(instrument, first, latest, instrument.threshold_for(first))


@cache
def _instruments() -> tuple[Instrument, ...]:
    raw = json.loads(
        resources.files("cleannote.rules.data").joinpath("outcome_measures.json").read_text("utf-8")
    )
    return tuple(_instrument(row) for row in raw["instruments"])


def _optional(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _instrument(row: dict[str, object]) -> Instrument:
    thresholds = row["thresholds"]
    bands = row["bands"]
    items = row["items"]
    assert isinstance(thresholds, list)
    assert isinstance(bands, list)
    assert isinstance(items, list)
    return Instrument(
        code=str(row["code"]),
        name=str(row["name"]),
        scoring=Scoring(str(row["scoring"])),
        completed_by=CompletedBy(str(row["completed_by"])),
        min_items=int(items[0]),
        max_items=int(items[1]),
        answers=tuple(str(a) for a in row["answers"]),  # type: ignore[attr-defined]
        answers_text=str(row["answers_text"]),
        low=Decimal(str(row["low"])),
        high=Decimal(str(row["high"])),
        places=int(str(row["places"])),
        unit=str(row["unit"]),
        direction=Direction(str(row["direction"])),
        licence=Licence(str(row["licence"])),
        licence_note=str(row["licence_note"]),
        source=str(row["source"]),
        thresholds=tuple(
            ChangeThreshold(
                kind=t["kind"],
                points=Decimal(t["points"]),
                source=t["source"],
                confidence=t["confidence"],
                baseline_low=_optional(t.get("baseline_low")),
                baseline_high=_optional(t.get("baseline_high")),
            )
            for t in thresholds
        ),
        bands=tuple(Band(Decimal(b["low"]), b["label"]) for b in bands),
        bands_source=str(row.get("bands_source", "")),
        aliases=tuple(str(a) for a in row.get("aliases", ())),  # type: ignore[attr-defined]
    )


def all_instruments() -> tuple[Instrument, ...]:
    """Every instrument, those scored in full first, in the data file's order."""
    return _instruments()


def find_instrument(code: str) -> Instrument | None:
    wanted = code.strip().upper()
    return next(
        (i for i in _instruments() if wanted == i.code or wanted in i.aliases),
        None,
    )


def instrument(code: str) -> Instrument:
    """The instrument named by `code` (or an alias such as BERG), case-insensitive."""
    found = find_instrument(code)
    if found is None:
        known = ", ".join(i.code for i in _instruments())
        raise MeasureInputError(f"unknown instrument {_short(code)!r}; known: {known}")
    return found


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def score(code: str, answers: Sequence[str]) -> Score:
    """Score `answers` (as typed) on the instrument `code`; MeasureInputError if they do not fit.

    LEFS, BBS and DHI take every item's answer and total them; PSFS takes 1 to 5 activity
    ratings and averages them (one decimal); a timed test or a licensed form takes one value.
    """
    found = instrument(code)
    count = len(answers)
    if not found.min_items <= count <= found.max_items:
        wanted = (
            f"{found.min_items}"
            if found.min_items == found.max_items
            else f"{found.min_items} to {found.max_items}"
        )
        noun = "answer" if found.max_items == 1 else "answers"
        raise MeasureInputError(f"{found.code} takes {wanted} {noun}, got {count}")
    if found.scoring in (Scoring.VALUE, Scoring.TOTAL):
        return Score(found, check_value(found, answers[0]))
    values = [_item(found, position, text) for position, text in enumerate(answers, start=1)]
    total = sum(values, Decimal(0))
    if found.scoring is Scoring.MEAN:
        total = (total / count).quantize(found.quantum, rounding=ROUND_HALF_UP)
    return Score(found, total)


def _item(found: Instrument, position: int, text: str) -> Decimal:
    answer = text.strip()
    if answer not in found.answers:
        raise MeasureInputError(
            f"{found.code} answer {position} is {_short(answer)!r}: each answer is "
            f"{found.answers_text}"
        )
    return Decimal(answer)


def check_value(found: Instrument, value: str | Decimal) -> Decimal:
    """One result (a timed test, a licensed total, a stored score) within the instrument's range
    and precision, as a Decimal; MeasureInputError naming the range if it is not."""
    if isinstance(value, Decimal):
        number = value
    else:
        text = value.strip()
        try:
            number = Decimal(text) if text.isascii() and len(text) <= 12 else Decimal("NaN")
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise MeasureInputError(
                f"{found.code} value {_short(text)!r} is not a number: {found.answers_text}"
            )
    where = f"{found.low:f} to {found.high:f}"
    if not found.low <= number <= found.high:
        raise MeasureInputError(
            f"{found.code} value {number:f} is out of range: {found.answers_text} ({where})"
        )
    if number != number.quantize(found.quantum, rounding=ROUND_HALF_UP):
        places = "a whole number" if found.places == 0 else f"at most {found.places} decimals"
        raise MeasureInputError(f"{found.code} value {number:f} has too many decimals: {places}")
    return number.quantize(found.quantum)
