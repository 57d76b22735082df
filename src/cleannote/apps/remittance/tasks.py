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


def import_downloaded_835(actor: Actor, data: bytes, file_name: str) -> str:
    """The exchange's importer for a downloaded 835 (ADR 0701): post it; what was posted."""
    era = do_import_835(actor, data, file_name=file_name)
    return f"835 file {era.pk}: {era.postings.count()} claim payment(s) posted"
