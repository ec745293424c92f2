"""Runs inside a throw-away django-helpdesk venv: turn a folder of .eml files into tickets.

Usage: python helpdesk_driver.py PROJECT_DIR EML_DIR. Prints one JSON object on stdout.

It does what django-helpdesk's `get_email` does for a queue of type "local"
(helpdesk.email.process_queue): read each file as text, `extract_email_metadata(...)`, delete
the file once a ticket or follow-up was made. The loop is ours only so that one message that
raises does not abort the rest of the run, as it would in `process_queue`; each failure is
counted with its exception type. Files are taken in name (corpus) order, not in os.listdir order.
"""

from __future__ import annotations

import json
import logging
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
    from django.utils import encoding
    from helpdesk.email import extract_email_metadata
    from helpdesk.exceptions import DeleteIgnoredTicketException, IgnoreTicketException
    from helpdesk.models import FollowUp, Queue, Ticket

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_s = time.monotonic() - started
    queue = Queue.objects.create(
        title="Support",
        slug="support",
        email_address="support@example.com",
        allow_email_submission=True,
        email_box_type="local",
        email_box_local_dir=str(eml_dir),
        email_box_interval=0,
        logging_type="none",
    )
    logger = logging.getLogger("django.helpdesk.queue.support")
    logger.handlers = []
    logger.propagate = False

    files = sorted(p for p in eml_dir.iterdir() if p.is_file())
    failures: Counter[str] = Counter()
    ignored = 0
    not_processed = 0
    mail.outbox = []
    cpu_started = time.process_time()
    started = time.monotonic()
    for path in files:
        try:
            with open(path) as f:
                full_message = encoding.force_str(f.read(), errors="replace")
            ticket = extract_email_metadata(message=full_message, queue=queue, logger=logger)
        except (IgnoreTicketException, DeleteIgnoredTicketException):
            ignored += 1
            continue
        except Exception as exc:
            failures[type(exc).__name__] += 1
            continue
        if ticket:
            os.unlink(path)
        else:
            not_processed += 1
    elapsed = time.monotonic() - started
    cpu = time.process_time() - cpu_started

    done = len(files) - sum(failures.values()) - ignored - not_processed
    print(
        json.dumps(
            {
                "messages": len(files),
                "processed": done,
                "failed": sum(failures.values()),
                "failures": dict(failures),
                "ignored": ignored,
                "not_processed": not_processed,
                "seconds": round(elapsed, 3),
                "msgs_per_s": round(len(files) / elapsed, 1) if elapsed else None,
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
