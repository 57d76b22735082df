"""The documented visit as the rules core sees it.

These value objects are the one contract between every face of Cleannote and the rules core:
the visit-format reader (`cleannote.rules.visit_format`) builds them from JSON, the clinic app
builds them from its models, and the scrubber, unit calculator and modifier engine read them.
They hold no behaviour beyond small derived facts, so a rule never has to know where a visit
came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class PayerKind(StrEnum):
    MEDICARE = "medicare"
    MEDICARE_ADVANTAGE = "medicare_advantage"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    AUTO_PIP = "auto_pip"
    AUTO_MEDPAY = "auto_medpay"
    AUTO_LIABILITY = "auto_liability"
    WORKERS_COMP = "workers_comp"
    SELF_PAY = "self_pay"


class UnitMethod(StrEnum):
    """How timed minutes become billed units (see docs/decisions/0002-unit-methods.md)."""

    CMS = "cms"
    PER_CODE = "per_code"


class ModifierStyle(StrEnum):
    """Whether a payer wants the X{EPSU} family or the older 59 to bypass an NCCI edit."""

    X = "x"
    FIFTY_NINE = "59"


class Credential(StrEnum):
    PT = "PT"
    PTA = "PTA"
    OT = "OT"
    COTA = "COTA"
    SLP = "SLP"
    SLPA = "SLPA"
    DC = "DC"
    LMT = "LMT"


class Discipline(StrEnum):
    PT = "PT"
    OT = "OT"
    SLP = "SLP"
    CHIRO = "CHIRO"
    MASSAGE = "MASSAGE"


DISCIPLINE_OF_CREDENTIAL: dict[Credential, Discipline] = {
    Credential.PT: Discipline.PT,
    Credential.PTA: Discipline.PT,
    Credential.OT: Discipline.OT,
    Credential.COTA: Discipline.OT,
    Credential.SLP: Discipline.SLP,
    Credential.SLPA: Discipline.SLP,
    Credential.DC: Discipline.CHIRO,
    Credential.LMT: Discipline.MASSAGE,
}

ASSISTANT_CREDENTIALS = frozenset({Credential.PTA, Credential.COTA, Credential.SLPA})


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


class Relationship(StrEnum):
    SELF = "self"
    SPOUSE = "spouse"
    CHILD = "child"
    OTHER = "other"


class Laterality(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"


class ReferralQualifier(StrEnum):
    """Box 17 / loop 2310A qualifier: referring, ordering or supervising provider."""

    REFERRING = "DN"
    ORDERING = "DK"
    SUPERVISING = "DQ"


class MedicareSecondaryType(StrEnum):
    """Medicare secondary payer type (837P SBR05, X12 code list 1336): why another payer is
    primary to Medicare."""

    WORKING_AGED = "12"
    END_STAGE_RENAL_DISEASE = "13"
    NO_FAULT = "14"
    WORKERS_COMP = "15"
    FEDERAL_AGENCY = "16"
    BLACK_LUNG = "41"
    VETERANS_AFFAIRS = "42"
    DISABLED_LARGE_GROUP = "43"
    LIABILITY = "47"


class AccidentKind(StrEnum):
    AUTO = "auto"
    EMPLOYMENT = "employment"
    OTHER = "other"


class GoalKind(StrEnum):
    FUNCTIONAL = "functional"
    IMPAIRMENT = "impairment"


def minute_of_day(value: dt.time) -> int:
    """Minutes since midnight: time blocks are stamped to the minute, so spans compare as ints."""
    return value.hour * 60 + value.minute


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str
    zip: str
    line2: str | None = None


@dataclass(frozen=True, slots=True)
class BillingProvider:
    """The billing provider (837P 2010AA, CMS-1500 box 33).

    `address` is where the provider is (a street address: 2010AA refuses a PO box);
    `pay_to_address` is where payment goes when that differs, such as a PO box (2010AB).
    A sole proprietor billing under the clinician's own NPI is a person: `last_name` (and
    `first_name`) make 2010AA an individual (NM102 = 1); `name` stays the practice's name.
    """

    name: str
    npi: str
    tax_id: str
    taxonomy: str
    address: Address
    pay_to_address: Address | None = None
    last_name: str | None = None
    first_name: str | None = None

    @property
    def is_individual(self) -> bool:
        return bool(self.last_name)


@dataclass(frozen=True, slots=True)
class RenderingProvider:
    first_name: str
    last_name: str
    npi: str
    credential: Credential
    taxonomy: str

    @property
    def discipline(self) -> Discipline:
        return DISCIPLINE_OF_CREDENTIAL[self.credential]


@dataclass(frozen=True, slots=True)
class Payer:
    name: str
    payer_id: str
    kind: PayerKind
    claim_number: str | None = None
    """The property-and-casualty carrier's claim number (837P REF*Y4, CMS-1500 box 11b)."""
    unit_method: UnitMethod | None = None
    modifier_style: ModifierStyle | None = None
    medicare_secondary_type: MedicareSecondaryType | None = None
    """Why Medicare pays second (837P SBR05), for a claim to Medicare when it is not primary."""
    policy_overrides: tuple[tuple[str, object], ...] = ()
    """The clinic's settings for this payer over its kind's defaults, as sorted (field, value)
    pairs already checked by `payer_overrides.check_overrides` (the payer directory's record);
    `payer_policy.policy_for` applies them. `unit_method`/`modifier_style` above win over them."""
    timely_filing_days: int | None = None
    """Days after the date of service within which this payer accepts a claim, from the payer
    directory's record; None leaves the kind's default (`PayerPolicy.timely_filing_days`)."""


