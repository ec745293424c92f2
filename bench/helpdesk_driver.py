"""Runs inside a throw-away django-helpdesk venv: turn a folder of .eml files into tickets.

Usage: python helpdesk_driver.py PROJECT_DIR EML_DIR. Prints one JSON object on stdout.

It runs django-helpdesk's own `get_email` management command on one queue of type "local"
reading EML_DIR: for each file, `extract_email_metadata(...)`, then the file is deleted once a
ticket or follow-up was made. Files come in os.listdir order, as `get_email` takes them. An
email that raises aborts `get_email` (that is how it behaves); the exception is reported and
the files left behind are counted as not processed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path


def main() -> int:
    project, eml_dir = Path(sys.argv[1]), Path(sys.argv[2])
    sys.path.insert(0, str(project))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_project.settings")
    import django

    django.setup()
    from django.core import mail
    from django.core.management import call_command
    from helpdesk.models import FollowUp, Queue, Ticket

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_s = time.monotonic() - started
    Queue.objects.create(
        title="Support",
        slug="support",
        email_address="support@example.com",
        allow_email_submission=True,
        email_box_type="local",
        email_box_local_dir=str(eml_dir),
        email_box_interval=0,
        logging_type="none",  # get_email's default: no log handlers
    )
    files = [p for p in eml_dir.iterdir() if p.is_file()]
    failures: Counter[str] = Counter()
    mail.outbox = []
    cpu_started = time.process_time()
    started = time.monotonic()
    try:
        call_command("get_email", quiet=True)
    except Exception as exc:  # get_email stops at the first email it cannot handle
        failures[type(exc).__name__] += 1
    elapsed = time.monotonic() - started
    cpu = time.process_time() - cpu_started
    # get_email deletes each file it made a ticket or follow-up of and leaves the rest.
    done = len(files) - sum(1 for p in eml_dir.iterdir() if p.is_file())
    print(
        json.dumps(
            {
                "messages": len(files),
                "processed": done,
                "failed": sum(failures.values()),
                "failures": dict(failures),
                "not_processed": len(files) - done,
                "seconds": round(elapsed, 3),
                "msgs_per_s": round(done / elapsed, 1) if elapsed else None,
                "cpu_seconds": round(cpu, 1),
                "cpu_ms_per_message": round(1000 * cpu / len(files), 2) if files else None,
                "tickets": Ticket.objects.count(),
                "followups": FollowUp.objects.count(),
                "emails_sent": len(mail.outbox),
                "migrate_seconds": round(migrate_s, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
