"""Reproducible, realistic `cleannote.visit/1` visits for benchmarks and sample batches.

The same (count, seed) always yields the same visits, byte for byte once written, so a
benchmark figure can be compared across machines and commits. The visits look like a real
clinic's week: PT, OT, SLP, chiropractic and massage, with the payers each discipline tends to
bill, 3-5 services with stamped times, goals, referrals, accidents and two earlier visits.
Everybody in them is invented; NPIs carry a correct check digit so the scrubber's NPI rule
stays quiet unless a test wants it to speak.

Most visits are documented the way a careful clinic documents, so they scrub clean (no error
and no warning; notes such as "CQ added" or "bypass modifier added" are expected): every
documentation element the catalog lists for a code, a justification on each code whose catalog
entry needs one, a goal on every block, blocks of 15 minutes or more, charges that match the
units the payer's method gives, a referral wherever the payer requires one, a certified plan of
care, a progress report inside the payer's interval, manual therapy on a different region from
the spinal manipulation or the massage, and a ZIP+4 on the billing provider (the 837P needs 9
digits).

Deliberate imperfections keep the batch exercising the scrubber. Each visit, with probability
FLAW_RATE = 0.15, carries exactly one problem, drawn with equal chance from those that fit it
(the rule id it should raise in brackets):

- no-goal: one timed block has no goal link [doc.no-goal]
- no-justification: a code that needs a skill statement has none [doc.no-justification]
- progress-report-overdue: payers with a progress-report interval (Medicare, Medicare
  Advantage): the last report is 10-12 treatment days old [poc.progress-report-due]
- poc-not-certified: payers that require certification: the plan is unsigned
  [poc.not-certified]
- massage-manual-same-region: 97124 and 97140 on one region [pair.97124-97140-region]
- 97010-bundled: PT or OT bills hot/cold packs to Medicare or Medicare Advantage, which
  bundle them [medicare.97010-bundled]
- referral-visits-used: the visit is one past the visits the carrier authorised
  [referral.visits-used]

`generate_cases` returns each visit with the imperfection it carries (None when none), so tests
can hold the scrubber to both halves.

    .venv/bin/python -m benchmarks.visit_generator examples/batch.jsonl 20 --seed 2026
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from cleannote.rules.catalog import procedure
from cleannote.rules.npi import npi_check_digit
from cleannote.rules.payer_policy import PayerPolicy, default_policy
from cleannote.rules.scope_of_practice import scope_of
from cleannote.rules.scrub.checks_patient import age_on
from cleannote.rules.units import TimedEntry, assign_units
from cleannote.rules.visit import Credential, PayerKind, UnitMethod
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
# city -> (5-digit ZIP for people, ZIP+4 for the clinic: the 837P billing provider needs all 9)
_CITIES = (
    ("Portland", "97214", "97214-3512"),
    ("Salem", "97301", "97301-4186"),
    ("Eugene", "97401", "97401-2735"),
    ("Bend", "97701", "97701-5940"),
)

# discipline -> credentials (credential, taxonomy) and codes with (fee per unit, timed?)
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
_FEE_97010 = "15.00"

# A site is where a service is aimed: (body regions, laterality or None, diagnosis pointers).
_Site = tuple[tuple[str, ...], str | None, tuple[int, ...]]
# Diagnosis sets per discipline: the codes, primary first, and the sites they support. "main"
# serves every service; chiropractic's "spine" is what 98941 manipulates, and "second" is the
# other region where a careful chiropractor or massage therapist does manual therapy (97140),
# so it never doubles the manipulation or the massage on one region.
_DIAGNOSES: dict[str, tuple[tuple[tuple[str, ...], dict[str, _Site]], ...]] = {
    "PT": (
        (("M54.50", "M51.16", "G89.29"), {"main": (("lumbar",), None, (1, 2))}),
        (("M25.561", "M17.11", "R26.89"), {"main": (("knee",), "right", (1, 2))}),
        (("S83.241D", "M25.561"), {"main": (("knee",), "right", (1, 2))}),
        (("Z47.1", "Z96.651", "R26.2"), {"main": (("knee",), "right", (1, 2))}),
        (("M75.101", "M25.511"), {"main": (("shoulder",), "right", (1, 2))}),
        (("I69.351", "R26.89", "M62.81"), {"main": (("lower_extremity",), "right", (1, 2))}),
        (("M54.2", "S13.4XXD"), {"main": (("cervical",), None, (1, 2))}),
    ),
    "OT": (
        (("I69.351", "M62.81"), {"main": (("upper_extremity",), "right", (1, 2))}),
        (("S52.531D", "M25.631"), {"main": (("wrist",), "right", (1, 2))}),
        (("G56.01", "M79.641"), {"main": (("hand",), "right", (1, 2))}),
        (("M75.121", "M25.511"), {"main": (("shoulder",), "right", (1, 2))}),
    ),
    "SLP": (
        (("I69.391", "R13.12"), {"main": (("oropharynx",), None, (1, 2))}),
        (("I69.320", "I69.391"), {"main": (("language",), None, (1, 2))}),
        (("R41.841", "I69.320"), {"main": (("cognition",), None, (1, 2))}),
        (("R13.11", "R13.12"), {"main": (("oropharynx",), None, (1, 2))}),
    ),
    "CHIRO": (
        (
            ("M99.03", "M99.02", "M99.01", "M54.50", "M25.511"),
            {
                "spine": (("lumbar", "thoracic", "cervical"), None, (1, 2, 3)),
                "main": (("lumbar",), None, (4, 1)),
                "second": (("shoulder",), "right", (5,)),
            },
        ),
        (
            ("M99.01", "M99.02", "M99.03", "M54.2", "M25.551"),
            {
                "spine": (("cervical", "thoracic", "lumbar"), None, (1, 2, 3)),
                "main": (("cervical",), None, (4, 1)),
                "second": (("hip",), "right", (5,)),
            },
        ),
    ),
    "MASSAGE": (
        (
            ("S16.1XXD", "S39.012D", "M62.830"),
            {"main": (("cervical",), None, (1, 3)), "second": (("lumbar",), None, (2, 3))},
        ),
        (
            ("S13.4XXD", "S33.5XXD", "M62.830"),
            {"main": (("cervical",), None, (1, 3)), "second": (("lumbar",), None, (2, 3))},
        ),
        (
            ("S23.3XXD", "S16.1XXD", "M62.830"),
            {"main": (("thoracic",), None, (1, 3)), "second": (("cervical",), None, (2,))},
        ),
    ),
}
# Which site each code aims at, when not "main".
_SITE_OF: dict[str, dict[str, str]] = {
    "CHIRO": {"98941": "spine", "97140": "second"},
    "MASSAGE": {"97140": "second"},
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
# Medicare pays a chiropractor for spinal manipulation only, and most health plans never pay
# 97010 (hot or cold packs), so careful chiropractic and massage clinics bill those visits
# to the payers below.
_PAYER_KINDS = {
    "PT": ("medicare", "medicare", "medicare_advantage", "medicaid", "commercial", "workers_comp"),
    "OT": ("medicare", "medicare", "medicare_advantage", "commercial"),
    "SLP": ("medicare", "medicare_advantage", "medicaid", "commercial"),
    "CHIRO": ("commercial", "commercial", "auto_pip", "auto_medpay"),
    "MASSAGE": ("auto_pip", "auto_pip", "auto_medpay", "auto_pip"),
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
# What a careful clinician records for each code: every documentation element the catalog
# (data/procedures.json) lists for it, keyed by element name. `goal` and `body_regions` are
# service fields, and the catalog's `parameters` element is met by the dosage keys (sets,
# reps, resistance, distance) or a free-text `parameters`.
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
        "duration": "30 seconds",
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
    "97129": {
        "activity": "Sustained and alternating attention tasks",
        "techniques": "Attention process training",
        "target_outcome": "sustained attention",
        "baseline_measure": "attends 3 minutes with cues",
    },
    "97130": {
        "activity": "Multi-step problem-solving tasks",
        "techniques": "Goal management training",
        "target_outcome": "problem solving",
        "baseline_measure": "solves 2 of 5 with moderate cues",
    },
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
    "97012": {
        "modality_parameters": "Mechanical intermittent traction, 60/20 s cycle, 12 minutes",
        "target_outcome": "radicular symptoms",
    },
    "97010": {
        "modality_parameters": "Moist heat pack, 10 minutes, skin checked",
        "target_outcome": "muscle guarding before manual work",
    },
    "G0283": {
        "modality_parameters": "Interferential current, 80-150 Hz, 15 minutes",
        "target_outcome": "pain before exercise",
    },
}
# Why the clinician's skill was needed, for the codes whose catalog entry asks for it.
_JUSTIFICATIONS: dict[str, str] = {
    "97140": "Tissue resistance changed grade by grade; force and direction were adjusted by hand.",
    "97530": "The task needed hands-on guarding and real-time cueing to stay safe and graded.",
    "97124": "Guarding shifted under the hands; depth and pressure followed the tissue response.",
    "97012": "Force and angle were set and adjusted to the patient's symptom response.",
    "97010": "Heat dose and skin checks were set by the clinician ahead of manual work.",
    "G0283": "Electrode placement and intensity were adjusted to the reported pain response.",
}
_MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  # the letters a Medicare Beneficiary Identifier may use

# The share of visits that carry one deliberate, realistic problem (see the module docstring).
FLAW_RATE = 0.15
# Each imperfection, with the scrub rule it should raise.
FLAWS = {
    "no-goal": "doc.no-goal",
    "no-justification": "doc.no-justification",
    "progress-report-overdue": "poc.progress-report-due",
    "poc-not-certified": "poc.not-certified",
    "massage-manual-same-region": "pair.97124-97140-region",
    "97010-bundled": "medicare.97010-bundled",
    "referral-visits-used": "referral.visits-used",
}


_MEDICARE_KINDS = frozenset({"medicare", "medicare_advantage"})


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


def _address(rng: random.Random, *, zip_plus_four: bool = False) -> dict[str, str]:
    city, zip_code, zip_nine = rng.choice(_CITIES)
    return {
        "line1": f"{rng.randrange(100, 9900)} {rng.choice(_STREETS)}",
        "city": city,
        "state": "OR",
        "zip": zip_nine if zip_plus_four else zip_code,
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
                    "address": _address(rng, zip_plus_four=True),
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


def _pick_codes(rng: random.Random, discipline: str) -> list[str]:
    """3-5 of the discipline's codes, in the order they were done.

    97130 adds time to 97129: it is never billed without it, and comes after it.
    """
    codes = list(_DISCIPLINES[discipline]["codes"])
    chosen = rng.sample(codes, min(len(codes), rng.randrange(3, 6)))
    if "97130" in chosen:
        if "97129" not in chosen:
            chosen[chosen.index("97130")] = "97129"
        elif chosen.index("97130") < chosen.index("97129"):
            first, second = chosen.index("97130"), chosen.index("97129")
            chosen[first], chosen[second] = "97129", "97130"
    return chosen


def _pick_flaw(
    rng: random.Random,
    discipline: str,
    codes: list[str],
    policy: PayerPolicy,
    referral_limited: bool,
) -> str | None:
    """One problem that fits this visit, for FLAW_RATE of visits; None for the rest."""
    if rng.random() >= FLAW_RATE:
        return None
    fits = {
        "no-goal": any(procedure(c).timed for c in codes),
        "no-justification": any(procedure(c).needs_justification for c in codes),
        "progress-report-overdue": policy.progress_report_interval_days is not None,
        "poc-not-certified": policy.plan_of_care_certification_required,
        "massage-manual-same-region": "97124" in codes and "97140" in codes,
        "97010-bundled": discipline in ("PT", "OT")
        and not policy.pays_97010
        and policy.kind in _MEDICARE_KINDS,
        "referral-visits-used": referral_limited,
    }
    return rng.choice([flaw for flaw in FLAWS if fits[flaw]])


def _units(services: list[dict[str, Any]], minutes: list[int], method: str) -> list[int]:
    """Units per service as the payer's method counts them, so each charge matches its units."""
    timed = [i for i, s in enumerate(services) if procedure(s["code"]).timed]
    counted = assign_units(
        [TimedEntry(services[i]["code"], minutes[i]) for i in timed], UnitMethod(method)
    )
    units = [1] * len(services)
    for i, count in zip(timed, counted, strict=True):
        units[i] = count
    return units


