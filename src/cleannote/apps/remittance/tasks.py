"""Background 835 import. Idempotent: the file's sha256 makes a retried job a no-op."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.remittance.actions import do_import_835


def import_835(
    organisation_id: int, file_name: str, data: bytes, user_id: int | None = None
) -> int:
    """Post the file; the id of its EraFile row."""
    organisation = Organisation.objects.get(pk=organisation_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return do_import_835(Actor(user=user, organisation=organisation), data, file_name=file_name).pk
