"""Scope of practice: who furnished each service, who the claim names, whether the payer
enrols them and what it pays them for. Every answer comes from
`cleannote.rules.scope_of_practice`, the table the note page refuses by, so the page and the
scrubber cannot disagree (docs/decisions/0200)."""

from __future__ import annotations

from functools import cache

from cleannote.rules.catalog import Procedure, all_procedures
from cleannote.rules.scope_of_practice import (
    RULE_ASSISTANT_RENDERING,
    RULE_NOT_ENROLLED,
    Act,
    ScopeRefusal,
    act_refusal,
    cosign_refusal,
    may_render,
    payer_code_refusal,
    payer_limits_codes,
    procedure_refusal,
    scope_of,
)
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import Credential, RenderingProvider


def _furnished_by(ctx: ScrubContext) -> RenderingProvider:
    """The clinician who furnished the visit: the assistant when the claim names the
    supervising therapist, else the rendering provider."""
    return ctx.visit.assistant or ctx.visit.rendering_provider


def _add(ctx: ScrubContext, refusal: ScopeRefusal, line: int | None) -> None:
    message = refusal.message[0].upper() + refusal.message[1:] + "."
    ctx.add(refusal.rule, message, refusal.fix, line)


def check_codes_in_scope(ctx: ScrubContext) -> None:
    """Each code within the furnishing clinician's discipline and acts (no PTA evaluation)."""
    credential = _furnished_by(ctx).credential
    in_scope = _in_scope(credential)
    for index, procedure in enumerate(ctx.procedures):
        if procedure is None:
            continue  # code.unknown
        if in_scope.get(procedure.code) is procedure:
            continue
        refusal = procedure_refusal(credential, procedure)
        if refusal is not None:
            _add(ctx, refusal, index)


@cache
def _in_scope(credential: Credential) -> dict[str, Procedure]:
    """The catalog entries `credential` may furnish (`procedure_refusal` has nothing against
    them), worked out once per credential."""
    return {
        procedure.code: procedure
        for procedure in all_procedures()
        if procedure_refusal(credential, procedure) is None
    }


def check_progress_report_in_scope(ctx: ScrubContext) -> None:
    """A visit that is the progress report is written by a credential that may write one."""
    episode = ctx.visit.episode
    if episode is None or episode.last_progress_report_day != episode.treatment_day:
        return
    refusal = act_refusal(_furnished_by(ctx).credential, Act.PROGRESS_REPORT)
    if refusal is not None:
        _add(ctx, refusal, None)


def check_rendering_enrolled(ctx: ScrubContext) -> None:
    """The claim names a rendering provider the payer enrols; an assistant's visit goes under
    the supervising therapist where the payer enrols no assistants (Medicare)."""
    rendering = ctx.visit.rendering_provider
    if may_render(rendering.credential, ctx.policy):
        return
    credential = rendering.credential.value
    supervisor = scope_of(rendering.credential).supervised_by
    if supervisor is not None:
        ctx.add(
            RULE_ASSISTANT_RENDERING,
            f"This payer does not enrol a {credential} as rendering provider: the claim names "
            f"the supervising {supervisor.value}, who has not co-signed the note.",
            f"The supervising {supervisor.value} co-signs the note; the claim then names them "
            "as rendering provider, with the assistant's lines marked.",
        )
    else:
        ctx.add(
            RULE_NOT_ENROLLED,
            f"This payer does not enrol a {credential} as rendering provider.",
            "Bill a payer that covers the service (or the patient), or have a clinician the "
            "payer enrols furnish it.",
        )


def check_supervisor_credential(ctx: ScrubContext) -> None:
    """An assistant's visit is billed under a therapist of the assistant's own discipline."""
    assistant = ctx.visit.assistant
    if assistant is None:
        return
    refusal = cosign_refusal(assistant.credential, ctx.visit.rendering_provider.credential)
    if refusal is not None:
        _add(ctx, refusal, None)


# Billed knowing: excluded by statute (GY), or under a signed ABN (GA, ADR 0960).
_LIABILITY_MARKED = frozenset({"GY", "GA"})


def check_paid_for_credential(ctx: ScrubContext) -> None:
    """Each billed code is one the payer pays the rendering credential for (Medicare pays a
    chiropractor for spinal manipulation only); a line marked GY or GA is billed knowing."""
    credential = ctx.visit.rendering_provider.credential
    if not payer_limits_codes(credential, ctx.policy):
        return
    services, units = ctx.visit.services, ctx.units
    for index, code in enumerate(ctx.billed_codes):
        if (
            units[index] == 0
            or not _LIABILITY_MARKED.isdisjoint(services[index].modifiers)
            or not _LIABILITY_MARKED.isdisjoint(ctx.modifiers[index].modifiers)
        ):
            continue
        refusal = payer_code_refusal(credential, code, ctx.policy)
        if refusal is not None:
            _add(ctx, refusal, index)


CHECKS = (
    check_codes_in_scope,
    check_progress_report_in_scope,
    check_rendering_enrolled,
    check_paid_for_credential,
    check_supervisor_credential,
)
