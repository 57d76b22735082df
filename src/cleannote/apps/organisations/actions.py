"""The only writers of organisations, locations and staff."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from cleannote.apps.audit.models import AuditChainHead
from cleannote.apps.organisations.models import Location, Organisation, Role, Staff


@transaction.atomic
def do_create_organisation(**fields: Any) -> Organisation:
    """Create the organisation with its audit chain head, so the first audit write can lock it."""
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    AuditChainHead.objects.create(organisation=organisation)
    return organisation


@transaction.atomic
def do_create_location(organisation: Organisation, **fields: Any) -> Location:
    location = Location(organisation=organisation, **fields)
    location.full_clean()
    location.save()
    return location


@transaction.atomic
def do_create_staff(
    organisation: Organisation,
    *,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    role: Role,
    credential: str = "",
    npi: str = "",
    taxonomy: str = "",
    default_location: Location | None = None,
    email: str = "",
) -> Staff:
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    staff = Staff(
        user=user,
        organisation=organisation,
        role=role,
        credential=credential,
        npi=npi,
        taxonomy=taxonomy,
        default_location=default_location,
    )
    staff.full_clean()
    staff.save()
    return staff
