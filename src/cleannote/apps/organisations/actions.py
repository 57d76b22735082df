"""The only writers of organisations, locations and staff, and of their two-factor devices.

Every change the owner or a user makes through the pages is one `do_*` call: one transaction
with its audit row, which names who acted, what changed (in `object_type`) and for whom (the
staff id in `object_id`). Passwords, codes and keys never reach an audit row or a log line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NotRequired, TypedDict, Unpack

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cleannote.apps.audit.actions import Actor, do_open_chain, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.invitations import invitation_tokens
from cleannote.apps.organisations.models import Location, Organisation, Role, Room, Staff
from cleannote.apps.organisations.roles import TWO_FACTOR_ROLES
from cleannote.platform.clock import HourCycle


@transaction.atomic
def do_create_organisation(**fields: Any) -> Organisation:
    """Create the organisation with its audit chain head, so the first audit write can lock it."""
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    do_open_chain(organisation)
    return organisation


@transaction.atomic
def do_create_location(organisation: Organisation, **fields: Any) -> Location:
    location = Location(organisation=organisation, **fields)
    location.full_clean()
    location.save()
    return location


class RoomRefused(ValueError):
    """A room that cannot be saved as given; the message says which field and why."""


@transaction.atomic
def do_create_room(actor: Actor, *, location: Location, name: str, equipment: str = "") -> Room:
    """A bookable room at one of the organisation's locations, audited (`room`)."""
    if location.organisation_id != actor.organisation.pk:
        raise RoomRefused(f"location {location.pk}: belongs to another organisation")
    name = " ".join(name.split())
    if not name:
        raise RoomRefused("room name: give the room a name")
    if Room.objects.filter(location=location, name__iexact=name).exists():
        raise RoomRefused(f"room name: {location.name} already has a room called {name}")
    room = Room(organisation=actor.organisation, location=location, name=name, equipment=equipment)
    room.full_clean()
    room.save()
    do_record_audit_event(actor, AuditAction.CREATE, "room", room.pk)
    return room


@transaction.atomic
def do_update_room(actor: Actor, *, room: Room, name: str, equipment: str = "") -> Room:
    """Rename a room or change its equipment tags, audited (`room`); refused like a new one."""
    if room.organisation_id != actor.organisation.pk:
        raise RoomRefused(f"room {room.pk}: belongs to another organisation")
    name = " ".join(name.split())
    if not name:
        raise RoomRefused("room name: give the room a name")
    clash = Room.objects.filter(location_id=room.location_id, name__iexact=name).exclude(pk=room.pk)
    if clash.exists():
        raise RoomRefused(f"room name: {room.location.name} already has a room called {name}")
    room.name, room.equipment = name, equipment
    room.full_clean()
    room.save(update_fields=["name", "equipment"])
    do_record_audit_event(actor, AuditAction.UPDATE, "room", room.pk)
    return room


@transaction.atomic
def do_set_room_active(actor: Actor, *, room: Room, active: bool) -> Room:
    """Take a room out of booking (its past appointments keep it) or bring it back, audited."""
    if room.organisation_id != actor.organisation.pk:
        raise RoomRefused(f"room {room.pk}: belongs to another organisation")
    room.active = active
    room.save(update_fields=["active"])
    do_record_audit_event(
        actor, AuditAction.UPDATE, "room", room.pk, reason="activated" if active else "deactivated"
    )
    return room


class NewStaff(TypedDict):
    """A new login's staff row: what do_create_staff and do_invite_staff take."""

    username: str
    first_name: str
    last_name: str
    role: Role
    credential: NotRequired[str]
    npi: NotRequired[str]
    taxonomy: NotRequired[str]
    default_location: NotRequired[Location | None]
    managed_locations: NotRequired[list[Location]]


