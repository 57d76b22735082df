"""Everything the 837P writer or the CMS-1500 renderer would refuse, found first by the scrubber.

Each check reads its limit from `rules.claim_format_limits`, the table the writers' own last
guards read, and reports that row's rule id with the row's fix (ADR 0350). Messages name the
field and the limit, never the value: several of these fields are PHI.

These checks run on every visit and almost always pass, so they are written to pass cheaply:
the table's numbers are read once at import (with the sets of values they allow), a visit's
text is gathered once and scanned by one compiled pattern, and a message is worded only when
something fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from itertools import chain, product
from string import ascii_letters, digits

from cleannote.rules.addresses import same_place
from cleannote.rules.catalog import all_procedures
from cleannote.rules.claim_format_limits import (
    FORM_IDENTIFIER_WIDTHS,
    FORMAT_LIMITS,
    X12_SEPARATORS,
    ascii_fold,
    limit_of,
)
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import AccidentKind, Address, PayerKind, Relationship, Visit

_PROPERTY_CASUALTY = frozenset(
    {PayerKind.AUTO_PIP, PayerKind.AUTO_MEDPAY, PayerKind.AUTO_LIABILITY, PayerKind.WORKERS_COMP}
)
_SELF_PAY, _AUTO, _SELF = PayerKind.SELF_PAY, AccidentKind.AUTO, Relationship.SELF


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


def _is_state(value: str) -> bool:
    """A two-letter state code, once trimmed."""
    state = value.strip()
    return state.isascii() and state.isalpha() and len(state) == 2


# The table's numbers, read once.
_DIAGNOSES = limit_of("format.diagnosis-count")
_DIAGNOSIS_WIDTH = limit_of("format.diagnosis-code")
_LINES = limit_of("format.line-count")
_MODIFIERS = limit_of("format.modifier-count")
_MODIFIER_WIDTH = limit_of("format.modifier-code")
_POINTERS = limit_of("format.pointer-count")
_POINTER_TARGETS = limit_of("format.pointer-target")
_UNITS = limit_of("format.units")
_DOLLAR_PLACES = limit_of("format.charge")
_CLAIM_ID = limit_of("format.claim-id")
_PLACE_OF_SERVICE = (limit_of("format.place-of-service"),)
_BILLING_ZIP = (limit_of("format.billing-zip"),)
_NPI = limit_of("format.npi")
_TAX_ID = (limit_of("format.tax-id"),)
_TAXONOMY = limit_of("format.taxonomy")
_SHORTEST = limit_of("format.required")  # member and payer ids; a city's letters

# Every modifier a line may carry: each string of `_MODIFIER_WIDTH` ASCII letters or digits
# (62 * 62 of them), so a line's modifiers are judged by one subset test.
_MODIFIER_CODES = frozenset(map("".join, product(ascii_letters + digits, repeat=_MODIFIER_WIDTH)))
# The pointers that name a diagnosis on a claim carrying n of them: 1 to n.
_POINTED = tuple(frozenset(range(1, n + 1)) for n in range(_POINTER_TARGETS + 1))
# Any character an 837P cannot carry: a separator, or anything beyond ASCII.
_NOT_X12 = re.compile("[" + re.escape(X12_SEPARATORS) + "\x80-\U0010ffff]")

# Dollar places of a line's charge (box 24F) and of the claim's total (box 28), as Decimals once.
_DOLLARS = {places: Decimal(10**places) for places in (_DOLLAR_PLACES, _DOLLAR_PLACES + 1)}
_CENT = Decimal("0.01")
_ZERO = Decimal("0")


def _is_cents(amount: Decimal, dollar_places: int) -> bool:
    """A finite, non-negative amount of whole cents below 10**dollar_places dollars."""
    if amount.__class__ is not Decimal or not amount.is_finite():
        return False
    if not _ZERO <= amount < _DOLLARS[dollar_places]:
        return False
    return not amount % _CENT  # exact: no rounding, and bounded above


@cache
def _catalog_codes() -> frozenset[str]:
    """Every catalog code: each is five letters or digits (the catalog refuses others)."""
    return frozenset(procedure.code for procedure in all_procedures())


def check_payer(ctx: ScrubContext) -> None:
    if ctx.visit.payer.kind is _SELF_PAY:
        _add(
            ctx,
            "format.payer-not-billable",
            "The visit's payer is self-pay: there is no insurer to send an 837P or CMS-1500 to.",
        )


def check_diagnoses(ctx: ScrubContext) -> None:
    codes = ctx.visit.diagnoses
    most = _DIAGNOSES
    if len(codes) > most:
        _add(
            ctx,
            "format.diagnosis-count",
            f"The visit lists {len(codes)} diagnoses; a claim holds at most {most}.",
        )
    longest = _DIAGNOSIS_WIDTH
    for position, code in enumerate(codes[:most], start=1):
        code = code.replace(".", "").strip()
        if not (code.isascii() and code.isalnum() and 3 <= len(code) <= longest):
            _add(
                ctx,
                "format.diagnosis-code",
                f"Diagnosis {position} is not an ICD-10-CM code of 3 to {longest} letters and "
                "digits.",
            )


def check_lines(ctx: ScrubContext) -> None:
    visit = ctx.visit
    units_of = ctx.units
    billed = [  # the services that become claim lines (as `scrubber._claim_lines` keeps)
        index
        for index, procedure in enumerate(ctx.procedures)
        if procedure is not None and units_of[index] != 0
    ]
    if not billed:
        _add(ctx, "format.no-lines", "No service on this visit becomes a billable claim line.")
        return
    if len(billed) > _LINES:
        _add(
            ctx,
            "format.line-count",
            f"The claim would have {len(billed)} service lines; an 837P claim holds {_LINES}.",
        )
    on_claim = min(len(visit.diagnoses), _POINTER_TARGETS)
    pointed = _POINTED[on_claim]
    services, codes, line_modifiers = visit.services, ctx.billed_codes, ctx.modifiers
    most_modifiers, most_pointers, most_units = _MODIFIERS, _POINTERS, _UNITS
    modifier_codes, catalog_codes = _MODIFIER_CODES, _catalog_codes()
    zero, cent, line_dollars = _ZERO, _CENT, _DOLLARS[_DOLLAR_PLACES]
    rendering = visit.rendering_provider.npi
    total = zero
    for index in billed:
        service = services[index]
        modifiers = line_modifiers[index].modifiers if line_modifiers else service.modifiers
        code = codes[index]
        if modifiers:
            if len(modifiers) > most_modifiers:
                _add(
                    ctx,
                    "format.modifier-count",
                    f"{code} carries {len(modifiers)} modifiers; a claim line holds {_MODIFIERS}.",
                    index,
                )
            if not modifier_codes.issuperset(modifiers):
                _add(
                    ctx,
                    "format.modifier-code",
                    f"A modifier on {code} is not {_MODIFIER_WIDTH} letters or digits.",
                    index,
                )
        pointers = service.diagnosis_pointers
        if not 1 <= len(pointers) <= most_pointers:
            _add(
                ctx,
                "format.pointer-count",
                f"{code} points to {len(pointers)} diagnoses; a line points to 1 to {_POINTERS}.",
                index,
            )
        if pointers and not pointed.issuperset(pointers):
            _add(
                ctx,
                "format.pointer-target",
                f"{code} points past the {on_claim} diagnoses the claim carries.",
                index,
            )
        # A catalog code (or its replacement) is five letters or digits by the catalog's own
        # check; anything else is judged here.
        if code not in catalog_codes and not (code.isascii() and code.isalnum() and len(code) == 5):
            _add(
                ctx,
                "format.procedure-code",
                "A billed procedure code is not five letters or digits.",
                index,
            )
        units = units_of[index]
        if not 1 <= units <= most_units:
            _add(
                ctx,
                "format.units",
                f"{code} bills {units} units; a line carries 1 to {_UNITS}.",
                index,
            )
        charge = service.charge
        if (  # _is_cents(charge, _DOLLAR_PLACES), its usual answer without the call
            charge.__class__ is Decimal
            and charge.is_finite()
            and zero <= charge < line_dollars
            and not charge % cent
        ):
            if total.is_finite():
                total += charge
        else:
            _add(
                ctx,
                "format.charge",
                f"The charge for {code} is not dollars and cents below ${10**_DOLLAR_PLACES:,}.",
                index,
            )
        line_npi = service.rendering_npi
        if line_npi and line_npi != rendering:
            _add(
                ctx,
                "format.line-rendering",
                f"{code} was rendered by another clinician than the claim's rendering provider; "
                "Cleannote does not write a per-line rendering provider (2420A).",
                index,
            )
    if total.is_finite() and not _is_cents(total, _DOLLAR_PLACES + 1):
        _add(
            ctx,
            "format.charge",
            f"The claim's total charge is not below ${10 ** (_DOLLAR_PLACES + 1):,}.",
        )


def check_claim(ctx: ScrubContext) -> None:
    visit = ctx.visit
    raw_id = visit.id
    claim_id = raw_id.strip()
    widest = _CLAIM_ID
    # ASCII text folds to its squeezed self, never longer than its trimmed self.
    if not 1 <= len(claim_id) <= widest or (
        not raw_id.isascii() and len(ascii_fold(raw_id)) > widest
    ):
        _add(
            ctx,
            "format.claim-id",
            f"The visit id has {len(claim_id)} characters; the claim's patient account number "
            f"holds 1 to {widest}.",
        )
    pos = visit.place_of_service
    if not (pos.isascii() and pos.isdigit() and len(pos) in _PLACE_OF_SERVICE):
        _add(ctx, "format.place-of-service", "The place of service is not a two-digit code.")
    accident = visit.accident
    if accident is not None and accident.kind is _AUTO and not _is_state(accident.state or ""):
        _add(
            ctx,
            "format.accident-state",
            "The visit is for an auto accident and the state it happened in is not a "
            "two-letter code.",
        )


# Which address an 837P loop holds, as `_addresses` names it.
_BILLING, _OTHER, _SERVICE = "billing", "other", "service"


def _addresses(visit: Visit) -> list[tuple[str, Address, str]]:
    """Each address the 837P writes: the loop, the address, and whose it is (billing provider,
    service location, other): the billing provider's needs the ZIP+4, a service location's
    ZIP+4 is address.service-facility's."""
    provider = visit.billing_provider
    billing = provider.address
    found = [("billing provider (2010AA)", billing, _BILLING)]
    pay_to = provider.pay_to_address
    if pay_to is not None and not same_place(pay_to, billing):
        found.append(("pay-to (2010AB)", pay_to, _OTHER))
    subscriber = visit.subscriber
    if subscriber.address is not None:
        found.append(("subscriber (2010BA)", subscriber.address, _OTHER))
    if _relationship(visit) is not _SELF:
        address = visit.patient.address
        if address is not None:
            found.append(("patient (2010CA)", address, _OTHER))
    facility = visit.service_facility
    if facility is not None and not same_place(facility.address, billing):
        found.append(("service location (2310C)", facility.address, _SERVICE))
    return found


