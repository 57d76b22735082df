"""What every list and read endpoint shares: paging, the organisation's row or a 404, and the
audit row each call writes, like the page that shows the same records (ADR 0901)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from cleannote.apps.api.errors import not_found
from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.api_tokens import TokenAccess

M = TypeVar("M", bound=Model)


def one(rows: QuerySet[M], pk: int, kind: str) -> M:
    """The organisation's row with this id (the queryset is already scoped), else 404: another
    organisation's record is as missing as one that never was."""
    row = rows.filter(pk=pk).first()
    if row is None:
        raise not_found(kind)
    return row


def page(
    rows: QuerySet[M], limit: int, offset: int, out: Callable[[M], Any]
) -> tuple[dict[str, Any], list[M]]:
    """One page of rows in id order, as the `Page` body, and the rows themselves."""
    total = rows.count()
    chosen = list(rows.order_by("pk")[offset : offset + limit])
    body = {"items": [out(row) for row in chosen], "total": total, "limit": limit, "offset": offset}
    return body, chosen


def audit_view(access: TokenAccess, kind: str, object_id: object, patient_id: int | None) -> None:
    do_record_audit_event(access.actor, AuditAction.VIEW, kind, object_id, patient_id=patient_id)


def audit_list(access: TokenAccess, kind: str, offset: int, patient_ids: Sequence[int]) -> None:
    do_record_audit_event(
        access.actor,
        AuditAction.LIST,
        f"api_{kind}_list",
        offset,
        shown_patient_ids=list(dict.fromkeys(patient_ids)),
    )
