"""The CMS-1500 (02/12) paper claim, filled from a visit and the lines the scrubber kept.

Two steps, so the mapping can be tested without reading a PDF: `form_pages` decides what goes
in every box of every page (the billing decisions, ADR 0100), and `render_cms1500` draws those
values on the grid in `cms1500_layout` (the geometry, ADR 0101). The form is printed on paper
and mailed or scanned, so a value that cannot fit its box is an error here rather than a
truncated identifier a payer would key wrongly; only free text (names, addresses) is cut to
fit, as the NUCC manual allows.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from reportlab.pdfgen.canvas import Canvas

from cleannote.edi.error_codes import write_code_of
from cleannote.forms import cms1500_layout as layout
from cleannote.rules.addresses import same_place
from cleannote.rules.claim_format_limits import ascii_fold
from cleannote.rules.errors import RulesError
from cleannote.rules.findings import ClaimLine
from cleannote.rules.visit import AccidentKind, Address, PayerKind, Person, Sex, Visit

__all__ = [
    "FormClaim",
    "FormError",
    "FormMode",
    "PrintedValue",
    "attachment_note",
    "check_form_claim",
    "form_pages",
    "render_cms1500",
]

SIGNATURE_ON_FILE = "SIGNATURE ON FILE"
ICD10_INDICATOR = "0"
ONSET_QUALIFIER = "431"
INITIAL_TREATMENT_QUALIFIER = "454"
PROPERTY_CASUALTY_CLAIM_QUALIFIER = "Y4"
RESUBMISSION_FREQUENCIES = frozenset({"7", "8"})
FREQUENCIES = frozenset({"1"}) | RESUBMISSION_FREQUENCIES
_PROPERTY_CASUALTY = frozenset(
    {
        PayerKind.AUTO_PIP,
        PayerKind.AUTO_MEDPAY,
        PayerKind.AUTO_LIABILITY,
        PayerKind.WORKERS_COMP,
    }
)
_CENT = Decimal("0.01")


class FormMode(StrEnum):
    FULL = "full"
    """Draw the whole form on plain paper: rules, box numbers, captions, then the data."""
    DATA_ONLY = "data_only"
    """Print only the data, to feed pre-printed red forms through the printer."""


class FormError(RulesError):
    """A claim the form cannot carry as given; names the visit id and the box, never PHI.

    `rule` names the row of `rules.claim_format_limits` the scrubber reports first (ADR 0350);
    `code` is the kind of refusal that rule is (ADR 0420).
    """

    def __init__(self, visit_id: str, box: str, problem: str, rule: str = "") -> None:
        super().__init__(f"visit {visit_id}: CMS-1500 box {box}: {problem}")
        self.visit_id = visit_id
        self.box = box
        self.problem = problem
        self.rule = rule
        self.code = write_code_of(rule)

    def __reduce__(self) -> tuple[type[FormError], tuple[str, str, str, str]]:
        return (FormError, (self.visit_id, self.box, self.problem, self.rule))


@dataclass(frozen=True, slots=True)
class FormClaim:
    """One claim to print: the visit, its scrubbed lines, and how it stands with the payer."""

    visit: Visit
    lines: tuple[ClaimLine, ...]
    frequency: str = "1"
    """1 original, 7 replacement, 8 void (box 22, with `original_reference`)."""
    original_reference: str | None = None
    amount_paid: Decimal = Decimal("0")
    """Box 29: what the patient or other payers already paid on these services."""
    additional_info: str | None = None
    """Box 19, when a payer asks for something there (e.g. a PWK attachment note)."""


def attachment_note(report_type: str, transmission: str, control_number: str) -> str:
    """Box 19 for paperwork sent apart from the claim (the 837P's 2300 PWK), as the NUCC
    instructions give it: the qualifier PWK, the report type, the transmission code and the
    attachment control number, with no spaces between them ("PWKEBFXEXH0000012")."""
    return f"PWK{report_type}{transmission}{control_number.strip()}"


@dataclass(frozen=True, slots=True)
class PrintedValue:
    """One value on one page: the layout spot it fills and the grid line it is printed on."""

    box: str
    text: str
    line: int


def check_form_claim(claim: FormClaim) -> None:
    """Raise `FormError` if the claim cannot be printed; the CLI skips it and prints the rest."""
    _pages(claim, dt.date(2000, 1, 1))


def form_pages(claim: FormClaim, *, printed_on: dt.date) -> tuple[tuple[PrintedValue, ...], ...]:
    """Every value printed on every page of one claim, six service lines to a page."""
    return _pages(claim, printed_on)


def render_cms1500(claims: Sequence[FormClaim], *, mode: FormMode, printed_on: dt.date) -> bytes:
    """One PDF holding every page of every claim, in order.

    `printed_on` is the date signed in box 31. The PDF is byte-for-byte reproducible: no
    creation time is written and the title names no patient.
    """
    pages = [page for claim in claims for page in _pages(claim, printed_on)]
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=(layout.PAGE_WIDTH, layout.PAGE_HEIGHT), invariant=True, pageCompression=0
    )
    canvas.setTitle("CMS-1500 claims")
    canvas.setAuthor("Cleannote")
    canvas.setCreator("Cleannote")
    if not pages:
        canvas.showPage()
    for page in pages:
        if mode is FormMode.FULL:
            _draw_form(canvas)
        _draw_values(canvas, page)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- what goes in each box ------------------------------------------------------------------


def _pages(claim: FormClaim, printed_on: dt.date) -> tuple[tuple[PrintedValue, ...], ...]:
    visit = claim.visit
    if not claim.lines:
        raise FormError(visit.id, "24", "the claim has no service lines", "format.no-lines")
    header = tuple(_header(claim, printed_on))
    per_page = layout.SERVICE_LINES_PER_PAGE
    chunks = [claim.lines[i : i + per_page] for i in range(0, len(claim.lines), per_page)]
    pages: list[tuple[PrintedValue, ...]] = []
    for number, chunk in enumerate(chunks, 1):
        values = list(header)
        if len(chunks) > 1:
            values.append(_value("carrier.page", f"PAGE {number} OF {len(chunks)}"))
        total = Decimal("0")
        for n, line in enumerate(chunk, 1):
            values.extend(_service_line(visit, line, n))
            total += line.charge
        values.extend(_money("28", total, visit.id))
        if number == 1 and claim.amount_paid:
            values.extend(_money("29", claim.amount_paid, visit.id))
        pages.append(tuple(values))
    return tuple(pages)


def _header(claim: FormClaim, printed_on: dt.date) -> Iterator[PrintedValue]:
    """Boxes 1-23 and 25-33: the same on every page of a claim."""
    visit = claim.visit
    payer, subscriber, patient = visit.payer, visit.subscriber, visit.patient
    vid = visit.id
    yield _value("carrier.name", _free(payer.name, "carrier.name"))
    box1 = layout.BOX1_BY_PAYER_KIND.get(payer.kind)
    if box1 is None:
        raise FormError(
            vid,
            "1",
            f"payer kind {payer.kind.value!r} has no insurer to bill",
            "format.payer-not-billable",
        )
    yield _value(box1, "X")
    if subscriber.member_id:
        yield _value("1a", _exact(subscriber.member_id, "1a", vid))
    yield _value("2", _free(_person_name(patient), "2"))
    yield from _birth_and_sex(patient, "3.dob", "3.m", "3.f")
    yield _value("4", _free(_person_name(subscriber), "4"))
    yield from _address(patient.address, "5")
    if subscriber.relationship is not None:
        yield _value(layout.BOX6_BY_RELATIONSHIP[subscriber.relationship], "X")
    yield from _address(subscriber.address, "7")
    yield from _condition(visit)
    group = subscriber.group_number
    if group:
        yield _value("11", _exact(group, "11", vid))
    elif payer.kind is PayerKind.MEDICARE:
        yield _value("11", "NONE")
    yield from _birth_and_sex(subscriber, "11a.dob", "11a.m", "11a.f")
    if payer.kind in _PROPERTY_CASUALTY and payer.claim_number:
        yield _value("11b.qualifier", PROPERTY_CASUALTY_CLAIM_QUALIFIER)
        yield _value("11b", _exact(payer.claim_number, "11b", vid))
    yield _value("11c", _free(payer.name, "11c"))
    yield _value("11d.no", "X")
    yield _value("12", SIGNATURE_ON_FILE)
    yield _value("13", SIGNATURE_ON_FILE)
    accident = visit.accident
    if accident is not None and accident.date is not None:
        yield _value("14.date", _short_date(accident.date))
        yield _value("14.qualifier", ONSET_QUALIFIER)
    initial = visit.initial_treatment or (
        visit.plan_of_care.start if visit.plan_of_care is not None else None
    )
    if initial is not None:
        # The case's initial treatment date when recorded (Medicare needs it on spinal
        # manipulation), else the plan of care's start.
        yield _value("15.qualifier", INITIAL_TREATMENT_QUALIFIER)
        yield _value("15.date", _short_date(initial))
    referral = visit.referral
    if referral is not None:
        yield _value("17.qualifier", referral.qualifier.value)
        yield _value("17", _free(f"{referral.first_name} {referral.last_name}", "17"))
        yield _value("17b", _exact(referral.npi, "17b", vid))
    if claim.additional_info:
        yield _value("19", _exact(claim.additional_info, "19", vid))
    yield _value("20.no", "X")
    yield from _diagnoses(visit)
    yield from _resubmission(claim)
    if visit.prior_authorization:
        yield _value("23", _exact(visit.prior_authorization, "23", vid))
    yield from _billing(visit, printed_on)


def _condition(visit: Visit) -> Iterator[PrintedValue]:
    """Box 10: every question answered, YES only for the accident kind on the visit."""
    kind = visit.accident.kind if visit.accident is not None else None
    for box, accident_kind in (
        ("10a", AccidentKind.EMPLOYMENT),
        ("10b", AccidentKind.AUTO),
        ("10c", AccidentKind.OTHER),
    ):
        yield _value(f"{box}.yes" if kind is accident_kind else f"{box}.no", "X")
    if visit.accident is not None and visit.accident.kind is AccidentKind.AUTO:
        state = visit.accident.state
        if not state:
            raise FormError(
                visit.id,
                "10b",
                "an auto accident needs the state it happened in",
                "format.accident-state",
            )
        yield _value("10b.state", _exact(state, "10b.state", visit.id))


def _diagnoses(visit: Visit) -> Iterator[PrintedValue]:
    if len(visit.diagnoses) > layout.DIAGNOSES_PER_CLAIM:
        raise FormError(
            visit.id,
            "21",
            f"{len(visit.diagnoses)} diagnoses; the form holds {layout.DIAGNOSES_PER_CLAIM}",
            "format.diagnosis-count",
        )
    yield _value("21.indicator", ICD10_INDICATOR)
    for letter, code in zip(layout.DIAGNOSIS_LETTERS, visit.diagnoses, strict=False):
        bare = code.replace(".", "").strip()
        yield _value(f"21.{letter}", _exact(bare, "21", visit.id, f"21.{letter}"))


def _resubmission(claim: FormClaim) -> Iterator[PrintedValue]:
    vid = claim.visit.id
    if claim.frequency not in FREQUENCIES:
        raise FormError(
            vid, "22", f"frequency {claim.frequency!r} is not 1, 7 or 8", "caller.frequency"
        )
    if claim.frequency in RESUBMISSION_FREQUENCIES:
        if not claim.original_reference:
            raise FormError(
                vid,
                "22",
                f"frequency {claim.frequency} needs the payer's original claim number",
                "caller.frequency",
            )
        yield _value("22.code", claim.frequency)
        yield _value("22.reference", _exact(claim.original_reference, "22", vid, "22.reference"))


def _billing(visit: Visit, printed_on: dt.date) -> Iterator[PrintedValue]:
    """Boxes 25-27 and 31-33. Box 32 is the billing location (ADR 0100) unless the visit took
    place elsewhere: then the service facility, as in 837P loop 2310C (ADR 0261)."""
    provider = visit.billing_provider
    vid = visit.id
    yield _value("25", _exact(provider.tax_id.replace("-", "").strip(), "25", vid))
    yield _value("25.ein", "X")
    yield _value("26", _exact(visit.id, "26", vid))
    yield _value("27.yes", "X")
    yield _value("31", SIGNATURE_ON_FILE)
    yield _value("31.date", _short_date(printed_on))
    facility = visit.service_facility
    place: tuple[str, Address, str | None] = (provider.name, provider.address, provider.npi)
    if facility is not None and not same_place(facility.address, provider.address):
        place = (facility.name, facility.address, facility.npi)
    for box, (name, address) in (("32", place[:2]), ("33", (provider.name, provider.address))):
        yield _value(f"{box}.name", _free(name, f"{box}.name"))
        yield from _one_line_address(address, box)
    if place[2]:
        yield _value("32a", _exact(place[2], "32a", vid))
    yield _value("33a", _exact(provider.npi, "33a", vid))


def _service_line(visit: Visit, line: ClaimLine, n: int) -> Iterator[PrintedValue]:
    vid = visit.id
    where = f"24 line {n}"
    if not 0 <= line.service_index < len(visit.services):
        raise FormError(
            vid, where, f"service index {line.service_index} is not on the visit", "caller.lines"
        )
    if len(line.modifiers) > layout.MODIFIERS_PER_LINE:
        raise FormError(
            vid,
            where,
            f"{len(line.modifiers)} modifiers; the form holds {layout.MODIFIERS_PER_LINE}",
            "format.modifier-count",
        )
    _, data_line = layout.service_line(n)
    service = visit.services[line.service_index]

    def at(box: str, text: str) -> PrintedValue:
        return PrintedValue(box, text, data_line)

    dos = _short_date(visit.date_of_service)
    yield at("24a.from", dos)
    yield at("24a.to", dos)
    yield at("24b", _exact(visit.place_of_service, where, vid, "24b"))
    yield at("24d.code", _exact(line.code, where, vid, "24d.code"))
    for i, modifier in enumerate(line.modifiers, 1):
        yield at(f"24d.modifier{i}", _exact(modifier, where, vid, f"24d.modifier{i}"))
    yield at("24e", _pointer_letters(visit, line, where))
    dollars, cents = _money_parts(line.charge, where, vid)
    yield at("24f.dollars", dollars)
    yield at("24f.cents", cents)
    yield at("24g", _exact(str(line.units), where, vid, "24g"))
    npi = service.rendering_npi or visit.rendering_provider.npi
    yield at("24j", _exact(npi, where, vid, "24j"))


def _pointer_letters(visit: Visit, line: ClaimLine, where: str) -> str:
    pointers = line.diagnosis_pointers
    if not pointers:
        raise FormError(visit.id, where, "no diagnosis pointer for 24E", "format.pointer-count")
    if len(pointers) > layout.POINTERS_PER_LINE:
        raise FormError(
            visit.id,
            where,
            f"{len(pointers)} diagnosis pointers; 24E holds {layout.POINTERS_PER_LINE}",
            "format.pointer-count",
        )
    available = min(len(visit.diagnoses), layout.DIAGNOSES_PER_CLAIM)
    for pointer in pointers:
        if not 1 <= pointer <= available:
            raise FormError(
                visit.id,
                where,
                f"diagnosis pointer {pointer} is not in box 21",
                "format.pointer-target",
            )
    return "".join(layout.DIAGNOSIS_LETTERS[p - 1] for p in pointers)


# --- formatting -----------------------------------------------------------------------------


def _value(box: str, text: str) -> PrintedValue:
    return PrintedValue(box, text, layout.SPOTS[box].line)


def _ascii(text: str) -> str:
    """ASCII with single spaces: the form's fonts and the payers' OCR know nothing else."""
    return ascii_fold(text)


def _plain(text: str) -> str:
    """Free text in capitals, as the NUCC manual asks."""
    return _ascii(text).upper()


def _free(text: str, box: str) -> str:
    """Names and addresses: no periods or commas inside (NUCC), cut to the box's width."""
    return _plain(text.replace(".", "").replace("#", ""))[: layout.SPOTS[box].width]


def _exact(text: str, box: str, visit_id: str, spot: str | None = None) -> str:
    """Identifiers and codes: printed whole or not at all, in their own case (keyed as read)."""
    value = _ascii(text)
    width = layout.SPOTS[spot or box].width
    if len(value) > width:
        raise FormError(
            visit_id,
            box,
            f"{len(value)} characters; the box holds {width}",
            "format.claim-id"
            if box == "26"
            else "caller.form"
            if box in ("19", "22")
            else "format.form-box-width",
        )
    return value


def _person_name(person: Person) -> str:
    return f"{person.last_name.replace(',', ' ')}, {person.first_name.replace(',', ' ')}"


def _birth_and_sex(person: Person, dob: str, male: str, female: str) -> Iterator[PrintedValue]:
    born = person.birth_date
    yield _value(dob, f"{born.month:02d} {born.day:02d} {born.year:04d}")
    if person.sex is Sex.MALE:
        yield _value(male, "X")
    elif person.sex is Sex.FEMALE:
        yield _value(female, "X")


def _address(address: Address | None, box: str) -> Iterator[PrintedValue]:
    if address is None:
        return
    yield _value(f"{box}.street", _free(_street(address), f"{box}.street"))
    yield _value(f"{box}.city", _free(address.city.replace(",", " "), f"{box}.city"))
    yield _value(f"{box}.state", _free(address.state, f"{box}.state"))
    yield _value(f"{box}.zip", _free(address.zip, f"{box}.zip"))


def _one_line_address(address: Address, box: str) -> Iterator[PrintedValue]:
    yield _value(f"{box}.street", _free(_street(address), f"{box}.street"))
    city = f"{address.city.replace(',', ' ')} {address.state} {address.zip}"
    yield _value(f"{box}.city", _free(city, f"{box}.city"))


def _street(address: Address) -> str:
    street = f"{address.line1} {address.line2 or ''}"
    return street.replace(",", " ")


def _short_date(value: dt.date) -> str:
    return f"{value.month:02d} {value.day:02d} {value.year % 100:02d}"


def _money_parts(amount: Decimal, box: str, visit_id: str) -> tuple[str, str]:
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(_CENT):
        raise FormError(
            visit_id, box, f"amount {amount} is not a non-negative cents amount", "format.charge"
        )
    text = f"{amount:.2f}"
    dollars, cents = text.split(".")
    return dollars, cents


def _money(box: str, amount: Decimal, visit_id: str) -> tuple[PrintedValue, PrintedValue]:
    dollars, cents = _money_parts(amount, box, visit_id)
    if len(dollars) > layout.SPOTS[f"{box}.dollars"].width:
        raise FormError(visit_id, box, f"amount {amount} does not fit the box", "format.charge")
    return _value(f"{box}.dollars", dollars), _value(f"{box}.cents", cents)


# --- drawing --------------------------------------------------------------------------------


def _draw_values(canvas: Canvas, page: Sequence[PrintedValue]) -> None:
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(layout.DATA_FONT, layout.DATA_FONT_SIZE)
    for value in page:
        spot = layout.SPOTS[value.box]
        col = spot.col
        if value.box in layout.MONEY_DOLLAR_SPOTS:
            col += spot.width - len(value.text)
        canvas.drawString(
            layout.grid_x(col),
            layout.grid_y(value.line),
            value.text,
            charSpace=layout.DATA_CHAR_SPACE,
        )


def _draw_form(canvas: Canvas) -> None:
    """The plain-paper form: drop-out red rules and captions on the same grid as the data."""
    red = layout.DROP_OUT_RED
    canvas.saveState()
    canvas.setFillColorRGB(*layout.SHADE)
    for line in (*layout.SHADED_LINES, 33):
        left = 30 if line == 33 else 1
        right = 50 if line == 33 else 80
        canvas.rect(
            layout.edge_x(left),
            layout.band_bottom(line),
            layout.edge_x(right) - layout.edge_x(left),
            layout.band_top(line) - layout.band_bottom(line),
            stroke=0,
            fill=1,
        )
    canvas.setStrokeColorRGB(*red)
    canvas.setFillColorRGB(*red)
    canvas.setLineWidth(0.6)
    for frame in layout.FRAMES:
        _draw_frame(canvas, frame)
    _draw_box24(canvas)
    canvas.setDash(1, 1.5)
    canvas.setLineWidth(0.4)
    for col in layout.DOTTED_CENTS_56:
        x = layout.edge_x(col)
        canvas.line(x, layout.band_bottom(56), x, layout.grid_y(56) + 6)
    canvas.setDash()
    for box in layout.CHECKBOXES:
        spot = layout.SPOTS[box]
        x, y = layout.grid_x(spot.col), layout.grid_y(spot.line)
        canvas.rect(x - 1.2, y - 2.0, 8.4, 8.6, stroke=1, fill=0)
    canvas.setFont(layout.CAPTION_FONT, layout.CAPTION_FONT_SIZE)
    for legend in layout.LEGENDS:
        x = layout.grid_x(legend.col)
        y = layout.grid_y(legend.line) + (0.0 if legend.beside_data else 3.0)
        if legend.right_aligned:
            canvas.drawRightString(x, y, legend.text)
        else:
            canvas.drawString(x, y, legend.text)
    canvas.setFont(layout.TITLE_FONT, layout.TITLE_FONT_SIZE)
    canvas.drawString(
        layout.grid_x(1), layout.grid_y(layout.TITLE_LINE), "HEALTH INSURANCE CLAIM FORM"
    )
    canvas.setFont(layout.CAPTION_FONT, layout.CAPTION_FONT_SIZE + 1)
    canvas.drawRightString(
        layout.edge_x(80),
        layout.grid_y(layout.TITLE_LINE),
        "NUCC CMS-1500 (02/12) LAYOUT, PRINTED ON PLAIN PAPER",
    )
    canvas.drawString(
        layout.grid_x(1),
        layout.grid_y(layout.FOOTER_LINE),
        "Plain-paper copy for payers that accept it; payers that scan claims need the red form.",
    )
    canvas.restoreState()


def _draw_frame(canvas: Canvas, frame: layout.Frame) -> None:
    left, right = layout.edge_x(frame.left), layout.edge_x(frame.right + 1)
    top, bottom = layout.band_top(frame.top), layout.band_bottom(frame.bottom)
    canvas.rect(left, bottom, right - left, top - bottom, stroke=1, fill=0)
    canvas.setFont(layout.CAPTION_FONT, layout.CAPTION_FONT_SIZE)
    for i, text in enumerate(frame.caption.splitlines()):
        canvas.drawString(left + 1.5, top - 5.0 - i * 5.5, text)


def _draw_box24(canvas: Canvas) -> None:
    first, last = layout.service_line(1)[0], layout.service_line(6)[1]
    left, right = layout.edge_x(1), layout.edge_x(80)
    canvas.rect(
        left,
        layout.band_bottom(last),
        right - left,
        layout.band_top(first) - layout.band_bottom(last),
    )
    for n in range(1, 7):
        shaded, data = layout.service_line(n)
        canvas.line(left, layout.band_bottom(data), right, layout.band_bottom(data))
        canvas.setLineWidth(0.3)
        canvas.line(left, layout.band_bottom(shaded), right, layout.band_bottom(shaded))
        canvas.setLineWidth(0.6)
    header = layout.band_top(41)
    bottom = layout.band_bottom(last)
    for col in layout.RULES_24:
        canvas.line(layout.edge_x(col), header, layout.edge_x(col), bottom)
    for col in layout.RULES_24_BELOW_HEADER:
        canvas.line(layout.edge_x(col), layout.band_top(42), layout.edge_x(col), bottom)
    canvas.setDash(1, 1.5)
    canvas.setLineWidth(0.4)
    for n in range(1, 7):
        _, data = layout.service_line(n)
        for dotted in layout.DOTTED_24:
            x = layout.edge_x(dotted)
            canvas.line(x, layout.band_bottom(data), x, layout.band_top(data))
    canvas.setDash()
    canvas.setLineWidth(0.6)
