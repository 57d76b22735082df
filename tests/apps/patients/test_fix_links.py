"""Each scrub finding about the chart's data links to the chart screen that fixes it, from the
note page and the claim pages; the map (patients/fix_links.py) names only real rule ids."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.models import ClaimFinding
from cleannote.apps.notes.actions import do_start_note
from cleannote.apps.patients.fix_links import CHART_SCREEN_OF_RULE, ChartScreen, chart_fix_link
from cleannote.rules.scrub.rule_catalog import RULES
from tests.apps.claims.conftest import billing, new_claim  # noqa: F401  (the fixture)
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def test_every_mapped_rule_is_in_the_catalog():
    for rule in CHART_SCREEN_OF_RULE:
        assert rule in RULES or any(r.startswith(rule) for r in RULES if rule.endswith(".")), rule


@pytest.mark.parametrize(
    ("rule", "url_name", "args"),
    [
        pytest.param("format.patient-address", "edit_details", (1,), id="address"),
        pytest.param("patient.self-mismatch", "edit_coverage", (1, 3), id="subscriber"),
        pytest.param("msp.type-not-medicare", "edit_coverage", (1, 3), id="msp-type"),
        pytest.param("msp.accident-medicare-first", "reorder_coverages", (1,), id="order"),
        pytest.param("payer.auto-primary", "add_coverage", (1,), id="auto-carrier"),
        pytest.param("payer.claim-number-missing", "edit_case", (1, 2), id="claim-number"),
        pytest.param("format.accident-state", "edit_case", (1, 2), id="accident-state"),
        pytest.param("ack.patient", "edit_coverage", (1, 3), id="rejected-member-id"),
        pytest.param("ack.payer", "add_coverage", (1,), id="rejected-wrong-payer"),
        pytest.param("ack.diagnosis", "diagnoses", (1, 2), id="rejected-diagnosis"),
    ],
)
def test_rule_to_screen(rule, url_name, args):
    link = chart_fix_link(rule, patient_id=1, case_id=2, coverage_id=3)
    assert link is not None
    assert link.url == reverse(f"patients:{url_name}", args=args)


@pytest.mark.parametrize("rule", ["time.8-minute", "units.mue", "format.billing-zip", "dx.x"])
def test_fixes_elsewhere_have_no_chart_link(rule):
    # near misses: a block's minutes, a table edit, the clinic's settings
    assert chart_fix_link(rule, patient_id=1, case_id=2, coverage_id=3) is None


def test_coverage_finding_without_a_coverage_goes_to_the_chart_section():
    link = chart_fix_link("patient.self-mismatch", patient_id=1)
    assert link is not None
    assert link.url.endswith(f"#{ChartScreen.COVERAGE.value}")


def test_note_page_links_a_missing_address_to_the_details_screen(clinic, login):
    # given Pat has no address on file, which the claim needs (format.patient-address)
    page = login(clinic.therapist).get(reverse("notes:edit", args=[clinic.draft_note.pk]))
    html = page.content.decode()
    assert "format.patient-address" in html
    assert reverse("patients:edit_details", args=[clinic.patient.pk]) in html


def test_assistant_is_sent_to_the_chart_not_to_a_screen_they_cannot_use(clinic, login):
    # given the assistant's own draft today (assistants read the chart but do not edit it)
    actor = Actor(user=clinic.assistant.user, organisation=clinic.organisation)
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.assistant,
        location=clinic.location,
        date_of_service=TODAY,
    )
    html = login(clinic.assistant).get(reverse("notes:edit", args=[note.pk])).content.decode()
    assert "format.patient-address" in html
    assert reverse("patients:edit_details", args=[clinic.patient.pk]) not in html
    assert "Fixed on the chart" in html


def test_claim_pages_link_a_case_finding_to_the_case_screen(billing, login):  # noqa: F811
    claim = new_claim(billing)
    ClaimFinding.objects.create(
        claim=claim,
        rule="payer.claim-number-missing",
        severity="warning",
        message="No claim number.",
        fix="Record it.",
        source="test",
    )
    owner = login(billing.clinic.owner)
    case_url = reverse("patients:edit_case", args=[claim.patient_id, claim.note.case_id])
    assert case_url in owner.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert case_url in owner.get(reverse("claims:worklist")).content.decode()
