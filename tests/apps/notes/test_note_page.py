"""The note editor: live scrub, sign-off refused on errors, addenda, carry-forward, progress
reports, the PDF, who may do what, and query counts that do not grow with the blocks."""

import datetime as dt
import io

import pytest
from django.db import connection
from pypdf import PdfReader

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.notes.draft_actions import (
    SignOffRefused,
    check_sign_note,
    do_start_follow_up_note,
)
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.patients.models import PlanOfCare
from cleannote.rules.note_types import NoteType
from tests.personas import TODAY

pytestmark = pytest.mark.django_db

# +1 since ADR 0500: the patient's coverages, for the coordination-of-benefits order.
# +2 since ADR 0521: the case's diagnoses and the referral's authorized code groups.
# ADR 0830: the view's audit row is appended without locking the chain head (-2), and the
# chaining task, run in-process here without REDIS_URL, links it (+7: savepoint, head lock,
# pending rows, their shown patients, links, head, release); a worker does that with Redis.
# The live scrub's row is written inside its transaction, so its chaining waits for the
# commit, which the test run's transaction never makes (-2).
# +1 since ADR 0821: the supplies the note dispensed (the inventory app's answer).
# +1 since ADR 0960: the Medicare patient's signed ABNs (the intake app's answer).
# ADR 0674: on PostgreSQL the chaining reads the pending rows' shown patients in the same
# statement (an array per row), not as a second query (-1 there).
PAGE_QUERIES = 26 - (connection.vendor == "postgresql")
LIVE_QUERIES = 34

COMPLETE_97110 = {
    "exercise": "sit-to-stand",
    "position": "standing",
    "sets": 3,
    "reps": 10,
    "resistance": "none",
    "target_outcome": "quad strength",
    "baseline_measure": "5x STS 18 s",
}


def _actor(clinic):
    return Actor(user=clinic.therapist.user, organisation=clinic.organisation)


def _certify(clinic):
    PlanOfCare.objects.filter(pk=clinic.plan.pk).update(signature_received_on=TODAY)


def _draft(clinic, *, blocks=1, goal=True, day=TODAY):
    actor = _actor(clinic)
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=day,
        carry_forward=False,
    )
    goals = [clinic.plan.goals.get()] if goal else []
    for i in range(blocks):
        do_add_treatment_block(
            actor,
            note,
            goals=goals,
            code="97110",
            start_time=dt.time(9 + i, 0),
            stop_time=dt.time(9 + i, 15),
            parameters=dict(COMPLETE_97110, sets=3 + i),
        )
    return note


def _form(note, **extra):
    """What the page posts: every block present, and the given fields."""
    data = {f"b{b.pk}-present": "1" for b in note.blocks.all()}
    data.update(extra)
    return data


# --- live scrub -------------------------------------------------------------------------------


def test_live_scrub_saves_the_draft_and_shows_units_and_findings(clinic, login):
    # given a draft whose block has no goal
    note = _draft(clinic, goal=False)
    block = note.blocks.get()

    # when the therapist types the stop time
    response = login(clinic.therapist).post(
        f"/notes/{note.pk}/live/",
        _form(note, **{f"b{block.pk}-start": "09:00", f"b{block.pk}-stop": "09:23"}),
    )

    # then the block is saved as a draft, its units show, and the goal finding links to the picker
    assert response.status_code == 200
    html = response.content.decode()
    block.refresh_from_db()
    assert block.stop_time == dt.time(9, 23)
    assert Note.objects.get(pk=note.pk).status == NoteStatus.DRAFT
    assert f'id="b{block.pk}-billing" hx-swap-oob="true"' in html
    assert "2 units" in html
    assert f'href="#b{block.pk}-goals"' in html
    assert "doc.no-goal" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stop", "08:00", "is before start"),
        ("start", "9h", "'9h' is not a time; write it as 2:05 PM"),
        ("p-sets", "three", "sets must be a whole number"),
    ],
    ids=["stop-before-start", "bad-time", "non-numeric-sets"],
)
def test_bad_block_input_gets_a_field_message_and_is_not_saved(
    clinic, login, field, value, message
):
    # given
    note = _draft(clinic)
    block = note.blocks.get()
    name = f"b{block.pk}-{field}"
    data = _form(note, **{f"b{block.pk}-start": "09:00", f"b{block.pk}-stop": "09:15"})
    data[name] = value

    # when
    response = login(clinic.therapist).post(f"/notes/{note.pk}/live/", data)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'href="#{name}"' in html
    block.refresh_from_db()
    assert (block.start_time, block.stop_time) == (dt.time(9, 0), dt.time(9, 15))
    assert block.parameters["sets"] == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rom-0-degrees", "9o", "degrees must be a whole number"),
        ("date_of_service", (TODAY + dt.timedelta(days=1)).isoformat(), "in the future"),
        ("pain_level", "11", "pain is a whole number from 0 to 10"),
    ],
    ids=["non-numeric-degrees", "future-date", "pain-out-of-range"],
)
def test_bad_note_input_gets_a_field_message_never_a_500(clinic, login, field, value, message):
    # given
    note = _draft(clinic)
    data = _form(note, objective="1", **{"rom-0-joint": "knee", "rom-0-motion": "flexion"})
    data[field] = value

    # when
    response = login(clinic.therapist).post(f"/notes/{note.pk}/live/", data)

    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Note.objects.get(pk=note.pk).date_of_service == TODAY