@transaction.atomic
def do_create_staff(
    organisation: Organisation,
    *,
    password: str | None,
    email: str = "",
    **fields: Unpack[NewStaff],
) -> Staff:
    """A login and its staff row; no password (None) leaves the login unusable until one is set."""
    user = get_user_model().objects.create_user(
        username=fields["username"],
        password=password,
        first_name=fields["first_name"],
        last_name=fields["last_name"],
        email=email,
    )
    staff = Staff(
        user=user,
        organisation=organisation,
        role=fields["role"],
        credential=fields.get("credential", ""),
        npi=fields.get("npi", ""),
        taxonomy=fields.get("taxonomy", ""),
        default_location=fields.get("default_location"),
    )
    staff.full_clean()
    staff.save()
    _set_managed_locations(staff, fields.get("managed_locations", []))
    return staff


def _set_managed_locations(staff: Staff, locations: list[Location]) -> bool:
    """The locations a location manager runs (ADR 0845): at least one of their own
    organisation's; every other role runs none. Whether they changed."""
    wanted = {loc.pk for loc in locations} if staff.role == Role.MANAGER else set()
    if any(loc.organisation_id != staff.organisation_id for loc in locations):
        raise StaffChangeRefused("A location manager runs locations of their own organisation.")
    if staff.role == Role.MANAGER and not wanted:
        raise StaffChangeRefused("A location manager runs at least one location: tick it.")
    if set(staff.managed_locations.values_list("pk", flat=True)) == wanted:
        return False
    staff.managed_locations.set(wanted)
    return True


class StaffChangeRefused(Exception):
    """A staff change the organisation's rules forbid; the message says which rule."""


# The fields an edit may change, each audited as its own `staff.<field>` row.
EDITABLE_USER_FIELDS = ("first_name", "last_name")
EDITABLE_STAFF_FIELDS = ("role", "credential", "npi", "taxonomy", "default_location")


def _staff_row(staff: Staff) -> Staff:
    """The staff row and its login, locked for the change."""
    return Staff.objects.select_for_update().select_related("user", "organisation").get(pk=staff.pk)


def _other_active_owners(staff: Staff) -> int:
    return (
        Staff.objects.filter(
            organisation_id=staff.organisation_id, role=Role.OWNER, user__is_active=True
        )
        .exclude(pk=staff.pk)
        .count()
    )


def _keep_an_owner(staff: Staff) -> None:
    if staff.role == Role.OWNER and _other_active_owners(staff) == 0:
        raise StaffChangeRefused(
            "An organisation keeps at least one active owner: add or reactivate another owner "
            "first."
        )


@transaction.atomic
def do_invite_staff(actor: Actor, **fields: Unpack[NewStaff]) -> tuple[Staff, str]:
    """Add a login without a password and issue its one-time invitation token (ADR 0220)."""
    staff = do_create_staff(actor.organisation, password=None, **fields)
    do_record_audit_event(actor, AuditAction.CREATE, "staff", staff.pk)
    return staff, _issue_invitation(actor, staff)


def _issue_invitation(actor: Actor, staff: Staff) -> str:
    # A fresh unusable password changes the hash the token signs, so every earlier link for
    # this login stops working the moment a new one is issued.
    staff.user.set_unusable_password()
    staff.user.save(update_fields=["password"])
    do_record_audit_event(actor, AuditAction.CREATE, "staff.invitation", staff.pk)
    return invitation_tokens.make_token(staff.user)


@transaction.atomic
def do_reissue_invitation(actor: Actor, staff: Staff) -> str:
    """A new invitation link for a login that has not set a password yet; older links die."""
    staff = _staff_row(staff)
    if staff.user.has_usable_password():
        raise StaffChangeRefused(
            "This login already has a password: reset it to a temporary one instead."
        )
    if not staff.user.is_active:
        raise StaffChangeRefused("Reactivate this login before inviting it again.")
    return _issue_invitation(actor, staff)


@transaction.atomic
def do_accept_invitation(staff: Staff, password: str) -> None:
    """The invitee sets their own password; the link is spent because the hash it signs changed."""
    staff = _staff_row(staff)
    staff.user.set_password(password)
    staff.user.save(update_fields=["password"])
    staff.must_change_password = False
    staff.save(update_fields=["must_change_password"])
    actor = Actor(user=staff.user, organisation=staff.organisation)
    do_record_audit_event(actor, AuditAction.UPDATE, "staff.invitation_accepted", staff.pk)


