"""Everything the 837P writer or the CMS-1500 renderer would refuse, found first by the scrubber.

Each check reads its limit from `rules.claim_format_limits`, the table the writers' own last
guards read, and reports that row's rule id with the row's fix (ADR 0350). Messages name the
field and the limit, never the value: several of these fields are PHI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from cleannote.rules.addresses import same_place
from cleannote.rules.claim_format_limits import (
    FORM_IDENTIFIER_WIDTHS,
    FORMAT_LIMITS,
    X12_SEPARATORS,
    ascii_fold,
    limit_of,
)
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import AccidentKind, Address, PayerKind, Relationship, Visit

_CENT = Decimal("0.01")
_PROPERTY_CASUALTY = frozenset(
    {PayerKind.AUTO_PIP, PayerKind.AUTO_MEDPAY, PayerKind.AUTO_LIABILITY, PayerKind.WORKERS_COMP}
)


def _add(ctx: ScrubContext, rule: str, message: str, line: int | None = None) -> None:
    ctx.add(rule, message, FORMAT_LIMITS[rule].fix, line)


def _squeezed(value: str | None) -> str:
    """A free-text value as the writer sends it: runs of spaces made one, ends trimmed."""
    return " ".join((value or "").split())


_DASHES_AND_SPACES = str.maketrans("", "", "- ")


def _digits(value: str) -> str:
    """An identifier without the dashes and spaces the writer removes (ZIP, tax id)."""
    return value.translate(_DASHES_AND_SPACES)


def _is_digits(value: str, lengths: tuple[int, ...]) -> bool:
    return value.isascii() and value.isdigit() and len(value) in lengths


def _is_code(value: str, low: int, high: int) -> bool:
    return value.isascii() and value.isalnum() and low <= len(value) <= high


# The table's numbers that every line is checked against, read once.
_LINES = limit_of("format.line-count")
_MODIFIERS = limit_of("format.modifier-count")
_MODIFIER_WIDTH = limit_of("format.modifier-code")
_POINTERS = limit_of("format.pointer-count")
_POINTER_TARGETS = limit_of("format.pointer-target")
_UNITS = limit_of("format.units")
_DOLLAR_PLACES = limit_of("format.charge")


def _billed(ctx: ScrubContext) -> list[int]:
    """Indexes of the services that become claim lines (as `scrubber._claim_lines` keeps)."""
    return [
        index
        for index, procedure in enumerate(ctx.procedures)
        if procedure is not None and ctx.units[index] != 0
    ]


def check_payer(ctx: ScrubContext) -> None:
    if ctx.visit.payer.kind is PayerKind.SELF_PAY:
        _add(
            ctx,
            "format.payer-not-billable",
            "The visit's payer is self-pay: there is no insurer to send an 837P or CMS-1500 to.",
        )


def check_diagnoses(ctx: ScrubContext) -> None:
    codes = ctx.visit.diagnoses
    most = limit_of("format.diagnosis-count")
    if len(codes) > most:
        _add(
            ctx,
            "format.diagnosis-count",
            f"The visit lists {len(codes)} diagnoses; a claim holds at most {most}.",
        )
    longest = limit_of("format.diagnosis-code")
    for position, code in enumerate(codes[:most], start=1):
        if not _is_code(code.replace(".", "").strip(), 3, longest):
            _add(
                ctx,
                "format.diagnosis-code",
                f"Diagnosis {position} is not an ICD-10-CM code of 3 to {longest} letters and "
                "digits.",
            )


def check_lines(ctx: ScrubContext) -> None:
    visit = ctx.visit
    billed = _billed(ctx)
    if not billed:
        _add(ctx, "format.no-lines", "No service on this visit becomes a billable claim line.")
        return
    most_lines = _LINES
    if len(billed) > most_lines:
        _add(
            ctx,
            "format.line-count",
            f"The claim would have {len(billed)} service lines; an 837P claim holds {most_lines}.",
        )
    most_modifiers, modifier_width, most_pointers = _MODIFIERS, _MODIFIER_WIDTH, _POINTERS
    on_claim = min(len(visit.diagnoses), _POINTER_TARGETS)
    most_units, dollar_places = _UNITS, _DOLLAR_PLACES
    rendering = visit.rendering_provider.npi
    total = Decimal("0")
    for index in billed:
        service = visit.services[index]
        modifiers = ctx.modifiers[index].modifiers if ctx.modifiers else service.modifiers
        code = ctx.billed_codes[index]
        if len(modifiers) > most_modifiers:
            _add(
                ctx,
                "format.modifier-count",
                f"{code} carries {len(modifiers)} modifiers; a claim line holds {most_modifiers}.",
                index,
            )
        if modifiers and not all(_is_code(m, modifier_width, modifier_width) for m in modifiers):
            _add(
                ctx,
                "format.modifier-code",
                f"A modifier on {code} is not {modifier_width} letters or digits.",
                index,
            )
        pointers = service.diagnosis_pointers
        if not 1 <= len(pointers) <= most_pointers:
            _add(
                ctx,
                "format.pointer-count",
                f"{code} points to {len(pointers)} diagnoses; a line points to 1 to "
                f"{most_pointers}.",
                index,
            )
        if pointers and not 1 <= min(pointers) <= max(pointers) <= on_claim:
            _add(
                ctx,
                "format.pointer-target",
                f"{code} points past the {on_claim} diagnoses the claim carries.",
                index,
            )
        if not _is_code(code, 5, 5):
            _add(
                ctx,
                "format.procedure-code",
                "A billed procedure code is not five letters or digits.",
                index,
            )
        if not 1 <= ctx.units[index] <= most_units:
            _add(
                ctx,
                "format.units",
                f"{code} bills {ctx.units[index]} units; a line carries 1 to {most_units}.",
                index,
            )
        charge = service.charge
        if not _is_cents(charge, dollar_places):
            _add(
                ctx,
                "format.charge",
                f"The charge for {code} is not dollars and cents below ${10**dollar_places:,}.",
                index,
            )
        elif total.is_finite():
            total += charge
        if service.rendering_npi and service.rendering_npi != rendering:
            _add(
                ctx,
                "format.line-rendering",
                f"{code} was rendered by another clinician than the claim's rendering provider; "
                "Cleannote does not write a per-line rendering provider (2420A).",
                index,
            )
    if total.is_finite() and not _is_cents(total, dollar_places + 1):
        _add(
            ctx,
            "format.charge",
            f"The claim's total charge is not below ${10 ** (dollar_places + 1):,}.",
        )


# Dollar places of a line's charge (box 24F) and of the claim's total (box 28), as Decimals once.
_DOLLARS = {
    places: Decimal(10**places)
    for places in (limit_of("format.charge"), limit_of("format.charge") + 1)
}
_ZERO = Decimal("0")


def _is_cents(amount: Decimal, dollar_places: int) -> bool:
    """A finite, non-negative amount of whole cents below 10**dollar_places dollars."""
    if amount.__class__ is not Decimal or not amount.is_finite():
        return False
    if not _ZERO <= amount < _DOLLARS[dollar_places]:
        return False
    exponent = amount.as_tuple().exponent
    return exponent >= -2 or amount == amount.quantize(_CENT)  # type: ignore[operator]


def check_claim(ctx: ScrubContext) -> None:
    visit = ctx.visit
    claim_id = visit.id.strip()
    widest = limit_of("format.claim-id")
    if not 1 <= len(claim_id) <= widest or len(ascii_fold(visit.id)) > widest:
        _add(
            ctx,
            "format.claim-id",
            f"The visit id has {len(claim_id)} characters; the claim's patient account number "
            f"holds 1 to {widest}.",
        )
    pos = visit.place_of_service
    if not _is_digits(pos, (limit_of("format.place-of-service"),)):
        _add(ctx, "format.place-of-service", "The place of service is not a two-digit code.")
    accident = visit.accident
    if accident is not None and accident.kind is AccidentKind.AUTO:
        state = (accident.state or "").strip()
        if not (state.isascii() and state.isalpha() and len(state) == 2):
            _add(
                ctx,
                "format.accident-state",
                "The visit is for an auto accident and the state it happened in is not a "
                "two-letter code.",
            )


def _addresses(visit: Visit) -> Iterator[tuple[str, Address, bool]]:
    """Each address the 837P writes: the loop, the address, whether it needs the ZIP+4."""
    provider = visit.billing_provider
    yield "billing provider (2010AA)", provider.address, True
    pay_to = provider.pay_to_address
    if pay_to is not None and not same_place(pay_to, provider.address):
        yield "pay-to (2010AB)", pay_to, False
    subscriber = visit.subscriber
    if subscriber.address is not None:
        yield "subscriber (2010BA)", subscriber.address, False
    if _relationship(visit) is not Relationship.SELF:
        address = visit.patient.address
        if address is not None:
            yield "patient (2010CA)", address, False
    facility = visit.service_facility
    if facility is not None and not same_place(facility.address, provider.address):
        yield "service location (2310C)", facility.address, True


def _relationship(visit: Visit) -> Relationship | None:
    relationship = visit.subscriber.relationship
    if relationship is None and visit.patient == visit.subscriber:
        return Relationship.SELF
    return relationship


def check_addresses(ctx: ScrubContext) -> None:
    visit = ctx.visit
    city_min = limit_of("format.required")
    for where, address, nine in _addresses(visit):
        zip_code = _digits(address.zip)
        if nine and where.startswith("billing"):
            if not _is_digits(zip_code, (limit_of("format.billing-zip"),)):
                _add(
                    ctx,
                    "format.billing-zip",
                    "The billing provider's ZIP is not the nine-digit ZIP+4 the 837P needs "
                    "(2010AA N403).",
                )
        elif not where.startswith("service") and not _is_digits(zip_code, (5, 9)):
            # a service location's ZIP+4 is address.service-facility's
            _add(ctx, "format.address", f"The {where} ZIP is not 5 or 9 digits.")
        state = address.state.strip()
        if not (state.isascii() and state.isalpha() and len(state) == 2):
            _add(ctx, "format.address", f"The {where} state is not a two-letter code.")
        if not _squeezed(address.line1):
            _add(ctx, "format.address", f"The {where} address has no street line.")
        if len(_squeezed(address.city)) < city_min:
            _add(ctx, "format.address", f"The {where} city is blank or one letter.")
    relationship = _relationship(visit)
    if relationship is None:
        _add(
            ctx,
            "format.relationship",
            "The patient is not the subscriber and the coverage does not say how they are related.",
        )
    elif relationship is Relationship.SELF:
        if visit.subscriber.address is None:
            _add(ctx, "format.patient-address", "The patient (the subscriber) has no address.")
    elif visit.patient.address is None and visit.subscriber.address is None:
        _add(
            ctx, "format.patient-address", "Neither the patient nor the subscriber has an address."
        )


def _npis(visit: Visit) -> Iterator[tuple[str, str]]:
    yield "billing provider", visit.billing_provider.npi
    yield "rendering provider", visit.rendering_provider.npi
    if visit.referral is not None:
        yield "referring or ordering provider", visit.referral.npi
    facility = visit.service_facility
    if facility is not None and facility.npi:
        yield "service location", facility.npi
    for service in visit.services:
        if service.rendering_npi:
            yield "line rendering provider", service.rendering_npi


def check_identifiers(ctx: ScrubContext) -> None:
    visit = ctx.visit
    npi_length = limit_of("format.npi")
    for role, number in _npis(visit):
        if not _is_digits(number, (npi_length,)):
            _add(ctx, "format.npi", f"The {role} NPI is not {npi_length} digits.")
    provider = visit.billing_provider
    if not _is_digits(_digits(provider.tax_id), (limit_of("format.tax-id"),)):
        _add(ctx, "format.tax-id", "The billing provider's tax id is not nine digits.")
    width = limit_of("format.taxonomy")
    taxonomies = [("billing provider", provider.taxonomy)]
    if visit.rendering_provider.npi != provider.npi:
        taxonomies.append(("rendering provider", visit.rendering_provider.taxonomy))
    for role, taxonomy in taxonomies:
        if not _is_code(taxonomy.strip(), width, width):
            _add(ctx, "format.taxonomy", f"The {role} taxonomy is not {width} letters and digits.")
    for field, value, shortest in _required(visit):
        if len(_squeezed(value)) < shortest:
            _add(
                ctx,
                "format.required",
                f"The {field} is blank"
                + (f" or shorter than {shortest}." if shortest > 1 else "."),
            )


def _required(visit: Visit) -> Iterator[tuple[str, str | None, int]]:
    """Names and identifiers the 837P must carry, with their shortest length."""
    two = limit_of("format.required")
    provider = visit.billing_provider
    if provider.last_name:
        yield "billing provider's last name", provider.last_name, 1
    else:
        yield "billing provider's name", provider.name, 1
    subscriber = visit.subscriber
    yield "subscriber's last name", subscriber.last_name, 1
    yield "subscriber's member id", subscriber.member_id, two
    payer = visit.payer
    yield "payer's name", payer.name, 1
    yield "payer id", payer.payer_id, two
    if _relationship(visit) is not Relationship.SELF:
        yield "patient's last name", visit.patient.last_name, 1
    if visit.referral is not None:
        yield "referring provider's last name", visit.referral.last_name, 1
    if visit.rendering_provider.npi != provider.npi:
        yield "rendering provider's last name", visit.rendering_provider.last_name, 1
    facility = visit.service_facility
    if facility is not None and not same_place(facility.address, provider.address):
        yield "service location's name", facility.name, 1
    if payer.claim_number and payer.kind in _PROPERTY_CASUALTY:
        yield "carrier's claim number", payer.claim_number, 1
    if visit.prior_authorization:
        yield "prior authorization number", visit.prior_authorization, 1


def _texts(visit: Visit) -> Iterator[tuple[str, str | None]]:
    """Every free value of the visit that the 837P carries, named by what it is."""
    yield "visit id", visit.id
    provider = visit.billing_provider
    yield "billing provider's name", provider.name
    yield "billing provider's last name", provider.last_name
    yield "billing provider's first name", provider.first_name
    yield "billing provider's taxonomy", provider.taxonomy
    yield "billing provider's tax id", provider.tax_id
    rendering = visit.rendering_provider
    yield "rendering provider's last name", rendering.last_name
    yield "rendering provider's first name", rendering.first_name
    yield "rendering provider's taxonomy", rendering.taxonomy
    for who, person in (("subscriber", visit.subscriber), ("patient", visit.patient)):
        yield f"{who}'s last name", person.last_name
        yield f"{who}'s first name", person.first_name
        yield f"{who}'s member id", person.member_id
        yield f"{who}'s group number", person.group_number
    payer = visit.payer
    yield "payer's name", payer.name
    yield "payer id", payer.payer_id
    yield "carrier's claim number", payer.claim_number
    yield "prior authorization number", visit.prior_authorization
    if visit.referral is not None:
        yield "referring provider's last name", visit.referral.last_name
        yield "referring provider's first name", visit.referral.first_name
    if visit.accident is not None:
        yield "accident state", visit.accident.state
    facility = visit.service_facility
    if facility is not None:
        yield "service location's name", facility.name
    for where, address, _ in _addresses(visit):
        yield f"{where} street", address.line1
        yield f"{where} second line", address.line2
        yield f"{where} city", address.city
        yield f"{where} ZIP", address.zip
    for position, code in enumerate(visit.diagnoses, start=1):
        yield f"diagnosis {position}", code


def check_characters(ctx: ScrubContext) -> None:
    texts = list(_texts(ctx.visit))
    joined = "\n".join([value for _, value in texts if value])
    if joined.isascii() and not any(char in joined for char in X12_SEPARATORS):
        return  # the usual visit: one scan of all its text
    reported: set[str] = set()
    for field, value in texts:
        text = _squeezed(value)
        if field in reported or not text:
            continue
        if not text.isascii() or any(char in text for char in X12_SEPARATORS):
            reported.add(field)
            _add(
                ctx,
                "format.x12-characters",
                f"The {field} holds a separator (* : ^ ~) or a non-ASCII character, which an "
                "837P cannot carry.",
            )


def check_form_boxes(ctx: ScrubContext) -> None:
    """Identifiers the CMS-1500 prints whole: each must fit its box."""
    visit = ctx.visit
    payer = visit.payer
    values: list[tuple[str, str | None]] = [
        ("1a", visit.subscriber.member_id),
        ("11", visit.subscriber.group_number),
        ("23", visit.prior_authorization),
        ("25", visit.billing_provider.tax_id.replace("-", "").strip()),
    ]
    if payer.kind in _PROPERTY_CASUALTY:
        values.append(("11b", payer.claim_number))
    for box, value in values:
        if value and len(ascii_fold(value)) > FORM_IDENTIFIER_WIDTHS[box]:
            _add(
                ctx,
                "format.form-box-width",
                f"CMS-1500 box {box} holds {FORM_IDENTIFIER_WIDTHS[box]} characters; the value "
                "is longer.",
            )


CHECKS: tuple[Callable[[ScrubContext], None], ...] = (
    check_payer,
    check_diagnoses,
    check_lines,
    check_claim,
    check_addresses,
    check_identifiers,
    check_characters,
    check_form_boxes,
)
