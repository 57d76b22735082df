"""The owner's staff pages: add with an invitation link, edit, deactivate, reset a password."""

import html

import pytest
from django.contrib.auth.models import User
from django.test import Client

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.organisations.models import Role, Staff
from cleannote.web.log_filters import strip_query
from tests.personas import PASSWORD, VALID_NPIS

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a much longer passphrase 42"
FREE_NPI = "1801992631"


def _audit(clinic, object_type):
    return AuditEvent.objects.filter(organisation=clinic.organisation, object_type=object_type)


def _add_form(**overrides):
    form = {
        "username": "nina",
        "first_name": "Nina",
        "last_name": "Osei",
        "role": "therapist",
        "credential": "OT",
        "npi": FREE_NPI,
        "taxonomy": "225X00000X",
        "default_location": "",
    }
    form.update(overrides)
    return form


def _edit_form(staff, **overrides):
    form = {
        "first_name": staff.user.first_name,
        "last_name": staff.user.last_name,
        "role": staff.role,
        "credential": staff.credential,
        "npi": staff.npi,
        "taxonomy": staff.taxonomy,
        "default_location": staff.default_location_id or "",
    }
    form.update(overrides)
    return form


def _sign_in(username, password):
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response


def test_owner_sees_the_staff_list_with_their_details(clinic, login):
    page = login(clinic.owner).get("/staff/").content.decode()
    for username in ("olive", "theo", "ada", "fran", "bill"):
        assert f"<td>{username}</td>" in page
    assert VALID_NPIS[2] in page
    assert "PTA" in page
    assert 'href="/staff/"' in page  # the menu link


@pytest.mark.parametrize("persona", ["therapist", "assistant", "front_desk", "biller"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/staff/"),
        ("get", "/staff/add/"),
        ("post", "/staff/add/"),
        ("get", "/staff/{theo}/"),
        ("post", "/staff/{theo}/active/"),
        ("post", "/staff/{theo}/password/"),
        ("post", "/staff/security/"),
    ],
)
def test_other_roles_are_refused_every_staff_page(clinic, login, persona, method, path):
    client = login(getattr(clinic, persona))
    response = getattr(client, method)(path.format(theo=clinic.therapist.pk), {"active": "0"})
    assert response.status_code == 403
    clinic.therapist.user.refresh_from_db()
    assert clinic.therapist.user.is_active


def test_non_owners_have_no_staff_link(clinic, login):
    page = login(clinic.biller).get("/").content.decode()
    assert 'href="/staff/"' not in page
    assert 'href="/account/security/"' in page


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/staff/{id}/"),
        ("post", "/staff/{id}/"),
        ("post", "/staff/{id}/active/"),
        ("post", "/staff/{id}/password/"),
        ("post", "/staff/{id}/invitation/"),
        ("post", "/staff/{id}/two-factor/reset/"),
    ],
)
def test_another_organisations_staff_answers_404(clinic, other_clinic, login, method, path):
    hugo = other_clinic.therapist
    client = login(clinic.owner)
    response = getattr(client, method)(path.format(id=hugo.pk), {"active": "0"})
    assert response.status_code == 404
    hugo.user.refresh_from_db()
    assert hugo.user.is_active
    assert hugo.user.check_password(PASSWORD)


