"""Every portal page, GET and POST, as a signed-in patient with hostile parameters: never a
500 (the staff sweep, tests/web/test_hostile_sweep.py, reaches these pages signed out)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cleannote.apps.portal.actions import do_invite_to_portal
from tests.apps.portal.conftest import signed_in_client

HUGE = "99999999999999999999999"
FORM = {
    "address": "٣" * 300,
    "password": "p" * 5000,
    "again": "q" * 5000,
    "access": HUGE,
    "amount": "1" * 40,
    "reference": "r" * 5000,
    "channel": "carrier pigeon",
    "relationship": "x" * 300,
}


def _portal_routes() -> list[str]:
    (portal,) = [
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and str(entry.pattern) == "portal/"
    ]
    return [str(e.pattern) for e in portal.url_patterns if isinstance(e, URLPattern)]


@pytest.mark.parametrize("route", _portal_routes())
def test_no_portal_page_answers_hostile_input_with_a_500(family, route):
    _account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    browser = signed_in_client(secret)
    browser.raise_request_exception = False
    path = "/portal/" + re.sub(r"<int:\w+>", HUGE, route.replace("<str:secret>", "x" * 300))
    assert "<" not in path, path
    for response in (browser.get(path, FORM), browser.post(path, FORM)):
        assert response.status_code < 500, (path, response.status_code)