@transaction.atomic
def do_update_staff(actor: Actor, staff: Staff, **changes: Any) -> list[str]:
    """Apply the owner's edit; one audit row per field that changed. Returns those fields."""
    row = _staff_row(staff)
    unknown = (
        set(changes)
        - set(EDITABLE_USER_FIELDS)
        - set(EDITABLE_STAFF_FIELDS)
        - {"managed_locations"}
    )
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    new_role = changes.get("role", row.role)
    if row.role == Role.OWNER and new_role != Role.OWNER and row.user.is_active:
        _keep_an_owner(row)
    changed: list[str] = []
    for field in EDITABLE_USER_FIELDS:
        if field in changes and getattr(row.user, field) != changes[field]:
            setattr(row.user, field, changes[field])
            changed.append(field)
    for field in EDITABLE_STAFF_FIELDS:
        if field in changes and getattr(row, field) != changes[field]:
            setattr(row, field, changes[field])
            changed.append(field)
    locations = list(changes.get("managed_locations") or [])
    if ("managed_locations" in changes or "role" in changed) and _set_managed_locations(
        row, locations
    ):
        changed.append("managed_locations")
    if not changed:
        return []
    row.full_clean()
    row.user.save(update_fields=[f for f in EDITABLE_USER_FIELDS if f in changed] or None)
    row.save()
    for field in changed:
        do_record_audit_event(actor, AuditAction.UPDATE, f"staff.{field}", row.pk)
    return changed


@transaction.atomic
def do_set_staff_active(actor: Actor, staff: Staff, *, active: bool) -> bool:
    """Deactivate (no sign-in, sessions end; signed notes stay) or reactivate a login."""
    row = _staff_row(staff)
    if row.user.is_active == active:
        return False
    if not active:
        if row.user_id == (actor.user.pk if actor.user else None):
            raise StaffChangeRefused("You cannot deactivate your own login.")
        _keep_an_owner(row)
    row.user.is_active = active
    row.user.save(update_fields=["is_active"])
    kind = "staff.reactivated" if active else "staff.deactivated"
    do_record_audit_event(actor, AuditAction.UPDATE, kind, row.pk)
    return True


@transaction.atomic
def do_reset_staff_password(actor: Actor, staff: Staff, temporary_password: str) -> None:
    """Give a temporary password the user must replace at their next sign-in.

    Changing the password ends every session of that login (Django checks the session's
    password hash on each request), so the old password and any open session stop at once.
    """
    _set_password(actor, staff, temporary_password, temporary=True)


@transaction.atomic
def do_change_own_password(actor: Actor, staff: Staff, new_password: str) -> None:
    _set_password(actor, staff, new_password, temporary=False)


def _set_password(actor: Actor, staff: Staff, password: str, *, temporary: bool) -> None:
    """A new password for the login; a temporary one must be replaced at the next sign-in."""
    row = _staff_row(staff)
    row.user.set_password(password)
    row.user.save(update_fields=["password"])
    row.must_change_password = temporary
    row.save(update_fields=["must_change_password"])
    kind = "staff.password_reset" if temporary else "staff.password"
    do_record_audit_event(actor, AuditAction.UPDATE, kind, row.pk)


def do_set_require_two_factor(actor: Actor, *, required: bool) -> bool:
    return _set_organisation_setting(actor, "require_two_factor", required)


def do_set_hour_cycle(actor: Actor, cycle: HourCycle) -> bool:
    """The clinic's 12- or 24-hour setting, for every page, time input and PDF (ADR 0590)."""
    return _set_organisation_setting(actor, "hour_cycle", cycle)


@transaction.atomic
def _set_organisation_setting(actor: Actor, name: str, value: object) -> bool:
    """One of the owner's organisation-wide settings, audited as `organisation.<name>`; False
    when it already had that value (nothing written)."""
    organisation = Organisation.objects.select_for_update().get(pk=actor.organisation.pk)
    if getattr(organisation, name) == value:
        return False
    setattr(organisation, name, value)
    organisation.save(update_fields=[name])
    setattr(actor.organisation, name, value)
    do_record_audit_event(actor, AuditAction.UPDATE, f"organisation.{name}", organisation.pk)
    return True


