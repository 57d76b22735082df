"""Who may write, sign and co-sign a note (issue 8, docs/decisions/0200).

A draft belongs to its treating clinician: every write of the note editor refuses anyone else
with no row changed. Scope comes from the core's table: a PTA cannot add a PT evaluation. An
assistant signs their own note and the supervising therapist co-signs it; a Medicare claim
waits for the co-signature, then names the therapist with CQ on the assistant's lines.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.forms.models import model_to_dict
from pypdf import PdfReader

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note, do_ensure_default_fee_schedule
from cleannote.apps.claims.claim_export import claim_to_send
from cleannote.apps.claims.claim_form import claim_to_form
from cleannote.apps.claims.errors import ClaimRefusedError
from cleannote.apps.notes.actions import (
    do_add_treatment_block,
    do_cosign_note,
    do_sign_note,
    do_start_note,
    do_update_note,
)
from cleannote.apps.notes.draft_actions import check_sign_note
from cleannote.apps.notes.errors import ScopeRefused
from cleannote.apps.notes.models import Note, NoteStatus, TreatmentBlock
from cleannote.apps.notes.visit_builder import build_visit, load_note_for_visit
from cleannote.apps.organisations.models import Organisation, Role, Staff
from cleannote.apps.patients.actions import PlanOfCareScopeError, do_create_plan_of_care
from cleannote.apps.patients.models import Patient, PlanOfCare
from cleannote.edi.envelope import ControlNumbers, Receiver, Submitter
from cleannote.edi.x12_837p import write_837p
from cleannote.forms.cms1500 import FormMode, render_cms1500
from cleannote.rules.note_types import NoteType
from tests.apps.notes.test_note_page import COMPLETE_97110
from tests.e2e.conftest import Demo
from tests.forms.test_cms1500 import boxes_by_page
from tests.personas import PASSWORD, TODAY, client_for

pytestmark = pytest.mark.django_db

NON_TREATING_DEMO_LOGINS = ("demo-slp", "demo-dc", "demo-lmt", "demo-pta")


def _snapshot(note_id: int) -> tuple[dict[str, object], list[dict[str, object]], list[object]]:
    """Every stored value of the note, its blocks and their goal links."""
    note = model_to_dict(Note.objects.get(pk=note_id))
    note["updated_at"] = Note.objects.values_list("updated_at", flat=True).get(pk=note_id)
    blocks = [
        model_to_dict(b, exclude=["goals"])
        for b in TreatmentBlock.objects.filter(note_id=note_id).order_by("pk")
    ]
    links = sorted(
        TreatmentBlock.goals.through.objects.filter(treatmentblock__note_id=note_id).values_list(
            "treatmentblock_id", "goal_id"
        )
    )
    return note, blocks, links


def _editor_writes(note: Note) -> list[tuple[str, str, dict[str, str]]]:
    """Every write of the note editor, each with a post that would change the note: text,
    a timer stamp and a justification on the first block, a new code, a removal, a sign."""
    block = note.blocks.order_by("order").first()
    assert block is not None
    b = f"b{block.pk}"
    typed = {
        f"{b}-present": "1",
        "assessment": "Edited by someone else.",
        "pain_level": "9",
        f"{b}-start": "07:01",
        f"{b}-stop": "07:59",
        f"{b}-justification": "Rewritten by someone else.",
    }
    n = note.pk
    return [
        ("get", f"/notes/{n}/edit/", {}),
        ("post", f"/notes/{n}/edit/", typed),
        ("post", f"/notes/{n}/live/", typed),
        ("post", f"/notes/{n}/blocks/", {"code": "97530"}),
        ("post", f"/notes/{n}/blocks/{block.pk}/remove/", {}),
        ("post", f"/notes/{n}/sign/", typed),
    ]


# --- the "done when", against the demo clinic ---------------------------------------


def test_no_other_clinician_may_open_edit_or_sign_a_pts_draft_in_the_demo(money_demo: Demo):
    # given the demo clinic and a physical therapist's draft with a treatment block
    draft = (
        Note.objects.filter(
            status=NoteStatus.DRAFT, therapist__credential="PT", therapist__role=Role.THERAPIST
        )
        .exclude(blocks=None)
        .order_by("pk")
        .first()
    )
    assert draft is not None
    writes = _editor_writes(draft)
    before = _snapshot(draft.pk)
    answers = {}

    # when the SLP, the chiropractor, the massage therapist and the PTA try every write
    for username in NON_TREATING_DEMO_LOGINS:
        client = client_for(Staff.objects.get(user__username=username))
        for method, path, data in writes:
            response = getattr(client, method)(path, data)
            answers[(username, method, path)] = response.status_code

    # then each is refused (403), and no row of the note changed
    assert set(answers.values()) == {403}, answers
    assert _snapshot(draft.pk) == before
    assert Note.objects.get(pk=draft.pk).status == NoteStatus.DRAFT

    # and the treating PT still may
    owner = client_for(draft.therapist)
    assert owner.get(f"/notes/{draft.pk}/edit/").status_code == 200


def test_other_clinicians_read_the_draft_but_see_no_edit_button(clinic, login):
    # given Theo's draft
    note = clinic.draft_note
    for reader in (clinic.assistant, clinic.owner):
        # when another clinician opens it
        response = login(reader).get(f"/notes/{note.pk}/")
        # then it reads, without the way into the editor
        assert response.status_code == 200
        assert 'id="edit-note"' not in response.content.decode()
    assert 'id="edit-note"' in login(clinic.therapist).get(f"/notes/{note.pk}/").content.decode()


@pytest.mark.parametrize("who", ["owner", "assistant"])
def test_the_owner_and_the_assistant_are_refused_every_write_on_the_therapists_draft(
    clinic, login, who
):
    # given Theo's draft, and the owner (a PT) or the PTA of the same clinic
    note = clinic.draft_note
    before = _snapshot(note.pk)
    client = login(getattr(clinic, who))
    # when / then
    for method, path, data in _editor_writes(note):
        assert getattr(client, method)(path, data).status_code == 403, path
    assert _snapshot(note.pk) == before


def test_the_actions_refuse_a_non_treating_clinician_too(clinic):
    # given the owner acting on Theo's draft through the actions (any other face)
    note = clinic.draft_note
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    before = _snapshot(note.pk)
    # when / then each write is refused naming the rule, and nothing changes
    for attempt in (
        lambda: do_update_note(owner, note, assessment="changed"),
        lambda: do_add_treatment_block(owner, note, code="97110", minutes=10),
        lambda: check_sign_note(owner, note, clinic.owner),
        lambda: do_sign_note(owner, note, clinic.owner),
        # signing as the treating therapist while someone else acts is refused as well
        lambda: do_sign_note(owner, note, clinic.therapist),
    ):
        with pytest.raises(ScopeRefused, match=r"scope\.treating-clinician"):
            attempt()
    assert _snapshot(note.pk) == before


def test_a_signed_note_says_who_signed_it_the_treating_clinician(clinic, login):
    detail = login(clinic.biller).get(f"/notes/{clinic.signed_note.pk}/").content.decode()
    assert f"by {clinic.therapist.display_name}" in detail


# --- scope: a PTA does not evaluate ---------------------------------------------------------


def _assistant_draft(clinic, *, day=TODAY, blocks=("97110",)):
    actor = Actor(user=clinic.assistant.user, organisation=clinic.organisation)
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.assistant,
        location=clinic.location,
        date_of_service=day,
        carry_forward=False,
    )
    goal = clinic.plan.goals.get()
    for code in blocks:
        do_add_treatment_block(
            actor,
            note,
            goals=[goal],
            code=code,
            start_time=dt.time(9, 0),
            stop_time=dt.time(9, 23),
            assistant_minutes=23,
            parameters=dict(COMPLETE_97110),
        )
    return note, actor


def test_a_pta_cannot_add_a_pt_evaluation_and_the_page_names_the_rule(clinic, login):
    # given the PTA's own draft
    note, _ = _assistant_draft(clinic)
    client = login(clinic.assistant)
    # when the PTA adds 97163 (a PT evaluation)
    response = client.post(f"/notes/{note.pk}/blocks/", {"code": "97163"}, follow=True)
    # then no block is added and the page says why, naming the rule
    assert list(note.blocks.values_list("code", flat=True)) == ["97110"]
    page = response.content.decode()
    assert "scope.act" in page
    assert "97163" in page
    # and the code list offered to the PTA has no evaluation in it
    editor = client.get(f"/notes/{note.pk}/edit/").content.decode()
    assert 'value="97110 ' in editor
    assert 'value="97163 ' not in editor


def test_the_action_refuses_a_pta_evaluation_and_an_assistant_progress_report(clinic):
    note, actor = _assistant_draft(clinic)
    with pytest.raises(ScopeRefused, match=r"scope\.act"):
        do_add_treatment_block(actor, note, code="97163", minutes=45)
    with pytest.raises(ScopeRefused, match=r"scope\.act"):
        do_update_note(actor, note, note_type=NoteType.PROGRESS_REPORT)
    assert list(note.blocks.values_list("code", flat=True)) == ["97110"]


# --- co-signature ---------------------------------------------------------------------------


def _certify(clinic):
    PlanOfCare.objects.filter(pk=clinic.plan.pk).update(signature_received_on=TODAY)


def _biller(clinic):
    """The biller, with what every claim needs: a fee schedule, the 837P's ZIP+4 and the
    patient's address."""
    do_ensure_default_fee_schedule(clinic.location)
    Organisation.objects.filter(pk=clinic.organisation.pk).update(zip="627011234")
    clinic.organisation.refresh_from_db()
    Patient.objects.filter(pk=clinic.patient.pk).update(
        address_line1="12 Elm St", city="Springfield", state="IL", zip="62704"
    )
    return Actor(user=clinic.biller.user, organisation=clinic.organisation)