def _relationship(visit: Visit) -> Relationship | None:
    relationship = visit.subscriber.relationship
    if relationship is None and visit.patient == visit.subscriber:
        return _SELF
    return relationship


def check_parties(ctx: ScrubContext) -> None:
    """The claim's parties as the 837P carries them: addresses, then identifiers, then
    characters (three checks in one, sharing the list of addresses; findings in that order)."""
    visit = ctx.visit
    addresses = _addresses(visit)
    _check_addresses(ctx, visit, addresses)
    _check_identifiers(ctx, visit)
    _check_characters(ctx, visit, addresses)


def _check_addresses(
    ctx: ScrubContext, visit: Visit, addresses: list[tuple[str, Address, str]]
) -> None:
    shortest_city = _SHORTEST
    for where, address, whose in addresses:
        zip_code = address.zip.translate(_DASHES_AND_SPACES)
        if whose is _BILLING:
            if not (zip_code.isascii() and zip_code.isdigit() and len(zip_code) in _BILLING_ZIP):
                _add(
                    ctx,
                    "format.billing-zip",
                    "The billing provider's ZIP is not the nine-digit ZIP+4 the 837P needs "
                    "(2010AA N403).",
                )
        elif whose is _OTHER and not _is_digits(zip_code, (5, 9)):
            _add(ctx, "format.address", f"The {where} ZIP is not 5 or 9 digits.")
        if not _is_state(address.state):
            _add(ctx, "format.address", f"The {where} state is not a two-letter code.")
        street = address.line1
        if not street or street.isspace():  # nothing left once squeezed
            _add(ctx, "format.address", f"The {where} address has no street line.")
        if len(_squeezed(address.city)) < shortest_city:
            _add(ctx, "format.address", f"The {where} city is blank or one letter.")
    relationship = _relationship(visit)
    if relationship is None:
        _add(
            ctx,
            "format.relationship",
            "The patient is not the subscriber and the coverage does not say how they are related.",
        )
    elif relationship is _SELF:
        if visit.subscriber.address is None:
            _add(ctx, "format.patient-address", "The patient (the subscriber) has no address.")
    elif visit.patient.address is None and visit.subscriber.address is None:
        _add(
            ctx, "format.patient-address", "Neither the patient nor the subscriber has an address."
        )


