"""The billers' claims worklist: age in days, filters by age bucket, sortable columns, findings
collapsed to a count, selectable rows, a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cleannote.apps.claims.models import Claim
from cleannote.apps.claims.selectors import payers_billed, worklist
from cleannote.apps.payers.models import Payer
from tests.apps.claims.conftest import another_claim, new_claim
from tests.personas import TODAY, client_for


def _aged(billing, days: int) -> Claim:
    """A claim whose date of service is `days` before TODAY (moved back after it is made)."""
    claim = another_claim(billing, 4 + Claim.objects.count())
    Claim.objects.filter(pk=claim.pk).update(date_of_service=TODAY - dt.timedelta(days=days))
    return claim


@pytest.mark.parametrize(
    ("bucket", "ages"),
    [
        ("0-30", [0, 30]),
        ("31-60", [31, 60]),
        ("61-90", [61, 90]),
        ("91-120", [91, 120]),
        ("120+", [121, 400]),
    ],
)
def test_age_buckets_take_their_edges(billing, bucket, ages):
    claims = {age: _aged(billing, age) for age in (0, 30, 31, 60, 61, 90, 91, 120, 121, 400)}
    got = worklist(billing.clinic.organisation, age_bucket=bucket, today=TODAY)
    assert sorted(c.pk for c in got) == sorted(claims[a].pk for a in ages)


def test_sorted_by_charge_and_date_either_way(billing):
    old, new = _aged(billing, 50), _aged(billing, 5)
    organisation = billing.clinic.organisation
    assert [c.pk for c in worklist(organisation, sort="date")] == [old.pk, new.pk]
    assert [c.pk for c in worklist(organisation, sort="-date")] == [new.pk, old.pk]
    Claim.objects.filter(pk=old.pk).update(total_charge="10.00")
    assert [c.pk for c in worklist(organisation, sort="charge")] == [old.pk, new.pk]


def test_the_page_shows_age_a_finding_count_and_a_box_per_row(billing, settings):
    claim = _aged(billing, 45)
    client = client_for(billing.clinic.biller)
    page = client.get("/claims/?age=31-60&sort=-date").content.decode()
    row = page[page.index(claim.patient_control_number) :]
    assert re.search(r'<td class="num">\d+</td>', row)
    assert f'name="claim" value="{claim.pk}"' in page
    count = claim.findings.count()
    assert count  # the fixture's note gives doc.missing-elements
    assert f"<summary>{count} finding" in page
    assert "doc.missing-elements" in page  # the detail, inside <details>
    assert claim.patient_control_number not in client.get("/claims/?age=0-30").content.decode()


@pytest.mark.parametrize("query", ["age=7-9", "sort=nope", "status=lost"], ids=str)
def test_bad_worklist_filters_are_a_400(billing, query):
    assert client_for(billing.clinic.biller).get(f"/claims/?{query}").status_code == 400


def test_query_count_does_not_grow_with_rows_sorted_and_filtered(billing):
    client = client_for(billing.clinic.biller)
    new_claim(billing)
    url = "/claims/?sort=-patient&age=0-30"
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for days in (3, 9, 12, 20):
        _aged(billing, days)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url).content.decode()
    assert page.count('name="claim"') == 5
    assert len(five) == len(one)


def test_the_payer_filter_reads_one_row_per_payer(billing):
    # given several claims to the same payer on different days
    for days in (3, 9, 12):
        _aged(billing, days)
    claims = Claim.objects.filter(organisation=billing.clinic.organisation)
    payers = set(claims.values_list("payer_id", "payer_name"))
    # when the worklist's payer filter is read
    with CaptureQueriesContext(connection) as read:
        got = payers_billed(billing.clinic.organisation)
    # then each payer once, from a query that returns one row a payer (it hops along the
    # payer index instead of reading every claim), and the payer directory's query
    assert got == sorted(payers)
    assert len(read.captured_queries) == 2
    with connection.cursor() as cursor:
        cursor.execute(read.captured_queries[0]["sql"])
        assert len(cursor.fetchall()) == len(payers)


def test_the_payer_filter_names_a_payer_as_the_directory_does_now(billing):
    # given a claim to a payer, and the payer renamed in the directory since
    claim = _aged(billing, 3)
    Payer.objects.filter(
        organisation=billing.clinic.organisation, claims_payer_id=claim.payer_id
    ).update(name="Renamed Health Plan")
    # and another organisation's claims, which never show
    # when the payer filter is read
    got = payers_billed(billing.clinic.organisation)
    # then the payer is listed once, by its current name
    assert (claim.payer_id, "Renamed Health Plan") in got
    assert [p for p, _ in got].count(claim.payer_id) == 1


def test_the_worklist_leaves_the_billed_visit_unread(billing):
    _aged(billing, 3)
    listed = list(worklist(billing.clinic.organisation))
    assert listed
    assert all("visit" in claim.get_deferred_fields() for claim in listed)
