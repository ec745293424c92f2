"""The SMTP intake server over real sockets: refuse early, answer 250 only once stored."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from concurrent.futures import Future

import pytest
from pytest_django import Settings

from caredesk.inbound.models import InboundMessage, IntakeStatus
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from tests.conftest import ticket_of, wait_until
from tests.mail import SmtpSink, make_email, mid

pytestmark = pytest.mark.django_db(transaction=True)


def test_email_over_smtp_becomes_ticket_and_acknowledgement_reaches_relay(
    mailbox: Mailbox, smtp_intake: tuple[str, int], relay: SmtpSink
) -> None:
    raw = make_email(subject="Refund please")
    with smtplib.SMTP(*smtp_intake) as client:
        refused = client.sendmail("jane@example.net", ["support@example.com"], raw)
    assert refused == {}
    row = InboundMessage.objects.get()
    assert bytes(row.raw) == raw
    assert row.envelope_from == "jane@example.net"
    assert row.envelope_to == ["support@example.com"]
    assert row.source == "smtp"
    (ack,) = relay.wait_for(1)
    assert ack.message["In-Reply-To"] == f"<{mid(raw)}>"
    assert wait_until(lambda: Ticket.objects.exists())
    ticket = Ticket.objects.get()
    assert ticket.subject == "Refund please"
    row.refresh_from_db()
    assert row.status == IntakeStatus.PROCESSED


def test_unknown_recipient_is_refused_at_rcpt(
    mailbox: Mailbox, smtp_intake: tuple[str, int]
) -> None:
    with smtplib.SMTP(*smtp_intake) as client:
        client.ehlo()
        client.mail("jane@example.net")
        code, reply = client.rcpt("nobody@example.com")
        assert code == 550
        assert b"No such mailbox" in reply
        code, _ = client.rcpt("support+anything@example.com")
        assert code == 250
    assert InboundMessage.objects.count() == 0


def test_partly_unknown_recipients_keep_the_known_one(
    mailbox: Mailbox, smtp_intake: tuple[str, int]
) -> None:
    with smtplib.SMTP(*smtp_intake) as client:
        refused = client.sendmail(
            "jane@example.net", ["support@example.com", "ghost@example.com"], make_email()
        )
    assert set(refused) == {"ghost@example.com"}
    assert InboundMessage.objects.get().envelope_to == ["support@example.com"]


def test_oversize_mail_is_refused_with_552(
    mailbox: Mailbox, smtp_intake: tuple[str, int], settings: Settings
) -> None:
    from caredesk.inbound.sources.smtp import IntakeController
    from tests.conftest import free_port

    settings.CAREDESK_MAX_MESSAGE_SIZE = 10_000
    port = free_port()
    small = IntakeController("127.0.0.1", port)
    small.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as client:
            with pytest.raises(smtplib.SMTPResponseException) as refused:
                client.sendmail(
                    "jane@example.net", ["support@example.com"], make_email(body="x" * 20_000)
                )
            assert refused.value.smtp_code == 552
    finally:
        small.stop()
    assert InboundMessage.objects.count() == 0


def test_storage_failure_answers_451_so_the_sender_retries(
    mailbox: Mailbox, smtp_intake: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import caredesk.inbound.sources.smtp_store as smtp_source

    def broken(arrivals: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(smtp_source, "inbound_receive_many", broken)
    with smtplib.SMTP(*smtp_intake) as client, pytest.raises(smtplib.SMTPDataError) as failed:
        client.sendmail("jane@example.net", ["support@example.com"], make_email())
    assert failed.value.smtp_code == 451
    assert InboundMessage.objects.count() == 0


def test_eight_bit_and_smtputf8_mail_is_stored_byte_for_byte(
    mailbox: Mailbox, smtp_intake: tuple[str, int]
) -> None:
    raw = (
        "From: Zoë <zoë@example.net>\r\nTo: support@example.com\r\n"
        "Subject: Überweisung fehlgeschlagen\r\nMessage-ID: <8bit@example.net>\r\n\r\n"
        "Grüße aus Köln\r\n"
    ).encode()
    with smtplib.SMTP(*smtp_intake) as client:
        client.sendmail("zoë@example.net", ["support@example.com"], raw, mail_options=["SMTPUTF8"])
    row = InboundMessage.objects.get()
    assert bytes(row.raw).replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
    assert wait_until(lambda: InboundMessage.objects.get().ticket_id is not None)
    row.refresh_from_db()
    assert ticket_of(row).subject == "Überweisung fehlgeschlagen"


def test_large_attachment_over_smtp_is_stored_whole(
    mailbox: Mailbox, smtp_intake: tuple[str, int]
) -> None:
    from email.message import EmailMessage

    from caredesk.tickets.models import Attachment

    payload = bytes(range(256)) * (20 * 1024)  # 5 MiB, every byte value
    msg = EmailMessage()
    msg["From"] = "Jane <jane@example.net>"
    msg["To"] = "support@example.com"
    msg["Subject"] = "Screen recording of the bug"
    msg["Message-ID"] = "<big-1@example.net>"
    msg.set_content("The recording is attached.")
    msg.add_attachment(payload, maintype="video", subtype="mp4", filename="recording.mp4")
    with smtplib.SMTP(*smtp_intake) as client:
        client.send_message(msg)
    assert wait_until(lambda: Attachment.objects.exists(), timeout=30)
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.content_type) == ("recording.mp4", "video/mp4")
    assert attachment.size == len(payload)
    assert attachment.file.read() == payload


def test_a_group_commit_that_fails_stores_the_others_alone(
    mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Emails waiting together are committed together; one the database refuses does not take
    the others down with it."""
    import caredesk.inbound.sources.smtp_store as smtp_source
    from caredesk.inbound.receive import Arrival, inbound_receive_many

    def picky(arrivals: Sequence[Arrival]) -> list[InboundMessage]:
        if any(b"poison" in a.raw for a in arrivals):
            raise ValueError("refused")
        return inbound_receive_many(arrivals)

    monkeypatch.setattr(smtp_source, "inbound_receive_many", picky)
    storage = smtp_source.GroupCommit()
    try:
        group: list[tuple[list[Arrival], Future[list[int]]]] = []
        for subject in ("one", "poison", "three"):
            arrivals = [Arrival(make_email(subject=subject), mailbox.pk, "smtp")]
            group.append((arrivals, Future()))
        storage._store(group)  # as the storage thread does with emails that waited together
    finally:
        storage.close()
    assert isinstance(group[1][1].exception(), ValueError)
    stored = [group[0][1].result(), group[2][1].result()]
    assert [len(ids) for ids in stored] == [1, 1]
    rows = InboundMessage.objects.filter(pk__in=[i for ids in stored for i in ids])
    assert sorted(bytes(r.raw).split(b"Subject: ")[1][:5] for r in rows) == [b"one\r\n", b"three"]


