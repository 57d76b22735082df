"""The only writers of the payer directory. Each change is one transaction with its audit rows.

A coverage linked to a payer keeps a copy of the payer's name, claims id and kind (the claims
app reads them); `do_update_payer` rewrites those copies in the same transaction so a claim,
its price list and its scrub never disagree about who the payer is (ADR 0330).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.payers.models import IDENTITY_FIELDS, Payer

EDITABLE_FIELDS = (*IDENTITY_FIELDS, "policy_overrides")
# What a linked coverage copies from its payer (patients.Coverage field: Payer field).
COVERAGE_COPY = {"payer_name": "name", "payer_id": "claims_payer_id", "kind": "kind"}


class PayerChangeRefused(ValueError):
    """The change would break the directory (e.g. a claims payer id already in use)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _duplicate(field: str = "claims_payer_id") -> PayerChangeRefused:
    return PayerChangeRefused(field, "Another payer in the directory already has this claims id.")


@transaction.atomic
def do_create_payer(actor: Actor, payer: Payer) -> Payer:
    """Add an unsaved payer to the actor's organisation's directory."""
    payer.organisation = actor.organisation
    payer.full_clean(validate_unique=False, validate_constraints=False)
    if Payer.objects.filter(
        organisation=actor.organisation, claims_payer_id=payer.claims_payer_id
    ).exists():
        raise _duplicate()
    try:
        with transaction.atomic():
            payer.save()
    except IntegrityError:  # the same id added between the check and the insert
        raise _duplicate() from None
    do_record_audit_event(actor, AuditAction.CREATE, "payer", payer.pk)
    return payer


@transaction.atomic
def do_update_payer(actor: Actor, payer: Payer, **changes: Any) -> list[str]:
    """Apply an edit; one audit row per field that changed (`payer.<field>`). Returns those
    fields. Linked coverages' copies of name, claims id and kind follow in the same transaction.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    row = Payer.objects.select_for_update().get(pk=payer.pk, organisation=actor.organisation)
    changed = [f for f in EDITABLE_FIELDS if f in changes and getattr(row, f) != changes[f]]
    if not changed:
        return []
    for field in changed:
        setattr(row, field, changes[field])
    row.full_clean(validate_unique=False, validate_constraints=False)
    if (
        "claims_payer_id" in changed
        and Payer.objects.filter(
            organisation=row.organisation_id, claims_payer_id=row.claims_payer_id
        )
        .exclude(pk=row.pk)
        .exists()
    ):
        raise _duplicate()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise _duplicate() from None
    copies = {c: getattr(row, p) for c, p in COVERAGE_COPY.items() if p in changed}
    if copies:
        # Reverse relation from patients.Coverage.payer_record: no import of the higher app.
        row.coverages.update(**copies)
    for field in changed:
        do_record_audit_event(actor, AuditAction.UPDATE, f"payer.{field}", row.pk)
    payer.refresh_from_db()
    return changed


@transaction.atomic
def do_find_or_add_payer(actor: Actor, *, name: str, claims_payer_id: str, kind: str) -> Payer:
    """The directory's payer with this claims id, added (and audited) when there is none: the
    registration form's "new payer" and the demo loader use it."""
    found = Payer.objects.filter(
        organisation=actor.organisation, claims_payer_id=claims_payer_id
    ).first()
    if found is not None:
        return found
    try:
        return do_create_payer(actor, Payer(name=name, claims_payer_id=claims_payer_id, kind=kind))
    except PayerChangeRefused:  # another request added the same id a moment ago: use it
        found = Payer.objects.filter(
            organisation=actor.organisation, claims_payer_id=claims_payer_id
        ).first()
        if found is None:
            raise
        return found
