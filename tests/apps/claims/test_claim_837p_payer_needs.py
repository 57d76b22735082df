"""A stored claim's 837P says what payers need: the carrier's claim number (REF*Y4) on auto and
workers' comp claims (corrections too), the Medicare secondary payer type, the initial treatment
date, the service location, a pay-to loop for a PO box, a solo clinician billing as a person,
and CLM01 as stored. Each file passes pyx12."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cleannote.apps.claims.actions import do_create_corrected_claim
from cleannote.apps.claims.claim_export import claim_to_send
from cleannote.apps.claims.claim_form import claim_to_form
from cleannote.apps.claims.models import Claim
from cleannote.apps.notes.visit_builder import build_visit, load_note_for_visit
from cleannote.apps.organisations.models import Location, Organisation
from cleannote.apps.patients.models import Case, Coverage
from cleannote.edi.envelope import ControlNumbers, Receiver, Submitter
from cleannote.edi.x12_837p import write_837p
from cleannote.forms.cms1500 import form_pages
from cleannote.rules.visit import MedicareSecondaryType
from tests.apps.claims.conftest import Billing, adjudicated_claim, new_claim
from tests.edi.pyx12_check import pyx12_errors

pytestmark = pytest.mark.django_db


def _segments(claim: Claim) -> tuple[list[str], bytes]:
    data = write_837p(
        [claim_to_send(claim)],
        submitter=Submitter("Riverside", "RIVERSIDE01", "Billing", "2175550100"),
        receiver=Receiver("Clearinghouse", "CLEARHOUSE"),
        control=ControlNumbers(7, 7, 1),
        created=dt.datetime(2026, 3, 2, 9, 30),
    )
    return [s for s in data.decode("ascii").split("~") if s], data


def _workers_comp(billing: Billing) -> None:
    case = billing.clinic.case
    Coverage.objects.filter(pk=case.coverage_id).update(
        kind="workers_comp", payer_name="Prairie Mutual WC", payer_id="PMWC1"
    )
    Case.objects.filter(pk=case.pk).update(
        accident_kind="employment",
        accident_date=case.opened_on,
        accident_state="IL",
        insurer_claim_number="wc-2026-0417",
    )


def test_workers_comp_claim_from_the_app_carries_the_carriers_claim_number(billing):
    # given a workers' comp case with the carrier's claim number
    _workers_comp(billing)
    # when the note is billed (the app used to drop the number on every original claim)
    segments, data = _segments(new_claim(billing))
    # then REF*Y4 is in the subscriber's loop, as the clinic wrote it, and nothing else is F8
    assert "REF*Y4*wc-2026-0417" in segments
    assert not any(s.startswith("REF*F8") for s in segments)
    assert pyx12_errors(data) == []


def test_corrected_workers_comp_claim_carries_both_its_numbers(billing):
    # given an adjudicated workers' comp claim the payer numbered PCN-31
    _workers_comp(billing)
    original = adjudicated_claim(billing, ("100.00", "60.00"), payer_claim_number="PCN-31")
    # when it is corrected
    corrected = do_create_corrected_claim(billing.actor, original, reason="wrong units")
    segments, data = _segments(corrected)
    # then the replacement names the claim it replaces and the carrier's claim number
    assert "REF*F8*PCN-31" in segments
    assert "REF*Y4*wc-2026-0417" in segments
    assert pyx12_errors(data) == []


def test_case_initial_treatment_date_goes_to_the_claim_as_dtp_454(billing):
    Case.objects.filter(pk=billing.clinic.case.pk).update(
        initial_treatment_date=dt.date(2026, 1, 5)
    )
    segments, data = _segments(new_claim(billing))
    assert "DTP*454*D8*20260105" in segments
    assert pyx12_errors(data) == []


def test_a_location_away_from_the_billing_address_goes_in_2310c(billing):
    # given the visit's location on another street than the organisation
    Location.objects.filter(pk=billing.clinic.location.pk).update(
        address_line1="18 Lincoln Avenue", zip="627034420", npi="1306849450"
    )
    # when
    segments, data = _segments(new_claim(billing))
    # then
    start = segments.index("NM1*77*2*RIVERSIDE CLINIC*****XX*1306849450")
    assert segments[start + 1 : start + 3] == [
        "N3*18 LINCOLN AVENUE",
        "N4*SPRINGFIELD*IL*627034420",
    ]
    assert pyx12_errors(data) == []


def test_a_location_at_the_billing_address_sends_no_2310c(billing):
    segments, _ = _segments(new_claim(billing))
    assert not any(s.startswith("NM1*77*") for s in segments)


def test_po_box_organisation_bills_from_the_location_street_and_is_paid_at_the_box(billing):
    # given an organisation whose address is a PO box, and a location on a street
    Organisation.objects.filter(pk=billing.clinic.organisation.pk).update(
        address_line1="PO Box 4410", zip="62705"
    )
    Location.objects.filter(pk=billing.clinic.location.pk).update(
        address_line1="18 Lincoln Avenue", zip="627034420"
    )
    # when
    segments, data = _segments(new_claim(billing))
    # then 2010AA has the street and 2010AB the box; the location is 2010AA, so no 2310C
    assert "N3*18 LINCOLN AVENUE" in segments
    pay_to = segments.index("NM1*87*2")
    assert segments[pay_to + 1 : pay_to + 3] == ["N3*PO BOX 4410", "N4*SPRINGFIELD*IL*62705"]
    assert not any(s.startswith("NM1*77*") for s in segments)
    assert pyx12_errors(data) == []


def test_solo_clinician_billing_under_their_own_npi_is_a_person_in_2010aa(billing):
    # given a sole proprietor: the organisation bills under the treating therapist's NPI
    therapist = billing.clinic.therapist
    Organisation.objects.filter(pk=billing.clinic.organisation.pk).update(npi=therapist.npi)
    # when
    segments, data = _segments(new_claim(billing))
    # then
    assert f"NM1*85*1*DEMO*THEO****XX*{therapist.npi}" in segments
    assert not any(s.startswith("NM1*82*") for s in segments)
    assert pyx12_errors(data) == []


def test_clm01_is_sent_as_stored(billing):
    claim = new_claim(billing)
    Claim.objects.filter(pk=claim.pk).update(patient_control_number=f"cn{claim.pk}a")
    claim.refresh_from_db()
    segments, _ = _segments(claim)
    assert any(s.startswith(f"CLM*cn{claim.pk}a*") for s in segments)
    assert f"REF*6R*cn{claim.pk}a-1" in segments


def test_medicare_secondary_coverage_names_why_medicare_pays_second(billing):
    # given Medicare as the patient's secondary coverage behind an employer plan
    patient = billing.clinic.patient
    medicare = Coverage(
        patient=patient,
        priority="secondary",
        payer_name="Medicare",
        payer_id="MCR",
        kind="medicare",
        member_id="1EG4TE5MK73",
        active_from=dt.date(2025, 1, 1),
    )
    # then the coverage needs the secondary payer type
    with pytest.raises(ValidationError) as refused:
        medicare.full_clean()
    assert "medicare_secondary_type" in refused.value.message_dict
    medicare.medicare_secondary_type = MedicareSecondaryType.WORKING_AGED.value
    medicare.full_clean()
    medicare.save()
    # and the visit billed to it carries it for SBR05
    note = load_note_for_visit(billing.note.pk)
    assert note is not None
    visit = build_visit(note, coverage=medicare)
    assert visit.payer.medicare_secondary_type is MedicareSecondaryType.WORKING_AGED


@pytest.mark.parametrize(
    ("kind", "priority", "value", "error"),
    [
        pytest.param("medicare", "primary", "", False, id="medicare-primary"),
        pytest.param("medicare", "primary", "12", True, id="medicare-primary-with-type"),
        pytest.param("medicare", "secondary", "", True, id="medicare-secondary-without"),
        pytest.param("medicare", "tertiary", "47", False, id="medicare-tertiary-with"),
        pytest.param("commercial", "secondary", "12", True, id="commercial-with-type"),
    ],
)
def test_medicare_secondary_type_is_asked_for_only_where_it_belongs(
    billing, kind, priority, value, error
):
    coverage = Coverage(
        patient=billing.clinic.patient,
        priority=priority,
        payer_name="Payer",
        payer_id="P1",
        kind=kind,
        member_id="M1",
        active_from=dt.date(2025, 1, 1),
        medicare_secondary_type=value,
    )
    if error:
        with pytest.raises(ValidationError):
            coverage.full_clean()
    else:
        coverage.full_clean()


def test_corrected_workers_comp_form_prints_the_carrier_number_in_11b_and_the_payers_in_22(
    billing,
):
    # given a corrected workers' comp claim
    _workers_comp(billing)
    original = adjudicated_claim(billing, ("100.00", "60.00"), payer_claim_number="PCN-31")
    corrected = do_create_corrected_claim(billing.actor, original, reason="wrong units")
    # when
    (page,) = form_pages(claim_to_form(corrected), printed_on=dt.date(2026, 3, 2))
    values = {v.box: v.text for v in page}
    # then
    assert (values["11b.qualifier"], values["11b"]) == ("Y4", "wc-2026-0417")
    assert (values["22.code"], values["22.reference"]) == ("7", "PCN-31")
