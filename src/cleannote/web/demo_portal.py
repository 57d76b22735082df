"""The demo's patient portal account (ADR 0951): the patient of the newest statement with a
balance gets an email address with consent on the chart (the desk's chart edit), an invitation
from the desk (`do_invite_to_portal`, the email goes to the demo's mail backend) and the demo
password, so a person trying the demo signs in at /portal/ with that email and the staff demo
password and sees the statement.

Only demos of `demo_money.MIN_PATIENTS` (20) or more: the small demos carry no statements.
"""

from __future__ import annotations

import datetime as dt

from cleannote.apps.audit.actions import Actor
from cleannote.apps.ledger.statement_models import Statement
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.patients.chart_actions import do_update_patient
from cleannote.apps.portal.actions import do_invite_to_portal, do_set_portal_password, portal_actor
from cleannote.apps.portal.models import PortalAccount
from cleannote.web.demo_money import MIN_PATIENTS

PORTAL_EMAIL = "portal-demo@example.com"


def load_demo_portal(
    organisation: Organisation, today: dt.date, patients: int, password: str
) -> PortalAccount | None:
    """The demo patient's portal account, or None in a small demo or without a statement."""
    desk = Staff.objects.filter(organisation=organisation, user__username="demo-frontdesk").first()
    statement = (
        Statement.objects.filter(organisation=organisation, amount_due__gt=0)
        .select_related("patient")
        .order_by("-statement_date", "-id")
        .first()
    )
    if patients < MIN_PATIENTS or desk is None or statement is None:
        return None
    actor = Actor(user=desk.user, organisation=organisation)
    patient = statement.patient
    do_update_patient(
        actor,
        patient,
        reason="patient asked for portal access (demo)",
        email=PORTAL_EMAIL,
        email_consent=True,
        email_consent_on=today,
    )
    account, _secret = do_invite_to_portal(actor, patient, channel="email")
    do_set_portal_password(portal_actor(account), account, password)
    return account
