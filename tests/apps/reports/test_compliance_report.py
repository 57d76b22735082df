"""The compliance report's KX and targeted-review rows (ADR 0802): Medicare therapy charges
this year past the year's KX threshold ($2,480 in 2026) or the $3,000 targeted medical review
amount, or passing one at a visit booked in the next two weeks, each row linking to the plan
of care it sends the clinician to. And the page's query count, which more rows do not grow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.models import Claim
from cleannote.apps.patients.models import PlanOfCare, Referral
from cleannote.apps.reports.compliance import PROBLEMS, compliance
from cleannote.apps.reports.scope import read_filters
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.rules.thresholds import find_threshold_row
from tests.apps.claims.conftest import billing  # noqa: F401  (the fixture)
from tests.personas import TODAY, _note, _patient

KX = PROBLEMS["kx"]
REVIEW = PROBLEMS["targeted_review"]


def _billed(billing, total: str) -> Claim:  # noqa: F811
    """Pat's PT claim to Medicare this year, its charge set to `total` (the year so far).
    Its date of service is pinned to TODAY, the day the report is read as of: the fixture's
    visit of three days ago falls in last year on 1-3 January, and the year's charges are
    counted by the claim's date."""
    claim = do_create_claim_from_note(billing.actor, billing.note)
    assert claim.payer_kind == "medicare"
    Claim.objects.filter(pk=claim.pk).update(total_charge=Decimal(total), date_of_service=TODAY)
    return claim


def _book(billing, days_ahead: int) -> None:  # noqa: F811
    clinic = billing.clinic
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    zone = timezone.get_current_timezone()
    day = TODAY + dt.timedelta(days=days_ahead)
    do_book_appointment(
        desk,
        patient=clinic.patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=dt.datetime.combine(day, dt.time(10), tzinfo=zone),
        end=dt.datetime.combine(day, dt.time(10, 45), tzinfo=zone),
        override_hours=True,
    )


def test_the_year_s_thresholds_are_the_rules_core_s():
    assert TODAY.year < 2026 or find_threshold_row("kx", 2026).amount == Decimal("2480.00")
    assert find_threshold_row("targeted_review", 2026).amount == Decimal("3000.00")


@pytest.mark.parametrize(
    ("total", "booked_in", "expected"),
    [
        # at the KX amount exactly is not past it; one claim, no booked visit
        ("2480.00", None, []),
        ("2480.01", None, [(KX, "is billed $2,480.01")]),
        ("3000.00", None, [(KX, "is billed $3,000.00")]),
        ("3100.00", None, [(KX, "is billed $3,100.00"), (REVIEW, "is billed $3,100.00")]),
        # $1,300 so far, $1,300 a visit (the case's average claim): a visit booked in 5 days
        # reaches $2,600, past KX but not $3,000
        ("1300.00", 5, [(KX, "Booked visit of")]),
        # $1,600 a visit: $3,200, past both at the one booked visit
        ("1600.00", 5, [(KX, "Booked visit of"), (REVIEW, "Booked visit of")]),
        # booked beyond the two weeks the report looks ahead: not yet
        ("1300.00", 20, []),
    ],
)
def test_kx_and_targeted_review_rows(billing, total, booked_in, expected):  # noqa: F811
    # given
    _billed(billing, total)
    if booked_in is not None:
        _book(billing, booked_in)
    clinic = billing.clinic
    # when
    rows, counts = compliance(read_filters({}, clinic.owner, TODAY))
    # then
    found = [r for r in rows if r.problem in (KX, REVIEW)]
    assert [r.problem for r in found] == [p for p, _ in expected]
    for row, (_, text) in zip(found, expected, strict=True):
        assert text in row.detail
        assert row.patient_id == clinic.patient.pk
        assert row.location == clinic.location.name
        assert row.clinician == clinic.therapist.display_name
        # the plan of care of Pat's case: where medical necessity is documented for KX
        assert row.fix_url == f"/patients/{clinic.patient.pk}/cases/{clinic.case.pk}/plan/"
        assert row.fix_text == "Review the plan (KX)"
    assert counts["kx"] == sum(1 for p, _ in expected if p == KX)
    assert counts["targeted_review"] == sum(1 for p, _ in expected if p == REVIEW)


