"""Small, valid X12 files for tests: an envelope around the segments a test cares about."""

from __future__ import annotations


def interchange(kind: str, version: str, body: list[str], *, control: int = 1) -> bytes:
    """ISA/GS/ST ... SE/GE/IEA around `body`, with the SE count right."""
    functional = {"271": "HB", "835": "HP"}[kind]
    isa = (
        f"ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLEANNOTE      "
        f"*260101*1200*^*00501*{control:09d}*0*T*:"
    )
    segments = [
        isa,
        f"GS*{functional}*PAYER*CLEANNOTE*20260101*1200*{control}*X*{version}",
        f"ST*{kind}*0001*{version}" if kind == "271" else f"ST*{kind}*0001",
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
