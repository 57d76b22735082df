"""Clean means accepted: a visit the scrubber calls clean is written, and pyx12 finds no error.

Hypothesis varies what the claim-format limits touch (ZIPs of 5/9/other digits, 1 to 14
diagnoses, line counts, names with separators, accents and great length, addresses, NPIs,
modifiers, units, charges from 0 to huge, visit ids, payer kinds, patients who are not the
subscriber, an auto accident's state) on the scrub factories' clean visit, which scrubs as
the app builds it (no reader in front). For each batch of visits:
- clean ⇒ the 837P writer writes it, pyx12 finds no error, and the CMS-1500 renders it;
- the writer refuses ⇒ the scrubber had an error finding (the same statement turned round).
A handful of batches run in CI (pyx12 is slow, so a batch is validated in one call);
`make fuzz` runs many more with fresh randomness (FUZZ_EXAMPLES, FUZZ_FRESH).
"""

from __future__ import annotations

import datetime as dt
import os
import string
from decimal import Decimal
from typing import Any

import msgspec
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cleannote.edi.envelope import X12WriteError
from cleannote.edi.x12_837p import (
    Adjustment,
    ClaimToSend,
    PriorLinePayment,
    PriorPayment,
    write_837p,
)
from cleannote.forms.cms1500 import FormClaim, check_form_claim
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import (
    Accident,
    AccidentKind,
    Address,
    MedicareSecondaryType,
    Payer,
    PayerKind,
    Person,
    Relationship,
    ServiceFacility,
    Sex,
    Visit,
)
from tests.edi.factories import CONTROL, CREATED, RECEIVER, SUBMITTER
from tests.edi.pyx12_check import pyx12_errors
from tests.rules.scrub.factories import (
    BILLING_NPI,
    OTHER_NPI,
    REFERRING_NPI,
    RENDERING_NPI,
    replace,
    service,
    visit,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FRESH = os.environ.get("FUZZ_FRESH", "") == "1"
AS_OF = dt.date(2026, 3, 31)


def _mostly(good: Any, *bad: Any) -> Any:
    """`good` (a value or a strategy) 19 times in 20, else one of the `bad` values: a batch
    then holds clean visits and visits with a few faults, not only broken ones."""
    good = good if isinstance(good, st.SearchStrategy) else st.just(good)
    return st.sampled_from((True,) * 19 + (False,)).flatmap(
        lambda fine: good if fine else st.sampled_from(bad)
    )


_ODD = " '-.,#&/*:^~éÑß\u00a0"
_names = _mostly(
    st.sampled_from(["DOE", "O'NEIL", "SMITH-JONES", "LI", "VAN DER BERG", "Q" * 75]),
    "MUÑOZ",
    "",
    " ",
    "A*B",
).flatmap(
    lambda name: (
        st.one_of(st.just(name), st.text(string.ascii_uppercase + _ODD, min_size=0, max_size=75))
        if name == " "
        else st.just(name)
    )
)
_zips = _mostly(
    st.sampled_from(["972011234", "97201-1234", "97201 1234"]), "97201", "9720", "97201123A"
)
_five_or_nine = _mostly(st.sampled_from(["97201", "972011234"]), "9720", "97201123A")
_npis = _mostly(
    st.sampled_from([RENDERING_NPI, REFERRING_NPI, OTHER_NPI]),
    "123456789",
    "12345678901",
    "12345X7893",
)
_diagnoses = (
    "M17.11",
    "M25.561",
    "M62.81",
    "R26.89",
    "Z96.651",
    "M54.50",
    "M54.2",
    "S83.241A",
    "M79.604",
    "R26.2",
    "M25.661",
    "M62.59",
    "Z47.1",
    "M25.651",
)  # fmt: skip  (no Excludes1 pair among them)
_codes = _mostly(st.sampled_from(["97110", "97140", "97112", "97530", "97116"]), "9711", "97010")
_charges = _mostly(
    st.sampled_from(["0", "0.00", "45.00", "99999.99", "62.5"]),
    "45.005",
    "100000.00",
    "-5.00",
    "1234567.89",
).map(Decimal)
_addresses = st.builds(
    Address,
    line1=_mostly(st.sampled_from(["100 MAIN ST", "12 ELM AVE"]), "", "  ", "12 ELM*AVE", "É ST"),
    city=_mostly(st.sampled_from(["PORTLAND", "ST. PAUL", "YE"]), "P", "", "SALEM~"),
    state=_mostly(st.sampled_from(["OR", "WA"]), "or", "O", "ORE", "1A"),
    zip=_five_or_nine,
)


@st.composite
def _service(draw: Any, diagnoses: int, code: str, at: int) -> Any:
    """Service `at` of the visit: one after the other from 08:00, so times do not overlap."""
    minutes = draw(st.integers(min_value=8, max_value=75))
    start = dt.datetime(2026, 1, 1, 8, 0) + dt.timedelta(minutes=80 * at)
    end = start + dt.timedelta(minutes=minutes)
    pointers = draw(
        _mostly(
            st.lists(st.integers(1, min(diagnoses, 12)), min_size=1, max_size=4, unique=True),
            [],
            [1, 2, 3, 4, 5],
            [diagnoses + 1],
        )
    )
    return service(
        code,
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        charge=draw(_charges),
        diagnosis_pointers=tuple(pointers),
        modifiers=tuple(
            draw(_mostly((), ("59",), ("XYZ",), ("1",), ("59", "KX", "76", "77", "XE")))
        ),
        rendering_npi=draw(_mostly(None, RENDERING_NPI, OTHER_NPI)),
    )


@st.composite
def visits(draw: Any, number: int) -> Visit:
    base = visit()
    count = draw(_mostly(st.integers(min_value=1, max_value=12), 13, 14))
    codes = draw(st.lists(_codes, min_size=1, max_size=6, unique=True))
    services = tuple(draw(_service(count, code, at)) for at, code in enumerate(codes))
    billing = replace(
        base.billing_provider,
        npi=draw(_mostly(BILLING_NPI, "123456789")),
        tax_id=draw(_mostly(st.sampled_from(["931234567", "93-1234567"]), "9312345", "9" * 17)),
        taxonomy=draw(_mostly(st.sampled_from(["225100000X", " 225100000X "]), "225100000")),
        address=replace(base.billing_provider.address, zip=draw(_zips)),
        name=draw(_mostly("RIVERSIDE PHYSICAL THERAPY", "RIVERSIDE*PT", " ")),
    )
    rendering = replace(
        base.rendering_provider,
        last_name=draw(_names),
        first_name=draw(_names),
        npi=draw(_npis),
    )
    kind = draw(
        _mostly(
            st.sampled_from(
                [PayerKind.MEDICARE, PayerKind.COMMERCIAL, PayerKind.AUTO_PIP,
                 PayerKind.WORKERS_COMP, PayerKind.MEDICAID]
            ),
            PayerKind.SELF_PAY,
        )
    )  # fmt: skip
    payer = Payer(
        name=draw(_mostly(st.sampled_from(["MEDICARE PART B", "ACME HEALTH"]), "", "ACME^HEALTH")),
        payer_id=draw(_mostly(st.sampled_from(["00952", "CHP01"]), "A", "PAYER*1")),
        kind=kind,
        claim_number=draw(_mostly("CLM-778812", None, "X" * 30, " ")),
        # Medicare as the secondary payer: the claim then goes out with the primary's payment
        medicare_secondary_type=draw(st.sampled_from([None, MedicareSecondaryType.WORKING_AGED]))
        if kind is PayerKind.MEDICARE
        else None,
    )
    subscriber = replace(
        base.subscriber,
        last_name=draw(_names),
        first_name=draw(_names),
        member_id=draw(_mostly("1EG4TE5MK73", "A", "", "M" * 35, "XYZ:12")),
        group_number=draw(_mostly(st.sampled_from([None, "GRP-1"]), "G" * 35)),
        address=draw(_mostly(_addresses, None)),
        relationship=draw(_mostly(st.sampled_from([Relationship.SELF, Relationship.CHILD]), None)),
    )
    if subscriber.relationship is Relationship.SELF:
        patient = replace(
            base.patient,
            first_name=subscriber.first_name,
            last_name=subscriber.last_name,
            address=subscriber.address,
        )
    else:
        patient = Person(
            first_name=draw(_names),
            last_name=draw(_names),
            birth_date=dt.date(2015, 6, 1),
            sex=Sex.FEMALE,
            address=draw(_mostly(_addresses, None)),
            id="p-2",
        )
    accident = None
    if kind in (PayerKind.AUTO_PIP, PayerKind.WORKERS_COMP):
        accident = Accident(
            AccidentKind.AUTO if kind is PayerKind.AUTO_PIP else AccidentKind.EMPLOYMENT,
            dt.date(2026, 1, 5),
            draw(_mostly("OR", None, "O", "or")),
        )
    facility = draw(
        st.one_of(
            st.none(),
            st.builds(
                ServiceFacility,
                name=_mostly("EASTSIDE", ""),
                address=st.builds(
                    Address,
                    line1=_mostly("9 EAST ST", "PO BOX 12", ""),
                    city=st.just("PORTLAND"),
                    state=st.just("OR"),
                    zip=_zips,
                ),
            ),
        )
    )
    return msgspec.structs.replace(
        base,
        id=draw(_mostly(st.sampled_from([f"v-{number}", f"V{number:013d}"]), "v-" + "9" * 30)),
        billing_provider=billing,
        rendering_provider=rendering,
        payer=payer,
        subscriber=subscriber,
        patient=patient,
        diagnoses=_diagnoses[:count],
        services=services,
        place_of_service=draw(_mostly(st.sampled_from(["11", "12"]), "1", "A1")),
        accident=accident,
        prior_authorization=draw(_mostly(st.sampled_from([None, "AUTH-1"]), "A" * 40, " ")),
        service_facility=facility,
        referral=replace(base.referral, npi=draw(_npis)),
    )


_PRIMARY = Payer("CASCADE HEALTH PLAN", "CHP01", PayerKind.COMMERCIAL)


def _claim(v: Visit, lines: Any) -> ClaimToSend:
    """The claim as the claims app sends it: to Medicare as secondary with the primary's
    payment and a contractual adjustment per line (balanced), else as the primary claim."""
    if v.payer.medicare_secondary_type is None:
        return ClaimToSend(visit=v, lines=lines)
    payments = tuple(
        PriorLinePayment(
            index,
            line.charge - min(line.charge, Decimal("10")),
            (Adjustment("CO", "45", min(line.charge, Decimal("10"))),),
        )
        for index, line in enumerate(lines)
    )
    paid = sum((p.paid for p in payments), Decimal("0"))
    prior = PriorPayment(_PRIMARY, v.subscriber, paid, dt.date(2026, 3, 20), lines=payments)
    return ClaimToSend(visit=v, lines=lines, prior_payments=(prior,))


def _write(claims: list[ClaimToSend]) -> bytes:
    return write_837p(
        claims, submitter=SUBMITTER, receiver=RECEIVER, control=CONTROL, created=CREATED
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not FRESH,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(st.integers(0, 10**6), min_size=1, max_size=6).flatmap(
    lambda numbers: st.tuples(*(visits(n) for n in numbers))
))  # fmt: skip
def test_a_clean_visit_is_written_and_pyx12_finds_no_error(batch: tuple[Visit, ...]) -> None:
    clean: list[ClaimToSend] = []
    for v in batch:
        # when
        result = scrub(v, as_of=AS_OF)
        claim = _claim(v, result.lines)
        try:
            _write([claim])
            written = True
        except X12WriteError as exc:
            written = False
            refusal = f"{exc.rule}: {exc}"
        # then: not written ⇒ an error finding; clean ⇒ written and printable
        if not written:
            assert not result.clean, f"clean, but the writer refused it: {refusal}"
        if result.clean:
            check_form_claim(FormClaim(visit=v, lines=result.lines))
            clean.append(claim)
            if claim.prior_payments:
                event("a clean Medicare secondary claim")
    event(f"{len(clean)} of {len(batch)} clean")
    if clean:
        assert pyx12_errors(_write(clean)) == []


def test_a_clean_medicare_secondary_claim_is_written_and_pyx12_finds_no_error() -> None:
    # given the factory's clean Medicare visit, Medicare secondary to an employer plan
    base = visit()
    v = replace(
        base, payer=replace(base.payer, medicare_secondary_type=MedicareSecondaryType.WORKING_AGED)
    )
    result = scrub(v, as_of=AS_OF)
    assert result.clean
    # when
    claim = _claim(v, result.lines)
    # then
    assert claim.prior_payments
    assert pyx12_errors(_write([claim])) == []
