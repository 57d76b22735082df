"""The patient's paperwork pages in the portal (apps/portal/intake_views.py, ADR 0960): only
the record viewed, answers refused next to their question, signatures by the portal account."""

from __future__ import annotations

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.intake.actions import (
    do_offer_notice,
    do_publish_consent,
    do_publish_form,
    do_send_form,
)
from cleannote.apps.intake.models import AdvanceNotice, ConsentSignature, IntakeResponse
from cleannote.apps.organisations.models import Role
from cleannote.apps.patients.models import Coverage
from cleannote.apps.portal.actions import do_invite_to_portal
from tests.apps.portal.conftest import (  # noqa: F401  (fixtures)
    Family,
    _fresh_rate_limits,
    family,
    signed_in_client,
)
from tests.personas import TODAY, _staff

pytestmark = pytest.mark.django_db

FIELDS = [
    {"key": "pain", "label": "Pain now", "type": "scale", "required": True},
    {"key": "sign", "label": "Signature", "type": "signature", "required": True},
]


def test_the_patient_answers_signs_and_sees_only_their_own(family: Family):  # noqa: F811
    owner = _staff(family.desk.organisation, "olive", Role.OWNER, "PT", "1245319599")
    as_owner = Actor(user=owner.user, organisation=owner.organisation)
    form = do_publish_form(as_owner, owner, name="Intake", fields=FIELDS).form
    mine = do_send_form(family.actor, family.parent, form)
    theirs = do_send_form(family.actor, family.stranger, form)
    do_publish_consent(as_owner, owner, kind="treatment", text="I consent to therapy here.")
    _account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    browser = signed_in_client(secret)
    # the list names the form and the consent; another patient's form answers 404
    page = browser.get("/portal/paperwork/").content.decode()
    assert "Intake" in page
    assert "Consent to treatment" in page
    assert browser.get(f"/portal/paperwork/forms/{theirs.pk}/").status_code == 404
    # a missing answer is named next to its question, then the form is signed
    refused = browser.post(f"/portal/paperwork/forms/{mine.pk}/", {"sign": "Paula F"})
    assert refused.status_code == 400
    assert 'id="err-pain"' in refused.content.decode()
    browser.post(
        f"/portal/paperwork/forms/{mine.pk}/",
        {"pain": "3", "sign": "Paula Family", "signed_name": "Paula Family"},
    )
    assert IntakeResponse.objects.get(pk=mine.pk).status == "signed"
    browser.post("/portal/paperwork/consents/treatment/", {"signed_name": "Paula Family"})
    [signature] = ConsentSignature.objects.filter(patient=family.parent)
    assert signature.signed_via == "portal"
    assert AuditEvent.objects.filter(
        object_type="consent_signature", patient_id=family.parent.pk
    ).exists()


def test_the_patient_signs_an_abn_with_an_option(family: Family):  # noqa: F811
    Coverage.objects.create(
        patient=family.parent, priority="primary", payer_name="Medicare", payer_id="MCR",
        kind="medicare", member_id="1EG4TE5MK73", active_from=TODAY,
    )  # fmt: skip
    notice = do_offer_notice(
        family.actor, family.desk, family.parent, codes=["97110"], services="Exercise",
        reason="May not be medically necessary.", estimated_cost="45", today=TODAY,
    )  # fmt: skip
    _account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    browser = signed_in_client(secret)
    url = f"/portal/paperwork/notices/{notice.pk}/"
    assert "$45.00" in browser.get(url).content.decode()
    assert browser.post(url, {"signed_name": "Paula Family"}).status_code == 400
    browser.post(url, {"option": "2", "signed_name": "Paula Family"})
    signed = AdvanceNotice.objects.get(pk=notice.pk)
    assert (signed.status, signed.option) == ("signed", 2)