def _visit(rng: random.Random, world: _World, number: int) -> tuple[dict[str, Any], str | None]:
    discipline = _pick_discipline(rng)
    spec = _DISCIPLINES[discipline]
    kind = rng.choice(_PAYER_KINDS[discipline])
    policy = default_policy(PayerKind(kind))
    payer_name, payer_id, unit_method, modifier_style = _PAYERS[kind]
    clinician = rng.choice(world.clinicians[discipline])
    dx_codes, sites = rng.choice(_DIAGNOSES[discipline])
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
        limit = policy.max_dependent_age
        born = dt.date.fromisoformat(birth_date)
        if relationship == "child" and limit is not None and age_on(born, date_of_service) >= limit:
            # past the plan's dependent age (patient.dependent-age): an older patient is
            # covered as the spouse; the draws stay the same, so the batch does not shift
            relationship = "spouse"
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
    method = unit_method or policy.unit_method.value
    if unit_method is not None:
        payer["unit_method"] = unit_method
    if modifier_style is not None:
        payer["modifier_style"] = modifier_style

    goals = [
        {"id": f"G{i + 1}", "kind": goal_kind, "text": text}
        for i, (goal_kind, text) in enumerate(rng.sample(_GOALS[discipline], rng.randrange(2, 4)))
    ]
    chosen = _pick_codes(rng, discipline)
    # Auto and workers' compensation carriers authorise a number of visits on the order.
    referral_limited = kind.startswith("auto") or kind == "workers_comp"
    has_referral = referral_limited or policy.referral_required or rng.randrange(10) < 7
    flaw = _pick_flaw(rng, discipline, chosen, policy, referral_limited)
    if flaw == "97010-bundled":
        chosen[-1] = "97010"

    treatment_day = rng.randrange(3, 30)
    if flaw == "progress-report-overdue":
        treatment_day = max(treatment_day, 13)
    days_in_care = treatment_day * 2
    if flaw == "poc-not-certified":
        # past the physician's 30 days to certify: inside them the plan is only pending (ADR 0392)
        days_in_care = max(days_in_care, 31 + treatment_day)
    start_of_care = date_of_service - dt.timedelta(days=days_in_care)

    clock = rng.randrange(7 * 60, 16 * 60, 15)
    services: list[dict[str, Any]] = []
    minutes_done: list[int] = []
    for code in chosen:
        catalog = procedure(code)
        if code == "97129":
            minutes = rng.randrange(15, 19)  # the first 15 minutes; 97130 carries the rest
        else:
            minutes = rng.randrange(15, 31) if catalog.timed else rng.randrange(10, 31)
        regions, laterality, pointers = sites[_SITE_OF.get(discipline, {}).get(code, "main")]
        if flaw == "massage-manual-same-region" and code == "97140":
            regions, laterality, pointers = sites["main"]
        service: dict[str, Any] = {"code": code}
        service["start"] = _hhmm(clock)
        service["end"] = _hhmm(clock + minutes)
        clock += minutes
        if clinician["credential"] in ("PTA", "COTA"):
            service["assistant_minutes"] = minutes
        service["body_regions"] = list(regions)
        if laterality is not None:
            service["laterality"] = laterality
        service["goal_ids"] = [goals[rng.randrange(len(goals))]["id"]]
        if catalog.needs_justification:
            service["justification"] = _JUSTIFICATIONS[code]
        service["parameters"] = dict(_DOCUMENTATION[code])
        service["diagnosis_pointers"] = list(pointers)
        services.append(service)
        minutes_done.append(minutes)
    for service, units in zip(services, _units(services, minutes_done, method), strict=True):
        fee = _FEE_97010 if service["code"] == "97010" else spec["codes"][service["code"]][0]
        service["charge"] = str(Decimal(fee) * units)
    if flaw == "no-goal":
        del next(s for s in services if procedure(s["code"]).timed)["goal_ids"]
    elif flaw == "no-justification":
        del next(s for s in services if "justification" in s)["justification"]

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
    supervisor = scope_of(Credential(clinician["credential"])).supervised_by
    if supervisor is not None and not policy.enrols_assistants:
        # The payer enrols no assistants: the claim names the supervising therapist and the
        # assistant furnishes the visit (docs/decisions/0200). Picked without the rng, so the
        # other visits of a seed stay as they were.
        therapist = next(
            c for c in world.clinicians[discipline] if c["credential"] == supervisor.value
        )
        visit["rendering_provider"] = dict(therapist)
        visit["assistant"] = dict(clinician)
    if has_referral:
        referrer = rng.choice(world.referrers)
        referral_date = start_of_care - dt.timedelta(days=rng.randrange(3, 20))
        visit["referral"] = referrer | {
            "qualifier": "DN",
            "date": referral_date.isoformat(),
            "diagnoses": list(dx_codes[:2]),
        }
        if referral_limited:
            authorized = rng.choice((30, 36, 40))
            if flaw == "referral-visits-used":
                authorized = treatment_day - 1
            visit["referral"] |= {
                "authorized_visits": authorized,
                "visit_number": treatment_day,
                "expires": (referral_date + dt.timedelta(days=180)).isoformat(),
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
    visit["plan_of_care"] = {
        "start": start_of_care.isoformat(),
        "certified_through": (start_of_care + dt.timedelta(days=89)).isoformat(),
        "certified": flaw != "poc-not-certified",
        "goals": goals,
    }
    episode: dict[str, Any] = {"treatment_day": treatment_day}
    interval = policy.progress_report_interval_days or 10
    if flaw == "progress-report-overdue":
        episode["last_progress_report_day"] = treatment_day - interval - rng.randrange(0, 3)
    elif treatment_day >= interval:
        # the report falls inside every interval, written on one of the last nine days
        episode["last_progress_report_day"] = treatment_day - rng.randrange(1, interval)
    if kind.startswith("medicare"):
        bucket = rng.randrange(200, 245000)  # KX above $2,480, never near $3,000
        ytd = f"{bucket // 100}.{bucket % 100:02d}"
        episode["therapy_ytd"] = (
            {"pt_slp": ytd, "ot": "0.00"} if discipline != "OT" else {"pt_slp": "0.00", "ot": ytd}
        )
    visit["episode"] = episode
    visit["diagnoses"] = list(dx_codes)
    visit["services"] = services
    visit["history"] = [
        {
            "date_of_service": (date_of_service - dt.timedelta(days=days_back)).isoformat(),
            "services": [{"code": s["code"], "body_regions": s["body_regions"]} for s in services],
        }
        for days_back in (7, 3)
    ]
    return visit, flaw


def generate_cases(count: int, seed: int = 2026) -> Iterator[tuple[dict[str, Any], str | None]]:
    """Each generated visit with the imperfection it carries (one of FLAWS), or None."""
    rng = random.Random(seed)
    world = _World(rng)
    for number in range(1, count + 1):
        yield _visit(rng, world, number)


def generate_visits(count: int, seed: int = 2026) -> Iterator[dict[str, Any]]:
    """`count` visits as `cleannote.visit/1` dicts; the same arguments give the same visits."""
    for visit, _ in generate_cases(count, seed):
        yield visit


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
