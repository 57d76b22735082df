"""A small clinic for the portal's tests: a front desk, a parent with email consent and a
child whose chart carries the parent's email, and a patient of another clinic at the same
address. Rate limits start empty and their clock stands still (as for scheduling's public
pages, ADR 0641)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.models import Role, Staff
from cleannote.apps.patients.actions import do_register_patient
from cleannote.apps.patients.models import Patient
from tests.personas import VALID_NPIS, _organisation, _staff

EMAIL = "parent@example.com"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db, monkeypatch):
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000))
    cache.clear()
    yield
    cache.clear()


@dataclass
class Family:
    desk: Staff
    actor: Actor
    parent: Patient
    child: Patient
    stranger: Patient


def register(actor: Actor, first: str, *, email: str = "", phone: str = "") -> Patient:
    today = timezone.localdate()
    return do_register_patient(
        actor,
        patient=Patient(
            first_name=first,
            last_name="Family",
            birth_date=dt.date(1980, 3, 2),
            sex="F",
            email=email,
            email_consent=bool(email),
            email_consent_on=today if email else None,
            phone=phone,
            sms_consent=bool(phone),
            sms_consent_on=today if phone else None,
        ),
    )


@pytest.fixture
def family(db) -> Family:
    organisation, _location = _organisation("Riverside", VALID_NPIS[0])
    desk = _staff(organisation, "fran", Role.FRONT_DESK)
    actor = Actor(user=desk.user, organisation=organisation, ip_address="10.0.0.5")
    parent = register(actor, "Paula", email=EMAIL, phone="217-555-0134")
    child = register(actor, "Kit", email=EMAIL)
    stranger = register(actor, "Sam", email="sam@example.com")
    return Family(desk, actor, parent, child, stranger)


def link_in_mail() -> str:
    """The secret of the newest sign-in link in the test mailbox."""
    found = re.findall(r"/portal/link/([^/\s]+)/", mail.outbox[-1].body)
    assert found, "no sign-in link in the last email"
    return str(found[-1])


def signed_in_client(secret: str) -> Client:
    client = Client(REMOTE_ADDR="10.9.8.7")
    response = client.post(f"/portal/link/{secret}/")
    assert response.status_code == 302, response.content[:300]
    return client
