"""The demo's reports show real figures from its data, and its modifier-59 monitor flags the
clinician whose course (web/demo_reports.py) adds XS to two lines of every visit (ADR 0801)."""

from __future__ import annotations

import datetime as dt

from cleannote.apps.organisations.models import Staff
from cleannote.apps.reports import financial, modifier59, productivity
from cleannote.apps.reports.scope import read_filters
from tests.e2e.conftest import DEMO_TODAY, Demo


def test_the_demo_shows_one_clinician_far_above_the_rest_on_59(money_demo: Demo):
    demo = money_demo
    owner = Staff.objects.get(organisation=demo.organisation, user__username="demo-owner")
    filters = read_filters({}, owner, DEMO_TODAY)
    flagged = {r.name for r in modifier59.modifier_59(filters) if r.finding}
    assert flagged == {"Priya Natarajan, PT"}
    pairs = {(p["column_one"], p["column_two"]) for p in modifier59.code_pairs_59(filters)}
    assert ("97140", "97530") in pairs
    assert modifier59.notes_to_review(
        filters, {r.clinician_id for r in modifier59.modifier_59(filters) if r.finding}
    )
    clinic = productivity.clinic_productivity(filters)
    assert clinic["visits"] > 0
    assert clinic["units_per_visit"] is not None


def test_a_small_demo_has_no_59_course(demo: Demo):
    owner = Staff.objects.get(organisation=demo.organisation, user__username="demo-owner")
    assert not [r for r in modifier59.modifier_59(read_filters({}, owner, DEMO_TODAY)) if r.finding]


def test_the_demo_compliance_report_shows_the_kx_patient(money_demo: Demo):
    """Walter Brandt's Medicare course is billed up to the KX amount and his series is booked
    from tomorrow (demo_kx_course.py): his booked visits pass KX and then $3,000 (ADR 0802)."""
    from cleannote.apps.reports.compliance import PROBLEMS, compliance

    demo = money_demo
    owner = Staff.objects.get(organisation=demo.organisation, user__username="demo-owner")
    rows, counts = compliance(read_filters({}, owner, DEMO_TODAY))
    kx = [r for r in rows if r.problem in (PROBLEMS["kx"], PROBLEMS["targeted_review"])]
    assert {r.patient for r in kx} == {"Brandt, Walter"}
    assert counts["kx"] == 1
    assert counts["targeted_review"] == 1
    assert all(r.detail.startswith("Booked visit of") for r in kx)
    assert all("/plan/" in r.fix_url and r.location != "—" for r in kx)


def test_the_daily_summaries_give_the_live_figures(money_demo: Demo):
    """The summaries, filled by the nightly command, with the days after them counted live,
    give exactly the live query's figures (ADR 0850, 0856): productivity, 59/X and money, over
    four weeks, a year, and filtered."""
    from django.core.management import call_command

    from cleannote.apps.reports.models import ProductivityDay, ReportSummaryRun

    demo = money_demo
    owner = Staff.objects.get(organisation=demo.organisation, user__username="demo-owner")
    therapist = Staff.objects.get(organisation=demo.organisation, user__username="demo-pt2")
    year = {"start": (DEMO_TODAY - dt.timedelta(days=364)).isoformat()}
    cases = [
        read_filters({}, owner, DEMO_TODAY),
        read_filters(year, owner, DEMO_TODAY),
        read_filters({**year, "discipline": "PT"}, owner, DEMO_TODAY),
        read_filters({**year, "payer": "MCR"}, owner, DEMO_TODAY),
        read_filters(year, therapist, DEMO_TODAY),
    ]

    def figures():
        return [
            (
                productivity.productivity(f, "clinician"),
                productivity.productivity(f, "location"),
                modifier59.modifier_59(f),
                modifier59.code_pairs_59(f),
                financial.financial(f),
                financial.denials_by_carc(f),
                financial.reimbursement_by_code(f),
            )
            for f in cases
        ]

    live = figures()
    assert live[1][0]
    assert live[1][2]
    # the summaries through ten days ago: the last ten days counted live beside them
    call_command("cleannote_report_summaries", today=DEMO_TODAY - dt.timedelta(days=10))
    assert ReportSummaryRun.objects.get(
        organisation=demo.organisation
    ).through == DEMO_TODAY - dt.timedelta(days=11)
    assert figures() == live
    # the next night's run (twice: a rerun writes the same rows) holds every closed day
    call_command("cleannote_report_summaries", today=DEMO_TODAY)
    rows = ProductivityDay.objects.count()
    call_command("cleannote_report_summaries", today=DEMO_TODAY)
    assert ProductivityDay.objects.count() == rows > 0
    assert figures() == live
