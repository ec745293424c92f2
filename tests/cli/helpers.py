"""Running the real `caredesk` command in a subprocess, from a folder of the test's choosing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CAREDESK = [sys.executable, "-m", "caredesk.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment a new user has: no CAREDESK_* variable from the test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["CAREDESK_LOG_LEVEL"] = "WARNING"
    # The checkout, so that `-m caredesk.cli` imports this tree whatever the folder.
    env["PYTHONPATH"] = str(Path(__file__).parents[2])
    env.update(extra)
    return env


def caredesk(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CAREDESK, *args],
        cwd=cwd,
        env=env if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
