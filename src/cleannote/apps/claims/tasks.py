"""Background jobs for claims. Each is importable by path and idempotent: run twice, the
second run finds the first one's batch and files nothing again (ADR 0110)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_build_batch, do_file_batch
from cleannote.apps.exchange.clearinghouse import adapter_from_settings
from cleannote.apps.organisations.models import Organisation


def build_and_file_batch(
    organisation_id: int, claim_ids: list[int], user_id: int | None = None
) -> int:
    """Build (or find) the batch of these claims and file it in the outbox; its id."""
    organisation = Organisation.objects.get(pk=organisation_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    actor = Actor(user=user, organisation=organisation)
    batch = do_build_batch(actor, claim_ids)
    return do_file_batch(actor, batch, adapter_from_settings()).pk
