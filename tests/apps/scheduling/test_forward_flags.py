"""The forward compliance view in the shell (scheduling/forward_flags.py, ADR 0620): chart
facts read in bulk, flags on the day list and the Needs attention page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.models import Claim
from cleannote.apps.notes.actions import do_start_note
from cleannote.apps.patients.models import AuthorizedCodeGroup, Case, Coverage
from cleannote.apps.scheduling import forward_flags
from cleannote.apps.scheduling.actions import (
    do_book_appointment,
    do_create_appointment_type,
)
from cleannote.apps.scheduling.forward_flags import flags_for
from cleannote.apps.scheduling.models import Appointment
from cleannote.rules.note_types import NoteType
from tests.personas import TODAY, Clinic, _note, _patient


def _book(
    clinic: Clinic, patient, offsets, hour: int = 9, appointment_type=None
) -> list[Appointment]:
    actor = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    zone = timezone.get_current_timezone()
    booked = []
    for offset in offsets:
        start = dt.datetime.combine(TODAY + dt.timedelta(days=offset), dt.time(hour), tzinfo=zone)
        booked.append(
            do_book_appointment(
                actor,
                patient=patient,
                staff=clinic.therapist,
                location=clinic.location,
                start=start,
                end=start + dt.timedelta(minutes=45),
                appointment_type=appointment_type,
            )
        )
    return booked


def _kinds(clinic: Clinic, appointments: list[Appointment]) -> dict[int, list[str]]:
    flags = flags_for(clinic.organisation, appointments, TODAY)
    return {
        offset: [f.kind.value for f in flags.get(a.pk, ())]
        for offset, a in enumerate(appointments)
        if flags.get(a.pk)
    }


def test_the_hooks_are_answered_by_the_apps_above():
    assert forward_flags.case_treatment_days.registered
    assert forward_flags.therapy_billing.registered
    assert forward_flags.authorization_units.registered


def test_the_tenth_treatment_day_and_the_plans_end(clinic):
    # Pat (Medicare) has one signed visit (treatment day 1); the plan ends TODAY + 7 and the
    # referral allows 12 visits. Ten visits booked daily from today: the 9th is treatment day 10.
    booked = _book(clinic, clinic.patient, range(10))
    assert _kinds(clinic, booked) == {
        8: ["progress-report", "plan-ended"],
        9: ["plan-ended"],
    }


def test_a_drafted_progress_report_plans_it(clinic):
    booked = _book(clinic, clinic.patient, range(9))
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    do_start_note(
        clinical,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY + dt.timedelta(days=8),
        note_type=NoteType.PROGRESS_REPORT,
    )
    assert "progress-report" not in _kinds(clinic, booked).get(8, [])


def test_a_progress_report_type_on_the_tenth_day_plans_the_report(clinic):
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    follow_up, report = (
        do_create_appointment_type(owner, name=name, discipline="PT", default_minutes=45)
        for name in ("Follow-up", "Progress report")
    )
    follow_ups = _book(clinic, clinic.patient, range(8), appointment_type=follow_up)
    (planned,) = _book(clinic, clinic.patient, [8], appointment_type=report)
    assert _kinds(clinic, [*follow_ups, planned]) == {8: ["plan-ended"]}


def test_authorized_visits_run_out(clinic):
    clinic.case.referrals.update(authorized_visits=3)
    booked = _book(clinic, clinic.patient, range(3))
    # 1 signed visit + 3 booked: the 3rd booked is visit 4 of 3.
    assert _kinds(clinic, booked) == {2: ["authorization-visits"]}


def test_authorized_units_run_out_at_the_units_recent_visits_billed(clinic):
    # given Pat's referral allows 6 units of 97110 and the one signed visit billed 23 minutes
    # of it (2 units, CMS): 2 used, 2 expected a visit
    referral = clinic.case.referrals.get()
    AuthorizedCodeGroup.objects.create(referral=referral, codes=["97110"], units=6)
    AuthorizedCodeGroup.objects.create(referral=referral, codes=["97140"], visits=10)
    # when three visits are booked
    booked = _book(clinic, clinic.patient, range(3))
    flags = flags_for(clinic.organisation, booked, TODAY)
    # then the 3rd (2 + 3 x 2 = 8 units) is flagged, saying how the units were estimated
    assert _kinds(clinic, booked) == {2: ["authorization-units"]}
    (flag,) = flags[booked[2].pk]
    assert flag.message == (
        "About 8 of 6 authorized units of 97110: 2 used, and a visit is expected to bill 2 "
        "(the median of the last 1 signed visit)."
    )
    # and its fix is the case's referrals screen
    row = forward_flags.attention_groups(booked, flags)[0].rows[0]
    assert row.fix.text == "Request authorization"
    assert f"/cases/{clinic.case.pk}/" in row.fix.url


def test_a_draft_and_a_visit_outside_the_referral_do_not_count_units(clinic):
    # the fixture's draft (97110, 2 units) is not counted; a referral dated after the signed
    # visit counts none of it, so there is no history and no forecast
    clinic.case.referrals.update(referral_date=TODAY - dt.timedelta(days=1))
    referral = clinic.case.referrals.get()
    AuthorizedCodeGroup.objects.create(referral=referral, codes=["97110"], units=1)
    booked = _book(clinic, clinic.patient, range(3))
    assert _kinds(clinic, booked) == {}


def test_a_pip_limit_on_an_auto_case(clinic, billing_claims):
    case = clinic.case
    pip = Coverage.objects.create(
        patient=clinic.patient,
        priority="primary",
        payer_name="Acme Auto",
        payer_id="ACME",
        kind="auto_pip",
        member_id="POL-1",
        active_from=dt.date(2025, 1, 1),
    )
    Case.objects.filter(pk=case.pk).update(
        coverage=pip, pip_medpay_limit=Decimal("300.00"), accident_kind="auto"
    )
    # The claim was billed to the auto carrier: its charge draws the limit (ADR 0770).
    Claim.objects.filter(pk=billing_claims.pk).update(
        coverage=pip, payer_id="ACME", payer_kind="auto_pip"
    )
    booked = _book(clinic, clinic.patient, range(3))
    flags = flags_for(clinic.organisation, booked, TODAY)
    # One claim of $190 billed: $110 left, the first booked visit ($190) exhausts it.
    assert [f.kind.value for f in flags[booked[0].pk]] == ["pip-limit"]
    assert "$110.00 left of the $300.00" in flags[booked[0].pk][0].message


@pytest.fixture
def billing_claims(billing):
    """The claims app's Riverside billing (conftest.py): one claim of $190 on the case."""
    from cleannote.apps.claims.actions import do_create_claim_from_note

    return do_create_claim_from_note(billing.actor, billing.note)


