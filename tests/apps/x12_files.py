"""Small, valid X12 files for tests: an envelope around the segments a test cares about."""

from __future__ import annotations


def interchange(kind: str, version: str, body: list[str], *, control: int = 1) -> bytes:
    """ISA/GS/ST ... SE/GE/IEA around `body`, with the SE count right."""
    functional = {"271": "HB", "835": "HP", "277": "HN", "999": "FA"}[kind]
    isa = (
        f"ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLEANNOTE      "
        f"*260101*1200*^*00501*{control:09d}*0*T*:"
    )
    segments = [
        isa,
        f"GS*{functional}*PAYER*CLEANNOTE*20260101*1200*{control}*X*{version}",
        f"ST*{kind}*0001" if kind == "835" else f"ST*{kind}*0001*{version}",
        *body,
        f"SE*{len(body) + 2}*0001",
        f"GE*1*{control}",
        f"IEA*1*{control:09d}",
    ]
    return ("~\n".join(segments) + "~\n").encode("ascii")


def eligibility_271(answers: list[tuple[str, list[str]]]) -> bytes:
    """One subscriber loop per (trace, segments after NM1*IL)."""
    body = [
        "BHT*0022*11*1-1*20260101*1200",
        "HL*1**20*1",
        "NM1*PR*2*MEDICARE*****PI*MCR",
        "HL*2*1*21*1",
        "NM1*1P*2*RIVERSIDE*****XX*1234567893",
    ]
    for number, (trace, rest) in enumerate(answers, start=3):
        body += [
            f"HL*{number}*2*22*0",
            f"TRN*2*{trace}*9877281234",
            "NM1*IL*1*EXAMPLE*PAT****MI*1EG4TE5MK73",
            *rest,
        ]
    return interchange("271", "005010X279A1", body)


def service(
    procedure: str,
    charge: str,
    paid: str,
    units: int,
    *,
    adjustments: tuple[tuple[str, str, str], ...] = (),
    line_control: str | None = None,
    allowed: str | None = None,
    remarks: tuple[str, ...] = (),
) -> list[str]:
    """SVC loop: `procedure` as "97110:GP" (code and modifiers)."""
    out = [f"SVC*HC:{procedure}*{charge}*{paid}**{units}", "DTM*472*20260117"]
    out += [f"CAS*{g}*{r}*{a}" for g, r, a in adjustments]
    if line_control:
        out.append(f"REF*6R*{line_control}")
    if allowed is not None:
        out.append(f"AMT*B6*{allowed}")
    out += [f"LQ*HE*{code}" for code in remarks]
    return out


def claim_payment(
    control_number: str,
    status: str,
    charge: str,
    paid: str,
    patient_share: str,
    services: list[list[str]],
) -> tuple[str, list[str]]:
    """(paid, CLP loop) for `remittance_835`."""
    body = [
        f"CLP*{control_number}*{status}*{charge}*{paid}*{patient_share}*MB*PAYER{control_number}*11*1"
    ]
    for lines in services:
        body += lines
    return paid, body


def remittance_835(payments: list[tuple[str, list[str]]], *, control: int = 7) -> bytes:
    from decimal import Decimal

    total = sum((Decimal(paid) for paid, _ in payments), Decimal("0"))
    body = [
        f"BPR*I*{total}*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999999999*DA*7654321*20260120",
        "TRN*1*EFT0001*1512345678",
        "DTM*405*20260119",
        "N1*PR*MEDICARE",
        "N1*PE*RIVERSIDE*XX*1234567893",
        "LX*1",
    ]
    for _, loop in payments:
        body += loop
    return interchange("835", "005010X221A1", body, control=control)


def claim_acknowledgment_277ca(claims: list[tuple[str, list[str]]]) -> bytes:
    """A 277CA (005010X214): the payer, the clearinghouse's receipt of the batch, the billing
    provider, then one patient loop per (patient control number, its STC/REF/SVC segments)."""
    body = [
        "BHT*0085*08*B1*20261206*1200*TH",
        "HL*1**20*1",
        "NM1*PR*2*ACME HEALTH PLAN*****PI*12345",
        "TRN*1*0",
        "DTP*050*D8*20261206",
        "DTP*009*D8*20261206",
        "HL*2*1*21*1",
        "NM1*41*2*RIVERSIDE PT*****46*CLEANNOTE",
        "TRN*2*1",
        "STC*A1:19:PR*20261206*WQ*570.00",
        "QTY*90*3",
        "AMT*YU*570.00",
        "HL*3*2*19*1",
        "NM1*85*2*RIVERSIDE PT*****XX*1234567893",
        "TRN*1*0",
        "REF*TJ*123456789",
    ]
    for number, (pcn, statuses) in enumerate(claims, start=4):
        body += [f"HL*{number}*3*PT", "NM1*QC*1*DOE*JANE****MI*XYZ123", f"TRN*2*{pcn}"]
        body += statuses
        body += ["DTP*472*RD8*20261130-20261130"]
    return interchange("277", "005010X214", body)
