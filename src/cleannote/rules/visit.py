"""The documented visit as the rules core sees it.

These value objects are the one contract between every face of Cleannote and the rules core:
the visit-format reader (`cleannote.rules.visit_format`) builds them from JSON, the clinic app
builds them from its models, and the scrubber, unit calculator and modifier engine read them.
They hold no behaviour beyond small derived facts, so a rule never has to know where a visit
came from.

They are frozen `msgspec` structs, and their field types are the format's declaration: the
reader decodes and checks JSON straight into them (docs/decisions/0300). Each constrained type
carries what an error says was expected (`Meta.description`); an optional field is `Opt[...]`,
which is `X | None` to the type checker but `X` to the decoder, so that a field left out is
None (its default) while JSON `null` is refused. Building one in Python checks nothing; a copy
with a field changed is `msgspec.structs.replace`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union

import msgspec


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


# --- the format's types -----------------------------------------------------------------------
# `description` is what a reader's error says was expected. Patterns use \Z, not $, so that a
# value ending in a newline is refused.

SCHEMA_ID = "cleannote.visit/1"
VISIT_ID_MAX = 20  # CLM01, the 837P patient control number, holds at most 20 characters

_T = TypeVar("_T")


def _one_of(values: Iterable[str]) -> str:
    return "one of " + "|".join(values)


def _code_of(enum: type[StrEnum]) -> msgspec.Meta:
    return msgspec.Meta(description=_one_of(m.value for m in enum))


class _Marker(type):
    """The type of a marker class: a value is an instance when its exact type is accepted.

    msgspec checks that what the reader's hook returns is an instance of the field's type, a
    dozen times a visit. As `abc.ABC`s with registered classes each check took about 270 ns
    through the ABC machinery, about 3% of a visit's read and scrub (ADR 0300); this one set
    lookup takes about 80 ns."""

    accepts: frozenset[type]

    def __instancecheck__(cls, value: object) -> bool:
        return type(value) in cls.accepts

    def register(cls, kind: type) -> None:
        cls.accepts = cls.accepts | {kind}


class ClockTimeType(metaclass=_Marker):  # a marker: "HH:MM", decoded by the reader's hook
    """A time of day written HH:MM (JSON has no time type; RFC 3339 would want seconds)."""

    accepts = frozenset({dt.time})


class AmountType(metaclass=_Marker):  # a marker: "120.00" or 120, decoded by the hook
    """An amount of money: a decimal string of at most two places, or a whole number."""

    accepts = frozenset({Decimal})


class OverridesType(metaclass=_Marker):  # a marker: the payer record's JSON object
    """A payer record's policy overrides, checked by the reader's hook."""

    accepts = frozenset({tuple})


class NotInFormatType(metaclass=_Marker):  # a marker: a field JSON may not set
    """A field the app fills and the format does not have: the reader refuses it by name."""

    accepts: frozenset[type] = frozenset()


if TYPE_CHECKING:
    Opt = Union[_T, None]  # noqa: UP007  # a generic alias: `X | None` cannot take a parameter
    ClockTime = dt.time
    Money = Decimal
    Overrides = tuple[tuple[str, object], ...]
    GoalTexts = tuple[str, ...]
    Parameters = dict[str, object]
else:

    class Opt:
        """`Opt[X]` is X to the decoder (JSON null refused) and `X | None` to the type checker."""

        def __class_getitem__(cls, item: Any) -> Any:
            return item

    ClockTime = Annotated[ClockTimeType, msgspec.Meta(description="HH:MM")]
    Money = Annotated[
        AmountType, msgspec.Meta(description='an amount as a decimal string like "120.00"')
    ]
    Overrides = Annotated[OverridesType, msgspec.Meta(description="an object")]
    GoalTexts = NotInFormatType
    Parameters = Annotated[dict[str, Any], msgspec.Meta(description="an object")]

Text = Annotated[str, msgspec.Meta(min_length=1, description="a non-empty string")]
Npi = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{10}\Z", description="an NPI of 10 digits")]
State = Annotated[
    str, msgspec.Meta(pattern=r"^[A-Z]{2}\Z", description="a two-letter state code in capitals")
]
Day = Annotated[dt.date, msgspec.Meta(description="a date YYYY-MM-DD")]
Minutes = Annotated[int, msgspec.Meta(ge=0, description="an integer of at least 0")]
Count = Annotated[int, msgspec.Meta(ge=1, description="an integer of at least 1")]
Pointer = Annotated[int, msgspec.Meta(ge=1, le=12, description="an integer from 1 to 12")]
Flag = Annotated[bool, msgspec.Meta(description="true or false")]
Array = Annotated[tuple[_T, ...], msgspec.Meta(description="an array")]
NonEmptyArray = Annotated[
    tuple[_T, ...], msgspec.Meta(min_length=1, description="a non-empty array")
]
Texts = Array[Text]
VisitId = Annotated[
    str, msgspec.Meta(min_length=1, max_length=VISIT_ID_MAX, description="a non-empty string")
]
PlaceOfService = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9]{2}\Z", description="a two-digit place of service code")
]
PayerKindCode = Annotated[PayerKind, _code_of(PayerKind)]
UnitMethodCode = Annotated[UnitMethod, _code_of(UnitMethod)]
ModifierStyleCode = Annotated[ModifierStyle, _code_of(ModifierStyle)]
MedicareSecondaryTypeCode = Annotated[MedicareSecondaryType, _code_of(MedicareSecondaryType)]
CredentialCode = Annotated[Credential, _code_of(Credential)]
SexCode = Annotated[Sex, _code_of(Sex)]
RelationshipCode = Annotated[Relationship, _code_of(Relationship)]
LateralityCode = Annotated[Laterality, _code_of(Laterality)]
ReferralQualifierCode = Annotated[ReferralQualifier, _code_of(ReferralQualifier)]
AccidentKindCode = Annotated[AccidentKind, _code_of(AccidentKind)]
GoalKindCode = Annotated[GoalKind, _code_of(GoalKind)]


class _Value(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False):
    """Every value object: frozen, and an unknown field is an error when decoded. Without
    cycles, so the garbage collector need not track them (`gc=False`)."""


def minute_of_day(value: dt.time) -> int:
    """Minutes since midnight: time blocks are stamped to the minute, so spans compare as ints."""
    return value.hour * 60 + value.minute


class Address(_Value, frozen=True):
    line1: Text
    city: Text
    state: State
    zip: Text
    line2: Opt[Text] = None


class BillingProvider(_Value, frozen=True):
    """The billing provider (837P 2010AA, CMS-1500 box 33).

    `address` is where the provider is (a street address: 2010AA refuses a PO box);
    `pay_to_address` is where payment goes when that differs, such as a PO box (2010AB).
    A sole proprietor billing under the clinician's own NPI is a person: `last_name` (and
    `first_name`) make 2010AA an individual (NM102 = 1); `name` stays the practice's name.
    """

    name: Text
    npi: Npi
    tax_id: Text
    taxonomy: Text
    address: Address
    pay_to_address: Opt[Address] = None
    last_name: Opt[Text] = None
    first_name: Opt[Text] = None

    @property
    def is_individual(self) -> bool:
        return bool(self.last_name)


class RenderingProvider(_Value, frozen=True):
    first_name: Text
    last_name: Text
    npi: Npi
    credential: CredentialCode
    taxonomy: Text

    @property
    def discipline(self) -> Discipline:
        return DISCIPLINE_OF_CREDENTIAL[self.credential]


class Payer(_Value, frozen=True):
    name: Text
    payer_id: Text
    kind: PayerKindCode
    claim_number: Opt[Text] = None
    """The property-and-casualty carrier's claim number (837P REF*Y4, CMS-1500 box 11b)."""
    unit_method: Opt[UnitMethodCode] = None
    modifier_style: Opt[ModifierStyleCode] = None
    medicare_secondary_type: Opt[MedicareSecondaryTypeCode] = None
    """Why Medicare pays second (837P SBR05), for a claim to Medicare when it is not primary."""
    policy_overrides: Overrides = ()
    """The clinic's settings for this payer over its kind's defaults, as sorted (field, value)
    pairs already checked by `payer_overrides.check_overrides` (the payer directory's record);
    `payer_policy.policy_for` applies them. `unit_method`/`modifier_style` above win over them."""
    timely_filing_days: Opt[Count] = None
    """Days after the date of service within which this payer accepts a claim, from the payer
    directory's record; None leaves the kind's default (`PayerPolicy.timely_filing_days`)."""