# Two-factor (TOTP through django-otp; ADR 0221)


class CodeOutcome(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    THROTTLED = "throttled"


@dataclass(frozen=True, slots=True)
class CodeCheck:
    outcome: CodeOutcome
    device: Device | None = None
    retry_at: dt.datetime | None = None
    # New recovery codes, shown once: on set-up, and when asked for anew.
    recovery_codes: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.outcome is CodeOutcome.ACCEPTED


# How a refused code is audited: the sign-in steps as a failed sign-in or a lockout (the same
# actions the password step writes), the other steps (set-up, turning off, new recovery codes)
# as refused or throttled updates.
_SIGN_IN_STEPS = {"sign_in": "two_factor", "recovery": "two_factor.recovery"}


def _refusal_events(purpose: str) -> tuple[tuple[AuditAction, str], tuple[AuditAction, str]]:
    """(action, object type) for a wrong code, then for a throttled one."""
    step = _SIGN_IN_STEPS.get(purpose)
    if step is not None:
        return (AuditAction.SIGN_IN_FAILED, step), (AuditAction.LOCKED_OUT, step)
    update = AuditAction.UPDATE
    return (update, f"two_factor.{purpose}_refused"), (update, f"two_factor.{purpose}_throttled")


def _check_code(actor: Actor, staff: Staff, device: Device, code: str, purpose: str) -> CodeCheck:
    """One throttled try of `code` on a locked device; a refusal is audited as a failure."""
    wrong, throttled = _refusal_events(purpose)
    allowed, details = device.verify_is_allowed()
    if not allowed:
        do_record_audit_event(actor, throttled[0], throttled[1], staff.pk)
        retry_at = (details or {}).get("locked_until")
        return CodeCheck(CodeOutcome.THROTTLED, device, retry_at)
    if device.verify_token(code):
        return CodeCheck(CodeOutcome.ACCEPTED, device)
    do_record_audit_event(actor, wrong[0], wrong[1], staff.pk)
    return CodeCheck(CodeOutcome.WRONG, device)


RECOVERY_CODE_COUNT = 10


def is_recovery_code(code: str) -> bool:
    """The shape of django-otp's static tokens: 8 characters of lower-case base32."""
    return len(code) == 8 and all(c in "abcdefghijklmnopqrstuvwxyz234567" for c in code)


def _new_recovery_codes(staff: Staff) -> tuple[str, ...]:
    """Replace the login's recovery codes with a fresh set (django-otp static tokens)."""
    StaticDevice.objects.filter(user_id=staff.user_id).delete()
    device = StaticDevice.objects.create(user=staff.user, name="Recovery codes", confirmed=True)
    codes = tuple(StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT))
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(staff: Staff) -> int:
    count: int = StaticToken.objects.filter(device__user_id=staff.user_id).count()
    return count


def _remove_devices(staff: Staff) -> None:
    TOTPDevice.objects.filter(user_id=staff.user_id).delete()
    StaticDevice.objects.filter(user_id=staff.user_id).delete()


def _device(staff: Staff, *, confirmed: bool) -> TOTPDevice | None:
    return (
        TOTPDevice.objects.select_for_update()
        .filter(user_id=staff.user_id, confirmed=confirmed)
        .order_by("-pk")
        .first()
    )


NOT_ON = "Two-factor sign-in is not on for this login."


def _try_code(
    actor: Actor, row: Staff, code: str, purpose: str, *, confirmed: bool, missing: str
) -> tuple[TOTPDevice, CodeCheck]:
    """The login's authenticator (confirmed, or the pending one) and one try of `code` on it;
    `missing` is the refusal when it has none."""
    device = _device(row, confirmed=confirmed)
    if device is None:
        raise StaffChangeRefused(missing)
    return device, _check_code(actor, row, device, code, purpose)


