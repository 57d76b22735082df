"""Who is the patient: subscriber and patient who cannot be one person under `self`, a minor
subscriber covering someone else, a dependent past the payer's age limit, and a Medicare or
Medicaid patient who is not the subscriber. Each rule: a tripping visit and a near miss."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.payer_policy import default_policy, policy_with_overrides
from cleannote.rules.scrub.checks_patient import age_on
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import PayerKind, Relationship, Visit
from tests.rules.scrub.factories import DOS, findings_of, payer, replace, rules_of, visit

NEW_RULES = (
    "patient.self-mismatch",
    "patient.not-subscriber",
    "patient.minor-subscriber",
    "patient.dependent-age",
)


def _people(
    kind: PayerKind = PayerKind.COMMERCIAL,
    relationship: Relationship | None = Relationship.SELF,
    subscriber_born: dt.date = dt.date(1950, 1, 2),
    patient_born: dt.date = dt.date(1950, 1, 2),
    **subscriber_changes: object,
) -> Visit:
    base = visit()
    return visit(
        payer=payer(kind),
        subscriber=replace(
            base.subscriber,
            relationship=relationship,
            birth_date=subscriber_born,
            **subscriber_changes,
        ),
        patient=replace(base.patient, birth_date=patient_born),
    )


def test_the_rules_are_in_the_catalog_with_severity_source_and_why() -> None:
    for rule_id in NEW_RULES:
        spec = RULES[rule_id]
        assert spec.source
        assert spec.why
        assert spec.title
    assert RULES["patient.self-mismatch"].severity is Severity.ERROR
    assert RULES["patient.not-subscriber"].severity is Severity.ERROR
    assert RULES["patient.minor-subscriber"].severity is Severity.WARNING
    assert RULES["patient.dependent-age"].severity is Severity.WARNING


def test_the_default_visit_trips_none_of_them() -> None:
    assert rules_of(scrub(visit())).isdisjoint(NEW_RULES)


# --- patient.self-mismatch ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "flagged", "words"),
    [
        pytest.param({"first_name": "JANE"}, True, "name", id="first-name-differs"),
        pytest.param({"last_name": "ROE"}, True, "name", id="last-name-differs"),
        pytest.param({"birth_date": dt.date(1952, 1, 2)}, True, "birth date", id="born-differs"),
        pytest.param(
            {"first_name": "JANE", "birth_date": dt.date(1952, 1, 2)},
            True,
            "name and birth date",
            id="both-differ",
        ),
        pytest.param({"first_name": " john "}, False, "", id="near-miss-case-and-spaces"),
        pytest.param(
            {"relationship": Relationship.SPOUSE, "first_name": "JANE"},
            False,
            "",
            id="near-miss-spouse",
        ),
        pytest.param(
            {"relationship": None, "first_name": "JANE"}, False, "", id="near-miss-no-relationship"
        ),
    ],
)
def test_self_with_another_person_is_an_error(
    changes: dict[str, object], flagged: bool, words: str
) -> None:
    # given a visit whose subscriber differs from the patient in one way
    base = visit(payer=payer(PayerKind.COMMERCIAL))
    v = replace(base, subscriber=replace(base.subscriber, **changes))
    # when
    found = findings_of(scrub(v), "patient.self-mismatch")
    # then
    assert bool(found) is flagged
    if flagged:
        [finding] = found
        assert f"their {words} differ" in finding.message
        assert "JANE" not in finding.message  # no PHI
        assert "1952" not in finding.message


# --- patient.not-subscriber ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "relationship", "flagged"),
    [
        pytest.param(PayerKind.MEDICARE, Relationship.SPOUSE, True, id="medicare-spouse"),
        pytest.param(PayerKind.MEDICARE, Relationship.OTHER, True, id="medicare-other"),
        pytest.param(PayerKind.MEDICAID, Relationship.CHILD, True, id="medicaid-child"),
        pytest.param(PayerKind.MEDICARE_ADVANTAGE, Relationship.SPOUSE, True, id="ma-spouse"),
        pytest.param(PayerKind.MEDICARE, Relationship.SELF, False, id="near-miss-medicare-self"),
        pytest.param(PayerKind.MEDICAID, Relationship.SELF, False, id="near-miss-medicaid-self"),
        pytest.param(PayerKind.COMMERCIAL, Relationship.SPOUSE, False, id="near-miss-commercial"),
    ],
)
def test_a_medicare_or_medicaid_patient_is_the_subscriber(
    kind: PayerKind, relationship: Relationship, flagged: bool
) -> None:
    v = _people(kind, relationship, subscriber_born=dt.date(1948, 5, 5), first_name="JANE")
    found = findings_of(scrub(v), "patient.not-subscriber")
    assert bool(found) is flagged
    if flagged:
        assert relationship.value in found[0].message


# --- patient.minor-subscriber -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relationship", "subscriber_born", "flagged"),
    [
        pytest.param(Relationship.CHILD, dt.date(2015, 6, 1), True, id="child-of-a-10-year-old"),
        pytest.param(Relationship.SPOUSE, dt.date(2012, 1, 1), True, id="spouse-of-a-14-year-old"),
        # the day before the 16th birthday is still under 16; the birthday itself is not
        pytest.param(
            Relationship.CHILD,
            DOS.replace(year=DOS.year - 16) + dt.timedelta(days=1),
            True,
            id="16-tomorrow",
        ),
        pytest.param(
            Relationship.CHILD, DOS.replace(year=DOS.year - 16), False, id="near-miss-16-today"
        ),
        pytest.param(
            Relationship.SELF, dt.date(2015, 6, 1), False, id="near-miss-child-on-own-plan"
        ),
        pytest.param(Relationship.CHILD, dt.date(1980, 1, 1), False, id="near-miss-adult-parent"),
    ],
)
def test_a_minor_subscriber_covering_someone_else_is_a_warning(
    relationship: Relationship, subscriber_born: dt.date, flagged: bool
) -> None:
    patient_born = subscriber_born if relationship is Relationship.SELF else dt.date(2018, 1, 1)
    v = _people(PayerKind.COMMERCIAL, relationship, subscriber_born, patient_born)
    found = findings_of(scrub(v), "patient.minor-subscriber")
    assert bool(found) is flagged


# --- patient.dependent-age ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "relationship", "patient_born", "flagged"),
    [
        pytest.param(
            PayerKind.COMMERCIAL,
            Relationship.CHILD,
            dt.date(1990, 1, 1),
            True,
            id="commercial-child-36",
        ),
        pytest.param(
            PayerKind.COMMERCIAL,
            Relationship.CHILD,
            DOS.replace(year=DOS.year - 26),
            True,
            id="commercial-child-26-today",
        ),
        pytest.param(
            PayerKind.COMMERCIAL,
            Relationship.CHILD,
            DOS.replace(year=DOS.year - 26) + dt.timedelta(days=1),
            False,
            id="near-miss-26-tomorrow",
        ),
        pytest.param(
            PayerKind.COMMERCIAL,
            Relationship.SPOUSE,
            dt.date(1990, 1, 1),
            False,
            id="near-miss-spouse-has-no-age-limit",
        ),
        pytest.param(
            PayerKind.AUTO_PIP,
            Relationship.CHILD,
            dt.date(1990, 1, 1),
            False,
            id="near-miss-payer-sets-no-limit",
        ),
    ],
)
def test_a_dependent_past_the_payers_age_limit_is_a_warning(
    kind: PayerKind, relationship: Relationship, patient_born: dt.date, flagged: bool
) -> None:
    v = _people(kind, relationship, dt.date(1960, 1, 1), patient_born, first_name="JANE")
    found = findings_of(scrub(v), "patient.dependent-age")
    assert bool(found) is flagged
    if flagged:
        assert "26" in found[0].message


def test_the_dependent_age_is_payer_policy_data() -> None:
    assert default_policy(PayerKind.COMMERCIAL).max_dependent_age == 26
    assert default_policy(PayerKind.MEDICARE).max_dependent_age is None
    assert policy_with_overrides(PayerKind.COMMERCIAL, max_dependent_age=30).max_dependent_age == 30
    assert (
        policy_with_overrides(PayerKind.COMMERCIAL, max_dependent_age=None).max_dependent_age
        is None
    )


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (dt.date(2000, 3, 10), dt.date(2026, 3, 10), 26),
        (dt.date(2000, 3, 10), dt.date(2026, 3, 9), 25),
        (dt.date(2000, 2, 29), dt.date(2026, 2, 28), 25),
        (dt.date(2000, 2, 29), dt.date(2026, 3, 1), 26),
    ],
)
def test_age_on_counts_whole_years(born: dt.date, day: dt.date, age: int) -> None:
    assert age_on(born, day) == age