def test_owner_adds_staff_and_the_invitation_link_sets_their_password(clinic, login):
    # when the owner adds a therapist
    response = login(clinic.owner).post("/staff/add/", _add_form())
    # then the login exists without a password, and the page shows a one-time link once
    assert response.status_code == 200
    staff = Staff.objects.get(user__username="nina")
    assert staff.organisation == clinic.organisation
    assert (staff.role, staff.credential, staff.npi) == ("therapist", "OT", FREE_NPI)
    assert not staff.user.has_usable_password()
    link = response.context["url"]
    assert response.context["url"].split("token=")[1] not in strip_query(link)  # not in logs
    assert link.startswith("http://testserver/invitation/?uid=")
    assert html.escape(link) in response.content.decode()
    # when the invitee opens it and chooses a password
    invitee = Client()
    path = link.removeprefix("http://testserver")
    page = invitee.get(path)
    assert page.status_code == 200
    form = {"uid": page.context["uid"], "token": page.context["token"]}
    response = invitee.post(
        "/invitation/", {**form, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    # then they can sign in, and the link is spent
    assert _sign_in("nina", NEW_PASSWORD)[1].status_code == 302
    assert Client().get(path).status_code == 404
    assert (
        Client()
        .post("/invitation/", {**form, "new_password1": "x", "new_password2": "x"})
        .status_code
        == 404
    )
    assert _audit(clinic, "staff").filter(action="create", object_id=str(staff.pk)).exists()
    assert _audit(clinic, "staff.invitation").count() == 1
    assert _audit(clinic, "staff.invitation_accepted").get().actor_username == "nina"


def test_a_new_invitation_link_replaces_the_old_one(clinic, login):
    owner = login(clinic.owner)
    first = owner.post("/staff/add/", _add_form()).context["url"].removeprefix("http://testserver")
    staff = Staff.objects.get(user__username="nina")
    second = owner.post(f"/staff/{staff.pk}/invitation/").context["url"]
    second = second.removeprefix("http://testserver")
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/invitation/?uid=MQ&token=abc-def", 404),
        ("/invitation/?uid=" + "A" * 300 + "&token=x-y", 404),
        ("/invitation/", 404),
        # a NUL byte is refused at the edge, before the view (request validation)
        ("/invitation/?uid=%00&token=x", 400),
    ],
    ids=["wrong-token", "long-uid", "nothing", "nul-uid"],
)
def test_a_bad_invitation_link_is_a_clear_refusal(clinic, path, status):
    response = Client().get(path)
    assert response.status_code == status
    if status == 404:
        assert b"does not work" in response.content


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"npi": "1234567890"}, "npi", "fails the check digit"),
        ({"npi": "12345"}, "npi", "exactly 10 digits"),
        ({"npi": VALID_NPIS[2]}, "npi", "already belongs to Theo Demo"),
        ({"npi": ""}, "npi", "therapist bills under their own NPI"),
        ({"role": "assistant", "credential": "OT"}, "credential", "assistant credential"),
        ({"role": "therapist", "credential": "PTA"}, "credential", "licensed credential"),
        ({"role": "biller", "credential": "PT"}, "credential", "leave the credential empty"),
        ({"username": "theo"}, "username", "already taken"),
        ({"username": "THEO"}, "username", "lower-case"),
        ({"username": "a b"}, "username", "lower-case"),
        ({"taxonomy": "12345"}, "taxonomy", "10 characters"),
        ({"role": "wizard"}, "role", "valid choice"),
    ],
)
def test_add_staff_refuses_bad_input_next_to_the_field(clinic, login, overrides, field, message):
    response = login(clinic.owner).post("/staff/add/", _add_form(**overrides))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.filter(username="nina").exists()


def test_another_organisations_location_cannot_be_chosen(clinic, other_clinic, login):
    foreign = other_clinic.organisation.locations.get()
    response = login(clinic.owner).post("/staff/add/", _add_form(default_location=foreign.pk))
    assert "default_location" in response.context["form"].errors


def test_owner_edits_staff_and_each_changed_field_is_audited(clinic, login):
    theo = clinic.therapist
    form = _edit_form(theo, last_name="Reyes-Ortiz", default_location=clinic.location.pk)
    response = login(clinic.owner).post(f"/staff/{theo.pk}/", form)
    assert response.status_code == 302
    theo.refresh_from_db()
    theo.user.refresh_from_db()
    assert theo.user.last_name == "Reyes-Ortiz"
    assert theo.default_location == clinic.location
    changed = set(
        AuditEvent.objects.filter(
            object_id=str(theo.pk), object_type__startswith="staff."
        ).values_list("object_type", flat=True)
    )
    assert changed == {"staff.last_name", "staff.default_location"}
    event = _audit(clinic, "staff.last_name").get()
    assert (event.actor_username, event.action) == ("olive", "update")


def test_the_last_owner_cannot_be_demoted_or_deactivated(clinic, login):
    client = login(clinic.owner)
    response = client.post(f"/staff/{clinic.owner.pk}/", _edit_form(clinic.owner, role="therapist"))
    assert response.status_code == 422
    assert b"at least one active owner" in response.content
    clinic.owner.refresh_from_db()
    assert clinic.owner.role == Role.OWNER
    response = client.post(f"/staff/{clinic.owner.pk}/active/", {"active": "0"}, follow=True)
    assert b"cannot deactivate your own login" in response.content
    clinic.owner.user.refresh_from_db()
    assert clinic.owner.user.is_active