def test_objective_rows_save_from_the_form(clinic, login):
    # given
    note = _draft(clinic)
    data = _form(
        note,
        objective="1",
        pain_level="4",
        **{
            "rom-0-joint": "knee",
            "rom-0-motion": "flexion",
            "rom-0-side": "right",
            "rom-0-degrees": "105",
            "rom-1-joint": "",
            "rom-1-motion": "",
            "rom-1-degrees": "",
            "str-0-muscle_group": "quadriceps",
            "str-0-side": "right",
            "str-0-grade": "4/5",
            "om-0-name": "LEFS",
            "om-0-score": "42",
            "om-0-max": "80",
        },
    )

    # when
    login(clinic.therapist).post(f"/notes/{note.pk}/live/", data)

    # then
    note.refresh_from_db()
    assert note.pain_level == 4
    assert note.objective == {
        "rom": [{"joint": "knee", "motion": "flexion", "side": "right", "degrees": 105}],
        "strength": [{"muscle_group": "quadriceps", "side": "right", "grade": "4/5"}],
        "outcome_measures": [{"name": "LEFS", "score": 42, "max": 80}],
    }


def test_live_scrub_refuses_a_signed_note(clinic, login):
    response = login(clinic.therapist).post(f"/notes/{clinic.signed_note.pk}/live/", {})
    assert response.status_code == 409


# --- sign-off ---------------------------------------------------------------------------------


def test_sign_refused_while_an_error_finding_stands_then_allowed(clinic, login):
    # given a certified plan and a block with no goal
    _certify(clinic)
    note = _draft(clinic, goal=False)
    block = note.blocks.get()
    client = login(clinic.therapist)
    goal = clinic.plan.goals.get()

    # when the therapist signs
    refused = client.post(f"/notes/{note.pk}/sign/", _form(note))

    # then it is refused with the findings shown, and the note stays a draft
    assert refused.status_code == 409
    assert "doc.no-goal" in refused.content.decode()
    assert Note.objects.get(pk=note.pk).status == NoteStatus.DRAFT

    # when the goal is linked in the same post as the signature
    signed = client.post(
        f"/notes/{note.pk}/sign/",
        _form(note, **{f"b{block.pk}-goals-present": "1", f"b{block.pk}-goals": str(goal.pk)}),
    )

    # then it signs
    assert signed.status_code == 302
    assert Note.objects.get(pk=note.pk).status == NoteStatus.SIGNED


def test_check_sign_note_is_the_rule_in_the_action(clinic):
    # given a plan uncertified 40 days after its start (poc.not-certified is an error)
    PlanOfCare.objects.filter(pk=clinic.plan.pk).update(start_date=TODAY - dt.timedelta(days=40))
    note = _draft(clinic)

    # when / then
    with pytest.raises(SignOffRefused) as refused:
        check_sign_note(_actor(clinic), note, clinic.therapist)
    assert "poc.not-certified" in {f.rule for f in refused.value.findings}
    assert Note.objects.get(pk=note.pk).status == NoteStatus.DRAFT


def test_signed_note_is_read_only_and_takes_an_addendum(clinic, login):
    # given
    client = login(clinic.therapist)
    note = clinic.signed_note

    # when
    edit = client.get(f"/notes/{note.pk}/edit/")
    added = client.post(f"/notes/{note.pk}/addenda/", {"text": "Late entry: ice 10 min."})

    # then
    assert edit.status_code == 302
    assert added.status_code == 302
    detail = client.get(f"/notes/{note.pk}/").content.decode()
    assert "Late entry: ice 10 min." in detail
    assert note.addenda.get().author == clinic.therapist


