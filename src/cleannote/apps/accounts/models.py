"""Failed sign-ins per username, kept in the database so every web process sees the same count."""

from __future__ import annotations

from django.db import models


class LoginThrottle(models.Model):
    # Keyed by the lower-cased username typed, whether or not such a user exists, so a
    # locked-out answer never tells an attacker which usernames are real.
    username_key = models.CharField(max_length=150, unique=True)
    failures = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"throttle #{self.pk}"
