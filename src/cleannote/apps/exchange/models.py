"""What the exchange with clearinghouses keeps: the control numbers each sender id used."""

from __future__ import annotations

from django.db import models

from cleannote.apps.organisations.models import Organisation


class ControlNumberCounter(models.Model):
    """The last X12 control number used by one sender id of one organisation.

    Allocation locks this row (SELECT ... FOR UPDATE; SQLite's BEGIN IMMEDIATE serialises the
    same way), so two workers never get the same number and a number is never reused (ADR 0112).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="control_counters"
    )
    sender_id = models.CharField(max_length=80)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        # The table kept its name when the model moved from claims (ADR 0402): no row is copied.
        db_table = "claims_controlnumbercounter"
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "sender_id"], name="control_counter_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.sender_id}: {self.last}"


class Transport(models.TextChoices):
    OUTBOX = "outbox", "Outbox folder (another program carries the files)"
    SFTP = "sftp", "SFTP"


class AfterDownload(models.TextChoices):
    KEEP = "keep", "Leave it on the server"
    ARCHIVE = "archive", "Move it to the archive folder"
    DELETE = "delete", "Delete it"


class ResponseKind(models.TextChoices):
    """What a downloaded file holds, from its GS08/ST01 (`cleannote.edi.transactions`)."""

    ACK_999 = "999", "999 acknowledgment"
    CLAIM_ACK_277CA = "277CA", "277CA claim acknowledgment"
    ELIGIBILITY_271 = "271", "271 eligibility answer"
    REMITTANCE_835 = "835", "835 remittance"
    OTHER = "other", "Not a response we read"


class ClearinghouseProfile(models.Model):
    """How one organisation talks to one clearinghouse (ADR 0700).

    Secrets are never stored: `password_env` names the environment variable that holds the
    password, `key_path` is the path of a private key file readable by the server process. The
    server's host key is pinned by its SHA256 fingerprint (as `ssh-keygen -lf` prints it); an
    unknown or changed key is refused. The partner identities (sender id, receiver id and name)
    left blank fall back to the `CLEANNOTE_EDI` setting, which seeds the default profile.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="clearinghouse_profiles"
    )
    name = models.CharField(max_length=60)
    is_default = models.BooleanField(
        default=False, help_text="the profile new batches and 270 requests are filed with"
    )
    active = models.BooleanField(default=True, help_text="polled by cleannote_exchange_poll")
    transport = models.CharField(max_length=6, choices=Transport.choices, default=Transport.OUTBOX)
    host = models.CharField(max_length=255, blank=True)
    port = models.PositiveIntegerField(default=22)
    username = models.CharField(max_length=100, blank=True)
    key_path = models.CharField(
        max_length=500, blank=True, help_text="path of the private key file on this server"
    )
    password_env = models.CharField(
        max_length=100,
        blank=True,
        help_text="name of the environment variable holding the password (never the password)",
    )
    host_key_fingerprint = models.CharField(
        max_length=100, blank=True, help_text="SHA256:… as ssh-keygen -lf prints it"
    )
    upload_dir = models.CharField(max_length=300, blank=True, default="inbound")
    download_dir = models.CharField(max_length=300, blank=True, default="outbound")
    archive_dir = models.CharField(max_length=300, blank=True, default="outbound/archive")
    upload_name_pattern = models.CharField(
        max_length=120,
        default="{name}",
        help_text="the uploaded file's name: {name}, {stem}, {suffix}, {date} (YYYYMMDD)",
    )
    take_999 = models.BooleanField(default=True)
    take_277ca = models.BooleanField(default=True)
    take_271 = models.BooleanField(default=True)
    take_835 = models.BooleanField(default=True)
    after_download = models.CharField(
        max_length=7, choices=AfterDownload.choices, default=AfterDownload.ARCHIVE
    )
    settle_seconds = models.PositiveIntegerField(
        default=120,
        help_text="a file is fetched only once it has not changed for this long (ADR 0701)",
    )
    sender_id = models.CharField(max_length=80, blank=True)
    receiver_id = models.CharField(max_length=80, blank=True)
    receiver_name = models.CharField(max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("organisation_id", "-is_default", "name")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "name"], name="clearinghouse_profile_name_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(is_default=True),
                name="clearinghouse_profile_one_default",
            ),
        )

    def __str__(self) -> str:
        return self.name

    def takes(self, kind: str) -> bool:
        """Whether downloaded files of this kind are imported (the others are kept, unread)."""
        return {
            ResponseKind.ACK_999: self.take_999,
            ResponseKind.CLAIM_ACK_277CA: self.take_277ca,
            ResponseKind.ELIGIBILITY_271: self.take_271,
            ResponseKind.REMITTANCE_835: self.take_835,
        }.get(ResponseKind(kind), False)


class ReceivedState(models.TextChoices):
    NEW = "new", "Waiting to be imported"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Import refused"
    SKIPPED = "skipped", "Kept, not imported"


class ReceivedFile(models.Model):
    """One file downloaded from a clearinghouse: never imported twice (ADR 0701).

    Unique per profile, name and sha256: the same file listed again is recognised before it is
    fetched (name, size and modification time) and, if fetched, refused by the constraint.
    """

    profile = models.ForeignKey(
        ClearinghouseProfile, on_delete=models.PROTECT, related_name="received_files"
    )
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    remote_mtime = models.PositiveBigIntegerField(help_text="the server's modification time")
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=5, choices=ResponseKind.choices)
    content = models.TextField(help_text="the file as received (X12 is ASCII; kept as Latin-1)")
    downloaded_at = models.DateTimeField()
    state = models.CharField(max_length=8, choices=ReceivedState.choices)
    imported_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)
    disposed = models.BooleanField(
        default=False, help_text="archived or deleted on the server as the profile says"
    )

    class Meta:
        ordering = ("-downloaded_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["profile", "name", "sha256"], name="received_file_once"
            ),
        )

    def __str__(self) -> str:
        return self.name


class PayerRoute(models.Model):
    """The clearinghouse one payer's claims go through, when not the default one (ADR 0707).

    A payer without a route goes through the organisation's default profile; the route lives
    here, not on the payer, because the payer directory sits below the exchange.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="payer_routes"
    )
    payer = models.OneToOneField(
        "payers.Payer", on_delete=models.CASCADE, related_name="clearinghouse_route"
    )
    profile = models.ForeignKey(
        ClearinghouseProfile, on_delete=models.PROTECT, related_name="payer_routes"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("organisation_id", "payer_id")

    def __str__(self) -> str:
        return f"payer {self.payer_id} via {self.profile_id}"
