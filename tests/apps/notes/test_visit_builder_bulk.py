"""Loading notes in bulk builds the very visits that loading them one by one builds.

The charge queue loads its notes with `load_notes_for_visits` (ADR 0780); every other caller
loads one note with `load_note_for_visit`, which is the bulk loader given one id. The demo
clinic's notes (signed and draft, several per case, with progress reports, referrals with
authorized code groups and plans of care) must come out field for field the same either way,
and the bulk load must read a fixed number of queries however many notes it loads.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.notes.authorization_usage import usage
from cleannote.apps.notes.models import Note
from cleannote.apps.notes.visit_builder import (
    VisitBuildError,
    build_visit,
    load_note_for_visit,
    load_notes_for_visits,
)
from cleannote.apps.patients.clinical_actions import do_record_referral
from cleannote.apps.patients.models import AuthorizedCodeGroup, Referral
from tests.e2e.conftest import Demo
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _built(note):
    try:
        return build_visit(note)
    except VisitBuildError as exc:
        return ("refused", exc.problem)


def test_bulk_and_single_loads_build_the_same_visits_for_the_demo(demo: Demo):
    # given the demo clinic's notes
    ids = list(
        Note.objects.filter(patient__organisation=demo.organisation).values_list("pk", flat=True)
    )
    assert len(ids) > 20

    # when each is loaded alone and all are loaded together
    single = {i: _built(load_note_for_visit(i, demo.organisation)) for i in ids}
    bulk = load_notes_for_visits(ids, demo.organisation)

    # then every note is found and builds the same visit
    assert sorted(bulk) == sorted(ids)
    assert {i: _built(bulk[i]) for i in ids} == single
    assert any(v.history for v in single.values() if not isinstance(v, tuple))


def test_bulk_load_reads_a_fixed_number_of_queries(demo: Demo, django_assert_num_queries):
    notes = Note.objects.filter(patient__organisation=demo.organisation).order_by("pk")
    few = list(notes.values_list("pk", flat=True)[:3])
    many = list(notes.values_list("pk", flat=True))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as counted:
        load_notes_for_visits(few, demo.organisation)
    # when / then: every note of the clinic in the same number of queries as three
    with django_assert_num_queries(len(counted.captured_queries)):
        loaded = load_notes_for_visits(many, demo.organisation)
    with django_assert_num_queries(0):
        for note in loaded.values():
            _built(note)


def test_ids_of_another_organisation_are_left_out(clinic, other_clinic):
    loaded = load_notes_for_visits(
        [clinic.signed_note.pk, other_clinic.note.pk], clinic.organisation
    )
    assert list(loaded) == [clinic.signed_note.pk]


def test_authorization_used_from_the_bulk_load_equals_the_counting_query(clinic):
    # given an authorization of two code groups and three more signed visits: one before the
    # referral's date, one with both codes, one with 97140 only
    front = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    referral = do_record_referral(
        front,
        clinic.case,
        Referral(
            provider_first_name="Laura", provider_last_name="Singh", provider_npi="1497758544",
            referral_date=TODAY - dt.timedelta(days=20), authorization_number="A-9",
            diagnoses=["M54.50"],
        ),
        [AuthorizedCodeGroup(label="Exercise", codes=["97110"], visits=6, units=12),
         AuthorizedCodeGroup(label="Manual", codes=["97140"], visits=4)],
    )  # fmt: skip
    notes = []
    for days_ago, codes in ((30, ["97110"]), (10, ["97110", "97140"]), (5, ["97140"])):
        note = do_start_note(
            clinical, case=clinic.case, therapist=clinic.therapist, location=clinic.location,
            date_of_service=TODAY - dt.timedelta(days=days_ago),
        )  # fmt: skip
        for code in codes:
            do_add_treatment_block(clinical, note, code=code, minutes=38)
        notes.append(do_sign_note(clinical, note, clinic.therapist))
    ids = [n.pk for n in notes] + [clinic.signed_note.pk, clinic.draft_note.pk]

    # when the notes are loaded together and built
    loaded = load_notes_for_visits(ids, clinic.organisation)

    # then each visit's use of each group is what the counting query finds for it; the draft
    # (day -1) counts day -10 (76 pooled minutes: 97110 3 units, 97140 2), day -5 (97140, 3) and
    # day -2 (97110 23 minutes, 2), not day -30 (before the referral)
    for note_id in ids:
        note = loaded[note_id]
        expected = usage(
            referral, referral.code_groups.all(), through=note.date_of_service,
            exclude_note_id=note_id,
        )  # fmt: skip
        services = build_visit(note).authorization.services
        assert [(s.visits_used, s.units_used) for s in services] == [
            (u.visits_used, u.units_used) for u in expected
        ]
    last = build_visit(loaded[clinic.draft_note.pk]).authorization.services
    assert [(s.visits_used, s.units_used) for s in last] == [(2, 5), (2, 5)]
