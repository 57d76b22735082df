"""Eligibility for tomorrow (ADR 0633): the next clinic day's batched 270, carriers that do
not answer skipped with a note, fresh answers not asked again, the nightly command, the
schedule's button and the answer on each appointment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cleannote.apps.eligibility.actions import (
    FRESH_DAYS,
    do_check_day,
    do_record_271,
    next_clinic_day,
)
from cleannote.apps.eligibility.models import CheckStatus, EligibilityCheck, EligibilityFile
from cleannote.apps.eligibility.tasks import check_next_clinic_day
from cleannote.apps.patients.actions import do_register_patient
from cleannote.apps.patients.models import Coverage, Patient
from cleannote.apps.scheduling.coverage_badges import coverage_badges
from tests.apps.eligibility.test_eligibility import actor_for, book
from tests.apps.x12_files import eligibility_271

FRIDAY = dt.date(2026, 12, 4)
MONDAY = dt.date(2026, 12, 7)
# The payer lists chiropractic before physical therapy (the answer that showed a PT patient
# the chiropractic limit); the PT limit sits in HSD.
CHIRO_FIRST = [
    "EB*1*IND*30**GOLD PLAN",
    "EB*F*IND*33***23***VS*12",
    "EB*B*IND*33****15*****Y",
    "EB*F*IND*PT",
    "HSD*VS*30***22",
    "HSD*VS*21***29",
    "EB*B*IND*PT****40*****Y",
    "EB*1*IND*PT********Y",
]


@pytest.fixture
def _outbox(settings, tmp_path):
    settings.CLEANNOTE_OUTBOX_DIR = tmp_path / "outbox"


def patient_with(clinic, last: str, *coverages: Coverage) -> Patient:
    actor = actor_for(clinic.front_desk)
    patient = do_register_patient(
        actor,
        patient=Patient(first_name="Sam", last_name=last, birth_date=dt.date(1980, 2, 3), sex="M"),
        coverage=coverages[0],
    )
    for coverage in coverages[1:]:
        coverage.patient = patient
        coverage.save()
    return patient


def coverage(kind: str, payer: str, payer_id: str, priority: str = "primary") -> Coverage:
    return Coverage(
        priority=priority,
        payer_name=payer,
        payer_id=payer_id,
        kind=kind,
        member_id=f"M{payer_id}",
        active_from=dt.date(2026, 1, 1),
    )


def book_for(clinic, patient: Patient, day: dt.date, hour: int):
    clinic.patient, saved = patient, clinic.patient
    try:
        return book(clinic, day, hour)
    finally:
        clinic.patient = saved


def answer(clinic, check: EligibilityCheck, benefits: list[str], *, at: dt.datetime | None = None):
    data = eligibility_271([(check.trace_number, benefits)])
    (answered,) = do_record_271(
        actor_for(clinic.front_desk), data, file_name=f"{check.pk}.271", at=at
    )
    return answered


def test_a_pt_visit_asks_pt_then_30_and_is_shown_the_pt_benefit(clinic):
    # given Pat booked with Theo (a PT) on Monday
    appointment = book(clinic, MONDAY, 9)
    # when the run asks and the payer answers chiropractic first
    run = do_check_day(actor_for(clinic.front_desk), MONDAY)
    (check,) = run.asked
    assert "EQ*PT~EQ*30~" in check.request_file.content.replace("\n", "")
    answered = answer(clinic, check, CHIRO_FIRST)
    # then the check is the PT benefit: HSD limits, the PT copay, authorization required
    assert (check.service_type, check.appointment_id) == ("PT", appointment.pk)
    assert (answered.visit_limit, answered.visits_remaining) == (30, 21)
    assert answered.copay == Decimal("40.00")
    assert answered.authorization_required is True


def test_an_auto_carrier_is_skipped_with_a_note_and_the_health_plan_asked(clinic):
    # given a patient whose auto PIP carrier pays first, with a commercial plan behind it
    injured = patient_with(
        clinic,
        "Crash",
        coverage("auto_pip", "STATE AUTO", "AUTO1"),
        coverage("commercial", "ACME HEALTH", "ACME1", "secondary"),
    )
    book_for(clinic, injured, MONDAY, 10)
    # when
    run = do_check_day(actor_for(clinic.front_desk), MONDAY)
    # then the auto carrier is a skipped check with its note and no 270
    (skipped,) = run.skipped
    assert skipped.status == CheckStatus.SKIPPED
    assert skipped.request_file is None
    assert skipped.trace_number is None
    assert "STATE AUTO" in skipped.warning
    assert "do not answer" in skipped.warning
    (asked,) = run.asked
    assert asked.coverage.payer_name == "ACME HEALTH"
    assert "AUTO1" not in asked.request_file.content


def test_one_270_for_the_day_each_payer_grouped_and_a_second_run_sends_nothing(clinic):
    # given Medicare, a commercial and another Medicare patient, booked in that order
    book(clinic, MONDAY, 8)
    other = patient_with(clinic, "Second", coverage("commercial", "ACME HEALTH", "ACME1"))
    third = patient_with(clinic, "Third", coverage("medicare", "Medicare", "MCR"))
    book_for(clinic, other, MONDAY, 9)
    book_for(clinic, third, MONDAY, 10)
    # when
    first = do_check_day(actor_for(clinic.front_desk), MONDAY)
    again = do_check_day(actor_for(clinic.front_desk), MONDAY)
    # then one file, one source loop per payer
    files = {c.request_file_id for c in first.asked}
    assert len(first.asked) == 3
    assert len(files) == 1
    content = first.asked[0].request_file.content
    assert content.count("~HL*") == 7  # two payers' source and receiver loops, three people
    assert [s.split("*")[3] for s in content.split("~") if s.strip().startswith("NM1*PR")] == [
        "ACME HEALTH",
        "MEDICARE",
    ]
    assert (again.asked, again.skipped) == ([], [])
    assert EligibilityFile.objects.filter(kind="270").count() == 1


@pytest.mark.parametrize(
    ("answered_days_before", "answered_for", "asked_again"),
    [
        pytest.param(1, MONDAY - dt.timedelta(days=4), False, id="answered-yesterday"),
        pytest.param(FRESH_DAYS, MONDAY - dt.timedelta(days=4), False, id="a-week-old"),
        pytest.param(FRESH_DAYS + 1, MONDAY - dt.timedelta(days=4), True, id="eight-days-old"),
        pytest.param(2, dt.date(2026, 11, 30), True, id="about-last-month"),
    ],
)
def test_a_fresh_active_answer_is_not_asked_again(
    clinic, answered_days_before, answered_for, asked_again
):
    # given an earlier PT answer for Pat
    earlier = book(clinic, answered_for, 9)
    (check,) = do_check_day(actor_for(clinic.front_desk), answered_for).asked
    assert check.appointment_id == earlier.pk
    when = timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(9)))
    answer(clinic, check, CHIRO_FIRST, at=when - dt.timedelta(days=answered_days_before))
    book(clinic, MONDAY, 9)
    # when
    run = do_check_day(actor_for(clinic.front_desk), MONDAY)
    # then
    assert bool(run.asked) is asked_again
    assert run.fresh == (0 if asked_again else 1)


@pytest.mark.parametrize(
    ("booked", "expected"),
    [
        pytest.param([MONDAY], MONDAY, id="friday-to-monday"),
        pytest.param([FRIDAY + dt.timedelta(days=1), MONDAY], FRIDAY + dt.timedelta(days=1),
                     id="saturday-clinic"),
        pytest.param([], FRIDAY + dt.timedelta(days=1), id="nothing-booked-tomorrow"),
        pytest.param([FRIDAY + dt.timedelta(days=9)], FRIDAY + dt.timedelta(days=1),
                     id="beyond-a-week"),
    ],
)  # fmt: skip
def test_the_next_clinic_day(clinic, booked, expected):
    for day in booked:
        book(clinic, day, 9)
    assert next_clinic_day(clinic.organisation, FRIDAY) == expected


@pytest.mark.usefixtures("_outbox")
def test_the_nightly_command_files_once_and_says_what_it_did(clinic, tmp_path):
    book(clinic, MONDAY, 9)
    out = StringIO()
    call_command("cleannote_eligibility_tomorrow", "--today", FRIDAY.isoformat(), stdout=out)
    call_command("cleannote_eligibility_tomorrow", "--today", FRIDAY.isoformat(), stdout=out)
    lines = out.getvalue().splitlines()
    mine = [line for line in lines if line.startswith(f"organisation {clinic.organisation.pk}:")]
    assert mine == [
        f"organisation {clinic.organisation.pk}: 2026-12-07: 1 asked, 0 carrier(s) skipped, "
        "0 still fresh",
        f"organisation {clinic.organisation.pk}: 2026-12-07: 0 asked, 0 carrier(s) skipped, "
        "0 still fresh",
    ]
    (request_file,) = EligibilityFile.objects.filter(kind="270")
    assert request_file.filed_at is not None
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == [request_file.file_name]


def test_the_command_refuses_a_bad_date_and_an_unknown_organisation(clinic):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="is not a date"):
        call_command("cleannote_eligibility_tomorrow", "--today", "2026-13-01")
    with pytest.raises(CommandError, match="no organisation with id 999999"):
        call_command("cleannote_eligibility_tomorrow", "--organisation", "999999")


@pytest.mark.usefixtures("_outbox")
def test_a_build_that_was_not_filed_is_filed_by_the_next_run(clinic):
    book(clinic, MONDAY, 9)
    (check,) = do_check_day(actor_for(clinic.front_desk), MONDAY).asked  # stopped before filing
    result = check_next_clinic_day(clinic.organisation.pk, FRIDAY.isoformat())
    assert result == {"day": "2026-12-07", "asked": [], "skipped": [], "fresh": 0}
    check.request_file.refresh_from_db()
    assert check.request_file.filed_at is not None


@pytest.mark.usefixtures("_outbox")
def test_the_schedule_button_runs_the_next_clinic_day_and_shows_the_answers(clinic, login):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    appointment = book(clinic, tomorrow, 9)
    client = login(clinic.front_desk)
    assert b"Check tomorrow's eligibility" in client.get("/schedule/").content
    response = client.post("/eligibility/tomorrow/", follow=True)
    assert response.redirect_chain[-1][0] == f"/schedule/?day={tomorrow.isoformat()}"
    assert b"Sent 1 eligibility request(s)" in response.content
    (check,) = EligibilityCheck.objects.all()
    answer(clinic, check, CHIRO_FIRST)
    page = client.get(f"/schedule/?day={tomorrow.isoformat()}").content.decode()
    row = page[page.index(f'id="appointment-{appointment.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Active coverage" in row
    assert "21 PT visits left" in row
    assert "copay $40.00" in row
    assert "auth required" in row
    assert f'href="/eligibility/{check.pk}/"' in row


@pytest.mark.parametrize(("persona", "status"), [("therapist", 403), ("biller", 302)])
def test_who_may_run_tomorrows_checks(clinic, login, persona, status, settings, tmp_path):
    settings.CLEANNOTE_OUTBOX_DIR = tmp_path
    response = login(getattr(clinic, persona)).post("/eligibility/tomorrow/")
    assert response.status_code == status


def test_badges_for_a_week_cost_one_query_whatever_the_number(clinic, django_assert_num_queries):
    # given Pat's appointments every day of a week, one asked about and one skipped carrier
    appointments = [book(clinic, MONDAY + dt.timedelta(days=d), 9) for d in range(5)]
    (check,) = do_check_day(actor_for(clinic.front_desk), MONDAY).asked
    answer(clinic, check, CHIRO_FIRST)
    pairs = [(a.pk, a.patient_id) for a in appointments]
    # when
    with django_assert_num_queries(1):
        badges = coverage_badges(clinic.organisation.pk, pairs)
    # then Monday's is its own answer, the others show it as the earlier answer
    assert badges[appointments[0].pk].for_this_visit is True
    assert badges[appointments[0].pk].visits_left == 21
    assert [badges[a.pk].for_this_visit for a in appointments[1:]] == [False] * 4


def test_the_chart_does_not_ask_an_auto_carrier_and_asks_a_pt_case_for_pt(
    clinic, login, settings, tmp_path
):
    settings.CLEANNOTE_OUTBOX_DIR = tmp_path
    injured = patient_with(clinic, "Crash", coverage("auto_pip", "STATE AUTO", "AUTO1"))
    client = login(clinic.front_desk)
    auto = injured.coverages.get()
    response = client.post(f"/eligibility/coverage/{auto.pk}/check/", follow=True)
    assert b"No eligibility request sent" in response.content
    assert not EligibilityCheck.objects.filter(coverage=auto).exists()
    # Pat's open case is PT: the chart's check asks PT, then 30
    pat = clinic.patient.coverages.get()
    client.post(f"/eligibility/coverage/{pat.pk}/check/")
    check = EligibilityCheck.objects.get(coverage=pat)
    assert check.service_type == "PT"
    assert "EQ*PT~EQ*30~" in check.request_file.content.replace("\n", "")


def test_the_week_and_day_grids_show_the_answer_on_each_card(clinic, login):
    # given Monday's answered check and Tuesday's visit of the same patient
    monday = book(clinic, MONDAY, 9)
    tuesday = book(clinic, MONDAY + dt.timedelta(days=1), 9)
    (check,) = do_check_day(actor_for(clinic.front_desk), MONDAY).asked
    answer(clinic, check, CHIRO_FIRST)
    client = login(clinic.front_desk)
    # when
    week = client.get("/schedule/week/", {"day": MONDAY.isoformat()}).content.decode()
    # then Monday's card carries its own answer and Tuesday's the earlier one
    for appointment, title in ((monday, "for this visit"), (tuesday, "newest")):
        card = week[week.index(f'id="card-{appointment.pk}"') :]
        card = card[: card.index("</div>")]
        assert "Active coverage" in card
        assert "21 PT visits left" in card
        assert "copay $40.00" in card
        assert title in card
        assert f'href="/eligibility/{check.pk}/"' in card


def test_a_coverage_the_writer_refuses_is_set_aside_and_the_others_still_go(clinic):
    # given a child's coverage without the subscriber's name, beside Pat's good one
    child = patient_with(clinic, "Young", coverage("commercial", "ACME HEALTH", "ACME1"))
    child.coverages.update(subscriber_relationship="child", subscriber_last_name="")
    book(clinic, MONDAY, 9)
    book_for(clinic, child, MONDAY, 10)
    # when
    run = do_check_day(actor_for(clinic.front_desk), MONDAY)
    # then Pat is asked and the child's check says why not, naming the element only
    assert [c.patient_id for c in run.asked] == [clinic.patient.pk]
    (refused,) = run.skipped
    assert refused.patient_id == child.pk
    assert refused.warning.startswith("Not asked: the request could not be written (2100C NM103")
    assert "Young" not in refused.warning
    # a second run refuses it again without a second note; fixed, it is asked
    assert do_check_day(actor_for(clinic.front_desk), MONDAY).skipped == []
    child.coverages.update(subscriber_last_name="Young", subscriber_first_name="Pat")
    (asked,) = do_check_day(actor_for(clinic.front_desk), MONDAY).asked
    assert asked.patient_id == child.pk


@pytest.mark.parametrize("page", ["/schedule/", "/schedule/week/", "/schedule/attention/"])
@pytest.mark.parametrize(("persona", "shown"), [("front_desk", True), ("therapist", False)])
def test_the_check_tomorrow_button_is_on_the_day_week_and_desk_lists(
    clinic, login, page, persona, shown
):
    """One include, one action (ADR 0633): the day view, the week view and the desk's
    needs-attention list all post to the same run; roles without the capability see none."""
    html = login(getattr(clinic, persona)).get(page).content.decode()
    assert ('action="/eligibility/tomorrow/"' in html) is shown
    assert ('id="check-tomorrow"' in html) is shown