@dataclass(frozen=True, slots=True)
class Person:
    """A subscriber or a patient. `member_id` and `relationship` are the subscriber's."""

    first_name: str
    last_name: str
    birth_date: dt.date
    sex: Sex
    address: Address | None = None
    id: str | None = None
    member_id: str | None = None
    relationship: Relationship | None = None
    group_number: str | None = None


@dataclass(frozen=True, slots=True)
class Referral:
    first_name: str
    last_name: str
    npi: str
    qualifier: ReferralQualifier
    date: dt.date
    diagnoses: tuple[str, ...] = ()
    authorized_visits: int | None = None
    visit_number: int | None = None
    expires: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ServiceFacility:
    """Where the visit took place (837P 2310C, CMS-1500 box 32)."""

    name: str
    address: Address
    npi: str | None = None


@dataclass(frozen=True, slots=True)
class Accident:
    kind: AccidentKind
    date: dt.date | None = None
    state: str | None = None


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    text: str
    kind: GoalKind


class CertificationKind(StrEnum):
    """How a plan of care came to be certified (CMS 100-02 Ch.15 §220.1.3)."""

    SIGNED = "signed"
    """The physician or NPP signed and dated the plan."""
    SIGNED_ORDER = "signed_order"
    """Since 2025-01-01: a signed, dated order on file, and the plan sent to the orderer within
    30 days of the evaluation (silence is assent)."""
    DELAYED = "delayed"
    """Signed late, with the reason for the delay documented."""


@dataclass(frozen=True, slots=True)
class Certification:
    """The evidence behind a plan's certification; the scrubber judges it
    (`rules/scrub/checks_chart.py`)."""

    kind: CertificationKind
    signed_on: dt.date | None = None
    """The physician's or NPP's signature date on the plan (signed, delayed)."""
    order_signed_on: dt.date | None = None
    """The signed order's date (signed_order)."""
    sent_on: dt.date | None = None
    """The day the plan was sent to the referrer."""
    delay_reason: str | None = None


@dataclass(frozen=True, slots=True)
class PlanOfCare:
    start: dt.date
    certified: bool
    certified_through: dt.date | None = None
    goals: tuple[Goal, ...] = ()
    certification: Certification | None = None
    """What `certified` rests on, when the source records it; None for a bare yes or no."""


@dataclass(frozen=True, slots=True)
class DiagnosisOnset:
    """When the condition a diagnosis names began (837P DTP*431, CMS-1500 box 14)."""

    code: str
    onset: dt.date


