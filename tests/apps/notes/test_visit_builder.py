"""A note becomes the core Visit field for field, in a query count that does not grow."""

import datetime as dt

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import (
    do_add_treatment_block,
    do_cosign_note,
    do_sign_note,
    do_start_note,
)
from cleannote.apps.notes.visit_builder import build_visit, goal_id, load_note_for_visit
from cleannote.apps.patients.models import Coverage
from cleannote.rules.note_types import NoteType
from cleannote.rules.visit import Laterality, PayerKind, ReferralQualifier, Relationship
from tests.personas import TODAY

pytestmark = pytest.mark.django_db

# +1 since ADR 0500: the patient's coverages, for the coordination-of-benefits order.
# +2 since ADR 0521: the case's diagnoses and the referral's authorized code groups.
# +1 since ADR 0821: the supplies the note dispensed (the inventory app's answer).
# +1 since ADR 0960: a Medicare patient's signed ABNs (the intake app's answer).
BUILD_QUERIES = 13


def _actor(clinic):
    return Actor(user=clinic.therapist.user, organisation=clinic.organisation)


def _new_note(clinic, blocks=1, day=TODAY):
    actor = _actor(clinic)
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=day,
    )
    goal = clinic.plan.goals.get()
    for i in range(blocks):
        do_add_treatment_block(
            actor,
            note,
            goals=[goal],
            code="97110",
            start_time=dt.time(9, 10 * i),
            stop_time=dt.time(9, 10 * i + 8),
            body_regions=["knee"],
            laterality="right",
            justification="cueing",
            parameters={"exercise": "squat", "sets": 3},
            modifiers_requested=["59"],
        )
    return note


def test_note_maps_to_visit_field_for_field(clinic):
    # given a draft with one stamped 97110 block linked to the plan's goal
    note = _new_note(clinic)
    goal = clinic.plan.goals.get()

    # when
    visit = build_visit(load_note_for_visit(note.pk, clinic.organisation))

    # then
    assert visit.id == f"N{note.pk}"
    assert visit.date_of_service == TODAY
    assert visit.billing_provider.npi == clinic.organisation.npi
    assert visit.rendering_provider.npi == clinic.therapist.npi
    assert visit.payer.kind is PayerKind.MEDICARE
    assert visit.subscriber.member_id == "1EG4TE5MK73"
    assert visit.subscriber.relationship is Relationship.SELF
    assert visit.patient.id == str(clinic.patient.pk)
    assert visit.diagnoses == ("M54.50",)
    assert visit.referral.qualifier is ReferralQualifier.REFERRING
    assert visit.referral.authorized_visits == 12
    assert visit.plan_of_care.goals[0].id == goal_id(goal)
    (service,) = visit.services
    assert (service.code, service.start, service.end) == ("97110", dt.time(9, 0), dt.time(9, 8))
    assert service.documented_minutes == 8
    assert service.body_regions == ("knee",)
    assert service.laterality is Laterality.RIGHT
    assert service.goal_ids == (goal_id(goal),)
    assert service.justification == "cueing"
    assert service.parameters == {"exercise": "squat", "sets": 3}
    assert service.modifiers == ("59",)
    assert service.diagnosis_pointers == (1,)


def test_episode_counts_treatment_days_and_history_holds_signed_visits(clinic):
    # given the fixture's signed note (2 days ago) and draft (yesterday), and today's note
    note = _new_note(clinic)

    # when
    visit = build_visit(load_note_for_visit(note.pk))

    # then the episode counts the signed day and today (not the draft); so does history
    assert visit.episode.treatment_day == 2
    assert visit.episode.last_progress_report_day is None
    assert visit.referral.visit_number == 2
    assert [h.date_of_service for h in visit.history] == [TODAY - dt.timedelta(days=2)]
    assert [s.code for s in visit.history[0].services] == ["97110"]


def test_progress_report_note_is_its_own_last_report_day(clinic):
    # given
    actor = _actor(clinic)
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY,
        note_type=NoteType.PROGRESS_REPORT,
    )

    # when
    visit = build_visit(load_note_for_visit(note.pk))

    # then
    assert visit.episode.last_progress_report_day == visit.episode.treatment_day == 2


def test_note_of_another_organisation_is_not_loaded(clinic, other_clinic):
    assert load_note_for_visit(other_clinic.note.pk, clinic.organisation) is None


@pytest.mark.parametrize("blocks", [1, 4], ids=["one-block", "four-blocks"])
def test_build_query_count_does_not_grow_with_blocks(clinic, blocks, django_assert_num_queries):
    # given a note with 1 or 4 blocks and a signed note before it
    note = _new_note(clinic, blocks=blocks)
    do_sign_note(_actor(clinic), clinic.draft_note, clinic.therapist)

    # when / then
    with django_assert_num_queries(BUILD_QUERIES):
        build_visit(load_note_for_visit(note.pk, clinic.organisation))


def test_secondary_coverage_and_claim_id_are_the_callers(clinic):
    # given a second coverage the claims app bills after the primary paid
    secondary = Coverage.objects.create(
        patient=clinic.patient,
        priority="secondary",
        payer_name="Gap Plan",
        payer_id="GAP01",
        kind="commercial",
        member_id="G-77",
        active_from=dt.date(2025, 1, 1),
    )
    note = _new_note(clinic)

    # when
    visit = build_visit(
        load_note_for_visit(note.pk),
        coverage=secondary,
        visit_id="CLM-9",
        prior_authorization="PA1",
    )

    # then
    assert (visit.id, visit.payer.payer_id, visit.subscriber.member_id) == (
        "CLM-9",
        "GAP01",
        "G-77",
    )
    assert visit.prior_authorization == "PA1"


def test_assistant_medicare_note_renders_under_the_co_signing_therapist(clinic):
    # given a Medicare note written and signed by the PTA, then co-signed by the PT
    # (the PT used to sign the PTA's draft and the claim lost CQ: ADR 0200)
    actor = Actor(user=clinic.assistant.user, organisation=clinic.organisation)
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.assistant,
        location=clinic.location,
        date_of_service=TODAY,
    )
    do_add_treatment_block(actor, note, code="97110", minutes=20, assistant_minutes=20)
    do_sign_note(actor, note, clinic.assistant)
    before = build_visit(load_note_for_visit(note.pk))
    do_cosign_note(_actor(clinic), note, clinic.therapist)

    # when
    visit = build_visit(load_note_for_visit(note.pk))

    # then the claim names the PT and carries the PTA who furnished the visit
    assert (before.rendering_provider.npi, before.assistant) == (clinic.assistant.npi, None)
    assert visit.rendering_provider.npi == clinic.therapist.npi
    assert visit.assistant is not None
    assert visit.assistant.npi == clinic.assistant.npi