def test_the_number_of_queries_does_not_grow_with_the_appointments(clinic):
    actor = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    referral = clinic.case.referrals.get()
    AuthorizedCodeGroup.objects.create(referral=referral, codes=["97110"], units=6)
    few = _book(clinic, clinic.patient, range(3))
    with CaptureQueriesContext(connection) as small:
        flags_for(clinic.organisation, few, TODAY)
    many = list(few)
    for n in range(4):
        patient, case = _patient(actor, f"Pat{n}", "More")
        AuthorizedCodeGroup.objects.create(referral=case.referrals.get(), units=10)
        many += _book(clinic, patient, range(5), hour=10 + n)
    with CaptureQueriesContext(connection) as large:
        flags_for(clinic.organisation, many, TODAY)
    assert len(large) == len(small)


def test_history_is_not_flagged(clinic):
    booked = _book(clinic, clinic.patient, range(10))
    later = TODAY + dt.timedelta(days=30)
    assert flags_for(clinic.organisation, booked, later) == {}


def _six_treatment_days(clinic: Clinic) -> None:
    """Five more signed visits before today: with the fixture's one, treatment day 6."""
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    for days_ago in range(3, 8):
        _note(
            clinical,
            clinic.case,
            clinic.therapist,
            clinic.location,
            TODAY - dt.timedelta(days=days_ago),
            sign=True,
        )