def _npis(visit: Visit) -> list[tuple[str, str]]:
    found = [
        ("billing provider", visit.billing_provider.npi),
        ("rendering provider", visit.rendering_provider.npi),
    ]
    if visit.referral is not None:
        found.append(("referring or ordering provider", visit.referral.npi))
    facility = visit.service_facility
    if facility is not None and facility.npi:
        found.append(("service location", facility.npi))
    for service in visit.services:
        if service.rendering_npi:
            found.append(("line rendering provider", service.rendering_npi))
    return found


def _check_identifiers(ctx: ScrubContext, visit: Visit) -> None:
    npi_length = _NPI
    for role, number in _npis(visit):
        if not (number.isascii() and number.isdigit() and len(number) == npi_length):
            _add(ctx, "format.npi", f"The {role} NPI is not {npi_length} digits.")
    provider = visit.billing_provider
    if not _is_digits(provider.tax_id.translate(_DASHES_AND_SPACES), _TAX_ID):
        _add(ctx, "format.tax-id", "The billing provider's tax id is not nine digits.")
    width = _TAXONOMY
    rendering = visit.rendering_provider
    taxonomies = [("billing provider", provider.taxonomy)]
    if rendering.npi != provider.npi:
        taxonomies.append(("rendering provider", rendering.taxonomy))
    for role, taxonomy in taxonomies:
        taxonomy = taxonomy.strip()
        if not (taxonomy.isascii() and taxonomy.isalnum() and len(taxonomy) == width):
            _add(ctx, "format.taxonomy", f"The {role} taxonomy is not {width} letters and digits.")
    for field, value, shortest in _required(visit):
        if (  # at least `shortest` characters once squeezed: the usual answer, cheaply
            value and not value.isspace() and (shortest == 1 or len(_squeezed(value)) >= shortest)
        ):
            continue
        _add(
            ctx,
            "format.required",
            f"The {field} is blank" + (f" or shorter than {shortest}." if shortest > 1 else "."),
        )