class Person(_Value, frozen=True):
    """A subscriber or a patient. `member_id` and `relationship` are the subscriber's."""

    first_name: Text
    last_name: Text
    birth_date: Day
    sex: SexCode
    address: Opt[Address] = None
    id: Opt[Text] = None
    member_id: Opt[Text] = None
    relationship: Opt[RelationshipCode] = None
    group_number: Opt[Text] = None


class Referral(_Value, frozen=True):
    first_name: Text
    last_name: Text
    npi: Npi
    qualifier: ReferralQualifierCode
    date: Day
    diagnoses: Texts = ()
    authorized_visits: Opt[Count] = None
    visit_number: Opt[Count] = None
    expires: Opt[Day] = None


class ServiceFacility(_Value, frozen=True):
    """Where the visit took place (837P 2310C, CMS-1500 box 32)."""

    name: Text
    address: Address
    npi: Opt[Npi] = None


class Accident(_Value, frozen=True):
    kind: AccidentKindCode
    date: Opt[Day] = None
    state: Opt[State] = None
    pip_exhausted_on: Opt[Day] = None
    """The day the auto carrier's PIP/MedPay benefits for this injury ran out (its letter, or
    the payment that reached the limit): a health plan may be billed from then on (ADR 0770)."""


class Goal(_Value, frozen=True):
    id: Text
    text: Text
    kind: GoalKindCode


