"""`caredesk ingest`: the MTA pipe, and importing .eml files, mbox files and Maildir folders."""

from __future__ import annotations

import mailbox as stdlib_mailbox
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from caredesk.inbound.models import InboundMessage, Source
from caredesk.inbound.process import inbound_process
from caredesk.inbound.receive import inbound_receive
from caredesk.mailboxes.models import Mailbox


@dataclass
class IngestSummary:
    stored: int = 0
    failed: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        parts = [f"{self.stored} stored"]
        parts += [f"{n} {status}" for status, n in sorted(self.statuses.items())]
        if self.failed:
            parts.append(f"{len(self.failed)} could not be stored")
        return ", ".join(parts)


def iter_mbox(path: Path) -> Iterator[bytes]:
    box = stdlib_mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield box.get_bytes(key)
    finally:
        box.close()


def iter_maildir(path: Path) -> Iterator[bytes]:
    box = stdlib_mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(box.iterkeys()):
        yield box.get_bytes(key)


def count_mbox(path: Path) -> int:
    box = stdlib_mailbox.mbox(path, create=False)
    try:
        return len(box)
    finally:
        box.close()


def count_maildir(path: Path) -> int:
    return len(stdlib_mailbox.Maildir(path, factory=None, create=False))


def ingest(
    *,
    mailbox: Mailbox,
    messages: Iterable[bytes],
    total: int | None,
    source: str = Source.IMPORT,
    inline: bool = True,
    progress: bool = True,
) -> IngestSummary:
    """Store every message (and with `inline`, process it here rather than in a worker).

    Importing processes inline so the summary can say what became of each email; a pipe from
    the MTA stores and leaves processing to the workers so the MTA is answered at once.
    """
    summary = IngestSummary()
    bar = tqdm(total=total, unit="msg", disable=not progress, desc="importing", leave=True)
    try:
        for index, raw in enumerate(messages):
            try:
                row: InboundMessage = inbound_receive(
                    raw=raw,
                    mailbox_id=mailbox.pk,
                    source=source,
                    envelope_to=[mailbox.address],
                    process=not inline,
                )
            except Exception as exc:
                summary.failed.append(f"message {index + 1}: {exc}")
                bar.update(1)
                continue
            summary.stored += 1
            if inline:
                status = inbound_process(intake_id=row.pk)
                summary.statuses[status] = summary.statuses.get(status, 0) + 1
            bar.update(1)
    finally:
        bar.close()
    return summary
