"""The home page and the chart cost the same number of queries however many rows they show."""

import datetime as dt

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_start_note
from cleannote.apps.patients.actions import do_add_referral, do_create_plan_of_care
from cleannote.apps.patients.models import Goal, PlanOfCare, Referral
from tests.personas import TODAY, VALID_NPIS

pytestmark = pytest.mark.django_db

HOME_QUERIES = 12
# +5 since ADR 0830: the chart's audit row is chained by a task, run in-process here (no
# REDIS_URL) after the row is appended; a worker does that with Redis.
# +1 since ADR 0970: the home programs of every case the chart shows, read at once.
CHART_QUERIES = 24


def _more_rows(clinic, count):
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    for offset in range(count):
        note = do_start_note(
            actor,
            case=clinic.case,
            therapist=clinic.therapist,
            location=clinic.location,
            date_of_service=TODAY - dt.timedelta(days=3 + offset),
        )
        do_add_treatment_block(actor, note, code="97140", minutes=10)
        do_add_referral(
            actor,
            clinic.case,
            Referral(
                provider_first_name="A",
                provider_last_name="B",
                provider_npi=VALID_NPIS[0],
                referral_date=TODAY - dt.timedelta(days=30 + offset),
                authorized_visits=6,
            ),
        )
        do_create_plan_of_care(
            actor,
            clinic.case,
            PlanOfCare(
                diagnoses=["M54.50"],
                frequency_per_week=2,
                duration_weeks=4,
                start_date=TODAY - dt.timedelta(days=60 + offset),
                certified_through=TODAY - dt.timedelta(days=31),
            ),
            goals=[Goal(text="Goal", kind="impairment")],
        )


@pytest.mark.parametrize("extra_rows", [0, 6], ids=["few-rows", "many-rows"])
def test_home_page_query_budget(clinic, login, django_assert_max_num_queries, extra_rows):
    _more_rows(clinic, extra_rows)
    client = login(clinic.therapist)
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert response.status_code == 200


@pytest.mark.parametrize("extra_rows", [0, 6], ids=["few-rows", "many-rows"])
def test_chart_query_budget(clinic, login, django_assert_max_num_queries, extra_rows):
    _more_rows(clinic, extra_rows)
    client = login(clinic.therapist)
    with django_assert_max_num_queries(CHART_QUERIES):
        response = client.get(f"/patients/{clinic.patient.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/notes/') == 2 + extra_rows
