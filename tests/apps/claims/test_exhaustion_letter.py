"""The PIP carrier's exhaustion letter kept on the case, and the health plan's claims after it
announcing it: 2300 PWK (EB, how it is sent, its attachment control number) and box 19
(ADR 0762). The case: tests/apps/claims/test_pip_limits.py's New York accident."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.claim_form import claim_to_form
from cleannote.apps.patients.benefit_limits import (
    do_attach_exhaustion_letter,
    do_record_pip_exhausted,
)
from cleannote.apps.patients.chart_actions import ChartChangeRefused
from cleannote.apps.patients.models import CaseAttachment
from tests.apps.claims.test_claim_837p_payer_needs import _segments
from tests.apps.claims.test_pip_limits import auto  # noqa: F401  (the fixture)
from tests.edi.pyx12_check import pyx12_errors
from tests.personas import TODAY, client_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LETTER_DAY = TODAY - dt.timedelta(days=4)


def test_the_letter_uploaded_with_the_exhaustion_goes_on_the_next_payers_claim(
    billing,
    auto,  # noqa: F811
):
    # given the biller records the carrier's letter with its scan, to be faxed
    client = client_for(billing.clinic.front_desk)
    patient = billing.clinic.patient
    url = reverse("patients:pip_exhausted", args=[patient.pk, auto.pk])
    assert 'enctype="multipart/form-data"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "exhausted_on": LETTER_DAY.isoformat(),
            "note": "Roadway letter: benefits exhausted",
            "letter": SimpleUploadedFile("roadway.pdf", PDF, content_type="application/pdf"),
            "transmission": "FX",
        },
    )
    assert response.status_code == 302
    letter = CaseAttachment.objects.get(case=auto)
    assert (letter.content_type, letter.size, letter.transmission) == (
        "application/pdf",
        len(PDF),
        "FX",
    )
    assert letter.control_number == f"EXH{letter.pk:07d}"
    # the case shows it and hands the scan back
    chart = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()
    assert f"attachment {letter.control_number}" in chart
    scan = client.get(reverse("patients:case_attachment", args=[patient.pk, auto.pk, letter.pk]))
    assert (scan.status_code, scan.content, scan["Content-Type"]) == (200, PDF, "application/pdf")
    # when the next visit bills the health plan
    claim = do_create_claim_from_note(billing.actor, billing.note)
    assert claim.payer_id == "BLUE"
    # then its 837P announces the letter, pyx12-valid, and box 19 says the same
    segments, data = _segments(claim)
    assert f"PWK*EB*FX***AC*{letter.control_number}" in segments
    assert pyx12_errors(data) == []
    assert claim_to_form(claim).additional_info == f"PWKEBFX{letter.control_number}"


def test_a_claim_not_past_an_exhausted_carrier_has_no_paperwork(billing, auto):  # noqa: F811
    claim = do_create_claim_from_note(billing.actor, billing.note)
    segments, _ = _segments(claim)
    assert not any(s.startswith("PWK") for s in segments)
    assert claim_to_form(claim).additional_info is None


@pytest.mark.parametrize(
    ("data", "transmission", "field", "problem"),
    [
        (b"", "FX", "letter", "empty"),
        (b"MZ\x90\x00 not a letter", "FX", "letter", "PDF, PNG, JPEG or TIFF"),
        (PDF, "EL", "transmission", "fax, mail or e-mail"),
    ],
)
def test_a_letter_that_cannot_be_kept_is_refused(billing, auto, data, transmission, field, problem):  # noqa: F811
    do_record_pip_exhausted(billing.actor, auto, on=LETTER_DAY, note="Roadway letter")
    with pytest.raises(ChartChangeRefused) as refused:
        do_attach_exhaustion_letter(
            billing.actor, auto, data=data, file_name="x", letter_date=LETTER_DAY,
            transmission=transmission,
        )  # fmt: skip
    assert refused.value.field == field
    assert problem in str(refused.value)
    assert not CaseAttachment.objects.exists()


def test_a_bad_scan_on_the_page_says_what_is_wrong_and_records_nothing(billing, auto):  # noqa: F811
    client = client_for(billing.clinic.front_desk)
    url = reverse("patients:pip_exhausted", args=[billing.clinic.patient.pk, auto.pk])
    response = client.post(
        url,
        {
            "exhausted_on": LETTER_DAY.isoformat(),
            "note": "Roadway letter",
            "letter": SimpleUploadedFile("letter.exe", b"MZ\x90\x00", content_type="text/plain"),
        },
    )
    assert response.status_code == 200
    assert "PDF, PNG, JPEG or TIFF" in response.content.decode()
    auto.refresh_from_db()
    assert auto.pip_exhausted_on is None
