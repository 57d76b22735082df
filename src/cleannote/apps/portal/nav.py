"""The portal's navigation: one entry per page a signed-in patient can reach from the home
page and the header. A portal page of another app adds its line here (portal-api notes,
ADR 0950)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NavEntry:
    label: str
    url_name: str


NAV: tuple[NavEntry, ...] = (
    NavEntry("Home", "portal:home"),
    NavEntry("Bills and payments", "portal:bills"),
    NavEntry("Home exercises", "portal:exercises"),
    NavEntry("Forms and consents", "portal:paperwork"),
    NavEntry("Password and passkeys", "portal:password"),
)
