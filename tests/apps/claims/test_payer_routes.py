"""Per-payer clearinghouse routes (ADR 0707): a payer goes through its route's profile or the
default; batches are built per route and payer, carry their profile's sender and receiver
ids, and are filed through it (an SFTP route by the poll, against a real server)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.actions import do_build_batch
from cleannote.apps.claims.batching import do_build_batches
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Batch, Claim, ClaimStatus
from cleannote.apps.claims.tasks import file_built_batches
from cleannote.apps.exchange.errors import ExchangeError
from cleannote.apps.exchange.models import ClearinghouseProfile, PayerRoute, Transport
from cleannote.apps.exchange.routes import do_set_route, route_for
from cleannote.apps.patients.models import Coverage
from cleannote.apps.payers.models import Payer
from tests.apps.claims.test_batches_by_payer import _ready
from tests.apps.exchange.sftp_server import USER, SftpServer, serve
from tests.edi.pyx12_check import pyx12_errors
from tests.personas import client_for


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SftpServer]:
    yield from serve(tmp_path)


def _profile(organisation, name: str, **fields) -> ClearinghouseProfile:
    return ClearinghouseProfile.objects.create(organisation=organisation, name=name, **fields)


def _medicare(billing) -> Payer:
    record = Coverage.objects.get(pk=billing.clinic.patient.coverages.get().pk).payer_record
    assert record is not None
    return record


def _commercial(billing) -> Coverage:
    payer = Payer.objects.create(
        organisation=billing.clinic.organisation, name="Lakeshore Mutual",
        claims_payer_id="LSM01", kind="commercial",
    )  # fmt: skip
    return Coverage.objects.create(
        patient=billing.clinic.patient, priority="secondary", payer_name="Lakeshore Mutual",
        payer_id="LSM01", kind="commercial", member_id="LSM998877",
        active_from=dt.date(2025, 1, 1), payer_record=payer,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (None, "default"),  # no route: the default profile
        ("mac-direct", "mac-direct"),  # a route: its profile
        ("paused", ExchangeError),  # a route to a paused profile refuses
    ],
)
def test_route_for_a_payer(billing, route, expected):
    organisation = billing.clinic.organisation
    _profile(organisation, "default", is_default=True)
    _profile(organisation, "mac-direct")
    paused = _profile(organisation, "paused")
    payer = _medicare(billing)
    if route is not None:
        PayerRoute.objects.create(
            organisation=organisation,
            payer=payer,
            profile=ClearinghouseProfile.objects.get(organisation=organisation, name=route),
        )
    ClearinghouseProfile.objects.filter(pk=paused.pk).update(active=False)
    if expected is ExchangeError:
        with pytest.raises(
            ExchangeError, match=r"paused; choose another route on /exchange/routes/"
        ):
            route_for(organisation, payer)
    else:
        assert route_for(organisation, payer).name == expected


def test_no_profile_at_all_routes_to_the_setting(billing):
    assert route_for(billing.clinic.organisation, _medicare(billing)) is None


def test_batches_split_by_route_carry_their_profiles_ids(billing):
    # given Medicare routed to a MAC direct connection and a commercial payer on the default
    organisation = billing.clinic.organisation
    _profile(organisation, "acme", is_default=True, sender_id="ACMESUB", receiver_id="ACMEREC")
    mac = _profile(organisation, "mac-direct", sender_id="MACSUB01", receiver_id="MACREC01",
                   receiver_name="NGS MAC")  # fmt: skip
    do_set_route(billing.actor, _medicare(billing), mac)
    commercial = _commercial(billing)
    medicare = [_ready(billing, d) for d in (4, 5)]
    lakeshore = [_ready(billing, d, commercial) for d in (6, 7)]
    # when the biller batches all four
    outcome = do_build_batches(billing.actor, [c.pk for c in medicare + lakeshore])
    # then one batch per route and payer, each with its profile's ISA/GS ids, each valid
    assert outcome.skipped == {}
    got = sorted(
        (b.profile.name, b.sender_id, b.receiver_id, sorted(b.entries.values_list("claim_id",
                                                                                  flat=True)))
        for b in outcome.batches
    )  # fmt: skip
    assert got == [
        ("acme", "ACMESUB", "ACMEREC", sorted(c.pk for c in lakeshore)),
        ("mac-direct", "MACSUB01", "MACREC01", sorted(c.pk for c in medicare)),
    ]
    for batch in outcome.batches:
        isa = batch.content.split("~")[0].split("*")
        assert (isa[6].strip(), isa[8].strip()) == (batch.sender_id, batch.receiver_id)
        assert pyx12_errors(batch.content.encode("ascii")) == []


def test_one_batch_of_claims_on_two_routes_is_refused(billing):
    organisation = billing.clinic.organisation
    _profile(organisation, "acme", is_default=True)
    do_set_route(billing.actor, _medicare(billing), _profile(organisation, "mac-direct"))
    claims = [_ready(billing, 4), _ready(billing, 5, _commercial(billing))]
    with pytest.raises(ClaimError, match=r"different clearinghouses \(acme, mac-direct\)"):
        do_build_batch(billing.actor, [c.pk for c in claims])
    assert Batch.objects.count() == 0


def test_a_payer_routed_to_a_paused_profile_is_left_out_saying_where_to_fix_it(billing):
    organisation = billing.clinic.organisation
    _profile(organisation, "acme", is_default=True)
    mac = _profile(organisation, "mac-direct")
    do_set_route(billing.actor, _medicare(billing), mac)
    ClearinghouseProfile.objects.filter(pk=mac.pk).update(active=False)
    medicare = _ready(billing, 4)
    lakeshore = _ready(billing, 5, _commercial(billing))
    outcome = do_build_batches(billing.actor, [medicare.pk, lakeshore.pk])
    assert outcome.batched == [lakeshore.pk]
    assert outcome.skipped == {
        medicare.pk: "payer Medicare: routed to clearinghouse mac-direct, which is paused; "
        "choose another route on /exchange/routes/ or resume the profile"
    }
    assert Claim.objects.get(pk=medicare.pk).status == ClaimStatus.READY


def test_each_batch_is_filed_through_its_own_profile(billing, server, settings):
    # given the default writing to the outbox and Medicare routed to an SFTP clearinghouse
    organisation = billing.clinic.organisation
    default = _profile(organisation, "acme", is_default=True)
    sftp = _profile(
        organisation, "mac-direct", transport=Transport.SFTP, host=server.host, port=server.port,
        username=USER, key_path=str(server.key_path), host_key_fingerprint=server.fingerprint,
        upload_dir="inbound", download_dir="outbound",
    )  # fmt: skip
    do_set_route(billing.actor, _medicare(billing), sftp)
    medicare = _ready(billing, 4)
    lakeshore = _ready(billing, 5, _commercial(billing))
    outcome = do_build_batches(billing.actor, [medicare.pk, lakeshore.pk])
    # when the worklist files what it built
    file_built_batches(billing.actor, outcome.batches)
    by_profile = {b.profile_id: Batch.objects.get(pk=b.pk) for b in outcome.batches}
    # then the default's batch is in the outbox now, and the SFTP one waits for the poll
    outbox = by_profile[default.pk]
    assert outbox.filed_at is not None
    assert (Path(settings.CLEANNOTE_OUTBOX_DIR) / outbox.file_name).exists()
    waiting = by_profile[sftp.pk]
    assert waiting.filed_at is None
    # when the poll runs, then only the routed batch goes up to the SFTP server, once
    call_command("cleannote_exchange_poll", stdout=StringIO(), stderr=StringIO())
    call_command("cleannote_exchange_poll", stdout=StringIO(), stderr=StringIO())
    waiting.refresh_from_db()
    assert [p.name for p in (server.root / "inbound").iterdir()] == [waiting.file_name]
    assert waiting.receipt == f"sftp://127.0.0.1/inbound/{waiting.file_name}"
    assert not (Path(settings.CLEANNOTE_OUTBOX_DIR) / waiting.file_name).exists()


def test_the_routes_page_lists_payers_and_changes_a_route_audited(billing):
    organisation = billing.clinic.organisation
    _profile(organisation, "acme", is_default=True)
    mac = _profile(organisation, "mac-direct")
    paused = _profile(organisation, "old-house", active=False)
    payer = _medicare(billing)
    client = client_for(billing.clinic.biller)
    page = client.get("/exchange/routes/")
    assert page.status_code == 200
    assert b"Medicare" in page.content
    assert b"default (acme)" in page.content
    # when the biller routes Medicare to the MAC connection
    response = client.post("/exchange/routes/", {"payer": payer.pk, "profile": mac.pk}, follow=True)
    assert b"Medicare now goes through the mac-direct clearinghouse." in response.content
    assert PayerRoute.objects.get(payer=payer).profile == mac
    assert (
        AuditEvent.objects.filter(object_type="payer_route", object_id=str(payer.pk)).count() == 1
    )
    # a paused profile is refused, saying which payer and why; the route stays
    refused = client.post(
        "/exchange/routes/", {"payer": payer.pk, "profile": paused.pk}, follow=True
    )
    assert (
        b"Not changed: payer Medicare: clearinghouse old-house is paused; resume it before "
        b"routing to it." in refused.content
    )
    assert PayerRoute.objects.get(payer=payer).profile == mac
    # back to the default removes the route
    client.post("/exchange/routes/", {"payer": payer.pk, "profile": ""})
    assert not PayerRoute.objects.filter(payer=payer).exists()
    # a therapist may not route payers; another organisation's payer is not found
    assert client_for(billing.clinic.therapist).get("/exchange/routes/").status_code == 403
    other = Payer.objects.exclude(organisation=organisation).first()
    if other is not None:
        assert client.post("/exchange/routes/", {"payer": other.pk}).status_code == 404
    assert client.post("/exchange/routes/", {"payer": 999_999}).status_code == 404


def test_the_batch_list_shows_each_batchs_clearinghouse(billing):
    _profile(billing.clinic.organisation, "acme", is_default=True, sender_id="ACMESUB")
    do_build_batches(billing.actor, [_ready(billing, 4).pk])
    page = client_for(billing.clinic.biller).get("/claims/batches/")
    assert page.status_code == 200
    assert b"acme" in page.content
    assert b"ACMESUB" in page.content
    assert b'href="/exchange/routes/"' in page.content


def test_the_worklist_shows_a_routed_payers_clearinghouse(billing):
    organisation = billing.clinic.organisation
    _profile(organisation, "acme", is_default=True)
    do_set_route(billing.actor, _medicare(billing), _profile(organisation, "mac-direct"))
    _ready(billing, 4)
    _ready(billing, 5, _commercial(billing))
    page = client_for(billing.clinic.biller).get("/claims/")
    assert page.status_code == 200
    assert page.content.count(b"via mac-direct") == 1