class CertificationKind(StrEnum):
    """How a plan of care came to be certified (CMS 100-02 Ch.15 §220.1.3)."""

    SIGNED = "signed"
    """The physician or NPP signed and dated the plan."""
    SIGNED_ORDER = "signed_order"
    """Since 2025-01-01: a signed, dated order on file, and the plan sent to the orderer within
    30 days of the evaluation (silence is assent)."""
    DELAYED = "delayed"
    """Signed late, with the reason for the delay documented."""


CertificationKindCode = Annotated[CertificationKind, _code_of(CertificationKind)]


class Certification(_Value, frozen=True):
    """The evidence behind a plan's certification; the scrubber judges it
    (`rules/scrub/checks_chart.py`)."""

    kind: CertificationKindCode
    signed_on: Opt[Day] = None
    """The physician's or NPP's signature date on the plan (signed, delayed)."""
    order_signed_on: Opt[Day] = None
    """The signed order's date (signed_order)."""
    sent_on: Opt[Day] = None
    """The day the plan was sent to the referrer."""
    delay_reason: Opt[Text] = None


class PlanOfCare(_Value, frozen=True):
    start: Day
    certified: Flag
    certified_through: Opt[Day] = None
    goals: Array[Goal] = ()
    certification: Opt[Certification] = None
    """What `certified` rests on, when the source records it; None for a bare yes or no."""


class DiagnosisOnset(_Value, frozen=True):
    """When the condition a diagnosis names began (837P DTP*431, CMS-1500 box 14)."""

    code: Text
    onset: Day


class AuthorizedServices(_Value, frozen=True):
    """What an authorization allows for one group of codes, and how much signed visits used."""

    codes: Texts = ()
    """The group's procedure codes; empty means every code on the visit."""
    visits: Opt[Count] = None
    units: Opt[Count] = None
    visits_used: Minutes = 0
    """Visits of the group on signed notes inside the window, before this visit."""
    units_used: Minutes = 0
    """Units of the group's codes on signed notes inside the window, before this visit."""


class Authorization(_Value, frozen=True):
    """The payer's or referrer's authorization the visit is billed under: its window and its
    visit and unit limits per code group."""

    number: Opt[Text] = None
    start: Opt[Day] = None
    end: Opt[Day] = None
    services: Array[AuthorizedServices] = ()


class TherapyYearToDate(_Value, frozen=True):
    """Allowed amounts so far this calendar year, per Medicare therapy bucket."""

    pt_slp: Money = Decimal("0")
    ot: Money = Decimal("0")


