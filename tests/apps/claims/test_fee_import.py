"""Charge master and payer contracts from CSV, and the underpayment an 835 shows against them
(ADR 0720)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.contracts import FeeImportError, do_import_fees
from cleannote.apps.claims.models import FeeSchedule, FeeScheduleEntry
from cleannote.apps.payers.actions import do_find_or_add_payer
from cleannote.apps.remittance.actions import do_import_835
from cleannote.apps.remittance.models import LinePosting
from cleannote.rules.visit import PayerKind
from tests.apps.claims.conftest import Billing, billing, sent_claim  # noqa: F401
from tests.apps.x12_files import claim_payment, remittance_835, service

HEADER = "code,modifier,effective_from,effective_through,amount\n"
CONTRACT = HEADER + "97110,GP,2024-01-01,,32.00\n97140,,2024-01-01,,28.00\n"


@pytest.fixture
def medicare(billing: Billing):  # noqa: F811
    return do_find_or_add_payer(
        billing.actor, name="Medicare", claims_payer_id="MCR", kind=PayerKind.MEDICARE.value
    )


def test_contract_prices_as_the_charge_master_and_an_835_below_it_is_one_underpayment(
    billing: Billing,  # noqa: F811
    medicare,
    login,
):
    # given the payer's contract: 97110 with GP at $32.00 a unit, 97140 at $28.00
    (schedule,) = do_import_fees(
        billing.actor, CONTRACT.encode(), file_name="mcr.csv", payer_id="MCR"
    )
    assert schedule.payer_id == "MCR"
    assert schedule.name == "Contract: Medicare"
    # and a claim for 97110 × 2 and 97140 × 1, charged from the charge master as before
    claim = sent_claim(billing)
    assert [(x.code, x.charge) for x in claim.lines.order_by("number")] == [
        ("97110", Decimal("130.00")), ("97140", Decimal("60.00")),
    ]  # fmt: skip
    # when the 835 allows 97110 at $50.00 (contract: $64.00) and 97140 at $28.00 (as agreed)
    pcn = claim.patient_control_number
    era = remittance_835(
        [claim_payment(pcn, "1", "190", "62.40", "15.60", [
            service("97110:GP", "130", "40.00", 2, line_control=f"{pcn}-1", allowed="50.00",
                    adjustments=(("CO", "45", "80.00"), ("PR", "2", "10.00"))),
            service("97140:GP", "60", "22.40", 1, line_control=f"{pcn}-2", allowed="28.00",
                    adjustments=(("CO", "45", "32.00"), ("PR", "2", "5.60"))),
        ])]
    )  # fmt: skip
    do_import_835(billing.actor, era, file_name="under.835")
    # then one line is underpaid, by $14.00
    (flagged,) = LinePosting.objects.filter(underpaid=True)
    assert (flagged.claim_line.code, flagged.expected, flagged.shortfall) == (
        "97110", Decimal("64.00"), Decimal("14.00"),
    )  # fmt: skip
    at_contract = LinePosting.objects.get(claim_line__code="97140")
    assert (at_contract.expected, at_contract.underpaid) == (Decimal("28.00"), False)
    # and the claim page shows each line's expected allowed amount
    claim_page = login(billing.clinic.biller).get(f"/claims/{claim.pk}/").content.decode()
    assert "Expected allowed" in claim_page
    assert "$64.00" in claim_page
    assert "$28.00" in claim_page
    # and the underpayments page shows it with its variance and next step
    page = login(billing.clinic.biller).get("/remittance/underpayments/").content.decode()
    assert "<strong>$14.00</strong>" in page
    assert "Ask the payer to reprocess 97110 at the contracted rate" in page


def test_charge_master_makes_one_schedule_per_location(billing: Billing):  # noqa: F811
    data = (HEADER + "97110,,2027-01-01,,70.00\n97140,,2027-01-01,,62.5\n").encode()
    schedules = do_import_fees(billing.actor, data, file_name="cm.csv")
    assert {s.location_id for s in schedules} == {billing.clinic.location.pk}
    (made,) = schedules
    assert (made.name, made.payer_id, made.effective_from) == (
        "Charge master",
        "",
        dt.date(2027, 1, 1),
    )
    assert dict(made.entries.values_list("code", "amount")) == {
        "97110": Decimal("70.00"), "97140": Decimal("62.50"),
    }  # fmt: skip
    assert AuditEvent.objects.filter(object_type="fee_schedule", object_id=str(made.pk)).exists()


REFUSED = [
    # (payer, file, what the error says)
    ("MCR", HEADER + "97110,,2024-01-01,,32.00\n97110,,2024-01-01,,x\n", "line 3, column amount"),
    ("MCR", HEADER + "97530,,2024-01-01,,40.00\n", "97530 has no charge in"),
    ("NOPE", CONTRACT, "the payer is not in the directory"),
    ("MCR", "", "the file is empty"),
]


@pytest.mark.parametrize(("payer", "text", "words"), REFUSED)
def test_a_file_with_any_problem_loads_nothing(billing, medicare, payer, text, words):  # noqa: F811
    before = (FeeSchedule.objects.count(), FeeScheduleEntry.objects.count())
    with pytest.raises(FeeImportError) as refused:
        do_import_fees(billing.actor, text.encode(), file_name="bad.csv", payer_id=payer)
    assert words in str(refused.value)
    assert all(p.file == "bad.csv" for p in refused.value.problems)
    assert (FeeSchedule.objects.count(), FeeScheduleEntry.objects.count()) == before


def test_a_therapist_may_not_import(billing: Billing):  # noqa: F811
    therapist = Actor(user=billing.clinic.therapist.user, organisation=billing.clinic.organisation)
    with pytest.raises(FeeImportError, match="only billers and owners"):
        do_import_fees(therapist, CONTRACT.encode(), file_name="mcr.csv")


# --- the pages --------------------------------------------------------------------------------


def test_import_page_previews_every_problem_and_loads_nothing(billing, medicare, login):  # noqa: F811
    bad = HEADER + "99999,,2024-01-01,,1\n97110,,2024-01-01,,1.234\n"
    upload = SimpleUploadedFile("bad.csv", bad.encode())
    page = login(billing.clinic.biller).post(
        "/claims/fees/import/", {"payer": "MCR", "file": upload, "load": "1"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 problems: nothing loaded" in text
    assert "&#x27;99999&#x27; is not a CPT or HCPCS code" in text
    assert "<td>3</td><td>amount</td>" in text
    assert not FeeSchedule.objects.filter(payer_id="MCR").exists()


def test_import_page_checks_then_loads_then_lists_the_rates(billing, medicare, login):  # noqa: F811
    client = login(billing.clinic.biller)
    checked = client.post(
        "/claims/fees/import/",
        {"payer": "MCR", "file": SimpleUploadedFile("mcr.csv", CONTRACT.encode()), "check": "1"},
    )
    assert "ready to load: 2 rows" in checked.content.decode()
    assert not FeeSchedule.objects.filter(payer_id="MCR").exists()
    loaded = client.post(
        "/claims/fees/import/",
        {"payer": "MCR", "file": SimpleUploadedFile("mcr.csv", CONTRACT.encode()), "load": "1"},
        follow=True,
    )
    text = loaded.content.decode()
    assert "mcr.csv loaded: 1 schedule(s)" in text
    assert "$32.00" in text
    assert "$28.00" in text
    search = client.get("/claims/fees/", {"payer": "MCR", "q": "9714"}).content.decode()
    assert "$28.00" in search
    assert "97110" not in search


def test_template_downloads_and_reads_cleanly(billing, login):  # noqa: F811
    response = login(billing.clinic.biller).get("/claims/fees/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith(
        "code,modifier,effective_from,effective_through,amount"
    )


@pytest.mark.parametrize(
    "page", ["/claims/fees/", "/claims/fees/import/", "/claims/fees/template.csv"]
)
def test_fee_pages_are_for_billers_and_owners(billing, login, page):  # noqa: F811
    assert login(billing.clinic.owner).get(page).status_code == 200
    assert login(billing.clinic.therapist).get(page).status_code == 403
