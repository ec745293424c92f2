"""An SMTP relay sink on loopback that notes when each email was accepted and what it answers."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Received:
    accepted_at: float  # time.monotonic() just before answering 250
    in_reply_to: str  # without angle brackets
    auto_submitted: str
    rcpt_to: tuple[str, ...]
    size: int


class _Sink:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.by_parent: dict[str, float] = {}
        self._parser = BytesHeaderParser(policy=compat32)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        headers = self._parser.parsebytes(raw)
        parent = str(headers.get("In-Reply-To", "")).strip().strip("<>")
        record = Received(
            accepted_at=time.monotonic(),
            in_reply_to=parent,
            auto_submitted=str(headers.get("Auto-Submitted", "")),
            rcpt_to=tuple(envelope.rcpt_tos),
            size=len(raw),
        )
        with self.lock:
            self.received.append(record)
            if parent:
                self.by_parent.setdefault(parent, record.accepted_at)
        return "250 2.0.0 Accepted"


class RelaySink:
    """Start with `start()`, read `by_parent`/`count()`, stop with `stop()` (idempotent)."""

    def __init__(self) -> None:
        self.sink = _Sink()
        self.port = 0
        self._controller: Controller | None = None

    def start(self) -> None:
        last: Exception | None = None
        for _ in range(5):
            self.port = free_port()
            controller = Controller(
                self.sink,
                hostname="127.0.0.1",
                port=self.port,
                decode_data=False,
                enable_SMTPUTF8=True,
                data_size_limit=64 * 1024 * 1024,
                ready_timeout=10.0,
            )
            try:
                controller.start()
            except Exception as exc:  # the port was taken between probing and binding
                last = exc
                continue
            self._controller = controller
            return
        raise RuntimeError(f"could not start the relay sink: {last}")

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def count(self) -> int:
        with self.sink.lock:
            return len(self.sink.received)

    def acks_for(self, message_ids: Any) -> dict[str, float]:
        with self.sink.lock:
            return {m: self.sink.by_parent[m] for m in message_ids if m in self.sink.by_parent}

    def count_auto_replies(self) -> int:
        with self.sink.lock:
            return sum(1 for r in self.sink.received if r.auto_submitted.startswith("auto-"))

    def reset(self) -> None:
        with self.sink.lock:
            self.sink.received.clear()
            self.sink.by_parent.clear()

    def stop(self) -> None:
        if self._controller is not None:
            controller, self._controller = self._controller, None
            controller.stop()