def test_needs_attention_lists_each_flag_with_its_fix(clinic, login):
    _six_treatment_days(clinic)
    # Treatment day 10 is the 4th booked, 3 days out; the list runs to the end of next week,
    # at least 7 days ahead whatever today's weekday.
    booked = _book(clinic, clinic.patient, range(5))
    response = login(clinic.front_desk).get(reverse("scheduling:attention"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Progress report due" in page
    plan_url = reverse("patients:plan", args=[clinic.patient.pk, clinic.case.pk])
    assert plan_url in page
    assert f'data-appointment="{booked[3].pk}" data-flag="progress-report"' in page
    assert "Treatment day 10" in page
    event = AuditEvent.objects.filter(object_type="attention_list").get()
    assert clinic.patient.pk in event.shown_patient_ids()


def test_the_day_list_shows_the_flags(clinic, login):
    _book(clinic, clinic.patient, range(10))
    day = (TODAY + dt.timedelta(days=8)).isoformat()
    page = login(clinic.front_desk).get(reverse("scheduling:day") + f"?day={day}")
    assert 'data-flag="progress-report"' in page.content.decode()


def test_the_case_form_takes_a_pip_limit(clinic, login):
    url = reverse("patients:edit_case", args=[clinic.patient.pk, clinic.case.pk])
    client = login(clinic.owner)
    form = client.get(url)
    assert 'name="pip_medpay_limit"' in form.content.decode()


def _report_setup(clinic: Clinic) -> tuple[list[Appointment], object]:
    """Treatment day 10 is the 4th of five booked follow-ups; a "Progress report" type exists."""
    _six_treatment_days(clinic)
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    follow_up, report = (
        do_create_appointment_type(owner, name=name, discipline="PT", default_minutes=45)
        for name in ("Follow-up", "Progress report")
    )
    return _book(clinic, clinic.patient, range(5), appointment_type=follow_up), report


def test_planning_the_report_from_needs_attention_clears_the_flag(clinic, login):
    booked, report = _report_setup(clinic)
    client = login(clinic.front_desk)
    page = client.get(reverse("scheduling:attention")).content.decode()
    action = reverse("scheduling:plan_report", args=[booked[3].pk])
    assert f'action="{action}"' in page
    response = client.post(action, {"appointment_type": report.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("scheduling:attention")
    page = response.content.decode()
    assert "The visit is now a progress report." in page
    assert 'data-flag="progress-report"' not in page
    booked[3].refresh_from_db()
    assert booked[3].appointment_type == report
    assert AuditEvent.objects.filter(
        object_type="appointment", object_id=str(booked[3].pk), reason__contains="Progress report"
    ).exists()


@pytest.mark.parametrize(
    ("form", "said"),
    [
        ({}, "appointment type: choose the type that books the report"),
        ({"appointment_type": "999999"}, "appointment type: choose the type that books the report"),
    ],
)
def test_planning_the_report_refuses_clearly(clinic, login, form, said):
    booked, _report = _report_setup(clinic)
    response = login(clinic.front_desk).post(
        reverse("scheduling:plan_report", args=[booked[3].pk]), form, follow=True
    )
    assert said in response.content.decode()
    booked[3].refresh_from_db()
    assert booked[3].appointment_type.name == "Follow-up"


def test_a_type_of_another_discipline_is_refused(clinic, login):
    booked, _report = _report_setup(clinic)
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    ot_report = do_create_appointment_type(
        owner, name="OT progress report", discipline="OT", default_minutes=45
    )
    response = login(clinic.front_desk).post(
        reverse("scheduling:plan_report", args=[booked[3].pk]),
        {"appointment_type": ot_report.pk},
        follow=True,
    )
    assert (
        "clinician Theo Demo, PT: gives physical therapy, and OT progress report is "
        "occupational therapy"
    ) in response.content.decode()


def test_a_biller_may_not_plan_it(clinic, login):
    booked, report = _report_setup(clinic)
    response = login(clinic.biller).post(
        reverse("scheduling:plan_report", args=[booked[3].pk]), {"appointment_type": report.pk}
    )
    assert response.status_code == 403


def test_the_calendar_cards_and_the_therapists_day_show_the_flags(clinic, login):
    _six_treatment_days(clinic)
    booked = _book(clinic, clinic.patient, range(5))
    day = (TODAY + dt.timedelta(days=3)).isoformat()
    for url in (
        reverse("scheduling:day") + f"?day={day}",
        reverse("scheduling:week") + f"?day={day}",
    ):
        response = login(clinic.front_desk).get(url)
        assert response.status_code == 200, (url, response.status_code)
        page = response.content.decode()
        card = page[page.index(f'id="card-{booked[3].pk}"') :]
        assert 'data-flag="progress-report"' in card[: card.index("</div>")], url
    # The therapist's own day (the home page loads it): today's visit has no flag.
    mine = login(clinic.therapist).get(reverse("scheduling:my_day"))
    assert mine.status_code == 200
    assert f'id="my-appointment-{booked[0].pk}"' in mine.content.decode()


def test_the_appointment_page_shows_its_flag(clinic, login):
    _six_treatment_days(clinic)
    booked = _book(clinic, clinic.patient, range(5))
    page = login(clinic.front_desk).get(reverse("scheduling:appointment", args=[booked[3].pk]))
    assert 'data-flag="progress-report"' in page.content.decode()


def test_the_appointment_page_lists_each_flag_in_full_with_its_fix(clinic, login):
    # given the 4th booked visit reaches treatment day 10 (no hover on a tablet: the text must
    # be on the page, not only in a tooltip)
    _six_treatment_days(clinic)
    booked = _book(clinic, clinic.patient, range(5))
    page = login(clinic.front_desk).get(reverse("scheduling:appointment", args=[booked[3].pk]))
    html = page.content.decode()
    # then its flags section names the flag, says it in full and links to the fix
    section = html[html.index('id="flags"') : html.index("</section>", html.index('id="flags"'))]
    assert 'data-flag-row="progress-report"' in section
    assert "Treatment day 10: a progress report is due every 10 treatment days" in section
    plan = reverse("patients:plan", args=[clinic.patient.pk, clinic.case.pk])
    assert f'href="{plan}"' in section
    assert "Plan the progress report" in section


def test_a_flag_badge_opens_the_appointments_flags(clinic, login):
    _six_treatment_days(clinic)
    booked = _book(clinic, clinic.patient, range(5))
    day = (TODAY + dt.timedelta(days=3)).isoformat()
    target = reverse("scheduling:appointment", args=[booked[3].pk]) + "#flags"
    client = login(clinic.front_desk)
    # on the calendar grids the badge is a link out of the Tab order (arrows and F move there)
    for url in (
        reverse("scheduling:day") + f"?day={day}",
        reverse("scheduling:week") + f"?day={day}",
    ):
        html = client.get(url).content.decode()
        card = html[html.index(f'id="card-{booked[3].pk}"') :]
        card = card[: card.index("</div>")]
        badge = re.search(r'<a class="badge[^>]*data-flag="progress-report"[^>]*>', card)[0]
        assert f'href="{target}"' in badge, url
        assert 'tabindex="-1"' in badge, url
        assert 'aria-label="Progress report due: Treatment day 10' in badge, url
    # in the day's list it is an ordinary link, reached by Tab
    html = client.get(reverse("scheduling:day") + f"?day={day}").content.decode()
    row = html[html.index(f'id="appointment-{booked[3].pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'href="{target}"' in row
    assert "tabindex" not in row[row.index('data-flag="progress-report"') - 200 :]
