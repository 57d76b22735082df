"""The catalog of scrub rules: stable ids, severity, source and why a clinic cares.

Rule ids are a public contract (they appear in `cleannote scrub --json`, in the clinic app and
in billers' saved filters), so an id is never reused or renamed: a rule that changes meaning
gets a new id. Every rule names the manual section, edit or payer policy it enforces, so a
biller can see why a claim was stopped without asking us.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleannote.rules.claim_format_limits import FORMAT_LIMITS
from cleannote.rules.findings import Severity


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: str
    severity: Severity
    title: str
    source: str
    why: str


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO

_RULES: tuple[RuleSpec, ...] = (
    # Procedure codes
    RuleSpec(
        "code.unknown",
        E,
        "Procedure code not in the therapy catalog",
        "Cleannote therapy catalog",
        "A code we cannot price, time or edit cannot be billed safely.",
    ),
    # Scope of practice (rules/scope_of_practice.py; the note page refuses by the same ids).
    # scope.discipline replaces code.discipline (a warning until docs/decisions/0200).
    RuleSpec(
        "scope.discipline",
        E,
        "Code outside the clinician's discipline",
        "Procedure catalog disciplines; CMS 100-02 Ch.15 §230 (services by discipline); state "
        "practice acts; payer credentialing",
        "A service furnished outside the clinician's scope is not payable and is a false "
        "claim if billed.",
    ),
    RuleSpec(
        "scope.act",
        E,
        "Evaluation, re-evaluation or progress report by a credential that may not perform it",
        "CMS 100-02 Ch.15 §220.1.2, §220.3, §230.1-230.3; 42 CFR 410.59(a)(4), 410.60(a)(4); "
        "ASHA SLPA scope of practice",
        "Assistants and massage therapists furnish treatment only; an evaluation or report "
        "they write is denied and cannot support the plan of care.",
    ),
    RuleSpec(
        "scope.assistant-rendering",
        E,
        "Assistant named as rendering provider where the payer enrols only the therapist",
        "42 CFR 424.505 and CMS-855I (assistants are not enrolled); payer policy "
        "enrols_assistants; CMS CQ/CO billing examples",
        "The claim must name the supervising therapist, who co-signs the note; it waits for "
        "the co-signature.",
    ),
    RuleSpec(
        "scope.rendering-not-enrolled",
        E,
        "Rendering provider's credential not enrolled with the payer",
        "42 CFR 424.505 and CMS-855I provider types; payer policy enrols_massage_therapists",
        "A claim naming a provider the payer does not enrol is rejected or denied.",
    ),
    RuleSpec(
        "scope.supervisor-credential",
        E,
        "Assistant's visit billed under a therapist of another discipline",
        "CMS 100-02 Ch.15 §230.1-230.3 (PTA by a PT, OTA by an OT; SLPA by an SLP)",
        "Only the assistant's own discipline may supervise and bill its services.",
    ),
    RuleSpec(
        "code.addon-without-primary",
        E,
        "Add-on code billed without its primary code the same day",
        "CPT add-on code convention; CMS NCCI add-on code edits (97130 with 97129, 97551 with "
        "97550, 98981 with 98980)",
        "An add-on code alone is denied: it only extends the primary service.",
    ),
    RuleSpec(
        "npi.check-digit",
        E,
        "An NPI fails the check-digit test",
        "45 CFR 162.406 (NPI standard, Luhn check digit)",
        "A mistyped NPI rejects the whole claim at the clearinghouse.",
    ),
    # Who is the patient (rules/scrub/checks_patient.py; docs/decisions/0310)
    RuleSpec(
        "patient.self-mismatch",
        E,
        "Relationship 'self' while the subscriber and the patient differ",
        "005010X222A1 2000B SBR02 = 18 (the subscriber is the patient; no 2000C patient loop is "
        "sent); 2010BA NM1/DMG (the subscriber's name and birth date identify the member)",
        "The claim names one person as both: the payer matches the member by name and birth "
        "date and rejects a claim for someone it has not enrolled.",
    ),
    RuleSpec(
        "patient.not-subscriber",
        E,
        "Medicare or Medicaid patient who is not the subscriber",
        "Medicare 837P companion guides (the patient is always the subscriber: SBR02 = 18, no "
        "2000C loop); state Medicaid companion guides (each recipient has their own id); "
        "Medicare Advantage enrols beneficiaries individually (42 CFR 422.50)",
        "These programs cover each person under their own number: a dependent's claim under "
        "another member's id is rejected.",
    ),
    RuleSpec(
        "patient.minor-subscriber",
        W,
        "Subscriber under 16 whose coverage is said to cover someone else",
        "005010X222A1 2000B SBR02 and 2010BA DMG02 (the subscriber's birth date); a child on "
        "their own Medicaid or CHIP coverage is the subscriber (relationship self); Cleannote "
        "threshold of 16 (ADR 0310)",
        "A minor policyholder covering another person is almost always the child entered as the "
        "subscriber, or a missing subscriber birth date: the payer cannot find the member.",
    ),
    RuleSpec(
        "patient.dependent-age",
        W,
        "Dependent child at or above the payer's dependent age limit",
        "Payer policy max_dependent_age (commercial: 26, PHS Act §2714 and 45 CFR 147.120 "
        "under the ACA); none for Medicare, Medicaid and property-and-casualty payers",
        "A child past the plan's age limit is no longer covered as a dependent and the claim "
        "denies for eligibility, unless the plan covers a disabled dependent or to a later age.",
    ),
    # Diagnoses
    RuleSpec(
        "dx.none",
        E,
        "No diagnosis on the visit",
        "837P 2300 HI segment (required); CMS-1500 box 21",
        "A claim without a diagnosis is rejected before adjudication.",
    ),
    RuleSpec(
        "dx.invalid",
        E,
        "Diagnosis code invalid or not billable",
        "ICD-10-CM Official Guidelines I.B.2 (code to the highest specificity)",
        "Category and unknown codes deny with CARC 16/146.",
    ),
    RuleSpec(
        "dx.seventh-character",
        E,
        "Diagnosis code missing its 7th character or placeholder X",
        "ICD-10-CM Official Guidelines I.A.5 and I.C.19.a",
        "Injury codes without the 7th character are invalid and deny.",
    ),
    RuleSpec(
        "dx.retired",
        E,
        "Diagnosis code retired",
        "ICD-10-CM annual update (CMS/NCHS addenda)",
        "A deleted code denies for dates of service after its deletion.",
    ),
    RuleSpec(
        "dx.excludes1",
        E,
        "Two diagnoses that an Excludes1 note forbids together",
        "ICD-10-CM Official Guidelines I.A.12.a (Excludes1)",
        "Payers running code edits deny claims that report both codes.",
    ),
    RuleSpec(
        "dx.laterality",
        W,
        "Side of the body not documented",
        "ICD-10-CM Official Guidelines I.B.13 (laterality)",
        "Unspecified-side codes draw medical-necessity denials and records requests.",
    ),
    RuleSpec(
        "dx.block-side-missing",
        E,
        "Block on a sided body region with a sided diagnosis records no side",
        "ICD-10-CM Official Guidelines I.B.13 (laterality); the laterality selector of every "
        "unilateral code template; CMS 100-02 Ch.15 §220.3 (the note supports each service)",
        "The claim's diagnosis names a side the note does not: the record cannot show which "
        "limb was treated, and the visit is not signed until it does.",
    ),
    RuleSpec(
        "dx.referral-mismatch",
        W,
        "Claim diagnoses differ from the referral's",
        "Payer referral and prescription policy; CMS 100-02 Ch.15 §220.1",
        "Treating conditions the referrer did not refer for invites denial on review.",
    ),
    RuleSpec(
        "dx.pointer",
        E,
        "Service line without a valid diagnosis pointer",
        "837P SV107 / CMS-1500 box 24E",
        "Lines without a pointer are rejected; pointers past the diagnosis list too.",
    ),
    # Referral and plan of care
    RuleSpec(
        "referral.missing",
        E,
        "Payer requires a referral or prescription and none is on file",
        "Payer policy (auto PIP/MedPay/liability, workers' comp, Medicaid)",
        "Without the order the carrier refuses to pay for therapy.",
    ),
    RuleSpec(
        "referral.expired",
        E,
        "Referral expired before the date of service",
        "Payer referral policy",
        "Visits after expiry are denied as unauthorized.",
    ),
    RuleSpec(
        "referral.visits-used",
        E,
        "Referral's authorized visits used up",
        "Payer authorization policy (CARC 197/198)",
        "Visits beyond the authorized count are not paid.",
    ),
    RuleSpec(
        "poc.missing",
        E,
        "No plan of care for a payer that requires one",
        "CMS 100-02 Ch.15 §220.1.2 (plan of care)",
        "Medicare pays therapy only under a certified plan of care.",
    ),
    RuleSpec(
        "poc.certification-pending",
        W,
        "Plan of care not yet certified, within the 30 days the physician/NPP has to sign",
        "CMS 100-02 Ch.15 §220.1.3 (initial certification within 30 days of the first "
        "treatment day; ADR 0392)",
        "Care in the window is covered once the plan is certified in time; after it the "
        "plan is late and needs a delayed certification.",
    ),
    RuleSpec(
        "poc.not-certified",
        E,
        "Plan of care not certified by the physician/NPP 30 days after its start",
        "CMS 100-02 Ch.15 §220.1.3 (certification within 30 days; ADR 0392)",
        "Uncertified care is denied on review and recouped.",
    ),
    RuleSpec(
        "poc.certification-lapsed",
        E,
        "Date of service after the plan of care's certification",
        "CMS 100-02 Ch.15 §220.1.3 (recertification at least every 90 days)",
        "Visits past the certified period need a recertification first.",
    ),
    RuleSpec(
        "poc.progress-report-due",
        E,
        "Medicare progress report due or overdue",
        "CMS 100-02 Ch.15 §220.3.D (at least once every 10 treatment days)",
        "Visits after a missed progress report are not payable.",
    ),
    RuleSpec(
        "poc.progress-report-soon",
        N,
        "Progress report due within two treatment days",
        "CMS 100-02 Ch.15 §220.3.D",
        "Planning the report now avoids an unpayable visit later.",
    ),
    RuleSpec(
        "poc.after-service",
        E,
        "Plan of care starts after the date of service",
        "CMS 100-02 Ch.15 §220.1.2 (services are furnished under a plan established before "
        "treatment; the initial evaluation that writes it is exempt); payer policy "
        "plan_of_care_certification_required",
        "Treatment before the plan it is billed under was not furnished under a plan of care "
        "and is denied on review.",
    ),
    RuleSpec(
        "referral.not-yet-valid",
        E,
        "Referral dated after the date of service",
        "Payer referral and authorization policy (the order's window runs from its date to its "
        "expiry); payer policy referral_required",
        "A payer that requires a referral pays only visits the order covered when they took "
        "place; an order does not reach back.",
    ),
    # Dates that contradict each other (rules/scrub/checks_dates.py; docs/decisions/0311)
    RuleSpec(
        "date.after-service",
        E,
        "Accident or initial treatment date after the date of service",
        "005010X222A1 2300 DTP*439 (accident) and DTP*454 (initial treatment) precede the "
        "service dates; CMS-1500 boxes 14 and 15; payer front-end date edits",
        "A history dated after the visit is impossible: clearinghouses and payers reject the "
        "claim at its dates.",
    ),
    RuleSpec(
        "date.future-service",
        E,
        "Date of service after the day the claim is made",
        "005010X222A1 2400 DTP*472 (service date) and BHT04 (the file's creation date); "
        "clearinghouse and payer front-end edits reject future service dates",
        "A claim for a service not yet furnished is rejected, and billing it is a false claim.",
    ),
    # Timely filing (rules/scrub/checks_timely_filing.py; docs/decisions/0370)
    RuleSpec(
        "payer.timely-filing",
        E,
        "Claim made after the payer's timely filing limit",
        "Medicare: 42 CFR 424.44(a)(1), one calendar year after the date of service (100-04 "
        "Ch.1 §70); Medicaid: 42 CFR 447.45(d)(1), 12 months; other payers: the limit on the "
        "payer directory's record (contract or state law). A corrected claim (frequency 7): "
        "the payer's corrected-claim limit from its determination of the claim replaced "
        "(Medicare: 42 CFR 405.980(b)(1), a reopening within one year; 100-04 Ch.34 "
        "§10.6.2), else the filing limit from the date of service (ADR 0391). A claim after "
        "another payer: the payer's window after the prior payer's remittance when it ends "
        "later (Medicaid: 42 CFR 447.45(d)(4)(ii), six months; commercial: the contract; ADR "
        "0705)",
        "A claim received after the limit is denied for timely filing and is not paid, "
        "however clean it is otherwise.",
    ),
    RuleSpec(
        "payer.timely-filing-soon",
        W,
        "Claim within 14 days of the payer's timely filing limit",
        "The payer's timely filing limit (as payer.timely-filing); Cleannote's 14-day warning "
        "window (ADR 0370)",
        "A rejection found after the limit cannot be corrected in time: send it now.",
    ),
    # Time and units
    RuleSpec(
        "time.missing",
        E,
        "Timed code without start and stop or minutes",
        "CMS 100-02 Ch.15 §220.3.E (timed minutes documented)",
        "Units of a timed code must be supported by documented minutes.",
    ),
    RuleSpec(
        "time.end-before-start",
        E,
        "Time block ends before it starts",
        "CMS 100-02 Ch.15 §220.3.E",
        "An impossible time block makes the whole note unreliable on audit.",
    ),
    RuleSpec(
        "time.overlap",
        E,
        "Overlapping time blocks for one provider",
        "CMS 100-04 Ch.5 §20.2 (one-on-one timed services)",
        "A provider cannot bill two timed services for the same minutes.",
    ),
    RuleSpec(
        "time.minutes-mismatch",
        W,
        "Stamped start/stop disagrees with the minutes entered",
        "CMS 100-02 Ch.15 §220.3.E",
        "Conflicting times undermine the units on audit.",
    ),
    RuleSpec(
        "units.unsupported",
        E,
        "Billed units exceed what the minutes support",
        "CMS 100-04 Ch.5 §20.2 (8-minute rule) or the payer's per-code method",
        "Units beyond the minutes are overbilling and are recouped.",
    ),
    RuleSpec(
        "units.zero",
        W,
        "A documented service earns no units",
        "CMS 100-04 Ch.5 §20.2",
        "The service stays in the note but no line is billed for it.",
    ),
    RuleSpec(
        "units.mue",
        E,
        "Units exceed the Medically Unlikely Edit",
        "CMS NCCI MUE table (practitioner)",
        "Lines above the MUE are denied (date-of-service MUEs deny the whole line).",
    ),
    RuleSpec(
        "units.mue-unconfirmed",
        W,
        "Units exceed a bundled MUE that is a Cleannote default or low-confidence value",
        "Cleannote's bundled MUE subset (data/mue_therapy.tsv): a Cleannote default or "
        "low-confidence row, not a CMS value; `cleannote refdata import mue` loads the CMS file",
        "The limit may be wrong either way: check the units, and import the CMS MUE file to "
        "have this checked as an edit.",
    ),
    # Documentation
    RuleSpec(
        "doc.no-goal",
        E,
        "Timed service not linked to a plan-of-care goal",
        "CMS 100-02 Ch.15 §220.3 (treatment notes); §220.1.2 (goals)",
        "Skilled time that serves no goal reads as not medically necessary.",
    ),
    RuleSpec(
        "doc.unknown-goal",
        E,
        "Service linked to a goal that is not in the plan of care",
        "CMS 100-02 Ch.15 §220.1.2",
        "A goal the plan does not hold cannot justify the service.",
    ),
    RuleSpec(
        "doc.no-justification",
        E,
        "No skilled-care justification where the code needs one",
        "CMS 100-02 Ch.15 §220.2 (reasonable and necessary, skilled services)",
        "Passive and easily-questioned services deny on review without it.",
    ),
    RuleSpec(
        "doc.missing-elements",
        W,
        "Documentation elements the payer expects are missing",
        "Cleannote catalog documentation elements; MAC LCD documentation requirements",
        "Reviewers look for these elements before paying the code.",
    ),
    RuleSpec(
        "doc.97110-multiple-outcomes",
        W,
        "97110 documented with more than one target outcome",
        "CPT 97110 vs 97530 definitions; MAC therapy LCDs",
        "Exercise aimed at several outcomes reads as functional activity (97530).",
    ),
    RuleSpec(
        "doc.no-progression",
        W,
        "Identical parameters for a code on three visits in a row",
        "CMS 100-02 Ch.15 §220.2 (maintenance vs skilled progression)",
        "Unchanged exercise reads as maintenance that does not need a therapist.",
    ),
    # Code pairs
    RuleSpec(
        "pair.97124-97140-region",
        E,
        "Massage and manual therapy on the same body region",
        "NCCI PTP 97140/97124; NCCI Policy Manual Ch.11",
        "The two are not separately payable for one region.",
    ),
    RuleSpec(
        "pair.ncci-hard",
        E,
        "NCCI pair that no modifier can bypass (indicator 0)",
        "NCCI practitioner PTP edits, modifier indicator 0",
        "The column-2 code is denied whatever modifier is added.",
    ),
    RuleSpec(
        "pair.ncci-undocumented",
        E,
        "NCCI pair without a documented distinction",
        "NCCI practitioner PTP edits, modifier indicator 1; NCCI Policy Manual Ch.1 §E",
        "The column-2 code is denied unless a separate region, session, "
        "practitioner or time is documented.",
    ),
    RuleSpec(
        "pair.ncci-unconfirmed",
        W,
        "Code pair in a low-confidence bundled NCCI row, not checked against the CMS file",
        "Cleannote's bundled NCCI subset (data/ncci_ptp_therapy.tsv): a low-confidence row, "
        "not a CMS edit; `cleannote refdata import ncci` loads the CMS files",
        "The pair may or may not be a CMS edit: document a distinction or confirm against the "
        "CMS file before billing both.",
    ),
    RuleSpec(
        "pair.bypass-unsupported",
        E,
        "59 or X modifier asked for without documentation",
        "CMS Modifier 59 article; NCCI Policy Manual Ch.1 §E",
        "Unsupported 59/X modifiers are the top audit target for therapy.",
    ),
    RuleSpec(
        "pair.97010-repeat",
        E,
        "97010 more than once on one day",
        "NCCI MUE 97010; CMS 100-04 Ch.5",
        "Hot/cold packs are reportable once per day for all providers.",
    ),
    # Lines that should be one (rules/scrub/checks_lines.py; docs/decisions/0312)
    RuleSpec(
        "line.duplicate-code",
        E,
        "The same code on two claim lines with the same modifiers",
        "Payer duplicate-line edits (CARC 18, exact duplicate claim/service); CMS 100-04 Ch.5 "
        "§20.2 (a timed code's minutes for the day are totalled into its units)",
        "The second line is denied as an exact duplicate; one line with the day's units is paid.",
    ),
    RuleSpec(
        "line.two-evaluations",
        E,
        "Two PT or OT evaluation levels on one day",
        "CPT PT/OT evaluation codes 97161-97163 and 97165-97167 (one evaluation, billed at the "
        "one complexity level documented); NCCI practitioner PTP edits between the levels",
        "An evaluation is one service: the second level is denied as mutually exclusive.",
    ),
    RuleSpec(
        "line.evaluation-and-re-evaluation",
        E,
        "PT or OT evaluation and re-evaluation on one day",
        "CPT 97164/97168 (re-evaluation of an established plan of care); NCCI practitioner PTP "
        "edits between evaluation and re-evaluation codes",
        "A re-evaluation reassesses a plan the day's evaluation is only now writing: the pair is "
        "not separately payable.",
    ),
    # Medicare status
    RuleSpec(
        "medicare.97010-bundled",
        E,
        "97010 billed to Medicare, which bundles it",
        "Medicare Physician Fee Schedule status B (97010)",
        "Never paid separately, and the patient cannot be billed for it.",
    ),
    RuleSpec(
        "medicare.97014-invalid",
        W,
        "97014 billed to Medicare: billed as G0283 instead",
        "Medicare Physician Fee Schedule status I (97014); HCPCS G0283",
        "Medicare rejects 97014; unattended electrical stimulation is G0283.",
    ),
    RuleSpec(
        "medicare.98943-noncovered",
        E,
        "98943 billed to Medicare, which does not cover it",
        "CMS 100-02 Ch.15 §240 (chiropractic: spinal CMT only)",
        "Extraspinal manipulation is statutorily non-covered; bill GY or the patient.",
    ),
    RuleSpec(
        "medicare.abn-missing",
        W,
        "Medicare service expected to be denied, with no signed ABN: billed with GZ",
        "CMS 100-04 Ch.30 §50 (ABN, CMS-R-131; GZ); rules/beneficiary_notices.py table",
        "Without a notice signed before the service the patient cannot be billed if Medicare "
        "denies it: the clinic carries the loss.",
    ),
    RuleSpec(
        "medicare.abn-do-not-bill",
        E,
        "Line billed to Medicare although the patient's ABN chose option 2 (do not bill)",
        "CMS-R-131 section G option 2; CMS 100-04 Ch.30 §50",
        "The patient asked, in writing, that Medicare not be billed for the service.",
    ),
    RuleSpec(
        "medicare.abn-declined",
        E,
        "Line billed for a service the patient declined on the ABN (option 3)",
        "CMS-R-131 section G option 3; CMS 100-04 Ch.30 §50",
        "The patient refused the service; billing it contradicts the signed notice.",
    ),
    RuleSpec(
        "medicare.abn-on-file",
        N,
        "GA added: a signed ABN (option 1) covers the service",
        "CMS 100-04 Ch.30 §50 (GA: waiver of liability statement on file)",
        "The patient may be billed if Medicare denies the service.",
    ),
    RuleSpec(
        "medicare.chiro-non-cmt",
        E,
        "Chiropractor billing Medicare for a service other than spinal manipulation",
        "CMS 100-02 Ch.15 §240 (Medicare pays chiropractors only for manual manipulation of "
        "the spine to correct a subluxation); SSA §1861(r)(5)",
        "Medicare denies every other service a chiropractor bills, and the patient owes it only "
        "with an ABN (GA).",
    ),
    RuleSpec(
        "medicare.initial-treatment-date",
        E,
        "Spinal manipulation billed to Medicare without the initial treatment date",
        "CMS 100-04 Ch.26 §10.2 item 14 and 100-02 Ch.15 §240.1.2 (date the course of "
        "chiropractic treatment began); 005010X222A1 2300 DTP*454; CMS-1500 box 15 qualifier 454",
        "Medicare contractors reject chiropractic claims for 98940-98942 without it.",
    ),
    RuleSpec(
        "medicare.cmt-at",
        N,
        "AT added to spinal manipulation for Medicare",
        "CMS 100-04 Ch.12 §220 (AT modifier for active treatment)",
        "Medicare denies CMT without AT as maintenance care.",
    ),
    # Payer
    RuleSpec(
        "payer.accident-details",
        E,
        "Accident claim without accident date or state",
        "837P CLM11 / DTP*439; CMS-1500 boxes 10b and 14/15",
        "Auto and liability carriers reject claims without accident details.",
    ),
    RuleSpec(
        "payer.auto-primary",
        E,
        "Health plan billed while an open auto case is primary",
        "No-fault statutes (PIP primary in no-fault states); CARC 21",
        "The health plan denies with CARC 21 and points you to the auto carrier.",
    ),
    RuleSpec(
        "payer.auto-primary-check",
        W,
        "Health plan billed for an auto-accident injury",
        "Coordination of benefits; CARC 20/21",
        "Health plans recoup accident care when a liability or auto carrier pays.",
    ),
    # Property-and-casualty claims (rules/scrub/checks_claim_data.py)
    RuleSpec(
        "payer.claim-number-missing",
        E,
        "Auto or workers' compensation claim without the carrier's claim number",
        "005010X222A1 2010BA/2010CA REF*Y4 (property and casualty claim number); CMS-1500 box "
        "11b (Y4); auto and workers' compensation carriers' billing rules",
        "The carrier files every bill under its claim number for the accident or injury; a "
        "bill without it is returned unprocessed.",
    ),
    RuleSpec(
        "payer.wc-not-employment",
        E,
        "Workers' compensation claim for an accident that is not employment-related",
        "005010X222A1 2300 CLM11-1 EM (employment related); CMS-1500 box 10a; state workers' "
        "compensation acts (work-related injury or illness only)",
        "Workers' compensation pays only for an injury at work; the carrier denies any other.",
    ),
    # Medicare as secondary payer (rules/scrub/checks_msp.py)
    RuleSpec(
        "msp.accident-medicare-first",
        E,
        "Medicare billed first for an auto or work accident",
        "42 USC 1395y(b)(2) (Medicare secondary payer); CMS 100-05 (MSP Manual) Ch.1 §10 "
        "(no-fault, liability, workers' compensation pay first); 005010X222A1 2000B SBR05",
        "Medicare denies or recovers what no-fault, liability or workers' compensation owes; "
        "it is billed after them, with the secondary payer type.",
    ),
    RuleSpec(
        "msp.type-contradicts-case",
        E,
        "Medicare secondary payer type that the case's accident does not support",
        "CMS 100-05 (MSP Manual) Ch.5 (MSP type codes: 14 no-fault, 15 workers' compensation, "
        "47 liability); 005010X222A1 2000B SBR05 (code list 1336)",
        "An MSP type naming a carrier the case does not have sends Medicare to recover from the "
        "wrong insurer and the claim is rejected or recouped.",
    ),
    RuleSpec(
        "msp.type-not-medicare",
        E,
        "Medicare secondary payer type on a claim to a payer other than Medicare",
        "005010X222A1 2000B SBR05 (used only when the destination payer is Medicare and it is "
        "not primary); Medicare Advantage plans are not Medicare Part B",
        "The type is not sent to any other payer, so the coverage is set up wrongly: the claim "
        "is going to a payer the case did not mean.",
    ),
    RuleSpec(
        "payer.pip-massage",
        E,
        "Massage billed to PIP in a state whose PIP bars it",
        "Fla. Stat. §627.736(1)(a)5 (PIP excludes massage since 2013-01-01)",
        "The PIP carrier refuses massage and massage therapists outright.",
    ),
    RuleSpec(
        "payer.97010-not-paid",
        E,
        "97010 billed to a payer whose policy does not pay it",
        "Payer policy (data/payer_policies.json pays_97010; many plans bundle hot/cold packs, "
        "e.g. Horizon policy)",
        "The line is denied as bundled into the day's other services.",
    ),
    RuleSpec(
        "payer.therapy-modifier",
        E,
        "GP/GO/GN asked for does not match the discipline",
        "CMS 100-04 Ch.5 §20.1",
        "A wrong therapy modifier mis-assigns the visit's plan of care and denies.",
    ),
    RuleSpec(
        "payer.assistant-modifier",
        N,
        "CQ/CO added: an assistant furnished part of the service",
        "CMS CQ/CO modifier billing examples; 42 CFR 410.59/410.60",
        "Lines without CQ/CO are overpayments once found on review.",
    ),
    RuleSpec(
        "payer.kx",
        N,
        "KX added: the patient is above this year's therapy threshold",
        "SSA §1833(g)(7)(A); CMS KX threshold for the year",
        "Lines above the threshold without KX are denied.",
    ),
    RuleSpec(
        "payer.kx-threshold-unknown",
        N,
        "No KX threshold on file for the visit's year: KX not judged",
        "data/thresholds.json (CMS per-beneficiary KX amounts, 2022 on); SSA §1833(g)(7)(A)",
        "Guessing another year's amount would attest to the wrong figure, so a biller decides.",
    ),
    RuleSpec(
        "payer.targeted-review",
        W,
        "Above the targeted medical review threshold",
        "SSA §1833(g)(7)(B); BBA 2018 §50202 ($3,000)",
        "Claims above $3,000 in a bucket may be selected for review: document well.",
    ),
    RuleSpec(
        "payer.bypass-added",
        N,
        "NCCI bypass modifier added from the documentation",
        "NCCI practitioner PTP edits, modifier indicator 1",
        "The bypass is supported by a separate region, session, practitioner or time.",
    ),
    # Addresses the 837P names
    RuleSpec(
        "address.billing-po-box",
        E,
        "Billing provider address is a PO box",
        "005010X222A1 2010AA N301 (billing provider address must be a street address; a PO box "
        "or lock box is sent as the pay-to address, 2010AB)",
        "Clearinghouses and Medicare reject a claim with a PO box as the billing address.",
    ),
    RuleSpec(
        "address.service-facility",
        E,  # the 837P writer refuses it (ADR 0350; was a warning in ADR 0262)
        "Service location is not a street address with its ZIP+4",
        "005010X222A1 2310C N301/N403 (service facility: street address, nine-digit ZIP); "
        "CMS 100-04 Ch.26 §10.4 item 32",
        "Medicare prices by where the service took place; the 837P cannot be written without it.",
    ),
    # Remote therapeutic monitoring
    RuleSpec(
        "rtm.device-tier",
        E,
        "RTM device-supply code does not match the days of data",
        "CPT 2026 RTM device-supply codes (2-15 days vs 16-30 days)",
        "The wrong tier is denied; the tiers are mutually exclusive.",
    ),
    RuleSpec(
        "rtm.device-repeat",
        E,
        "Two RTM device-supply codes in one 30-day period",
        "CPT RTM device-supply codes: once per 30 days",
        "Only one device-supply code is payable per 30-day period.",
    ),
    RuleSpec(
        "rtm.management-minutes",
        E,
        "RTM management minutes below the code's floor",
        "CPT RTM treatment-management codes 98979/98980/98981",
        "Management time short of the floor does not support the code.",
    ),
    RuleSpec(
        "rtm.98979-with-98980",
        E,
        "98979 and 98980 in the same month",
        "CPT 2026 RTM treatment management (98979 not with 98980)",
        "The 10-minute and 20-minute management codes exclude each other.",
    ),
)

# What an 837P or CMS-1500 cannot carry: one row each in rules/claim_format_limits.py, the
# table the writers' last guards read too (ADR 0350).
_FORMAT_RULES = tuple(
    RuleSpec(row.rule, row.severity, row.title, row.source, row.why)
    for row in FORMAT_LIMITS.values()
)
_RULES = (*_RULES, *_FORMAT_RULES)

# What the chart says about the visit (rules/scrub/checks_chart.py, ADR 0520).
_CHART_RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        "dx.onset-after-service",
        E,
        "Diagnosis onset date after the date of service",
        "NUCC 1500 instructions box 14 (date of current illness, qualifier 431); 837P "
        "DTP*431; CMS 100-02 Ch.15 §220.1.2 (the plan names the diagnoses treated)",
        "A condition cannot be treated before it began: the claim's onset date is rejected or "
        "the visit is denied as not medically necessary.",
    ),
    RuleSpec(
        "auth.outside-window",
        E,
        "Authorization's date window does not cover the visit",
        "Payer prior-authorization policy (CARC 197 precertification/authorization absent)",
        "A visit outside the authorized dates is treated as unauthorized and denied.",
    ),
    RuleSpec(
        "auth.visits-used-up",
        E,
        "Authorization's visits for the code group used up",
        "Payer prior-authorization policy (CARC 197/198; CARC 119 benefit maximum reached)",
        "Visits beyond the authorized count are not paid; signed notes already used them.",
    ),
    RuleSpec(
        "auth.units-used-up",
        E,
        "Authorization's units for the code group used up",
        "Payer prior-authorization policy (CARC 198 precertification exceeded; CARC 151)",
        "Units beyond the authorized number are denied line by line.",
    ),
    RuleSpec(
        "poc.certification-late",
        E,
        "Plan of care signed more than 30 days after it started, without a delay reason",
        "CMS 100-02 Ch.15 §220.1.3 (initial certification within 30 days; delayed "
        "certification with a reason)",
        "A late signature certifies nothing unless the record says why it was delayed.",
    ),
    RuleSpec(
        "poc.delayed-incomplete",
        E,
        "Delayed certification without the signature date or the reason",
        "CMS 100-02 Ch.15 §220.1.3 B (delayed certification)",
        "A delayed certification is accepted only with the physician's dated signature and "
        "the documented reason for the delay.",
    ),
    RuleSpec(
        "poc.signed-order-unmet",
        E,
        "Signed-order certification without its conditions",
        "CY 2025 Physician Fee Schedule final rule, 89 FR 97912-18 (a signed, dated order "
        "certifies the plan when the plan is sent to the orderer within 30 days of the "
        "evaluation); 42 CFR 424.24(c)",
        "Without the order's date and proof the plan went out in time, the plan is "
        "uncertified and its visits are denied on review.",
    ),
    RuleSpec(
        "poc.recertification-due",
        E,
        "Visit more than 90 days into the plan's certification",
        "CMS 100-02 Ch.15 §220.1.3 (recertification at least every 90 days)",
        "Visits past 90 days need a recertified plan before they are payable.",
    ),
)
_RULES = (*_RULES, *_CHART_RULES)

# Supplies dispensed from a note (rules/supplies.py, rules/scrub/checks_supplies.py, ADR 0821).
_SUPPLY_RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        "supply.bundled",
        W,
        "Supply paid within a service billed the same day",
        "Medicare PFS status P, 100-04 Ch.23 §30.2.2 (the bundling table in "
        "rules/data/supplies.json); the payer's 'bundles supplies' policy",
        "A supply the payer pays within the service it was used for is denied as bundled "
        "when billed on its own line; it is costed to the visit instead.",
    ),
    RuleSpec(
        "supply.dme-modifier",
        E,
        "Durable medical equipment without exactly one of NU or RR",
        "HCPCS pricing modifiers NU (new equipment) and RR (rental); 100-04 Ch.20 §130.2",
        "A DME line without its purchase or rental modifier is returned unprocessable; the "
        "modifier on a non-DME line is refused.",
    ),
    RuleSpec(
        "supply.rental-month",
        E,
        "Medicare rental line without its rental-month modifier",
        "HCPCS Level II modifiers KH, KI and KJ after RR (the month table in "
        "rules/data/dme_rentals.json, each row with its source; ADR 0823)",
        "Medicare wants the month of a rented unit on the line after RR: KH the first, KI "
        "the second and third, KJ the fourth to fifteenth of a capped rental.",
    ),
)
_RULES = (*_RULES, *_SUPPLY_RULES)

RULES: dict[str, RuleSpec] = {rule.id: rule for rule in _RULES}


def rule(rule_id: str) -> RuleSpec:
    return RULES[rule_id]


def all_rules() -> tuple[RuleSpec, ...]:
    return _RULES
