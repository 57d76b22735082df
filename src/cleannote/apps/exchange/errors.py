"""Refusals of the exchange: a message naming the profile (or file) and what went wrong.

Messages carry profile names, hosts, file names and steps, never a file's content.
"""

from __future__ import annotations

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability


class ExchangeError(ValueError):
    """Talking to a clearinghouse failed, or a profile or file does not fit the request."""

    def __init__(self, subject: str, problem: str, *, field: str | None = None) -> None:
        super().__init__(f"{subject}: {problem}")
        self.subject = subject
        self.problem = problem
        self.field = field  # the profile field a form shows the problem on, if one


def require_capability(actor: Actor, subject: str, capability: Capability, refusal: str) -> None:
    """The acting person is staff of the actor's organisation whose role has `capability`
    (`organisations.roles`), else an ExchangeError saying `refusal`. A command acting for the
    organisation (no user) passes."""
    if actor.user is None:
        return  # set-up by a command acting for the organisation
    staff = Staff.objects.filter(user=actor.user).only("role", "organisation_id").first()
    if staff is None or not has_capability(staff.role, capability):
        raise ExchangeError(subject, refusal)
    if staff.organisation_id != actor.organisation.pk:
        raise ExchangeError(subject, "belongs to another organisation")
