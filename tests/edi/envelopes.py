"""Build small, correctly enveloped X12 files for tests (counts and control numbers right)."""

from __future__ import annotations

ISA = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
    "*260101*1200*^*00501*000000123*0*T*:~"
)


def wrap(
    body: list[str], *, st01: str = "835", guide: str = "005010X221A1", functional: str = "HP"
) -> str:
    """ISA/GS/ST ... SE/GE/IEA around `body` (segments without terminators)."""
    segments = [f"ST*{st01}*0001*{guide}", *body]
    segments.append(f"SE*{len(segments) + 1}*0001")
    return "\n".join(
        [
            ISA,
            f"GS*{functional}*SENDER*RECEIVER*20260101*1200*7*X*{guide}~",
            *(s + "~" for s in segments),
            "GE*1*7~",
            "IEA*1*000000123~",
        ]
    )


REMIT_BODY = [
    "BPR*I*130.00*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*888888888*DA*654321*20260110",
    "TRN*1*EFT0001*1512345678",
    "DTM*405*20260108",
    "N1*PR*ACME HEALTH PLAN",
    "N1*PE*SUNRISE THERAPY*XX*1234567893",
    "LX*1",
    "CLP*PCN-1*1*250.00*130.00*20.00*12*PAYERCLAIM1",
    "CAS*PR*2*20.00",
    "NM1*QC*1*DOE*JANE****MI*XYZ123",
    "DTM*232*20260105",
    "SVC*HC:97110:GP*150.00*90.00**2",
    "DTM*472*20260105",
    "CAS*CO*45*40.00",
    "REF*6R*LINE1",
    "AMT*B6*110.00",
    "SVC*HC:97140:GP:59*100.00*40.00**1*HC:97530",
    "DTM*472*20260105",
    "CAS*CO*45*50.00",
    "CAS*PR*2*10.00",
    "REF*6R*LINE2",
    "LQ*HE*N362",
    "CLP*PCN-2*4*100.00*0*0*12*PAYERCLAIM2",
    "CAS*CO*50*100.00",
    "SVC*HC:97010:GP*100.00*0",
    "DTM*472*20260106",
    "LQ*HE*M15",
]