def _required(visit: Visit) -> list[tuple[str, str | None, int]]:
    """Names and identifiers the 837P must carry, with their shortest length."""
    two = _SHORTEST
    provider = visit.billing_provider
    subscriber = visit.subscriber
    payer = visit.payer
    found: list[tuple[str, str | None, int]] = [
        ("billing provider's last name", provider.last_name, 1)
        if provider.last_name
        else ("billing provider's name", provider.name, 1),
        ("subscriber's last name", subscriber.last_name, 1),
        ("subscriber's member id", subscriber.member_id, two),
        ("payer's name", payer.name, 1),
        ("payer id", payer.payer_id, two),
    ]
    if _relationship(visit) is not _SELF:
        found.append(("patient's last name", visit.patient.last_name, 1))
    if visit.referral is not None:
        found.append(("referring provider's last name", visit.referral.last_name, 1))
    rendering = visit.rendering_provider
    if rendering.npi != provider.npi:
        found.append(("rendering provider's last name", rendering.last_name, 1))
    facility = visit.service_facility
    if facility is not None and not same_place(facility.address, provider.address):
        found.append(("service location's name", facility.name, 1))
    if payer.claim_number and payer.kind in _PROPERTY_CASUALTY:
        found.append(("carrier's claim number", payer.claim_number, 1))
    if visit.prior_authorization:
        found.append(("prior authorization number", visit.prior_authorization, 1))
    return found