def test_the_kx_row_names_the_year_and_amount(billing):  # noqa: F811
    _billed(billing, "2612.50")
    rows, _ = compliance(read_filters({}, billing.clinic.owner, TODAY))
    (kx,) = [r for r in rows if r.problem == KX]
    amount = find_threshold_row("kx", TODAY.year)
    assert amount is not None
    assert kx.detail == (
        f"PT and SLP therapy is billed $2,612.50 this year, past the {TODAY.year} KX "
        f"threshold of ${amount.amount:,.2f}: its lines need KX."
    )


def test_the_page_shows_every_kind_with_its_link(billing, login):  # noqa: F811
    _billed(billing, "3100.00")
    page = login(billing.clinic.owner).get("/reports/compliance/").content.decode()
    for label in PROBLEMS.values():
        assert label in page
    assert "Review the plan (KX)" in page
    assert f"/patients/{billing.clinic.patient.pk}/cases/{billing.clinic.case.pk}/plan/" in page


def test_the_compliance_page_reads_in_a_fixed_number_of_queries_whatever_the_rows(
    billing,  # noqa: F811
    login,
    django_assert_max_num_queries,
):
    """More problems of every kind add rows, never queries (ADR 0802)."""
    clinic = billing.clinic
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    # given: one of each kind to begin with, so each kind's queries are in the first count:
    # past KX and review, a booked visit, a progress report due (nine more treatment days
    # signed), a note unsigned, an authorization ending
    _billed(billing, "3100.00")
    _book(billing, 1)
    for days in range(4, 14):
        _note(clinical, clinic.case, clinic.therapist, clinic.location,
              TODAY - dt.timedelta(days=days), sign=days != 13)  # fmt: skip
    Referral.objects.filter(case=clinic.case).update(expires_on=TODAY + dt.timedelta(days=3))
    PlanOfCare.objects.filter(pk=clinic.plan.pk).update(
        certified_through=TODAY - dt.timedelta(days=1)
    )
    client = login(clinic.owner)
    with CaptureQueriesContext(connection) as before:
        first = client.get("/reports/compliance/").content.decode()
    counted = compliance(read_filters({}, clinic.owner, TODAY))[1]
    assert all(counted[kind] for kind in PROBLEMS if kind != "referral"), counted
    # when: three more patients, each with an unsigned note and an authorization ending, and
    # more booked visits
    for name in ("Ada", "Bo", "Cy"):
        _, case = _patient(desk, name, "Growth")
        _note(clinical, case, clinic.therapist, clinic.location,
              TODAY - dt.timedelta(days=4), sign=False)  # fmt: skip
    Referral.objects.filter(case__patient__organisation=clinic.organisation).update(
        expires_on=TODAY + dt.timedelta(days=3)
    )
    for days in (2, 4, 6):
        _book(billing, days)
    with django_assert_max_num_queries(len(before.captured_queries)):
        second = client.get("/reports/compliance/").content.decode()
    assert second.count("Finish and sign the note") == first.count("Finish and sign the note") + 3
    assert second.count("Growth, ") > first.count("Growth, ")


def test_each_problem_lists_its_first_rows_and_counts_them_all(billing, monkeypatch):  # noqa: F811
    """Past ROW_LIMIT a problem's list stops, its count does not: the list is read with a
    limit and the count is a window over the whole result (ADR 0860)."""
    clinic = billing.clinic
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    for name in ("Ada", "Bo"):
        _, case = _patient(desk, name, "Growth")
        _note(clinical, case, clinic.therapist, clinic.location,
              TODAY - dt.timedelta(days=4), sign=False)  # fmt: skip
    whole = compliance(read_filters({}, clinic.owner, TODAY))
    monkeypatch.setattr("cleannote.apps.reports.compliance.ROW_LIMIT", 1)
    rows, counts = compliance(read_filters({}, clinic.owner, TODAY))
    assert counts == whole[1]
    assert counts["unsigned"] >= 2
    for kind, label in PROBLEMS.items():
        listed = [r for r in rows if r.problem == label]
        assert len(listed) == min(1, counts[kind]), kind
        assert listed == [r for r in whole[0] if r.problem == label][:1]
