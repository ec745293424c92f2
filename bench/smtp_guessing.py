"""Address guessing against `caredesk smtpd` with its default limits: how many unknown
recipients one client gets answered, and whether an honest client next to it is slowed.

    .venv/bin/python bench/smtp_guessing.py [--seconds 30] [--rcpts 2000]

The attacker sends RCPTs to unknown addresses from 127.0.0.1, reconnecting whenever it is
closed; the honest client sends one email with one typo from 127.0.0.2. Runs on a throw-away
SQLite home. Prints one JSON document on stdout. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import smtplib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.outage import Smtpd


def attack(port: int, *, seconds: float, rcpts: int) -> dict[str, Any]:
    answered = closed = 0
    first_session: dict[str, float] = {}
    client: smtplib.SMTP | None = None
    started = time.monotonic()
    while answered < rcpts and time.monotonic() - started < seconds:
        if client is None:
            client = smtplib.SMTP("127.0.0.1", port, timeout=30)
            client.ehlo()
            client.mail("guess@example.net")
        code, _ = client.rcpt(f"guess{answered}@example.com")
        answered += 1
        if code == 421:
            closed += 1
            client.close()
            client = None
            if not first_session:
                first_session = {"rcpts": answered, "seconds": time.monotonic() - started}
    elapsed = time.monotonic() - started
    return {
        "rcpts_answered": answered,
        "seconds": round(elapsed, 2),
        "rcpts_per_s": round(answered / elapsed, 2),
        "closed_with_421": closed,
        "first_session": {k: round(v, 2) for k, v in first_session.items()},
    }


def honest(port: int) -> dict[str, Any]:
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", port, source_address=("127.0.0.2", 0)) as client:
        refused = client.sendmail(
            "jane@example.net",
            ["support@example.com", "suport@example.com"],
            b"From: jane@example.net\r\nSubject: hi\r\n\r\nhi\r\n",
        )
    return {"seconds": round(time.monotonic() - started, 3), "refused": sorted(refused)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--seconds", type=float, default=30.0, help="how long the attacker tries")
    p.add_argument("--rcpts", type=int, default=2000, help="unknown recipients it tries at most")
    args = p.parse_args()
    home = tempfile.mkdtemp(prefix="caredesk-guessing-")
    smtpd = Smtpd(f"sqlite:///{home}/caredesk.sqlite3")
    try:
        smtpd.start()
        result = {
            "attacker": attack(smtpd.port, seconds=args.seconds, rcpts=args.rcpts),
            "honest_client": honest(smtpd.port),
        }
    finally:
        smtpd.close()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
