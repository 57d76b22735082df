"""The payer directory pages: owner and biller only, one organisation's payers, typed overrides
with "inherit" for each, refusals that name the setting, an audit row for every change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.payers.actions import PayerChangeRefused, do_create_payer, do_update_payer
from cleannote.apps.payers.forms import PREFIX
from cleannote.apps.payers.models import Payer
from cleannote.rules.payer_overrides import OVERRIDE_FIELDS
from cleannote.rules.payer_policy import default_policy
from cleannote.rules.visit import PayerKind


def _form(payer: Payer, **overrides: str) -> dict[str, str]:
    data = {
        "name": payer.name,
        "claims_payer_id": payer.claims_payer_id,
        "eligibility_payer_id": payer.eligibility_payer_id,
        "kind": payer.kind,
        "is_active": "on",
    }
    data.update({PREFIX + name: value for name, value in overrides.items()})
    return data


@pytest.fixture
def keystone(clinic) -> Payer:
    actor = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    return do_create_payer(actor, Payer(name="Keystone", claims_payer_id="KHP", kind="commercial"))


@pytest.mark.parametrize("who", ["owner", "biller"])
def test_owner_and_biller_see_the_directory_and_the_edit_page(clinic, keystone, login, who):
    client = login(getattr(clinic, who))
    listing = client.get("/payers/")
    assert listing.status_code == 200
    assert b"Keystone" in listing.content
    assert b"Medicare" in listing.content
    page = client.get(f"/payers/{keystone.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    for spec in OVERRIDE_FIELDS:
        assert f'name="{PREFIX}{spec.name}"' in text
    # Each setting offers its kind's default: commercial units are per code, 97010 not paid.
    assert "Inherit: Per code (CPT midpoint)" in text
    assert "Inherit: no" in text


@pytest.mark.parametrize("who", ["therapist", "assistant", "front_desk"])
@pytest.mark.parametrize("path", ["/payers/", "/payers/add/", "/payers/{pk}/"])
def test_other_roles_are_refused(clinic, keystone, login, who, path):
    response = login(getattr(clinic, who)).get(path.format(pk=keystone.pk))
    assert response.status_code == 403


def test_another_organisations_payer_is_not_found(clinic, other_clinic, keystone, login):
    theirs = Payer.objects.get(organisation=other_clinic.organisation)  # made at registration
    client = login(clinic.owner)
    assert client.get(f"/payers/{theirs.pk}/").status_code == 404
    assert client.post(f"/payers/{theirs.pk}/", _form(theirs, pays_97010="true")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.policy_overrides == {}
    assert b"Harbor" not in client.get("/payers/").content


def test_biller_sets_and_clears_overrides_with_an_audit_row(clinic, keystone, login):
    client = login(clinic.biller)
    response = client.post(
        f"/payers/{keystone.pk}/",
        _form(
            keystone,
            unit_method="cms",
            pays_97010="true",
            referral_required="true",
            progress_report_interval_days="10",
            massage_barred_states="fl, ny",
        ),
    )
    assert response.status_code == 302
    keystone.refresh_from_db()
    assert keystone.policy_overrides == {
        "massage_barred_states": ["FL", "NY"],
        "pays_97010": True,
        "progress_report_interval_days": 10,
        "referral_required": True,
        "unit_method": "cms",
    }
    assert keystone.policy.unit_method == "cms"
    events = AuditEvent.objects.filter(
        object_type="payer.policy_overrides", object_id=str(keystone.pk)
    )
    assert events.count() == 1
    assert events.get().actor_username == "bill"
    page = client.get(f"/payers/{keystone.pk}/").content.decode()
    assert 'value="cms" selected' in page

    # Back to inherit everything: blank fields.
    assert client.post(f"/payers/{keystone.pk}/", _form(keystone)).status_code == 302
    keystone.refresh_from_db()
    assert keystone.policy_overrides == {}
    assert events.count() == 2


def test_zero_means_no_interval_and_none_means_no_states(clinic, keystone, login):
    client = login(clinic.owner)
    client.post(
        f"/payers/{keystone.pk}/",
        _form(keystone, progress_report_interval_days="0", massage_barred_states="none"),
    )
    keystone.refresh_from_db()
    assert keystone.policy_overrides == {
        "massage_barred_states": [],
        "progress_report_interval_days": None,
    }


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        (
            "progress_report_interval_days",
            "-4",
            "progress_report_interval_days: -4 is not a positive",
        ),
        ("progress_report_interval_days", "ten", "progress_report_interval_days: enter a whole"),
        (
            "massage_barred_states",
            "Florida",
            "massage_barred_states: &#x27;Florida&#x27; is not a 2-letter",
        ),
        ("unit_method", "minutes", "unit_method: minutes is not one of cms, per_code"),
        ("pays_97010", "maybe", "pays_97010: maybe is not one of true, false"),
    ],
)
def test_invalid_override_is_refused_naming_the_field(clinic, keystone, login, field, value, says):
    response = login(clinic.owner).post(
        f"/payers/{keystone.pk}/", _form(keystone, **{field: value})
    )
    assert response.status_code == 200
    assert says in response.content.decode()
    keystone.refresh_from_db()
    assert keystone.policy_overrides == {}


def test_stored_overrides_are_checked_by_the_model_too(keystone):
    keystone.policy_overrides = {"unit_method": "minutes", "no_such_setting": 1}
    with pytest.raises(ValidationError) as refused:
        keystone.full_clean()
    messages = refused.value.message_dict["policy_overrides"]
    assert any(m.startswith("unit_method:") for m in messages)
    assert any(m.startswith("no_such_setting:") for m in messages)


def test_add_a_payer_and_a_duplicate_claims_id_is_a_message(clinic, keystone, login):
    client = login(clinic.owner)
    response = client.post(
        "/payers/add/",
        _form(Payer(name="Lakeshore", claims_payer_id="LSM", kind="commercial"), pays_97010="true"),
    )
    assert response.status_code == 302
    added = Payer.objects.get(organisation=clinic.organisation, claims_payer_id="LSM")
    assert added.policy_overrides == {"pays_97010": True}
    assert AuditEvent.objects.filter(object_type="payer", object_id=str(added.pk)).exists()
    again = client.post(
        "/payers/add/", _form(Payer(name="Other", claims_payer_id="KHP", kind="commercial"))
    )
    assert again.status_code == 200
    assert b"already has this claims id" in again.content


def test_renaming_to_a_taken_claims_id_is_refused(clinic, keystone):
    actor = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    with pytest.raises(PayerChangeRefused):
        do_update_payer(actor, keystone, claims_payer_id="MCR")  # the fixture's Medicare


def test_registration_chooses_a_payer_from_the_directory(clinic, keystone, login):
    keystone.policy_overrides = {"referral_required": True}
    keystone.save()
    client = login(clinic.front_desk)
    form = client.get("/patients/new/").content.decode()
    assert f'<option value="{keystone.pk}">Keystone (KHP)</option>' in form
    response = client.post(
        "/patients/new/",
        {
            "patient-first_name": "Dana",
            "patient-last_name": "Directory",
            "patient-birth_date": "1975-03-04",
            "patient-sex": "F",
            "coverage-priority": "primary",
            "coverage-payer_record": str(keystone.pk),
            "coverage-member_id": "K99",
            "coverage-subscriber_relationship": "self",
            "coverage-active_from": "2025-01-01",
            "case-discipline": "PT",
            "case-title": "Knee",
            "case-opened_on": "2025-02-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    coverage = keystone.coverages.get()
    assert (coverage.payer_name, coverage.payer_id, coverage.kind) == (
        "Keystone",
        "KHP",
        "commercial",
    )


def test_registration_without_a_directory_payer_needs_its_name_id_and_kind(clinic, login):
    response = login(clinic.front_desk).post(
        "/patients/new/",
        {
            "patient-first_name": "Dana",
            "patient-last_name": "Directory",
            "patient-birth_date": "1975-03-04",
            "patient-sex": "F",
            "coverage-priority": "primary",
            "coverage-member_id": "K99",
            "coverage-subscriber_relationship": "self",
            "coverage-active_from": "2025-01-01",
            "case-discipline": "PT",
            "case-title": "Knee",
            "case-opened_on": "2025-02-01",
        },
    )
    assert response.status_code == 200
    assert (
        response.content.decode().count("Required unless a payer is chosen from the directory") == 3
    )


def test_a_typed_new_payer_joins_the_directory(clinic):
    # The fixture registered Pat with a typed Medicare coverage.
    payer = Payer.objects.get(organisation=clinic.organisation, claims_payer_id="MCR")
    assert payer.coverages.get().patient == clinic.patient
    assert AuditEvent.objects.filter(object_type="payer", object_id=str(payer.pk)).exists()


def test_a_payer_added_between_lookup_and_insert_is_used_not_a_500(clinic, keystone, monkeypatch):
    from cleannote.apps.payers import actions

    actor = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    real_filter = Payer.objects.filter
    calls = {"n": 0}

    def first_lookup_misses(*args, **kwargs):
        calls["n"] += 1
        found = real_filter(*args, **kwargs)
        return found.none() if calls["n"] == 1 else found

    monkeypatch.setattr(Payer.objects, "filter", first_lookup_misses)
    payer = actions.do_find_or_add_payer(
        actor, name="Keystone again", claims_payer_id="KHP", kind="commercial"
    )
    assert payer.pk == keystone.pk


def test_a_refused_edit_keeps_the_stored_name_in_the_heading(clinic, keystone, login):
    response = login(clinic.owner).post(
        f"/payers/{keystone.pk}/", {**_form(keystone, unit_method="minutes"), "name": "Renamed"}
    )
    assert response.status_code == 200
    assert "<h1>Keystone <span" in response.content.decode()
    keystone.refresh_from_db()
    assert keystone.name == "Keystone"


def test_the_list_says_which_filing_limits_apply_never_a_blank(clinic, keystone, login):
    # given Keystone (commercial, no limit set), the persona's Medicare record (no limit set),
    # and a commercial payer with its contract's limits on the record
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    do_create_payer(
        owner,
        Payer(
            name="Lakeshore", claims_payer_id="LSM", kind="commercial", timely_filing_days=90,
            policy_overrides={"corrected_claim_days": 120},
        ),
    )  # fmt: skip
    # when
    text = login(clinic.biller).get("/payers/").content.decode()
    rows = {name: row for name in ("Keystone", "Medicare", "Lakeshore") for row in
            text.split("<tr") if f">{name}</a>" in row}  # fmt: skip
    # then each says what applies and where it comes from, read from the scrubber's table
    medicare = default_policy(PayerKind.MEDICARE)
    assert (
        f'{medicare.timely_filing_days} days <span class="subtle">(Medicare default)'
        in (rows["Medicare"])
    )
    assert (
        f"corrected claims: {medicare.corrected_claim_days} days from the decision"
        in (rows["Medicare"])
    )
    assert 'not checked <span class="subtle">(Commercial default: none' in rows["Keystone"]
    assert "corrected claims: the filing limit (Commercial default)" in rows["Keystone"]
    assert '90 days <span class="subtle">(this payer&#x27;s record)' in rows["Lakeshore"]
    assert (
        "corrected claims: 120 days from the decision (this payer&#x27;s record)"
        in (rows["Lakeshore"])
    )
    assert "—" not in text
