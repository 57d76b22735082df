"""`/settings/`: every settings page a person may open, in one list (ADR 0803). Each entry
shows only to the roles its page lets in (the capability its view checks), so a link here
never ends on a 403."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from cleannote.apps.organisations.access import staff_view
from cleannote.apps.organisations.roles import Capability, has_capability


@dataclass(frozen=True)
class Setting:
    title: str
    url_name: str
    summary: str
    capability: Capability | None  # None: every signed-in person


SETTINGS: tuple[tuple[str, tuple[Setting, ...]], ...] = (
    (
        "The clinic",
        (
            Setting("Staff", "organisations:staff_list",
                    "People, roles and credentials; invitations; two-factor sign-in for "
                    "owners and billers; 12- or 24-hour times.", Capability.MANAGE_STAFF),
            Setting("Report targets", "reports:targets",
                    "What the reports compare each figure with, for the clinic or a location.",
                    Capability.SET_REPORT_TARGETS),
            Setting("API tokens", "organisations:api_tokens",
                    "Tokens other systems use for the JSON API and FHIR; scopes, revoking.",
                    Capability.MANAGE_API_TOKENS),
        ),
    ),
    (
        "Schedule and messages",
        (
            Setting("Rooms and appointment types", "scheduling:settings",
                    "Rooms, equipment and the kinds of visit the calendar books.",
                    Capability.MANAGE_SCHEDULE),
            Setting("Working hours", "scheduling:settings_hours",
                    "Clinicians' hours, breaks and time off.", Capability.MANAGE_SCHEDULE),
            Setting("Reminders and self-booking", "front_desk:settings",
                    "Appointment reminders and the patients' booking link.",
                    Capability.MANAGE_STAFF),
            Setting("Intake forms and consents", "intake:forms",
                    "The forms patients fill before a visit, and the consents they sign.",
                    Capability.MANAGE_INTAKE_FORMS),
        ),
    ),
    (
        "Billing",
        (
            Setting("Payers", "payers:list", "The payer directory and each payer's rules.",
                    Capability.MANAGE_PAYERS),
            Setting("Clearinghouses", "exchange:profiles",
                    "Where claims are sent and remittances fetched.",
                    Capability.MANAGE_CLEARINGHOUSE),
            Setting("Statements and dunning", "ledger:statement_settings",
                    "The statement cycle and the dunning steps.", Capability.POST_PAYMENTS),
        ),
    ),
    (
        "Your account",
        (
            Setting("Security", "organisations:security",
                    "Your password, two-step sign-in and recovery codes.", None),
        ),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Shown:
    title: str
    url: str
    summary: str


@staff_view()
def settings_index(request: HttpRequest) -> HttpResponse:
    role = request.staff.role  # type: ignore[attr-defined]
    groups = [
        (
            heading,
            [
                Shown(s.title, reverse(s.url_name), s.summary)
                for s in settings
                if s.capability is None or has_capability(role, s.capability)
            ],
        )
        for heading, settings in SETTINGS
    ]
    return render(
        request, "settings_index.html", {"groups": [(h, shown) for h, shown in groups if shown]}
    )
