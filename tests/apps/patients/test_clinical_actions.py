"""The chart's clinical part: renewing a used-up referral, correcting a retired diagnosis,
certifying a plan of care; each change audited with who and why, refused for people who do not
treat the patient, and read by the scrubber on the next look at the note."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.notes.authorization_usage import usage
from cleannote.apps.notes.live_scrub import scrub_loaded_note
from cleannote.apps.notes.visit_builder import build_visit, load_note_for_visit
from cleannote.apps.patients.chart_actions import ChartChangeRefused
from cleannote.apps.patients.clinical_access import ChartAccessRefused
from cleannote.apps.patients.clinical_actions import (
    do_add_diagnosis,
    do_change_diagnosis,
    do_move_diagnosis,
    do_record_certification,
    do_record_plan_sent,
    do_record_referral,
    do_remove_diagnosis,
    do_renew_referral,
    do_revise_plan_of_care,
)
from cleannote.apps.patients.models import (
    AuthorizedCodeGroup,
    CaseDiagnosis,
    Goal,
    PlanDelivery,
    PlanOfCare,
    Referral,
)
from cleannote.rules.visit import CertificationKind
from tests.personas import TODAY, VALID_NPIS

pytestmark = pytest.mark.django_db


def _actor(staff):
    return Actor(user=staff.user, organisation=staff.organisation, ip_address="10.0.0.9")


def _rules(clinic):
    note = load_note_for_visit(clinic.draft_note.pk, clinic.organisation)
    return {f.rule for f in scrub_loaded_note(note).findings}


def _referral(**values):
    fields = {
        "provider_first_name": "Laura",
        "provider_last_name": "Singh",
        "provider_npi": VALID_NPIS[4],
        "referral_date": TODAY - dt.timedelta(days=10),
        "expires_on": TODAY + dt.timedelta(days=60),
    }
    fields.update(values)
    return Referral(**fields)


def test_a_used_up_authorization_blocks_until_renewed(clinic):
    # given: an authorization of one 97110 visit, used by the signed note
    front = _actor(clinic.front_desk)
    used_up = do_record_referral(
        front,
        clinic.case,
        _referral(referral_date=TODAY - dt.timedelta(days=5), authorization_number="A-1"),
        [AuthorizedCodeGroup(label="Exercise", codes=["97110"], visits=1)],
    )
    (counted,) = usage(used_up, used_up.code_groups.all())
    assert (counted.visits_used, counted.units_used, counted.used_up) == (1, 2, True)
    assert "auth.visits-used-up" in _rules(clinic)
    # when: the front desk renews it
    renewal = do_renew_referral(
        front,
        used_up,
        _referral(referral_date=TODAY - dt.timedelta(days=1), authorization_number="A-2"),
        [AuthorizedCodeGroup(codes=["97110"], visits=8)],
        reason="payer approved 8 more",
    )
    # then: the draft is covered, the claim carries the new number, and the audit says why
    assert renewal.renews == used_up
    assert "auth.visits-used-up" not in _rules(clinic)
    note = load_note_for_visit(clinic.draft_note.pk, clinic.organisation)
    assert build_visit(note).prior_authorization == "A-2"
    event = AuditEvent.objects.filter(object_type="referral", object_id=str(renewal.pk)).get()
    assert (event.actor_username, event.reason) == ("fran", "payer approved 8 more")


def test_a_referral_is_renewed_once(clinic):
    old = clinic.case.referrals.get()
    do_renew_referral(_actor(clinic.front_desk), old, _referral())
    with pytest.raises(ValidationError) as refused:
        do_renew_referral(_actor(clinic.front_desk), old, _referral())
    assert "renews" in refused.value.message_dict


def test_a_retired_diagnosis_is_refused_with_its_replacements_and_corrected(clinic):
    therapist = _actor(clinic.therapist)
    # given: the referral as the referrer wrote it, on a case without diagnoses
    CaseDiagnosis.objects.filter(case=clinic.case).delete()
    do_record_referral(_actor(clinic.front_desk), clinic.case, _referral(diagnoses=["M54.5"]))
    row = clinic.case.diagnoses.get()
    assert row.code == "M54.5"
    assert "dx.retired" in _rules(clinic)
    # then: typing the retired code is refused with the command line's replacements
    with pytest.raises(ValidationError) as refused:
        do_change_diagnosis(therapist, row, "M54.5", None, reason="retype")
    assert "M54.50, M54.51, M54.59" in refused.value.message_dict["code"][0]
    # when: the therapist picks the replacement
    do_change_diagnosis(
        therapist, row, "m5450", TODAY - dt.timedelta(days=40), reason="M54.5 retired"
    )
    # then
    assert clinic.case.diagnoses.get().code == "M54.50"
    assert "dx.retired" not in _rules(clinic)


def test_diagnoses_are_added_reordered_and_removed_with_a_reason(clinic):
    therapist = _actor(clinic.therapist)
    second = do_add_diagnosis(therapist, clinic.case, "M25.561", None)
    do_move_diagnosis(therapist, second, up=True)
    assert [d.code for d in clinic.case.diagnoses.all()] == ["M25.561", "M54.50"]
    with pytest.raises(ChartChangeRefused):
        do_remove_diagnosis(therapist, second, reason=" ")
    do_remove_diagnosis(therapist, second, reason="knee pain resolved")
    assert [(d.code, d.position) for d in clinic.case.diagnoses.all()] == [("M54.50", 1)]
    assert AuditEvent.objects.filter(action="delete", reason="knee pain resolved").exists()


def test_an_onset_after_the_visit_is_a_finding(clinic):
    row = clinic.case.diagnoses.get()
    do_change_diagnosis(_actor(clinic.therapist), row, "M54.50", TODAY, reason="onset")
    assert "dx.onset-after-service" in _rules(clinic)


@pytest.mark.parametrize("who", ["assistant", "front_desk", "biller"])
def test_only_who_treats_the_patient_diagnoses(clinic, who):
    with pytest.raises(ChartAccessRefused):
        do_add_diagnosis(_actor(getattr(clinic, who)), clinic.case, "M25.561", None)
    assert clinic.case.diagnoses.count() == 1


def test_a_clinician_of_another_discipline_does_not_diagnose(clinic):
    clinic.therapist.credential = "OT"
    clinic.therapist.save()
    with pytest.raises(ChartAccessRefused, match="PT case"):
        do_add_diagnosis(_actor(clinic.therapist), clinic.case, "M25.561", None)


def test_recording_the_physician_signature_unblocks_the_note(clinic):
    # given: the persona's plan awaits its signature, 19 days into the 30 the physician has
    assert "poc.certification-pending" in _rules(clinic)
    # when: the front desk records it
    do_record_certification(
        _actor(clinic.front_desk),
        clinic.plan,
        kind=CertificationKind.SIGNED,
        signed_on=TODAY,
        certifier_name="Laura Singh MD",
        certifier_npi=VALID_NPIS[4],
    )
    # then
    rules = _rules(clinic)
    assert not {"poc.certification-pending", "poc.not-certified", "poc.certification-late"} & rules


def test_a_late_signature_is_refused_unless_recorded_as_delayed(clinic):
    late = clinic.plan.start_date + dt.timedelta(days=31)
    with pytest.raises(ValidationError) as refused:
        do_record_certification(
            _actor(clinic.front_desk), clinic.plan, kind=CertificationKind.SIGNED, signed_on=late
        )
    assert "delayed certification" in refused.value.message_dict["signed_on"][0]
    do_record_certification(
        _actor(clinic.front_desk),
        clinic.plan,
        kind=CertificationKind.DELAYED,
        signed_on=late,
        delay_reason="physician away; signed on return",
    )
    assert clinic.plan.is_certified


def test_the_signed_order_exception_needs_the_plan_sent(clinic):
    front = _actor(clinic.front_desk)
    with pytest.raises(ValidationError, match="sent"):
        do_record_certification(
            front, clinic.plan, kind=CertificationKind.SIGNED_ORDER, order_signed_on=TODAY
        )
    do_record_plan_sent(
        front,
        clinic.plan,
        PlanDelivery(sent_on=clinic.plan.start_date, method="fax", recipient="Dr Singh"),
    )
    do_record_certification(
        front,
        clinic.plan,
        kind=CertificationKind.SIGNED_ORDER,
        order_signed_on=clinic.plan.start_date,
    )
    assert not {"poc.certification-pending", "poc.signed-order-unmet"} & _rules(clinic)


def test_a_revision_needs_its_own_certification_and_keeps_the_signed_one(clinic):
    # given: a certified plan
    do_record_certification(
        _actor(clinic.front_desk), clinic.plan, kind=CertificationKind.SIGNED, signed_on=TODAY
    )
    # when: the therapist revises it from yesterday
    revised = do_revise_plan_of_care(
        _actor(clinic.therapist),
        clinic.plan,
        PlanOfCare(
            frequency_per_week=3,
            duration_weeks=4,
            start_date=TODAY - dt.timedelta(days=3),
            certified_through=TODAY + dt.timedelta(days=25),
        ),
        [Goal(text="Walk 45 minutes", kind="functional", baseline="30", target="45")],
        reason="progressing faster than planned",
    )
    # then
    assert (revised.revises, revised.is_certified, revised.diagnoses) == (
        clinic.plan,
        False,
        ["M54.50"],
    )
    assert PlanOfCare.objects.get(pk=clinic.plan.pk).is_certified
    assert "poc.certification-pending" in _rules(clinic)


def test_an_assistant_does_not_write_or_revise_a_plan(clinic):
    with pytest.raises(ChartAccessRefused, match="PTA"):
        do_revise_plan_of_care(
            _actor(clinic.assistant), clinic.plan, PlanOfCare(), [], reason="try"
        )
