"""Synthetic 835 files for the reading benchmark: distinct claims, and a repeated best case.

`write_835` answers generated claims (`claim_generator`) the way payers do. Every claim is a
different visit (claim id, patient, member id, date of service, codes, units, modifiers and
charges), and its adjudication is drawn per claim: the allowed share of the charge, the
deductible still to meet, coinsurance, a copay, Medicare's 2% sequestration, line denials and
whole-claim denials with varied reason codes, received dates, payer claim numbers. The amounts,
dates and adjustments therefore differ from claim to claim, as in a clearinghouse's daily file,
and a reader's value caches rarely hit. Claims are grouped into one transaction set per payer
and clinic. Every line, claim and set balances: charge - paid = the line's adjustments, CLP05
is the patient's share, BPR02 is the sum of CLP04.

`write_835_repeated` is the earlier generator: the same amounts, dates and adjustments in every
claim. It is kept only to print a labelled best case, where every cache always hits.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from cleannote.edi.x12_837p import ClaimToSend, claim_filing_indicator
from cleannote.rules.visit import PayerKind

CENT = Decimal("0.01")
_MEDICARE = frozenset({PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE})
# Whole-claim and line denials seen on therapy claims: (CAS01 group, CARC).
_CLAIM_DENIALS = (("CO", "16"), ("CO", "27"), ("CO", "29"), ("CO", "50"), ("PR", "204"))
_LINE_DENIALS = (("CO", "97"), ("CO", "151"), ("CO", "119"), ("CO", "96"), ("CO", "B7"))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _x12(value: Decimal) -> str:
    """An X12 decimal as payers write it: no trailing zeros after the point (130, 12.5)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass
class _Share:
    """What the patient still owes toward this year's plan, drawn once per claim."""

    deductible: Decimal
    coinsurance: Decimal
    copay: Decimal


def _share(rng: random.Random, kind: PayerKind) -> _Share:
    deductible = Decimal(rng.randrange(1_000, 28_800)) / 100 if rng.random() < 0.2 else Decimal(0)
    if kind in _MEDICARE:
        return _Share(deductible, Decimal("0.20"), Decimal(0))
    if kind is PayerKind.COMMERCIAL:
        coinsurance = Decimal(rng.choice(("0", "0.1", "0.2", "0.3")))
        copay = Decimal(rng.choice((0, 0, 20, 25, 30, 40, 50)))
        return _Share(deductible, coinsurance, copay)
    return _Share(Decimal(0), Decimal(0), Decimal(0))


def _cas(adjustments: list[tuple[str, str, Decimal]]) -> list[str]:
    """CAS segments, one per group, up to six reason/amount pairs each."""
    groups: dict[str, list[str]] = {}
    for group, reason, value in adjustments:
        if value:
            groups.setdefault(group, []).append(f"{reason}*{_x12(value)}*")
    return [f"CAS*{group}*" + "*".join(pairs).rstrip("*") for group, pairs in groups.items()]


def _remit_claim(rng: random.Random, claim: ClaimToSend) -> tuple[list[str], Decimal]:
    """The segments of one claim payment (CLP to the last AMT) and what it paid."""
    visit = claim.visit
    kind = visit.payer.kind
    dos = visit.date_of_service
    status = rng.choices(("1", "2", "19", "4"), weights=(84, 5, 4, 7))[0]
    denial = rng.choice(_CLAIM_DENIALS) if status == "4" else None
    rate = Decimal(rng.randrange(4_200, 9_300)) / 10_000  # the allowed share, per claim
    share = _share(rng, kind)
    lines: list[str] = []
    charge_total = paid_total = patient_total = Decimal(0)
    for number, line in enumerate(claim.lines, start=1):
        charge = line.charge
        adjustments: list[tuple[str, str, Decimal]] = []
        allowed = Decimal(0)
        if denial is None and rng.random() < 0.04:
            adjustments.append((*rng.choice(_LINE_DENIALS), charge))
        elif denial is not None:
            adjustments.append((*denial, charge))
        else:
            allowed = _cents(charge * rate)
            rest = allowed
            deductible = min(share.deductible, rest)
            share.deductible -= deductible
            rest -= deductible
            copay = min(share.copay, rest)
            share.copay -= copay
            rest -= copay
            coinsurance = _cents(rest * share.coinsurance)
            rest -= coinsurance
            sequestration = _cents(rest * Decimal("0.02")) if kind in _MEDICARE else Decimal(0)
            rest -= sequestration
            adjustments += [
                ("CO", "45", charge - allowed),
                ("CO", "253", sequestration),
                ("PR", "1", deductible),
                ("PR", "3", copay),
                ("PR", "2", coinsurance),
            ]
        paid = charge - sum((a[2] for a in adjustments), Decimal(0))
        procedure = ":".join(("HC", line.code, *line.modifiers))
        units = f"**{line.units}" if line.units != 1 else ""
        lines += [f"SVC*{procedure}*{_x12(charge)}*{_x12(paid)}{units}", f"DTM*472*{dos:%Y%m%d}"]
        lines += _cas(adjustments)
        lines.append(f"REF*6R*{visit.id}-{number}")
        if allowed:
            lines.append(f"AMT*B6*{_x12(allowed)}")
        charge_total += charge
        paid_total += paid
        patient_total += sum((a[2] for a in adjustments if a[0] == "PR"), Decimal(0))
    patient = visit.patient
    payer_number = "".join(rng.choice("0123456789") for _ in range(14))
    received = dos + dt.timedelta(days=rng.randrange(2, 30))
    head = [
        f"CLP*{visit.id}*{status}*{_x12(charge_total)}*{_x12(paid_total)}*"
        f"{_x12(patient_total)}*{claim_filing_indicator(kind)}*{payer_number}*11*1",
        f"NM1*QC*1*{patient.last_name}*{patient.first_name}****MI*{visit.subscriber.member_id}",
        f"NM1*82*1*{visit.rendering_provider.last_name}*{visit.rendering_provider.first_name}"
        f"****XX*{visit.rendering_provider.npi}",
        f"DTM*050*{received:%Y%m%d}",
        f"DTM*232*{dos:%Y%m%d}",
    ]
    return [*head, *lines], paid_total