@dataclass(frozen=True, slots=True)
class AuthorizedServices:
    """What an authorization allows for one group of codes, and how much signed visits used."""

    codes: tuple[str, ...] = ()
    """The group's procedure codes; empty means every code on the visit."""
    visits: int | None = None
    units: int | None = None
    visits_used: int = 0
    """Visits of the group on signed notes inside the window, before this visit."""
    units_used: int = 0
    """Units of the group's codes on signed notes inside the window, before this visit."""


@dataclass(frozen=True, slots=True)
class Authorization:
    """The payer's or referrer's authorization the visit is billed under: its window and its
    visit and unit limits per code group."""

    number: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    services: tuple[AuthorizedServices, ...] = ()


@dataclass(frozen=True, slots=True)
class TherapyYearToDate:
    """Allowed amounts so far this calendar year, per Medicare therapy bucket."""

    pt_slp: Decimal = Decimal("0")
    ot: Decimal = Decimal("0")


@dataclass(frozen=True, slots=True)
class Episode:
    treatment_day: int
    last_progress_report_day: int | None = None
    therapy_ytd: TherapyYearToDate | None = None


@dataclass(frozen=True, slots=True)
class Service:
    """One documented service line: a code with its time block and documentation."""

    code: str
    charge: Decimal
    start: dt.time | None = None
    end: dt.time | None = None
    minutes: int | None = None
    assistant_minutes: int = 0
    body_regions: tuple[str, ...] = ()
    laterality: Laterality | None = None
    goal_ids: tuple[str, ...] = ()
    goal_texts: tuple[str, ...] = ()
    """The linked goals' words, in `goal_ids` order, where the source knows them: a finding
    names a goal by what it says, not by its id (the clinic app's ids are row numbers)."""
    justification: str | None = None
    parameters: dict[str, object] = field(default_factory=dict)
    modifiers: tuple[str, ...] = ()
    diagnosis_pointers: tuple[int, ...] = ()
    encounter: int = 1
    rendering_npi: str | None = None
    units: int | None = None
    """Units already billed by another system (scrubbing an export); None when we compute them."""

    @property
    def documented_minutes(self) -> int | None:
        """Minutes of the block: the start/stop span when both are stamped, else `minutes`."""
        if self.start is not None and self.end is not None:
            span = minute_of_day(self.end) - minute_of_day(self.start)
            return span if span >= 0 else None
        return self.minutes


@dataclass(frozen=True, slots=True)
class OtherProviderService:
    code: str
    npi: str


@dataclass(frozen=True, slots=True)
class HistoryService:
    code: str
    body_regions: tuple[str, ...] = ()
    parameters: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HistoryVisit:
    date_of_service: dt.date
    services: tuple[HistoryService, ...] = ()


@dataclass(frozen=True, slots=True)
class Visit:
    id: str
    date_of_service: dt.date
    billing_provider: BillingProvider
    rendering_provider: RenderingProvider
    payer: Payer
    subscriber: Person
    patient: Person
    diagnoses: tuple[str, ...]
    services: tuple[Service, ...]
    place_of_service: str = "11"
    referral: Referral | None = None
    accident: Accident | None = None
    prior_authorization: str | None = None
    plan_of_care: PlanOfCare | None = None
    episode: Episode | None = None
    other_providers_same_day: tuple[OtherProviderService, ...] = ()
    history: tuple[HistoryVisit, ...] = ()
    initial_treatment: dt.date | None = None
    """First day of treatment for this episode (837P DTP*454, CMS-1500 box 15 qualifier 454);
    Medicare needs it on spinal manipulation."""
    service_facility: ServiceFacility | None = None
    assistant: RenderingProvider | None = None
    """The assistant (PTA, COTA, SLPA) who furnished the visit when `rendering_provider` is the
    supervising therapist billing for it: Medicare enrols no assistants, so the claim names the
    therapist and CQ/CO mark the assistant's lines (docs/decisions/0200). None when the
    rendering provider furnished the visit."""
    diagnosis_onsets: tuple[DiagnosisOnset, ...] = ()
    authorization: Authorization | None = None
