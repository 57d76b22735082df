"""A patient's medication list as they type it, one medication a line, read into its parts.

"ibuprofen 200 mg twice a day" reads as the name "ibuprofen", the dose "200 mg" and how often
"twice a day"; a route ("by mouth", "inhaled") is kept when the line names one, and words the
reading does not place ("for headaches") stay as a note. Nothing is guessed beyond that: a
line without a dose or a frequency keeps them empty, and the clinician fills them on the chart.
Pure functions over text (no Django); the intake form checks a patient's answer with
`parse_lines` and the chart adds what the desk accepts (ADR 0964).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINES = 20
MAX_LINE = 200
NAME_MAX = 120
DOSE_MAX = 60
FREQUENCY_MAX = 80
ROUTE_MAX = 40
NOTE_MAX = 200

_NUMBER = (
    r"(?:\d+(?:[.,]\d+)?(?:\s*(?:/|-|to)\s*\d+(?:[.,]\d+)?)?|one|two|three|four|half(?:\s+an?)?|a)"
)
_UNIT = (
    r"(?:mg|mcg|µg|ug|g|gm|grams?|ml|cc|units?|iu|meq|%|milligrams?|micrograms?"
    r"|tablets?|tabs?|pills?|capsules?|caps?|puffs?|drops?|sprays?|patch(?:es)?|sachets?"
    r"|teaspoons?|tsp|tablespoons?|tbsp)"
)
_DOSE = re.compile(rf"(?<!\w){_NUMBER}\s*{_UNIT}(?!\w)", re.IGNORECASE)
_TIMES = r"(?:once|twice|three times|four times|\d+\s*(?:x|times))"
_FREQUENCY = re.compile(
    "|".join(
        (
            rf"{_TIMES}\s*(?:a|an|per|each|every)?\s*(?:day|daily|week|weekly|month|night)",
            r"every\s+(?:other\s+)?(?:\d+(?:\s*(?:-|to)\s*\d+)?\s*)?"
            r"(?:hours?|hrs?|days?|weeks?|months?|morning|evening|night|day)",
            r"(?:as|when|if)\s+needed(?:\s+for\s+[a-z]+)?",
            r"at\s+(?:bed\s*time|night|noon)",
            r"in\s+the\s+(?:morning|evening|afternoon)",
            r"with\s+(?:meals|food|breakfast|lunch|dinner)",
            r"(?:daily|nightly|weekly|monthly|prn|bid|tid|qid|qd|qhs|q\d+h|once|twice)",
        )
    ),
    re.IGNORECASE,
)
_ROUTES = (
    (r"by\s+mouth|orally|oral|p\.?o\.?", "by mouth"),
    (r"under\s+the\s+tongue|sublingual(?:ly)?", "under the tongue"),
    (r"inhaled|inhaler|by\s+inhaler", "inhaled"),
    (r"by\s+injection|injection|injected|subcutaneous(?:ly)?|intramuscular(?:ly)?", "injection"),
    (r"on\s+the\s+skin|topical(?:ly)?", "on the skin"),
    (r"transdermal|skin\s+patch", "skin patch"),
    (r"in\s+(?:the|each|both)\s+eyes?|eye\s+drops?", "in the eye"),
    (r"in\s+the\s+nose|nasal(?:ly)?", "in the nose"),
)
_ROUTE = [
    (re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE), said) for words, said in _ROUTES
]
_BULLET = re.compile(r"^\s*(?:[-*•·]+|\d+[.)])\s*")
_EDGES = " \t,;:.-–—()[]/"


class MedicationLineError(ValueError):
    """A list the chart cannot read; `line` is the line's number (0: the whole list)."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}" if line else problem)
        self.line = line
        self.problem = problem


@dataclass(frozen=True, slots=True)
class MedicationLine:
    """One medication as the patient wrote it (`text`) and as read into the chart's fields."""

    text: str
    name: str
    dose: str = ""
    frequency: str = ""
    route: str = ""
    note: str = ""

    @property
    def key(self) -> str:
        """What two medications are matched by: the name, any case, spaces collapsed."""
        return name_key(self.name)


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def split_lines(text: str) -> list[str]:
    """The list's lines: split at line ends and semicolons, bullets and numbering dropped,
    spaces collapsed, empty lines left out."""
    lines = []
    for raw in re.split(r"[\r\n;]+", text or ""):
        line = " ".join(_BULLET.sub("", raw).split())
        if line:
            lines.append(line)
    return lines


def _tidy(text: str) -> str:
    return " ".join(text.split()).strip(_EDGES).strip()


def parse_line(text: str) -> MedicationLine:
    """One line read into name, dose, how often, route and what is left as a note.

    The name is what comes before the first dose, frequency or route (or, when the line starts
    with one of them, the words no part took). MedicationLineError(0, ...) when no name is left.
    """
    line = " ".join(_BULLET.sub("", text or "").split())
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or e <= start for s, e in taken)

    doses = []
    for match in _DOSE.finditer(line):
        doses.append(_tidy(match.group()))
        taken.append(match.span())
    frequencies = []
    for match in _FREQUENCY.finditer(line):
        if free(*match.span()):
            frequencies.append(_tidy(match.group()))
            taken.append(match.span())
    route = ""
    for pattern, said in _ROUTE:
        spans = [m.span() for m in pattern.finditer(line) if free(*m.span())]
        if spans:
            route = said
            taken.append(spans[0])
            break
    taken.sort()
    first = taken[0][0] if taken else len(line)
    name = _tidy(line[:first])
    rest_from = first
    if not name:
        # The line starts with a dose or a time: the name is the first words no part took.
        pieces, at = [], 0
        for start, end in taken:
            pieces.append((at, start))
            at = end
        pieces.append((at, len(line)))
        found = next(((s, e) for s, e in pieces if _tidy(line[s:e])), None)
        if found is None:
            raise MedicationLineError(0, "name the medication")
        name = _tidy(line[found[0] : found[1]])
        taken.append(found)
        taken.sort()
        rest_from = 0
    name, _, why = name.partition(" for ")
    leftovers, at = [f"for {why}" if why else ""], rest_from
    for start, end in taken:
        if start >= at:
            leftovers.append(line[at:start])
        at = max(at, end)
    leftovers.append(line[at:])
    note = _tidy(" ".join(_tidy(piece) for piece in leftovers if _tidy(piece)))
    return MedicationLine(
        text=line,
        name=name[:NAME_MAX],
        dose=" ".join(doses)[:DOSE_MAX],
        frequency=", ".join(frequencies)[:FREQUENCY_MAX],
        route=route,
        note=note[:NOTE_MAX],
    )


def parse_lines(text: str) -> tuple[MedicationLine, ...]:
    """Every line of a list, read; MedicationLineError naming the line that cannot be."""
    lines = split_lines(text)
    if len(lines) > MAX_LINES:
        raise MedicationLineError(0, f"list up to {MAX_LINES} medications, one a line")
    parsed = []
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE:
            raise MedicationLineError(number, f"keep each line under {MAX_LINE} characters")
        try:
            parsed.append(parse_line(line))
        except MedicationLineError as exc:
            raise MedicationLineError(number, exc.problem) from None
    return tuple(parsed)
