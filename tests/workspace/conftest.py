"""A real browser for the workspace tests: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.conftest import need_service

CHROMIUM = "/usr/bin/chromium"

# Playwright's sync API keeps an event loop running in the test's thread, which Django takes
# for async code; the tests' own ORM calls are ordinary synchronous code all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    need_service("Chromium (Debian's chromium package)", os.path.exists(CHROMIUM))
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