class Episode(_Value, frozen=True):
    treatment_day: Count
    last_progress_report_day: Opt[Count] = None
    therapy_ytd: Opt[TherapyYearToDate] = None


class Service(_Value, frozen=True):
    """One documented service line: a code with its time block and documentation."""

    code: Text
    charge: Money
    start: Opt[ClockTime] = None
    end: Opt[ClockTime] = None
    minutes: Opt[Minutes] = None
    assistant_minutes: Minutes = 0
    body_regions: Texts = ()
    laterality: Opt[LateralityCode] = None
    goal_ids: Texts = ()
    goal_texts: GoalTexts = ()
    """The linked goals' words, in `goal_ids` order, where the source knows them: a finding
    names a goal by what it says, not by its id (the clinic app's ids are row numbers)."""
    justification: Opt[Text] = None
    parameters: Parameters = msgspec.field(default_factory=dict)
    modifiers: Texts = ()
    diagnosis_pointers: Array[Pointer] = ()
    encounter: Count = 1
    rendering_npi: Opt[Npi] = None
    units: Opt[Count] = None
    """Units already billed by another system (scrubbing an export); None when we compute them."""

    @property
    def documented_minutes(self) -> int | None:
        """Minutes of the block: the start/stop span when both are stamped, else `minutes`."""
        if self.start is not None and self.end is not None:
            span = minute_of_day(self.end) - minute_of_day(self.start)
            return span if span >= 0 else None
        return self.minutes


class OtherProviderService(_Value, frozen=True):
    code: Text
    npi: Npi


class HistoryService(_Value, frozen=True):
    code: Text
    body_regions: Texts = ()
    parameters: Parameters = msgspec.field(default_factory=dict)


class HistoryVisit(_Value, frozen=True):
    date_of_service: Day
    services: Array[HistoryService] = ()


NoticeOptionCode = Annotated[
    int, msgspec.Meta(ge=1, le=3, description="1, 2 or 3 (the option the patient chose)")
]


class BeneficiaryNotice(_Value, frozen=True):
    """A signed Advance Beneficiary Notice (CMS-R-131) on file for the patient: the services it
    names, the day it was signed, the option the patient chose (1: bill Medicare and me; 2: do
    not bill Medicare; 3: I do not want the service) and, for a course of treatment, the last
    day it covers (`rules.beneficiary_notices` reads it; ADR 0960)."""

    signed_on: Day
    option: NoticeOptionCode
    codes: NonEmptyArray[Text]
    through: Opt[Day] = None


class Visit(_Value, frozen=True, tag_field="schema", tag=SCHEMA_ID):
    id: VisitId
    date_of_service: Day
    billing_provider: BillingProvider
    rendering_provider: RenderingProvider
    payer: Payer
    subscriber: Person
    patient: Person
    diagnoses: NonEmptyArray[Text]
    services: NonEmptyArray[Service]
    place_of_service: PlaceOfService = "11"
    referral: Opt[Referral] = None
    accident: Opt[Accident] = None
    prior_authorization: Opt[Text] = None
    plan_of_care: Opt[PlanOfCare] = None
    episode: Opt[Episode] = None
    other_providers_same_day: Array[OtherProviderService] = ()
    history: Array[HistoryVisit] = ()
    initial_treatment: Opt[Day] = None
    """First day of treatment for this episode (837P DTP*454, CMS-1500 box 15 qualifier 454);
    Medicare needs it on spinal manipulation."""
    service_facility: Opt[ServiceFacility] = None
    assistant: Opt[RenderingProvider] = None
    """The assistant (PTA, COTA, SLPA) who furnished the visit when `rendering_provider` is the
    supervising therapist billing for it: Medicare enrols no assistants, so the claim names the
    therapist and CQ/CO mark the assistant's lines (docs/decisions/0200). None when the
    rendering provider furnished the visit."""
    diagnosis_onsets: Array[DiagnosisOnset] = ()
    authorization: Opt[Authorization] = None
    notices: Opt[Array[BeneficiaryNotice]] = None
    """The signed ABNs on file (ADR 0960): None when the source does not say (the liability
    modifiers GA, GZ and GY are then left to the biller); empty when it knows of none."""
