"""Who may furnish, document, sign and co-sign what: credential scope of practice, one table.

The note page (adding a code, marking a progress report, signing, co-signing) and the
scrubber (`scrub/checks_scope.py`) both ask this module, so a code the page refuses is the code
the scrubber flags, for the same rule id and in the same words (docs/decisions/0200).

Three tables:
- `SCOPE`, per credential: its discipline (the catalog's disciplines), the acts it may perform
  and, for an assistant, the credential that supervises and co-signs its notes;
- `CODE_ACTS`: the catalog codes that are not plain treatment (evaluations, re-evaluations);
- who a payer enrols as rendering provider is payer policy (`PayerPolicy.enrols_assistants`,
  `enrols_massage_therapists`), read through `may_render`; what a payer pays an enrolled
  credential for (a chiropractor: spinal manipulation only, `chiropractor_cmt_only`) through
  `payer_code_refusal`.

A discipline's codes are the procedure catalog's `disciplines` field: a code is within a
clinician's scope when the catalog lists the clinician's discipline for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from cleannote.rules.catalog import Procedure, find_procedure
from cleannote.rules.payer_policy import PayerPolicy
from cleannote.rules.visit import ASSISTANT_CREDENTIALS, Credential, Discipline


class Act(StrEnum):
    """What a clinician does at a visit, as far as scope of practice cares."""

    TREATMENT = "treatment"
    EVALUATION = "evaluation"
    RE_EVALUATION = "re-evaluation"
    PROGRESS_REPORT = "progress report"
    DISCHARGE_SUMMARY = "discharge summary"
    PLAN_OF_CARE = "plan of care"


# Rule ids; every refusal names one. The scrubber's are entries in scrub/rule_catalog.py.
RULE_DISCIPLINE = "scope.discipline"
RULE_ACT = "scope.act"
RULE_ASSISTANT_RENDERING = "scope.assistant-rendering"
RULE_NOT_ENROLLED = "scope.rendering-not-enrolled"
RULE_SUPERVISOR = "scope.supervisor-credential"
SCRUB_RULES = (
    RULE_DISCIPLINE,
    RULE_ACT,
    RULE_ASSISTANT_RENDERING,
    RULE_NOT_ENROLLED,
    RULE_SUPERVISOR,
)
# A payer that pays chiropractors for spinal manipulation only (Medicare); the rule id is the
# scrubber's from before this table held it.
RULE_CHIRO_CMT_ONLY = "medicare.chiro-non-cmt"
# Chiropractic manipulative treatment: spinal 98940-98942 and extraspinal 98943 (Medicare does
# not cover 98943 at all, which is medicare.98943-noncovered).
CHIROPRACTIC_MANIPULATION = frozenset({"98940", "98941", "98942", "98943"})
# The shell's own: a draft belongs to its treating clinician (no visit shows who edits it).
RULE_TREATING_CLINICIAN = "scope.treating-clinician"

_ALL_ACTS = frozenset(Act)
_TREATMENT_ONLY = frozenset({Act.TREATMENT})
_ASSISTANT_SOURCE = (
    "CMS 100-02 Ch.15 §230.1-230.2 (assistants furnish treatment under a therapist's "
    "supervision; they do not evaluate, re-evaluate, write progress reports or discharge notes, "
    "or establish the plan of care: §220.1.2, §220.3); 42 CFR 410.59(a)(4), 410.60(a)(4)"
)


@dataclass(frozen=True, slots=True)
class CredentialScope:
    credential: Credential
    discipline: Discipline
    acts: frozenset[Act]
    supervised_by: Credential | None
    """The credential that supervises and co-signs this assistant's notes; None otherwise."""
    source: str

    @property
    def is_assistant(self) -> bool:
        return self.supervised_by is not None


