"""Hostile input gets an answer, never a 500 (issue 8, "Bad input gets an answer").

One table: each row is a request a tester sent (a NUL byte, an overlong number, a date out of
range, text longer than its field, a bad upload), the roles that can reach it, and the answer
it must get: a 400 naming the parameter, a 404, a 422, or a page with the message. For every
row and role the test also checks that nothing was written. NUL bytes fail only on PostgreSQL,
so CI runs this file on both databases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cleannote.apps.claims.models import Claim
from cleannote.apps.eligibility.models import EligibilityCheck, HetsEnrollment, ManualVerification
from cleannote.apps.notes.models import Addendum, Note, TreatmentBlock
from cleannote.apps.patients.models import Case, Coverage, Patient, Referral
from cleannote.apps.remittance.models import EraFile
from cleannote.platform.request_params import MESSAGE_LIMIT
from tests.apps.patients.test_register_patient import GOOD
from tests.personas import TODAY, Clinic, client_for

HUGE = "99999999999999999999999"
ALL = ("owner", "therapist", "assistant", "front_desk", "biller")
BILLING = ("owner", "biller")
ELIGIBILITY = ("owner", "front_desk", "biller")
REGISTER = ("owner", "front_desk")
# The draft belongs to its treating clinician; only the treating therapist writes it.
TREATING = ("therapist",)
ISA = (
    "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLEANNOTE      "
    "*260101*1200*^*00501*000000001*0*T*:~"
)
# A wrong element separator after a good ISA: the reader's message once repeated the whole
# 5 MB "segment id", and the page showed all of it.
BIG_BAD_X12 = (ISA + "GS|HP|" + "A" * 5_000_000 + "~").encode("ascii")
NUL_X12 = (ISA + "GS*HP*PAYER\x00*CLEANNOTE*20260101*1200*1*X*005010X221A1~").encode("ascii")
NEXT_MONTH = (TODAY + dt.timedelta(days=30)).isoformat()
PAGE_LIMIT = 100_000  # bytes: a page answering a 5 MB upload repeats none of it


@dataclass(frozen=True)
class Row:
    case: str
    roles: tuple[str, ...]
    method: str
    url: Callable[[Clinic], str]
    data: Callable[[Clinic], dict[str, Any]] = field(default=lambda c: {})
    status: int = 400
    says: str = ""  # in the answer's body, or in a message after the redirect
    multipart: bool = False


def _note(c: Clinic) -> int:
    return c.draft_note.pk


def _block(c: Clinic) -> int:
    return TreatmentBlock.objects.filter(note=c.draft_note).values_list("pk", flat=True)[0]


def _coverage(c: Clinic) -> int:
    return Coverage.objects.filter(patient=c.patient).values_list("pk", flat=True)[0]


def _register(**changes: str) -> Callable[[Clinic], dict[str, Any]]:
    return lambda c: {**GOOD, **changes}


def _upload(name: str, content: bytes) -> Callable[[Clinic], dict[str, Any]]:
    return lambda c: {"file": SimpleUploadedFile(name, content)}


ROWS = [
    # --- query strings -------------------------------------------------------------------
    Row("patient search with NUL", ALL, "get", lambda c: "/patients/?q=a%00b",
        says="'q' holds a control character"),
    Row("patient search longer than 80", ALL, "get", lambda c: "/patients/?q=" + "x" * 81,
        says="q: longer than 80 characters"),
    Row("patient page number overlong", ALL, "get", lambda c: f"/patients/?page={HUGE}",
        status=200),
    Row("claims location overlong", BILLING, "get", lambda c: f"/claims/?location={HUGE}",
        says="location: must be an id"),
    Row("claims location not a number", BILLING, "get", lambda c: "/claims/?location=1e3",
        says="location: must be an id"),
    Row("claims location with NUL", BILLING, "get", lambda c: "/claims/?location=1%00",
        says="control character"),
    Row("claims status unknown", BILLING, "get", lambda c: "/claims/?status=bogus",
        says="status: is not one of"),
    Row("claims payer longer than 80", BILLING, "get", lambda c: "/claims/?payer=" + "P" * 81,
        says="payer: longer than 80"),
    Row("schedule day 9999-12-31", ALL, "get", lambda c: "/schedule/?day=9999-12-31",
        says="day: must be a date (YYYY-MM-DD) between 1900-01-01 and 2100-12-31"),
    Row("schedule day 0001-01-01", ALL, "get", lambda c: "/schedule/?day=0001-01-01",
        says="day: must be a date"),
    Row("schedule day not a date", ALL, "get", lambda c: "/schedule/?day=2026-02-30",
        says="day: must be a date"),
    Row("write-offs from year 1 to 9999", BILLING, "get",
        lambda c: "/remittance/write-offs/?start=0001-01-01&end=9999-12-31",
        status=200, says="Enter a date between 1900-01-01 and 2100-12-31"),
    Row("audit patient overlong", ("owner",), "get", lambda c: f"/audit/?patient={HUGE}",
        status=200),
    Row("note pdf unknown audience", ("therapist", "owner", "biller"), "get",
        lambda c: f"/notes/{c.signed_note.pk}/pdf/?for=%00", says="control character"),
    # --- ids in the path -------------------------------------------------------------------
    Row("patient id overlong", ALL, "get", lambda c: f"/patients/{HUGE}/", status=404),
    Row("claim id overlong", BILLING, "get", lambda c: f"/claims/{HUGE}/", status=404),
    Row("note id overlong", ("therapist", "owner", "biller"), "get",
        lambda c: f"/notes/{HUGE}/", status=404),
    Row("eligibility check id overlong", ELIGIBILITY, "get",
        lambda c: f"/eligibility/{HUGE}/", status=404),
    Row("note edit id overlong", TREATING, "post", lambda c: f"/notes/{HUGE}/live/",
        status=404),
    # --- the note page: NUL in every kind of field, text longer than its field --------------
    Row("note edit with NUL", TREATING, "post", lambda c: f"/notes/{_note(c)}/edit/",
        lambda c: {"assessment": "improving\x00"}, says="'assessment' holds a control"),
    Row("autosave with NUL", TREATING, "post", lambda c: f"/notes/{_note(c)}/live/",
        lambda c: {"plan": "continue\x00"}, says="'plan' holds a control"),
    Row("justification with NUL", TREATING, "post", lambda c: f"/notes/{_note(c)}/live/",
        lambda c: {f"b{_block(c)}-present": "1", f"b{_block(c)}-justification": "x\x00y"},
        says="holds a control character"),
    Row("sign with NUL", TREATING, "post", lambda c: f"/notes/{_note(c)}/sign/",
        lambda c: {"patient_words": "\x00"}, says="holds a control character"),
    Row("addendum with NUL", TREATING, "post",
        lambda c: f"/notes/{c.signed_note.pk}/addenda/", lambda c: {"text": "late entry\x00"},
        says="'text' holds a control character"),
    Row("addendum of 100,000 characters", TREATING, "post",
        lambda c: f"/notes/{c.signed_note.pk}/addenda/", lambda c: {"text": "a" * 100_000},
        status=302, says="at most 4000 characters"),
    Row("pain location longer than its field", TREATING, "post",
        lambda c: f"/notes/{_note(c)}/edit/", lambda c: {"pain_location": "L" * 121},
        status=422, says="at most 120 characters"),
    Row("pain level as a superscript digit", TREATING, "post",
        lambda c: f"/notes/{_note(c)}/edit/", lambda c: {"pain_level": "²"},
        status=422, says="pain is a whole number from 0 to 10"),
    Row("pain level of 5,000 digits", TREATING, "post",
        lambda c: f"/notes/{_note(c)}/edit/", lambda c: {"pain_level": "9" * 5000},
        status=422, says="pain is a whole number from 0 to 10"),
    Row("visit dated in year 1", TREATING, "post",
        lambda c: f"/notes/{_note(c)}/edit/", lambda c: {"date_of_service": "0001-01-01"},
        status=422, says="a visit cannot be dated before 1900-01-01"),
    Row("goal ids not ASCII or overlong", TREATING, "post", lambda c: f"/notes/{_note(c)}/live/",
        lambda c: {f"b{_block(c)}-present": "1", f"b{_block(c)}-goals-present": "1",
                   f"b{_block(c)}-goals": ["²", HUGE, "9" * 5000]},
        status=200, says="units"),
    Row("minutes of 5,000 digits", TREATING, "post", lambda c: f"/notes/{_note(c)}/edit/",
        lambda c: {f"b{_block(c)}-present": "1", f"b{_block(c)}-minutes": "9" * 5000},
        status=422, says="minutes must be a whole number from 0 to"),
    Row("block code of 10,000 characters", TREATING, "post",
        lambda c: f"/notes/{_note(c)}/blocks/", lambda c: {"code": "X" * 10_000},
        status=302, says="is not in the catalog"),
    Row("control character in a field name", TREATING, "post",
        lambda c: f"/notes/{_note(c)}/live/", lambda c: {"plan\x01": "x"},
        says="a form field name holds a control character"),
    # --- registration ------------------------------------------------------------------------
    Row("register: birth date in the future", REGISTER, "post", lambda c: "/patients/new/",
        _register(**{"patient-birth_date": NEXT_MONTH}),
        status=200, says="A birth date cannot be in the future."),
    Row("register: birth date before 1900", REGISTER, "post", lambda c: "/patients/new/",
        _register(**{"patient-birth_date": "1899-12-31"}),
        status=200, says="Enter a date between 1900-01-01 and 2100-12-31"),
    Row("register: subscriber born in the future", REGISTER, "post", lambda c: "/patients/new/",
        _register(**{"coverage-subscriber_relationship": "spouse",
                     "coverage-subscriber_first_name": "Sam",
                     "coverage-subscriber_last_name": "Newcomer",
                     "coverage-subscriber_sex": "M",
                     "coverage-subscriber_birth_date": NEXT_MONTH}),
        status=200, says="A birth date cannot be in the future."),
    Row("register: case opened in 9999", REGISTER, "post", lambda c: "/patients/new/",
        _register(**{"case-opened_on": "9999-12-31"}),
        status=200, says="Enter a date between 1900-01-01 and 2100-12-31"),
    Row("register: name longer than its field", REGISTER, "post", lambda c: "/patients/new/",
        _register(**{"patient-first_name": "R" * 36}),
        status=200, says="Ensure this value has at most 35 characters"),
    Row("register: NUL in a name", REGISTER, "post", lambda c: "/patients/new/",
        _register(**{"patient-last_name": "New\x00comer"}), says="holds a control character"),
    Row("register: authorized visits overlong", REGISTER, "post", lambda c: "/patients/new/",
        _register(**{"referral-authorized_visits": HUGE}), status=200,
        says="Ensure this value is less than or equal to"),
    # --- eligibility -------------------------------------------------------------------------
    Row("eligibility run for 9999-12-31", ELIGIBILITY, "post", lambda c: "/eligibility/run/",
        lambda c: {"day": "9999-12-31"}, status=302,
        says="Enter a date between 1900-01-01 and 2100-12-31"),
    Row("eligibility run for 0001-01-01", ELIGIBILITY, "post", lambda c: "/eligibility/run/",
        lambda c: {"day": "0001-01-01"}, status=302, says="Enter a date between"),
    Row("eligibility check of one coverage for 9999", ELIGIBILITY, "post",
        lambda c: f"/eligibility/coverage/{_coverage(c)}/check/",
        lambda c: {"day": "9999-12-31"}, status=302, says="Enter a date between"),
    Row("manual verification for 9999, visits overlong", ELIGIBILITY, "post",
        lambda c: f"/eligibility/coverage/{_coverage(c)}/verify/",
        lambda c: {"source": "phone", "verified_for": "9999-12-31", "active": "on",
                   "visits_remaining": HUGE, "copay": "1" * 30, "notes": "ok"},
        status=200, says="Enter a date between"),
    Row("manual verification notes longer than 2000", ELIGIBILITY, "post",
        lambda c: f"/eligibility/coverage/{_coverage(c)}/verify/",
        lambda c: {"source": "phone", "verified_for": TODAY.isoformat(), "active": "on",
                   "notes": "n" * 2001},
        status=200, says="at most 2000 characters"),
    Row("HETS enrollment from year 1", BILLING, "post", lambda c: "/eligibility/hets/",
        lambda c: {"npi": "1234567893", "submitter_id": "S1", "effective_from": "0001-01-01"},
        status=302, says="Enter a date between"),
    # --- uploads -----------------------------------------------------------------------------
    Row("835 of 5 MB with a wrong separator", BILLING, "post", lambda c: "/remittance/import/",
        _upload("bad.835", BIG_BAD_X12), status=302, says="segment 2", multipart=True),
    Row("835 with a NUL byte", BILLING, "post", lambda c: "/remittance/import/",
        _upload("nul.835", NUL_X12), status=302, says="holds a NUL byte", multipart=True),
    Row("835 missing", BILLING, "post", lambda c: "/remittance/import/", lambda c: {},
        status=302, says="file: This field is required"),
    Row("271 of 5 MB with a wrong separator", ELIGIBILITY, "post",
        lambda c: "/eligibility/responses/", _upload("bad.271", BIG_BAD_X12),
        status=302, says="segment 2", multipart=True),
    Row("271 with a NUL byte", ELIGIBILITY, "post", lambda c: "/eligibility/responses/",
        _upload("nul.271", NUL_X12), status=302, says="holds a NUL byte", multipart=True),
]  # fmt: skip


def _written(c: Clinic) -> dict[str, object]:
    """What a refused request must leave as it was (audit rows are written on purpose)."""
    counts: dict[str, object] = {
        m.__name__: m.objects.count()
        for m in (
            Patient, Coverage, Case, Referral, Note, TreatmentBlock, Addendum, Claim,
            EligibilityCheck, ManualVerification, HetsEnrollment, EraFile,
        )
    }  # fmt: skip
    draft = Note.objects.get(pk=c.draft_note.pk)
    counts["draft"] = (draft.assessment, draft.plan, draft.patient_words, draft.pain_location)
    counts["justifications"] = list(
        TreatmentBlock.objects.order_by("pk").values_list("justification", flat=True)
    )
    return counts


def _send(client: Client, row: Row, c: Clinic):  # type: ignore[no-untyped-def]
    if row.method == "get":
        return client.get(row.url(c))
    return client.post(row.url(c), row.data(c))


CASES = [pytest.param(row, role, id=f"{row.case} as {role}") for row in ROWS for role in row.roles]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_hostile_input_gets_an_answer_and_writes_nothing(clinic, row: Row, role: str):
    client = client_for(getattr(clinic, role))
    client.raise_request_exception = False
    before = _written(clinic)

    response = _send(client, row, clinic)

    assert response.status_code == row.status, response.content[:300]
    shown = response.content.decode("utf-8", "replace")
    if response.status_code == 302:
        shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
        assert len(shown) <= 2 * MESSAGE_LIMIT
        page = client.get(response.url)
        assert page.status_code == 200
        assert len(page.content) < PAGE_LIMIT
        # The reader names the segment, never its content; the page cuts any message to a few
        # hundred characters besides.
        assert "A" * 20 not in page.content.decode()
    assert row.says in shown
    assert len(shown) < PAGE_LIMIT
    assert _written(clinic) == before


def test_a_400_never_repeats_the_value(clinic):
    client = client_for(clinic.front_desk)
    response = client.get("/patients/?q=Example%00Pat")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert b"Example" not in response.content
    assert response.content == (
        b"Refused: the query parameter 'q' holds a control character (such as NUL). "
        b"Remove it and send again."
    )


def test_a_hostile_parameter_name_is_not_repeated(clinic):
    client = client_for(clinic.front_desk)
    response = client.get("/patients/?%3Cscript%3E=a%00")
    assert response.status_code == 400
    assert b"<script>" not in response.content
    assert b"(unnamed)" in response.content


def test_tab_and_line_breaks_in_text_are_accepted(clinic):
    client = client_for(clinic.therapist)
    response = client.post(
        f"/notes/{clinic.draft_note.pk}/live/", {"assessment": "line one\r\n\tline two"}
    )
    assert response.status_code == 200
    assert Note.objects.get(pk=clinic.draft_note.pk).assessment == "line one\r\n\tline two"


def test_sign_in_with_nul_is_refused(db):
    response = Client().post("/accounts/login/", {"username": "olive\x00", "password": "x"})
    assert response.status_code == 400


def test_an_addendum_of_4000_characters_is_signed_whole(clinic):
    client = client_for(clinic.therapist)
    response = client.post(f"/notes/{clinic.signed_note.pk}/addenda/", {"text": "a" * 4000})
    assert response.status_code == 302
    assert Addendum.objects.get(note=clinic.signed_note).text == "a" * 4000


def test_an_error_repeats_at_most_20_characters_of_what_was_typed(clinic):
    block = _block(clinic)
    response = client_for(clinic.therapist).post(
        f"/notes/{clinic.draft_note.pk}/edit/",
        {f"b{block}-present": "1", f"b{block}-minutes": "9" * 5000},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "9" * 21 not in page
    assert "&#x27;99999999999999999999&#x27;…" in page