def write_835(path: Path, claims: Iterable[ClaimToSend], seed: int = 2026) -> int:
    """An 835 answering `claims`, one transaction set per payer and clinic; returns the count."""
    rng = random.Random(seed)
    sets: dict[tuple[str, str], tuple[ClaimToSend, list[str], Decimal]] = {}
    count = 0
    for claim in claims:
        count += 1
        visit = claim.visit
        key = (visit.payer.payer_id, visit.billing_provider.npi)
        first, body, paid = sets.get(key, (claim, ["LX*1"], Decimal(0)))
        segments, claim_paid = _remit_claim(rng, claim)
        body += segments
        sets[key] = (first, body, paid + claim_paid)
    with path.open("w", encoding="ascii") as out:
        out.write(
            "ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*CLINIC         "
            "*260110*1200*^*00501*000000001*0*P*:~\n"
            "GS*HP*CLEARINGHOUSE*CLINIC*20260110*1200*1*X*005010X221A1~\n"
        )
        for number, (first, body, paid) in enumerate(sets.values(), start=1):
            visit = first.visit
            provider = visit.billing_provider
            header = [
                f"ST*835*{number:04d}*005010X221A1",
                f"BPR*I*{_x12(paid)}*C*ACH*CCP*01*999999999*DA*1*1512345678**01*888888888*DA*"
                f"{number}*20260110",
                f"TRN*1*EFT{number:07d}*1512345678",
                "DTM*405*20260108",
                # No N1*PR id: edi-835-parser reads N1 identifiers as integers, and payer ids
                # are letters and digits.
                f"N1*PR*{visit.payer.name.upper()}",
                f"N1*PE*{provider.name.upper()}*XX*{provider.npi}",
            ]
            segments = [*header, *body]
            segments.append(f"SE*{len(segments) + 1}*{number:04d}")
            out.writelines(s + "~\n" for s in segments)
        out.write(f"GE*{len(sets)}*1~\nIEA*1*000000001~\n")
    return count


def write_835_repeated(path: Path, claims: int) -> None:
    """The best case: every claim pays the same amounts on the same dates with the same CAS."""
    body: list[str] = ["LX*1"]
    paid_total = 0
    for n in range(claims):
        body += [
            f"CLP*PCN{n:07d}*1*250.00*130.00*20.00*12*PAYER{n:09d}",
            "CAS*PR*2*20.00",
            f"NM1*QC*1*PATIENT*TEST****MI*M{n:08d}",
            "DTM*232*20260105",
            "SVC*HC:97110:GP*150.00*90.00**2",
            "DTM*472*20260105",
            "CAS*CO*45*60.00",
            f"REF*6R*L{n}A",
            "AMT*B6*110.00",
            "SVC*HC:97140:GP*100.00*40.00**1",
            "DTM*472*20260105",
            "CAS*CO*45*60.00",
            f"REF*6R*L{n}B",
            "AMT*B6*60.00",
        ]
        paid_total += 13000
    header = [
        "ST*835*0001*005010X221A1",
        f"BPR*I*{paid_total // 100}.{paid_total % 100:02d}*C*ACH*CCP*01*999999999*DA*1*"
        "1512345678**01*888888888*DA*2*20260110",
        "TRN*1*EFT0001*1512345678",
        "DTM*405*20260108",
        "N1*PR*BENCH HEALTH PLAN",
        "N1*PE*BENCH THERAPY*XX*1234567893",
    ]
    segments = [*header, *body]
    segments.append(f"SE*{len(segments) + 1}*0001")
    with path.open("w", encoding="ascii") as out:
        out.write(
            "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         "
            "*260110*1200*^*00501*000000001*0*P*:~\n"
            "GS*HP*PAYER*CLINIC*20260110*1200*1*X*005010X221A1~\n"
        )
        out.writelines(s + "~\n" for s in segments)
        out.write("GE*1*1~\nIEA*1*000000001~\n")