def test_any_failure_of_ours_is_a_one_line_451_without_its_text(
    mailbox: Mailbox, smtp_intake: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiosmtpd answered '500 Error: (OperationalError) connection failed: ...': permanent, the
    driver's words, and a newline that made the client read the rest as its next answer."""
    import caredesk.inbound.sources.smtp as smtp_source

    def broken(address: str, known: object = None) -> None:
        raise RuntimeError('connection to server at "10.0.0.5", port 5432 failed\nsecond line')

    monkeypatch.setattr(smtp_source, "recipient_resolve", broken)
    with smtplib.SMTP(*smtp_intake) as client:
        client.ehlo()
        client.mail("jane@example.net")
        code, reply = client.rcpt("support@example.com")
        assert code == 451 and reply.startswith(b"4.3.0 ")
        assert b"10.0.0.5" not in reply and b"\n" not in reply
        assert client.noop() == (250, b"OK")  # the next answer is the next command's


def test_a_failure_outside_our_hooks_is_a_451_too(mailbox: Mailbox) -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from caredesk.inbound.sources.smtp import IntakeHandler

    handler = IntakeHandler(threads=1)
    try:
        # In a thread of its own: a browser test earlier in the run leaves Playwright's event
        # loop running in this one, and asyncio.run refuses to start inside it.
        with ThreadPoolExecutor(1) as pool:
            status = pool.submit(
                asyncio.run, handler.handle_exception(ValueError("boom\n500 looks final"))
            ).result()
    finally:
        handler.close()
    assert status == "451 4.3.0 Local error, please try again later"
