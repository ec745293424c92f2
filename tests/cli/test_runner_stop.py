"""How `caredesk run` stops its parts when one of them does not stop at once."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from caredesk import runner

STUBBORN = "import signal, time; signal.signal(signal.SIGINT, lambda *a: None); time.sleep(60)"
QUICK = "import time; time.sleep(60)"


def _part(code: str) -> subprocess.Popen[bytes]:
    part = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE)
    time.sleep(0.3)  # let it install its handler
    return part


def test_a_part_that_does_not_stop_is_waited_for_then_killed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "STOP_GRACE_SECONDS", 2.0)
    children = {"smtpd": _part(QUICK), "worker": _part(STUBBORN)}
    started = time.monotonic()
    runner._stop(children, hurry=threading.Event())
    took = time.monotonic() - started
    out = capsys.readouterr().out
    assert "caredesk: stopping the SMTP intake, the worker" in out
    assert "caredesk: SMTP intake stopped" in out
    assert "waiting for the worker to stop (the worker finishes the jobs it is running)" in out
    assert "caredesk: worker killed" in out
    assert 2.0 < took < 4.0
    assert all(child.poll() is not None for child in children.values())


def test_a_second_ctrl_c_stops_at_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    children = {"worker": _part(STUBBORN)}
    hurry = threading.Event()
    threading.Timer(0.5, hurry.set).start()
    started = time.monotonic()
    runner._stop(children, hurry=hurry)
    assert time.monotonic() - started < 2.0
    assert "caredesk: worker killed" in capsys.readouterr().out
