"""What an 837P or a CMS-1500 can carry: one table the scrubber and the writers both read.

Each row is one refusal the 837P writer (`cleannote.edi.x12_837p` and the helpers it calls) or
the CMS-1500 renderer (`cleannote.forms.cms1500`) can make from a visit's data, with the
scrubber rule that reports it first (`rules/scrub/checks_claim_format.py`), the limit, what to
fix, and where the implementation guide or the NUCC manual says so. The writers raise with the
row's rule id and read their numbers from here, so the scrubber and the last guard cannot drift
(docs/decisions/0350-one-table-for-claim-format-limits.md). `tests/edi/test_writer_guards.py`
fails when a writer refuses anything without a row.

The core's rules package never imports `edi` or `forms`; they import this module.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from cleannote.rules.findings import Severity

__all__ = [
    "CALLER_GUARDS",
    "CLINIC_SETUP_RULES",
    "FORMAT_LIMITS",
    "FORM_IDENTIFIER_WIDTHS",
    "X12_SEPARATORS",
    "FormatLimit",
    "ascii_fold",
    "limit_of",
]


@dataclass(frozen=True, slots=True)
class FormatLimit:
    """One thing a claim file or form cannot carry, and the scrub rule that says so first."""

    rule: str
    where: str
    """The 837P loop and element and the CMS-1500 box it concerns."""
    limit: int | None
    title: str
    fix: str
    source: str
    why: str
    severity: Severity = Severity.ERROR


IG = "ASC X12 005010X222A1"
NUCC = "NUCC 1500 Claim Form Reference Instruction Manual 02/12"

# The four delimiters Cleannote writes (envelope.DEFAULT_DELIMITERS); X12 cannot escape them.
X12_SEPARATORS = "*:^~"

# Identifiers printed whole on the CMS-1500 (never cut to fit): the characters each box holds.
# tests/forms/test_form_limits.py holds these equal to the layout's widths.
FORM_IDENTIFIER_WIDTHS: dict[str, int] = {
    "1a": 29,  # insured's id number
    "10b.state": 2,
    "11": 29,  # insured's group number
    "11b": 25,  # other claim id (a carrier's claim number)
    "17b": 10,  # referring provider NPI
    "19": 48,
    "22.reference": 17,
    "23": 28,  # prior authorisation number
    "24b": 2,
    "24d.code": 6,
    "24d.modifier": 2,
    "24g": 3,  # days or units
    "24j": 10,
    "25": 15,  # federal tax id
    "26": 14,  # patient's account number: the visit id
    "32a": 10,
    "33a": 10,
    "21": 8,  # one diagnosis code
}

_ROWS = (
    FormatLimit(
        "format.payer-not-billable",
        "837P 2000B SBR09; CMS-1500 box 1",
        None,
        "Payer kind has no claim to send",
        "Bill the patient directly (a statement), or record the insurer that covers the visit.",
        f"{IG} 2000B SBR09 claim filing indicator (no code for self-pay); {NUCC} item 1",
        "A self-pay visit has no payer to receive an 837P or a CMS-1500.",
    ),
    FormatLimit(
        "format.diagnosis-count",
        "837P 2300 HI01-HI12; CMS-1500 box 21 A-L",
        12,
        "More diagnoses than a claim holds",
        "Keep the twelve diagnoses that the services point to; the others stay in the note.",
        f"{IG} 2300 HI (12 diagnosis codes at most); {NUCC} item 21 (A-L)",
        "The 837P writer and the form refuse a thirteenth diagnosis, so the claim never leaves.",
    ),
    FormatLimit(
        "format.diagnosis-code",
        "837P 2300 HI0n-2; CMS-1500 box 21",
        7,
        "Diagnosis is not shaped like an ICD-10-CM code",
        "Enter the ICD-10-CM code: a letter, digits, up to 7 characters without the period.",
        f"{IG} 2300 HI01-2 (ICD-10-CM code without the decimal point, 3 to 7 characters)",
        "The writer refuses a diagnosis that is not an ICD-10-CM code.",
    ),
    FormatLimit(
        "format.no-lines",
        "837P 2400 (at least one); CMS-1500 box 24",
        1,
        "No service line left to bill",
        "Document a billable service, or do not make a claim for this visit.",
        f"{IG} loop 2400 (required, 1 to 50 service lines); {NUCC} item 24",
        "A claim needs at least one line; a visit whose services all drop out cannot be sent.",
    ),
    FormatLimit(
        "format.line-count",
        "837P 2400 LX01",
        50,
        "More service lines than one 837P claim holds",
        "Split the visit into two claims of at most 50 lines.",
        f"{IG} loop 2400 repeat 50",
        "The writer refuses a claim with a 51st line.",
    ),
    FormatLimit(
        "format.modifier-count",
        "837P 2400 SV101-3..6; CMS-1500 box 24D",
        4,
        "More than four modifiers on a line",
        "Keep the four modifiers the payer needs first; the others do not fit a claim line.",
        f"{IG} 2400 SV101-3 to SV101-6 (four modifiers); {NUCC} item 24D",
        "The writer and the form refuse a fifth modifier.",
    ),
    FormatLimit(
        "format.modifier-code",
        "837P 2400 SV101-3..6; CMS-1500 box 24D",
        2,
        "Modifier is not two letters or digits",
        "Correct the modifier: two letters or digits, such as GP or 59.",
        f"{IG} 2400 SV101-3 (procedure modifier, 2 characters); {NUCC} item 24D",
        "A modifier of another length is rejected by the clearinghouse and does not fit 24D.",
    ),
    FormatLimit(
        "format.pointer-count",
        "837P 2400 SV107-1..4; CMS-1500 box 24E",
        4,
        "Service line points to no diagnosis, or to more than four",
        "Point the service at one to four of the visit's diagnoses.",
        f"{IG} 2400 SV107 (1 to 4 diagnosis code pointers); {NUCC} item 24E",
        "The writer refuses a line without a pointer or with a fifth one.",
    ),
    FormatLimit(
        "format.pointer-target",
        "837P 2400 SV107; CMS-1500 box 24E",
        12,
        "Diagnosis pointer names no diagnosis on the claim",
        "Point at a diagnosis the visit lists (1 is the first).",
        f"{IG} 2400 SV107 (a pointer names an HI position that is present)",
        "A pointer past the last diagnosis is refused by the writer and rejected by payers.",
    ),
    FormatLimit(
        "format.procedure-code",
        "837P 2400 SV101-2; CMS-1500 box 24D",
        5,
        "Procedure code is not five letters or digits",
        "Bill a CPT or HCPCS code of five characters.",
        f"{IG} 2400 SV101-2 (HC qualifier: a CPT/HCPCS code)",
        "The writer refuses a procedure code of another shape.",
    ),
    FormatLimit(
        "format.units",
        "837P 2400 SV104; CMS-1500 box 24G",
        999,
        "Units outside 1 to 999",
        "Correct the time or the units: a line bills 1 to 999 units.",
        f"{IG} 2400 SV104 (service unit count, at least 1); {NUCC} item 24G (3 characters)",
        "The writer refuses zero units and the form has three places for them.",
    ),
    FormatLimit(
        "format.charge",
        "837P 2400 SV102, 2300 CLM02; CMS-1500 boxes 24F and 28",
        5,
        "Charge is not an amount a claim can carry",
        "Enter the charge in dollars and cents, below $100,000 a line and $1,000,000 a claim.",
        f"{IG} 2400 SV102 and 2300 CLM02 (monetary amount); {NUCC} items 24F (5 dollar places) "
        "and 28 (6 dollar places)",
        "An amount with fractions of a cent, or wider than its box, is refused.",
    ),
    FormatLimit(
        "format.claim-id",
        "837P 2300 CLM01; CMS-1500 box 26",
        14,
        "Visit id does not fit the patient account number",
        "Use a visit id of at most 14 letters, digits or dashes.",
        f"{IG} 2300 CLM01 (patient control number, 1 to 38, echoed in the 835 CLP01); {NUCC} "
        "item 26 (14 characters)",
        "The id comes back on the remittance; the form's box 26 holds 14 characters.",
    ),
    FormatLimit(
        "format.place-of-service",
        "837P 2300 CLM05-1; CMS-1500 box 24B",
        2,
        "Place of service is not a two-digit code",
        "Enter the CMS place of service code, such as 11 (office).",
        f"{IG} 2300 CLM05-1 (facility code value, 2 digits)",
        "The writer refuses a place of service of another shape.",
    ),
    FormatLimit(
        "format.accident-state",
        "837P 2300 CLM11-4; CMS-1500 box 10b",
        2,
        "Auto accident without the two-letter state it happened in",
        "Record the state where the accident happened on the case.",
        f"{IG} 2300 CLM11-4 (required when CLM11-1 is AA); {NUCC} item 10b",
        "The writer and the form refuse an auto accident claim without its state.",
    ),
    FormatLimit(
        "format.billing-zip",
        "837P 2010AA N403",
        9,
        "Billing provider ZIP is not the nine-digit ZIP+4",
        "Enter the billing location's full ZIP+4 (nine digits) in the clinic's settings.",
        f"{IG} 2010AA N403 (billing provider postal code: the nine-digit ZIP code)",
        "The 837P refuses a five-digit ZIP in the billing provider loop.",
    ),
    FormatLimit(
        "format.address",
        "837P N301, N401, N402, N403 (2010AA, 2010AB, 2010BA, 2010CA, 2310C)",
        9,
        "Address without a street, a city, a two-letter state or a 5- or 9-digit ZIP",
        "Complete the address: street, city (2+ letters), state code and ZIP.",
        f"{IG} N3/N4 (N301 1-55, N401 2-30, N402 state code, N403 5 or 9 digits)",
        "The writer refuses an address it cannot put in N3/N4; payers reject a partial one.",
    ),
    FormatLimit(
        "format.patient-address",
        "837P 2010BA/2010CA N3 and N4",
        None,
        "Patient's address is missing",
        "Record the patient's (or the subscriber's) address in the chart.",
        f"{IG} 2010BA N3/N4 (required when the subscriber is the patient), 2010CA N3/N4",
        "The writer refuses a claim without the patient's address.",
    ),
    FormatLimit(
        "format.npi",
        "837P NM109 (XX); CMS-1500 boxes 17b, 24J, 32a, 33a",
        10,
        "NPI is not ten digits",
        "Enter the provider's ten-digit NPI (NPPES).",
        f"{IG} NM108 XX / NM109 (National Provider Identifier, 10 digits)",
        "The writer refuses an NPI of another shape.",
    ),
    FormatLimit(
        "format.tax-id",
        "837P 2010AA REF*EI; CMS-1500 box 25",
        9,
        "Billing provider tax id is not nine digits",
        "Enter the organisation's EIN (nine digits) in the clinic's settings.",
        f"{IG} 2010AA REF02 (employer's identification number, 9 digits); {NUCC} item 25",
        "The writer refuses a tax id of another length.",
    ),
    FormatLimit(
        "format.taxonomy",
        "837P 2000A PRV03, 2310B PRV03",
        10,
        "Provider taxonomy is not a ten-character code",
        "Enter the provider's taxonomy code (ten letters and digits, such as 225100000X).",
        f"{IG} PRV03 (provider taxonomy code, 10 characters)",
        "The writer refuses a taxonomy code of another shape.",
    ),
    FormatLimit(
        "format.required",
        "837P NM103, NM109 (2010AA, 2010BA, 2010BB, 2010CA, 2310A-D), REF02, N401",
        2,
        "A required name or identifier is blank or too short",
        "Fill in the named field; member ids and payer ids have at least two characters.",
        f"{IG} NM103 (1-60), 2010BA NM109 and 2010BB NM109 (2-80), REF02 (1-50)",
        "The writer refuses a blank required element and clearinghouses reject a short one.",
    ),
    FormatLimit(
        "format.relationship",
        "837P 2000C PAT01; CMS-1500 box 6",
        None,
        "Patient is not the subscriber and the relationship is missing",
        "Record how the patient is related to the subscriber on the coverage.",
        f"{IG} 2000C PAT01 (individual relationship code); {NUCC} item 6",
        "The writer cannot fill the patient loop without the relationship.",
    ),
    FormatLimit(
        "format.x12-characters",
        "837P every element",
        None,
        "A value holds a character X12 cannot carry",
        "Remove the separator (* : ^ ~) or the non-ASCII letter from the named field.",
        f"{IG} appendix B (basic and extended character sets; delimiters cannot be escaped)",
        "A separator inside a value shifts every later element, so the writer refuses it, and "
        "X12 files are ASCII.",
    ),
    FormatLimit(
        "format.line-rendering",
        "837P 2420A",
        None,
        "A line rendered by another clinician than the claim's",
        "Bill that clinician's services on their own claim.",
        f"{IG} loop 2420A (line rendering provider), which Cleannote does not write",
        "The writer refuses a per-line rendering provider it cannot name.",
    ),
    FormatLimit(
        "format.form-box-width",
        "CMS-1500 boxes 1a, 10b, 11, 11b, 17b, 19, 22, 23, 24, 25, 26, 32a, 33a",
        None,
        "An identifier wider than its CMS-1500 box",
        "Check the identifier; the form prints identifiers whole or not at all.",
        f"{NUCC} (box widths); Cleannote prints identifiers whole (ADR 0100)",
        "A truncated member id or claim number is keyed wrongly by the payer, so the form "
        "refuses it.",
    ),
)

FORMAT_LIMITS: dict[str, FormatLimit] = {row.rule: row for row in _ROWS}

# Rules the clinic fixes in its settings or the patient's chart, not in the note: they stop the
# claim but not the clinician's signature (apps/notes/live_scrub.AFTER_SIGNATURE reads this).
CLINIC_SETUP_RULES = frozenset(
    {
        "format.payer-not-billable",
        "format.claim-id",
        "format.billing-zip",
        "format.address",
        "format.patient-address",
        "format.npi",
        "format.tax-id",
        "format.taxonomy",
        "format.required",
        "format.relationship",
        "format.x12-characters",
        "format.form-box-width",
        "address.service-facility",  # an error since ADR 0350, still not the note's to fix
    }
)

# Writer refusals about what the caller passes besides the visit (the envelope, control numbers,
# the submitter, a replacement's frequency, an earlier payer's remittance): the scrubber never
# sees these, so they have no scrub rule; the writers raise with these ids instead.
CALLER_GUARDS: dict[str, str] = {
    "caller.envelope": "delimiters, control numbers, usage, submitter and receiver",
    "caller.batch": "an 837P batch with no claim",
    "caller.frequency": "CLM05-3 / box 22 frequency and the reference of the claim it replaces",
    "caller.prior-payment": "2320/2430 earlier payers' amounts, adjustments and SBR01",
    "caller.lines": "a claim line that points at a service the visit lacks",
    "caller.form": "CMS-1500 box 19 text and box 22 reference, given when printing",
    "caller.attachment": "2300 PWK attachment report type, transmission code and control number",
}


def limit_of(rule: str) -> int:
    """The number a row carries; a KeyError or TypeError here is a programming error."""
    limit = FORMAT_LIMITS[rule].limit
    if limit is None:
        raise TypeError(f"{rule} has no numeric limit")
    return limit


def ascii_fold(text: str) -> str:
    """Text as the CMS-1500 prints it: accents folded to ASCII, single spaces (the form's fonts
    and the payers' OCR know nothing else). The renderer and the box-width check share it."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.split())
