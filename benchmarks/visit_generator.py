"""Reproducible, realistic `cleannote.visit/1` visits for benchmarks and sample batches.

The same (count, seed) always yields the same visits, byte for byte once written, so a
benchmark figure can be compared across machines and commits. The visits look like a real
clinic's week: PT, OT, SLP, chiropractic and massage, with the payers each discipline tends to
bill, 3-5 services with stamped times, goals, referrals, accidents and two earlier visits.
Everybody in them is invented; NPIs carry a correct check digit so the scrubber's NPI rule
stays quiet unless a test wants it to speak.

    .venv/bin/python -m benchmarks.visit_generator examples/batch.jsonl 20 --seed 2026
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleannote.rules.npi import npi_check_digit
from cleannote.rules.visit_format import SCHEMA_ID

_BASE_DATE = dt.date(2026, 1, 5)  # a Monday; every date is an offset from it, never the clock

_FIRST_NAMES = [
    "Avery",
    "Blake",
    "Carmen",
    "Dalia",
    "Eamon",
    "Fatima",
    "Gideon",
    "Harriet",
    "Ines",
    "Jonah",
    "Keiko",
    "Lorenzo",
    "Marisol",
    "Nadia",
    "Oren",
    "Priya",
    "Quentin",
    "Rosalind",
    "Soren",
    "Tamsin",
    "Ulrich",
    "Vesna",
    "Wendell",
    "Ximena",
    "Yusuf",
    "Zora",
]
_LAST_NAMES = [
    "Abernathy",
    "Brightwater",
    "Castellano",
    "Dunmore",
    "Esterhazy",
    "Fairweather",
    "Galloway",
    "Halvorsen",
    "Ingersoll",
    "Jablonski",
    "Kettering",
    "Lindqvist",
    "Marchetti",
    "Northcott",
    "Okonkwo",
    "Pemberton",
    "Quimby",
    "Rasmussen",
    "Stroud",
    "Tremaine",
    "Underhill",
    "Valdivia",
    "Whitcombe",
    "Yarbrough",
    "Zeller",
]
_STREETS = (
    "Alder St",
    "Birch Ave",
    "Cedar Ln",
    "Division St",
    "Elm Ct",
    "Fremont Blvd",
    "Glisan St",
    "Hawthorne Blvd",
)
_CITIES = (("Portland", "97214"), ("Salem", "97301"), ("Eugene", "97401"), ("Bend", "97701"))

# discipline -> (credential, taxonomy, codes with (fee per unit, timed?))
_DISCIPLINES: dict[str, dict[str, Any]] = {
    "PT": {
        "credentials": (("PT", "225100000X"), ("PTA", "225200000X")),
        "codes": {
            "97110": ("48.00", True),
            "97112": ("52.00", True),
            "97140": ("50.00", True),
            "97116": ("46.00", True),
            "97530": ("55.00", True),
            "G0283": ("22.00", False),
        },
    },
    "OT": {
        "credentials": (("OT", "225X00000X"), ("COTA", "224Z00000X")),
        "codes": {
            "97530": ("55.00", True),
            "97535": ("54.00", True),
            "97110": ("48.00", True),
            "97140": ("50.00", True),
            "97112": ("52.00", True),
        },
    },
    "SLP": {
        "credentials": (("SLP", "235Z00000X"),),
        "codes": {
            "92507": ("140.00", False),
            "92526": ("150.00", False),
            "97129": ("60.00", True),
            "97130": ("55.00", True),
        },
    },
    "CHIRO": {
        "credentials": (("DC", "111N00000X"),),
        "codes": {
            "98941": ("75.00", False),
            "97140": ("50.00", True),
            "97110": ("48.00", True),
            "97012": ("30.00", False),
        },
    },
    "MASSAGE": {
        "credentials": (("LMT", "225700000X"),),
        "codes": {
            "97124": ("45.00", True),
            "97140": ("50.00", True),
            "97010": ("15.00", False),
        },
    },
}
_DISCIPLINE_WEIGHTS = (("PT", 45), ("OT", 15), ("SLP", 10), ("CHIRO", 15), ("MASSAGE", 15))

# diagnosis sets per discipline: (codes, body region, laterality or None)
_DIAGNOSES: dict[str, tuple[tuple[tuple[str, ...], str, str | None], ...]] = {
    "PT": (
        (("M54.50", "M51.16", "G89.29"), "lumbar", None),
        (("M25.561", "M17.11", "R26.89"), "knee", "right"),
        (("S83.241D", "M25.561"), "knee", "right"),
        (("Z47.1", "Z96.651", "R26.2"), "knee", "right"),
        (("M75.101", "M25.511"), "shoulder", "right"),
        (("I69.351", "R26.89", "M62.81"), "lower_extremity", "right"),
        (("M54.2", "S13.4XXD"), "cervical", None),
    ),
    "OT": (
        (("I69.351", "M62.81"), "upper_extremity", "right"),
        (("S52.531D", "M25.631"), "wrist", "right"),
        (("G56.01", "M79.641"), "hand", "right"),
        (("M75.121", "M25.511"), "shoulder", "right"),
    ),
    "SLP": (
        (("I69.391", "R13.12"), "oropharynx", None),
        (("I69.320", "R47.01"), "language", None),
        (("R41.841", "I69.320"), "cognition", None),
        (("R13.11", "R13.12"), "oropharynx", None),
    ),
    "CHIRO": (
        (("M99.03", "M54.50", "M99.01", "M54.2"), "lumbar", None),
        (("M99.01", "M54.2", "M99.03", "S39.012D"), "cervical", None),
    ),
    "MASSAGE": (
        (("S16.1XXD", "S13.4XXD", "M62.830"), "cervical", None),
        (("S39.012D", "S33.5XXD", "M62.830"), "lumbar", None),
        (("M79.18", "G89.29"), "thoracic", None),
    ),
}

# payer kind -> (name, payer id, unit method or None, modifier style or None)
_PAYERS: dict[str, tuple[str, str, str | None, str | None]] = {
    "medicare": ("Medicare Part B", "MCRB1", "cms", "x"),
    "medicare_advantage": ("Summit Medicare Advantage", "SMA01", "cms", "x"),
    "medicaid": ("Oregon Health Plan", "OHP01", "cms", "59"),
    "commercial": ("Evergreen Health Plan", "EVG12", "per_code", "59"),
    "auto_pip": ("Pacific Mutual Auto Insurance", "PMA77", "per_code", "59"),
    "auto_medpay": ("Harbor Auto Casualty", "HAC31", "per_code", "59"),
    "workers_comp": ("Cascade Workers Compensation Fund", "CWC10", "per_code", "59"),
}
_PAYER_KINDS = {
    "PT": ("medicare", "medicare", "medicare_advantage", "medicaid", "commercial", "workers_comp"),
    "OT": ("medicare", "medicare", "medicare_advantage", "commercial"),
    "SLP": ("medicare", "medicare_advantage", "medicaid", "commercial"),
    "CHIRO": ("commercial", "commercial", "auto_pip", "medicare"),
    "MASSAGE": ("auto_pip", "auto_pip", "auto_medpay", "commercial"),
}
_GOALS: dict[str, tuple[tuple[str, str], ...]] = {
    "PT": (
        ("functional", "Walk 300 feet without an assistive device to reach the bus stop"),
        ("functional", "Climb 12 stairs with one rail, reciprocal pattern"),
        ("functional", "Sit at work for 60 minutes with pain at or below 2/10"),
        ("impairment", "Increase active range of motion by 20 degrees"),
        ("impairment", "Improve strength to 4+/5 in the affected muscle groups"),
    ),
    "OT": (
        ("functional", "Dress upper body independently in under 10 minutes"),
        ("functional", "Prepare a simple hot meal standing, with supervision only"),
        ("functional", "Button a shirt and tie shoes without help"),
        ("impairment", "Improve grip strength by 10 lb"),
    ),
    "SLP": (
        ("functional", "Eat soft solids and thin liquids without signs of aspiration"),
        ("functional", "Name 8 of 10 everyday objects during conversation"),
        ("functional", "Follow a three-step spoken instruction with 90% accuracy"),
        ("impairment", "Increase lingual strength to the age-expected range"),
    ),
    "CHIRO": (
        ("functional", "Turn the head fully to check blind spots while driving"),
        ("functional", "Sit at work for 60 minutes with pain at or below 2/10"),
        ("impairment", "Restore lumbar flexion to within normal limits"),
    ),
    "MASSAGE": (
        ("functional", "Sleep through the night without waking from neck pain"),
        ("functional", "Return to a full 8-hour work shift"),
        ("impairment", "Reduce palpable muscle guarding to mild"),
        ("impairment", "Reduce pain at rest to 2/10 or less"),
    ),
}
# what a clinician records for each code, so generated visits carry realistic documentation
_DOCUMENTATION: dict[str, dict[str, object]] = {
    "97110": {
        "exercise": "Step-ups and bridges",
        "sets": 3,
        "reps": 12,
        "resistance": "5 lb",
        "target_outcome": "strength",
        "baseline_measure": "4-/5",
    },
    "97112": {
        "techniques": "Single-leg stance on foam",
        "sets": 4,
        "target_outcome": "balance",
        "baseline_measure": "stance 5 seconds",
    },
    "97116": {
        "activity": "Gait on stairs and ramps",
        "distance": "300 ft",
        "skilled_direction": "cues for step length",
        "baseline_measure": "150 ft with cane",
    },
    "97140": {
        "techniques": "Joint mobilisation, soft-tissue release",
        "target_outcome": "mobility",
    },
    "97530": {
        "activity": "Floor-to-counter lifting",
        "components": "squat, reach, trunk control",
        "skilled_direction": "cues for hip hinge",
    },
    "97535": {
        "activity": "Upper-body dressing",
        "skilled_direction": "one-handed technique",
        "baseline_measure": "moderate assist",
    },
    "97124": {"techniques": "Effleurage and petrissage", "target_outcome": "muscle guarding"},
    "97129": {"activity": "Attention tasks", "skilled_direction": "graded cues"},
    "97130": {"activity": "Problem-solving tasks", "skilled_direction": "graded cues"},
    "92507": {
        "techniques": "Semantic feature analysis",
        "parameters": "20 trials",
        "target_outcome": "naming",
        "baseline_measure": "4 of 10",
    },
    "92526": {
        "techniques": "Effortful swallow",
        "parameters": "10 trials",
        "target_outcome": "airway protection",
        "baseline_measure": "cough 4 of 10",
    },
    "98941": {
        "spinal_regions": ["cervical", "thoracic", "lumbar"],
        "subluxation": "restricted motion and tenderness",
        "techniques": "diversified",
    },
    "97012": {"techniques": "Mechanical lumbar traction", "parameters": "60 lb, 12 minutes"},
    "97010": {"techniques": "Moist heat"},
    "G0283": {"techniques": "Interferential current", "parameters": "80-150 Hz"},
}
_JUSTIFICATION = "Response to loading needed moment-to-moment adjustment by the clinician."
_NEEDS_JUSTIFICATION = frozenset({"97140", "97530", "97124"})
_MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  # the letters a Medicare Beneficiary Identifier may use


def _npi(rng: random.Random) -> str:
    base = "1" + "".join(rng.choice("0123456789") for _ in range(8))
    return base + str(npi_check_digit(base))


def _mbi(rng: random.Random) -> str:
    """A made-up identifier in the MBI layout (C A AN N A AN N A A N N)."""
    alnum = _MBI_LETTERS + "0123456789"
    return (
        rng.choice("123456789")
        + rng.choice(_MBI_LETTERS)
        + rng.choice(alnum)
        + rng.choice("0123456789")
        + rng.choice(_MBI_LETTERS)
        + rng.choice(alnum)
        + rng.choice("0123456789")
        + rng.choice(_MBI_LETTERS)
        + rng.choice(_MBI_LETTERS)
        + rng.choice("0123456789")
        + rng.choice("0123456789")
    )


def _address(rng: random.Random) -> dict[str, str]:
    city, zip_code = rng.choice(_CITIES)
    return {
        "line1": f"{rng.randrange(100, 9900)} {rng.choice(_STREETS)}",
        "city": city,
        "state": "OR",
        "zip": zip_code,
    }


class _World:
    """The clinics and clinicians a seed invents once, shared by all its visits."""

    def __init__(self, rng: random.Random) -> None:
        self.clinics: dict[str, dict[str, Any]] = {}
        self.clinicians: dict[str, list[dict[str, str]]] = {}
        names = {
            "PT": ("Riverbend Physical Therapy LLC", "261QR0400X"),
            "OT": ("Riverbend Physical Therapy LLC", "261QR0400X"),
            "SLP": ("Willamette Speech and Swallowing", "235Z00000X"),
            "CHIRO": ("Lakeside Chiropractic PC", "111N00000X"),
            "MASSAGE": ("Hawthorne Medical Massage", "225700000X"),
        }
        by_name: dict[str, dict[str, Any]] = {}
        for discipline, (name, taxonomy) in names.items():
            if name not in by_name:
                by_name[name] = {
                    "name": name,
                    "npi": _npi(rng),
                    "tax_id": f"93-{rng.randrange(1000000, 9999999)}",
                    "taxonomy": taxonomy,
                    "address": _address(rng),
                }
            self.clinics[discipline] = by_name[name]
            self.clinicians[discipline] = [
                {
                    "first_name": rng.choice(_FIRST_NAMES),
                    "last_name": rng.choice(_LAST_NAMES),
                    "npi": _npi(rng),
                    "credential": credential,
                    "taxonomy": taxonomy_code,
                }
                for credential, taxonomy_code in _DISCIPLINES[discipline]["credentials"]
                for _ in range(2)
            ]
        self.referrers = [
            {"first_name": rng.choice(_FIRST_NAMES), "last_name": rng.choice(_LAST_NAMES)}
            | {"npi": _npi(rng)}
            for _ in range(6)
        ]


def _pick_discipline(rng: random.Random) -> str:
    roll = rng.randrange(100)
    for discipline, weight in _DISCIPLINE_WEIGHTS:
        if roll < weight:
            return discipline
        roll -= weight
    return "PT"


def _hhmm(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def _visit(rng: random.Random, world: _World, number: int) -> dict[str, Any]:
    discipline = _pick_discipline(rng)
    spec = _DISCIPLINES[discipline]
    kind = rng.choice(_PAYER_KINDS[discipline])
    payer_name, payer_id, unit_method, modifier_style = _PAYERS[kind]
    clinician = rng.choice(world.clinicians[discipline])
    dx_codes, region, laterality = rng.choice(_DIAGNOSES[discipline])
    date_of_service = _BASE_DATE + dt.timedelta(days=rng.randrange(0, 280))
    if date_of_service.weekday() >= 5:
        date_of_service -= dt.timedelta(days=2)

    sex = rng.choice("FM")
    birth_year = (
        rng.randrange(1940, 1960) if kind.startswith("medicare") else rng.randrange(1960, 2004)
    )
    birth_date = dt.date(birth_year, rng.randrange(1, 13), rng.randrange(1, 29)).isoformat()
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    home = _address(rng)
    subscriber: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "birth_date": birth_date,
        "sex": sex,
        "relationship": "self",
    }
    if kind == "commercial" and rng.randrange(4) == 0:
        # the patient is covered as the subscriber's spouse or child
        relationship = rng.choice(("spouse", "child"))
        gap = rng.randrange(20, 40) if relationship == "child" else rng.randrange(-5, 6)
        subscriber = {
            "first_name": rng.choice(_FIRST_NAMES),
            "last_name": last,
            "birth_date": dt.date(
                birth_year - gap, rng.randrange(1, 13), rng.randrange(1, 29)
            ).isoformat(),
            "sex": rng.choice("FM"),
            "relationship": relationship,
            "group_number": f"GRP{rng.randrange(1000, 9999)}",
        }
    member_id = (
        _mbi(rng) if kind.startswith("medicare") else f"{payer_id[:3]}{rng.randrange(10**8, 10**9)}"
    )

    payer: dict[str, Any] = {"name": payer_name, "payer_id": payer_id, "kind": kind}
    if kind in ("auto_pip", "auto_medpay", "workers_comp"):
        payer["claim_number"] = f"{payer_id[:2]}-{rng.randrange(10**6, 10**7)}"
    if unit_method is not None:
        payer["unit_method"] = unit_method
    if modifier_style is not None:
        payer["modifier_style"] = modifier_style

    goals = [
        {"id": f"G{i + 1}", "kind": goal_kind, "text": text}
        for i, (goal_kind, text) in enumerate(rng.sample(_GOALS[discipline], rng.randrange(2, 4)))
    ]
    treatment_day = rng.randrange(3, 30)
    start_of_care = date_of_service - dt.timedelta(days=treatment_day * 2)

    codes = list(spec["codes"])
    count = min(len(codes), rng.randrange(3, 6))
    chosen = rng.sample(codes, count)
    clock = rng.randrange(7 * 60, 16 * 60, 15)
    services = []
    for code in chosen:
        fee, timed = spec["codes"][code]
        service: dict[str, Any] = {"code": code}
        minutes = rng.randrange(8, 31) if timed else rng.randrange(10, 31)
        service["start"] = _hhmm(clock)
        service["end"] = _hhmm(clock + minutes)
        clock += minutes
        if clinician["credential"] in ("PTA", "COTA"):
            service["assistant_minutes"] = minutes
        service["body_regions"] = [region]
        if laterality is not None:
            service["laterality"] = laterality
        service["goal_ids"] = [goals[rng.randrange(len(goals))]["id"]]
        if code in _NEEDS_JUSTIFICATION:
            service["justification"] = _JUSTIFICATION
        service["parameters"] = dict(_DOCUMENTATION.get(code, {}))
        service["diagnosis_pointers"] = [1] if len(dx_codes) == 1 else [1, 2]
        units = max(1, (minutes + 7) // 15) if timed else 1
        cents = int(fee.replace(".", "")) * units
        service["charge"] = f"{cents // 100}.{cents % 100:02d}"
        services.append(service)

    visit: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "id": f"v{number:07d}",
        "date_of_service": date_of_service.isoformat(),
        "place_of_service": "11",
        "billing_provider": world.clinics[discipline]
        | {"address": dict(world.clinics[discipline]["address"])},
        "rendering_provider": dict(clinician),
        "payer": payer,
        "subscriber": {"member_id": member_id} | subscriber | {"address": dict(home)},
        "patient": {
            "id": f"p{rng.randrange(10**6):06d}",
            "first_name": first,
            "last_name": last,
            "birth_date": birth_date,
            "sex": sex,
            "address": home,
        },
    }
    if kind.startswith("auto") or kind == "workers_comp" or rng.randrange(10) < 7:
        referrer = rng.choice(world.referrers)
        visit["referral"] = referrer | {
            "qualifier": "DN",
            "date": (start_of_care - dt.timedelta(days=rng.randrange(3, 20))).isoformat(),
            "diagnoses": list(dx_codes[:2]),
        }
    if kind.startswith("auto"):
        visit["accident"] = {
            "kind": "auto",
            "date": (start_of_care - dt.timedelta(days=rng.randrange(2, 30))).isoformat(),
            "state": "OR",
        }
    elif kind == "workers_comp":
        visit["accident"] = {
            "kind": "employment",
            "date": (start_of_care - dt.timedelta(days=rng.randrange(2, 30))).isoformat(),
            "state": "OR",
        }
    if discipline in ("PT", "OT", "SLP") or rng.randrange(2):
        visit["plan_of_care"] = {
            "start": start_of_care.isoformat(),
            "certified_through": (start_of_care + dt.timedelta(days=89)).isoformat(),
            "certified": rng.randrange(10) < 9,
            "goals": goals,
        }
    episode: dict[str, Any] = {"treatment_day": treatment_day}
    if treatment_day > 10:
        episode["last_progress_report_day"] = rng.randrange(1, treatment_day)
    if kind.startswith("medicare"):
        bucket = rng.randrange(200, 260000)
        ytd = f"{bucket // 100}.{bucket % 100:02d}"
        episode["therapy_ytd"] = (
            {"pt_slp": ytd, "ot": "0.00"}
            if discipline != "OT"
            else {
                "pt_slp": "0.00",
                "ot": ytd,
            }
        )
    visit["episode"] = episode
    visit["diagnoses"] = list(dx_codes)
    visit["services"] = services
    visit["history"] = [
        {
            "date_of_service": (date_of_service - dt.timedelta(days=days_back)).isoformat(),
            "services": [{"code": s["code"], "body_regions": [region]} for s in services],
        }
        for days_back in (7, 3)
    ]
    return visit


def generate_visits(count: int, seed: int = 2026) -> Iterator[dict[str, Any]]:
    """`count` visits as `cleannote.visit/1` dicts; the same arguments give the same visits."""
    rng = random.Random(seed)
    world = _World(rng)
    for number in range(1, count + 1):
        yield _visit(rng, world, number)


def write_jsonl(path: str | Path, count: int, seed: int = 2026) -> None:
    """Write `count` generated visits to `path`, one compact JSON object per line."""
    with Path(path).open("w", encoding="utf-8") as out:
        for visit in generate_visits(count, seed):
            out.write(json.dumps(visit, separators=(",", ":")))
            out.write("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="the .jsonl file to write")
    parser.add_argument("count", type=int, help="how many visits")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    write_jsonl(args.path, args.count, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