def _with_new_recovery_codes(
    actor: Actor, row: Staff, device: TOTPDevice, check: CodeCheck, object_type: str
) -> CodeCheck:
    """An accepted code's answer with a fresh set of recovery codes, audited as `object_type`."""
    do_record_audit_event(actor, AuditAction.UPDATE, object_type, row.pk)
    return CodeCheck(check.outcome, device, recovery_codes=_new_recovery_codes(row))


@transaction.atomic
def do_start_two_factor_setup(actor: Actor, staff: Staff) -> TOTPDevice:
    """A new unconfirmed TOTP device with a fresh key; any earlier unfinished setup is dropped."""
    row = _staff_row(staff)
    if row.two_factor_enabled:
        raise StaffChangeRefused("Two-factor sign-in is already on for this login.")
    TOTPDevice.objects.filter(user_id=row.user_id, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=row.user, name="Authenticator app", confirmed=False)
    do_record_audit_event(actor, AuditAction.CREATE, "two_factor.setup", row.pk)
    return device


@transaction.atomic
def do_confirm_two_factor(actor: Actor, staff: Staff, code: str) -> CodeCheck:
    """Confirm the pending device with a code from the app; two-factor is on from then."""
    row = _staff_row(staff)
    missing = "Start the set-up again: there is no pending authenticator."
    device, check = _try_code(actor, row, code, "setup", confirmed=False, missing=missing)
    if not check.accepted:
        return check
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    row.two_factor_enabled = True
    row.save(update_fields=["two_factor_enabled"])
    return _with_new_recovery_codes(actor, row, device, check, "two_factor.enabled")


@transaction.atomic
def do_verify_two_factor(actor: Actor, staff: Staff, code: str) -> CodeCheck:
    """The second step of signing in: the app's code, or one of the recovery codes (spent)."""
    row = _staff_row(staff)
    if is_recovery_code(code):
        recovery = StaticDevice.objects.select_for_update().filter(user_id=row.user_id).first()
        if recovery is not None:
            check = _check_code(actor, row, recovery, code, "recovery")
            if check.accepted:
                do_record_audit_event(actor, AuditAction.SIGN_IN, "two_factor.recovery", row.pk)
            return check
    missing = "This login has no authenticator to check a code against."
    _, check = _try_code(actor, row, code, "sign_in", confirmed=True, missing=missing)
    if check.accepted:
        do_record_audit_event(actor, AuditAction.SIGN_IN, "two_factor", row.pk)
    return check


@transaction.atomic
def do_new_recovery_codes(actor: Actor, staff: Staff, code: str) -> CodeCheck:
    """A fresh set of recovery codes, for a current code from the app; the old set dies."""
    row = _staff_row(staff)
    device, check = _try_code(actor, row, code, "recovery_codes", confirmed=True, missing=NOT_ON)
    if not check.accepted:
        return check
    return _with_new_recovery_codes(actor, row, device, check, "two_factor.recovery_codes")


@transaction.atomic
def do_disable_two_factor(actor: Actor, staff: Staff, code: str) -> CodeCheck:
    """Turn two-factor off with a current code, unless the organisation requires it."""
    row = _staff_row(staff)
    if row.organisation.require_two_factor and row.role in TWO_FACTOR_ROLES:
        raise StaffChangeRefused(
            "Your organisation requires two-factor sign-in for your role; it cannot be turned off."
        )
    _, check = _try_code(actor, row, code, "disable", confirmed=True, missing=NOT_ON)
    if check.accepted:
        _remove_devices(row)
        row.two_factor_enabled = False
        row.save(update_fields=["two_factor_enabled"])
        do_record_audit_event(actor, AuditAction.UPDATE, "two_factor.disabled", row.pk)
    return check


@transaction.atomic
def do_reset_staff_two_factor(actor: Actor, staff: Staff) -> None:
    """The owner removes a lost authenticator; the user sets up a new one at next sign-in."""
    row = _staff_row(staff)
    _remove_devices(row)
    row.two_factor_enabled = False
    row.save(update_fields=["two_factor_enabled"])
    do_record_audit_event(actor, AuditAction.UPDATE, "two_factor.reset", row.pk)
