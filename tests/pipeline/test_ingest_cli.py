"""`caredesk ingest`: the MTA pipe (exit codes an MTA understands) and importing history."""

from __future__ import annotations

import mailbox as stdlib_mailbox
import subprocess
import sys
from pathlib import Path

import pytest

from caredesk.inbound.models import InboundMessage, IntakeStatus
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.models import Message, Ticket
from tests.mail import make_email

pytestmark = pytest.mark.django_db(transaction=True)


def caredesk(
    env: dict[str, str], *args: str, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "caredesk.cli", *args],
        input=stdin,
        env=env,
        capture_output=True,
        timeout=120,
    )


def test_pipe_stores_and_exits_zero(mailbox: Mailbox, cli_env: dict[str, str]) -> None:
    raw = make_email(subject="via the MTA")
    done = caredesk(
        cli_env,
        "ingest",
        "--mailbox",
        "support@example.com",
        "--sender",
        "jane@example.net",
        stdin=raw,
    )
    assert done.returncode == 0, done.stderr
    row = InboundMessage.objects.get()
    assert bytes(row.raw) == raw
    assert row.source == "pipe"
    assert row.envelope_from == "jane@example.net"


def test_pipe_stores_malformed_mail_too(mailbox: Mailbox, cli_env: dict[str, str]) -> None:
    raw = b"\x00\xff garbage that is not an email at all \r\n\r\n\x80"
    done = caredesk(cli_env, "ingest", "--mailbox", "support@example.com", stdin=raw)
    assert done.returncode == 0, done.stderr
    assert bytes(InboundMessage.objects.get().raw) == raw


def test_pipe_exits_75_when_it_cannot_store(
    mailbox: Mailbox, cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = dict(cli_env, CAREDESK_DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    done = caredesk(env, "ingest", "--mailbox", "support@example.com", stdin=make_email())
    assert done.returncode == 75, done.stderr


def test_pipe_to_unknown_mailbox_asks_the_mta_to_retry(
    mailbox: Mailbox, cli_env: dict[str, str]
) -> None:
    done = caredesk(cli_env, "ingest", "--mailbox", "nope@example.com", stdin=make_email())
    assert done.returncode == 75
    assert b"no mailbox" in done.stderr


def _write_mbox(path: Path, messages: list[bytes]) -> None:
    box = stdlib_mailbox.mbox(path)
    for raw in messages:
        box.add(raw)
    box.flush()
    box.close()


def test_mbox_import_with_progress_and_summary_and_no_acknowledgements(
    mailbox: Mailbox, cli_env: dict[str, str], tmp_path: Path
) -> None:
    root = make_email(message_id="<r@example.net>", subject="Lost parcel")
    reply = make_email(
        message_id="<r2@example.net>", in_reply_to="<r@example.net>", subject="Re: Lost parcel"
    )
    other = make_email(sender="bob@example.org", subject="Invoice")
    # Re-importing the same file must not duplicate anything.
    _write_mbox(tmp_path / "history.mbox", [reply, root, other, root])
    done = caredesk(
        cli_env,
        "ingest",
        "--mailbox",
        "support@example.com",
        "--mbox",
        str(tmp_path / "history.mbox"),
    )
    assert done.returncode == 0, done.stderr
    assert b"4 stored" in done.stdout and b"1 ignored" in done.stdout
    assert b"4/4" in done.stderr  # the progress bar
    assert Ticket.objects.count() == 2
    assert Message.objects.count() == 3
    assert OutboundEmail.objects.count() == 0

    again = caredesk(
        cli_env,
        "ingest",
        "--mailbox",
        "support@example.com",
        "--no-progress",
        "--mbox",
        str(tmp_path / "history.mbox"),
    )
    assert again.returncode == 0
    assert Message.objects.count() == 3
    assert InboundMessage.objects.filter(status=IntakeStatus.IGNORED).count() == 5


def test_maildir_and_eml_import(mailbox: Mailbox, cli_env: dict[str, str], tmp_path: Path) -> None:
    box = stdlib_mailbox.Maildir(tmp_path / "Maildir", create=True)
    for n in range(3):
        box.add(make_email(sender=f"c{n}@example.org", subject=f"question {n}"))
    done = caredesk(
        cli_env,
        "ingest",
        "--mailbox",
        "support@example.com",
        "--maildir",
        str(tmp_path / "Maildir"),
    )
    assert done.returncode == 0, done.stderr
    (tmp_path / "one.eml").write_bytes(make_email(sender="d@example.org"))
    done = caredesk(
        cli_env, "ingest", "--mailbox", "support@example.com", str(tmp_path / "one.eml")
    )
    assert done.returncode == 0, done.stderr
    assert Ticket.objects.count() == 4


def test_import_of_a_missing_file_is_a_usage_error(
    mailbox: Mailbox, cli_env: dict[str, str]
) -> None:
    done = caredesk(cli_env, "ingest", "--mailbox", "support@example.com", "--mbox", "/nonexistent")
    assert done.returncode == 64
    assert b"does not exist" in done.stderr
