"""The issue's fault test: a private PostgreSQL stopped for 20 s while 1,000 emails are sent to
`caredesk smtpd` by senders that retry on 4xx as a real MTA does.

    .venv/bin/python bench/smtp_outage.py [--emails 1000] [--outage 20] [--rate 30]

Prints one JSON document on stdout. Wanted: stored == stored_distinct == emails, duplicated 0,
permanent_refusals 0, malformed_answers empty. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.outage import run_outage


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--emails", type=int, default=1000)
    p.add_argument("--outage", type=float, default=20.0, help="seconds the database is down")
    p.add_argument("--after", type=int, default=300, help="accepted emails before the outage")
    p.add_argument("--senders", type=int, default=4, help="concurrent SMTP connections")
    p.add_argument("--rate", type=float, default=30.0, help="emails/s offered")
    p.add_argument("--retry", type=float, default=0.5, help="seconds a sender waits after 4xx")
    args = p.parse_args()
    result = run_outage(
        emails=args.emails,
        outage_seconds=args.outage,
        outage_after=args.after,
        senders=args.senders,
        rate=args.rate,
        retry=args.retry,
    )
    ok = (
        result["stored"] == result["stored_distinct"] == args.emails
        and result["permanent_refusals"] == 0
        and not result["malformed_answers"]
    )
    print(json.dumps({"ok": ok, **result}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
