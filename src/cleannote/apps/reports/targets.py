"""The clinic's report targets: the one selector every report reads them through, and the
action that changes them (ADR 0802)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.models import Location, Organisation
from cleannote.apps.reports.models import ReportTarget
from cleannote.rules.reporting import (
    DEFAULT_TARGETS,
    Target,
    TargetError,
    parse_target,
    plain,
    targets_with,
)


class TargetErrors(ValueError):
    """Every target refused in one save, each naming its figure; nothing was saved."""

    def __init__(self, errors: list[TargetError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    @property
    def by_field(self) -> dict[str, str]:
        return {e.field: str(e) for e in self.errors}


def saved_targets(
    organisation: Organisation, location_id: int | None = None
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The values the clinic set: (the organisation's, the location's), one query."""
    rows = ReportTarget.objects.filter(organisation=organisation).filter(
        Q(location__isnull=True) | Q(location_id=location_id)
        if location_id
        else Q(location__isnull=True)
    )
    clinic: dict[str, Decimal] = {}
    located: dict[str, Decimal] = {}
    for location, key, value in rows.order_by().values_list("location_id", "key", "value"):
        (located if location else clinic)[key] = plain(value)
    return clinic, located


def report_targets(organisation: Organisation, location_id: int | None = None) -> dict[str, Target]:
    """The targets a report compares with: the defaults, the organisation's over them, and
    with a location chosen, the location's over those. One query."""
    clinic, located = saved_targets(organisation, location_id)
    return targets_with(clinic, located)


@transaction.atomic
def do_set_report_targets(
    actor: Actor,
    organisation: Organisation,
    values: Mapping[str, str],
    *,
    location: Location | None = None,
) -> dict[str, Decimal | None]:
    """Set the organisation's (or one location's) targets from what the owner typed: a blank
    goes back to the default (or, for a location, to the clinic's). Every figure is checked
    first and nothing is saved if any is refused (TargetErrors). One audit row names the
    figures changed."""
    if location is not None and location.organisation_id != organisation.pk:
        raise ValueError("the location is not this organisation's")
    parsed: dict[str, Decimal | None] = {}
    errors: list[TargetError] = []
    for key in DEFAULT_TARGETS:
        try:
            parsed[key] = parse_target(key, values.get(key, ""))
        except TargetError as error:
            errors.append(error)
    if errors:
        raise TargetErrors(errors)
    clinic, located = saved_targets(organisation, location.pk if location else None)
    before = located if location is not None else clinic
    changed = sorted(k for k, v in parsed.items() if before.get(k) != v)
    rows = ReportTarget.objects.filter(organisation=organisation, location=location)
    for key in changed:
        value = parsed[key]
        if value is None:
            rows.filter(key=key).delete()
        else:
            rows.update_or_create(
                organisation=organisation, location=location, key=key, defaults={"value": value}
            )
    if changed:
        do_record_audit_event(
            actor,
            AuditAction.UPDATE,
            "report_targets",
            f"location {location.pk}" if location is not None else "organisation",
            reason="changed " + ", ".join(changed),
        )
    return parsed
