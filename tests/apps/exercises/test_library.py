"""The exercise library pages (ADR 0970): who sees them, adding with a picture, the checks on
the file, search, retiring."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cleannote.apps.exercises.models import Exercise
from tests.apps.exercises.conftest import Library
from tests.personas import client_for

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("therapist", 200), ("assistant", 200), ("front_desk", 403), ("biller", 403)],
)
def test_who_keeps_the_library(clinic, who: str, status: int):
    client = client_for(getattr(clinic, who))
    for name in ("list", "new"):
        assert client.get(reverse(f"exercises:{name}")).status_code == status, name
    home = client.get(reverse("home")).content.decode()
    assert (reverse("exercises:list") in home) is (status == 200)


def _form(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Wall slide", "region": "shoulder", "category": "mobility",
        "instructions": "Back to the wall, slide the forearms up slowly.", "is_active": "on",
    }  # fmt: skip
    values.update(changes)
    return values


def test_add_with_a_picture_then_it_is_served_privately(clinic):
    client = client_for(clinic.therapist)
    picture = SimpleUploadedFile("slide.png", PNG, content_type="image/png")
    response = client.post(reverse("exercises:new"), _form(attachment=picture))
    assert response.status_code == 302
    exercise = Exercise.objects.get(name="Wall slide")
    assert (exercise.media_kind, exercise.media_type) == ("image", "image/png")
    served = client.get(reverse("exercises:media", args=[exercise.pk]))
    assert served.content == PNG
    assert served["Content-Type"] == "image/png"
    assert (
        client_for(clinic.biller).get(reverse("exercises:media", args=[exercise.pk])).status_code
        == 200
    )
    listed = client.get(reverse("exercises:list"), {"q": "slide"}).content.decode()
    assert "Wall slide" in listed


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"attachment": SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a picture")}, "attachment",
         "Attach a JPEG, PNG or WebP"),
        ({"name": "bridge"}, "name", "already has an exercise of this name"),
        ({"instructions": "x" * 601}, "instructions", "600"),
    ],
)  # fmt: skip
def test_refusals_sit_at_their_field(library: Library, changes, field, message):
    client = client_for(library.clinic.therapist)
    response = client.post(reverse("exercises:new"), _form(**changes))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Exercise.objects.filter(name="Wall slide").exists()


def test_retire_hides_it_from_the_list_and_the_note(library: Library):
    client = client_for(library.clinic.therapist)
    edit = reverse("exercises:edit", args=[library.cat.pk])
    values = _form(name="Cat and camel", region="low_back")
    values.pop("is_active")
    assert client.post(edit, values).status_code == 302
    listed = client.get(reverse("exercises:list")).content.decode()
    assert ">Cat and camel</a>" not in listed
    assert (
        "Cat and camel" in client.get(reverse("exercises:list"), {"retired": "1"}).content.decode()
    )
    panel = client.get(
        reverse("exercises:note_program", args=[library.clinic.draft_note.pk])
    ).content.decode()
    assert "Cat and camel" not in panel
    assert "Bridge" in panel
