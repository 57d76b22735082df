"""`/settings/` lists the settings pages each person may open, and every link opens (ADR 0803)."""

from __future__ import annotations

import re

import pytest

from tests.personas import clinic  # noqa: F401  (the fixture)


def _links(page: str) -> list[str]:
    section = page.split("<h1>Settings</h1>", 1)[1].split("</main>", 1)[0]
    return re.findall(r'<li><a href="([^"]+)"', section)


@pytest.mark.parametrize(
    ("who", "present", "absent"),
    [
        ("owner", ["/reports/targets/", "/staff/", "/payers/", "/account/security/"], []),
        ("biller", ["/ledger/statements/settings/", "/account/security/"],
         ["/reports/targets/", "/staff/"]),
        ("therapist", ["/account/security/"], ["/reports/targets/", "/staff/", "/payers/"]),
        ("front_desk", ["/account/security/"], ["/reports/targets/", "/staff/"]),
    ],
)  # fmt: skip
def test_each_person_sees_the_settings_they_may_open(clinic, login, who, present, absent):  # noqa: F811
    client = login(getattr(clinic, who))
    response = client.get("/settings/")
    assert response.status_code == 200
    links = _links(response.content.decode())
    for url in present:
        assert url in links
    for url in absent:
        assert url not in links
    for url in links:  # a link here never ends on a refusal
        assert client.get(url).status_code == 200, url


def test_every_page_links_to_settings(clinic, login):  # noqa: F811
    assert 'href="/settings/"' in login(clinic.therapist).get("/reports/").content.decode()
