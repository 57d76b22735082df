"""Where everything on the CMS-1500 (02/12) sits, as data, so alignment is tuned in one place.

The red form is printed on a character grid: 10 characters per inch across, 6 lines per inch
down (the NUCC print specification), so every position here is a grid column (1 = the left
edge of the form's boxes) and a grid line (1 = the top of the page), never a raw point value.
If a printer or a stock of forms puts data a little off, move `ORIGIN_X`/`ORIGIN_Y` for the
whole page, or one `Spot` for one box; nothing else needs to change.

Three tables:
- `SPOTS`: where each printed value starts and how many characters fit (both modes).
- `FRAMES`, `LEGENDS`, `CHECKBOXES`, `SHADED_LINES`, `RULES_24`: the drawn form (full mode
  only). Captions are our own wording and abbreviations of the box titles.
- `BOX1_BY_PAYER_KIND`: which box 1 checkbox a payer kind marks.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleannote.rules.visit import PayerKind, Relationship

PAGE_WIDTH = 612.0
"""US Letter, in points."""
PAGE_HEIGHT = 792.0
CHAR_PITCH = 7.2
"""Points per grid column: 10 characters per inch."""
LINE_PITCH = 12.0
"""Points per grid line: 6 lines per inch."""
ORIGIN_X = 21.6
"""Left edge of the character cell in column 1, in points from the page's left edge."""
ORIGIN_Y = 30.0
"""Baseline of grid line 0, in points from the page's top edge."""

DATA_FONT = "Courier"
DATA_FONT_SIZE = 10.0
DATA_CHAR_SPACE = CHAR_PITCH - 6.0
"""Courier's glyphs advance 0.6 em (6 pt at 10 pt); the rest of the 0.1 inch is spacing."""
CAPTION_FONT = "Helvetica"
CAPTION_FONT_SIZE = 5.0
TITLE_FONT = "Helvetica-Bold"
TITLE_FONT_SIZE = 10.0
DROP_OUT_RED = (0.85, 0.22, 0.24)
"""Scanners drop this colour out; only the black data is read."""
SHADE = (0.99, 0.90, 0.90)


def grid_x(col: float) -> float:
    """Left edge of a column's character cell, in points from the page's left edge."""
    return ORIGIN_X + (col - 1) * CHAR_PITCH


def grid_y(line: float) -> float:
    """Baseline of a grid line, in reportlab's points from the page's bottom edge."""
    return PAGE_HEIGHT - (ORIGIN_Y + line * LINE_PITCH)


def edge_x(col: float) -> float:
    """The vertical rule just left of a column: close to the cell, clear of the glyph before."""
    return grid_x(col) - 2.0


def band_top(line: float) -> float:
    """Top of a grid line's band; bands tile the page: 8 pt above the baseline, 4 below."""
    return grid_y(line) + 8.0


def band_bottom(line: float) -> float:
    return grid_y(line) - 4.0


@dataclass(frozen=True, slots=True)
class Spot:
    """Where one printed value starts (grid column and line) and how many characters fit."""

    col: int
    line: int
    width: int


@dataclass(frozen=True, slots=True)
class Frame:
    """One drawn box: columns `left`..`right` and lines `top`..`bottom`, both inclusive."""

    caption: str
    left: int
    right: int
    top: int
    bottom: int


@dataclass(frozen=True, slots=True)
class Legend:
    """Small preprinted words: on a caption line, or beside a checkbox on the data baseline."""

    text: str
    col: float
    line: int
    beside_data: bool = False
    right_aligned: bool = False


SERVICE_LINES_PER_PAGE = 6
DIAGNOSES_PER_CLAIM = 12
POINTERS_PER_LINE = 4
MODIFIERS_PER_LINE = 4
DIAGNOSIS_LETTERS = "ABCDEFGHIJKL"


def service_line(n: int) -> tuple[int, int]:
    """Grid lines of service line n (1..6): the shaded supplemental line, then the data line."""
    return 41 + 2 * n, 42 + 2 * n


