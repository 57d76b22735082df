"""The owner's clearinghouse pages: list (seeding the default), add, edit, refusals on the
field, and nobody else in (ADR 0700)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cleannote.apps.exchange.models import ClearinghouseProfile, Transport

POSTED = {
    "name": "Acme",
    "transport": "sftp",
    "host": "sftp.acme.example",
    "port": "22",
    "username": "riverside",
    "key_path": "",
    "password_env": "ACME_SFTP_PASSWORD",
    "host_key_fingerprint": "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
    "upload_dir": "inbound",
    "download_dir": "outbound",
    "archive_dir": "outbound/archive",
    "upload_name_pattern": "{date}_{name}",
    "after_download": "archive",
    "settle_seconds": "120",
    "take_999": "on",
    "take_277ca": "on",
    "active": "on",
}


@pytest.mark.django_db
def test_the_owner_sees_the_seeded_default_profile(client, clinic):
    client.force_login(clinic.owner.user)
    page = client.get(reverse("exchange:profiles"))
    assert page.status_code == 200
    [profile] = ClearinghouseProfile.objects.filter(organisation=clinic.organisation)
    assert (profile.name, profile.transport, profile.is_default) == ("default", "outbox", True)
    assert "Nothing downloaded yet." in page.content.decode()


@pytest.mark.django_db
def test_the_owner_adds_an_sftp_profile_naming_the_password_variable(client, clinic):
    client.force_login(clinic.owner.user)
    response = client.post(reverse("exchange:profile_add"), POSTED)
    assert response.status_code == 302
    profile = ClearinghouseProfile.objects.get(name="Acme")
    assert (profile.transport, profile.password_env, profile.take_835) == (
        Transport.SFTP,
        "ACME_SFTP_PASSWORD",
        False,
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"host_key_fingerprint": ""}, "host_key_fingerprint", "host key fingerprint is required"),
        ({"password_env": "hunter2 hunter2"}, "password_env", "not a password"),
        ({"upload_name_pattern": "{name}/../x"}, "upload_name_pattern", "not a plain file name"),
        ({"upload_name_pattern": "{nope}"}, "upload_name_pattern", "is invalid"),
    ],
)
@pytest.mark.django_db
def test_a_bad_profile_is_refused_on_its_field_and_nothing_is_saved(
    client, clinic, change, field, message
):
    client.force_login(clinic.owner.user)
    page = client.post(reverse("exchange:profile_add"), {**POSTED, **change})
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert message in " ".join(errors[field])
    assert not ClearinghouseProfile.objects.filter(name="Acme").exists()


@pytest.mark.django_db
def test_the_owner_edits_a_profile(client, clinic):
    client.force_login(clinic.owner.user)
    client.post(reverse("exchange:profile_add"), POSTED)
    profile = ClearinghouseProfile.objects.get(name="Acme")
    edited = {**POSTED, "port": "2222", "is_default": "on"}
    response = client.post(reverse("exchange:profile_edit", args=[profile.pk]), edited)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.port, profile.is_default) == (2222, True)


@pytest.mark.parametrize("role", ["biller", "therapist", "front_desk"])
@pytest.mark.django_db
def test_nobody_but_the_owner_opens_the_pages(client, clinic, role):
    client.force_login(getattr(clinic, role).user)
    assert client.get(reverse("exchange:profiles")).status_code == 403
    assert client.post(reverse("exchange:profile_add"), POSTED).status_code == 403


@pytest.mark.django_db
def test_another_organisations_profile_is_not_found(client, clinic, other_clinic):
    other = ClearinghouseProfile.objects.create(organisation=other_clinic.organisation, name="x")
    client.force_login(clinic.owner.user)
    assert client.get(reverse("exchange:profile_edit", args=[other.pk])).status_code == 404
