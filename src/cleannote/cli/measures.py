"""`cleannote measures`: the standardized outcome measures Cleannote knows, and scoring them.

Instruments free to use in software are scored from their answers (LEFS takes its 20 item
answers); a licensed instrument takes the one total obtained on the licensed form.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cleannote.cli.action_groups import add_action_group
from cleannote.cli.errors import EXIT_OK
from cleannote.rules.outcome_measures import Instrument, Licence, all_instruments, score

_LICENCE_WORDS = {
    Licence.FREE: "free to use",
    Licence.PUBLIC_DOMAIN: "public domain",
    Licence.NO_FORM: "timed test, no form",
    Licence.LICENSED: "licensed form",
}

_SCORE_EPILOG = (
    "examples: measures score LEFS 4 4 3 ... (20 answers, 0-4) · measures score PSFS 3 5 4 · "
    "measures score TUG 11.4 · measures score ODI 34 (the total from the licensed form). "
    "exit status: 0 when scored, 2 when an answer is missing, extra or out of range"
)


def register(subparsers: Any) -> None:
    actions = add_action_group(
        subparsers,
        "measures",
        __doc__,
        help="list and score standardized outcome measures (LEFS, PSFS, Berg, DHI, TUG, ...)",
    )

    list_parser = actions.add_parser(
        "list",
        help="each instrument: range, direction, MCID, licence",
        description="Each instrument with its range, direction, MCID and licence.",
    )
    list_parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    list_parser.set_defaults(handler=run_list)

    score_parser = actions.add_parser(
        "score",
        help="score INSTRUMENT from its ANSWERS (or a licensed form's total)",
        description="Score INSTRUMENT from its answers, or record a licensed form's total.",
        epilog=_SCORE_EPILOG,
    )
    score_parser.add_argument("--json", action="store_true", help="print JSON instead of a line")
    score_parser.add_argument("instrument", metavar="INSTRUMENT")
    score_parser.add_argument("answers", nargs="*", metavar="ANSWER")
    score_parser.set_defaults(handler=run_score)


def _thresholds(found: Instrument) -> str:
    if not found.thresholds:
        return "no MCID on file"
    shown = sorted({f"{t.kind} {t.points:f}" for t in found.thresholds})
    return " / ".join(shown)


def _instrument_json(found: Instrument) -> dict[str, object]:
    return {
        "code": found.code,
        "name": found.name,
        "scoring": found.scoring.value,
        "scored_in_full": found.scored_in_full,
        "answers": found.answers_text,
        "low": str(found.low),
        "high": str(found.high),
        "unit": found.unit,
        "direction": found.direction.value,
        "licence": found.licence.value,
        "licence_note": found.licence_note,
        "source": found.source,
        "thresholds": [
            {
                "kind": t.kind,
                "points": str(t.points),
                "baseline_low": None if t.baseline_low is None else str(t.baseline_low),
                "baseline_high": None if t.baseline_high is None else str(t.baseline_high),
                "source": t.source,
                "confidence": t.confidence,
            }
            for t in found.thresholds
        ],
        "bands": [{"from": str(b.low), "label": b.label} for b in found.bands],
        "bands_source": found.bands_source,
    }


def run_list(args: argparse.Namespace) -> int:
    instruments = all_instruments()
    if args.json:
        print(json.dumps([_instrument_json(i) for i in instruments], indent=2))
        return EXIT_OK
    width = max(len(i.code) for i in instruments)
    for found in instruments:
        scoring = "scored in full" if found.scored_in_full else "total only"
        better = "higher is better" if found.higher_is_better else "lower is better"
        print(
            f"{found.code:<{width}}  {found.low:f}-{found.high:f} {found.unit}  {better}  "
            f"{_thresholds(found)}  {_LICENCE_WORDS[found.licence]}: {scoring}  {found.name}"
        )
    return EXIT_OK


def run_score(args: argparse.Namespace) -> int:
    result = score(args.instrument, args.answers)
    found = result.instrument
    if args.json:
        payload = {
            "instrument": found.code,
            "total": str(result.total),
            "shown": result.shown,
            "band": result.band or None,
            "direction": found.direction.value,
            "thresholds": _instrument_json(found)["thresholds"],
        }
        print(json.dumps(payload, indent=2))
        return EXIT_OK
    band = f"  {result.band}" if result.band else ""
    better = "higher is better" if found.higher_is_better else "lower is better"
    print(f"{found.code} {result.shown}{band}  ({better}; {_thresholds(found)})")
    return EXIT_OK
