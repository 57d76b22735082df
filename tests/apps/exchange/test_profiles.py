"""Clearinghouse profiles: the setting seeds the default one, its identities override the
setting's, only the owner writes them, and an SFTP profile says what it lacks (ADR 0700)."""

from __future__ import annotations

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditAction, AuditEvent
from cleannote.apps.exchange.clearinghouse import OutboxFolderAdapter, filing_adapter
from cleannote.apps.exchange.errors import ExchangeError
from cleannote.apps.exchange.models import ClearinghouseProfile, Transport
from cleannote.apps.exchange.partners import edi_parties
from cleannote.apps.exchange.profile_actions import do_save_profile, ensure_default_profile

SFTP = {
    "name": "acme",
    "transport": Transport.SFTP,
    "host": "sftp.acme.example",
    "username": "riverside",
    "key_path": "/etc/cleannote/acme_ed25519",
    "host_key_fingerprint": "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
}


def _owner(clinic) -> Actor:
    return Actor(user=clinic.owner.user, organisation=clinic.organisation)


@pytest.mark.django_db
def test_the_setting_seeds_a_default_outbox_profile_that_keeps_following_it(clinic, settings):
    # given only the setting
    settings.CLEANNOTE_EDI = {"sender_id": "RIVERSIDE01", "receiver_id": "ACMECH"}
    # when the default profile is seeded
    profile = ensure_default_profile(clinic.organisation)
    # then it is the outbox, named default, and the parties are the setting's
    assert (profile.name, profile.is_default, profile.transport) == (
        "default",
        True,
        Transport.OUTBOX,
    )
    parties = edi_parties(clinic.organisation)
    assert (parties.submitter.id, parties.receiver.id, parties.receiver.name) == (
        "RIVERSIDE01",
        "ACMECH",
        "CLEARINGHOUSE",
    )
    assert ensure_default_profile(clinic.organisation) == profile
    assert isinstance(filing_adapter(clinic.organisation.pk), OutboxFolderAdapter)


@pytest.mark.django_db
def test_a_default_profiles_identities_override_the_setting(clinic, settings):
    settings.CLEANNOTE_EDI = {"sender_id": "RIVERSIDE01", "receiver_id": "ACMECH"}
    do_save_profile(
        _owner(clinic),
        None,
        {**SFTP, "is_default": True, "receiver_id": "ZIRMED", "receiver_name": "ZIRMED INC"},
    )
    parties = edi_parties(clinic.organisation)
    assert (parties.submitter.id, parties.receiver.id, parties.receiver.name) == (
        "RIVERSIDE01",
        "ZIRMED",
        "ZIRMED INC",
    )
    # and with an SFTP default, a request files nothing itself: the poll does
    assert filing_adapter(clinic.organisation.pk) is None


@pytest.mark.django_db
def test_one_default_at_a_time_and_each_save_is_audited(clinic):
    owner = _owner(clinic)
    first = do_save_profile(owner, None, {**SFTP, "is_default": True})
    second = do_save_profile(owner, None, {**SFTP, "name": "backup", "is_default": True})
    do_save_profile(owner, second, {"port": 2222})
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    audited = AuditEvent.objects.filter(object_type="clearinghouse_profile").order_by("id")
    assert [(e.action, e.object_id, e.actor_id) for e in audited] == [
        (AuditAction.CREATE, str(first.pk), clinic.owner.user_id),
        (AuditAction.CREATE, str(second.pk), clinic.owner.user_id),
        (AuditAction.UPDATE, str(second.pk), clinic.owner.user_id),
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"host": ""}, "host is required for SFTP"),
        ({"host_key_fingerprint": ""}, "host key fingerprint is required for SFTP"),
        ({"host_key_fingerprint": "ab:cd:ef"}, "must be SHA256:"),
        ({"key_path": ""}, "needs a key file path or a password variable name"),
    ],
)
@pytest.mark.django_db
def test_an_sftp_profile_says_what_it_lacks(clinic, change, problem):
    with pytest.raises(ExchangeError, match=problem):
        do_save_profile(_owner(clinic), None, {**SFTP, **change})
    assert not ClearinghouseProfile.objects.exists()


@pytest.mark.django_db
def test_only_the_owner_writes_profiles(clinic):
    biller = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    with pytest.raises(ExchangeError, match="only the owner"):
        do_save_profile(biller, None, SFTP)


@pytest.mark.django_db
def test_two_profiles_may_not_share_a_name(clinic):
    do_save_profile(_owner(clinic), None, SFTP)
    with pytest.raises(ExchangeError, match="another profile has this name"):
        do_save_profile(_owner(clinic), None, SFTP)