def test_the_pta_signs_the_pt_co_signs_and_only_then_the_medicare_claim_goes_out(clinic, login):
    # given the PTA's clean Medicare draft
    _certify(clinic)
    note, _ = _assistant_draft(clinic, day=TODAY - dt.timedelta(days=1))
    biller = _biller(clinic)

    # when the PTA signs it on the page (the co-signature finding does not stop the signature)
    signed = login(clinic.assistant).post(f"/notes/{note.pk}/sign/", {})
    note.refresh_from_db()

    # then it is signed by the PTA and waits for co-signature; the claim is refused by rule
    assert signed.status_code == 302, signed.content.decode()[:2000]
    assert (note.status, note.signed_by_id, note.cosigned_by_id) == (
        NoteStatus.SIGNED,
        clinic.assistant.pk,
        None,
    )
    with pytest.raises(ClaimRefusedError, match=r"scope\.assistant-rendering"):
        do_create_claim_from_note(biller, note)
    page = login(clinic.therapist).get(f"/notes/{note.pk}/").content.decode()
    assert 'id="awaits-cosignature"' in page
    assert 'id="cosign-note"' in page

    # when another PTA-credentialed or wrong-discipline clinician tries to co-sign, or the
    # assistant co-signs their own note: refused
    assert login(clinic.assistant).post(f"/notes/{note.pk}/cosign/").status_code == 403
    note.refresh_from_db()
    assert note.cosigned_at is None

    # when the supervising PT co-signs
    response = login(clinic.therapist).post(f"/notes/{note.pk}/cosign/")
    note.refresh_from_db()

    # then the co-signature is recorded with who and when, and shown on the page and the PDF
    assert response.status_code == 302
    assert note.cosigned_by_id == clinic.therapist.pk
    assert note.cosigned_at is not None
    page = login(clinic.biller).get(f"/notes/{note.pk}/").content.decode()
    assert f"by {clinic.therapist.display_name}" in page
    assert 'id="cosignature"' in page
    pdf = login(clinic.biller).get(f"/notes/{note.pk}/pdf/")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Co-signed as supervising therapist by" in text

    # and the claim names the PT as rendering provider, with CQ on the PTA's line
    claim = do_create_claim_from_note(biller, note)
    assert claim.visit["rendering_provider"]["npi"] == clinic.therapist.npi
    assert claim.visit["assistant"]["npi"] == clinic.assistant.npi
    assert [tuple(line.modifiers) for line in claim.lines.order_by("number")] == [("GP", "CQ")]


