"""Database sessions that skip the write when a request changed nothing worth writing.

`SESSION_SAVE_EVERY_REQUEST` keeps the server-side expiry sliding with activity (ADR 0071), but
done literally it costs a committed UPDATE on every request, and the note page posts itself
while the therapist types. The expiry only has to slide far enough to honour the idle rule, so
a session whose data is unchanged and that was written less than
`CLEANNOTE_SESSION_REFRESH_SECONDS` ago is left as it is (each write stamps its time in the
session). The idle middleware refreshes its last-seen mark on the same interval, so both clocks
run at most that far behind the last request and a session never outlives the idle timeout (it
may end up to one interval early). A signed-in session gets its last-seen mark on its first
write, at sign-in, so the first page after signing in has nothing to write either (ADR 0140).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

LAST_SEEN_KEY = "cleannote_last_seen"
# When the row was last written, which is when its stored expiry was last pushed forward.
WRITTEN_KEY = "cleannote_session_written"


def refresh_interval() -> dt.timedelta:
    """How stale a session's stored expiry or last-seen mark may grow before it is rewritten."""
    return dt.timedelta(seconds=settings.CLEANNOTE_SESSION_REFRESH_SECONDS)


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        # A new key (sign-in cycles one) is always written; the stamps go on the write that
        # follows, once the sign-in has put the user in the session.
        if not must_create:
            now = timezone.now()
            written = self.get(WRITTEN_KEY)
            if (
                not self.modified
                and written is not None
                and now - dt.datetime.fromisoformat(written) < refresh_interval()
            ):
                return
            if SESSION_KEY in self:
                self.setdefault(LAST_SEEN_KEY, now.isoformat())
            self[WRITTEN_KEY] = now.isoformat()
        super().save(must_create=must_create)
