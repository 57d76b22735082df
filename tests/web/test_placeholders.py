"""Placeholder text cannot be mistaken for an entered value (issue 11).

A placeholder is either an example that says so ("e.g. 4/5") or words that describe what goes in
the field ("name or chart number"); never a bare value ("120", "John Smith", "2024-01-01",
"LEFS") that a tired reader takes for one already typed. Checked on the rendered main forms and
on every literal placeholder in the templates and the editor's field list.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block
from cleannote.apps.notes.block_fields import ELEMENT_INPUTS, FALLBACK

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "cleannote"

# Words that describe a field rather than fill it; each one was read and judged not a value.
FORMAT_WORDS = {
    "Name or chart number",
    "Patient id",
    "claim number",
    "from start–stop",
    "the one thing this should change",
    "the functional task",
    "what you cued or corrected",
    "one of: stable, evolving, unstable",
}

PLACEHOLDER = re.compile(r'placeholder="([^"]*)"')


def _is_a_hint(text: str) -> bool:
    return text == "" or text.startswith("e.g. ") or text in FORMAT_WORDS


def _placeholders(page: str) -> list[str]:
    return [html.unescape(p) for p in PLACEHOLDER.findall(page)]


@pytest.mark.parametrize(
    "value", ["120", "John Smith", "2024-01-01", "LEFS", "4/5", "knee, lumbar", "23"]
)
def test_a_bare_value_is_not_a_hint(value):
    assert not _is_a_hint(value)


def test_the_describing_words_hold_no_number():
    assert not [w for w in FORMAT_WORDS if re.search(r"\d", w)]


def test_every_literal_placeholder_in_the_templates_is_a_hint():
    found = {}
    for template in SRC.rglob("templates/**/*.html"):
        for text in PLACEHOLDER.findall(template.read_text()):
            if "{" not in text:  # computed ones are checked where they are computed
                found[f"{template.name}: {text}"] = _is_a_hint(html.unescape(text))
    assert found, "no placeholder found: the pattern no longer matches the templates"
    assert [where for where, ok in found.items() if not ok] == []


def test_every_editor_field_hint_is_a_hint():
    hints = [
        spec.hint for specs in (*ELEMENT_INPUTS.values(), FALLBACK) for spec in specs if spec.hint
    ]
    assert hints
    assert [h for h in hints if not _is_a_hint(h)] == []


def test_the_main_forms_as_rendered_show_only_hints(clinic, login):
    # given a draft with blocks whose fields carry hints, and the chart's forms
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    for code in ("97110", "97530", "97140"):
        do_add_treatment_block(actor, clinic.draft_note, code=code, minutes=10)
    p, c = clinic.patient.pk, clinic.case.pk
    pages = {
        clinic.therapist: [
            f"/notes/{clinic.draft_note.pk}/edit/",
            f"/patients/{p}/cases/{c}/measures/new/",
            f"/patients/{p}/cases/{c}/plan/new/",
            f"/patients/{p}/cases/{c}/diagnoses/",
        ],
        clinic.front_desk: [
            "/patients/",
            "/patients/new/",
            f"/patients/{p}/details/",
            f"/patients/{p}/coverages/add/",
            f"/patients/{p}/cases/new/",
            f"/patients/{p}/cases/{c}/referrals/",
        ],
        clinic.owner: ["/audit/", "/staff/add/"],
    }

    # when each page is read
    shown: dict[str, list[str]] = {}
    for staff, urls in pages.items():
        client = login(staff)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            shown[url] = _placeholders(response.content.decode())

    # then every placeholder is an example or describing words, and the editor has some
    assert [(url, p) for url, ps in shown.items() for p in ps if not _is_a_hint(p)] == []
    assert "e.g. 2:05 PM" in shown[f"/notes/{clinic.draft_note.pk}/edit/"]
