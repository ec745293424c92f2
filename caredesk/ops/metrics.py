"""Prometheus metrics, read from the database when scraped.

Web, SMTP intake and workers are separate processes (often on separate machines), so counters
kept in one process's memory would show a fraction of the truth. The database already holds
every figure that matters for operating the pipeline; reading it per scrape costs a few
indexed GROUP BY queries.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Min
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from caredesk.core import clock
from caredesk.inbound.models import InboundMessage, IntakeStatus
from caredesk.mailboxes.models import ImapAccount
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from caredesk.tickets.models import Ticket


class PipelineCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        intake = GaugeMetricFamily(
            "caredesk_intake_messages", "Stored incoming emails by status", labels=["status"]
        )
        counts = dict(
            InboundMessage.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        for status in IntakeStatus.values:
            intake.add_metric([status], counts.get(status, 0))
        yield intake

        oldest = InboundMessage.objects.filter(status=IntakeStatus.RECEIVED).aggregate(
            at=Min("received_at")
        )["at"]
        yield GaugeMetricFamily(
            "caredesk_intake_oldest_unprocessed_seconds",
            "Age of the oldest email not processed yet (0 when none is waiting)",
            value=(clock.now() - oldest).total_seconds() if oldest else 0.0,
        )

        outbound = GaugeMetricFamily(
            "caredesk_outbound_emails",
            "Outgoing emails by kind and delivery status",
            labels=["kind", "status"],
        )
        rows = OutboundEmail.objects.values_list("kind", "status").annotate(n=Count("id"))
        found = {(kind, status): n for kind, status, n in rows.order_by()}
        for kind in OutboundEmail.Kind.values:
            for status in DeliveryStatus.values:
                outbound.add_metric([kind, status], found.get((kind, status), 0))
        yield outbound

        yield from _imap()

        tickets = GaugeMetricFamily("caredesk_tickets", "Tickets by status", labels=["status"])
        for status, n in Ticket.objects.values_list("status").annotate(n=Count("id")).order_by():
            tickets.add_metric([status], n)
        yield tickets


def _imap() -> Iterator[GaugeMetricFamily]:
    """Per IMAP mailbox: emails fetched, the last successful fetch, and whether it is failing."""
    fetched = GaugeMetricFamily(
        "caredesk_imap_fetched_emails", "Emails fetched over IMAP", labels=["mailbox"]
    )
    success = GaugeMetricFamily(
        "caredesk_imap_last_success_timestamp_seconds",
        "When the mailbox was last fetched without error (0: never)",
        labels=["mailbox"],
    )
    failing = GaugeMetricFamily(
        "caredesk_imap_failing_seconds",
        "How long fetching the mailbox has been failing (0 when it works)",
        labels=["mailbox"],
    )
    now = clock.now()
    for account in ImapAccount.objects.select_related("mailbox").filter(enabled=True):
        label = [account.mailbox.address]
        fetched.add_metric(label, account.fetched_count)
        at = account.last_success_at
        success.add_metric(label, at.timestamp() if at else 0.0)
        since = account.failing_since
        failing.add_metric(label, (now - since).total_seconds() if since else 0.0)
    yield fetched
    yield success
    yield failing


def registry() -> CollectorRegistry:
    reg = CollectorRegistry()
    reg.register(PipelineCollector())
    return reg