# The names of the values `_texts` reads, in its order: the visit's own fields, the referring
# provider's, the accident's, the service location's, each address's parts and the diagnoses.
_VISIT_NAMES: tuple[str, ...] = (
    "visit id",
    "billing provider's name",
    "billing provider's last name",
    "billing provider's first name",
    "billing provider's taxonomy",
    "billing provider's tax id",
    "rendering provider's last name",
    "rendering provider's first name",
    "rendering provider's taxonomy",
    "subscriber's last name",
    "subscriber's first name",
    "subscriber's member id",
    "subscriber's group number",
    "patient's last name",
    "patient's first name",
    "patient's member id",
    "patient's group number",
    "payer's name",
    "payer id",
    "carrier's claim number",
    "prior authorization number",
)
_REFERRAL_NAMES = ("referring provider's last name", "referring provider's first name")
_ADDRESS_NAMES = {
    where: (f"{where} street", f"{where} second line", f"{where} city", f"{where} ZIP")
    for where in (
        "billing provider (2010AA)",
        "pay-to (2010AB)",
        "subscriber (2010BA)",
        "patient (2010CA)",
        "service location (2310C)",
    )
}
_DIAGNOSIS_NAMES = tuple(f"diagnosis {position}" for position in range(1, 33))


def _texts(
    visit: Visit, addresses: list[tuple[str, Address, str]]
) -> tuple[list[tuple[str, ...]], list[str | None]]:
    """Every free value of the visit that the 837P carries, and the names of what they are
    (in groups, one per part of the visit, read only when a value is refused)."""
    provider = visit.billing_provider
    rendering = visit.rendering_provider
    subscriber, patient = visit.subscriber, visit.patient
    payer = visit.payer
    names: list[tuple[str, ...]] = [_VISIT_NAMES]
    values: list[str | None] = [
        visit.id,
        provider.name,
        provider.last_name,
        provider.first_name,
        provider.taxonomy,
        provider.tax_id,
        rendering.last_name,
        rendering.first_name,
        rendering.taxonomy,
        subscriber.last_name,
        subscriber.first_name,
        subscriber.member_id,
        subscriber.group_number,
        patient.last_name,
        patient.first_name,
        patient.member_id,
        patient.group_number,
        payer.name,
        payer.payer_id,
        payer.claim_number,
        visit.prior_authorization,
    ]
    referral = visit.referral
    if referral is not None:
        names.append(_REFERRAL_NAMES)
        values += (referral.last_name, referral.first_name)
    if visit.accident is not None:
        names.append(("accident state",))
        values.append(visit.accident.state)
    facility = visit.service_facility
    if facility is not None:
        names.append(("service location's name",))
        values.append(facility.name)
    for where, address, _whose in addresses:
        names.append(_ADDRESS_NAMES[where])
        values += (address.line1, address.line2, address.city, address.zip)
    diagnoses = visit.diagnoses
    if diagnoses:
        listed = _DIAGNOSIS_NAMES[: len(diagnoses)]
        if len(listed) < len(diagnoses):
            listed = tuple(f"diagnosis {position}" for position in range(1, len(diagnoses) + 1))
        names.append(listed)
        values += diagnoses
    return names, values


def _check_characters(
    ctx: ScrubContext, visit: Visit, addresses: list[tuple[str, Address, str]]
) -> None:
    names, values = _texts(visit, addresses)
    joined = "\n".join(filter(None, values))
    if joined.isascii() and not any(map(joined.__contains__, X12_SEPARATORS)):
        return  # the usual visit: one scan of all its text
    reported: set[str] = set()
    for field, value in zip(chain.from_iterable(names), values, strict=True):
        text = _squeezed(value)
        if field in reported or not text:
            continue
        if _NOT_X12.search(text) is not None:
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
    subscriber = visit.subscriber
    values: list[tuple[str, str | None]] = [
        ("1a", subscriber.member_id),
        ("11", subscriber.group_number),
        ("23", visit.prior_authorization),
        ("25", visit.billing_provider.tax_id.replace("-", "").strip()),
    ]
    if payer.kind in _PROPERTY_CASUALTY:
        values.append(("11b", payer.claim_number))
    widths = FORM_IDENTIFIER_WIDTHS
    for box, value in values:
        if not value:
            continue
        width = widths[box]
        # ASCII text folds to its squeezed self, never longer than it is.
        if (len(value) > width or not value.isascii()) and len(ascii_fold(value)) > width:
            _add(
                ctx,
                "format.form-box-width",
                f"CMS-1500 box {box} holds {width} characters; the value is longer.",
            )


CHECKS: tuple[Callable[[ScrubContext], None], ...] = (
    check_payer,
    check_diagnoses,
    check_lines,
    check_claim,
    check_parties,
    check_form_boxes,
)
