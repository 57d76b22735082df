"""The reports' figures against worked examples: small clinics built through the apps'
actions, every expected value computed by hand in the comment above it (ADR 0800, 0801)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.models import FeeScheduleEntry
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.organisations.models import Staff
from cleannote.apps.reports import financial, modifier59, productivity
from cleannote.apps.reports.scope import read_filters
from cleannote.apps.scheduling.actions import (
    do_add_working_hours,
    do_book_appointment,
    do_cancel_appointment,
    do_check_out,
    do_mark_arrived,
    do_mark_no_show,
)
from tests.apps.claims.conftest import billing  # noqa: F401  (the fixture)
from tests.personas import TODAY, _note


def _owner_filters(clinic, **params):
    return read_filters(params, clinic.owner, TODAY)


def _row(rows, key):
    return next(r for r in rows if r.key == key)


def test_productivity_per_clinician_worked_example(clinic):
    # given: Theo has a note signed two days after its visit (the fixture's, TODAY-2) and one
    # signed on the day (TODAY); drafts dated TODAY-1 (the fixture's) and TODAY-5
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    _note(clinical, clinic.case, clinic.therapist, clinic.location, TODAY, sign=True)
    _note(
        clinical,
        clinic.case,
        clinic.therapist,
        clinic.location,
        TODAY - dt.timedelta(days=5),
        sign=False,
    )
    # four appointments three days ago: two checked out, one cancelled, one no-show
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    zone = timezone.get_current_timezone()
    day = TODAY - dt.timedelta(days=3)
    booked = [
        do_book_appointment(
            desk,
            patient=clinic.patient,
            staff=clinic.therapist,
            location=clinic.location,
            start=dt.datetime.combine(day, dt.time(9 + i), tzinfo=zone),
            end=dt.datetime.combine(day, dt.time(9 + i, 45), tzinfo=zone),
            override_hours=True,
        )
        for i in range(4)
    ]
    for appointment in booked[:2]:
        do_mark_arrived(desk, appointment)
        do_check_out(desk, appointment=appointment)
    do_cancel_appointment(desk, appointment=booked[2], reason="patient")
    do_mark_no_show(desk, appointment=booked[3])
    # 20 hours a week on the schedule: four hours Monday to Friday
    for weekday in range(5):
        do_add_working_hours(
            desk, staff=clinic.therapist, weekday=weekday, start=dt.time(8), end=dt.time(12)
        )

    # when
    rows = productivity.productivity(_owner_filters(clinic), "clinician")

    # then
    theo = _row(rows, clinic.therapist.pk).figures
    assert theo["visits"] == 2
    assert theo["days_worked"] == 2
    assert theo["visits_per_day"] == Decimal("1.00")  # 2 visits / 2 days
    assert theo["fte"] == Decimal("0.50")  # 20 h / 40 h
    assert theo["visits_per_fte_week"] == Decimal("1.00")  # 2 / (0.5 FTE x 28/7 weeks)
    assert theo["units_per_visit"] is None  # nothing billed yet: no data, not zero
    assert theo["cancellation_rate"] == Decimal("25.0")  # 1 of 4 booked
    assert theo["no_show_rate"] == Decimal("25.0")  # 1 of 4
    assert theo["arrived_to_booked"] == Decimal("50.0")  # 2 of 4
    assert theo["signed_same_day"] == Decimal("50.0")  # 1 of 2 visits
    assert theo["signed_within_24h"] == Decimal("50.0")  # the TODAY-2 note was signed late
    assert theo["unsigned_24h"] == 1  # TODAY-5; TODAY-1 has not been a full day yet
    assert theo["unsigned_72h"] == 1
    assert [r.key for r in rows] == [clinic.therapist.pk]


def test_productivity_units_from_the_primary_claim(billing):  # noqa: F811
    # given: the billed note has 38 minutes of 97110 and 10 of 97140: 48 timed minutes are
    # 3 units by the 8-minute rule (97110 x2, 97140 x1)
    claim = do_create_claim_from_note(billing.actor, billing.note)
    assert sum(line.units for line in claim.lines.all()) == 3
    # when
    rows = productivity.productivity(_owner_filters(billing.clinic), "location")
    # then: the location's 2 signed visits (the fixture's and the billed one), 1 billed
    row = _row(rows, billing.clinic.location.pk).figures
    assert row["visits"] == 2
    assert row["units_per_visit"] == Decimal("3.00")
    assert row["timed_units_per_visit"] == Decimal("3.00")


def test_a_payer_filter_keeps_the_visits_billed_to_it(billing):  # noqa: F811
    do_create_claim_from_note(billing.actor, billing.note)
    clinic = billing.clinic
    rows = productivity.productivity(_owner_filters(clinic, payer="MCR"), "clinician")
    assert _row(rows, clinic.therapist.pk).figures["visits"] == 1
    assert productivity.productivity(_owner_filters(clinic, payer="NOBODY"), "clinician") == []


def _note_with(clinic, therapist: Staff, day, blocks):
    clinical = Actor(user=therapist.user, organisation=clinic.organisation)
    note = do_start_note(
        clinical, case=clinic.case, therapist=therapist, location=clinic.location,
        date_of_service=day,
    )  # fmt: skip
    goal = clinic.plan.goals.get()
    for code, minutes, region in blocks:
        do_add_treatment_block(
            clinical, note, code=code, minutes=minutes, body_regions=[region], goals=[goal],
            justification="restore lifting for work",
        )  # fmt: skip
    return do_sign_note(clinical, note, therapist)


def test_modifier_59_shares_against_the_rest_of_the_clinic(billing):  # noqa: F811
    # given: Theo bills 97530 (lumbar) with 97140 (cervical), which NCCI pairs (97140 in
    # column one), so 97530 carries an X modifier for the distinct region; and the fixture's
    # 97110 + 97140 without one. Olive bills 97110 + 97140 once.
    clinic = billing.clinic
    FeeScheduleEntry.objects.create(
        schedule=billing.schedule, code="97530", amount=Decimal("70.00")
    )
    paired = _note_with(
        clinic, clinic.therapist, TODAY - dt.timedelta(days=4),
        [("97530", 30, "lumbar"), ("97140", 15, "cervical")],
    )  # fmt: skip
    claims = [do_create_claim_from_note(billing.actor, n) for n in (paired, billing.note)]
    olive_note = _note_with(
        clinic, clinic.owner, TODAY - dt.timedelta(days=6),
        [("97110", 38, "lumbar"), ("97140", 10, "lumbar")],
    )  # fmt: skip
    claims.append(do_create_claim_from_note(billing.actor, olive_note))
    modifiers = {line.code: line.modifiers for line in claims[0].lines.all()}
    assert {"XS", "59"} & set(modifiers["97530"])

    # when
    rows = {r.clinician_id: r for r in modifier59.modifier_59(_owner_filters(clinic))}

    # then: Theo 1 of 2 claims, 1 of 4 lines; the rest (Olive) 0 of 2 lines
    theo = rows[clinic.therapist.pk].figures
    assert theo["claims_59_share"] == Decimal("50.0")
    assert theo["lines_59_share"] == Decimal("25.0")
    assert theo["rest_lines_59_share"] == Decimal("0.0")
    olive = rows[clinic.owner.pk].figures
    assert olive["lines_59_share"] == Decimal("0.0")
    assert olive["rest_lines_59_share"] == Decimal("25.0")  # Theo's 1 of 4
    assert not rows[clinic.therapist.pk].finding  # 4 lines is too few for a finding
    pairs = modifier59.code_pairs_59(_owner_filters(clinic))
    assert [(p["column_one"], p["column_two"], p["lines"]) for p in pairs] == [
        ("97140", "97530", 1)
    ]
    # a clinician's own view keeps the comparison with the whole clinic
    own = modifier59.modifier_59(read_filters({}, clinic.therapist, TODAY))
    assert {r.clinician_id for r in own} == {clinic.therapist.pk}
    assert own[0].figures["rest_lines_59_share"] == Decimal("0.0")


@pytest.mark.parametrize(
    ("case", "lines", "share", "rest", "flagged"),
    [
        ("far above", 40, Decimal("45.0"), Decimal("10.0"), True),
        ("too few lines", 19, Decimal("80.0"), Decimal("5.0"), False),
        ("above but within the margin", 40, Decimal("18.0"), Decimal("8.5"), False),
        ("margin but not twice", 40, Decimal("45.0"), Decimal("30.0"), False),
        ("nobody else uses it", 25, Decimal("12.0"), None, True),
        ("no lines", 0, None, Decimal("10.0"), False),
    ],
)
def test_the_59_finding_rule(case, lines, share, rest, flagged):
    from cleannote.rules.reporting import is_outlier

    assert is_outlier(lines, share, rest) is flagged, case


def test_financial_per_payer_worked_example(billing):  # noqa: F811
    from cleannote.apps.claims.actions import do_build_batch, do_mark_ready
    from tests.apps.claims.conftest import adjudicated_claim, another_claim

    # given: a claim of $190 (97110 x2 at $65, 97140 at $60) paid $100 + $40, the rest a CO-45
    # contractual adjustment ($30 + $20); and a second $190 claim sent and not yet answered
    paid = adjudicated_claim(billing, ("100.00", "40.00"))
    waiting = another_claim(billing, 5)
    do_mark_ready(billing.actor, waiting)
    do_build_batch(billing.actor, [waiting.pk])

    # when
    (row,) = financial.financial(_owner_filters(billing.clinic))

    # then
    figures = row.figures
    assert paid.total_charge == Decimal("190.00")
    assert figures["claims"] == 2
    assert figures["charges"] == Decimal("380.00")
    assert figures["payments"] == Decimal("140.00")
    assert figures["contractual_adjustments"] == Decimal("50.00")
    assert figures["net_collection_rate"] == Decimal("100.0")  # 140 / (190 - 50)
    assert figures["ar_balance"] == Decimal("190.00")  # the waiting claim
    assert figures["ar_over_90"] == Decimal("0.00")
    assert figures["days_in_ar"] == Decimal("14.0")  # 190 / (380 / 28 days)
    assert figures["first_pass_rate"] == Decimal("100.0")  # both sent, neither rejected
    assert figures["denial_rate"] == Decimal("0.0")  # 0 of 1 answered
    assert figures["paid_per_visit"] == Decimal("140.00")


def test_compliance_rows_link_to_the_screen_that_fixes_them(clinic):
    from cleannote.apps.patients.models import PlanOfCare, Referral
    from cleannote.apps.reports.compliance import compliance

    # given: Pat's plan lapsed yesterday, the referral ends in three days, and a note of three
    # days ago is still a draft (the fixture's draft of yesterday is not a day old yet)
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    stale = _note(
        clinical,
        clinic.case,
        clinic.therapist,
        clinic.location,
        TODAY - dt.timedelta(days=3),
        sign=False,
    )
    PlanOfCare.objects.filter(pk=clinic.plan.pk).update(
        certified_through=TODAY - dt.timedelta(days=1)
    )
    Referral.objects.filter(case=clinic.case).update(expires_on=TODAY + dt.timedelta(days=3))

    # when
    rows, counts = compliance(_owner_filters(clinic))

    # then
    assert counts == {
        "progress": 0,
        "certification": 1,
        "unsigned": 1,
        "authorization": 1,
        "kx": 0,
        "targeted_review": 0,
        "referral": 0,
    }
    by_problem = {r.problem.split(" ")[0]: r for r in rows}
    assert by_problem["Note"].fix_url == f"/notes/{stale.pk}/edit/"
    assert by_problem["Plan"].location == clinic.location.name
    assert by_problem["Plan"].clinician == clinic.therapist.display_name
    assert f"/patients/{clinic.patient.pk}/" in by_problem["Plan"].fix_url
    # 12 authorized, 1 signed visit since the referral: 11 left, ending by date
    assert by_problem["Authorization"].detail == (
        f"valid through {(TODAY + dt.timedelta(days=3)).isoformat()}; 11 visits left"
    )
    # a clinician's own view: the same rows, since Pat is Theo's
    _, own_counts = compliance(read_filters({}, clinic.therapist, TODAY))
    assert own_counts == counts
    assert compliance(read_filters({}, clinic.assistant, TODAY))[1]["certification"] == 0