SCOPE: Mapping[Credential, CredentialScope] = MappingProxyType(
    {
        scope.credential: scope
        for scope in (
            CredentialScope(
                Credential.PT,
                Discipline.PT,
                _ALL_ACTS,
                None,
                "42 CFR 410.60; CMS 100-02 Ch.15 §220-230.1",
            ),
            CredentialScope(
                Credential.PTA, Discipline.PT, _TREATMENT_ONLY, Credential.PT, _ASSISTANT_SOURCE
            ),
            CredentialScope(
                Credential.OT,
                Discipline.OT,
                _ALL_ACTS,
                None,
                "42 CFR 410.59; CMS 100-02 Ch.15 §220-230.2",
            ),
            CredentialScope(
                Credential.COTA,
                Discipline.OT,
                _TREATMENT_ONLY,
                Credential.OT,
                _ASSISTANT_SOURCE,
            ),
            CredentialScope(
                Credential.SLP,
                Discipline.SLP,
                _ALL_ACTS,
                None,
                "42 CFR 410.62; CMS 100-02 Ch.15 §220-230.3",
            ),
            CredentialScope(
                Credential.SLPA,
                Discipline.SLP,
                _TREATMENT_ONLY,
                Credential.SLP,
                "ASHA Scope of Practice for the Speech-Language Pathology Assistant (2022): no "
                "diagnostic testing, evaluation, progress or discharge reports, or treatment "
                "plans; CMS 100-02 Ch.15 §230.3",
            ),
            CredentialScope(
                Credential.DC,
                Discipline.CHIRO,
                _ALL_ACTS,
                None,
                "42 CFR 410.21(b); state chiropractic practice acts",
            ),
            CredentialScope(
                Credential.LMT,
                Discipline.MASSAGE,
                _TREATMENT_ONLY,
                None,
                "State massage therapy practice acts: massage and soft-tissue techniques, no "
                "evaluation, diagnosis or plan of care",
            ),
        )
    }
)


@dataclass(frozen=True, slots=True)
class CodeAct:
    code: str
    act: Act
    source: str
    names_visit: bool = True
    """The code is the evaluation or re-evaluation itself, so the note that bills it is an
    evaluation or re-evaluation note (rules/note_types.py); False for a standardized test given
    within any visit."""
    complexity: str = ""
    """The complexity a leveled evaluation code is billed at (low, moderate, high), which the
    evaluation note's assessment states; empty where the code has no level."""


_EVAL_SOURCE = "CPT evaluation codes; CMS 100-02 Ch.15 §220.1.2 (evaluation by the therapist)"
_LEVELS = ("low", "moderate", "high")
_TEST_SOURCE = (
    "CPT standardized testing with interpretation and report by the qualified professional; "
    "ASHA SLPA scope (no diagnostic testing)"
)
CODE_ACTS: Mapping[str, CodeAct] = MappingProxyType(
    {
        row.code: row
        for row in (
            *(
                CodeAct(c, Act.EVALUATION, _EVAL_SOURCE, complexity=level)
                for c, level in zip(("97161", "97162", "97163"), _LEVELS, strict=True)
            ),
            CodeAct("97164", Act.RE_EVALUATION, _EVAL_SOURCE),
            *(
                CodeAct(c, Act.EVALUATION, _EVAL_SOURCE, complexity=level)
                for c, level in zip(("97165", "97166", "97167"), _LEVELS, strict=True)
            ),
            CodeAct("97168", Act.RE_EVALUATION, _EVAL_SOURCE),
            *(
                CodeAct(c, Act.EVALUATION, _EVAL_SOURCE)
                for c in ("92521", "92522", "92523", "92524", "92597", "92610")
            ),
            *(
                CodeAct(c, Act.EVALUATION, _TEST_SOURCE, names_visit=False)
                for c in ("96105", "96112", "96113", "96125")
            ),
        )
    }
)


@dataclass(frozen=True, slots=True)
class ScopeRefusal:
    """Why a clinician may not do something: the rule id, and words without PHI."""

    rule: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.message} (rule {self.rule})"


def scope_of(credential: Credential) -> CredentialScope:
    return SCOPE[credential]


def is_assistant(credential: Credential) -> bool:
    return credential in ASSISTANT_CREDENTIALS


def act_of_code(code: str) -> Act:
    row = CODE_ACTS.get(code.strip().upper())
    return Act.TREATMENT if row is None else row.act


@cache
def leveled_disciplines() -> frozenset[Discipline]:
    """Disciplines whose evaluation is one service billed at one complexity level, with its own
    re-evaluation code (PT 97161-97164, OT 97165-97168). SLP evaluation codes each assess a
    different function (fluency, language, swallowing) and SLP has no re-evaluation code (its
    re-evaluation bills the evaluation code), so two of them on one day can both be payable."""
    found: set[Discipline] = set()
    for row in CODE_ACTS.values():
        procedure = find_procedure(row.code)
        if row.act is Act.RE_EVALUATION and procedure is not None:
            found.update(procedure.disciplines)
    return frozenset(found)


