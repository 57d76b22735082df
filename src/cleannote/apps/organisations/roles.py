"""What each role may do, in one table.

Views ask for a capability, never for a role, so changing who may do what is an edit here and
nowhere else. Front desk never sees clinical notes; a biller reads notes but never edits them;
therapists and assistants document; the owner does everything, reviews the audit log and
manages staff.
"""

from __future__ import annotations

from enum import StrEnum

from cleannote.apps.organisations.models import Role


class Capability(StrEnum):
    SEE_PATIENTS = "see_patients"
    REGISTER_PATIENTS = "register_patients"
    READ_NOTES = "read_notes"
    WRITE_NOTES = "write_notes"
    REVIEW_AUDIT = "review_audit"
    CHECK_ELIGIBILITY = "check_eligibility"
    POST_PAYMENTS = "post_payments"
    MANAGE_STAFF = "manage_staff"
    # The payer directory and each payer's policy overrides (ADR 0330).
    MANAGE_PAYERS = "manage_payers"
    # Keep a chart current after registration: demographics, coverages, cases (ADR 0501).
    EDIT_CHART = "edit_chart"
    # The outbox of patient emails and texts: see, send on, retry (ADR 0640).
    SEND_MESSAGES = "send_messages"
    # Clearinghouse profiles: hosts, users, key paths, pinned host keys (ADR 0700). Owner only.
    MANAGE_CLEARINGHOUSE = "manage_clearinghouse"
    # Check a patient in and take a payment at the desk, with its receipt (ADR 0650).
    CHECK_IN = "check_in"
    # Book, move, cancel and check appointments in and out; set rooms and clinicians' hours.
    MANAGE_SCHEDULE = "manage_schedule"
    # Set any clinician's working hours, breaks and time off. Without it, a clinician sees and
    # sets only their own (ADR 0612): the owner and the desk that keeps the calendar have it.
    SET_ANY_HOURS = "set_any_hours"
    # Release an outbox message stuck in "sending" back to queued: it may go out twice, so the
    # owner decides, with a reason (ADR 0613). Owner only.
    RELEASE_MESSAGES = "release_messages"
    # The reports on the whole clinic: productivity, money, compliance, the 59/X monitor
    # (ADR 0800). Clinicians have SEE_OWN_REPORTS instead: the same pages, their figures only.
    RUN_REPORTS = "run_reports"
    SEE_OWN_REPORTS = "see_own_reports"
    # The same report pages, limited to the locations a location manager runs (ADR 0845).
    SEE_LOCATION_REPORTS = "see_location_reports"
    # The clinic's report targets (visits a day, units a visit, days in A/R...) (ADR 0802).
    # Owner only.
    SET_REPORT_TARGETS = "set_report_targets"
    # Supplies on the shelf: items, receipts, transfers, counts and the low-stock list (ADR 0820).
    # Dispensing from a note is WRITE_NOTES.
    MANAGE_INVENTORY = "manage_inventory"
    # Word the dunning steps printed on statements: the message page and the statement
    # settings page ask this one capability (ADR 0846). Owner and biller.
    WORD_DUNNING = "word_dunning"
    # Make and revoke the organisation's API tokens (ADR 0900). Owner only.
    MANAGE_API_TOKENS = "manage_api_tokens"
    # The clinic's exercise library for home programs: add, edit, attach media, retire
    # (ADR 0970). Clinicians and location managers; prescribing from a note is WRITE_NOTES.
    MANAGE_EXERCISES = "manage_exercises"
    # Build intake forms and write consent texts (ADR 0960). Owner and location manager.
    MANAGE_INTAKE_FORMS = "manage_intake_forms"
    # Witness a consent or an ABN the patient signs at the desk (ADR 0961). Owner, front desk,
    # and the clinicians, who may witness only for a patient they treat (intake's actions).
    WITNESS_SIGNATURES = "witness_signatures"


CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.OWNER: frozenset(Capability),
    Role.THERAPIST: frozenset(
        {
            Capability.SEE_PATIENTS,
            Capability.READ_NOTES,
            Capability.WRITE_NOTES,
            Capability.EDIT_CHART,
            Capability.MANAGE_SCHEDULE,
            Capability.SEE_OWN_REPORTS,
            Capability.MANAGE_EXERCISES,
            Capability.WITNESS_SIGNATURES,
        }
    ),
    Role.ASSISTANT: frozenset(
        {
            Capability.SEE_PATIENTS,
            Capability.READ_NOTES,
            Capability.WRITE_NOTES,
            Capability.MANAGE_SCHEDULE,
            Capability.SEE_OWN_REPORTS,
            Capability.MANAGE_EXERCISES,
            Capability.WITNESS_SIGNATURES,
        }
    ),
    Role.FRONT_DESK: frozenset(
        {
            Capability.SEE_PATIENTS,
            Capability.REGISTER_PATIENTS,
            Capability.CHECK_ELIGIBILITY,
            Capability.EDIT_CHART,
            Capability.SEND_MESSAGES,
            Capability.CHECK_IN,
            Capability.MANAGE_SCHEDULE,
            Capability.SET_ANY_HOURS,
            Capability.MANAGE_INVENTORY,
            Capability.WITNESS_SIGNATURES,
        }
    ),
    # A location manager runs their locations' day: the calendar and clinicians' hours, the
    # coverage checks, supplies on the shelf and the reports of their locations (ADR 0845).
    # Not the clinic's billing, payers, statements, staff or clearinghouse.
    Role.MANAGER: frozenset(
        {
            Capability.SEE_PATIENTS,
            Capability.CHECK_ELIGIBILITY,
            Capability.MANAGE_SCHEDULE,
            Capability.SET_ANY_HOURS,
            Capability.MANAGE_INVENTORY,
            Capability.SEE_LOCATION_REPORTS,
            Capability.MANAGE_EXERCISES,
            Capability.MANAGE_INTAKE_FORMS,
        }
    ),
    Role.BILLER: frozenset(
        {
            Capability.SEE_PATIENTS,
            Capability.READ_NOTES,
            Capability.CHECK_ELIGIBILITY,
            Capability.POST_PAYMENTS,
            Capability.MANAGE_PAYERS,
            Capability.RUN_REPORTS,
            Capability.WORD_DUNNING,
        }
    ),
}


# Roles that must sign in with a second factor when their organisation requires it (ADR 0221):
# the owner (every record, the staff list) and the biller (claims, payments, bank details).
TWO_FACTOR_ROLES = frozenset({Role.OWNER, Role.BILLER})


def has_capability(role: str, capability: Capability) -> bool:
    return capability in CAPABILITIES.get(Role(role), frozenset())
