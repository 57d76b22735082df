"""What every list and read endpoint shares: paging, the organisation's row or a 404, and the
audit row each call writes, like the page that shows the same records (ADR 0901).

An endpoint names its scoped rows, its kind and its body; `list_for_patient` and `read_one`
do the rest, so every list filters, pages and audits alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Status

from cleannote.apps.api.errors import not_found
from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.api_tokens import TokenAccess

M = TypeVar("M", bound=Model)


def patient_id_of(row: Any) -> int:
    """The patient a row is about, for the audit row: most rows carry `patient_id`."""
    return int(row.patient_id)


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


def list_for_patient(
    access: TokenAccess,
    rows: QuerySet[M],
    kind: str,
    out: Callable[[M], Any],
    *,
    limit: int,
    offset: int,
    patient_of: Callable[[M], int] = patient_id_of,
    **filters: int | None,
) -> Status[dict[str, Any]]:
    """One page of the organisation's rows narrowed by each filter given (`patient_id=12`,
    `case_id=3`; None leaves it out), with the list's audit row naming the patients shown."""
    for column, value in filters.items():
        if value is not None:
            rows = rows.filter(**{column: value})
    body, shown = page(rows, limit, offset, out)
    audit_list(access, kind, offset, [patient_of(row) for row in shown])
    return Status(200, body)


def read_one(
    access: TokenAccess,
    rows: QuerySet[M],
    pk: int,
    kind: str,
    out: Callable[[M], Any],
    *,
    patient_of: Callable[[M], int] = patient_id_of,
) -> Status[dict[str, Any]]:
    """The organisation's row with this id as its body (else 404), with its view audit row."""
    row = one(rows, pk, kind)
    audit_view(access, kind, row.pk, patient_of(row))
    return Status(200, out(row))


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