def act_refusal(credential: Credential, act: Act) -> ScopeRefusal | None:
    """Refusal when `credential` may not perform `act` at all (an assistant evaluating)."""
    scope = SCOPE[credential]
    if act in scope.acts:
        return None
    if scope.supervised_by is not None:
        fix = f"The supervising {scope.supervised_by.value} performs and documents the {act}."
    else:
        fix = f"A therapist (PT, OT or SLP) performs and documents the {act}."
    return ScopeRefusal(RULE_ACT, f"a {credential.value} does not perform the {act}", fix)


def code_refusal(credential: Credential, code: str) -> ScopeRefusal | None:
    """Refusal when `credential` may not furnish catalog `code`: outside its discipline, or an
    act (evaluation, re-evaluation) it does not perform. None for a code the catalog lacks
    (the scrubber reports those as `code.unknown`)."""
    procedure = find_procedure(code)
    return None if procedure is None else procedure_refusal(credential, procedure)


def procedure_refusal(credential: Credential, procedure: Procedure) -> ScopeRefusal | None:
    """`code_refusal` for a catalog entry already looked up (the scrubber has them all)."""
    scope = SCOPE[credential]
    if scope.discipline not in procedure.disciplines:
        listed = ", ".join(sorted(d.value for d in procedure.disciplines))
        return ScopeRefusal(
            RULE_DISCIPLINE,
            f"{procedure.code} is not a {scope.discipline.value} service (the catalog lists it "
            f"for {listed}); a {credential.value} does not furnish or sign it",
            "Remove the code, or have a clinician of that discipline furnish and document it.",
        )
    act = act_of_code(procedure.code)
    refused = act_refusal(credential, act)
    if refused is None:
        return None
    article = "an" if act.value[0] in "aeiou" else "a"
    return ScopeRefusal(
        refused.rule, f"{procedure.code} is {article} {act}: {refused.message}", refused.fix
    )


def cosign_refusal(author: Credential, cosigner: Credential | None) -> ScopeRefusal | None:
    """Refusal unless `cosigner` is the credential that supervises `author` (PT for a PTA, OT
    for a COTA, SLP for an SLPA)."""
    supervisor = SCOPE[author].supervised_by
    if supervisor is None:
        return ScopeRefusal(
            RULE_SUPERVISOR,
            f"a {author.value}'s note needs no co-signature",
            "Only an assistant's note is co-signed.",
        )
    if cosigner is not supervisor:
        who = cosigner.value if cosigner is not None else "clinician without a credential"
        return ScopeRefusal(
            RULE_SUPERVISOR,
            f"a {author.value}'s note is co-signed by a supervising {supervisor.value}, "
            f"not by a {who}",
            f"Ask a {supervisor.value} to co-sign.",
        )
    return None


def may_render(credential: Credential, policy: PayerPolicy) -> bool:
    """Whether the payer enrols `credential` as a rendering provider (837P 2310B, CMS-1500
    24J). Medicare enrols neither assistants nor massage therapists (payer policy)."""
    if credential in ASSISTANT_CREDENTIALS:
        return policy.enrols_assistants
    if credential is Credential.LMT:
        return policy.enrols_massage_therapists
    return True


def payer_limits_codes(credential: Credential, policy: PayerPolicy) -> bool:
    """Whether the payer pays `credential` for some codes only (`payer_code_refusal` says which)."""
    return credential is Credential.DC and policy.chiropractor_cmt_only


def payer_code_refusal(
    credential: Credential, code: str, policy: PayerPolicy
) -> ScopeRefusal | None:
    """Refusal when the payer enrols `credential` but does not pay it for `code`: a payer that
    pays chiropractors for spinal manipulation only (Medicare: CMS 100-02 Ch.15 §240)."""
    if payer_limits_codes(credential, policy) and (
        code.strip().upper() not in CHIROPRACTIC_MANIPULATION
    ):
        return ScopeRefusal(
            RULE_CHIRO_CMT_ONLY,
            f"{code} is billed by a chiropractor; this payer pays chiropractors only for "
            "spinal manipulation (98940-98942)",
            f"Remove {code} from the claim and bill the patient, or add GY if a Medicare "
            "denial is needed for secondary insurance.",
        )
    return None


def bills_under_supervisor(credential: Credential, policy: PayerPolicy) -> bool:
    """True when an assistant's visit goes on the claim under the supervising therapist, who
    must therefore co-sign before it is billed (Medicare; other payers by policy)."""
    return credential in ASSISTANT_CREDENTIALS and not policy.enrols_assistants
