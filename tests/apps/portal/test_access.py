"""Whose record a portal account sees (ADR 0950): its own and its dependants', chosen in the
session (never in the URL), every page audited as the account viewing that patient."""

from __future__ import annotations

from django.test import Client

from cleannote.apps.audit.models import AuditAction, AuditEvent
from cleannote.apps.portal.actions import do_invite_to_portal, do_revoke_portal_access
from cleannote.apps.portal.models import PortalAccess
from tests.apps.portal.conftest import signed_in_client
from tests.personas import client_for


def _views_of(account_id: int) -> list[int | None]:
    return list(
        AuditEvent.objects.filter(
            actor_username=f"portal account {account_id}",
            action=AuditAction.VIEW,
            object_type="portal_page",
        )
        .order_by("id")
        .values_list("patient_id", flat=True)
    )


def test_a_guardian_sees_their_own_record_and_their_dependants(family):
    account, _ = do_invite_to_portal(family.actor, family.parent, channel="email")
    same, secret = do_invite_to_portal(
        family.actor, family.child, channel="email", relationship="parent"
    )
    assert same == account  # the same address on the child's chart: one account, two charts
    browser = signed_in_client(secret)

    own = browser.get("/portal/").content.decode()
    child_access = PortalAccess.objects.get(patient=family.child)
    browser.post("/portal/viewing/", {"access": child_access.pk})
    child = browser.get("/portal/").content.decode()

    assert "Hello, Paula" in own
    assert "Kit (parent)" in own
    assert "Hello, Kit" in child
    assert "Sam" not in own + child
    assert _views_of(account.pk) == [family.parent.pk, family.child.pk]
    assert (
        AuditEvent.objects.filter(actor_username=f"portal account {account.pk}")
        .exclude(patient_id__in=[family.parent.pk, family.child.pk])
        .exclude(patient_id=None)
        .count()
        == 0
    )


def test_an_account_cannot_choose_a_chart_it_was_not_given(family):
    _account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    other, _ = do_invite_to_portal(family.actor, family.stranger, channel="email")
    stranger_access = PortalAccess.objects.get(account=other)
    browser = signed_in_client(secret)

    refused = browser.post("/portal/viewing/", {"access": stranger_access.pk})

    assert refused.status_code == 400
    assert "Hello, Paula" in browser.get("/portal/").content.decode()


def test_no_patient_data_in_portal_urls(family):
    _account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    browser = signed_in_client(secret)
    page = browser.get("/portal/").content.decode()
    hrefs = [part.split('"', 1)[0] for part in page.split('href="')[1:]]
    actions = [part.split('"', 1)[0] for part in page.split('action="')[1:]]
    for url in hrefs + actions:
        for private in ("Paula", family.parent.chart_number, "1980", str(family.parent.pk)):
            assert private not in url, url


def test_ended_access_ends_the_portal_session(family):
    _account, secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    browser = signed_in_client(secret)
    do_revoke_portal_access(family.actor, PortalAccess.objects.get(patient=family.parent))

    page = browser.get("/portal/").content.decode()

    assert 'id="send-link"' in page


def test_the_chart_page_invites_by_consented_channels_only(family):
    desk = client_for(family.desk)
    family.parent.sms_consent, family.parent.sms_consent_on = False, None
    family.parent.save()

    page = desk.get(f"/portal-access/{family.parent.pk}/").content.decode()
    sent = desk.post(f"/portal-access/{family.parent.pk}/", {"channel": "email"})
    refused = desk.post(f"/portal-access/{family.parent.pk}/", {"channel": "sms"})
    chart = desk.get(f"/patients/{family.parent.pk}/").content.decode()

    assert 'value="email"' in page
    assert 'value="sms"' not in page
    assert sent.status_code == 200
    assert 'id="invite-sent"' in sent.content.decode()
    assert refused.status_code == 400
    assert f"/portal-access/{family.parent.pk}/" in chart
    assert Client().get(f"/portal-access/{family.parent.pk}/").status_code == 302
