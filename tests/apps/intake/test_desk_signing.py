"""Consents and ABNs signed at the front desk (issue 16, ADR 0961): who may witness, the same
version rules as the portal, the representative, the audit rows, and an ABN signed at the desk
with option 1 putting GA on the claim exactly as a portal-signed one; then the desk's pages
(bad input answered with form errors, never a 500) and the ABN offered from a scrub finding
starting with its code and reason. On the Riverside personas (tests/personas.py)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditAction, AuditEvent
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.intake.actions import (
    do_offer_notice,
    do_publish_consent,
    do_sign_consent,
    do_sign_notice,
    may_witness,
)
from cleannote.apps.intake.errors import IntakeRefused
from cleannote.apps.intake.models import (
    AdvanceNotice,
    ConsentSignature,
    ConsentText,
    NoticeStatus,
    SignedVia,
)
from cleannote.apps.intake.selectors import missing_for
from cleannote.apps.organisations.models import Role, Staff
from cleannote.apps.patients.fix_links import chart_fix_link
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.rules.beneficiary_notices import (
    LIABILITY_TABLE,
    Liability,
    missing_notice_message,
    notice_offer_of,
)
from tests.apps.claims.conftest import Billing, billing  # noqa: F401  (the fixture)
from tests.personas import TODAY, Clinic

pytestmark = pytest.mark.django_db

FINANCIAL = "I am responsible for what my insurance does not pay."


def _as(staff: Staff) -> Actor:
    return Actor(user=staff.user, organisation=staff.organisation)


def _financial(clinic: Clinic) -> ConsentText:
    return do_publish_consent(_as(clinic.owner), clinic.owner, kind="financial", text=FINANCIAL)


def _at_desk(clinic: Clinic, staff: Staff, text: ConsentText, **extra: object) -> ConsentSignature:
    return do_sign_consent(
        _as(staff),
        clinic.patient,
        text,
        signed_name="Pat Example",
        via=SignedVia.DESK,
        witness=staff,
        attested=True,
        **extra,  # type: ignore[arg-type]
    )


def _book(clinic: Clinic, staff: Staff) -> None:
    start = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(10)))
    do_book_appointment(
        _as(clinic.owner), patient=clinic.patient, staff=staff, location=clinic.location,
        start=start, end=start + dt.timedelta(minutes=45), override_hours=True,
    )  # fmt: skip


# --- who may witness --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("front_desk", True),
        ("owner", True),
        ("therapist", True),  # the treating clinician: the persona's notes are theirs
        ("assistant", False),  # a clinician who does not treat this patient
        ("biller", False),
    ],
)
def test_who_may_witness_a_desk_signature(clinic: Clinic, persona: str, allowed: bool):
    # given the financial policy the patient has not signed
    text = _financial(clinic)
    staff = getattr(clinic, persona)
    assert may_witness(staff, clinic.patient) is allowed
    # when the patient signs it at the desk with this staff member witnessing
    if allowed:
        row = _at_desk(clinic, staff, text)
        # then the row keeps where, the witness and the version
        assert (row.signed_via, row.witness_id, row.text.version) == ("desk", staff.pk, 1)
        assert missing_for(clinic.patient) == []
    else:
        with pytest.raises(IntakeRefused) as refused:
            _at_desk(clinic, staff, text)
        assert refused.value.field == "witness"
        assert not ConsentSignature.objects.exists()


def test_a_clinician_witnesses_once_they_treat_the_patient(clinic: Clinic):
    text = _financial(clinic)
    assert not may_witness(clinic.assistant, clinic.patient)
    _book(clinic, clinic.assistant)
    assert may_witness(clinic.assistant, clinic.patient)
    assert _at_desk(clinic, clinic.assistant, text).witness_id == clinic.assistant.pk


def test_a_location_manager_and_another_clinic_may_not_witness(clinic: Clinic, other_clinic):
    manager = Staff.objects.create(
        user=clinic.biller.user.__class__.objects.create_user("mona", password="x"),
        organisation=clinic.organisation,
        role=Role.MANAGER,
    )
    assert not may_witness(manager, clinic.patient)
    assert not may_witness(other_clinic.therapist, clinic.patient)


def test_the_witness_is_the_staff_member_signed_in(clinic: Clinic):
    text = _financial(clinic)
    with pytest.raises(IntakeRefused) as refused:
        do_sign_consent(
            _as(clinic.biller), clinic.patient, text, signed_name="Pat Example",
            via=SignedVia.DESK, witness=clinic.front_desk, attested=True,
        )  # fmt: skip
    assert refused.value.field == "witness"


def test_a_desk_signature_needs_a_witness_and_the_attestation(clinic: Clinic):
    text = _financial(clinic)
    desk = _as(clinic.front_desk)
    cases = [
        ({"via": SignedVia.DESK, "attested": True}, "witness"),
        ({"via": SignedVia.DESK, "witness": clinic.front_desk}, "attested"),
        ({"via": "kiosk", "witness": clinic.front_desk, "attested": True}, "via"),
        ({"via": SignedVia.PORTAL, "witness": clinic.front_desk}, "via"),
        (
            {"via": SignedVia.DESK, "witness": clinic.front_desk, "attested": True,
             "relationship": "x" * 61},
            "relationship",
        ),
    ]  # fmt: skip
    for extra, field in cases:
        with pytest.raises(IntakeRefused) as refused:
            do_sign_consent(desk, clinic.patient, text, signed_name="Pat Example", **extra)  # type: ignore[arg-type]
        assert refused.value.field == field, extra
    assert not ConsentSignature.objects.exists()


# --- the same version rules as the portal -----------------------------------------------------


def test_one_signature_a_version_and_a_new_version_asks_again(clinic: Clinic):
    owner = _as(clinic.owner)
    v1 = _financial(clinic)
    patient_actor = Actor(user=None, organisation=clinic.organisation, via="patient")
    # given version 1 signed in the portal
    portal = do_sign_consent(patient_actor, clinic.patient, v1, signed_name="Pat Example")
    assert (portal.signed_via, portal.witness_id) == ("portal", None)
    # then the desk cannot sign it again, nor the portal
    with pytest.raises(IntakeRefused, match="signed already"):
        _at_desk(clinic, clinic.front_desk, v1)
    with pytest.raises(IntakeRefused, match="signed already"):
        do_sign_consent(patient_actor, clinic.patient, v1, signed_name="Pat Example")
    # when version 2 is published, it is missing again and version 1 cannot be signed
    v2 = do_publish_consent(owner, clinic.owner, kind="financial", text=FINANCIAL + " Version 2.")
    assert [m.what for m in missing_for(clinic.patient)] == ["Financial policy (new version)"]
    assert missing_for(clinic.patient)[0].key == "financial"
    with pytest.raises(IntakeRefused, match="newer version"):
        _at_desk(clinic, clinic.front_desk, v1)
    # and the desk signs version 2, by the patient's daughter
    row = _at_desk(clinic, clinic.front_desk, v2, relationship="  daughter ")
    assert (row.text_id, row.representative_name, row.representative_relationship) == (
        v2.pk,
        "Pat Example",
        "daughter",
    )
    assert missing_for(clinic.patient) == []
    assert ConsentSignature.objects.filter(patient=clinic.patient).count() == 2


def test_a_desk_signature_is_audited_with_the_patient_and_the_witness(clinic: Clinic):
    row = _at_desk(clinic, clinic.front_desk, _financial(clinic), relationship="son")
    event = AuditEvent.objects.get(object_type="consent_signature", object_id=str(row.pk))
    assert (event.action, event.patient_id) == (AuditAction.SIGN, clinic.patient.pk)
    assert (
        event.reason
        == f"financial v1, desk, witness staff {clinic.front_desk.pk}, by a representative"
    )
    assert "Pat" not in event.reason


# --- the ABN ----------------------------------------------------------------------------------


def test_an_abn_signed_at_the_desk_with_option_1_puts_ga_on_the_claim(billing: Billing):  # noqa: F811
    clinic = billing.clinic
    notice = do_offer_notice(
        _as(clinic.front_desk), clinic.front_desk, clinic.patient, codes=["97110"],
        services="Therapeutic exercise", reason="Medicare may not pay for maintenance exercise.",
        estimated_cost="45.00", today=TODAY,
    )  # fmt: skip
    assert [(m.kind, m.key) for m in missing_for(clinic.patient)] == [("notice", str(notice.pk))]
    # a biller may not witness it
    with pytest.raises(IntakeRefused) as refused:
        do_sign_notice(
            _as(clinic.biller), notice, option=1, signed_name="Pat Example",
            via=SignedVia.DESK, witness=clinic.biller, attested=True,
        )  # fmt: skip
    assert refused.value.field == "witness"
    assert AdvanceNotice.objects.get(pk=notice.pk).status == NoticeStatus.OFFERED
    # the front desk witnesses option 1, the day before the visit
    before = billing.note.date_of_service - dt.timedelta(days=1)
    moment = timezone.make_aware(dt.datetime.combine(before, dt.time(9)))
    signed = do_sign_notice(
        _as(clinic.front_desk), notice, option=1, signed_name="Pat Example",
        via=SignedVia.DESK, witness=clinic.front_desk, attested=True, now=moment,
    )  # fmt: skip
    assert (signed.signed_via, signed.witness_id, signed.option) == (
        "desk",
        clinic.front_desk.pk,
        1,
    )
    event = AuditEvent.objects.get(object_type="advance_notice", action=AuditAction.SIGN)
    assert event.patient_id == clinic.patient.pk
    assert event.reason.startswith("option 1, desk, witness staff")
    # then the claim's 97110 line carries GA, as for a notice signed in the portal
    claim = do_create_claim_from_note(billing.actor, billing.note)
    [line] = [line for line in claim.lines.all() if line.code == "97110"]
    assert "GA" in line.modifiers
    # and a signed notice is not signed again
    with pytest.raises(IntakeRefused):
        do_sign_notice(
            _as(clinic.front_desk), notice, option=2, signed_name="Pat Example",
            via=SignedVia.DESK, witness=clinic.front_desk, attested=True,
        )  # fmt: skip


# --- the ABN offered from a scrub finding -----------------------------------------------------


@pytest.mark.parametrize("liability", [Liability.ABOVE_THRESHOLD, Liability.MAINTENANCE])
def test_a_missing_notice_finding_reads_back_as_the_offer(liability: Liability):
    offer = notice_offer_of(missing_notice_message("97110", liability))
    assert offer is not None
    assert (offer.code, offer.reason) == ("97110", LIABILITY_TABLE[liability].patient_reason)
    assert notice_offer_of("97110 needs a KX modifier.") is None
    assert notice_offer_of("") is None


def test_the_finding_s_fix_link_opens_the_offer_with_the_code_and_reason():
    message = missing_notice_message("97530", Liability.ABOVE_THRESHOLD)
    link = chart_fix_link("medicare.abn-missing", patient_id=7, message=message)
    assert link is not None
    url = urlsplit(link.url)
    assert url.path == "/intake/patients/7/notices/new/"
    query = parse_qs(url.query)
    assert query["codes"] == ["97530"]
    assert query["reason"] == [LIABILITY_TABLE[Liability.ABOVE_THRESHOLD].patient_reason]
    # without a message it is the panel, as before
    assert chart_fix_link("medicare.abn-missing", patient_id=7).url == "/intake/patients/7/"  # type: ignore[union-attr]


def test_the_offer_page_starts_from_the_finding(clinic: Clinic, login):
    link = chart_fix_link(
        "medicare.abn-missing",
        patient_id=clinic.patient.pk,
        message=missing_notice_message("97110", Liability.MAINTENANCE),
    )
    assert link is not None
    page = login(clinic.front_desk).get(link.url).content.decode()
    assert 'value="97110"' in page
    assert "without skilled progression" in page


# --- the desk's pages -------------------------------------------------------------------------


def _consent_url(clinic: Clinic, kind: str = "financial") -> str:
    return f"/intake/patients/{clinic.patient.pk}/consents/{kind}/sign/"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("front_desk", 200), ("owner", 200), ("therapist", 200), ("assistant", 403), ("biller", 403)],
)
def test_who_opens_the_desk_screen(clinic: Clinic, login, persona: str, status: int):
    _financial(clinic)
    page = login(getattr(clinic, persona)).get(_consent_url(clinic))
    assert page.status_code == status
    if status == 200:
        assert FINANCIAL in page.content.decode()
        assert AuditEvent.objects.filter(
            object_type="consent_text", action=AuditAction.VIEW, patient_id=clinic.patient.pk
        ).exists()


def test_the_desk_screen_names_bad_input_and_signs_good_input(clinic: Clinic, login):
    text = _financial(clinic)
    desk = login(clinic.front_desk)
    url = _consent_url(clinic)
    base = {"version": str(text.pk), "signer": "patient", "signed_name": "Pat Example"}
    # no attestation, a representative without relationship, junk: form errors, never a 500
    for data, said in [
        (base, "Tick the box to confirm"),
        ({**base, "attested": "on", "signer": "representative"}, "how the representative"),
        ({**base, "attested": "on", "signed_name": ""}, "Type the full name"),
        ({**base, "attested": "on", "signer": "robot"}, "Select a valid choice"),
        ({**base, "attested": "on", "version": "abc"}, "read the text above again"),
    ]:
        page = desk.post(url, data)
        assert page.status_code == 400, data
        assert said in page.content.decode(), data
    assert not ConsentSignature.objects.exists()
    # a version published meanwhile is shown, not signed
    v2 = do_publish_consent(
        _as(clinic.owner), clinic.owner, kind="financial", text=FINANCIAL + " (2)"
    )
    page = desk.post(url, {**base, "attested": "on"})
    assert page.status_code == 400
    assert "newer version" in page.content.decode()
    assert f'value="{v2.pk}"' in page.content.decode()
    # the right version, ticked: signed, and back where the desk came from
    done = desk.post(url, {**base, "version": str(v2.pk), "attested": "on", "next": "/schedule/"})
    assert (done.status_code, done["Location"]) == (302, "/schedule/")
    row = ConsentSignature.objects.get()
    assert (row.text_id, row.signed_via, row.witness_id) == (v2.pk, "desk", clinic.front_desk.pk)
    # a next pointing elsewhere is not followed; a signed version shows its signature
    assert (
        "This version was signed" in desk.get(url + "?next=https://evil.example/").content.decode()
    )
    assert desk.get(_consent_url(clinic, "nonsense")).status_code == 404


def test_the_desk_notice_screen(billing: Billing, login):  # noqa: F811
    clinic = billing.clinic
    notice = do_offer_notice(
        _as(clinic.front_desk), clinic.front_desk, clinic.patient, codes=["97110"],
        services="Therapeutic exercise", reason="Maintenance exercise.", estimated_cost="45.00",
        today=TODAY,
    )  # fmt: skip
    url = f"/intake/patients/{clinic.patient.pk}/notices/{notice.pk}/sign/"
    assert login(clinic.biller).get(url).status_code == 403
    desk = login(clinic.front_desk)
    page = desk.get(url)
    assert "$45.00" in page.content.decode()
    assert AuditEvent.objects.filter(
        object_type="advance_notice", action=AuditAction.VIEW, patient_id=clinic.patient.pk
    ).exists()
    base = {"signer": "patient", "signed_name": "Pat Example", "attested": "on"}
    for data in [base, {**base, "option": "7"}, {**base, "option": "one"}]:
        bad = desk.post(url, data)
        assert bad.status_code == 400
        assert "Choose option 1, 2 or 3" in bad.content.decode()
    done = desk.post(url, {**base, "option": "1"})
    assert done.status_code == 302
    signed = AdvanceNotice.objects.get()
    assert (signed.status, signed.option, signed.signed_via) == ("signed", 1, "desk")
    # a signed notice has no desk screen any more
    assert desk.get(url).status_code == 404