def test_deactivated_staff_cannot_sign_in_and_their_signed_notes_stay(clinic, login):
    theo = clinic.therapist
    session = login(theo)
    assert session.get("/").status_code == 200
    # when the owner deactivates them
    response = login(clinic.owner).post(f"/staff/{theo.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    # then their open session ends, the password no longer signs in, and the note stays signed
    assert session.get("/").status_code == 302
    _, response = _sign_in("theo", PASSWORD)
    assert response.status_code != 302
    clinic.signed_note.refresh_from_db()
    assert clinic.signed_note.signed_by_id == theo.pk
    assert _audit(clinic, "staff.deactivated").get().object_id == str(theo.pk)
    page = login(clinic.owner).get("/staff/").content.decode()
    assert "Deactivated" in page
    # and reactivation lets them back in
    login(clinic.owner).post(f"/staff/{theo.pk}/active/", {"active": "1"})
    assert _sign_in("theo", PASSWORD)[1].status_code == 302
    assert _audit(clinic, "staff.reactivated").count() == 1


def test_owner_resets_a_password_and_the_user_must_change_it(clinic, login):
    theo = clinic.therapist
    open_session = login(theo)
    # when the owner asks for a generated temporary password
    response = login(clinic.owner).post(f"/staff/{theo.pk}/password/", {"password": ""})
    assert response.status_code == 200
    temporary = response.context["password"]
    assert len(temporary) == 19
    assert temporary in response.content.decode()
    # then the old password and the open session are finished
    assert open_session.get("/").status_code == 302
    assert _sign_in("theo", PASSWORD)[1].status_code != 302
    # and the temporary one signs in only as far as the change-password page
    client, response = _sign_in("theo", temporary)
    assert response.status_code == 302
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response.url.startswith("/account/password/")
    response = client.post(
        "/account/password/",
        {"old_password": temporary, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/patients/").status_code == 200
    theo.refresh_from_db()
    assert not theo.must_change_password
    # audit rows say who did what for whom, never the password
    reset = _audit(clinic, "staff.password_reset").get()
    assert (reset.actor_username, reset.object_id) == ("olive", str(theo.pk))
    assert _audit(clinic, "staff.password").get().actor_username == "theo"
    for event in AuditEvent.objects.all():
        assert temporary not in str(event.canonical())
        assert NEW_PASSWORD not in str(event.canonical())


def test_a_typed_temporary_password_is_checked_and_not_shown_again(clinic, login):
    theo = clinic.therapist
    owner = login(clinic.owner)
    weak = owner.post(f"/staff/{theo.pk}/password/", {"password": "short"})
    assert weak.status_code == 422
    assert b"too short" in weak.content
    good = owner.post(f"/staff/{theo.pk}/password/", {"password": "Temporary-pass-2026"})
    assert good.status_code == 200
    assert b"Temporary-pass-2026" not in good.content
    theo.user.refresh_from_db()
    assert theo.user.check_password("Temporary-pass-2026")


def test_the_new_password_must_differ_from_the_temporary_one(clinic, login):
    theo = clinic.therapist
    login(clinic.owner).post(f"/staff/{theo.pk}/password/", {"password": "Temporary-pass-2026"})
    client, _ = _sign_in("theo", "Temporary-pass-2026")
    response = client.post(
        "/account/password/",
        {
            "old_password": "Temporary-pass-2026",
            "new_password1": "Temporary-pass-2026",
            "new_password2": "Temporary-pass-2026",
        },
    )
    assert response.status_code == 422
    assert b"different from the current one" in response.content


def test_owner_turns_on_the_two_factor_requirement_and_must_set_it_up_first(clinic, login):
    owner = login(clinic.owner)
    response = owner.post("/staff/security/", {"require_two_factor": "on"})
    assert response.status_code == 302
    clinic.organisation.refresh_from_db()
    assert clinic.organisation.require_two_factor
    assert _audit(clinic, "organisation.require_two_factor").count() == 1
    # the owner has no authenticator yet: every page, this one too, sends them to set it up
    response = owner.post("/staff/security/", {})
    assert response.status_code == 302
    assert response.url.startswith("/account/security/")
    clinic.organisation.refresh_from_db()
    assert clinic.organisation.require_two_factor


def test_a_username_taken_between_check_and_save_is_a_message(clinic, login, monkeypatch):
    # given the form's own check passes (another owner saved "theo" a moment later)
    from cleannote.apps.organisations.forms import StaffForm

    monkeypatch.setattr(StaffForm, "clean_username", lambda form: "theo")
    response = login(clinic.owner).post("/staff/add/", _add_form(username="theo"))
    assert response.status_code == 422
    assert "already taken" in " ".join(response.context["form"].errors["username"])
    assert Staff.objects.filter(organisation=clinic.organisation).count() == 5
