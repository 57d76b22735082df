"""Editor field errors are announced: each slot has the id its input points to (ADR 0561)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_every_field_error_slot_has_the_id_the_editor_points_to(clinic, login) -> None:
    # note_page.js sets aria-describedby only to a slot's id, so every slot needs one
    html = login(clinic.therapist).get(f"/notes/{clinic.draft_note.pk}/edit/").content.decode()
    slots = re.findall(r'<p class="field-error"([^>]*)>', html)
    assert slots
    for attributes in slots:
        target = re.search(r'data-for="([^"]+)"', attributes)
        assert target, attributes
        assert f'id="{target.group(1)}-error"' in attributes, attributes
    assert 'aria-describedby=""' not in html


def test_the_script_never_writes_an_empty_description() -> None:
    from pathlib import Path

    script = (
        Path(__file__).parents[3] / "src/cleannote/web/static/cleannote/note_page.js"
    ).read_text()
    assert 'slot.id || ""' not in script
    assert 'removeAttribute("aria-describedby")' in script