def test_a_co_signature_comes_only_from_the_assistants_supervising_discipline(clinic):
    # given a signed PTA note, an OT and an SLP in the clinic
    note, actor = _assistant_draft(clinic)
    do_sign_note(actor, note, clinic.assistant)
    others = {
        credential: Staff.objects.create(
            user=type(clinic.therapist.user).objects.create_user(
                username=f"x-{credential}", password=PASSWORD
            ),
            organisation=clinic.organisation,
            role=Role.THERAPIST,
            credential=credential,
        )
        for credential in ("OT", "SLP", "DC")
    }
    # when / then each is refused naming the rule
    for staff in others.values():
        acting = Actor(user=staff.user, organisation=clinic.organisation)
        with pytest.raises(ScopeRefused, match=r"scope\.supervisor-credential"):
            do_cosign_note(acting, note, staff)
    # and a PT co-signs once
    pt = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    do_cosign_note(pt, note, clinic.owner)
    with pytest.raises(ValueError, match="already co-signed"):
        do_cosign_note(_therapist_actor(clinic), note, clinic.therapist)


def _therapist_actor(clinic):
    return Actor(user=clinic.therapist.user, organisation=clinic.organisation)


def test_a_therapists_own_note_needs_no_co_signature(clinic):
    with pytest.raises(ScopeRefused, match=r"scope\.supervisor-credential"):
        do_cosign_note(
            Actor(user=clinic.owner.user, organisation=clinic.organisation),
            clinic.signed_note,
            clinic.owner,
        )