def test_addendum_on_a_draft_is_refused(clinic, login):
    response = login(clinic.therapist).post(
        f"/notes/{clinic.draft_note.pk}/addenda/", {"text": "x"}, follow=True
    )
    assert "still a draft" in response.content.decode()
    assert not clinic.draft_note.addenda.exists()


# --- carry-forward and progress reports -------------------------------------------------------


def test_follow_up_carries_blocks_and_parameters_with_times_cleared(clinic, login):
    # given a signed note with a complete, timed 97110 block linked to the goal
    _certify(clinic)
    previous = _draft(clinic, day=TODAY - dt.timedelta(days=1))
    check_sign_note(_actor(clinic), previous, clinic.therapist)
    Note.objects.filter(pk=clinic.draft_note.pk).delete()

    # when the therapist starts today's note from the chart
    response = login(clinic.therapist).post(f"/notes/start/{clinic.case.pk}/")

    # then the new draft holds the block, parameters and goal, without times
    note = Note.objects.get(case=clinic.case, date_of_service=TODAY, status=NoteStatus.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == f"/notes/{note.pk}/edit/"
    block = note.blocks.get()
    assert block.code == "97110"
    assert block.parameters == previous.blocks.get().parameters
    assert (block.start_time, block.stop_time, block.minutes) == (None, None, None)
    assert list(block.goals.all()) == [clinic.plan.goals.get()]
    assert note.carried_from_id == previous.pk


def test_follow_up_page_shows_what_changed_since_the_last_visit(clinic, login):
    # given a carried note whose sets went from 3 to 4
    _certify(clinic)
    previous = _draft(clinic, day=TODAY - dt.timedelta(days=1))
    check_sign_note(_actor(clinic), previous, clinic.therapist)
    note = do_start_follow_up_note(
        _actor(clinic),
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY,
    )
    block = note.blocks.get()
    client = login(clinic.therapist)
    client.post(f"/notes/{note.pk}/live/", _form(note, **{f"b{block.pk}-p-sets": "4"}))

    # when
    html = client.get(f"/notes/{note.pk}/edit/").content.decode()

    # then
    assert "Carried from the last visit" in html
    assert "sets 3 → <strong>4</strong>" in html


def test_starting_twice_the_same_day_opens_the_same_draft(clinic, login):
    client = login(clinic.therapist)
    first = client.post(f"/notes/start/{clinic.case.pk}/")
    second = client.post(f"/notes/start/{clinic.case.pk}/")
    assert first["Location"] == second["Location"]


def _signed_visits(clinic, days, rom):
    actor = _actor(clinic)
    Note.objects.filter(pk=clinic.draft_note.pk).delete()
    for offset, degrees in zip(days, rom, strict=True):
        note = do_start_note(
            actor,
            case=clinic.case,
            therapist=clinic.therapist,
            location=clinic.location,
            date_of_service=TODAY - dt.timedelta(days=offset),
            carry_forward=False,
        )
        note.objective = {
            "rom": [{"joint": "knee", "motion": "flexion", "side": "right", "degrees": degrees}],
            "strength": [],
            "outcome_measures": [],
        }
        note.save()
        do_add_treatment_block(actor, note, code="97110", minutes=15)
        do_sign_note(actor, note, clinic.therapist)


def test_tenth_treatment_day_starts_a_progress_report_with_the_rom_trend(clinic, login):
    # given eight more signed visits (nine with the fixture's), knee flexion improving
    _signed_visits(clinic, range(30, 22, -1), [90, 92, 95, 97, 100, 101, 104, 106])

    # when the therapist starts the tenth visit's note
    client = login(clinic.therapist)
    client.post(f"/notes/start/{clinic.case.pk}/")
    note = Note.objects.get(case=clinic.case, date_of_service=TODAY)
    html = client.get(f"/notes/{note.pk}/edit/").content.decode()

    # then it is a progress report, pre-filled with the trend of the measures
    assert note.note_type == NoteType.PROGRESS_REPORT
    assert "Range of motion since the last report" in html
    assert "knee flexion right" in html
    assert "+16°" in html


def test_ninth_treatment_day_is_an_ordinary_note(clinic, login):
    _signed_visits(clinic, range(30, 23, -1), [90, 92, 95, 97, 100, 101, 104])
    login(clinic.therapist).post(f"/notes/start/{clinic.case.pk}/")
    note = Note.objects.get(case=clinic.case, date_of_service=TODAY)
    assert note.note_type == NoteType.DAILY


# --- PDF --------------------------------------------------------------------------------------


def test_note_prints_to_pdf_for_the_referrer_with_an_audit_row(clinic, login):
    # given
    client = login(clinic.biller)
    before = AuditEvent.objects.filter(action="export").count()

    # when
    response = client.get(f"/notes/{clinic.signed_note.pk}/pdf/?for=attorney")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "97110" in text
    assert "Electronically signed by" in text
    assert AuditEvent.objects.filter(action="export").count() == before + 1


# --- roles and organisations ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "method", "path", "status"),
    [
        ("biller", "get", "/notes/{draft}/edit/", 403),
        ("biller", "post", "/notes/{draft}/live/", 403),
        ("biller", "post", "/notes/{draft}/sign/", 403),
        ("biller", "get", "/notes/{signed}/", 200),
        ("front_desk", "get", "/notes/{signed}/", 403),
        ("front_desk", "get", "/notes/{signed}/pdf/", 403),
        ("front_desk", "post", "/notes/start/{case}/", 403),
        ("other", "get", "/notes/{draft}/edit/", 404),
        ("other", "post", "/notes/{draft}/live/", 404),
        ("other", "get", "/notes/{signed}/pdf/", 404),
        ("other", "post", "/notes/start/{case}/", 404),
        ("therapist", "get", "/notes/{draft}/edit/", 200),
    ],
    ids=[
        "biller-no-edit",
        "biller-no-live",
        "biller-no-sign",
        "biller-reads",
        "front-desk-no-notes",
        "front-desk-no-pdf",
        "front-desk-no-start",
        "other-org-edit-404",
        "other-org-live-404",
        "other-org-pdf-404",
        "other-org-start-404",
        "therapist-edits",
    ],
)
def test_roles_and_organisation_scope(clinic, other_clinic, login, who, method, path, status):
    # given
    staff = other_clinic.therapist if who == "other" else getattr(clinic, who)
    url = path.format(draft=clinic.draft_note.pk, signed=clinic.signed_note.pk, case=clinic.case.pk)

    # when
    response = getattr(login(staff), method)(url)

    # then
    assert response.status_code == status
    assert Note.objects.get(pk=clinic.draft_note.pk).status == NoteStatus.DRAFT