def _diagnosis_spots() -> dict[str, Spot]:
    cols = (3, 15, 27, 39)
    return {
        f"21.{letter}": Spot(cols[i % 4], 38 + i // 4, 8)
        for i, letter in enumerate(DIAGNOSIS_LETTERS)
    }


SPOTS: dict[str, Spot] = {
    "carrier.name": Spot(41, 2, 38),
    "carrier.page": Spot(41, 5, 20),
    # Box 1 checkboxes and 1a
    "1.medicare": Spot(1, 8, 1),
    "1.medicaid": Spot(8, 8, 1),
    "1.tricare": Spot(15, 8, 1),
    "1.champva": Spot(24, 8, 1),
    "1.group": Spot(31, 8, 1),
    "1.feca": Spot(39, 8, 1),
    "1.other": Spot(45, 8, 1),
    "1a": Spot(50, 8, 29),
    # 2-4
    "2": Spot(1, 10, 28),
    "3.dob": Spot(31, 10, 10),
    "3.m": Spot(42, 10, 1),
    "3.f": Spot(47, 10, 1),
    "4": Spot(50, 10, 29),
    # 5-7 street
    "5.street": Spot(1, 12, 28),
    "6.self": Spot(33, 12, 1),
    "6.spouse": Spot(38, 12, 1),
    "6.child": Spot(42, 12, 1),
    "6.other": Spot(47, 12, 1),
    "7.street": Spot(50, 12, 29),
    # 5 and 7 city/state, zip/phone
    "5.city": Spot(1, 14, 23),
    "5.state": Spot(25, 14, 3),
    "7.city": Spot(50, 14, 22),
    "7.state": Spot(73, 14, 3),
    "5.zip": Spot(1, 16, 12),
    "5.phone": Spot(15, 16, 14),
    "7.zip": Spot(50, 16, 13),
    "7.phone": Spot(65, 16, 14),
    # 9-11
    "9": Spot(1, 18, 28),
    "11": Spot(50, 18, 29),
    "9a": Spot(1, 20, 28),
    "10a.yes": Spot(35, 20, 1),
    "10a.no": Spot(41, 20, 1),
    "11a.dob": Spot(53, 20, 10),
    "11a.m": Spot(68, 20, 1),
    "11a.f": Spot(75, 20, 1),
    "10b.yes": Spot(35, 22, 1),
    "10b.no": Spot(41, 22, 1),
    "10b.state": Spot(45, 22, 2),
    "11b.qualifier": Spot(50, 22, 2),
    "11b": Spot(54, 22, 25),
    "10c.yes": Spot(35, 24, 1),
    "10c.no": Spot(41, 24, 1),
    "11c": Spot(50, 24, 29),
    "9d": Spot(1, 26, 28),
    "10d": Spot(31, 26, 18),
    "11d.yes": Spot(52, 26, 1),
    "11d.no": Spot(57, 26, 1),
    # 12-13 signatures
    "12": Spot(8, 29, 20),
    "12.date": Spot(37, 29, 10),
    "13": Spot(57, 29, 20),
    # 14-16
    "14.date": Spot(2, 32, 8),
    "14.qualifier": Spot(15, 32, 3),
    "15.qualifier": Spot(33, 32, 3),
    "15.date": Spot(38, 32, 8),
    "16.from": Spot(54, 32, 8),
    "16.to": Spot(68, 32, 8),
    # 17-18
    "17.qualifier": Spot(1, 34, 2),
    "17": Spot(4, 34, 25),
    "17a.qualifier": Spot(34, 33, 2),
    "17a": Spot(37, 33, 12),
    "17b": Spot(37, 34, 10),
    "18.from": Spot(54, 34, 8),
    "18.to": Spot(68, 34, 8),
    # 19-20
    "19": Spot(1, 36, 48),
    "20.yes": Spot(52, 36, 1),
    "20.no": Spot(57, 36, 1),
    # 21-23
    "21.indicator": Spot(46, 37, 1),
    **_diagnosis_spots(),
    "22.code": Spot(51, 38, 2),
    "22.reference": Spot(62, 38, 17),
    "23": Spot(51, 40, 28),
    # 24, on the data line of each service line (see `service_line`)
    "24a.from": Spot(1, 0, 8),
    "24a.to": Spot(10, 0, 8),
    "24b": Spot(19, 0, 2),
    "24c": Spot(22, 0, 2),
    "24d.code": Spot(25, 0, 6),
    "24d.modifier1": Spot(32, 0, 2),
    "24d.modifier2": Spot(35, 0, 2),
    "24d.modifier3": Spot(38, 0, 2),
    "24d.modifier4": Spot(41, 0, 2),
    "24e": Spot(45, 0, 4),
    "24f.dollars": Spot(50, 0, 5),
    "24f.cents": Spot(56, 0, 2),
    "24g": Spot(59, 0, 3),
    "24h": Spot(64, 0, 2),
    "24j": Spot(68, 0, 10),
    # 25-30
    "25": Spot(1, 56, 15),
    "25.ssn": Spot(17, 56, 1),
    "25.ein": Spot(19, 56, 1),
    "26": Spot(21, 56, 14),
    "27.yes": Spot(38, 56, 1),
    "27.no": Spot(43, 56, 1),
    "28.dollars": Spot(51, 56, 6),
    "28.cents": Spot(58, 56, 2),
    "29.dollars": Spot(62, 56, 6),
    "29.cents": Spot(69, 56, 2),
    # 31-33
    "31": Spot(1, 59, 19),
    "31.date": Spot(11, 61, 8),
    "33.phone": Spot(66, 57, 13),
    "32.name": Spot(21, 58, 26),
    "32.street": Spot(21, 59, 26),
    "32.city": Spot(21, 60, 26),
    "32a": Spot(23, 61, 10),
    "32b": Spot(36, 61, 11),
    "33.name": Spot(49, 58, 30),
    "33.street": Spot(49, 59, 30),
    "33.city": Spot(49, 60, 30),
    "33a": Spot(51, 61, 10),
    "33b": Spot(64, 61, 15),
}
"""Line 0 marks a box 24 spot: the service line's data line is added when printing."""

MONEY_DOLLAR_SPOTS = frozenset({"24f.dollars", "28.dollars", "29.dollars"})
"""Right-aligned: the dollars end at the dotted line, the cents follow it."""

BOX1_BY_PAYER_KIND: dict[PayerKind, str] = {
    PayerKind.MEDICARE: "1.medicare",
    PayerKind.MEDICAID: "1.medicaid",
    PayerKind.COMMERCIAL: "1.group",
    PayerKind.MEDICARE_ADVANTAGE: "1.group",
    PayerKind.AUTO_PIP: "1.other",
    PayerKind.AUTO_MEDPAY: "1.other",
    PayerKind.AUTO_LIABILITY: "1.other",
    PayerKind.WORKERS_COMP: "1.other",
}
"""NUCC 1500 manual, item 1: "Other" covers auto, liability and workers' compensation; FECA
is the federal employees' programme, which no Cleannote payer kind names (see ADR 0100)."""

BOX6_BY_RELATIONSHIP: dict[Relationship, str] = {
    Relationship.SELF: "6.self",
    Relationship.SPOUSE: "6.spouse",
    Relationship.CHILD: "6.child",
    Relationship.OTHER: "6.other",
}

CHECKBOXES = frozenset(
    key
    for key in SPOTS
    if key.rsplit(".", 1)[-1]
    in {"medicare", "medicaid", "tricare", "champva", "group", "feca", "other", "m", "f"}
    | {"self", "spouse", "child", "yes", "no", "ssn", "ein"}
)

FRAMES: tuple[Frame, ...] = (
    Frame("1. INSURANCE TYPE", 1, 49, 7, 8),
    Frame("1a. INSURED'S ID NUMBER (as on the member card)", 50, 79, 7, 8),
    Frame("2. PATIENT NAME (last, first, middle initial)", 1, 29, 9, 10),
    Frame("3. PATIENT DATE OF BIRTH (MM DD YYYY) / SEX", 30, 49, 9, 10),
    Frame("4. INSURED NAME (last, first, middle initial)", 50, 79, 9, 10),
    Frame("5. PATIENT ADDRESS (street)", 1, 29, 11, 12),
    Frame("6. PATIENT IS THE INSURED'S", 30, 49, 11, 12),
    Frame("7. INSURED ADDRESS (street)", 50, 79, 11, 12),
    Frame("CITY", 1, 24, 13, 14),
    Frame("STATE", 25, 29, 13, 14),
    Frame("8. RESERVED (NUCC)", 30, 49, 13, 16),
    Frame("CITY", 50, 72, 13, 14),
    Frame("STATE", 73, 79, 13, 14),
    Frame("ZIP CODE", 1, 13, 15, 16),
    Frame("PHONE (with area code)", 14, 29, 15, 16),
    Frame("ZIP CODE", 50, 63, 15, 16),
    Frame("PHONE (with area code)", 64, 79, 15, 16),
    Frame("9. OTHER INSURED NAME (last, first, MI)", 1, 29, 17, 18),
    Frame("10. IS THE CONDITION RELATED TO", 30, 49, 17, 18),
    Frame("11. INSURED'S GROUP OR FECA NUMBER", 50, 79, 17, 18),
    Frame("a. OTHER INSURED POLICY OR GROUP NO.", 1, 29, 19, 20),
    Frame("a. EMPLOYMENT (now or before)?", 30, 49, 19, 20),
    Frame("a. INSURED DATE OF BIRTH (MM DD YYYY) / SEX", 50, 79, 19, 20),
    Frame("b. RESERVED (NUCC)", 1, 29, 21, 22),
    Frame("b. AUTO ACCIDENT?            STATE", 30, 49, 21, 22),
    Frame("b. OTHER CLAIM ID (qualifier, then ID)", 50, 79, 21, 22),
    Frame("c. RESERVED (NUCC)", 1, 29, 23, 24),
    Frame("c. OTHER ACCIDENT?", 30, 49, 23, 24),
    Frame("c. INSURANCE PLAN OR PROGRAM", 50, 79, 23, 24),
    Frame("d. OTHER INSURED'S PLAN OR PROGRAM", 1, 29, 25, 26),
    Frame("10d. CLAIM CODES (payer-designated)", 30, 49, 25, 26),
    Frame("d. ANY OTHER HEALTH BENEFIT PLAN?", 50, 79, 25, 26),
    Frame(
        "12. PATIENT OR AUTHORISED PERSON: RELEASE OF RECORDS NEEDED FOR THIS CLAIM", 1, 49, 27, 29
    ),
    Frame("13. INSURED OR AUTHORISED PERSON: PAY BENEFITS TO THE PROVIDER", 50, 79, 27, 29),
    Frame("14. DATE OF CURRENT ILLNESS, INJURY, PREGNANCY", 1, 29, 30, 32),
    Frame("15. OTHER DATE", 30, 49, 30, 32),
    Frame("16. DATES PATIENT UNABLE TO WORK", 50, 79, 30, 32),
    Frame("17. REFERRING, ORDERING OR SUPERVISING PROVIDER", 1, 29, 33, 34),
    Frame("", 30, 49, 33, 33),
    Frame("", 30, 49, 34, 34),
    Frame("18. HOSPITAL STAY FOR THESE SERVICES", 50, 79, 33, 34),
    Frame("19. ADDITIONAL CLAIM INFORMATION (payer-designated)", 1, 49, 35, 36),
    Frame("20. OUTSIDE LAB?                $ CHARGES", 50, 79, 35, 36),
    Frame("21. DIAGNOSES (letters A-L feed 24E)", 1, 49, 37, 40),
    Frame("22. RESUBMISSION CODE       ORIGINAL REF. NO.", 50, 79, 37, 38),
    Frame("23. PRIOR AUTHORISATION NUMBER", 50, 79, 39, 40),
    Frame("", 1, 79, 41, 42),
    Frame("25. FEDERAL TAX ID", 1, 20, 55, 56),
    Frame("26. PATIENT ACCOUNT NO.", 21, 35, 55, 56),
    Frame("27. ACCEPT ASSIGNMENT?", 36, 49, 55, 56),
    Frame("28. TOTAL CHARGE", 50, 60, 55, 56),
    Frame("29. AMOUNT PAID", 61, 71, 55, 56),
    Frame("30. RESERVED (NUCC)", 72, 79, 55, 56),
    Frame("31. SIGNATURE OF PHYSICIAN OR SUPPLIER\n(with degrees or credentials)", 1, 20, 57, 61),
    Frame("32. SERVICE FACILITY LOCATION", 21, 47, 57, 61),
    Frame("33. BILLING PROVIDER, ADDRESS, PHONE", 48, 79, 57, 61),
)

RULES_24: tuple[int, ...] = (19, 22, 25, 45, 50, 59, 63, 66, 68)
"""Columns that have a vertical rule on their left through the box 24 header and lines."""
RULES_24_BELOW_HEADER: tuple[int, ...] = (32,)
"""Rules that start under the first header line (modifiers sit under the procedure caption)."""
DOTTED_24: tuple[float, ...] = (35, 38, 41, 55.6)
"""Dotted rules on box 24's lines: between the four modifiers, and before the cents."""
DOTTED_CENTS_56: tuple[float, ...] = (57.6, 68.6)
"""Dotted rules before the cents of boxes 28 and 29."""

SHADED_LINES: tuple[int, ...] = tuple(service_line(n)[0] for n in range(1, 7))


def _beside(text: str, col: float, line: int) -> Legend:
    """A legend on the data baseline, starting at its column."""
    return Legend(text, col, line, beside_data=True)


def _beside_right(text: str, col: float, line: int) -> Legend:
    """A legend on the data baseline, ending at its column (a checkbox's word, left of its box)."""
    return Legend(text, col, line, beside_data=True, right_aligned=True)


LEGENDS: tuple[Legend, ...] = (
    Legend("PAYER", 41, 1),
    # Box 1
    _beside("MEDICARE", 2.2, 8),
    _beside("MEDICAID", 9.2, 8),
    _beside("TRICARE", 16.2, 8),
    _beside("CHAMPVA", 25.2, 8),
    _beside("GROUP PLAN", 32.2, 8),
    _beside("FECA", 40.2, 8),
    _beside("OTHER", 46.2, 8),
    # Sex and relationship
    _beside_right("M", 41.7, 10),
    _beside_right("F", 46.7, 10),
    _beside_right("M", 67.7, 20),
    _beside_right("F", 74.7, 20),
    _beside_right("SELF", 32.7, 12),
    _beside_right("SPOUSE", 37.7, 12),
    _beside_right("CHILD", 41.7, 12),
    _beside_right("OTHER", 46.7, 12),
    # Yes/no pairs
    *(
        _beside_right(word, col, line)
        for line in (20, 22, 24)
        for word, col in (("YES", 34.7), ("NO", 40.7))
    ),
    *(
        _beside_right(word, col, line)
        for line, yes, no in ((26, 51.7, 56.7), (36, 51.7, 56.7), (56, 37.7, 42.7))
        for word, col in (("YES", yes), ("NO", no))
    ),
    _beside("SIGNED", 1, 29),
    _beside("DATE", 33, 29),
    _beside("SIGNED", 50, 29),
    _beside_right("QUAL.", 14.7, 32),
    _beside("QUAL.", 30, 32),
    _beside("FROM", 50.5, 32),
    _beside("TO", 65.5, 32),
    _beside("17a.", 30, 33),
    _beside("17b. NPI", 30, 34),
    _beside("FROM", 50.5, 34),
    _beside("TO", 65.5, 34),
    Legend("ICD IND.", 45.7, 37, right_aligned=True),
    *(
        _beside(f"{letter}.", (3, 15, 27, 39)[i % 4] - 1.6, 38 + i // 4)
        for i, letter in enumerate(DIAGNOSIS_LETTERS)
    ),
    # Box 24 header
    Legend("24. A. DATES OF SERVICE", 1, 41),
    Legend("FROM  MM DD YY", 1, 42),
    Legend("TO  MM DD YY", 10, 42),
    Legend("B.", 19, 41),
    Legend("POS", 19, 42),
    Legend("C. EMG", 22, 41),
    Legend("D. PROCEDURE, SERVICE OR SUPPLY", 25, 41),
    Legend("CPT/HCPCS", 25, 42),
    Legend("MODIFIERS", 32, 42),
    Legend("E. DX", 45, 41),
    Legend("POINTER", 45, 42),
    Legend("F. $ CHARGES", 50, 41),
    Legend("G. DAYS", 59, 41),
    Legend("OR UNITS", 59, 42),
    Legend("H.", 63, 41),
    Legend("EPSDT", 63, 42),
    Legend("I. ID", 66, 41),
    Legend("QUAL.", 66, 42),
    Legend("J. RENDERING", 68, 41),
    Legend("PROVIDER ID #", 68, 42),
    *(_beside(str(n), 0.2, service_line(n)[1]) for n in range(1, 7)),
    *(_beside("NPI", 66.1, service_line(n)[1]) for n in range(1, 7)),
    # 25-33
    Legend("SSN", 16.6, 55),
    Legend("EIN", 18.6, 55),
    _beside("$", 50.2, 56),
    _beside("$", 61.2, 56),
    _beside_right("DATE", 10.7, 61),
    _beside("a.", 21, 61),
    _beside("b.", 34.2, 61),
    _beside("a.", 49, 61),
    _beside("b.", 62, 61),
)

TITLE_LINE = 6
FOOTER_LINE = 63
