"""Who is the patient: the subscriber and the patient the claim names must be people who can
hold this coverage together (docs/decisions/0310-patient-identity-rules.md).

The 837P sends the patient inside the subscriber loop when the relationship is `self` (SBR02
18, no 2000C loop), so a `self` claim whose two people differ names someone the payer has not
enrolled; Medicare and Medicaid enrol every beneficiary under their own number, so their
patient is always the subscriber. Messages never carry a name or a birth date.
"""

from __future__ import annotations

import datetime as dt

from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import PayerKind, Person, Relationship

# Payers that enrol each person under their own member id: the patient is the subscriber.
OWN_COVERAGE_KINDS = frozenset(
    {PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE, PayerKind.MEDICAID}
)
# A subscriber younger than this whose coverage is said to cover someone else is most likely
# the patient entered as the policyholder (ADR 0310).
MINOR_SUBSCRIBER_AGE = 16
_SELF = Relationship.SELF
_CHILD = Relationship.CHILD
_PAYER_WORDS = {
    PayerKind.MEDICARE: "Medicare",
    PayerKind.MEDICARE_ADVANTAGE: "A Medicare Advantage plan",
    PayerKind.MEDICAID: "Medicaid",
}


def age_on(born: dt.date, day: dt.date) -> int:
    """Whole years from `born` to `day` (a birthday counts on the day itself)."""
    years = day.year - born.year
    if (day.month, day.day) < (born.month, born.day):
        years -= 1
    return years


def _name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _differences(subscriber: Person, patient: Person) -> list[str]:
    """What tells the two people apart, in words without the values."""
    found: list[str] = []
    if _name_key(subscriber.last_name) != _name_key(patient.last_name) or _name_key(
        subscriber.first_name
    ) != _name_key(patient.first_name):
        found.append("name")
    if subscriber.birth_date != patient.birth_date:
        found.append("birth date")
    return found


def check_self_is_the_patient(ctx: ScrubContext) -> None:
    visit = ctx.visit
    subscriber, patient = visit.subscriber, visit.patient
    if subscriber.relationship is not _SELF or (
        subscriber.birth_date == patient.birth_date
        and subscriber.last_name == patient.last_name
        and subscriber.first_name == patient.first_name
    ):
        return  # the usual case, without normalising the names
    differences = _differences(subscriber, patient)
    if differences:
        ctx.add(
            "patient.self-mismatch",
            f"The relationship says the patient is the subscriber, but their "
            f"{' and '.join(differences)} differ.",
            "Correct the relationship (spouse, child, other) and the subscriber's details, or "
            "correct the patient's name or birth date to match the insurance card.",
        )


def check_own_coverage(ctx: ScrubContext) -> None:
    visit = ctx.visit
    relationship = visit.subscriber.relationship
    if visit.payer.kind not in OWN_COVERAGE_KINDS or relationship is None:
        return
    if relationship is not _SELF:
        ctx.add(
            "patient.not-subscriber",
            f"{_PAYER_WORDS[visit.payer.kind]} enrols every beneficiary under their own member "
            f"id, but the relationship says the patient is the subscriber's {relationship.value}.",
            "Enter the patient's own member id from their card and set the relationship to self.",
        )


def check_minor_subscriber(ctx: ScrubContext) -> None:
    visit = ctx.visit
    relationship = visit.subscriber.relationship
    if relationship is None or relationship is _SELF:
        return
    if age_on(visit.subscriber.birth_date, visit.date_of_service) < MINOR_SUBSCRIBER_AGE:
        ctx.add(
            "patient.minor-subscriber",
            f"The subscriber is under {MINOR_SUBSCRIBER_AGE} on the date of service while the "
            f"patient is their {relationship.value}.",
            "Check the subscriber's birth date and the relationship: a parent is usually the "
            "policyholder, and a child on their own Medicaid or CHIP coverage is the "
            "subscriber (relationship self).",
        )


def check_dependent_age(ctx: ScrubContext) -> None:
    visit = ctx.visit
    limit = ctx.policy.max_dependent_age
    if limit is None or visit.subscriber.relationship is not _CHILD:
        return
    if age_on(visit.patient.birth_date, visit.date_of_service) >= limit:
        ctx.add(
            "patient.dependent-age",
            f"The patient is covered as the subscriber's child and is {limit} or older on the "
            f"date of service; this payer ends a child's coverage at {limit}.",
            "Check eligibility (270/271) before billing: the patient may need their own "
            "coverage, unless the plan covers a disabled dependent or to a later age.",
        )


CHECKS = (
    check_self_is_the_patient,
    check_own_coverage,
    check_minor_subscriber,
    check_dependent_age,
)