def test_viewing_and_changing_a_note_writes_audit_rows(clinic, login):
    # given
    client = login(clinic.therapist)
    note = clinic.draft_note
    events = AuditEvent.objects.filter(object_type="note", object_id=str(note.pk))
    before = events.count()

    # when
    client.get(f"/notes/{note.pk}/edit/")
    client.post(f"/notes/{note.pk}/live/", _form(note, pain_level="3"))

    # then
    assert list(events.order_by("pk").values_list("action", flat=True))[before:] == [
        "view",
        "update",
    ]


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("blocks", [1, 4], ids=["one-block", "four-blocks"])
def test_note_page_queries_do_not_grow_with_blocks(
    clinic, login, blocks, django_assert_max_num_queries, django_assert_num_queries
):
    # given
    note = _draft(clinic, blocks=blocks)
    client = login(clinic.therapist)
    client.get(f"/notes/{note.pk}/edit/")  # warm the session

    # when / then: the same count for one block and four
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(f"/notes/{note.pk}/edit/").status_code == 200


@pytest.mark.parametrize("blocks", [1, 4], ids=["one-block", "four-blocks"])
def test_live_scrub_queries_do_not_grow_with_blocks(
    clinic, login, blocks, django_assert_num_queries
):
    # given every block posted with times, goals and parameters
    note = _draft(clinic, blocks=blocks)
    goal = clinic.plan.goals.get()
    data = _form(note, objective="1", pain_level="3")
    for i, block in enumerate(note.blocks.all()):
        data.update(
            {
                f"b{block.pk}-start": f"{9 + i:02d}:00",
                f"b{block.pk}-stop": f"{9 + i:02d}:12",
                f"b{block.pk}-goals-present": "1",
                f"b{block.pk}-goals": str(goal.pk),
                f"b{block.pk}-p-sets": "4",
                f"b{block.pk}-justification": "cues",
            }
        )
    client = login(clinic.therapist)
    client.get(f"/notes/{note.pk}/edit/")

    # when / then
    with django_assert_num_queries(LIVE_QUERIES):
        assert client.post(f"/notes/{note.pk}/live/", data).status_code == 200
