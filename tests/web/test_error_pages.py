"""The 403, 404 and 500 pages wear the app's layout and offer a way back (ADR 0560), DEBUG off."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import get_resolver, path

from cleannote.web import urls as project_urls

pytestmark = pytest.mark.django_db


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# A URL map that adds a failing page under the patients list, keeping the project's handlers.
urlpatterns = [path("patients/boom/", _boom), *project_urls.urlpatterns]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def _assert_layout_and_way_back(html: str, back: str | None) -> None:
    assert 'class="topbar"' in html
    assert "cleannote/cleannote.css" in html
    assert 'href="/">Back to your home page</a>' in html
    assert 'class="way-back"' in html
    if back is not None:
        assert f'href="{back}"' in html


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def test_the_project_wires_its_own_handlers():
    resolver = get_resolver()
    for code in (403, 404, 500):
        assert resolver.resolve_error_handler(code).__module__ == "cleannote.web.errors"


def test_403_shows_the_refusal_in_the_layout_with_the_way_back(clinic, login):
    response = login(clinic.front_desk).get(f"/notes/{clinic.signed_note.pk}/")
    assert response.status_code == 403
    html = response.content.decode()
    _assert_layout_and_way_back(html, None)
    assert 'id="refusal"' in html
    assert 'aria-label="Main"' in html  # still signed in: the menu is there


def test_403_under_a_list_links_back_to_that_list(clinic, login):
    response = login(clinic.therapist).get("/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    # the audit log itself refused: home is the way back, not a link to the refusing page
    assert "Back to the audit log" not in html
    _assert_layout_and_way_back(html, None)


def test_404_for_another_clinics_patient_links_back_to_the_patient_list(
    clinic, other_clinic, login
):
    response = login(clinic.owner).get(f"/patients/{other_clinic.patient.pk}/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_layout_and_way_back(html, "/patients/")
    assert "Back to patients" in html
    assert "Not found" in html


def test_404_anywhere_else_offers_home(clinic, login):
    response = login(clinic.owner).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_layout_and_way_back(html, None)
    assert "Back to patients" not in html


@pytest.mark.urls("tests.web.test_error_pages")
def test_500_renders_the_layout_without_a_query(clinic, login, django_assert_num_queries):
    client: Client = login(clinic.owner)
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        handler = get_resolver().resolve_error_handler(500)
        page = handler(RequestFactory().get("/patients/boom/"))
    assert page.status_code == 500
    _assert_layout_and_way_back(page.content.decode(), "/patients/")
    response = client.get("/patients/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    _assert_layout_and_way_back(html, "/patients/")
    assert "Something went wrong" in html
    assert "a bug" not in html
    assert 'aria-label="Main"' not in html  # no staff lookup on the failing request
