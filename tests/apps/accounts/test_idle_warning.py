"""The idle sign-out warning's server side (ADR 0591): every page and htmx answer says how long
the session has left, reading that is not activity, and "Stay signed in" restarts the timeout."""

import datetime as dt

import pytest
from django.utils import timezone

from cleannote.apps.accounts.middleware import LAST_SEEN_KEY, SECONDS_LEFT_HEADER

pytestmark = pytest.mark.django_db

FULL = 15 * 60  # CLEANNOTE_IDLE_TIMEOUT_MINUTES in the test settings


def _idle_for(client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = (timezone.now() - dt.timedelta(minutes=minutes)).isoformat()
    session.save()


def _mark(client) -> dt.datetime:
    return dt.datetime.fromisoformat(client.session[LAST_SEEN_KEY])


def test_a_page_carries_the_warning_dialog_counting_from_the_server(clinic, login):
    # given a therapist idle for ten minutes
    client = login(clinic.therapist)
    client.get("/")
    _idle_for(client, 10)

    # when the next page opens (that request is activity: the mark moves to now)
    response = client.get("/patients/")

    # then the dialog is there, hidden until the last two minutes, named and described
    page = response.content.decode()
    assert 'role="alertdialog"' in page
    assert 'aria-labelledby="idle-warning-title"' in page
    assert 'aria-describedby="idle-warning-text"' in page
    assert 'data-warn-seconds="120"' in page
    assert f'data-seconds-left="{FULL}"' in page or f'data-seconds-left="{FULL - 1}"' in page
    assert "signs you out after 15 minutes without activity" in page
    assert "idle_warning.js" in page
    assert int(response[SECONDS_LEFT_HEADER]) >= FULL - 1


def test_the_sign_in_page_has_no_warning(db, client):
    page = client.get("/accounts/login/").content.decode()
    assert "idle-warning" not in page


def test_asking_how_long_is_left_is_not_activity(clinic, login, settings):
    # given a session idle for ten minutes, and a refresh interval that would otherwise move it
    settings.CLEANNOTE_SESSION_REFRESH_SECONDS = 1
    client = login(clinic.therapist)
    client.get("/")
    _idle_for(client, 10)
    before = _mark(client)

    # when the page asks
    response = client.get("/accounts/session/")

    # then about five minutes are left, and the mark has not moved
    assert response.status_code == 200
    assert response.json()["signed_in"] is True
    assert 5 * 60 - 2 <= response.json()["seconds_left"] <= 5 * 60
    assert _mark(client) == before


def test_stay_signed_in_restarts_the_full_timeout_within_the_refresh_interval(clinic, login):
    # given a session idle for fourteen minutes (the warning is showing)
    client = login(clinic.therapist)
    client.get("/")
    _idle_for(client, 14)

    # when the person chooses "Stay signed in"
    response = client.post("/accounts/session/extend/")

    # then the whole timeout runs again: fourteen more idle minutes are still fine
    assert response.status_code == 200
    assert response.json()["seconds_left"] >= FULL - 1
    assert timezone.now() - _mark(client) < dt.timedelta(seconds=5)
    _idle_for(client, 14)
    assert client.get("/patients/").status_code == 200


@pytest.mark.parametrize("request_", ["status", "extend"])
def test_after_the_timeout_neither_request_revives_the_session(clinic, login, request_):
    # given a session idle past the timeout
    client = login(clinic.therapist)
    client.get("/")
    _idle_for(client, 16)

    # when the page asks, or "Stay signed in" comes too late
    if request_ == "status":
        response = client.get("/accounts/session/")
    else:
        response = client.post("/accounts/session/extend/")

    # then it goes to sign in, with the reason waiting there
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    page = client.get(response.url).content.decode()
    assert "You were signed out after a period of inactivity." in page
    assert client.get("/accounts/session/").status_code == 401


def test_the_requests_refuse_without_a_session(db, client):
    assert client.get("/accounts/session/").status_code == 401
    assert client.post("/accounts/session/extend/").status_code == 401
    assert client.get("/accounts/session/extend/").status_code == 405


def test_an_htmx_answer_says_how_long_is_left(clinic, login):
    client = login(clinic.therapist)
    response = client.post(f"/notes/{clinic.draft_note.pk}/live/", {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert int(response[SECONDS_LEFT_HEADER]) >= FULL - 1
