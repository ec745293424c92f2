"""Requests the test web server is answering right now, so a browser test's end can wait for
them: a page closing sends its last heartbeat as it goes, and on PostgreSQL that request could
otherwise meet the database being emptied for the next test (a deadlock)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_lock = threading.Lock()
_running = 0
_last_end = 0.0


def middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    def count(request: HttpRequest) -> HttpResponse:
        global _running, _last_end
        with _lock:
            _running += 1
        try:
            return get_response(request)
        finally:
            with _lock:
                _running -= 1
                _last_end = time.monotonic()

    return count


def wait_until_quiet(*, settle: float = 0.2, limit: float = 10.0) -> None:
    """Return once no request has been running for `settle` seconds (at most `limit`)."""
    give_up = time.monotonic() + limit
    started = time.monotonic()
    while time.monotonic() < give_up:
        with _lock:
            quiet_since = max(_last_end, started)
            if _running == 0 and time.monotonic() - quiet_since >= settle:
                return
        time.sleep(0.02)
