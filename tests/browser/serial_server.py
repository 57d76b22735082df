"""The browser tests' live server runs the application for one request at a time.

On SQLite the test database lives in memory with a shared cache: each request thread opens its
own connection to it, and a shared cache locks whole tables and answers a conflicting lock with
"database table is locked" at once, without waiting for the busy timeout a file database
honours. A page that fires several requests together (the note editor loads its supplies, home
program and scrub panels on load) then fails now and then with a 500 in one of its panels. The
server's threads hold their connections open past the failure, and later tests in the run were
seen to fail on the state left behind (a task queued outside any transaction waited for a commit
that never came).

The browser still opens connections in parallel and keeps them alive; only the application
call, with the response body read to its end and closed (the signals that run on close touch
the database too), is held to one at a time. A clinic's server is never built this way: this is
the test server only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.core.servers.basehttp import ThreadedWSGIServer

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


# One for the process: the per-test page fixture takes it after closing the browser, so a
# request still in flight (an autosave fired as the test ended) finishes before the test's
# database is emptied.
APPLICATION_LOCK = threading.Lock()


def wait_until_idle() -> None:
    """Returns once no request is inside the application."""
    with APPLICATION_LOCK:
        pass


class _OneAtATime:
    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with APPLICATION_LOCK:
            response = self.app(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()
        return [body]


class SerialApplicationServer(ThreadedWSGIServer):
    """A threaded server (parallel connections, keep-alive) whose application answers one
    request at a time."""

    def set_app(self, application: WsgiApp) -> None:
        super().set_app(_OneAtATime(application))