def test_before_the_co_signature_the_visit_names_the_assistant(clinic):
    note, actor = _assistant_draft(clinic)
    do_sign_note(actor, note, clinic.assistant)
    visit = build_visit(load_note_for_visit(note.pk))
    assert visit.rendering_provider.npi == clinic.assistant.npi
    assert visit.assistant is None


def test_an_addendum_comes_from_the_clinician_or_the_co_signer_only(clinic, login):
    # given Theo's signed note
    note = clinic.signed_note
    # when the assistant adds an addendum
    response = login(clinic.assistant).post(f"/notes/{note.pk}/addenda/", {"text": "Not mine."})
    # then it is refused and nothing is added
    assert response.status_code == 403
    assert note.addenda.count() == 0


def test_an_assistant_does_not_establish_a_plan_of_care(clinic):
    # given the PTA acting
    actor = Actor(user=clinic.assistant.user, organisation=clinic.organisation)
    plan = PlanOfCare(
        diagnoses=["M54.50"],
        frequency_per_week=2,
        duration_weeks=4,
        start_date=TODAY,
        certified_through=TODAY + dt.timedelta(days=28),
    )
    # when / then refused naming the rule, and no plan is added
    with pytest.raises(PlanOfCareScopeError, match=r"scope\.act"):
        do_create_plan_of_care(actor, clinic.case, plan)
    assert PlanOfCare.objects.filter(case=clinic.case).count() == 1
    # while the PT may
    do_create_plan_of_care(_therapist_actor(clinic), clinic.case, plan)


def test_the_supervising_therapists_home_lists_notes_awaiting_co_signature(clinic, login):
    # given a PTA note signed and not yet co-signed
    note, actor = _assistant_draft(clinic)
    do_sign_note(actor, note, clinic.assistant)
    link = f'href="/notes/{note.pk}/"'
    # then the PT's home lists it, the PTA's own home does not ask them to co-sign
    assert link in login(clinic.therapist).get("/").content.decode()
    assert "Awaiting your co-signature" not in login(clinic.assistant).get("/").content.decode()
    # and once co-signed it leaves the list
    do_cosign_note(_therapist_actor(clinic), note, clinic.therapist)
    assert link not in login(clinic.therapist).get("/").content.decode()


def test_the_refusal_page_names_the_rule(clinic, login):
    response = login(clinic.assistant).get(f"/notes/{clinic.draft_note.pk}/edit/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "scope.treating-clinician" in page
    assert clinic.patient.last_name not in page


def test_a_co_signed_pta_medicare_claim_names_the_pt_in_2310b_and_24j_with_cq(clinic):
    # given the PTA's Medicare note, signed, co-signed by the PT and billed
    _certify(clinic)
    note, actor = _assistant_draft(clinic, day=TODAY - dt.timedelta(days=1))
    check_sign_note(actor, note, clinic.assistant)
    do_cosign_note(_therapist_actor(clinic), note, clinic.therapist)
    claim = do_create_claim_from_note(_biller(clinic), note)

    # when the claim is written as an 837P and printed as a CMS-1500
    data = write_837p(
        [claim_to_send(claim)],
        submitter=Submitter("Riverside", "RIVERSIDE01", "Billing", "2175550100"),
        receiver=Receiver("Clearinghouse", "CLEARHOUSE"),
        control=ControlNumbers(7, 7, 1),
        created=dt.datetime(2026, 3, 2, 9, 30),
    )
    segments = [s for s in data.decode("ascii").split("~") if s]
    pdf = render_cms1500([claim_to_form(claim)], mode=FormMode.FULL, printed_on=TODAY)
    [boxes] = boxes_by_page(pdf)

    # then both name the PT as rendering provider (2310B, 24J), and the line carries CQ
    rendering = [s for s in segments if s.startswith("NM1*82*")]
    assert rendering
    assert all(s.endswith(f"*XX*{clinic.therapist.npi}") for s in rendering)
    assert not any(clinic.assistant.npi in s for s in segments)
    assert any(s.startswith("SV1*HC:97110:GP:CQ") for s in segments)
    assert boxes["24j#1"] == clinic.therapist.npi
